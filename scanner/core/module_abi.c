/*
 * module_abi.c - linked into every module (heiiki-*.so) only: the tag
 * module.c compares with its own before it uses the module's table.
 */
#include "module_abi.h"

extern const char *const heiiki_module_abi;
const char *const heiiki_module_abi = HEIIKI_MODULE_ABI;
