/*
 * zmem.h - large zero-filled tables of the capture pipeline (flow records,
 * lookup indexes), mapped straight from the kernel and marked for
 * transparent huge pages so that first touch costs one fault per 2 MiB
 * instead of one per 4 KiB.  Pages are still only backed when touched.
 */
#ifndef HEIIKI_CAPTURE_ZMEM_H
#define HEIIKI_CAPTURE_ZMEM_H

#include <stddef.h>

/* n * size zeroed bytes, or NULL (overflow, no memory).  n == 0 gives a
 * valid, empty table. */
void *zmem_calloc(size_t n, size_t size);
/* Release a zmem_calloc() table; NULL is ignored. */
void zmem_free(void *p);

#endif
