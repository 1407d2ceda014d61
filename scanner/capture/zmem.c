/*
 * zmem.c - zero-filled tables from anonymous mappings (see zmem.h).
 *
 * The page just before each table records the mapping (start, length)
 * so zmem_free() needs only the pointer.  Tables of 2 MiB or more start
 * on a 2 MiB boundary (the mapping is 2 MiB longer; the slack is never
 * touched, so it costs address space, not memory) so that every 2 MiB
 * of the table can be one huge page.  MADV_HUGEPAGE is advice: when the
 * kernel refuses it (THP off, old kernel) the table works the same with
 * small pages.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "zmem.h"

#define ZMEM_HUGE ((size_t)2 << 20)

struct zhdr {
	void *base;
	size_t len;
};

static size_t
zmem_page(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
}

void *
zmem_calloc(size_t n, size_t size)
{
	size_t page = zmem_page(), bytes, len, align;
	uintptr_t t;
	uint8_t *p;
	struct zhdr *h;

	if (size && n > (SIZE_MAX - 2 * ZMEM_HUGE) / size)
		return NULL;
	bytes = n * size;
	align = bytes >= ZMEM_HUGE ? ZMEM_HUGE : page;
	len = page + bytes + (align > page ? align : 0);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	t = ((uintptr_t)p + page + align - 1) & ~(uintptr_t)(align - 1);
#ifdef MADV_HUGEPAGE
	if (align > page)
		(void)madvise((void *)t, bytes, MADV_HUGEPAGE);
#endif
	h = (struct zhdr *)(t - page);
	h->base = p;
	h->len = len;
	return (void *)t;
}

void
zmem_free(void *p)
{
	const struct zhdr *h;

	if (!p)
		return;
	h = (const struct zhdr *)((uintptr_t)p - zmem_page());
	munmap(h->base, h->len);
}
