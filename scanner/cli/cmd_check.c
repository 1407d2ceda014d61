/*
 * cmd_check.c - 'heiiki check' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("check", "not implemented yet");
}
