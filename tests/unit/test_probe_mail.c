/* test_probe_mail.c - SMTP/IMAP/POP3 greetings: Dovecot (recorded in the lab),
 * Sendmail and Exchange (public captures arkime/smtp-*.pcap). */
#include "probe_c_util.h"

Test(probe_mail, dovecot_recorded)
{
	size_t n;
	uint8_t *b = pa_load("mail", "dovecot-imap.bin", &n);
	json_t *o = json_object();

	cr_assert_eq(pc_run("imap", 0, 143, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "service"), "imap");
	cr_expect(strstr(pc_str(o, "imap.greeting"), "Dovecot (Debian) ready."));
	json_decref(o);
	pc_truncations("imap", 0, 143, b, n, 1);
	free(b);
	b = pa_load("mail", "dovecot-pop3.bin", &n);
	o = json_object();
	cr_assert_eq(pc_run("pop3", 0, 110, 0, b, n, o), PROBE_MATCH);
	cr_expect_str_eq(pc_str(o, "pop3.greeting"), "+OK Dovecot (Debian) ready.");
	json_decref(o);
	pc_truncations("pop3", 0, 110, b, n, 1);
	free(b);
}

Test(probe_mail, smtp_greeting_then_ehlo)
{
	size_t n;
	uint8_t *b = pa_load("mail", "sendmail-smtp.arkime.bin", &n), h[128];
	static const char ehlo[] = "250-mail.example Hello\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n"
				   "250-AUTH PLAIN LOGIN\r\n250 HELP\r\n";
	json_t *o = json_object();

	cr_assert_eq(pc_run("smtp", 0, 25, 0, b, n, o), PROBE_NEXT_STEP);
	cr_expect(strstr(pc_str(o, "smtp.greeting"), "ESMTP Sendmail 8.14.4/8.14.4"));
	cr_assert_eq(pc_hello("smtp", 1, 25, o, h, sizeof(h)), 18);
	cr_expect(!memcmp(h, "EHLO heiiki-test\r\n", 18));
	cr_assert_eq(pc_run("smtp", 1, 25, 0, ehlo, sizeof(ehlo) - 1, o), PROBE_MATCH);
	cr_expect(json_is_true(json_object_get(json_object_get(o, "smtp"), "starttls")));
	cr_expect_str_eq(pc_str(o, "smtp.auth"), "PLAIN LOGIN");
	cr_expect(pc_has_risk(o, "mail-cleartext-auth"));
	json_decref(o);
	pc_truncations("smtp", 0, 25, b, n, 1);
	free(b);
	b = pa_load("mail", "exchange-smtp.arkime.bin", &n);
	o = json_object();
	cr_assert_eq(pc_run("smtp", 0, 25, 0, b, n, o), PROBE_NEXT_STEP);
	cr_expect(strstr(pc_str(o, "smtp.greeting"), "Microsoft ESMTP MAIL Service"));
	json_decref(o);
	free(b);
}

Test(probe_mail, multiline_and_garbage)
{
	static const char ml[] = "220-mx.example ESMTP\r\n220-more\r\n220 ok\r\n";
	json_t *o = json_object();

	cr_expect_eq(pc_run("smtp", 0, 25, 0, ml, 22, o), PROBE_NEED_MORE);
	cr_assert_eq(pc_run("smtp", 0, 25, 0, ml, sizeof(ml) - 1, o), PROBE_NEXT_STEP);
	cr_expect_eq(json_array_size(json_object_get(json_object_get(o, "smtp"), "greeting_lines")), 3);
	json_decref(o);
	o = json_object();
	cr_expect_eq(pc_run("smtp", 0, 25, 1, "220x\r\n", 6, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("smtp", 0, 25, 1, "SSH-2.0-x\r\n", 11, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("imap", 0, 143, 1, "+OK x\r\n", 7, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("pop3", 0, 110, 1, "* OK x\r\n", 8, o), PROBE_NO_MATCH);
	cr_expect_eq(pc_run("smtp", 1, 25, 1, "250 ok\r\n", 8, o), PROBE_NO_MATCH, "no step 0");
	json_decref(o);
}
