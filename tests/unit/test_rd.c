/*
 * test_rd.c - the bounded cursor: every getter fails without moving when
 * the bytes are not there, and length prefixes that lie are refused.
 */
#include <criterion/criterion.h>

#include "scanner/core/rd.h"

Test(rd, integers_big_and_little_endian)
{
	const uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct rd r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	rd_init(&r, b, sizeof(b));
	cr_assert(rd_u8(&r, &u8) && u8 == 1);
	cr_assert(rd_be16(&r, &u16) && u16 == 0x0203);
	cr_assert(rd_le16(&r, &u16) && u16 == 0x0504);
	cr_assert(rd_be32(&r, &u32) && u32 == 0x06070809);
	cr_assert_eq(rd_left(&r), 0);
	cr_assert_not(rd_u8(&r, &u8));
	rd_init(&r, b, sizeof(b));
	cr_assert(rd_be64(&r, &u64) && u64 == 0x0102030405060708ULL);
	rd_init(&r, b, 3);
	cr_assert(rd_be24(&r, &u32) && u32 == 0x010203);
	rd_init(&r, b, 4);
	cr_assert(rd_le32(&r, &u32) && u32 == 0x04030201);
}

Test(rd, short_reads_do_not_move)
{
	const uint8_t b[] = { 0xaa, 0xbb, 0xcc };
	struct rd r;
	uint32_t u32;
	uint64_t u64;

	rd_init(&r, b, sizeof(b));
	cr_assert_not(rd_be32(&r, &u32));
	cr_assert_not(rd_le64(&r, &u64));
	cr_assert_not(rd_skip(&r, 4));
	cr_assert_eq(rd_left(&r), 3);
	cr_assert_eq(rd_ptr(&r), b);
	cr_assert(rd_skip(&r, 3));
	cr_assert_eq(rd_left(&r), 0);
}

Test(rd, length_prefixed_children)
{
	const uint8_t ok[] = { 0, 3, 'a', 'b', 'c', 9 };
	const uint8_t lie[] = { 0, 9, 'a', 'b' };
	struct rd r, sub;

	rd_init(&r, ok, sizeof(ok));
	cr_assert(rd_be16_prefixed(&r, &sub));
	cr_assert_eq(rd_left(&sub), 3);
	cr_assert_eq(rd_left(&r), 1);
	rd_init(&r, lie, sizeof(lie));
	cr_assert_not(rd_be16_prefixed(&r, &sub));
	cr_assert_eq(rd_left(&r), sizeof(lie), "a lying prefix must not consume the length");
	rd_init(&r, lie, 1);
	cr_assert_not(rd_u8_prefixed(&r, &sub) && rd_left(&sub) > 0);
}

Test(rd, lines_and_printable)
{
	const char text[] = "220 hello\r\nsecond\x01line\nlast";
	char line[64];
	struct rd r;

	rd_init(&r, text, sizeof(text) - 1);
	cr_assert(rd_line(&r, line, sizeof(line)));
	cr_assert_str_eq(line, "220 hello");
	cr_assert(rd_line(&r, line, sizeof(line)));
	cr_assert_str_eq(line, "second.line");
	cr_assert(rd_line(&r, line, 4));
	cr_assert_str_eq(line, "las");
	cr_assert_not(rd_line(&r, line, sizeof(line)));
}

Test(rd, find_and_peek)
{
	struct rd r;
	uint8_t v;

	rd_init(&r, "abcSSH-2.0", 10);
	cr_assert_eq(rd_find(&r, "SSH-", 4), 3);
	cr_assert_eq(rd_find(&r, "nope", 4), -1);
	cr_assert_eq(rd_find(&r, "abcSSH-2.0x", 11), -1);
	cr_assert(rd_peek_u8(&r, 9, &v) && v == '0');
	cr_assert_not(rd_peek_u8(&r, 10, &v));
	rd_init(&r, NULL, 100);
	cr_assert_eq(rd_left(&r), 0, "NULL data means no bytes");
}

Test(rd, text_keeps_utf8_and_nothing_else)
{
	char out[64];
	/* 電子カルテ ログイン, then a lone continuation byte, an overlong '/',
	 * a surrogate, a C1 control, a truncated 3-byte sequence */
	const uint8_t in[] = "\xe9\x9b\xbb\xe5\xad\x90\xe3\x82\xab\xe3\x83\xab\xe3\x83\x86\t"
			     "\x80\xc0\xaf\xed\xa0\x80\xc2\x85\x01\xe3\x83";

	rd_text(in, sizeof(in) - 1, out, sizeof(out));
	/* 1 + 1 + 1 + 3 + 2 + 1 + 2 = 11 bytes, each replaced */
	cr_assert_str_eq(out, "電子カルテ ...........");
	/* never split a character at the end of the buffer */
	rd_text((const uint8_t *)"ab\xe9\x9b\xbb", 5, out, 4);
	cr_assert_str_eq(out, "ab");
	rd_text((const uint8_t *)"ab\xe9\x9b\xbb", 5, out, 6);
	cr_assert_str_eq(out, "ab電");
}

Test(rd, failed_split_leaves_an_empty_child)
{
	const uint8_t lie[] = { 9, 'a' };
	struct rd r, sub = { (const uint8_t *)"junk", 4 };

	rd_init(&r, lie, sizeof(lie));
	cr_assert_not(rd_u8_prefixed(&r, &sub));
	cr_assert_eq(rd_left(&sub), 0);
	cr_assert_eq(rd_find(&sub, "a", 1), -1);
	sub.len = 4;
	cr_assert_not(rd_sub(&r, &sub, 3));
	cr_assert_eq(rd_left(&sub), 0);
}
