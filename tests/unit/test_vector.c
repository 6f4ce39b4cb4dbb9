// SPDX-License-Identifier: GPL-2.0-or-later
/* Growing arrays (<pykdump/vector.h>): kd_array_reserve on a pointer and
 * capacity of the caller's, the typed vector, and sizes that overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/vector.h>

struct rec {
	uint64_t a;
	char name[24];
};

static void test_array_reserve(void **state)
{
	(void)state;
	struct rec *v = NULL;
	size_t n = 0, cap = 0, grew = 0;
	for (size_t i = 0; i < 10000; i++) {
		size_t before = cap;
		assert_null(kd_array_reserve(&v, &cap, n + 1));
		assert_true(cap >= n + 1);
		if (cap != before) {
			grew++;
			assert_true(cap >= 2 * before);	/* amortised O(1) */
		}
		v[n].a = i;
		memset(v[n].name, 'x', sizeof(v[n].name));
		n++;
	}
	assert_true(grew < 20);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i].a, i);
	/* no growth when there is room */
	struct rec *same = v;
	assert_null(kd_array_reserve(&v, &cap, cap));
	assert_ptr_equal(v, same);
	/* a bigger jump than doubling */
	size_t old = cap;
	assert_null(kd_array_reserve(&v, &cap, 5 * old));
	assert_true(cap >= 5 * old);
	assert_int_equal(v[n - 1].a, n - 1);
	free(v);
}

static void test_array_overflow(void **state)
{
	(void)state;
	uint64_t *v = NULL;
	size_t cap = 0;
	assert_null(kd_array_reserve(&v, &cap, 3));
	v[2] = 7;
	uint64_t *keep = v;
	size_t keep_cap = cap;
	/* SIZE_MAX / 4 elements of 8 bytes do not fit in size_t */
	assert_ptr_equal(kd_array_reserve(&v, &cap, SIZE_MAX / 4),
			 &kd_error_nomem);
	assert_ptr_equal(v, keep);		/* left as it was */
	assert_int_equal(cap, keep_cap);
	assert_int_equal(v[2], 7);
	kd_error_destroy(&kd_error_nomem);	/* harmless */
	/* an exact size, smaller than doubling would give */
	assert_null(kd_array_resize(&v, &cap, 5));
	assert_int_equal(cap, 5);
	assert_int_equal(v[2], 7);
	assert_ptr_equal(kd_array_resize(&v, &cap, SIZE_MAX / 4),
			 &kd_error_nomem);
	assert_int_equal(cap, 5);
	free(v);
}

KD_VECTOR_DEFINE(rec_vec, struct rec)

static void test_vector(void **state)
{
	(void)state;
	struct rec_vec v;
	rec_vec_init(&v);
	for (uint64_t i = 0; i < 100; i++) {
		struct rec r = { .a = i };
		assert_null(rec_vec_append(&v, &r));
	}
	struct rec *slot;
	assert_null(rec_vec_push(&v, &slot));
	slot->a = 1000;
	assert_int_equal(v.len, 101);
	assert_int_equal(v.data[50].a, 50);
	assert_int_equal(v.data[100].a, 1000);
	assert_null(rec_vec_reserve(&v, 500));
	assert_true(v.cap >= 500);
	assert_int_equal(v.len, 101);
	size_t len;
	struct rec *arr = rec_vec_steal(&v, &len);
	assert_int_equal(len, 101);
	assert_null(v.data);
	assert_int_equal(v.len, 0);
	assert_int_equal(arr[99].a, 99);
	free(arr);
	rec_vec_deinit(&v);	/* harmless on an empty vector */
	struct rec_vec z = { 0 };	/* zeroed = empty */
	assert_null(rec_vec_push(&z, &slot));
	rec_vec_deinit(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_reserve),
		cmocka_unit_test(test_array_overflow),
		cmocka_unit_test(test_vector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
