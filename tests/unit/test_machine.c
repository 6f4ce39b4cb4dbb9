// SPDX-License-Identifier: GPL-2.0-or-later
/* Machine facts: the rules that need no dump (HZ, .config, cpumasks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "session/machine_internal.h"

static void test_hz_from_tick_nsec(void **state)
{
	(void)state;
	/* TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ for each Kconfig choice */
	static const int hz[] = { 100, 250, 300, 1000, 24, 48, 1024 };
	for (size_t i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		uint64_t tick = (1000000000ULL + hz[i] / 2) / hz[i];
		assert_int_equal(kd_machine_hz_from_tick_nsec(tick), hz[i]);
		/* NTP moves tick_nsec by a few ppm */
		assert_int_equal(kd_machine_hz_from_tick_nsec(tick + tick / 20000), hz[i]);
		assert_int_equal(kd_machine_hz_from_tick_nsec(tick - tick / 20000), hz[i]);
	}
	/* not a Kconfig value: the rounded one */
	assert_int_equal(kd_machine_hz_from_tick_nsec(1000000000ULL / 700), 700);
	/* garbage (uninitialised or corrupt memory) */
	assert_int_equal(kd_machine_hz_from_tick_nsec(0), 0);
	assert_int_equal(kd_machine_hz_from_tick_nsec(~0ULL), 0);
	assert_int_equal(kd_machine_hz_from_tick_nsec(17), 0);
}

static void test_config_number(void **state)
{
	(void)state;
	const char cfg[] = "# comment\nCONFIG_HZ_250=y\nCONFIG_HZ=250\n"
			   "CONFIG_NR_CPUS=0x2000\nCONFIG_HZ_PERIODIC";
	size_t len = strlen(cfg);
	assert_int_equal(kd_machine_config_number(cfg, len, "CONFIG_HZ"), 250);
	assert_int_equal(kd_machine_config_number(cfg, len, "CONFIG_NR_CPUS"), 8192);
	assert_int_equal(kd_machine_config_number(cfg, len, "CONFIG_HZ_PERIODIC"), 0);
	assert_int_equal(kd_machine_config_number(cfg, len, "CONFIG_SMP"), 0);
	/* the text need not be terminated: nothing read past len */
	assert_int_equal(kd_machine_config_number(cfg, 20, "CONFIG_HZ"), 0);
	assert_int_equal(kd_machine_config_number("", 0, "CONFIG_HZ"), 0);
}

static void test_cpumask_weight(void **state)
{
	(void)state;
	uint64_t m[3] = { 0x3, 0, 1ULL << 63 };
	assert_int_equal(kd_machine_cpumask_weight(m, 2), 2);
	assert_int_equal(kd_machine_cpumask_weight(m, 1), 1);
	assert_int_equal(kd_machine_cpumask_weight(m, 191), 2);
	assert_int_equal(kd_machine_cpumask_weight(m, 192), 3);
	assert_int_equal(kd_machine_cpumask_weight(m, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hz_from_tick_nsec),
		cmocka_unit_test(test_config_number),
		cmocka_unit_test(test_cpumask_weight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
