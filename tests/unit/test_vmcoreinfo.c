// SPDX-License-Identifier: GPL-2.0-or-later
/* VMCOREINFO parsing and the typed getters (include/pykdump/vmcoreinfo.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/vmcoreinfo.h>

static const char text[] =
	"OSRELEASE=6.1.0-56-cloud-amd64\n"
	"BUILD-ID=3b43fad5034874490492495d552c0af6a5fab235\n"
	"PAGESIZE=4096\n"
	"SYMBOL(swapper_pg_dir)=ffffffff95c10000\n"	/* synthetic VMCOREINFO text */
	"OFFSET(list_head.next)=0\n"
	"OFFSET(page.compound_head)=8\n"
	"SIZE(page)=64\n"
	"LENGTH(mem_section)=2048\n"
	"NUMBER(phys_base)=-123\n"
	"NUMBER(KERNELPACMASK)=0xffff800000000000\n"	/* synthetic VMCOREINFO text */
	"NUMBER(pgtable_l5_enabled)=0\n"
	"KERNELOFFSET=13200000\n"
	"line without an equals sign\n"
	"=empty key ignored\n"
	"SYMBOL(bad)=xyz\n"
	"NUMBER(bad)=12abc\n"
	"CRASHTIME=1700000000\r\n"
	"CRASHTIME=1700000123\n"
	"EMPTY=\n"
	"LAST=no newline";

static struct kd_vmcoreinfo *parse(void)
{
	struct kd_vmcoreinfo *vi;
	assert_null(kd_vmcoreinfo_parse(text, strlen(text), "vmcore.test", &vi));
	return vi;
}

static void test_strings(void **state)
{
	(void)state;
	struct kd_vmcoreinfo *vi = parse();
	assert_string_equal(kd_vmcoreinfo_get(vi, "OSRELEASE"),
			    "6.1.0-56-cloud-amd64");
	assert_string_equal(kd_vmcoreinfo_get(vi, "BUILD-ID"),
			    "3b43fad5034874490492495d552c0af6a5fab235");
	assert_string_equal(kd_vmcoreinfo_get(vi, "EMPTY"), "");
	assert_string_equal(kd_vmcoreinfo_get(vi, "LAST"), "no newline");
	assert_null(kd_vmcoreinfo_get(vi, "MISSING"));
	assert_null(kd_vmcoreinfo_get(vi, "line without an equals sign"));
	assert_null(kd_vmcoreinfo_get(vi, ""));
	assert_null(kd_vmcoreinfo_get(NULL, "OSRELEASE"));
	/* entries in text order, repeats included */
	const char *k, *v;
	assert_int_equal(kd_vmcoreinfo_count(vi), 18);
	assert_true(kd_vmcoreinfo_entry(vi, 0, &k, &v));
	assert_string_equal(k, "OSRELEASE");
	assert_false(kd_vmcoreinfo_entry(vi, 18, &k, &v));
	kd_vmcoreinfo_destroy(vi);
}

static void test_typed(void **state)
{
	(void)state;
	struct kd_vmcoreinfo *vi = parse();
	uint64_t u;
	int64_t s;
	assert_null(kd_vmcoreinfo_symbol(vi, "swapper_pg_dir", &u));
	assert_int_equal(u, 0xffffffff95c10000ull);	/* synthetic VMCOREINFO text */
	assert_null(kd_vmcoreinfo_offset(vi, "page.compound_head", &u));
	assert_int_equal(u, 8);
	assert_null(kd_vmcoreinfo_size(vi, "page", &u));
	assert_int_equal(u, 64);
	assert_null(kd_vmcoreinfo_length(vi, "mem_section", &u));
	assert_int_equal(u, 2048);
	assert_null(kd_vmcoreinfo_number(vi, "phys_base", &s));
	assert_int_equal(s, -123);
	assert_null(kd_vmcoreinfo_number(vi, "KERNELPACMASK", &s));
	assert_int_equal((uint64_t)s, 0xffff800000000000ull);	/* synthetic VMCOREINFO text */
	assert_null(kd_vmcoreinfo_kerneloffset(vi, &u));
	assert_int_equal(u, 0x13200000);
	assert_null(kd_vmcoreinfo_pagesize(vi, &u));
	assert_int_equal(u, 4096);
	/* the last CRASHTIME wins; CRLF tolerated */
	assert_null(kd_vmcoreinfo_crashtime(vi, &s));
	assert_int_equal(s, 1700000123);
	kd_vmcoreinfo_destroy(vi);
}

static void test_errors(void **state)
{
	(void)state;
	struct kd_vmcoreinfo *vi = parse();
	uint64_t u = 7;
	int64_t s;
	struct kd_error *err = kd_vmcoreinfo_symbol(vi, "init_task", &u);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	assert_non_null(strstr(err->message, "SYMBOL(init_task)"));
	assert_non_null(strstr(err->message, "vmcore.test"));
	kd_error_destroy(err);
	err = kd_vmcoreinfo_symbol(vi, "bad", &u);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "SYMBOL(bad)=xyz"));
	kd_error_destroy(err);
	err = kd_vmcoreinfo_number(vi, "bad", &s);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	/* NULL table: everything absent */
	err = kd_vmcoreinfo_pagesize(NULL, &u);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	kd_error_destroy(err);
	/* try_ forms */
	assert_true(kd_vmcoreinfo_try_number(vi, "pgtable_l5_enabled", &s));
	assert_int_equal(s, 0);
	assert_false(kd_vmcoreinfo_try_number(vi, "nope", &s));
	assert_false(kd_vmcoreinfo_try_symbol(vi, "bad", &u));
	assert_true(kd_vmcoreinfo_try_size(vi, "page", &u));
	assert_true(kd_vmcoreinfo_try_length(vi, "mem_section", &u));
	assert_true(kd_vmcoreinfo_try_offset(vi, "list_head.next", &u));
	assert_int_equal(u, 0);
	assert_true(kd_vmcoreinfo_try_symbol(vi, "swapper_pg_dir", &u));
	/* a name too long for any key */
	char longname[400];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(kd_vmcoreinfo_try_symbol(vi, longname, &u));
	kd_vmcoreinfo_destroy(vi);
}

static void test_numbers_edge(void **state)
{
	(void)state;
	static const char t[] =
		"NUMBER(min)=-9223372036854775808\n"
		"NUMBER(over)=99999999999999999999\n"
		"NUMBER(neg_over)=-9223372036854775809\n"
		"SYMBOL(max)=ffffffffffffffff\n"
		"SYMBOL(over)=1ffffffffffffffff\n"
		"SYMBOL(prefixed)=0xffffffff81000000\n"	/* synthetic VMCOREINFO text */
		"SIZE(neg)=-1\n"
		"SYMBOL(empty)=\n"
		"PAGESIZE=4095\n";
	struct kd_vmcoreinfo *vi;
	assert_null(kd_vmcoreinfo_parse(t, sizeof(t), NULL, &vi));
	int64_t s;
	uint64_t u;
	assert_true(kd_vmcoreinfo_try_number(vi, "min", &s));
	assert_int_equal(s, INT64_MIN);
	assert_false(kd_vmcoreinfo_try_number(vi, "over", &s));
	assert_false(kd_vmcoreinfo_try_number(vi, "neg_over", &s));
	assert_true(kd_vmcoreinfo_try_symbol(vi, "max", &u));
	assert_int_equal(u, UINT64_MAX);
	assert_false(kd_vmcoreinfo_try_symbol(vi, "over", &u));
	assert_true(kd_vmcoreinfo_try_symbol(vi, "prefixed", &u));
	assert_false(kd_vmcoreinfo_try_size(vi, "neg", &u));
	assert_false(kd_vmcoreinfo_try_symbol(vi, "empty", &u));
	struct kd_error *err = kd_vmcoreinfo_pagesize(vi, &u);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	kd_vmcoreinfo_destroy(vi);
}

static void test_nul_ends_text(void **state)
{
	(void)state;
	static const char t[] = "A=1\nB=2\0C=3\n";
	struct kd_vmcoreinfo *vi;
	assert_null(kd_vmcoreinfo_parse(t, sizeof(t), "x", &vi));
	assert_string_equal(kd_vmcoreinfo_get(vi, "B"), "2");
	assert_null(kd_vmcoreinfo_get(vi, "C"));
	kd_vmcoreinfo_destroy(vi);
	assert_null(kd_vmcoreinfo_parse("", 0, "x", &vi));
	assert_int_equal(kd_vmcoreinfo_count(vi), 0);
	assert_null(kd_vmcoreinfo_get(vi, "A"));
	kd_vmcoreinfo_destroy(vi);
	kd_vmcoreinfo_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_numbers_edge),
		cmocka_unit_test(test_nul_ends_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
