/*
 * main.c - heiiki entry point: pick the subcommand and run it.
 *
 * Data flows one way (docs/ARCHITECTURE.md):
 *   policy + targets -> sweep -> probes --\
 *                                          > results -> check -> report/diff
 *   capture -> decode -> flows ------------/
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "scanner/cli/cli.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: heiiki [--version] [--help] COMMAND [ARGS]\n\n"
		   "heiiki (閉域) tests whether a hospital network is as closed as it is believed to be.\n\n"
		   "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-9s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'heiiki COMMAND --help' for a command's options; see heiiki(8).\n"
		   "Only scan networks you are responsible for.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("heiiki %s\n", HEIIKI_VERSION);
		return 0;
	}
	opterr = 0;	/* the commands name a bad option themselves (cli_bad_option) */
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	return cli_usage(NULL, "unknown command '%s'", argv[1]);
}
