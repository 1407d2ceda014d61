/*
 * audit.h - 'heiiki audit --vendor NAME': the pre-connection vendor audit
 * (see audit.c).  Exit 0 go, 1 no-go, 2 bad input, 3 runtime failure.
 */
#ifndef HEIIKI_AUDIT_H
#define HEIIKI_AUDIT_H

#include "pipeline.h"
#include "scanner/report/i18n.h"

struct audit_opts {
	const char *policy, *vendor;
	const char *out_dir;		/* reports and the sweep's results */
	enum report_lang lang;		/* the checklist on stdout */
	char **scan_args;		/* extra 'scan' options (rates, ports) */
	int nscan_args;
	scan_reparse_fn reparse;
	/* Results documents made elsewhere: 'heiiki fence' runs from outside
	 * (proof of the source restriction) and capture or night documents
	 * (exits and remote-support sessions of the vendor's equipment). */
	const char **evidence;
	int nevidence;
};

int pipeline_audit(const struct audit_opts *o);

#endif
