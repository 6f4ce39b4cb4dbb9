// SPDX-License-Identifier: GPL-2.0-or-later
/* Memoization: purge rules per flag and type, live mode, generation, the
 * generic store and its byte budget. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/memocache.h>

/* A registered cache that records how it was purged. */
struct fake_cache {
	int calls;
	unsigned last_flags;
	char last_type[64];	/* "" for a full purge */
	/* optional: unregister this id from inside the callback */
	struct kd_memocache *mc;
	int unregister_id;
};

static void fake_purge(void *owner, unsigned flags, const char *type_name)
{
	struct fake_cache *c = owner;
	c->calls++;
	c->last_flags = flags;
	snprintf(c->last_type, sizeof(c->last_type), "%s",
		 type_name ? type_name : "");
	if (c->mc && c->unregister_id) {
		kd_memocache_unregister(c->mc, c->unregister_id);
		c->unregister_id = 0;
	}
}

static struct kd_memocache *new_mc(int live)
{
	struct kd_memocache *mc;
	assert_null(kd_memocache_create(live, &mc));
	return mc;
}

static int reg(struct kd_memocache *mc, unsigned flags, struct fake_cache *c)
{
	int id;
	assert_null(kd_memocache_register(mc, flags, fake_purge, c, &id));
	return id;
}

static void put_str(struct kd_memocache *mc, const char *key,
		    const char *value, unsigned flags)
{
	assert_null(kd_memo_put(mc, key, value, strlen(value) + 1, flags));
}

static const char *get_str(struct kd_memocache *mc, const char *key)
{
	return kd_memo_get(mc, key, NULL);
}

static void test_purge_each_flag(void **state)
{
	(void)state;
	static const unsigned flags[] = { KD_CU_LIVE, KD_CU_LOAD, KD_CU_PYMOD,
					  KD_CU_TIMEOUT };
	struct kd_memocache *mc = new_mc(0);
	struct fake_cache c[4] = { 0 }, both = { 0 };
	for (int i = 0; i < 4; i++)
		reg(mc, flags[i], &c[i]);
	reg(mc, KD_CU_LOAD | KD_CU_TIMEOUT, &both);
	for (int i = 0; i < 4; i++) {
		kd_memocache_purge(mc, flags[i]);
		for (int j = 0; j < 4; j++)
			assert_int_equal(c[j].calls, j <= i);
		assert_int_equal(c[i].last_flags, flags[i]);
		assert_string_equal(c[i].last_type, "");
	}
	/* The callback is told which of its flags are being purged. */
	assert_int_equal(both.calls, 2);
	assert_int_equal(both.last_flags, KD_CU_TIMEOUT);
	kd_memocache_purge(mc, KD_CU_ALL);
	assert_int_equal(both.calls, 3);
	assert_int_equal(both.last_flags, KD_CU_LOAD | KD_CU_TIMEOUT);
	kd_memocache_purge(mc, 0);	/* purges nothing */
	assert_int_equal(both.calls, 3);
	kd_memocache_destroy(mc);
}

static void test_store_purge_by_flags(void **state)
{
	(void)state;
	struct kd_memocache *mc = new_mc(0);
	put_str(mc, "live", "1", KD_CU_LIVE);
	put_str(mc, "load", "2", KD_CU_LOAD);
	put_str(mc, "pymod", "3", KD_CU_PYMOD);
	put_str(mc, "timeout", "4", KD_CU_TIMEOUT);
	put_str(mc, "forever", "5", 0);
	kd_memocache_purge(mc, KD_CU_PYMOD | KD_CU_TIMEOUT);
	assert_null(get_str(mc, "pymod"));
	assert_null(get_str(mc, "timeout"));
	assert_string_equal(get_str(mc, "live"), "1");
	assert_string_equal(get_str(mc, "load"), "2");
	kd_memocache_purge(mc, KD_CU_LIVE);
	assert_null(get_str(mc, "live"));
	assert_string_equal(get_str(mc, "load"), "2");
	kd_memocache_purge(mc, KD_CU_ALL);
	assert_null(get_str(mc, "load"));
	assert_string_equal(get_str(mc, "forever"), "5");
	struct kd_memo_stats st;
	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.purged, 4);
	kd_memocache_destroy(mc);
}

static void test_purge_type(void **state)
{
	(void)state;
	struct kd_memocache *mc = new_mc(0);
	struct fake_cache types = { 0 }, cmds = { 0 };
	reg(mc, KD_CU_LOAD, &types);
	reg(mc, KD_CU_TIMEOUT, &cmds);
	assert_null(kd_memo_put_typed(mc, "struct task_struct", "ti:task",
				      "a", 2, 0));
	assert_null(kd_memo_put_typed(mc, "struct page", "ti:page", "b", 2, 0));
	put_str(mc, "cmd:kmem", "c", KD_CU_LOAD);
	uint64_t gen = kd_memocache_generation(mc);

	kd_memocache_purge_type(mc, "struct task_struct");
	assert_int_equal(types.calls, 1);
	assert_string_equal(types.last_type, "struct task_struct");
	assert_int_equal(types.last_flags, KD_CU_LOAD);
	assert_int_equal(cmds.calls, 0);
	assert_null(get_str(mc, "ti:task"));
	assert_string_equal(get_str(mc, "ti:page"), "b");
	assert_string_equal(get_str(mc, "cmd:kmem"), "c");
	assert_true(kd_memocache_generation(mc) > gen);

	/* NULL: every type, like purge(LOAD); typed entries go too. */
	gen = kd_memocache_generation(mc);
	kd_memocache_purge_type(mc, NULL);
	assert_int_equal(types.calls, 2);
	assert_string_equal(types.last_type, "");
	assert_null(get_str(mc, "ti:page"));
	assert_null(get_str(mc, "cmd:kmem"));
	assert_int_equal(cmds.calls, 0);
	assert_true(kd_memocache_generation(mc) > gen);
	kd_memocache_destroy(mc);
}

static void test_live_mode(void **state)
{
	(void)state;
	struct kd_memocache *mc = new_mc(1);
	assert_true(kd_memocache_is_live(mc));
	assert_false(kd_memocache_may_cache(mc, KD_CU_LIVE));
	assert_false(kd_memocache_may_cache(mc, KD_CU_LIVE | KD_CU_LOAD));
	assert_true(kd_memocache_may_cache(mc, KD_CU_LOAD));
	put_str(mc, "ps", "running tasks", KD_CU_LIVE);
	put_str(mc, "both", "x", KD_CU_LIVE | KD_CU_TIMEOUT);
	put_str(mc, "types", "y", KD_CU_LOAD);
	assert_null(get_str(mc, "ps"));
	assert_null(get_str(mc, "both"));
	assert_string_equal(get_str(mc, "types"), "y");
	struct kd_memo_stats st;
	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 1);
	kd_memocache_destroy(mc);

	/* The same data is kept on a dump. */
	mc = new_mc(0);
	assert_false(kd_memocache_is_live(mc));
	assert_true(kd_memocache_may_cache(mc, KD_CU_LIVE));
	put_str(mc, "ps", "tasks", KD_CU_LIVE);
	assert_string_equal(get_str(mc, "ps"), "tasks");
	kd_memocache_destroy(mc);
}

static void test_generation(void **state)
{
	(void)state;
	struct kd_memocache *mc = new_mc(0);
	uint64_t g = kd_memocache_generation(mc);
	assert_int_equal(g, 1);
	kd_memocache_purge(mc, KD_CU_PYMOD);
	kd_memocache_purge(mc, KD_CU_TIMEOUT | KD_CU_LIVE);
	assert_int_equal(kd_memocache_generation(mc), g);
	kd_memocache_purge(mc, KD_CU_LOAD);	/* module debuginfo loaded */
	assert_int_equal(kd_memocache_generation(mc), g + 1);
	kd_memocache_purge(mc, KD_CU_PYMOD | KD_CU_LOAD);
	assert_int_equal(kd_memocache_generation(mc), g + 2);
	kd_memocache_purge_type(mc, "struct x");
	assert_int_equal(kd_memocache_generation(mc), g + 3);
	kd_memocache_destroy(mc);
}

static void test_store_basics(void **state)
{
	(void)state;
	struct kd_memocache *mc = new_mc(0);
	size_t len = 99;
	assert_null(kd_memo_get(mc, "missing", &len));
	assert_int_equal(len, 99);
	put_str(mc, "k", "first", 0);
	put_str(mc, "k", "second", 0);		/* replaces */
	assert_string_equal(kd_memo_get(mc, "k", &len), "second");
	assert_int_equal(len, 7);
	assert_null(kd_memo_put(mc, "empty", NULL, 0, 0));
	assert_non_null(kd_memo_get(mc, "empty", &len));
	assert_int_equal(len, 0);
	assert_int_equal(kd_memo_del(mc, "k"), 1);
	assert_int_equal(kd_memo_del(mc, "k"), 0);
	assert_null(get_str(mc, "k"));
	/* Values are aligned for any type. */
	double d = 2.5;
	assert_null(kd_memo_put(mc, "d", &d, sizeof(d), 0));
	const double *dp = kd_memo_get(mc, "d", NULL);
	assert_int_equal((uintptr_t)dp % _Alignof(max_align_t), 0);
	assert_true(*dp == 2.5);
	struct kd_error *err = kd_memo_put(mc, "bad", "x", 1, 0x100);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);

	/* Thousands of keys: the table grows and every key stays found. */
	char key[32], val[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key%d", i);
		snprintf(val, sizeof(val), "val%d", i);
		put_str(mc, key, val, i % 2 ? KD_CU_LIVE : 0);
	}
	for (int i = 0; i < 5000; i += 7) {
		snprintf(key, sizeof(key), "key%d", i);
		snprintf(val, sizeof(val), "val%d", i);
		assert_string_equal(get_str(mc, key), val);
	}
	kd_memocache_purge(mc, KD_CU_LIVE);
	assert_null(get_str(mc, "key1"));
	assert_string_equal(get_str(mc, "key2"), "val2");
	struct kd_memo_stats st;
	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 2500 + 2);	/* + "empty", "d" */
	kd_memocache_destroy(mc);
}

static size_t entry_charge(struct kd_memocache *mc)
{
	struct kd_memo_stats st;
	kd_memo_stats(mc, &st);
	return st.bytes;
}

static void test_store_bounded(void **state)
{
	(void)state;
	struct kd_memocache *mc = new_mc(0);
	char value[1000] = { 0 };
	assert_null(kd_memo_put(mc, "a", value, sizeof(value), 0));
	size_t one = entry_charge(mc);	/* what one such entry costs */
	assert_true(one >= sizeof(value));
	kd_memo_set_limit(mc, 3 * one);
	assert_null(kd_memo_put(mc, "b", value, sizeof(value), 0));
	assert_null(kd_memo_put(mc, "c", value, sizeof(value), 0));
	assert_non_null(kd_memo_get(mc, "a", NULL));	/* a most recent now */
	assert_null(kd_memo_put(mc, "d", value, sizeof(value), 0));
	/* b was least recently used */
	assert_null(kd_memo_get(mc, "b", NULL));
	assert_non_null(kd_memo_get(mc, "a", NULL));
	assert_non_null(kd_memo_get(mc, "c", NULL));
	assert_non_null(kd_memo_get(mc, "d", NULL));
	struct kd_memo_stats st;
	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 3);
	assert_int_equal(st.evictions, 1);
	assert_true(st.bytes <= st.limit);
	assert_int_equal(st.limit, 3 * one);

	/* Bigger than the whole budget: not stored, nothing evicted. */
	static char big[10000];
	assert_null(kd_memo_put(mc, "big", big, sizeof(big), 0));
	assert_null(kd_memo_get(mc, "big", NULL));
	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 3);

	/* Many puts never pass the budget. */
	char key[16];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_null(kd_memo_put(mc, key, value, sizeof(value), 0));
		kd_memo_stats(mc, &st);
		assert_true(st.bytes <= st.limit);
	}
	assert_non_null(kd_memo_get(mc, "k199", NULL));
	assert_null(kd_memo_get(mc, "k0", NULL));

	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 3);	/* k197..k199, alike in size */
	kd_memo_set_limit(mc, st.bytes / 3);	/* shrinking evicts at once */
	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 1);
	kd_memo_set_limit(mc, 0);
	kd_memo_stats(mc, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_true(st.hits > 0 && st.misses > 0);
	kd_memocache_destroy(mc);
}

static void test_registry(void **state)
{
	(void)state;
	struct kd_memocache *mc = new_mc(0);
	struct fake_cache a = { 0 }, b = { 0 }, c = { 0 };
	int id_a = reg(mc, KD_CU_LOAD, &a);
	int id_b = reg(mc, KD_CU_LOAD, &b);
	reg(mc, KD_CU_LOAD, &c);
	struct kd_memo_stats st;
	kd_memo_stats(mc, &st);
	assert_int_equal(st.registered, 3);

	/* a unregisters b from inside the purge: b is not called. */
	a.mc = mc;
	a.unregister_id = id_b;
	kd_memocache_purge(mc, KD_CU_LOAD);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 0);
	assert_int_equal(c.calls, 1);
	kd_memo_stats(mc, &st);
	assert_int_equal(st.registered, 2);

	/* A stale id does nothing, even after new registrations. */
	struct fake_cache d = { 0 };
	reg(mc, KD_CU_LOAD, &d);
	kd_memocache_unregister(mc, id_b);
	kd_memocache_unregister(mc, 12345);
	kd_memocache_unregister(mc, id_a);
	kd_memocache_purge(mc, KD_CU_LOAD);
	assert_int_equal(a.calls, 1);
	assert_int_equal(c.calls, 2);
	assert_int_equal(d.calls, 1);

	/* Bad registrations are refused with a reason. */
	int id;
	struct kd_error *err = kd_memocache_register(mc, 0, fake_purge, &a,
						     &id);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	err = kd_memocache_register(mc, 0x10, fake_purge, &a, &id);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);
	err = kd_memocache_register(mc, KD_CU_LOAD, NULL, &a, &id);
	assert_int_equal(err->code, KD_ERR_INVALID);
	kd_error_destroy(err);

	/* Many registrations grow the table. */
	static struct fake_cache many[100];
	for (int i = 0; i < 100; i++)
		reg(mc, KD_CU_PYMOD, &many[i]);
	kd_memocache_purge(mc, KD_CU_PYMOD);
	for (int i = 0; i < 100; i++)
		assert_int_equal(many[i].calls, 1);
	kd_memocache_destroy(mc);
	kd_memocache_destroy(NULL);
}

/* A callback that unregisters itself must be safe too. */
static int self_id;
static struct kd_memocache *self_mc;
static int self_calls;

static void self_purge(void *owner, unsigned flags, const char *type_name)
{
	(void)owner, (void)flags, (void)type_name;
	self_calls++;
	kd_memocache_unregister(self_mc, self_id);
}

static void test_unregister_self(void **state)
{
	(void)state;
	self_mc = new_mc(0);
	assert_null(kd_memocache_register(self_mc, KD_CU_TIMEOUT, self_purge,
					  NULL, &self_id));
	kd_memocache_purge(self_mc, KD_CU_TIMEOUT);
	kd_memocache_purge(self_mc, KD_CU_TIMEOUT);
	assert_int_equal(self_calls, 1);
	kd_memocache_destroy(self_mc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purge_each_flag),
		cmocka_unit_test(test_store_purge_by_flags),
		cmocka_unit_test(test_purge_type),
		cmocka_unit_test(test_live_mode),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_store_basics),
		cmocka_unit_test(test_store_bounded),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_unregister_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
