/*
 * cmd_policy.c - 'heiiki policy' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_policy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("policy", "not implemented yet");
}
