/*
 * pcap_ceiling.c - the floor of any pcap reader: a bare pcap_next_ex()
 * loop over a file that touches every frame's first byte and does nothing
 * else.  bench_capture.sh compares heiiki's reading speed against it.
 *
 *   pcap_ceiling FILE       libpcap as it comes: pcap_open_offline()
 *   pcap_ceiling -t FILE    the FILE opened the way heiiki opens it (1 MiB
 *                           stdio buffer, no stdio locking, see
 *                           scanner/capture/source.c), then
 *                           pcap_fopen_offline(): the ceiling for a reader
 *                           with heiiki's I/O
 *
 * prints "packets bytes parity"
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>

static char vbuf[1 << 20];

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, sum = 0;
	int tuned = argc == 3 && !strcmp(argv[1], "-t");
	const char *path = argv[argc - 1];
	pcap_t *p;

	if (argc != 2 && !tuned) {
		fprintf(stderr, "usage: pcap_ceiling [-t] FILE\n");
		return 2;
	}
	if (tuned) {
		FILE *fp = fopen(path, "rb");

		if (!fp) {
			perror(path);
			return 1;
		}
		setvbuf(fp, vbuf, _IOFBF, sizeof(vbuf));
		__fsetlocking(fp, FSETLOCKING_BYCALLER);
		p = pcap_fopen_offline(fp, err);
	} else {
		p = pcap_open_offline(path, err);
	}
	if (!p) {
		fprintf(stderr, "pcap_ceiling: %s\n", err);
		return 1;
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		n++;
		bytes += h->len;
		if (h->caplen)
			sum += d[0];
	}
	pcap_close(p);
	printf("%llu %llu %llu\n", n, bytes, sum & 1);
	return 0;
}
