/*
 * fuzz_docname.c - libFuzzer target for capture_doc_parse(), the parser of
 * period document names that 'capture --rotate' and capture_docs_list()
 * read from a directory (scanner/capture/rotate.c).
 *
 * Input: a file name (cut at 255 bytes, NUL-terminated).  Property: a name
 * the parser accepts is exactly the name capture_doc_name() makes from the
 * parsed start and sequence number, so no two accepted names mean the same
 * period and nothing the parser accepts is misread.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/capture/rotate.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[256], again[CAPTURE_DOC_NAME_MAX];
	unsigned seq;
	time_t t;

	if (size > sizeof(name) - 1)
		size = sizeof(name) - 1;
	memcpy(name, data, size);
	name[size] = '\0';
	if (capture_doc_parse(name, &t, &seq) < 0)
		return 0;
	if (capture_doc_name(t, seq, again, sizeof(again)) < 0 || strcmp(name, again) != 0)
		__builtin_trap();
	return 0;
}
