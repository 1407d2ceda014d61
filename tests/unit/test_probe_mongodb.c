/*
 * test_probe_mongodb.c - MongoDB hello / buildInfo / listDatabases on
 * replies built from the wire-protocol and BSON specifications
 * (tests/probes/data/mongodb/make_spec.py; Debian has no MongoDB server).
 */
#include "probe_c_util.h"

static enum probe_verdict
mg_run(int step, int access, int eof, const void *b, size_t n, json_t *out)
{
	const struct probe *p = probe_by_name("mongodb");
	struct probe_ctx c = pa_ctx(step, 27017, eof);

	cr_assert_not_null(p);
	c.out = out;
	c.access_check = access;
	return probe_run_bytes(p, &c, b, n, out);
}

static long
mg_hello(int step, int access, const json_t *out, uint8_t *buf, size_t cap)
{
	const struct probe *p = probe_by_name("mongodb");
	struct probe_ctx c = pa_ctx(step, 27017, 0);
	size_t n = 0;

	c.out = out;
	c.access_check = access;
	if (p->hello(&c, buf, cap, &n) < 0)
		return -1;
	cr_assert_leq(n, cap);
	return (long)n;
}

static enum probe_verdict
mg_file(int step, int access, const char *name, json_t *out)
{
	size_t n;
	uint8_t *b = pa_load("mongodb", name, &n);
	enum probe_verdict v = mg_run(step, access, 0, b, n, out);

	/* every prefix is incomplete, never a match */
	for (size_t k = 0; k < n; k++) {
		json_t *o = json_object();

		json_object_set(o, "_mongo_next", json_object_get(out, "_mongo_next"));
		cr_expect_eq(mg_run(step, access, 0, b, k, o), PROBE_NEED_MORE, "%s prefix %zu", name, k);
		mg_run(step, access, 1, b, k, o);
		json_decref(o);
	}
	free(b);
	return v;
}

Test(probe_mongodb, hello_is_op_msg_hello_on_admin)
{
	uint8_t b[512];
	long n = mg_hello(0, 1, NULL, b, sizeof(b));

	cr_assert_gt(n, 21);
	cr_expect_eq(b[0] | b[1] << 8, n, "messageLength");
	cr_expect_eq(b[12] | b[13] << 8, 2013, "OP_MSG");
	cr_expect_eq(b[20], 0, "section kind 0");
	cr_expect(memmem(b, (size_t)n, "hello", 6) != NULL);
	cr_expect(memmem(b, (size_t)n, "$db\0", 4) != NULL);
	cr_expect(memmem(b, (size_t)n, "admin", 6) != NULL);
	for (size_t cap = 0; cap < (size_t)n; cap++)
		cr_expect_eq(mg_hello(0, 1, NULL, b, cap), -1);
}

Test(probe_mongodb, no_auth_three_steps)
{
	json_t *o = json_object();
	uint8_t b[512];
	long n;

	cr_assert_eq(mg_file(0, 1, "step0-hello-7.0.bin", o), PROBE_NEXT_STEP);
	cr_expect_str_eq(pc_str(o, "service"), "mongodb");
	cr_expect_str_eq(pc_str(o, "product"), "MongoDB");
	cr_expect_str_eq(pc_str(o, "mongodb.version_range"), "7.0");
	cr_expect(json_is_true(json_object_get(json_object_get(o, "mongodb"), "primary")));
	n = mg_hello(1, 1, o, b, sizeof(b));
	cr_assert_gt(n, 0);
	cr_expect(memmem(b, (size_t)n, "buildInfo", 9) != NULL);
	cr_assert_eq(mg_file(1, 1, "step1-buildinfo-7.0.14.bin", o), PROBE_NEXT_STEP);
	cr_expect_str_eq(pc_str(o, "version"), "7.0.14");
	n = mg_hello(2, 1, o, b, sizeof(b));
	cr_assert_gt(n, 0);
	cr_expect(memmem(b, (size_t)n, "listDatabases", 13) != NULL);
	cr_expect(memmem(b, (size_t)n, "nameOnly", 8) != NULL);
	cr_expect(memmem(b, (size_t)n, "heiiki-probe-none", 17) != NULL);
	cr_assert_eq(mg_file(2, 1, "step2-listdb-ok.bin", o), PROBE_MATCH);
	cr_expect(pc_has_risk(o, "mongodb-no-auth"));
	cr_expect(json_is_false(json_object_get(json_object_get(o, "mongodb"), "auth_required")));
	json_decref(o);
}

Test(probe_mongodb, auth_required_is_not_flagged)
{
	json_t *o = json_object();

	mg_file(0, 1, "step0-hello-7.0.bin", o);
	mg_file(1, 1, "step1-buildinfo-7.0.14.bin", o);
	cr_assert_eq(mg_file(2, 1, "step2-listdb-unauthorized.bin", o), PROBE_MATCH);
	cr_expect(!pc_has_risk(o, "mongodb-no-auth"));
	cr_expect(json_is_true(json_object_get(json_object_get(o, "mongodb"), "auth_required")));
	cr_expect_str_eq(pc_str(o, "mongodb.list_databases_error.code_name"), "Unauthorized");
	json_decref(o);
}

Test(probe_mongodb, careful_host_gets_no_access_check)
{
	json_t *o = json_object();
	uint8_t b[512];

	mg_file(0, 0, "step0-hello-7.0.bin", o);
	cr_assert_eq(mg_file(1, 0, "step1-buildinfo-7.0.14.bin", o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "version"), "7.0.14");
	cr_expect(!pc_has_risk(o, "mongodb-no-auth"));
	/* and hello() refuses to build listDatabases without the permission */
	json_object_set_new(o, "_mongo_next", json_string("listDatabases"));
	cr_expect_eq(mg_hello(2, 0, o, b, sizeof(b)), -1);
	cr_expect_gt(mg_hello(2, 1, o, b, sizeof(b)), 0);
	json_decref(o);
}

Test(probe_mongodb, replica_set_and_mongos)
{
	json_t *o = json_object();

	cr_assert_eq(mg_file(0, 1, "step0-hello-secondary-rs.bin", o), PROBE_NEXT_STEP);
	cr_expect_str_eq(pc_str(o, "mongodb.set_name"), "pacs-rs0");
	cr_expect_str_eq(pc_str(o, "mongodb.version_range"), "6.0");
	cr_expect(json_is_true(json_object_get(json_object_get(o, "mongodb"), "secondary")));
	json_decref(o);
	o = json_object();
	cr_assert_eq(mg_file(0, 1, "step0-hello-mongos.bin", o), PROBE_NEXT_STEP);
	cr_expect(json_is_true(json_object_get(json_object_get(o, "mongodb"), "mongos")));
	cr_expect_str_eq(pc_str(o, "mongodb.version_range"), "5.0");
	json_decref(o);
}

Test(probe_mongodb, legacy_server_gets_op_query)
{
	json_t *o = json_object();
	uint8_t b[512];
	long n;

	/* a pre-3.6 server closes on OP_MSG: reconnect with OP_QUERY isMaster */
	cr_assert_eq(mg_run(0, 1, 1, "", 0, o), PROBE_RECONNECT);
	n = mg_hello(1, 1, o, b, sizeof(b));
	cr_assert_gt(n, 0);
	cr_expect_eq(b[12] | b[13] << 8, 2004, "OP_QUERY");
	cr_expect(memmem(b, (size_t)n, "admin.$cmd", 11) != NULL);
	cr_expect(memmem(b, (size_t)n, "isMaster", 8) != NULL);
	cr_expect(memmem(b, (size_t)n, "$db", 3) == NULL);
	cr_assert_eq(mg_file(1, 1, "step1-legacy-ismaster-3.4.bin", o), PROBE_NEXT_STEP);
	cr_expect_str_eq(pc_str(o, "mongodb.version_range"), "3.4");
	cr_expect_str_eq(pc_str(o, "mongodb.handshake"), "OP_QUERY isMaster");
	cr_assert_eq(mg_file(2, 1, "step2-legacy-buildinfo-3.4.24.bin", o), PROBE_NEXT_STEP);
	cr_expect_str_eq(pc_str(o, "version"), "3.4.24");
	/* the access check closes without a reply: keep what was found */
	cr_expect_eq(mg_run(3, 1, 1, "", 0, o), PROBE_MATCH);
	cr_expect(!pc_has_risk(o, "mongodb-no-auth"));
	json_decref(o);
	/* nothing at the legacy step either: not MongoDB */
	o = json_object();
	cr_assert_eq(mg_run(0, 1, 1, "", 0, o), PROBE_RECONNECT);
	cr_expect_eq(mg_run(1, 1, 1, "", 0, o), PROBE_NO_MATCH);
	json_decref(o);
}

Test(probe_mongodb, bson_element_lies)
{
	size_t n;
	uint8_t *b = pa_load("mongodb", "step1-buildinfo-7.0.14.bin", &n);
	json_t *o = json_object();

	/* the "version" string claims 0x7f000007 bytes: no member is trusted */
	cr_assert_eq(b[0x22], 7);
	b[0x25] = 0x7f;
	cr_expect_eq(mg_run(1, 1, 0, b, n, o), PROBE_MALFORMED);
	cr_expect_null(json_object_get(o, "version"));
	/* string length 0 (no room for its NUL) */
	b[0x25] = 0;
	b[0x22] = 0;
	cr_expect_eq(mg_run(1, 1, 0, b, n, o), PROBE_MALFORMED);
	/* an unknown element type before "ok" */
	b[0x22] = 7;
	b[0x19] = 0x42;
	cr_expect_eq(mg_run(1, 1, 0, b, n, o), PROBE_MALFORMED);
	cr_expect_null(json_object_get(o, "version"));
	/* with an earlier step's findings the probe keeps them instead */
	json_object_set_new(o, "mongodb", json_object());
	cr_expect_eq(mg_run(1, 1, 0, b, n, o), PROBE_MATCH);
	json_decref(o);
	free(b);
}

Test(probe_mongodb, lies_and_garbage)
{
	size_t n;
	uint8_t *b = pa_load("mongodb", "step0-hello-7.0.bin", &n);
	uint8_t *c = malloc(n);
	json_t *o = json_object();

	cr_expect_eq(mg_run(0, 1, 1, "HTTP/1.1 400 Bad Request\r\n\r\n", 28, o), PROBE_NO_MATCH);
	cr_expect_eq(mg_run(0, 1, 1, "-ERR unknown command\r\n", 22, o), PROBE_NO_MATCH);
	/* responseTo for another request */
	memcpy(c, b, n);
	c[8] ^= 1;
	cr_expect_eq(mg_run(0, 1, 1, c, n, o), PROBE_NO_MATCH);
	/* messageLength beyond the cap, and below the minimum */
	memcpy(c, b, n);
	c[2] = 0x10;
	cr_expect_eq(mg_run(0, 1, 0, c, n, o), PROBE_MALFORMED);
	memcpy(c, b, n);
	c[0] = 8;
	c[1] = 0;
	cr_expect_eq(mg_run(0, 1, 0, c, n, o), PROBE_MALFORMED);
	/* BSON length longer than the message */
	memcpy(c, b, n);
	c[21] = 0xff;
	cr_expect_eq(mg_run(0, 1, 0, c, n, o), PROBE_MALFORMED);
	/* BSON length shorter than its elements: libbson refuses it */
	memcpy(c, b, n);
	c[21] = 20;
	c[22] = 0;
	json_decref(o);
	o = json_object();
	cr_expect_neq(mg_run(0, 1, 0, c, n, o), PROBE_NEXT_STEP);
	cr_expect(!pc_has_risk(o, "mongodb-no-auth"));
	/* section kind 1 first */
	memcpy(c, b, n);
	c[20] = 1;
	cr_expect_eq(mg_run(0, 1, 0, c, n, o), PROBE_MALFORMED);
	json_decref(o);
	free(b);
	free(c);
}
