/*
 * cmd_targets.c - 'heiiki targets' (placeholder).
 */
#include "cli.h"

int
cmd_targets(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("targets", "not implemented yet");
}
