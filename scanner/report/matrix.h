/*
 * matrix.h - 'heiiki report --matrix RUN...': one table of service x
 * vantage from runs made at several vantage points.
 */
#ifndef HEIIKI_MATRIX_H
#define HEIIKI_MATRIX_H

/* The whole subcommand (argv as given to 'heiiki report'); an exit status. */
int report_matrix_main(int argc, char **argv);

#endif
