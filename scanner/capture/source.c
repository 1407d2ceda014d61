/*
 * source.c - where packets come from: a pcap/pcapng file (or stdin) or a
 * live interface, both as one pcap_t read by the same loop.
 *
 * Files: libpcap reads both formats.  A damaged or truncated file makes
 * pcap_next_ex() return PCAP_ERROR after the good records; that is
 * reported (warning + files_damaged) and the records before it are kept.
 * A pcapng file whose interfaces differ in link type is refused by
 * libpcap 1.10 the same way.  Frames of a link type decode does not know
 * are counted (unsupported_link), never fatal.
 *
 * Live: pcap_create/activate, then non-blocking reads with our own poll()
 * of at most 200 ms, so the loop sees the stop flag (SIGINT/SIGTERM) and
 * the deadline at least that often even on a silent interface.
 * pcap_stats() gives the kernel's receive/drop counts at the end.
 */
#include <pcap/pcap.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/core/log.h"
#include "capture_priv.h"

#define READ_TIMEOUT_MS 200

static int64_t
ts_us(const struct pcap_pkthdr *h, int nano)
{
	return (int64_t)h->ts.tv_sec * 1000000 +
	       (nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec);
}

/*
 * Wait up to READ_TIMEOUT_MS for the live handle to become readable.  The
 * handle is non-blocking: libpcap's own read timeout does not promise to
 * return when no packet arrives at all (TPACKET_V3), which would hang a
 * capture on a silent interface past its duration.
 */
static void
live_wait(pcap_t *p)
{
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(p), .events = POLLIN };

	if (pfd.fd >= 0)
		(void)poll(&pfd, 1, READ_TIMEOUT_MS);
}

/* Read until the end, an error or *stop: 0 end, 1 error, 2 stopped. */
#define ZERO_RUN 64

/* 0 end, 1 read error, 2 stopped, 3 zero records from the start (not a
 * capture), 4 zero records after good ones (the rest is damaged) */
static int
pcap_drain(struct capture *c, pcap_t *p, int nano, volatile sig_atomic_t *stop,
	   time_t deadline)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int dlt = pcap_datalink(p), rc;
	unsigned n = 0, zeros = 0;
	uint64_t good = 0;

	for (;;) {
		if (stop && *stop)
			return 2;
		rc = pcap_next_ex(p, &h, &data);
		if (rc == 1) {
			/* a record header of all zeros (no time, no length) is not
			 * a packet: a zero-filled or preallocated file would read
			 * as millions of them; ZERO_RUN in a row end the file */
			if (!h->caplen && !h->len && !h->ts.tv_sec && !h->ts.tv_usec) {
				if (++zeros == ZERO_RUN)
					return good ? 4 : 3;
				continue;
			}
			for (; zeros; zeros--)	/* a short run: they were records */
				capture_packet(c, dlt, 0, data, 0, 0);
			good++;
			capture_packet(c, dlt, ts_us(h, nano), data, h->caplen,
				       h->len);
			if (deadline && (++n & 1023) == 0 &&
			    time(NULL) >= deadline)
				return 0;
			continue;
		}
		if (rc == 0) {	/* live, nothing buffered */
			if (deadline && time(NULL) >= deadline)
				return 0;
			live_wait(p);
			continue;
		}
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		return 1;
	}
}

/*
 * Open a capture file for libpcap with a large stdio buffer: libpcap reads
 * each record with two fread() calls, and glibc's default 4 KiB buffer
 * makes that one read() system call per 4 KiB (about 44,000 for a 180 MB
 * file, most of the reading time on a virtual machine); each fread() also
 * takes the FILE's lock, which a single reader does not need.  "-" is stdin,
 * left to libpcap as it is.  *vbuf is freed by the caller after
 * pcap_close() (which closes the FILE).
 */
#define FILE_BUF (1u << 20)

static pcap_t *
file_open(const char *path, char *ebuf, char **vbuf)
{
	FILE *fp;
	pcap_t *p;

	*vbuf = NULL;
	if (!strcmp(path, "-"))
		return pcap_open_offline_with_tstamp_precision(
			path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	fp = fopen(path, "rb");
	if (!fp) {
		snprintf(ebuf, PCAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	*vbuf = malloc(FILE_BUF);
	if (*vbuf)
		(void)setvbuf(fp, *vbuf, _IOFBF, FILE_BUF);
	/* only this thread reads it: no lock per fread() */
	(void)__fsetlocking(fp, FSETLOCKING_BYCALLER);
	p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO,
						     ebuf);
	if (!p) {
		fclose(fp);
		free(*vbuf);
		*vbuf = NULL;
	}
	return p;
}

int
capture_file(struct capture *c, const char *path, volatile sig_atomic_t *stop,
	     char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "", *vbuf;
	uint64_t before = c->st.packets;
	pcap_t *p;
	int rc, nano = 1;

	p = file_open(path, ebuf, &vbuf);
	if (!p) {
		size_t pl = strlen(path);

		c->st.files_unreadable++;
		/* libpcap's messages do not always name the file */
		if (!strncmp(ebuf, path, pl) && ebuf[pl] == ':')
			snprintf(err, errlen, "%s", ebuf);
		else
			snprintf(err, errlen, "%s: %s", strcmp(path, "-") ? path : "stdin", ebuf);
		return -1;
	}
	nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	c->st.files++;
	if (!decode_supported(pcap_datalink(p)))
		capture_warn(c, "%s: link type %d (%s) is not decoded; frames "
			     "counted only", path, pcap_datalink(p),
			     pcap_datalink_val_to_name(pcap_datalink(p)) ?
			     pcap_datalink_val_to_name(pcap_datalink(p)) : "?");
	rc = pcap_drain(c, p, nano, stop, 0);
	if (rc == 3) {
		c->st.files_unreadable++;
		snprintf(err, errlen, "%s: records of all zeros from the start: not a capture "
			 "(zero-filled or damaged file)", path);
		pcap_close(p);
		free(vbuf);
		return -1;
	}
	if (rc == 4) {
		c->st.files_damaged++;
		capture_warn(c, "%s: stopped after %llu packets: the rest is records of all "
			     "zeros (zero-filled or damaged)", path,
			     (unsigned long long)(c->st.packets - before));
		rc = 1;
	} else if (rc == 1) {
		c->st.files_damaged++;
		capture_warn(c, "%s: stopped after %llu packets: %s", path,
			     (unsigned long long)(c->st.packets - before),
			     pcap_geterr(p));
	} else if (rc == 2) {
		c->st.interrupted = 1;
	}
	pcap_close(p);
	free(vbuf);
	return rc == 1 ? 1 : 0;
}

static pcap_t *
live_open(struct capture *c, const char *iface, const char *bpf, char *err,
	  size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p;
	int rc;

	p = pcap_create(iface, ebuf);
	if (!p) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, (int)c->o.snaplen);
	pcap_set_promisc(p, c->o.promisc);
	pcap_set_timeout(p, READ_TIMEOUT_MS);
	pcap_set_buffer_size(p, 8 << 20);
	rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", iface, pcap_geterr(p));
		goto out_close;
	}
	if (rc > 0)
		capture_warn(c, "%s: %s", iface, pcap_statustostr(rc));
	if (pcap_setnonblock(p, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		goto out_close;
	}
	if (bpf && bpf[0]) {
		if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			snprintf(err, errlen, "--bpf '%s': %s", bpf, pcap_geterr(p));
			goto out_close;
		}
		rc = pcap_setfilter(p, &prog);
		pcap_freecode(&prog);
		if (rc < 0) {
			snprintf(err, errlen, "--bpf '%s': %s", bpf, pcap_geterr(p));
			goto out_close;
		}
	}
	return p;

out_close:
	pcap_close(p);
	return NULL;
}

int
capture_live(struct capture *c, const char *iface, const char *bpf,
	     unsigned duration_s, volatile sig_atomic_t *stop, char *err,
	     size_t errlen)
{
	struct pcap_stat ps;
	pcap_t *p;
	int rc;

	p = live_open(c, iface, bpf, err, errlen);
	if (!p)
		return -1;
	if (!decode_supported(pcap_datalink(p)))
		capture_warn(c, "%s: link type %d is not decoded", iface,
			     pcap_datalink(p));
	rc = pcap_drain(c, p, 0, stop,
			duration_s ? time(NULL) + (time_t)duration_s : 0);
	if (rc == 2)
		c->st.interrupted = 1;
	if (rc == 1)
		capture_warn(c, "%s: read error: %s", iface, pcap_geterr(p));
	if (pcap_stats(p, &ps) == 0) {
		c->st.pcap_recv = ps.ps_recv;
		c->st.pcap_drop = ps.ps_drop;
		c->st.pcap_ifdrop = ps.ps_ifdrop;
		if (ps.ps_drop || ps.ps_ifdrop)
			capture_warn(c, "%s: %u packets dropped by the kernel, "
				     "%u by the interface", iface, ps.ps_drop,
				     ps.ps_ifdrop);
	}
	pcap_close(p);
	return 0;
}
