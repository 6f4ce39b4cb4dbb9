// SPDX-License-Identifier: GPL-2.0-or-later
/* The symbol table on the fixture ELF. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pykdump/symbols.h>

#include "debuginfo_test.h"

static struct kd_symtab *symtab(struct kd_debuginfo *di)
{
	struct kd_symtab *st;
	assert_null(kd_debuginfo_symtab(di, &st));
	return st;
}

static void test_letters_and_flags(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	struct kd_symtab *st = symtab(di);
	static const struct { const char *name; char type; unsigned flag; } want[] = {
		{ "fixture_func", 'T', KD_SYM_FUNC | KD_SYM_GLOBAL },
		{ "fixture_bss", 'B', KD_SYM_OBJECT },
		{ "linux_banner", 'R', KD_SYM_OBJECT },
		{ "fixture_bits", 'D', KD_SYM_OBJECT },
		{ "fixture_counter", 'd', KD_SYM_OBJECT },
		{ "dup_static", 't', KD_SYM_FUNC },
		{ "fixture_percpu", 'D', KD_SYM_PERCPU },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct kd_symbol sym;
		assert_null(kd_symtab_lookup(st, want[i].name, &sym));
		assert_string_equal(sym.name, want[i].name);
		assert_int_equal(sym.type, want[i].type);
		assert_true((sym.flags & want[i].flag) == want[i].flag);
	}
	struct kd_symbol sym;
	struct kd_error *err = kd_symtab_lookup(st, "no_such_symbol", &sym);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	kd_error_destroy(err);
	/* section and file symbols are not kept */
	assert_int_equal(kd_symtab_lookup_all(st, "types_fixture.c", &sym, 1), 0);
	kd_debuginfo_close(di);
}

static void test_duplicates_in_address_order(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	struct kd_symtab *st = symtab(di);
	struct kd_symbol s[4];
	assert_int_equal(kd_symtab_lookup_all(st, "dup_static", s, 4), 2);
	assert_true(s[0].value < s[1].value);
	assert_int_equal(kd_symtab_lookup_all(st, "fixture_counter", s, 1), 2);
	kd_debuginfo_close(di);
}

static void test_address_lookup_and_relocation(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	struct kd_symtab *st = symtab(di);
	struct kd_symbol func, percpu, near;
	uint64_t off;
	assert_null(kd_symtab_lookup(st, "fixture_func", &func));
	assert_null(kd_symtab_lookup(st, "fixture_percpu", &percpu));
	assert_true(kd_symtab_by_addr(st, func.value + 3, &near, &off));
	assert_string_equal(near.name, "fixture_func");
	assert_int_equal(off, 3);
	assert_true(kd_symtab_percpu_by_offset(st, percpu.value, &near, &off));
	assert_string_equal(near.name, "fixture_percpu");

	kd_symtab_set_relocation(st, 0x200000);
	assert_int_equal(kd_symtab_relocation(st), 0x200000);
	struct kd_symbol moved, still;
	assert_null(kd_symtab_lookup(st, "fixture_func", &moved));
	assert_int_equal(moved.value, func.value + 0x200000);
	assert_null(kd_symtab_lookup(st, "fixture_percpu", &still));
	assert_int_equal(still.value, percpu.value);	/* offsets do not move */
	assert_true(kd_symtab_by_addr(st, moved.value + 1, &near, &off));
	assert_string_equal(near.name, "fixture_func");
	assert_false(kd_symtab_by_addr(st, 0x10, &near, &off));
	uint64_t start, end;
	kd_symtab_image_range(st, &start, &end);
	assert_true(start <= moved.value && moved.value < end);

	/* the sorted view is in address order */
	struct kd_symbol a, b;
	for (size_t i = 1; i < kd_symtab_count(st); i++) {
		assert_true(kd_symtab_get(st, i - 1, &a));
		assert_true(kd_symtab_get(st, i, &b));
		assert_true(a.value <= b.value);
	}
	assert_false(kd_symtab_get(st, kd_symtab_count(st), &a));
	kd_debuginfo_close(di);
}

static void test_banner_and_build_id(void **state)
{
	(void)state;
	struct kd_debuginfo *di = open_fixture();
	assert_string_equal(kd_debuginfo_banner(di), "Linux version fixture\n");
	size_t len;
	assert_non_null(kd_debuginfo_build_id(di, &len));
	assert_int_equal(len, 20);
	assert_int_equal(strlen(kd_debuginfo_build_id_hex(di)), 40);
	assert_int_equal(kd_debuginfo_machine(di), 62);	/* EM_X86_64 */
	kd_debuginfo_close(di);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_letters_and_flags),
	cmocka_unit_test(test_duplicates_in_address_order),
	cmocka_unit_test(test_address_lookup_and_relocation),
	cmocka_unit_test(test_banner_and_build_id),
};

RUN_ON_FIXTURES(tests)
