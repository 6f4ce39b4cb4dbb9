// SPDX-License-Identifier: GPL-2.0-or-later
/* The shared hash table (<pykdump/hash_table.h>): sets, string keys,
 * tables of indexes into an owner's array, removal with clusters that
 * wrap around, repeated keys in the order added, damaged tables, the
 * string and 64-bit key shorthands, and the hash functions the index
 * cache depends on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/hash_table.h>

/* ---- a set of addresses ---- */

static void test_u64_set(void **state)
{
	(void)state;
	struct kd_u64_set s;
	kd_u64_set_init(&s);
	bool added;
	assert_false(kd_u64_set_has(&s, 42));
	for (uint64_t a = 0x1000; a < 0x1000 + 5000 * 64; a += 64) {
		assert_null(kd_u64_set_add(&s, a, &added));
		assert_true(added);
	}
	assert_int_equal(s.count, 5000);
	assert_true(s.cap >= 2 * s.count);
	assert_int_equal(s.cap & (s.cap - 1), 0);
	for (uint64_t a = 0x1000; a < 0x1000 + 5000 * 64; a += 64) {
		assert_true(kd_u64_set_has(&s, a));
		assert_false(kd_u64_set_has(&s, a + 8));
		assert_null(kd_u64_set_add(&s, a, &added));
		assert_false(added);
	}
	assert_int_equal(s.count, 5000);
	kd_u64_set_deinit(&s);
	assert_null(s.slots);
	assert_false(kd_u64_set_has(&s, 0x1000));	/* empty again */
}

/* ---- a table with a weak hash: every key collides with 15 others ---- */

struct weak;

static uint64_t weak_hash_key(uint64_t k)
{
	return k % 16;
}

static uint64_t weak_hash(const struct weak *t, const uint64_t *e)
{
	(void)t;
	return weak_hash_key(*e);
}

static bool weak_eq(const struct weak *t, const uint64_t *e, uint64_t k)
{
	(void)t;
	return *e == k;
}

static bool weak_empty(const uint64_t *e)
{
	return *e == 0;
}

KD_HASH_TABLE_DEFINE(weak, uint64_t, uint64_t, weak_hash, weak_eq, weak_empty)

/* Every entry is reachable from its home slot without an empty slot in
 * between, and the count is right. */
static void check_weak(const struct weak *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->cap; i++) {
		uint64_t k = t->slots[i];
		if (!k)
			continue;
		n++;
		assert_ptr_equal(weak_find(t, k, weak_hash_key(k)),
				 &t->slots[i]);
	}
	assert_int_equal(n, t->count);
}

static void test_remove_clusters(void **state)
{
	(void)state;
	struct weak t;
	weak_init(&t);
	/* keys whose homes are the last slots of a 16-slot table, so that
	 * clusters wrap around to slot 0 */
	assert_null(weak_reserve(&t, 8));
	assert_int_equal(t.cap, 16);
	uint64_t keys[] = { 15, 31, 14, 47, 30, 13, 63, 1 };
	for (size_t i = 0; i < KD_ARRAY_SIZE(keys); i++) {
		uint64_t *old;
		assert_null(weak_insert(&t, &keys[i], keys[i],
					weak_hash_key(keys[i]), &old));
		assert_null(old);
	}
	assert_int_equal(t.cap, 16);	/* 8 entries fit at load 1/2 */
	check_weak(&t);
	/* remove in an order that makes entries move back across the wrap */
	uint64_t order[] = { 15, 14, 1, 47, 13, 31, 63, 30 };
	for (size_t i = 0; i < KD_ARRAY_SIZE(order); i++) {
		uint64_t *e = weak_find(&t, order[i], weak_hash_key(order[i]));
		assert_non_null(e);
		weak_remove(&t, e);
		assert_null(weak_find(&t, order[i], weak_hash_key(order[i])));
		check_weak(&t);
	}
	assert_int_equal(t.count, 0);
	weak_deinit(&t);
}

/* Random inserts and removals against a plain array of what is in. */
static void test_remove_random(void **state)
{
	(void)state;
	struct weak t;
	weak_init(&t);
	static uint8_t in[4096];
	srand(7);
	for (int round = 0; round < 20000; round++) {
		uint64_t k = 1 + (uint64_t)(rand() % 4000);
		uint64_t *e = weak_find(&t, k, weak_hash_key(k));
		assert_int_equal(e != NULL, in[k]);
		if (e) {
			weak_remove(&t, e);
			in[k] = 0;
		} else {
			uint64_t *old;
			assert_null(weak_insert(&t, &k, k, weak_hash_key(k),
						&old));
			assert_null(old);
			in[k] = 1;
		}
		if (round % 997 == 0)
			check_weak(&t);
	}
	check_weak(&t);
	/* remove the odd keys while walking */
	for (uint64_t *e = weak_first(&t); e;) {
		if (*e % 2) {
			in[*e] = 0;
			e = weak_remove_next(&t, e);
		} else {
			e = weak_next(&t, e);
		}
	}
	check_weak(&t);
	size_t n = 0;
	for (uint64_t k = 1; k < 4096; k++) {
		assert_int_equal(weak_find(&t, k, weak_hash_key(k)) != NULL,
				 in[k]);
		n += in[k];
	}
	assert_int_equal(n, t.count);
	weak_deinit(&t);
}

/* ---- strings owned by the entries ---- */

struct str_ent {
	char *key;
	int value;
};

KD_HASH_TABLE_DEFINE_STR(strtab, struct str_ent, key)

static void test_strings(void **state)
{
	(void)state;
	struct strtab t = { 0 };	/* zeroed = empty */
	char name[32];
	assert_null(strtab_find(&t, "x", strtab_key_hash("x")));
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "name_%d", i);
		struct str_ent e = { strdup(name), i };
		struct str_ent *old;
		assert_non_null(e.key);
		assert_null(strtab_insert(&t, &e, e.key,
					  strtab_key_hash(e.key), &old));
		assert_null(old);
	}
	snprintf(name, sizeof(name), "name_%d", 500);
	struct str_ent dup = { name, -1 }, *old;
	assert_null(strtab_insert(&t, &dup, name, kd_hash_string(name), &old));
	assert_non_null(old);		/* not replaced */
	assert_int_equal(old->value, 500);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "name_%d", i);
		struct str_ent *e = strtab_find(&t, name, strtab_key_hash(name));
		assert_non_null(e);
		assert_int_equal(e->value, i);
	}
	size_t n = 0;
	for (struct str_ent *e = strtab_first(&t); e; e = strtab_next(&t, e)) {
		n++;
		free(e->key);
	}
	assert_int_equal(n, 1000);
	strtab_clear(&t);
	assert_int_equal(t.count, 0);
	assert_null(strtab_find(&t, "name_1", strtab_key_hash("name_1")));
	strtab_deinit(&t);
}

/* ---- 64-bit keys, 0 among them ---- */

struct u64_ent {
	uint64_t key;
	uint32_t used;
};

KD_HASH_TABLE_DEFINE_U64(u64tab, struct u64_ent, key, used)

static void test_u64_keys(void **state)
{
	(void)state;
	struct u64tab t = { 0 };
	for (uint64_t k = 0; k < 300; k++) {
		struct u64_ent e = { k << 12, (uint32_t)k + 1 };
		assert_null(u64tab_insert(&t, &e, e.key, u64tab_key_hash(e.key),
					  NULL));
	}
	struct u64_ent *zero = u64tab_find(&t, 0, u64tab_key_hash(0));
	assert_non_null(zero);
	assert_int_equal(zero->used, 1);
	u64tab_remove(&t, zero);
	assert_null(u64tab_find(&t, 0, u64tab_key_hash(0)));
	for (uint64_t k = 1; k < 300; k++) {
		struct u64_ent *e = u64tab_find(&t, k << 12,
						u64tab_key_hash(k << 12));
		assert_non_null(e);
		assert_int_equal(e->used, k + 1);
	}
	assert_int_equal(t.count, 299);
	u64tab_deinit(&t);
}

/* ---- indexes + 1 into the owner's array, repeated keys ---- */

struct owner;

struct idx_tab;

static uint64_t idx_hash(const struct idx_tab *t, const uint32_t *e);
static bool idx_eq(const struct idx_tab *t, const uint32_t *e,
		   const char *key);

static bool idx_empty(const uint32_t *e)
{
	return *e == 0;
}

KD_HASH_TABLE_DEFINE(idx_tab, uint32_t, const char *, idx_hash, idx_eq,
		     idx_empty)

struct owner {
	const char **names;
	struct idx_tab by_name;
};

static const char *idx_name(const struct idx_tab *t, const uint32_t *e)
{
	return KD_CONTAINER_OF(t, struct owner, by_name)->names[*e - 1];
}

static uint64_t idx_hash(const struct idx_tab *t, const uint32_t *e)
{
	return kd_hash_string(idx_name(t, e)) % 4;	/* they collide */
}

static bool idx_eq(const struct idx_tab *t, const uint32_t *e,
		   const char *key)
{
	return strcmp(idx_name(t, e), key) == 0;
}

static void test_repeated_keys(void **state)
{
	(void)state;
	const char *names[] = { "a", "b", "a", "c", "a", "b", "d", "a", "e",
				"a", "f", "g", "a" };
	struct owner o = { names, { 0 } };
	/* a small table first, so that the rehash moves the clusters */
	assert_null(idx_tab_reserve(&o.by_name, 2));
	for (uint32_t i = 0; i < KD_ARRAY_SIZE(names); i++) {
		assert_null(idx_tab_reserve(&o.by_name, o.by_name.count + 1));
		uint64_t h = kd_hash_string(names[i]) % 4;
		uint32_t v = i + 1;
		idx_tab_fill(&o.by_name, idx_tab_vacant(&o.by_name, h), &v);
	}
	/* every "a" in the order added */
	struct kd_hash_probe p;
	uint32_t *e, prev = 0;
	size_t n = 0;
	idx_tab_probe_start(&o.by_name, kd_hash_string("a") % 4, &p);
	while ((e = idx_tab_probe_next(&o.by_name, "a", &p))) {
		assert_string_equal(names[*e - 1], "a");
		assert_true(*e > prev);
		prev = *e;
		n++;
	}
	assert_int_equal(n, 6);
	assert_null(idx_tab_find(&o.by_name, "z", kd_hash_string("z") % 4));
	idx_tab_deinit(&o.by_name);
}

/* A table from a damaged cache file: full, no empty slot. */
static void test_full_table_ends(void **state)
{
	(void)state;
	uint64_t slots[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct weak t = { slots, 8, 8 };
	assert_null(weak_find(&t, 9, weak_hash_key(9)));
	struct kd_hash_probe p;
	weak_probe_start(&t, 0, &p);
	size_t n = 0;
	while (weak_probe_next(&t, 1, &p))
		n++;
	assert_int_equal(n, 1);
}

static void test_alloc_overflow(void **state)
{
	(void)state;
	size_t cap = 0;
	void *slots = NULL;
	/* 2n does not fit; then the slots' bytes do not (checked before
	 * any allocation: none is attempted) */
	assert_ptr_equal(kd_hash_table_alloc(SIZE_MAX / 2, 8, &cap, &slots),
			 &kd_error_nomem);
	assert_ptr_equal(kd_hash_table_alloc(SIZE_MAX / 16, 8, &cap, &slots),
			 &kd_error_nomem);
	assert_null(slots);
	assert_int_equal(cap, 0);
	struct kd_u64_set s = { 0 };
	assert_ptr_equal(kd_u64_set_reserve(&s, SIZE_MAX / 4), &kd_error_nomem);
	assert_int_equal(s.cap, 0);	/* unchanged */
	assert_null(kd_hash_table_alloc(0, 8, &cap, &slots));
	assert_int_equal(cap, 16);
	free(slots);
}

/* The hashes are part of the DWARF index cache and the symbol table
 * image: these values must never change. */
static void test_hash_values(void **state)
{
	(void)state;
	assert_true(kd_name_hash("", 0) == 0x0ull);
	assert_true(kd_name_hash("task_struct", 11) ==
		    kd_hash_string("task_struct"));
	assert_true(kd_name_hash("task_struct", 11) == 0x2b40eb9274a10e09ull);
	assert_true(kd_name_hash("list_head", 9) == 0x74d487f53e41e92dull);
	assert_true(kd_hash_mix(1, 2) == 0xbe27840349876483ull);
	assert_true(kd_hash_u64(0x1000) != kd_hash_u64(0x2000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_set),
		cmocka_unit_test(test_remove_clusters),
		cmocka_unit_test(test_remove_random),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_u64_keys),
		cmocka_unit_test(test_repeated_keys),
		cmocka_unit_test(test_full_table_ends),
		cmocka_unit_test(test_alloc_overflow),
		cmocka_unit_test(test_hash_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
