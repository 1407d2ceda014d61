/*
 * datafile.h - where heiiki's data files are (VPN fingerprints, product
 * rules, the support-end table).
 *
 * One lookup order for all of them, so a source tree, a build directory
 * and an installed system behave alike:
 *   1. the environment variable env, when set (tests, operators);
 *   2. rel under $HEIIKI_SRCDIR, under the current directory, or next to
 *      the running executable (a build tree), the first that is readable;
 *   3. HEIIKI_DATADIR/data/<last component of rel> (make install).
 * The path is written into buf (also when nothing was found: then the
 * installed location, so the caller's error names where it looked last).
 */
#ifndef HEIIKI_DATAFILE_H
#define HEIIKI_DATAFILE_H

#include <stddef.h>

const char *data_file_path(const char *env, const char *rel, char *buf, size_t len);

#endif
