/*
 * cmd_probe.c - 'heiiki probe' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_probe(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("probe", "not implemented yet");
}
