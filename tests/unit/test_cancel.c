// SPDX-License-Identifier: GPL-2.0-or-later
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include <pykdump/cancel.h>

static void test_request(void **state)
{
	(void)state;
	kd_cancel_begin(0);
	assert_int_equal(kd_cancel_pending(), 0);
	kd_cancel_request();
	struct kd_error *err = kd_cancel_check();
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_INTERRUPTED);
	kd_error_destroy(err);
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), 0);
}

static void test_timeout_and_nesting(void **state)
{
	(void)state;
	kd_cancel_begin(0.01);
	kd_cancel_begin(100);	/* inner budget is ignored */
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	assert_int_equal(kd_cancel_pending(), KD_ERR_TIMEOUT);
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), KD_ERR_TIMEOUT);
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_timeout_and_nesting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
