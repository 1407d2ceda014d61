/*
 * cmd_report.c - 'heiiki report' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("report", "not implemented yet");
}
