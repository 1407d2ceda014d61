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
file_open_buf(const char *path, char *ebuf, char **vbuf, size_t bufsize)
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
	*vbuf = malloc(bufsize);
	if (*vbuf)
		(void)setvbuf(fp, *vbuf, _IOFBF, bufsize);
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

/* One input of a merged read: its handle and its next packet. */
struct src_file {
	pcap_t *p;
	char *vbuf;
	const char *path;
	int nano, dlt;
	struct pcap_pkthdr *h;	/* next packet, NULL when the file is done */
	const u_char *data;
	int64_t ts;
	uint64_t read;
	int zero_start;		/* records of all zeros from the start: not a capture */
};

/*
 * Advance f to its next packet; at the end or on damage close it.  A
 * record header of all zeros is not a packet (pcap_drain() above): a short
 * run of them is counted as empty records, ZERO_RUN in a row end the file
 * (not a capture at all when nothing good came before).
 */
static void
src_next(struct capture *c, struct src_file *f)
{
	unsigned zeros = 0;
	int rc;

	while ((rc = pcap_next_ex(f->p, &f->h, &f->data)) == 1 && !f->h->caplen &&
	       !f->h->len && !f->h->ts.tv_sec && !f->h->ts.tv_usec)
		if (++zeros == ZERO_RUN)
			break;
	if (rc == 1 && zeros < ZERO_RUN) {
		for (; zeros; zeros--)
			capture_packet(c, f->dlt, 0, f->data, 0, 0);
		f->ts = ts_us(f->h, f->nano);
		return;
	}
	if (zeros == ZERO_RUN && !f->read) {
		f->zero_start = 1;
	} else if (zeros == ZERO_RUN) {
		c->st.files_damaged++;
		capture_warn(c, "%s: stopped after %llu packets: the rest is records of all "
			     "zeros (zero-filled or damaged)", f->path, (unsigned long long)f->read);
	} else if (rc != PCAP_ERROR_BREAK) {
		c->st.files_damaged++;
		capture_warn(c, "%s: stopped after %llu packets: %s", f->path,
			     (unsigned long long)f->read, pcap_geterr(f->p));
	}
	f->h = NULL;
	pcap_close(f->p);
	free(f->vbuf);
	f->p = NULL;
	f->vbuf = NULL;
}

size_t
capture_files(struct capture *c, const char *const *paths, size_t n,
	      volatile sig_atomic_t *stop, void (*on_err)(void *ctx, const char *msg),
	      void *ctx)
{
	struct src_file *fs = calloc(n ? n : 1, sizeof(*fs));
	char ebuf[PCAP_ERRBUF_SIZE];
	size_t ok = 0;

	if (!fs) {
		on_err(ctx, "out of memory for the input files");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct src_file *f = &fs[i];

		ebuf[0] = '\0';
		f->path = paths[i];
		/* many files open at once: 64 KiB each past 16 of them */
		f->p = file_open_buf(paths[i], ebuf, &f->vbuf,
				     n > 16 ? (64u << 10) : FILE_BUF);
		if (!f->p) {
			char msg[PCAP_ERRBUF_SIZE + 512];
			size_t pl = strlen(paths[i]);

			c->st.files_unreadable++;
			/* libpcap's messages do not always name the file */
			if (!strncmp(ebuf, paths[i], pl) && ebuf[pl] == ':')
				snprintf(msg, sizeof(msg), "%s", ebuf);
			else
				snprintf(msg, sizeof(msg), "%s: %s",
					 strcmp(paths[i], "-") ? paths[i] : "stdin", ebuf);
			on_err(ctx, msg);
			continue;
		}
		ok++;
		c->st.files++;
		f->nano = pcap_get_tstamp_precision(f->p) == PCAP_TSTAMP_PRECISION_NANO;
		f->dlt = pcap_datalink(f->p);
		if (!decode_supported(f->dlt))
			capture_warn(c, "%s: link type %d (%s) is not decoded; frames "
				     "counted only", f->path, f->dlt,
				     pcap_datalink_val_to_name(f->dlt) ?
				     pcap_datalink_val_to_name(f->dlt) : "?");
		src_next(c, f);
	}
	/* The earliest packet of all files next; ties go to the earlier file. */
	for (;;) {
		struct src_file *best = NULL;

		if (stop && *stop) {
			c->st.interrupted = 1;
			break;
		}
		for (size_t i = 0; i < n; i++)
			if (fs[i].h && (!best || fs[i].ts < best->ts))
				best = &fs[i];
		if (!best)
			break;
		capture_packet(c, best->dlt, best->ts, best->data, best->h->caplen,
			       best->h->len);
		best->read++;
		src_next(c, best);
	}
	for (size_t i = 0; i < n; i++) {
		if (fs[i].p) {
			pcap_close(fs[i].p);
			free(fs[i].vbuf);
		}
		if (fs[i].zero_start) {
			char msg[600];

			c->st.files--;
			c->st.files_unreadable++;
			ok--;
			snprintf(msg, sizeof(msg), "%s: records of all zeros from the start: not "
				 "a capture (zero-filled or damaged file)", fs[i].path);
			on_err(ctx, msg);
		}
	}
	free(fs);
	return ok;
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

/* A live handle that outlives one struct capture (rotation, rotate.c). */
struct capture_live {
	pcap_t *p;
	char iface[64];
	struct pcap_stat last;	/* kernel counters at the previous period's end */
};

int
capture_live_open(struct capture_live **out, struct capture *c,
		  const char *iface, const char *bpf, char *err, size_t errlen)
{
	struct capture_live *l;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "capture: out of memory");
		return -1;
	}
	l->p = live_open(c, iface, bpf, err, errlen);
	if (!l->p) {
		free(l);
		return -1;
	}
	snprintf(l->iface, sizeof(l->iface), "%s", iface);
	if (!decode_supported(pcap_datalink(l->p)))
		capture_warn(c, "%s: link type %d is not decoded", iface,
			     pcap_datalink(l->p));
	*out = l;
	return 0;
}

/* Kernel receive/drop counts since the previous call into c. */
static void
live_stats(struct capture_live *l, struct capture *c)
{
	struct pcap_stat ps;
	unsigned drop, ifdrop;

	if (pcap_stats(l->p, &ps) != 0)
		return;
	c->st.pcap_recv = ps.ps_recv - l->last.ps_recv;
	drop = ps.ps_drop - l->last.ps_drop;
	ifdrop = ps.ps_ifdrop - l->last.ps_ifdrop;
	c->st.pcap_drop = drop;
	c->st.pcap_ifdrop = ifdrop;
	if (drop || ifdrop)
		capture_warn(c, "%s: %u packets dropped by the kernel, "
			     "%u by the interface", l->iface, drop, ifdrop);
	l->last = ps;
}

int
capture_live_read(struct capture_live *l, struct capture *c, time_t deadline,
		  volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	int rc = pcap_drain(c, l->p, 0, stop, deadline);

	if (rc == 2)
		c->st.interrupted = 1;
	if (rc == 1) {
		snprintf(err, errlen, "%s: read error: %s", l->iface,
			 pcap_geterr(l->p));
		capture_warn(c, "%s", err);
	}
	live_stats(l, c);
	return rc == 1 ? -1 : rc == 2 ? 1 : 0;
}

void
capture_live_close(struct capture_live *l)
{
	if (!l)
		return;
	pcap_close(l->p);
	free(l);
}

/* Up to 64 packets from each live handle in turn; poll all when idle. */
static int
live_drain_multi(struct capture *c, pcap_t **p, size_t n,
		 volatile sig_atomic_t *stop, time_t deadline)
{
	struct pollfd pfd[CAPTURE_MAX_IFACES];

	for (;;) {
		size_t got = 0;

		for (size_t i = 0; i < n; i++) {
			int dlt = pcap_datalink(p[i]);

			for (int k = 0; k < 64; k++) {
				struct pcap_pkthdr *h;
				const u_char *data;
				int rc = pcap_next_ex(p[i], &h, &data);

				if (rc == 0)
					break;
				if (rc != 1) {
					capture_warn(c, "read error: %s", pcap_geterr(p[i]));
					return 1;
				}
				capture_packet(c, dlt, ts_us(h, 0), data, h->caplen, h->len);
				got++;
			}
		}
		if (stop && *stop)
			return 2;
		if (deadline && time(NULL) >= deadline)
			return 0;
		if (got)
			continue;
		for (size_t i = 0; i < n; i++) {
			pfd[i].fd = pcap_get_selectable_fd(p[i]);
			pfd[i].events = POLLIN;
		}
		(void)poll(pfd, (nfds_t)n, READ_TIMEOUT_MS);
	}
}

int
capture_live_multi(struct capture *c, const char *const *ifaces, size_t n,
		   const char *bpf, unsigned duration_s, volatile sig_atomic_t *stop,
		   char *err, size_t errlen)
{
	pcap_t *p[CAPTURE_MAX_IFACES];
	struct pcap_stat ps;
	size_t opened = 0;
	int rc;

	if (n == 1)
		return capture_live(c, ifaces[0], bpf, duration_s, stop, err, errlen);
	if (n == 0 || n > CAPTURE_MAX_IFACES) {
		snprintf(err, errlen, "between 1 and %d interfaces", CAPTURE_MAX_IFACES);
		return -1;
	}
	for (; opened < n; opened++) {
		p[opened] = live_open(c, ifaces[opened], bpf, err, errlen);
		if (!p[opened])
			goto out;
		if (!decode_supported(pcap_datalink(p[opened])))
			capture_warn(c, "%s: link type %d is not decoded", ifaces[opened],
				     pcap_datalink(p[opened]));
	}
	rc = live_drain_multi(c, p, n, stop,
			      duration_s ? time(NULL) + (time_t)duration_s : 0);
	if (rc == 2)
		c->st.interrupted = 1;
	for (size_t i = 0; i < n; i++) {
		if (pcap_stats(p[i], &ps) != 0)
			continue;
		c->st.pcap_recv += ps.ps_recv;
		c->st.pcap_drop += ps.ps_drop;
		c->st.pcap_ifdrop += ps.ps_ifdrop;
		if (ps.ps_drop || ps.ps_ifdrop)
			capture_warn(c, "%s: %u packets dropped by the kernel, %u by the "
				     "interface", ifaces[i], ps.ps_drop, ps.ps_ifdrop);
	}
	err[0] = '\0';
out:
	for (size_t i = 0; i < opened; i++)
		pcap_close(p[i]);
	return opened == n ? 0 : -1;
}

int
capture_live(struct capture *c, const char *iface, const char *bpf,
	     unsigned duration_s, volatile sig_atomic_t *stop, char *err,
	     size_t errlen)
{
	struct capture_live *l;
	char rerr[PCAP_ERRBUF_SIZE + 64];

	if (capture_live_open(&l, c, iface, bpf, err, errlen) < 0)
		return -1;
	/* a read error is a warning in the document, as before */
	(void)capture_live_read(l, c, duration_s ? time(NULL) + (time_t)duration_s : 0,
				stop, rerr, sizeof(rerr));
	capture_live_close(l);
	return 0;
}
