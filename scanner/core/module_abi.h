/*
 * module_abi.h - the headers that define what a module exports (its table
 * and how the binary calls it).  The Makefile's MODULE_ABI tag is the
 * version and a checksum of exactly the files included here, and every
 * object that bakes the tag in (module.c, module_abi.c) includes this
 * file, so make rebuilds both sides when one of them changes and a
 * binary and its modules from one build always carry the same tag.
 */
#include "scanner/core/module.h"
#include "scanner/report/history.h"
#include "scanner/report/history_be.h"
#include "scanner/report/report.h"
