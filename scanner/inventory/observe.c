/*
 * observe.c - the devices heiiki has seen, from results documents.
 *
 * One device per MAC when the documents know it (a DHCP device keeps its
 * MAC while its address changes), else per address.  Each document's run
 * times give first/last seen.  Every string taken from a document is
 * treated as hostile: it is copied into the inventory as JSON text and
 * escaped by whoever prints it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "inventory.h"
#include "scanner/core/results.h"

time_t
inv_parse_day(const char *s)
{
	struct tm tm = { 0 };
	char *end;
	time_t t;

	if (!s || strlen(s) != 10)
		return (time_t)-1;
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end)
		return (time_t)-1;
	{
		int y = tm.tm_year, m = tm.tm_mon, d = tm.tm_mday;

		t = timegm(&tm);
		gmtime_r(&t, &tm);
		if (tm.tm_year != y || tm.tm_mon != m || tm.tm_mday != d)
			return (time_t)-1;	/* 2026-02-30 and friends */
	}
	return t + 12 * 3600;
}

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void
add_unique(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	if (!s || !*s)
		return;
	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	if (json_array_size(arr) < 64)
		json_array_append_new(arr, json_string(s));
}

/* earlier/later of two UTC timestamps in the document format */
static void
widen(json_t *dev, const char *start, const char *end)
{
	const char *f = str(dev, "first_seen"), *l = str(dev, "last_seen");

	if (start && *start && (!*f || strcmp(start, f) < 0))
		json_object_set_new(dev, "first_seen", json_string(start));
	if (!end || !*end)
		end = start;
	if (end && *end && (!*l || strcmp(end, l) > 0))
		json_object_set_new(dev, "last_seen", json_string(end));
}

static json_t *
device_for(json_t *devs, json_t *by_addr, const char *addr, const char *mac)
{
	char key[96];
	json_t *d;

	if (mac && *mac) {
		snprintf(key, sizeof(key), "mac:%s", mac);
		d = json_object_get(devs, key);
		if (!d) {
			/* a device first known by address gains its MAC */
			d = addr ? json_object_get(by_addr, addr) : NULL;
			if (d && !*str(d, "mac")) {
				json_object_set_new(d, "mac", json_string(mac));
				json_object_set(devs, key, d);
				json_object_del(devs, str(d, "key"));
				json_object_set_new(d, "key", json_string(key));
			} else {
				d = NULL;
			}
		}
	} else {
		d = addr ? json_object_get(by_addr, addr) : NULL;
		if (d)
			return d;
		snprintf(key, sizeof(key), "addr:%s", addr ? addr : "");
		d = json_object_get(devs, key);
	}
	if (!d) {
		d = json_pack("{s:s, s:[], s:s, s:[], s:[], s:[]}", "key", key, "addrs", "mac",
			      mac ? mac : "", "hostnames", "services", "software");
		json_object_set_new(devs, key, d);
	}
	if (addr && *addr) {
		add_unique(json_object_get(d, "addrs"), addr);
		json_object_set(by_addr, addr, d);
	}
	return d;
}

/*
 * Software strings of a service: what the service tells about the product,
 * version and OS beneath it.  Walks the service object (two levels) for the
 * members probes use for such text.
 */
static const char *const soft_keys[] = {
	"banner", "software", "server", "sysdescr", "os", "os_version", "native_os",
	"native_lanman", "product_version", "x_powered_by", "implementation_version_name",
	NULL,
};

static void
software_of(json_t *svc, json_t *out, int depth)
{
	const char *k;
	json_t *v;
	char buf[160];

	if (depth > 2 || !json_is_object(svc))
		return;
	if (depth == 0 && *str(svc, "product")) {
		snprintf(buf, sizeof(buf), "%s%s%s", str(svc, "product"),
			 *str(svc, "version") ? " " : "", str(svc, "version"));
		add_unique(out, buf);
	}
	/* NTLM / Windows version numbers: major.minor.build */
	if (json_is_integer(json_object_get(svc, "os_major")) &&
	    json_is_integer(json_object_get(svc, "os_build"))) {
		snprintf(buf, sizeof(buf), "Windows NT %lld.%lld.%lld",
			 (long long)json_integer_value(json_object_get(svc, "os_major")),
			 (long long)json_integer_value(json_object_get(svc, "os_minor")),
			 (long long)json_integer_value(json_object_get(svc, "os_build")));
		add_unique(out, buf);
	}
	/* a Windows release named by a probe, with its build number */
	if (json_is_integer(json_object_get(svc, "os_build")) &&
	    !strncmp(json_string_value(json_object_get(svc, "os")) ?
		     json_string_value(json_object_get(svc, "os")) : "", "Windows", 7)) {
		snprintf(buf, sizeof(buf), "%s Build %lld", json_string_value(json_object_get(svc, "os")),
			 (long long)json_integer_value(json_object_get(svc, "os_build")));
		add_unique(out, buf);
	}
	json_object_foreach(svc, k, v) {
		if (json_is_object(v)) {
			software_of(v, out, depth + 1);
			continue;
		}
		for (int i = 0; soft_keys[i]; i++)
			if (!strcmp(k, soft_keys[i]) && json_is_string(v))
				add_unique(out, json_string_value(v));
	}
}

static void
add_service(json_t *dev, json_t *svc)
{
	json_t *list = json_object_get(dev, "services"), *s, *soft;
	const char *state = str(svc, "state");
	size_t i;

	if (strcmp(state, "open") && strcmp(state, "open|filtered"))
		return;
	json_array_foreach(list, i, s)
		if (!strcmp(str(s, "addr"), str(svc, "addr")) &&
		    !strcmp(str(s, "proto"), str(svc, "proto")) &&
		    json_integer_value(json_object_get(s, "port")) ==
			    json_integer_value(json_object_get(svc, "port")))
			return;
	if (json_array_size(list) >= 256)
		return;
	soft = json_array();
	software_of(svc, soft, 0);
	s = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:O*, s:o}", "addr", str(svc, "addr"),
		      "proto", str(svc, "proto"),
		      "port", (json_int_t)json_integer_value(json_object_get(svc, "port")),
		      "service", str(svc, "service"), "product", str(svc, "product"),
		      "version", str(svc, "version"), "risks", json_object_get(svc, "risks"),
		      "software", soft);
	if (!s)
		return;
	if (json_object_get(svc, "remote_access"))
		json_object_set(s, "remote_access", json_object_get(svc, "remote_access"));
	json_array_append_new(list, s);
	for (i = 0; i < json_array_size(soft); i++)
		add_unique(json_object_get(dev, "software"),
			   json_string_value(json_array_get(soft, i)));
}

json_t *
inv_observe(struct results *const *docs, size_t ndocs)
{
	json_t *devs = json_object(), *by_addr = json_object();

	for (size_t d = 0; d < ndocs; d++) {
		json_t *run = results_run(docs[d]), *h, *s;
		const char *start = str(run, "start"), *end = str(run, "end");
		size_t i, j;

		json_array_foreach(results_array(docs[d], "hosts"), i, h) {
			const char *addr = str(h, "addr");
			json_t *dev, *n;

			if (!*addr)
				continue;
			dev = device_for(devs, by_addr, addr, str(h, "mac"));
			if (*str(h, "vendor") && !*str(dev, "vendor"))
				json_object_set_new(dev, "vendor", json_string(str(h, "vendor")));
			if (*str(h, "zone"))
				json_object_set_new(dev, "zone", json_string(str(h, "zone")));
			json_array_foreach(json_object_get(h, "hostnames"), j, n)
				add_unique(json_object_get(dev, "hostnames"), json_string_value(n));
			widen(dev, start, end);
		}
		json_array_foreach(results_array(docs[d], "services"), i, s) {
			const char *addr = str(s, "addr");
			json_t *dev;

			if (!*addr)
				continue;
			dev = json_object_get(by_addr, addr);
			if (!dev)
				dev = device_for(devs, by_addr, addr, NULL);
			add_service(dev, s);
			widen(dev, start, end);
		}
	}
	json_decref(by_addr);
	return devs;
}
