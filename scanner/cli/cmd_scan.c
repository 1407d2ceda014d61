/*
 * cmd_scan.c - 'heiiki scan' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_scan(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("scan", "not implemented yet");
}
