// SPDX-License-Identifier: GPL-2.0-or-later
/* The bounds-checked cursor (<pykdump/cursor.h>): reads at offsets and
 * sequential ones, both byte orders, LEB128, strings, sub-views, and the
 * file context a failure carries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/cursor.h>

static void test_at(void **state)
{
	(void)state;
	uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct kd_cursor c;
	kd_cursor_init_file(&c, b, sizeof(b), 0x100, "f", "thing", false);
	assert_int_equal(kd_cursor_u32_at(&c, 0), 0x04030201);
	assert_int_equal(kd_cursor_u16_at(&c, 6), 0x0807);
	assert_int_equal(kd_cursor_word_at(&c, 0, 8), 0x0807060504030201ull);
	assert_null(kd_cursor_error(&c));
	c.big_endian = true;
	assert_int_equal(kd_cursor_u32_at(&c, 4), 0x05060708);
	assert_int_equal(kd_cursor_u64_at(&c, 4), 0);	/* past the end */
	assert_true(c.bad);
	assert_int_equal(kd_cursor_u32_at(&c, SIZE_MAX - 1), 0);
	assert_int_equal(kd_cursor_u8_at(&c, 8), 0);
	assert_null(kd_cursor_bytes_at(&c, 9, 0));
	assert_non_null(kd_cursor_bytes_at(&c, 8, 0));	/* empty, at the end */
	struct kd_error *err = kd_cursor_error(&c);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_TRUNCATED);
	/* the first failure: 8 bytes at 0x100 + 4 */
	assert_string_equal(err->message,
			    "f: thing: 8 bytes at offset 0x104 run past the "
			    "end of the data (which ends at 0x108)");
	kd_error_destroy(err);
	assert_false(c.bad);		/* good again */
	assert_null(kd_cursor_error(&c));
}

static void test_sequential(void **state)
{
	(void)state;
	uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct kd_cursor c;
	kd_cursor_init_file(&c, b, sizeof(b), 0, "f", "record", true);
	assert_int_equal(kd_cursor_u32(&c), 0x01020304);
	assert_int_equal(kd_cursor_pos(&c), 4);
	assert_non_null(kd_cursor_bytes(&c, 4));
	assert_int_equal(kd_cursor_left(&c), 1);
	assert_null(kd_cursor_bytes(&c, 2));
	assert_true(c.bad);
	assert_int_equal(kd_cursor_left(&c), 0);	/* loops stop */
	assert_int_equal(kd_cursor_u8(&c), 0);
	struct kd_error *err = kd_cursor_error(&c);
	assert_non_null(strstr(err->message, "2 bytes at offset 0x8"));
	kd_error_destroy(err);

	kd_cursor_init(&c, b, sizeof(b));	/* little-endian */
	assert_int_equal(kd_cursor_u16(&c), 0x0201);
	assert_int_equal(kd_cursor_u64(&c), 0);
	assert_true(c.bad);			/* 7 bytes left, not 8 */
	kd_cursor_seek(&c, 2);
	assert_int_equal(kd_cursor_uint(&c, 3), 0x050403);
	assert_int_equal(kd_cursor_uint(&c, 4), 0x09080706);
	assert_int_equal(kd_cursor_uint(&c, 9), 0);	/* not a size */
	c.big_endian = true;
	kd_cursor_seek(&c, 0);
	assert_int_equal(kd_cursor_uint(&c, 3), 0x010203);
	kd_cursor_seek(&c, 100);
	assert_int_equal(kd_cursor_pos(&c), sizeof(b));
	assert_false(kd_cursor_skip(&c, 1));
}

static void test_leb_and_strings(void **state)
{
	(void)state;
	const uint8_t b[] = { 0x7f, 0xe5, 0x8e, 0x26, 0x7f, 0x80, 0x7f,
			      'a', 'b', 0, 'c', 0x80 };
	struct kd_cursor c;
	kd_cursor_init(&c, b, sizeof(b));
	assert_int_equal(kd_cursor_uleb(&c), 127);
	assert_int_equal(kd_cursor_uleb(&c), 624485);
	assert_int_equal(kd_cursor_sleb(&c), -1);
	assert_int_equal(kd_cursor_sleb(&c), -128);
	size_t len;
	assert_string_equal(kd_cursor_cstr(&c, &len), "ab");
	assert_int_equal(len, 2);
	assert_false(c.bad);
	kd_cursor_skip_leb(&c);			/* 'c' is one byte */
	assert_int_equal(kd_cursor_uleb(&c), 0);	/* 0x80: unterminated */
	assert_true(c.bad);
	kd_cursor_seek(&c, 10);
	assert_null(kd_cursor_cstr(&c, NULL));	/* no NUL before the end */
	assert_int_equal(kd_cursor_left(&c), 0);

	const uint8_t w[] = { 0xff, 0x00,			/* 127 */
			      0x80, 0x80, 0x80, 0x80, 0x80,	/* INT64_MIN */
			      0x80, 0x80, 0x80, 0x80, 0x7f,
			      0xff, 0xff, 0xff, 0xff, 0xff,	/* UINT64_MAX */
			      0xff, 0xff, 0xff, 0xff, 0x01 };
	kd_cursor_init(&c, w, sizeof(w));
	assert_int_equal(kd_cursor_sleb(&c), 127);
	assert_true(kd_cursor_sleb(&c) == INT64_MIN);
	assert_true(kd_cursor_uleb(&c) == UINT64_MAX);
	assert_false(c.bad);
	assert_int_equal(kd_cursor_left(&c), 0);
}

static void test_sub_and_absent(void **state)
{
	(void)state;
	uint8_t b[16];
	for (int i = 0; i < 16; i++)
		b[i] = (uint8_t)i;
	struct kd_cursor c, s;
	kd_cursor_init_file(&c, b, sizeof(b), 0x1000, "vmlinux", ".debug_line",
			    false);
	s = kd_cursor_sub(&c, 4, 4);
	assert_int_equal(kd_cursor_pos(&s), 4);	/* offsets stay c's */
	assert_int_equal(kd_cursor_u32(&s), 0x07060504);
	assert_int_equal(kd_cursor_u8(&s), 0);	/* the sub-view ends */
	assert_true(s.bad);
	assert_false(c.bad);
	s = kd_cursor_sub(&c, 12, 8);		/* not inside c */
	assert_true(s.bad);
	assert_int_equal(kd_cursor_left(&s), 0);
	struct kd_error *err = kd_cursor_error(&s);
	assert_non_null(strstr(err->message, "vmlinux: .debug_line: 8 bytes "
				"at offset 0x100c"));
	kd_error_destroy(err);
	/* an absent section reads as empty */
	kd_cursor_init(&c, NULL, 100);
	assert_int_equal(kd_cursor_left(&c), 0);
	assert_int_equal(kd_cursor_u32(&c), 0);
	assert_true(c.bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at),
		cmocka_unit_test(test_sequential),
		cmocka_unit_test(test_leb_and_strings),
		cmocka_unit_test(test_sub_and_absent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
