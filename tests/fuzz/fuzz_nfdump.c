/*
 * fuzz_nfdump.c - libFuzzer target for the flow-export input of
 * `heiiki capture --nfdump`: any bytes as nfdump's standard output.
 *
 * The input goes through the framer in pieces whose sizes come from the
 * input itself (so objects split across reads are exercised), every
 * object through nfd_parse_record() and, when it is a flow, into a small
 * capture (flow pairing, next hops, exits); every line also goes through
 * the `-o fmt:%nfv` version parser.  The capture is kept across inputs and
 * finished into a results document every 1024 inputs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/capture/capture.h"
#include "scanner/capture/nfdump.h"

static struct capture *cap;
static unsigned inputs;

static void
fuzz_new_capture(void)
{
	struct capture_opts o;
	char err[256];

	capture_opts_default(&o);
	o.max_flows = 256;
	o.max_flow_records = 16;
	o.max_notable_records = 16;
	if (capture_new(&cap, &o, err, sizeof(err)) < 0)
		cap = NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_new_capture();
	return 0;
}

static void
fuzz_object(void *ctx, const char *obj, size_t len)
{
	struct nfd_rec r;
	char why[200];

	(void)ctx;
	if (len == 0 || obj[0] != '{' || obj[len] != '\0')
		__builtin_trap();	/* the framer hands out what it cut */
	if (nfd_parse_record(obj, len, &r, why, sizeof(why)) > 0 && cap)
		capture_flow_record(cap, &r);
	else if (strlen(why) >= sizeof(why))
		__builtin_trap();
}

/* every line as `-o fmt:%nfv` output, with its exact length (no NUL) */
static void
fuzz_lines(const uint8_t *data, size_t size)
{
	size_t start = 0;

	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (nfd_parse_version((const char *)data + start, i - start) > 255)
			__builtin_trap();
		start = i + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfd_framer fr;
	size_t off = 0, step;

	if (size < 1 || nfd_framer_init(&fr, 4096) < 0)
		return 0;
	step = (size_t)data[0] % 64 + 1;
	for (off = 1; off < size; off += step) {
		size_t n = size - off < step ? size - off : step;

		nfd_framer_feed(&fr, data + off, n, fuzz_object, NULL);
	}
	nfd_framer_free(&fr);
	fuzz_lines(data + 1, size - 1);
	if (++inputs % 1024 == 0 && cap) {
		struct results *r = results_new("capture");
		char err[256];

		if (r) {
			(void)capture_finish(cap, r, err, sizeof(err));
			results_free(r);
		}
		capture_free(cap);
		fuzz_new_capture();
	}
	return 0;
}
