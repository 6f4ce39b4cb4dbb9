// SPDX-License-Identifier: GPL-2.0-or-later
/* The type model on the fixture ELF (fixtures/types_fixture*.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pykdump/symbols.h>
#include <pykdump/types.h>

#include "debuginfo_test.h"

static struct kd_debuginfo *di;
static struct kd_types *types;

static int setup(void **state)
{
	(void)state;
	di = open_fixture();
	return kd_debuginfo_types(di, &types) != NULL;
}

static int teardown(void **state)
{
	(void)state;
	kd_debuginfo_close(di);
	return 0;
}

static struct kd_type *find(const char *name)
{
	struct kd_type *t = NULL;
	struct kd_error *err = kd_types_find(types, name, &t);
	if (err)
		fail_msg("%s: %s", name, err->message);
	return t;
}

static char *fmt(struct kd_type *t, const char *name)
{
	char *s = NULL;
	assert_null(kd_type_format(t, name, &s));
	return s;
}

static void assert_fmt(struct kd_type *t, const char *name, const char *want)
{
	char *s = fmt(t, name);
	assert_string_equal(s, want);
	free(s);
}

static void assert_member(struct kd_type *t, const char *path,
			  uint64_t bit_offset, uint32_t bit_size)
{
	struct kd_member_path p;
	struct kd_error *err = kd_type_member_path(t, path, &p);
	if (err)
		fail_msg("%s: %s", path, err->message);
	assert_false(p.stopped_at_pointer);
	assert_int_equal(p.bit_offset, bit_offset);
	assert_int_equal(p.bit_size, bit_size);
}

static void test_struct_layout(void **state)
{
	(void)state;
	struct kd_type *t = find("struct outer");
	assert_int_equal(kd_type_kind(t), KD_TYPE_STRUCT);
	assert_string_equal(kd_type_name(t), "outer");
	assert_int_equal(kd_type_size(t), 96);
	assert_int_equal(kd_type_align(t), 8);
	const struct kd_member *m;
	size_t n;
	assert_null(kd_type_members(t, &m, &n));
	assert_int_equal(n, 10);
	assert_null(m[1].name);		/* the anonymous union */
	assert_member(t, "first", 0, 0);
	assert_member(t, "as_long", 64, 0);	/* through the anonymous union */
	assert_member(t, "hi", 80, 0);	/* ... and the struct inside it */
	assert_member(t, "in.y", 160, 0);
	assert_member(t, "matrix[1][2]", 256 + (3 + 2) * 32, 0);
	assert_member(t, "name", 576, 0);
	assert_fmt(find("struct outer"), NULL, "struct outer");
	struct kd_member mem;
	assert_null(kd_type_find_member(t, "lo", &mem));
	assert_int_equal(mem.bit_offset, 64);
	struct kd_error *err = kd_type_find_member(t, "nope", &mem);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	kd_error_destroy(err);
}

static void test_pointer_hop_stops(void **state)
{
	(void)state;
	struct kd_member_path p;
	assert_null(kd_type_member_path(find("struct outer"), "pin->y", &p));
	assert_true(p.stopped_at_pointer);
	assert_int_equal(p.bit_offset, 192);
	assert_string_equal(p.rest, "y");
	assert_int_equal(kd_type_kind(p.type), KD_TYPE_POINTER);
	struct kd_error *err = kd_type_member_path(find("struct outer"), "first[1]", &p);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
}

static void test_arrays(void **state)
{
	(void)state;
	struct kd_member m;
	uint64_t count;
	struct kd_type *outer = find("struct outer");
	assert_null(kd_type_find_member(outer, "matrix", &m));
	assert_true(kd_type_array_count(m.type, &count));
	assert_int_equal(count, 2);
	assert_int_equal(kd_type_size(m.type), 24);
	assert_true(kd_type_array_count(kd_type_target(m.type), &count));
	assert_int_equal(count, 3);
	assert_fmt(m.type, NULL, "int [2][3]");
	assert_null(kd_type_find_member(outer, "flex", &m));
	assert_false(kd_type_array_count(m.type, &count));	/* [] */
	assert_int_equal(kd_type_size(m.type), 0);
	assert_fmt(m.type, "flex", "unsigned long flex[]");
	assert_null(kd_type_find_member(find("struct zero"), "data", &m));
	assert_true(kd_type_array_count(m.type, &count));	/* [0] */
	assert_int_equal(count, 0);
	assert_int_equal(kd_type_size(find("struct zero")), 4);
	assert_int_equal(kd_type_size(find("char [16]")), 16);
	assert_int_equal(kd_type_size(find("int [2][3]")), 24);
}

static void test_bitfields(void **state)
{
	(void)state;
	struct kd_type *t = find("struct bits");
	assert_member(t, "a", 0, 3);
	assert_member(t, "b", 3, 5);
	assert_member(t, "c", 8, 7);
	assert_member(t, "d", 15, 40);
	assert_member(t, "tail", 56, 0);
	struct kd_member m;
	assert_null(kd_type_find_member(t, "c", &m));
	assert_true(kd_type_is_signed(m.type));
	assert_null(kd_type_find_member(t, "a", &m));
	assert_false(kd_type_is_signed(m.type));
}

static void test_typedefs_and_qualifiers(void **state)
{
	(void)state;
	struct kd_type *t = find("culong_t");
	assert_int_equal(kd_type_kind(t), KD_TYPE_TYPEDEF);
	struct kd_type *q = kd_type_target(t);
	assert_int_equal(kd_type_kind(q), KD_TYPE_QUALIFIED);
	assert_int_equal(kd_type_qualifiers(q), KD_QUAL_CONST);
	struct kd_type *base = kd_type_strip(t, KD_STRIP_ALL);
	assert_ptr_equal(base, find("unsigned long"));
	assert_string_equal(kd_type_name(base), "unsigned long");
	assert_int_equal(kd_type_size(t), 8);
	assert_false(kd_type_is_signed(t));
	assert_ptr_equal(kd_type_strip(t, KD_STRIP_QUAL), t);
	assert_int_equal(kd_type_kind(kd_type_strip(t, KD_STRIP_TYPEDEF)),
			 KD_TYPE_QUALIFIED);
	struct kd_variable v;
	assert_null(kd_types_find_variable(types, "fixture_const", &v));
	assert_fmt(v.type, "fixture_const", "culong_t fixture_const");
}

static void test_enums(void **state)
{
	(void)state;
	struct kd_type *color = find("enum color");
	assert_true(kd_type_is_signed(color));
	const struct kd_enumerator *e;
	size_t n;
	assert_null(kd_type_enumerators(color, &e, &n));
	assert_int_equal(n, 3);
	assert_string_equal(e[2].name, "BLUE");
	assert_int_equal(e[2].value, -3);
	struct kd_type *big = find("enum big");
	assert_false(kd_type_is_signed(big));
	assert_null(kd_type_enumerators(big, &e, &n));
	assert_int_equal((uint64_t)e[1].value, 0x80000001u);
	struct kd_enum_value ev;
	assert_null(kd_types_find_enumerator(types, "GREEN", &ev));
	assert_int_equal(ev.value, 2);
	assert_ptr_equal(ev.type, color);
	assert_null(kd_types_find_enumerator(types, "ANON_ENUMERATOR", &ev));
	assert_int_equal(ev.value, 42);
	assert_null(kd_type_name(ev.type));
}

static void test_functions(void **state)
{
	(void)state;
	struct kd_member m;
	assert_null(kd_type_find_member(find("struct outer"), "callback", &m));
	assert_fmt(m.type, "callback", "int (*callback)(int, const char *, ...)");
	assert_null(kd_type_find_member(find("struct outer"), "noargs", &m));
	assert_fmt(m.type, NULL, "void (*)(void)");
	struct kd_function f;
	assert_null(kd_types_find_function(types, "fixture_func", &f));
	assert_true(f.has_address);
	const struct kd_param *p;
	size_t n;
	int variadic;
	assert_null(kd_type_params(f.type, &p, &n, &variadic));
	assert_int_equal(n, 2);
	assert_true(variadic);
	assert_string_equal(p[0].name, "a");
	assert_fmt(f.type, "fixture_func", "int fixture_func(int, const char *, ...)");
	struct kd_symtab *st;
	struct kd_symbol sym;
	assert_null(kd_debuginfo_symtab(di, &st));
	assert_null(kd_symtab_lookup(st, "fixture_func", &sym));
	assert_int_equal(f.address, sym.value);
}

static void test_variables(void **state)
{
	(void)state;
	struct kd_variable v;
	assert_null(kd_types_find_variable(types, "fixture_outer", &v));
	assert_ptr_equal(v.type, find("struct outer"));
	assert_true(v.has_address);
	assert_false(v.is_percpu);
	assert_null(kd_types_find_variable(types, "fixture_percpu", &v));
	assert_true(v.is_percpu);
	/* a definition completing an extern declaration (DW_AT_specification) */
	assert_null(kd_types_find_variable(types, "linux_banner", &v));
	assert_false(v.is_declaration);
	assert_true(v.has_address);
	struct kd_error *err = kd_types_find_variable(types, "nope", &v);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	kd_error_destroy(err);
}

static void test_lookup_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(find("outer"), find("struct outer"));	/* bare name */
	assert_int_equal(kd_type_kind(find("ulong_t")), KD_TYPE_TYPEDEF);
	assert_ptr_equal(find("unsigned long"), find("long unsigned int"));
	assert_ptr_equal(find("long unsigned"), find("unsigned long int"));
	assert_ptr_equal(find("int"), find("signed int"));
	struct kd_type *pp = find("struct outer **");
	assert_int_equal(kd_type_kind(pp), KD_TYPE_POINTER);
	assert_ptr_equal(kd_type_target(kd_type_target(pp)), find("struct outer"));
	assert_ptr_equal(find("int *"), find("int*"));
	assert_fmt(pp, NULL, "struct outer **");
	assert_int_equal(kd_type_kind(find("void")), KD_TYPE_VOID);
	assert_int_equal(kd_type_size(find("void *")), 8);
	/* qualifiers are skipped: reading needs none (PyKdump programs ask
	 * for "const struct x *") */
	assert_ptr_equal(find("const struct outer **"), pp);
	assert_ptr_equal(find("struct outer const * const *"), pp);
	assert_ptr_equal(find("volatile int"), find("int"));
	assert_ptr_equal(find("const int *"), find("int *"));
	struct kd_type *t;
	struct kd_error *err = kd_types_find(types, "struct nope", &t);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	kd_error_destroy(err);
	err = kd_types_find(types, "int [x]", &t);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
}

static void test_interning_and_purge(void **state)
{
	(void)state;
	struct kd_type *a = find("struct inner");
	struct kd_member m;
	assert_null(kd_type_find_member(find("struct outer"), "in", &m));
	assert_ptr_equal(m.type, a);	/* same DIE -> same type */
	kd_types_purge(types, NULL);
	assert_ptr_equal(find("struct inner"), a);	/* still valid and same */
}

static void test_declarations_and_duplicates(void **state)
{
	(void)state;
	struct kd_member m;
	assert_null(kd_type_find_member(find("struct has_opaque"), "o", &m));
	struct kd_type *opaque = kd_type_target(m.type);
	assert_true(kd_type_is_complete(opaque));	/* defined in fixture2 */
	assert_int_equal(kd_type_size(opaque), 16);
	/* two different struct dup: the first unit's, every time */
	assert_int_equal(kd_type_size(find("struct dup")), 8);
	assert_int_equal(kd_type_align(find("struct packed")), 1);
	assert_int_equal(kd_type_size(find("struct packed")), 5);
}

static void test_module_source(void **state)
{
	(void)state;
	assert_non_null(module_path);
	assert_null(kd_debuginfo_add_source(di, "module_fixture", module_path));
	struct kd_type *t = find("struct module_only");
	assert_int_equal(kd_type_size(t), 24);
	assert_member(t, "next", 128, 0);	/* names read through relocations */
	struct kd_member m;
	assert_null(kd_type_find_member(t, "next", &m));
	assert_ptr_equal(kd_type_target(m.type), t);
	/* the vmlinux comes first */
	assert_int_equal(kd_type_size(find("struct outer")), 96);
	struct kd_variable v;
	assert_null(kd_types_find_variable(types, "module_fixture_var", &v));
	assert_ptr_equal(v.type, t);
	struct kd_error *err = kd_debuginfo_add_source(di, "x", fixture_path);
	assert_null(err);	/* any DWARF file can be added */
	err = kd_debuginfo_add_source(di, "bad", "/nonexistent.ko");
	assert_int_equal(err->code, KD_ERR_OS);
	kd_error_destroy(err);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_module_source, setup, teardown),
	cmocka_unit_test_setup_teardown(test_struct_layout, setup, teardown),
	cmocka_unit_test_setup_teardown(test_pointer_hop_stops, setup, teardown),
	cmocka_unit_test_setup_teardown(test_arrays, setup, teardown),
	cmocka_unit_test_setup_teardown(test_bitfields, setup, teardown),
	cmocka_unit_test_setup_teardown(test_typedefs_and_qualifiers, setup, teardown),
	cmocka_unit_test_setup_teardown(test_enums, setup, teardown),
	cmocka_unit_test_setup_teardown(test_functions, setup, teardown),
	cmocka_unit_test_setup_teardown(test_variables, setup, teardown),
	cmocka_unit_test_setup_teardown(test_lookup_by_name, setup, teardown),
	cmocka_unit_test_setup_teardown(test_interning_and_purge, setup, teardown),
	cmocka_unit_test_setup_teardown(test_declarations_and_duplicates, setup, teardown),
};

RUN_ON_FIXTURES(tests)
