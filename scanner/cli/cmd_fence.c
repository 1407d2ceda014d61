/*
 * cmd_fence.c - 'heiiki fence' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_fence(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("fence", "not implemented yet");
}
