// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line splitting, dispatch, pipes and redirection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "command.h"

static char *run(const char *line, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	*rc = kd_command_exec(NULL, line, out);
	fclose(out);
	return buf;
}

static void test_unknown_command(void **state)
{
	(void)state;
	int rc;
	char *s = run("  nosuch arg", &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "nosuch: command not found\n");
	free(s);
}

static void test_help_lists_and_quotes(void **state)
{
	(void)state;
	int rc;
	char *s = run("help 'help'", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "NAME\n  help - "));
	free(s);
	s = run("help \"no such\"", &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "No manual entry for no such\n");
	free(s);
	s = run("", &rc);
	assert_int_equal(rc, 0);
	free(s);
}

static void test_redirect_and_pipe(void **state)
{
	(void)state;
	char path[] = "/tmp/kd-exec-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	char line[256];
	snprintf(line, sizeof(line), "help help > %s", path);
	int rc;
	free(run(line, &rc));
	assert_int_equal(rc, 0);
	snprintf(line, sizeof(line), "help help >> %s", path);
	free(run(line, &rc));
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	unlink(path);
	char *first = strstr(buf, "NAME");
	assert_non_null(first);
	assert_non_null(strstr(first + 1, "NAME"));	/* appended */
	/* A pipe's output goes to the shell command, not to out. */
	char *s = run("help | wc -l > /dev/null", &rc);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_help_lists_and_quotes),
		cmocka_unit_test(test_redirect_and_pipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
