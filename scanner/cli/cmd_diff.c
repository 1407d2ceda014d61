/*
 * cmd_diff.c - 'heiiki diff' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("diff", "not implemented yet");
}
