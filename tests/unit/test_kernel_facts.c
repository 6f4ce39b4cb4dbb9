// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pure parts of the kernel layer's diagnosis facts: load averages as
 * the kernel rounds them (sched.h) and which functions wait for which
 * lock (locks.h).  Their readings of a real dump are tested against
 * crash on the scenario dumps (tests/kernel/test_scenarios.py,
 * test_triage*.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pykdump/locks.h>
#include <pykdump/page.h>
#include <pykdump/sched.h>

#define FIXED_1 (1u << KD_LOADAVG_FSHIFT)

static void test_loadavg_rounds(void **state)
{
	(void)state;
	char b[32];
	kd_loadavg_format(0, b, sizeof(b));
	assert_string_equal(b, "0.00");
	/* 774/2048 = 0.3779 prints as 0.38 (the kernel adds FIXED_1/200),
	 * not cut to 0.37 */
	kd_loadavg_format(774, b, sizeof(b));
	assert_string_equal(b, "0.38");
	/* FIXED_1/200 is 10, a bit less than 0.005: 0.375 stays 0.37 */
	kd_loadavg_format(FIXED_1 * 3 / 8, b, sizeof(b));
	assert_string_equal(b, "0.37");
	kd_loadavg_format(FIXED_1 * 2 + FIXED_1 / 2, b, sizeof(b));
	assert_string_equal(b, "2.50");
	/* 0.999 rounds up into the integer part */
	kd_loadavg_format(FIXED_1 - 1, b, sizeof(b));
	assert_string_equal(b, "1.00");
	kd_loadavg_format(FIXED_1 / 200 - 1, b, sizeof(b));
	assert_string_equal(b, "0.00");
}

/* A tail page's compound_head/compound_info: the head's address + 1, or
 * (7.x with HugeTLB vmemmap optimisation and a power-of-2 struct page)
 * GENMASK(63, order + log2(sizeof(struct page))) | 1. */
static void test_page_head(void **state)
{
	(void)state;
	/* Synthetic struct page addresses in a vmemmap, not a boot's. */
	const uint64_t head = 0xfffffa24000aa100ull;	/* synthetic head page */
	const uint64_t vmemmap = 0xffffea0000000000ull;	/* synthetic vmemmap base */
	const uint64_t round = 0xffffe00000000000ull;	/* synthetic head, 2^45 aligned */
	struct kd_page p = { .addr = head + 0xc0 };
	assert_int_equal(kd_page_head(&p), p.addr);	/* not a tail */
	p.compound_head = head | 1;
	assert_int_equal(kd_page_head(&p), head);
	/* order 2 of 64-byte pages: the 7.3 scenario dump's UDP slab */
	p.compound_head = ~((1ull << 8) - 1) | 1;
	assert_int_equal(kd_page_head(&p), head);
	/* a 1 GB folio (order 18) of 64-byte pages: its last tail */
	p.addr = vmemmap + (1ull << 24) - 64;
	p.compound_head = ~((1ull << 24) - 1) | 1;
	assert_int_equal(kd_page_head(&p), vmemmap);
	/* a head at a round address is still a pointer, not a mask */
	p.compound_head = round | 1;
	assert_int_equal(kd_page_head(&p), round);
}

static void test_lock_wait_functions(void **state)
{
	(void)state;
	static const struct {
		const char *fn;
		enum kd_lock_kind kind;
		enum kd_lock_mode mode;
	} cases[] = {
		{ "__mutex_lock.constprop.0", KD_LOCK_MUTEX, KD_LOCK_EXCL },
		{ "__mutex_lock_slowpath", KD_LOCK_MUTEX, KD_LOCK_EXCL },
		{ "mutex_lock_killable", KD_LOCK_MUTEX, KD_LOCK_EXCL },
		{ "__ww_mutex_lock.constprop.0", KD_LOCK_MUTEX, KD_LOCK_EXCL },
		{ "rwsem_down_read_slowpath", KD_LOCK_RWSEM, KD_LOCK_READ },
		{ "rwsem_down_write_slowpath", KD_LOCK_RWSEM, KD_LOCK_EXCL },
		{ "rwsem_down_read_failed", KD_LOCK_RWSEM, KD_LOCK_READ },
		{ "down_write_killable", KD_LOCK_RWSEM, KD_LOCK_EXCL },
		{ "__down_read_common", KD_LOCK_RWSEM, KD_LOCK_READ },
		{ "__down_timeout", KD_LOCK_SEMAPHORE, KD_LOCK_EXCL },
		{ "down_interruptible", KD_LOCK_SEMAPHORE, KD_LOCK_EXCL },
		{ "__down.isra.0", KD_LOCK_SEMAPHORE, KD_LOCK_EXCL },
		{ "schedule", KD_LOCK_NONE, KD_LOCK_EXCL },
		{ "downgrade_write", KD_LOCK_NONE, KD_LOCK_EXCL },
		{ "mutex_unlock", KD_LOCK_NONE, KD_LOCK_EXCL },
		{ "down_trylock", KD_LOCK_NONE, KD_LOCK_EXCL },
		{ "", KD_LOCK_NONE, KD_LOCK_EXCL },
		{ NULL, KD_LOCK_NONE, KD_LOCK_EXCL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum kd_lock_mode m = KD_LOCK_READ;
		enum kd_lock_kind k = kd_lock_wait_function(cases[i].fn, &m);
		if (k != cases[i].kind || m != cases[i].mode)
			fail_msg("%s: kind %d mode %d", cases[i].fn ?
				 cases[i].fn : "(null)", (int)k, (int)m);
	}
	assert_string_equal(kd_lock_kind_name(KD_LOCK_RWSEM), "rw_semaphore");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loadavg_rounds),
		cmocka_unit_test(test_page_head),
		cmocka_unit_test(test_lock_wait_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
