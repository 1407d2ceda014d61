/*
 * cmd_history.c - 'heiiki history' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("history", "not implemented yet");
}
