/*
 * pcap_ceiling.c - the floor of any pcap reader: a bare pcap_next_ex()
 * loop over a file that touches every frame's first byte and does nothing
 * else.  bench_capture.sh compares heiiki's reading speed against it.
 *
 *   pcap_ceiling FILE      prints "packets bytes"
 */
#include <pcap/pcap.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long n = 0, bytes = 0, sum = 0;
	pcap_t *p;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_ceiling FILE\n");
		return 2;
	}
	p = pcap_open_offline(argv[1], err);
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
