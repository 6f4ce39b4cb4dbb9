// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdatomic.h>
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

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

static void test_timeout_and_nesting(void **state)
{
	(void)state;
	kd_cancel_begin(0.01);
	kd_cancel_begin(100);	/* cannot outlast the enclosing budget */
	sleep_ms(20);
	assert_int_equal(kd_cancel_pending(), KD_ERR_TIMEOUT);
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), KD_ERR_TIMEOUT);
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), 0);
}

/* An inner budget shorter than the enclosing one ends the inner
 * operation only. */
static void test_inner_budget(void **state)
{
	(void)state;
	kd_cancel_begin(100);
	kd_cancel_begin(0.01);
	assert_true(kd_cancel_budget() == 0.01);
	sleep_ms(20);
	assert_int_equal(kd_cancel_pending(), KD_ERR_TIMEOUT);
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), 0);
	assert_true(kd_cancel_budget() == 100);
	kd_cancel_begin(0);	/* no budget of its own: the enclosing one's */
	assert_true(kd_cancel_budget() == 100);
	kd_cancel_end();
	kd_cancel_end();
	assert_true(kd_cancel_budget() == 0);
}

/* kd_cancel_limit: a budget set while the operation runs. */
static void test_limit(void **state)
{
	(void)state;
	kd_cancel_limit(0.001);		/* outside an operation: nothing */
	sleep_ms(5);
	assert_int_equal(kd_cancel_pending(), 0);
	kd_cancel_begin(0);
	kd_cancel_limit(0.01);
	assert_int_equal(kd_cancel_pending(), 0);
	kd_cancel_limit(100);		/* never extends it */
	sleep_ms(20);
	assert_int_equal(kd_cancel_pending(), KD_ERR_TIMEOUT);
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), 0);
}

/* kd_cancel_stop ends the current operation and those inside it, not
 * the enclosing one. */
static void test_stop(void **state)
{
	(void)state;
	kd_cancel_begin(0);
	kd_cancel_begin(0);
	kd_cancel_stop();
	struct kd_error *err = kd_cancel_check();
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_INTERRUPTED);
	assert_string_equal(err->message, "stopped");
	kd_error_destroy(err);
	kd_cancel_begin(0);
	assert_int_equal(kd_cancel_pending(), KD_ERR_INTERRUPTED);
	kd_cancel_end();
	kd_cancel_end();
	assert_int_equal(kd_cancel_pending(), 0);
	kd_cancel_end();
	kd_cancel_stop();	/* outside an operation: nothing */
	assert_int_equal(kd_cancel_pending(), 0);
}

static atomic_int hook_calls[2];

static void hook(enum kd_cancel_reason why)
{
	atomic_fetch_add(&hook_calls[why], 1);
}

/* The hook hears of a request at once, and of a passed deadline from
 * the watchdog (once), without anyone calling kd_cancel_check. */
static void test_hook(void **state)
{
	(void)state;
	kd_cancel_set_hook(hook);
	kd_cancel_begin(0.02);
	kd_cancel_request();
	assert_int_equal(atomic_load(&hook_calls[KD_CANCEL_REQUESTED]), 1);
	for (int i = 0; i < 500 &&
	     !atomic_load(&hook_calls[KD_CANCEL_DEADLINE]); i++)
		sleep_ms(10);
	assert_int_equal(atomic_load(&hook_calls[KD_CANCEL_DEADLINE]), 1);
	kd_cancel_begin(0);	/* the same deadline: not told again */
	sleep_ms(30);
	kd_cancel_end();
	assert_int_equal(atomic_load(&hook_calls[KD_CANCEL_DEADLINE]), 1);
	kd_cancel_end();
	kd_cancel_begin(100);	/* ended before its deadline: never told */
	kd_cancel_end();
	kd_cancel_set_hook(NULL);
	assert_int_equal(atomic_load(&hook_calls[KD_CANCEL_DEADLINE]), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_timeout_and_nesting),
		cmocka_unit_test(test_inner_budget),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
