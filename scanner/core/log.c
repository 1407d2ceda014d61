/*
 * log.c - leveled diagnostics (see log.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

int log_level = LOG_WARN;

void
log_msg(enum log_level lvl, const char *sub, const char *fmt, ...)
{
	va_list ap;

	if (lvl > log_level)
		return;
	fprintf(stderr, "heiiki: %s%s%s", lvl == LOG_WARN ? "warning: " : "",
		sub ? sub : "", sub ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
