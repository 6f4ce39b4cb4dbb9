// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reader tables on the readers fixture ELF (fixtures/readers_fixture.h):
 * every member kind, offsets against offsetof, values decoded from a
 * buffer and read through a memory source (this process's own memory,
 * so chains through pointers follow real pointers), and the memocache
 * purge rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pykdump/memocache.h>
#include <pykdump/readers.h>
#include <pykdump/types.h>

#include "debuginfo_test.h"
#include "fixtures/readers_fixture.h"
#include "types/readers_internal.h"
#include "types/types_internal.h"

static struct kd_debuginfo *di;
static struct kd_types *types;
static struct kd_memocache *mc;
static struct kd_readers *rs;
static struct kd_reader *rall;

/* Memory source: this process's memory; page 0 faults. */
static struct kd_error *read_self(void *arg, uint64_t addr, void *buf,
				  size_t len)
{
	(void)arg;
	if (addr < 4096)
		return kd_error_fault(KD_ERR_FAULT, addr, "fault at %llx",
				      (unsigned long long)addr);
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return NULL;
}

static const struct kd_memsrc self_src = { .read = read_self };

static int setup(void **state)
{
	(void)state;
	di = open_fixture();
	if (kd_debuginfo_types(di, &types) || kd_memocache_create(0, &mc) ||
	    kd_readers_create(types, mc, &rs))
		return -1;
	return kd_readers_get(rs, "struct rall", &rall) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	kd_readers_destroy(rs);
	kd_memocache_destroy(mc);
	kd_debuginfo_close(di);
	return 0;
}

static const struct kd_rmember *member(const char *path)
{
	const struct kd_rmember *m = NULL;
	struct kd_error *err = kd_reader_member(rall, path, &m);
	if (err)
		fail_msg("%s: %s", path, err->message);
	return m;
}

static void check(const char *path, enum kd_rkind kind, size_t off,
		  size_t size, int is_signed)
{
	const struct kd_rmember *m = member(path);
	if (m->kind != kind)
		fail_msg("%s: kind %s, want %s", path, kd_rkind_name(m->kind),
			 kd_rkind_name(kind));
	assert_int_equal(m->offset, off);
	assert_int_equal(m->size, size);
	assert_int_equal(m->is_signed, is_signed);
	assert_int_equal(m->nhops, 0);
}

#define CHECK(name, kind, sg) \
	check(#name, kind, offsetof(struct rall, name), \
	      sizeof(((struct rall *)0)->name), sg)

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(kd_reader_name(rall), "struct rall");
	assert_int_equal(kd_reader_size(rall), sizeof(struct rall));
	CHECK(sc, KD_RK_INT, 1);
	CHECK(uc, KD_RK_INT, 0);
	CHECK(s, KD_RK_INT, 1);
	CHECK(us, KD_RK_INT, 0);
	CHECK(i, KD_RK_INT, 1);
	CHECK(u, KD_RK_INT, 0);
	CHECK(l, KD_RK_INT, 1);
	CHECK(ul, KD_RK_INT, 0);
	CHECK(ll, KD_RK_INT, 1);
	CHECK(b, KD_RK_BOOL, 0);
	CHECK(color, KD_RK_ENUM, 1);
	CHECK(name, KD_RK_CHARARRAY, 1);
	CHECK(str, KD_RK_CHARPTR, 0);
	CHECK(tp, KD_RK_PTR, 0);
	CHECK(vp, KD_RK_PTR, 0);
	CHECK(fn, KD_RK_FUNCPTR, 0);
	CHECK(mat, KD_RK_ARRAY, 1);
	CHECK(emb, KD_RK_STRUCT, 0);
	CHECK(ua, KD_RK_INT, 1);	/* through the anonymous union */
	CHECK(ub, KD_RK_INT, 1);
	CHECK(f, KD_RK_FLOAT, 1);
	CHECK(d, KD_RK_FLOAT, 1);
	CHECK(inners, KD_RK_ARRAY, 0);
	assert_int_equal(member("bf_u")->kind, KD_RK_BITFIELD);
	assert_int_equal(member("bf_s")->kind, KD_RK_BITFIELD);
	assert_int_equal(member("bf_s")->is_signed, 1);
	assert_int_equal(member("bf_big")->bit_size, 40);
	/* the flattened table: the anonymous union's members appear */
	CHECK(wide, KD_RK_OTHER, 1);
	CHECK(ld, KD_RK_OTHER, 1);
	assert_int_equal(kd_reader_nmembers(rall), 28);
	assert_string_equal(kd_reader_member_at(rall, 0)->name, "sc");
	assert_null(kd_reader_member_at(rall, 28));
}

static void test_arrays(void **state)
{
	(void)state;
	const struct kd_rmember *m = member("mat");
	assert_int_equal(m->ndims, 2);
	assert_int_equal(m->dims[0], 2);
	assert_int_equal(m->dims[1], 3);
	assert_int_equal(m->elem_kind, KD_RK_INT);
	assert_int_equal(m->elem_size, sizeof(int));
	m = member("inners");
	assert_int_equal(m->ndims, 1);
	assert_int_equal(m->elem_kind, KD_RK_STRUCT);
	assert_int_equal(m->elem_size, sizeof(struct rinner));
	m = member("name");
	assert_int_equal(m->dims[0], 8);
	/* element and member paths through arrays */
	check("inners[1].x", KD_RK_INT,
	      offsetof(struct rall, inners) + sizeof(struct rinner), 4, 1);
	check("emb.x", KD_RK_INT, offsetof(struct rall, emb.x), 4, 1);
}

static struct rtarget target = { .nr = -77, .arr = { 1, 2, 3 } };
static char hello[] = "hello";

static int fnv(int x)
{
	return x;
}

static void fill(struct rall *v)
{
	memset(v, 0, sizeof(*v));
	v->sc = -5;
	v->uc = 250;
	v->s = -30000;
	v->us = 60000;
	v->i = -123456;
	v->u = 4000000000u;
	v->l = -1234567890123l;
	v->ul = 0xfedcba9876543210ul;
	v->ll = -42;
	v->bf_u = 5;
	v->bf_s = -9;
	v->bf_big = 0xabcdef1234ull;
	v->b = 1;
	v->color = RC_NEG;
	memcpy(v->name, "abcdefgh", 8);	/* no NUL: all 8 chars */
	v->str = hello;
	v->tp = &target;
	v->fn = fnv;
	v->mat[1][2] = -6;
	v->emb.x = 11;
	v->emb.tp = &target;
	v->ua = -99;
	v->f = 1.5f;
	v->d = -2.25;
	v->inners[1].tp = &target;
}

static struct kd_value value(const struct rall *v, const char *path)
{
	struct kd_value val;
	struct kd_error *err = kd_member_value_from_buf(member(path), v, &val);
	if (err)
		fail_msg("%s: %s", path, err->message);
	return val;
}

static void test_values_from_buf(void **state)
{
	(void)state;
	struct rall v;
	fill(&v);
	assert_int_equal(value(&v, "sc").i, -5);
	assert_int_equal(value(&v, "uc").u, 250);
	assert_int_equal(value(&v, "s").i, -30000);
	assert_int_equal(value(&v, "us").u, 60000);
	assert_int_equal(value(&v, "i").i, -123456);
	assert_int_equal(value(&v, "u").u, 4000000000u);
	assert_true(value(&v, "l").i == -1234567890123l);
	assert_true(value(&v, "ul").u == 0xfedcba9876543210ul);
	assert_int_equal(value(&v, "ll").i, -42);
	assert_int_equal(value(&v, "bf_u").u, 5);
	assert_int_equal(value(&v, "bf_s").i, -9);	/* sign-extended */
	assert_true(value(&v, "bf_big").u == 0xabcdef1234ull);
	assert_int_equal(value(&v, "b").u, 1);
	assert_int_equal(value(&v, "color").i, RC_NEG);
	assert_true(value(&v, "str").u == (uintptr_t)hello);
	assert_true(value(&v, "fn").u == (uintptr_t)fnv);
	assert_int_equal(value(&v, "ua").i, -99);
	assert_true(value(&v, "f").f == 1.5);
	assert_true(value(&v, "d").f == -2.25);
	/* array elements, flat index */
	struct kd_value e;
	assert_null(kd_member_elem_from_buf(member("mat"), &v, 5, &e));
	assert_int_equal(e.i, -6);
	struct kd_error *err = kd_member_elem_from_buf(member("mat"), &v, 6, &e);
	assert_non_null(err);
	kd_error_destroy(err);
	/* char[N] without a NUL: all N bytes, terminated */
	char s[16];
	size_t len;
	assert_null(kd_member_string_from_buf(member("name"), &v, s, sizeof(s),
					      &len));
	assert_string_equal(s, "abcdefgh");
	assert_null(kd_member_string_from_buf(member("name"), &v, s, 4, &len));
	assert_string_equal(s, "abc");
	/* not scalars */
	err = kd_member_value_from_buf(member("emb"), &v, &e);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	err = kd_member_value_from_buf(member("name"), &v, &e);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
}

static void test_chains(void **state)
{
	(void)state;
	struct rall v;
	struct kd_value val;
	fill(&v);
	const struct kd_rmember *m = member("tp.nr");
	assert_int_equal(m->nhops, 1);
	assert_int_equal(m->hops[0], offsetof(struct rall, tp));
	assert_int_equal(m->offset, offsetof(struct rtarget, nr));
	assert_ptr_equal(member("tp.nr"), m);	/* compiled once */
	assert_null(kd_member_read_src(&self_src, m, (uintptr_t)&v, &val));
	assert_int_equal(val.i, -77);
	/* embedded then pointer then array element; "->" works too */
	m = member("emb.tp->arr[2]");
	assert_int_equal(m->nhops, 1);
	assert_null(kd_member_read_src(&self_src, m, (uintptr_t)&v, &val));
	assert_int_equal(val.i, 3);
	m = member("inners[1].tp.arr[1]");
	assert_null(kd_member_read_src(&self_src, m, (uintptr_t)&v, &val));
	assert_int_equal(val.i, 2);
	/* from a buffer a chain cannot be followed */
	struct kd_error *err = kd_member_value_from_buf(member("tp.nr"), &v,
							&val);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	/* a NULL pointer on the way is a fault, not a crash */
	err = kd_member_read_src(&self_src, member("inners[0].tp.nr"),
				 (uintptr_t)&v, &val);
	assert_non_null(err);
	assert_true(kd_error_is_fault(err));
	kd_error_destroy(err);
	/* direct reads of plain members */
	assert_null(kd_member_read_src(&self_src, member("bf_s"),
				       (uintptr_t)&v, &val));
	assert_int_equal(val.i, -9);
}

static void test_lookup_errors(void **state)
{
	(void)state;
	const struct kd_rmember *m;
	struct kd_error *err = kd_reader_member(rall, "nosuch", &m);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	kd_error_destroy(err);
	err = kd_reader_member(rall, "i.x", &m);	/* not a struct */
	assert_non_null(err);
	kd_error_destroy(err);
	err = kd_reader_member(rall, "vp.x", &m);	/* void * */
	assert_non_null(err);
	kd_error_destroy(err);
	assert_false(kd_reader_has_member(rall, "nosuch"));
	assert_true(kd_reader_has_member(rall, "emb.x"));
	struct kd_reader *r;
	err = kd_readers_get(rs, "struct nosuch_struct", &r);
	assert_non_null(err);
	kd_error_destroy(err);
	err = kd_readers_get(rs, "int", &r);		/* not a struct */
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
}

static void test_cache_and_purge(void **state)
{
	(void)state;
	struct kd_reader *a, *b, *c;
	assert_null(kd_readers_get(rs, "struct rall", &a));
	assert_ptr_equal(a, rall);
	assert_null(kd_readers_get(rs, "rall", &b));	/* same table */
	assert_ptr_equal(a, b);
	assert_null(kd_readers_get(rs, "struct rinner", &c));
	size_t n = kd_readers_count(rs);
	assert_true(n >= 2);
	uint64_t gen = kd_memocache_generation(mc);
	/* purging one type retires only its table */
	kd_memocache_purge_type(mc, "struct rall");
	assert_true(kd_memocache_generation(mc) > gen);
	assert_int_equal(kd_readers_count(rs), n - 1);
	assert_null(kd_readers_get(rs, "struct rinner", &b));
	assert_ptr_equal(b, c);
	assert_null(kd_readers_get(rs, "struct rall", &b));
	assert_ptr_not_equal(b, a);
	/* the retired table is still usable by whoever holds it */
	assert_string_equal(kd_reader_name(a), "struct rall");
	assert_true(kd_reader_has_member(a, "tp.nr"));
	/* a module load (KD_CU_LOAD) retires everything */
	kd_memocache_purge(mc, KD_CU_LOAD);
	assert_int_equal(kd_readers_count(rs), 0);
	/* KD_CU_PYMOD does not concern readers */
	assert_null(kd_readers_get(rs, "struct rall", &rall));
	kd_memocache_purge(mc, KD_CU_PYMOD);
	assert_int_equal(kd_readers_count(rs), 1);
}

/* A descriptor from a type, or what a member leads to. */
static struct kd_rmember target_of(const struct kd_rmember *m)
{
	struct kd_rmember t;
	struct kd_error *err = kd_rmember_target(m, &t);
	if (err)
		fail_msg("%s: %s", m->name, err->message);
	return t;
}

static void test_whole_values(void **state)
{
	(void)state;
	struct kd_type *t;
	struct kd_rmember v, e;
	assert_null(kd_types_find(types, "struct rall", &t));
	kd_rmember_of_type(t, &v);
	assert_int_equal(v.kind, KD_RK_STRUCT);
	assert_int_equal(v.size, sizeof(struct rall));
	assert_int_equal(v.offset, 0);
	assert_int_equal(v.nhops, 0);
	assert_string_equal(v.name, "value");
	struct kd_error *err = kd_rmember_target(&v, &e);	/* no target */
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	assert_null(kd_types_find(types, "short", &t));
	kd_rmember_of_type(t, &v);
	assert_int_equal(v.kind, KD_RK_INT);
	assert_int_equal(v.size, sizeof(short));
	assert_int_equal(v.is_signed, 1);
	/* pointers: the pointed-to value; void and functions have kinds */
	e = target_of(member("tp"));
	assert_int_equal(e.kind, KD_RK_STRUCT);
	assert_int_equal(e.size, sizeof(struct rtarget));
	assert_string_equal(kd_type_name(kd_type_strip(e.type, KD_STRIP_ALL)),
			    "rtarget");
	e = target_of(member("vp"));
	assert_int_equal(e.kind, KD_RK_VOID);
	assert_null(e.type);
	assert_int_equal(e.size, 0);
	e = target_of(member("fn"));
	assert_int_equal(e.kind, KD_RK_FUNCTION);
	assert_string_equal(kd_rkind_name(KD_RK_FUNCTION), "function");
	assert_string_equal(kd_rkind_name(KD_RK_VOID), "void");
	e = target_of(member("str"));
	assert_int_equal(e.kind, KD_RK_INT);
	assert_int_equal(e.size, 1);
	/* arrays: one dimension at a time; char[N] is a char array */
	e = target_of(member("mat"));
	assert_int_equal(e.kind, KD_RK_ARRAY);
	assert_int_equal(e.ndims, 1);
	assert_int_equal(e.dims[0], 3);
	assert_int_equal(e.size, 3 * sizeof(int));
	e = target_of(&e);
	assert_int_equal(e.kind, KD_RK_INT);
	e = target_of(member("name"));
	assert_int_equal(e.kind, KD_RK_INT);
	assert_int_equal(e.size, 1);
	e = target_of(member("inners"));
	assert_int_equal(e.kind, KD_RK_STRUCT);
	assert_int_equal(e.size, sizeof(struct rinner));
}

static void test_decode_own_bytes(void **state)
{
	(void)state;
	struct rall v;
	struct kd_value val;
	fill(&v);
	/* a member from its own bytes (a window of the struct) */
	const struct kd_rmember *m = member("bf_s");
	assert_null(kd_member_decode(m, (const char *)&v + m->offset, &val));
	assert_int_equal(val.kind, KD_RK_BITFIELD);
	assert_int_equal(val.i, -9);
	m = member("l");
	assert_null(kd_member_decode(m, &v.l, &val));
	assert_true(val.i == -1234567890123l);
	/* an array element through its element descriptor */
	struct kd_rmember row = target_of(member("mat"));
	struct kd_rmember cell = target_of(&row);
	assert_null(kd_member_decode(&cell, &v.mat[1][2], &val));
	assert_int_equal(val.i, -6);
	/* a chain's bytes are those at its end */
	assert_null(kd_member_decode(member("tp.nr"), &target.nr, &val));
	assert_int_equal(val.i, -77);
	/* aggregates and values wider than 8 bytes are not decoded */
	struct kd_error *err = kd_member_decode(member("emb"), &v.emb, &val);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	err = kd_member_decode(member("wide"), &v.wide, &val);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	err = kd_member_decode(&row, v.mat[0], &val);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
}

/* A floating value as an integer, as gdb's to_longest converts it:
 * truncation in range, saturation outside, a NaN the largest. */
static void test_float_to_integer(void **state)
{
	(void)state;
	assert_int_equal(kd_float_to_bits(2.75), 2);
	assert_int_equal(kd_float_to_bits(-2.75), (uint64_t)-2);
	assert_int_equal(kd_float_to_bits(9.2e18), 9200000000000000000ULL);
	assert_int_equal(kd_float_to_bits(9.3e18), INT64_MAX);
	assert_int_equal(kd_float_to_bits(1e30), INT64_MAX);
	assert_int_equal(kd_float_to_bits(-1e30), 1ULL << 63);
	assert_int_equal(kd_float_to_bits(-9223372036854775808.0), 1ULL << 63);
	assert_int_equal(kd_float_to_bits(__builtin_nan("")),
			 INT64_MAX);
	assert_int_equal(kd_float_to_bits(-__builtin_inf()), 1ULL << 63);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_float_to_integer),
	cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
	cmocka_unit_test_setup_teardown(test_arrays, setup, teardown),
	cmocka_unit_test_setup_teardown(test_values_from_buf, setup, teardown),
	cmocka_unit_test_setup_teardown(test_chains, setup, teardown),
	cmocka_unit_test_setup_teardown(test_lookup_errors, setup, teardown),
	cmocka_unit_test_setup_teardown(test_cache_and_purge, setup, teardown),
	cmocka_unit_test_setup_teardown(test_whole_values, setup, teardown),
	cmocka_unit_test_setup_teardown(test_decode_own_bytes, setup, teardown),
};

RUN_ON_FIXTURES(tests)
