/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the debuginfo unit tests: a private cache directory
 * and the fixture named on the command line (tests/unit/fixtures). */
#ifndef PYKDUMP_DEBUGINFO_TEST_H
#define PYKDUMP_DEBUGINFO_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/debuginfo.h>

static const char *fixture_path;
static const char *module_path;		/* the relocatable fixture (.o) */
static char cache_dir[64];

static void make_cache_dir(void)
{
	strcpy(cache_dir, "/tmp/pykdump-test-XXXXXX");
	if (!mkdtemp(cache_dir)) {
		perror("mkdtemp");
		exit(1);
	}
}

static void remove_cache_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", cache_dir);
}

static inline struct kd_debuginfo *open_fixture(void)
{
	struct kd_debuginfo_options opts = { .cache_dir = cache_dir };
	struct kd_debuginfo *di = NULL;
	struct kd_error *err = kd_debuginfo_open(fixture_path, &opts, &di);
	if (err) {
		fprintf(stderr, "%s\n", err->message);
		exit(1);
	}
	return di;
}

/* Runs the cmocka group once per fixture given as argument (a name
 * ending in ".o" is the module fixture, used by some tests). */
#define RUN_ON_FIXTURES(tests)						\
	int main(int argc, char **argv)					\
	{								\
		int failed = 0;						\
		for (int i = 1; i < argc; i++) {			\
			size_t len = strlen(argv[i]);			\
			if (len > 2 && !strcmp(argv[i] + len - 2, ".o"))\
				module_path = argv[i];			\
		}							\
		for (int i = 1; i < argc; i++) {			\
			if (argv[i] == module_path)			\
				continue;				\
			fixture_path = argv[i];				\
			make_cache_dir();				\
			failed |= cmocka_run_group_tests_name(argv[i],	\
						tests, NULL, NULL);	\
			remove_cache_dir();				\
		}							\
		return failed || argc < 2;				\
	}

#endif
