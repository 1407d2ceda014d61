/*
 * cmd_geo.c - 'heiiki geo' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_geo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("geo", "not implemented yet");
}
