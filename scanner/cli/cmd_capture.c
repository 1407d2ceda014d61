/*
 * cmd_capture.c - 'heiiki capture' (placeholder until its issue lands).
 */
#include "cli.h"

int
cmd_capture(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("capture", "not implemented yet");
}
