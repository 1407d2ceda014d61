/*
 * test_probe_ssh.c - SSH identification: the real OpenSSH banner, pre-banner
 * lines, LF-only endings, SSH-1.99 / 1.5, partial lines, tarpits, garbage.
 */
#include "probe_a_util.h"

static enum probe_verdict
ssh_str(const char *s, int eof, json_t *out)
{
	struct probe_ctx c = pa_ctx(0, 22, eof);

	return pa_run("ssh", &c, s, strlen(s), out);
}

Test(probe_ssh, real_openssh)
{
	json_t *out = json_object();
	struct probe_ctx c = pa_ctx(0, 22, 0);

	cr_assert_eq(pa_run_file("ssh", &c, "ssh", "openssh.bin", out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "service", NULL), "ssh");
	cr_assert_str_eq(pa_str(out, "product", NULL), "OpenSSH");
	cr_assert_str_eq(pa_str(out, "version", NULL), "9.2p1");
	cr_assert_str_eq(pa_str(out, "ssh", "proto_version"), "2.0");
	cr_assert_str_eq(pa_str(out, "ssh", "software"), "OpenSSH_9.2p1");
	cr_assert_str_eq(pa_str(out, "ssh", "comments"), "Debian-2+deb12u10");
	cr_assert_not(pa_has_risk(out, "ssh-v1"));
	json_decref(out);
}

Test(probe_ssh, prebanner_lf_and_v1)
{
	json_t *out = json_object();

	cr_assert_eq(ssh_str("Welcome\r\nauthorised use only\nSSH-1.99-Cisco-1.25\n", 0, out),
		     PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "ssh", "proto_version"), "1.99");
	cr_assert_str_eq(pa_str(out, "ssh", "pre_banner"), "Welcome | authorised use only");
	cr_assert_str_eq(pa_str(out, "product", NULL), "Cisco-1.25");
	cr_assert(pa_has_risk(out, "ssh-v1"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(ssh_str("SSH-1.5-OldServer\r\n", 0, out), PROBE_MATCH);
	cr_assert(pa_has_risk(out, "ssh-v1"));
	json_decref(out);
	out = json_object();
	cr_assert_eq(ssh_str("SSH-2.0-dropbear_2022.83\r\n", 0, out), PROBE_MATCH);
	cr_assert_str_eq(pa_str(out, "product", NULL), "dropbear");
	cr_assert_str_eq(pa_str(out, "version", NULL), "2022.83");
	json_decref(out);
}

Test(probe_ssh, partial_and_truncated)
{
	json_t *out = json_object();

	cr_assert_eq(ssh_str("SSH-2.0-Open", 0, out), PROBE_NEED_MORE);
	cr_assert_eq(ssh_str("SSH-2.0-Open", 1, out), PROBE_MATCH, "a cut line at eof still counts");
	cr_assert_eq(ssh_str("SSH-", 1, out), PROBE_MATCH);
	cr_assert_eq(ssh_str("", 0, out), PROBE_NEED_MORE);
	cr_assert_eq(ssh_str("", 1, out), PROBE_NO_MATCH);
	json_decref(out);
}

Test(probe_ssh, tarpit_and_garbage)
{
	json_t *out = json_object();
	char tarpit[20 * 8 + 1] = "";

	for (int i = 0; i < 20; i++)
		memcpy(tarpit + 8 * i, "xxxxxxx\n", 9);
	cr_assert_eq(ssh_str(tarpit, 0, out), PROBE_NO_MATCH, "16-line cap");
	cr_assert_eq(ssh_str("220 ftp ready\r\n", 1, out), PROBE_NO_MATCH);
	cr_assert_null(json_object_get(out, "ssh"));
	/* an oversize identification line is cut, never overflows */
	char big[3000];

	memset(big, 'A', sizeof(big));
	memcpy(big, "SSH-2.0-", 8);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = 0;
	cr_assert_eq(ssh_str(big, 0, out), PROBE_MATCH);
	cr_assert(strlen(pa_str(out, "ssh", "banner")) < 256);
	json_decref(out);
}
