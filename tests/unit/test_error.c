// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/error.h>

static void test_create_and_prefix(void **state)
{
	(void)state;
	struct kd_error *err = kd_error_create(KD_ERR_CORRUPT, "offset 0x%x", 0x40);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	assert_string_equal(err->message, "offset 0x40");
	err = kd_error_prefix(err, "vmcore.%s", "kdump");
	assert_string_equal(err->message, "vmcore.kdump: offset 0x40");
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
}

static void test_os_error(void **state)
{
	(void)state;
	struct kd_error *err = kd_error_os(ENOENT, "/x/y", "cannot open");
	assert_int_equal(err->code, KD_ERR_OS);
	assert_int_equal(err->errnum, ENOENT);
	assert_non_null(strstr(err->message, "/x/y: cannot open: "));
	kd_error_destroy(err);
}

static void test_fault(void **state)
{
	(void)state;
	struct kd_error *err = kd_error_fault(KD_ERR_EXCLUDED, 0x1000, "page excluded");
	assert_true(kd_error_is_fault(err));
	assert_int_equal(err->addr, 0x1000);
	kd_error_destroy(err);
	assert_false(kd_error_is_fault(NULL));
}

static void test_nomem_is_static(void **state)
{
	(void)state;
	kd_error_destroy(&kd_error_nomem);	/* must be a no-op */
	assert_int_equal(kd_error_nomem.code, KD_ERR_NOMEM);
	assert_ptr_equal(kd_error_prefix(&kd_error_nomem, "x"), &kd_error_nomem);
	kd_error_destroy(NULL);
	assert_string_equal(kd_error_code_name(KD_ERR_LOST), "page lost (incomplete dump)");
	assert_string_equal(kd_error_code_name((enum kd_error_code)999), "error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_prefix),
		cmocka_unit_test(test_os_error),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_nomem_is_static),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
