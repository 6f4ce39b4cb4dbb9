// SPDX-License-Identifier: GPL-2.0-or-later
/* The problem log: printing as it happens, dedup, the exit summary text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/log.h>

/* A sink that appends what it is given. */
struct capture {
	char text[4096];
};

static void capture_sink(void *arg, const char *text)
{
	struct capture *c = arg;
	strncat(c->text, text, sizeof(c->text) - strlen(c->text) - 1);
}

static struct kd_log *new_log(struct capture *cap)
{
	struct kd_log *log;
	assert_null(kd_log_create(&log));
	if (cap) {
		memset(cap, 0, sizeof(*cap));
		kd_log_set_sink(log, capture_sink, cap);
	}
	return log;
}

static char *summary(const struct kd_log *log)
{
	char *s;
	assert_null(kd_log_summary_str(log, &s));
	return s;
}

/* The text PyKdump 3.x prints for this set of entries (from its
 * logging.py: 78-column rules centred by str.center, 4-space indent). */
static const char full_summary[] =
	"\n"
	"******************************************************************************\n"
	"************************ A Summary Of Problems Found *************************\n"
	"******************************************************************************\n"
	"-------- Some crash built-in commands did not complete within timeout --------\n"
	"    kmem -s timed out\n"
	" *** You can rerun your command with a different timeout\n"
	"     by adding --timeout=NNN to your options\n"
	"     For example, 'crashinfo -v --timeout=1200\n"
	"     to run with timeout of 1200s\n"
	"-------------------- A list of all +++WARNING+++ messages --------------------\n"
	"    w1\n"
	"    w2\n"
	"--------------------- A list of all +++ERROR+++ messages ---------------------\n"
	"    e1\n"
	"------------------------------------------------------------------------------\n"
	"\n"
	"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ Additional Info ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
	"    i1\n"
	"    i2\n"
	"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n";

static void test_summary_exact(void **state)
{
	(void)state;
	struct capture cap;
	struct kd_log *log = new_log(&cap);
	assert_null(kd_log_timeout(log, "kmem -s timed out"));
	assert_null(kd_log_warning(log, "w%d", 1));
	assert_null(kd_log_warning_onexit(log, "w2"));
	assert_null(kd_log_warning(log, "w1"));		/* duplicate */
	assert_null(kd_log_error(log, "e1"));
	assert_null(kd_log_info(log, "i1"));
	assert_null(kd_log_info(log, "i2"));
	char *s = summary(log);
	assert_string_equal(s, full_summary);
	free(s);
	kd_log_destroy(log);
}

static void test_printed_as_they_happen(void **state)
{
	(void)state;
	struct capture cap;
	struct kd_log *log = new_log(&cap);
	kd_log_warning(log, "list at 0x%x is corrupt", 0x1000);
	kd_log_warning(log, "list at 0x%x is corrupt", 0x1000);
	kd_log_warning_onexit(log, "only at exit");
	kd_log_error(log, "cannot read task");
	kd_log_info(log, "quiet info");
	kd_log_timeout(log, "kmem -s");
	assert_string_equal(cap.text,
			    "+++WARNING+++ list at 0x1000 is corrupt\n"
			    "+++WARNING+++ list at 0x1000 is corrupt\n"
			    "+++ERROR+++ cannot read task\n"
			    "+++WARNING+++ kmem -s\n");
	/* Printed twice, kept once, as the original does. */
	assert_int_equal(kd_log_count(log, KD_LOG_WARNING), 2);
	assert_string_equal(kd_log_entry(log, KD_LOG_WARNING, 0),
			    "list at 0x1000 is corrupt");
	assert_string_equal(kd_log_entry(log, KD_LOG_WARNING, 1),
			    "only at exit");
	assert_null(kd_log_entry(log, KD_LOG_WARNING, 2));
	assert_int_equal(kd_log_count(log, KD_LOG_ERROR), 1);
	assert_int_equal(kd_log_count(log, KD_LOG_INFO), 1);
	assert_int_equal(kd_log_count(log, KD_LOG_TIMEOUT), 1);
	kd_log_destroy(log);
}

static void test_dedup_per_kind(void **state)
{
	(void)state;
	struct kd_log *log = new_log(NULL);
	for (int i = 0; i < 3; i++) {
		kd_log_add(log, KD_LOG_WARNING, "same");
		kd_log_add(log, KD_LOG_ERROR, "same");
		kd_log_add_onexit(log, "same");
		kd_log_add(log, KD_LOG_INFO, "same");
	}
	assert_int_equal(kd_log_count(log, KD_LOG_WARNING), 1);
	assert_int_equal(kd_log_count(log, KD_LOG_ERROR), 1);
	assert_int_equal(kd_log_count(log, KD_LOG_INFO), 1);
	/* Many distinct messages keep their order (index growth). */
	char msg[32];
	for (int i = 0; i < 500; i++) {
		snprintf(msg, sizeof(msg), "m%d", i);
		kd_log_add(log, KD_LOG_INFO, msg);
		kd_log_add(log, KD_LOG_INFO, msg);
	}
	assert_int_equal(kd_log_count(log, KD_LOG_INFO), 501);
	assert_string_equal(kd_log_entry(log, KD_LOG_INFO, 500), "m499");
	kd_log_destroy(log);
}

static void test_only_info_or_nothing(void **state)
{
	(void)state;
	struct kd_log *log = new_log(NULL);
	char *s = summary(log);
	assert_string_equal(s, "");
	free(s);
	kd_log_info(log, "fyi");
	s = summary(log);
	assert_string_equal(s,
		"\n"
		"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ Additional Info ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
		"    fyi\n"
		"~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n");
	free(s);
	kd_log_cleanup(log);
	kd_log_error(log, "bad");
	s = summary(log);
	assert_string_equal(s,
		"\n"
		"******************************************************************************\n"
		"************************ A Summary Of Problems Found *************************\n"
		"******************************************************************************\n"
		"--------------------- A list of all +++ERROR+++ messages ---------------------\n"
		"    bad\n"
		"------------------------------------------------------------------------------\n");
	free(s);
	kd_log_destroy(log);
}

static void test_silent(void **state)
{
	(void)state;
	struct capture cap;
	struct kd_log *log = new_log(&cap);
	assert_null(kd_log_getsilent(log));
	kd_log_silenterror(log, "nothing held");
	assert_int_equal(kd_log_count(log, KD_LOG_ERROR), 0);
	kd_log_silent(log, "first");
	kd_log_silent(log, "second");	/* replaces */
	char *m = kd_log_getsilent(log);
	assert_string_equal(m, "second");
	free(m);
	assert_null(kd_log_getsilent(log));
	kd_log_silent(log, "readmem failed");
	kd_log_silenterror(log, "while reading list:");
	assert_int_equal(kd_log_count(log, KD_LOG_ERROR), 1);
	assert_string_equal(kd_log_entry(log, KD_LOG_ERROR, 0),
			    "while reading list: readmem failed");
	assert_null(kd_log_getsilent(log));
	assert_string_equal(cap.text, "");	/* never printed */
	kd_log_destroy(log);
}

static void test_cleanup_and_default(void **state)
{
	(void)state;
	struct kd_log *def = kd_log_default();
	assert_ptr_equal(def, kd_log_default());
	kd_log_set_stream(def, NULL);
	kd_log_warning(def, "x");
	kd_log_silent(def, "y");
	kd_log_destroy(def);		/* ignored for the default store */
	assert_int_equal(kd_log_count(def, KD_LOG_WARNING), 1);
	kd_log_cleanup(def);
	assert_int_equal(kd_log_count(def, KD_LOG_WARNING), 0);
	assert_null(kd_log_getsilent(def));
	kd_log_destroy(NULL);
}

static void test_stream_sink(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	struct kd_log *log = new_log(NULL);
	kd_log_set_stream(log, out);
	kd_log_error(log, "to a stream");
	kd_log_set_stream(log, NULL);
	kd_log_error(log, "nowhere");
	fclose(out);
	assert_string_equal(buf, "+++ERROR+++ to a stream\n");
	free(buf);
	kd_log_destroy(log);
}

static void test_cap(void **state)
{
	(void)state;
	struct kd_log *log = new_log(NULL);
	char msg[32];
	for (int i = 0; i < KD_LOG_MAX_ENTRIES + 5; i++) {
		snprintf(msg, sizeof(msg), "w%d", i);
		kd_log_add_onexit(log, msg);
	}
	kd_log_add_onexit(log, "w0");	/* a kept one: still a duplicate */
	assert_int_equal(kd_log_count(log, KD_LOG_WARNING), KD_LOG_MAX_ENTRIES);
	assert_int_equal(kd_log_dropped(log, KD_LOG_WARNING), 5);
	char *s = summary(log);
	assert_non_null(strstr(s, "    w9999\n    ... and 5 more\n-----"));
	free(s);
	kd_log_destroy(log);
}

static void test_exec_time(void **state)
{
	(void)state;
	struct kd_exec_times start = { 10.0, 1.0, 0.0 };
	struct kd_exec_times end = { 12.346, 1.5, 0.0 };
	char line[200];
	kd_exec_times_format(&start, &end, line, sizeof(line));
	assert_string_equal(line,
			    "\n ** Execution took   2.35s (real)   0.50s (CPU)\n");
	end.child_cpu = 3.25;
	kd_exec_times_format(&start, &end, line, sizeof(line));
	assert_string_equal(line,
			    "\n ** Execution took   2.35s (real)   0.50s (CPU), "
			    "Child processes:   3.25s\n");
	end = (struct kd_exec_times){ 1234.5, 1000.0, 0.0005 };
	start = (struct kd_exec_times){ 0, 0, 0 };
	kd_exec_times_format(&start, &end, line, sizeof(line));
	assert_string_equal(line,
			    "\n ** Execution took 1234.50s (real) 1000.00s (CPU)\n");

	/* The clock-reading form: real and CPU never go backwards. */
	struct kd_exec_times a, b;
	kd_exec_times_now(&a);
	for (volatile int i = 0; i < 1000000; i++)
		;
	kd_exec_times_now(&b);
	assert_true(b.real >= a.real && b.cpu >= a.cpu);
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	kd_exec_times_print(&a, out);
	fclose(out);
	assert_true(strncmp(buf, "\n ** Execution took ", 20) == 0);
	assert_non_null(strstr(buf, "s (CPU)\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_exact),
		cmocka_unit_test(test_printed_as_they_happen),
		cmocka_unit_test(test_dedup_per_kind),
		cmocka_unit_test(test_only_info_or_nothing),
		cmocka_unit_test(test_silent),
		cmocka_unit_test(test_cleanup_and_default),
		cmocka_unit_test(test_stream_sink),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_exec_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
