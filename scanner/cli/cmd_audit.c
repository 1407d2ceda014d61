/*
 * cmd_audit.c - 'heiiki audit': options of the pre-connection vendor
 * audit; the audit itself is scanner/pipeline/audit.c.
 *
 *   heiiki audit --policy FILE --vendor NAME [-o DIR] [--lang ja|en]
 *                [--evidence FILE]... [-- SCAN-OPTIONS]
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scanner/pipeline/audit.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: heiiki audit --policy FILE --vendor NAME [-o DIR] [--lang ja|en]\n"
"                    [--evidence FILE]... [-- SCAN-OPTIONS]\n"
"Before a vendor connection is opened: what the policy grants the vendor\n"
"(sources, window, each grant's until: date), a sweep of the zones the grants\n"
"reach plus the vendor boundary, what the vendor would land on (RDP without\n"
"NLA, VPN portals, invalid TLS certificates, services the policy does not\n"
"list), and a ja/en Markdown and HTML report ending in a go / no-go checklist.\n"
"  -P, --policy FILE   site policy\n"
"  -V, --vendor NAME   the vendor (policy vendors:)\n"
"  -o, --out-dir DIR   reports and the sweep's results (default .)\n"
"      --lang ja|en    language of the checklist on stdout (default ja)\n"
"      --evidence FILE a results document from elsewhere (repeatable): a\n"
"                      'heiiki fence' run from outside proves or breaks the\n"
"                      source restriction; a capture or night document adds\n"
"                      exits and remote-support sessions of the vendor's zones\n"
"  -h, --help          this text\n"
"Exit: 0 go, 1 no-go, 2 bad input, 3 runtime failure.\n"
"Options after '--' are 'heiiki scan' options (rates, ports).\n");
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "vendor", required_argument, NULL, 'V' },
		{ "out-dir", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'L' },
		{ "evidence", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *ev[32];
	struct audit_opts o;
	int ch;

	memset(&o, 0, sizeof(o));
	o.out_dir = ".";
	o.lang = LANG_JA;
	o.reparse = scan_parse_opts;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "P:V:o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'P': o.policy = optarg; break;
		case 'V': o.vendor = optarg; break;
		case 'o': o.out_dir = optarg; break;
		case 'e':
			if (o.nevidence >= (int)(sizeof(ev) / sizeof(ev[0])))
				return cli_usage("audit", "at most %d --evidence documents",
						 (int)(sizeof(ev) / sizeof(ev[0])));
			ev[o.nevidence++] = optarg;
			o.evidence = ev;
			break;
		case 'h': usage(stdout); return 0;
		case 'L':
			if (i18n_lang_parse(optarg, &o.lang) < 0)
				return cli_usage("audit", "invalid value '%s' for --lang: "
						 "expected en or ja", optarg);
			break;
		default:
			return cli_bad_option("audit", argv);
		}
	}
	if (!o.policy || !o.vendor)
		return cli_usage("audit", "--policy FILE and --vendor NAME are required");
	o.scan_args = argv + optind;
	o.nscan_args = argc - optind;
	return pipeline_audit(&o);
}
