/*
 * module.h - parts of heiiki loaded when a command first needs them.
 *
 * The PDF writer (cairo + pango and ~30 libraries under them) and the
 * PostgreSQL history back end (libpq with Kerberos, LDAP and GnuTLS) are
 * shared objects, heiiki-pdf.so and heiiki-pg.so: without them every
 * command mapped and relocated 77 libraries before its first line (40 ms
 * and 15 MiB of a one-port scan, a night's every child).  Each module
 * exports one table (report_pdf, history_pg_ops) and heiiki_module_abi.
 *
 * Where a build links a module's object itself (unit tests, ASan, fuzz),
 * the caller's weak reference to the table is set and nothing is loaded.
 * Otherwise the module is looked for next to the executable, in the
 * build tree (MODULE_DIR_REL, from the Makefile) and then in
 * ../lib/heiiki (installed: /usr/bin and /usr/lib/heiiki); it must be a
 * regular file owned by root or by the running user, writable by no one
 * else, and built from the same headers (HEIIKI_MODULE_ABI, module_abi.h).
 */
#ifndef HEIIKI_MODULE_H
#define HEIIKI_MODULE_H

#include <stddef.h>

/*
 * The address of sym in module name ("pdf": heiiki-pdf.so), loaded once;
 * NULL with err set (which files were tried and why not).
 */
const void *module_sym(const char *name, const char *sym, char *err, size_t errlen);

#endif
