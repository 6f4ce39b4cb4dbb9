// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line splitting, dispatch, pipes and redirection, errors on
 * their own stream, aliases, "!shell". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "command.h"

/* The output of line; its errors in *errs (malloc'd) when errs. */
static char *run2(const char *line, int *rc, char **errs)
{
	char *buf = NULL, *ebuf = NULL;
	size_t len = 0, elen = 0;
	FILE *out = open_memstream(&buf, &len);
	FILE *err = open_memstream(&ebuf, &elen);
	*rc = kd_command_exec(NULL, line, out, err);
	fclose(out);
	fclose(err);
	if (errs)
		*errs = ebuf;
	else
		free(ebuf);
	return buf;
}

static char *run(const char *line, int *rc)
{
	return run2(line, rc, NULL);
}

static void test_unknown_command(void **state)
{
	(void)state;
	int rc;
	char *e;
	char *s = run2("  nosuch arg", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "");
	assert_string_equal(e, "pykdump: command not found: nosuch\n");
	free(s);
	free(e);
}

/* Errors and the usage after them go to the error stream. */
static void test_errors_on_their_stream(void **state)
{
	(void)state;
	int rc;
	char *e;
	char *s = run2("alias nosuchalias", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "");	/* no empty table: an error alone */
	assert_string_equal(e, "alias: alias does not exist: nosuchalias\n");
	free(s);
	free(e);
}

/* crash's built-in aliases, run-time ones, and their refusals. */
static void test_alias(void **state)
{
	(void)state;
	int rc;
	char *e;
	char *s = run("alias man", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "ORIGIN   ALIAS    COMMAND\n"
			    "builtin  man      help \n");
	free(s);
	/* "man help" runs "help help" */
	s = run("man help", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "NAME\n  help - "));
	free(s);
	s = run("alias hh help help", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "ORIGIN   ALIAS    COMMAND\n"
			    "runtime  hh       help help \n");
	free(s);
	s = run("hh | grep -c '^NAME'", &rc);	/* the tail is kept */
	free(s);
	assert_int_equal(rc, 0);
	s = run2("alias help dumpinfo", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(e, "alias: cannot alias existing command "
			    "name: help\n");
	free(s);
	free(e);
	s = run2("alias zz nosuchcmd", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(e, "alias: invalid alias attempt on "
			    "non-existent command: nosuchcmd\n");
	free(s);
	free(e);
	s = run("alias hh \"\"", &rc);
	assert_string_equal(s, "alias deleted: hh\n");
	free(s);
	s = run2("hh", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(e, "pykdump: command not found: hh\n");
	free(s);
	free(e);
	/* an alias starts with a command, not with another alias */
	s = run("alias help2 help", &rc);
	assert_int_equal(rc, 0);
	free(s);
	s = run2("alias help3 help2 help", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(e, "alias: invalid alias attempt on "
			    "non-existent command: help2\n");
	free(s);
	free(e);
}

/* "!cmd" runs through the shell, its output in ours; its failure is
 * ours. */
static void test_shell_escape(void **state)
{
	(void)state;
	int rc;
	char *s = run("!echo a b | tr a X", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "X b\n");
	free(s);
	s = run("  ! exit 3", &rc);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "");
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
	char *e;
	s = run2("help \"no such\"", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "");
	assert_string_equal(e, "help: No manual entry for no such\n");
	free(s);
	free(e);
	s = run2("help -Z", &rc, &e);
	assert_int_equal(rc, 1);
	assert_string_equal(s, "");
	assert_non_null(strstr(e, "help: invalid option -- 'Z'\n"));
	free(s);
	free(e);
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
		cmocka_unit_test(test_errors_on_their_stream),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_shell_escape),
		cmocka_unit_test(test_help_lists_and_quotes),
		cmocka_unit_test(test_redirect_and_pipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
