// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SLUB free list walks (lib/kernel/slab_internal.h) on synthetic slabs in
 * this process's memory: plain pointers, both hardened encodings (the
 * 5.7+ swab form and the 4.14 .. 5.6 plain form, told apart by the data),
 * red zones, the CPU and slab lists of one slab, and corruption: a
 * pointer outside the slab, a misaligned one, a cycle, an object on both
 * lists, an unreadable free pointer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "kernel/slab_internal.h"

#define NOBJ 8
#define SIZE 64
#define OFFSET 24
#define PAD 16
#define RANDOM 0x5a5aa5a5deadbeefULL

static uint8_t slab_mem[PAD + NOBJ * SIZE + 64] __attribute__((aligned(64)));
static uint64_t unreadable;	/* an address the source refuses */

static struct kd_error *read_self(void *arg, uint64_t addr, void *buf,
				  size_t len)
{
	(void)arg;
	if (addr < 65536 || (unreadable && addr == unreadable))
		return kd_error_fault(KD_ERR_FAULT, addr, "fault at %llx",
				      (unsigned long long)addr);
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return NULL;
}

static const struct kd_memsrc src = { .read = read_self };

static uint64_t obj(const struct kd_slab_fl *g, unsigned i)
{
	return g->mem + i * g->size + g->red_left_pad;
}

static struct kd_slab_fl geom(int hardened, uint64_t pad)
{
	return (struct kd_slab_fl){ (uint64_t)(uintptr_t)slab_mem, SIZE, NOBJ,
				    pad, OFFSET, hardened, RANDOM };
}

enum enc { PLAIN_PTR, SWAB, XOR };

/* Link objects order[0] -> order[1] -> ... -> NULL in the given
 * encoding; returns the list head. */
static uint64_t link(const struct kd_slab_fl *g, const unsigned *order,
		     size_t n, enum enc e)
{
	memset(slab_mem, 0xcc, sizeof(slab_mem));
	for (size_t k = 0; k < n; k++) {
		uint64_t at = obj(g, order[k]) + g->offset;
		uint64_t next = k + 1 < n ? obj(g, order[k + 1]) : 0;
		uint64_t v = next;
		if (e == SWAB)
			v = next ^ g->random ^ __builtin_bswap64(at);
		else if (e == XOR)
			v = next ^ g->random ^ at;
		memcpy((void *)(uintptr_t)at, &v, 8);
	}
	return obj(g, order[0]);
}

static void check_states(const uint8_t *st, const unsigned *order, size_t n,
			 uint8_t mark)
{
	for (unsigned i = 0; i < NOBJ; i++) {
		int on = 0;
		for (size_t k = 0; k < n; k++)
			on |= order[k] == i;
		assert_int_equal(st[i], on ? mark : 0);
	}
}

static void test_plain(void **state)
{
	(void)state;
	static const unsigned order[] = { 3, 0, 7, 5 };
	struct kd_slab_fl g = geom(0, 0);
	uint8_t st[NOBJ] = { 0 };
	enum kd_fp_form form = KD_FP_UNKNOWN;
	uint64_t head = link(&g, order, 4, PLAIN_PTR);
	assert_null(kd_slab_fl_mark(&src, &g, "c", 1, head, 1, st, &form));
	check_states(st, order, 4, 1);
}

static void test_hardened_forms(void **state)
{
	(void)state;
	static const unsigned order[] = { 1, 6, 2, 4, 0 };
	for (int e = SWAB; e <= XOR; e++) {
		struct kd_slab_fl g = geom(1, 0);
		uint8_t st[NOBJ] = { 0 };
		enum kd_fp_form form = KD_FP_UNKNOWN;
		uint64_t head = link(&g, order, 5, (enum enc)e);
		assert_null(kd_slab_fl_mark(&src, &g, "c", 1, head, 2, st,
					    &form));
		check_states(st, order, 5, 2);
		assert_int_equal(form, e == SWAB ? KD_FP_SWAB : KD_FP_PLAIN);
	}
}

static void test_red_zone(void **state)
{
	(void)state;
	static const unsigned order[] = { 7, 6 };
	struct kd_slab_fl g = geom(1, PAD);
	uint8_t st[NOBJ] = { 0 };
	enum kd_fp_form form = KD_FP_UNKNOWN;
	uint64_t head = link(&g, order, 2, SWAB);
	assert_null(kd_slab_fl_mark(&src, &g, "c", 1, head, 1, st, &form));
	check_states(st, order, 2, 1);
	assert_int_equal(kd_slab_fl_index(&g, obj(&g, 7)), 7);
	assert_int_equal(kd_slab_fl_index(&g, g.mem + 7 * SIZE), -1);
}

static void test_two_lists(void **state)
{
	(void)state;
	static const unsigned slab[] = { 5, 4 };	/* the CPU list: 0, 1 */
	struct kd_slab_fl g = geom(1, 0);
	uint8_t st[NOBJ] = { 0 };
	enum kd_fp_form form = KD_FP_UNKNOWN;
	/* both lists in one memory image: link the second after the first */
	link(&g, slab, 2, SWAB);
	uint64_t h2 = obj(&g, 5);
	uint64_t at = obj(&g, 0) + OFFSET, v = obj(&g, 1) ^ RANDOM ^
					       __builtin_bswap64(at);
	memcpy((void *)(uintptr_t)at, &v, 8);
	at = obj(&g, 1) + OFFSET;
	v = 0 ^ RANDOM ^ __builtin_bswap64(at);
	memcpy((void *)(uintptr_t)at, &v, 8);
	assert_null(kd_slab_fl_mark(&src, &g, "c", 1, h2, 1, st, &form));
	assert_null(kd_slab_fl_mark(&src, &g, "c", 1, obj(&g, 0), 2, st,
				    &form));
	assert_int_equal(st[5], 1);
	assert_int_equal(st[4], 1);
	assert_int_equal(st[0], 2);
	assert_int_equal(st[1], 2);
	/* the CPU list again: every object is already free -> duplicate */
	struct kd_error *err = kd_slab_fl_mark(&src, &g, "c", 1, obj(&g, 0), 2,
					       st, &form);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "duplicate freelist object"));
	kd_error_destroy(err);
}

static void test_corrupt(void **state)
{
	(void)state;
	static const unsigned order[] = { 2, 3, 4 };
	struct kd_slab_fl g = geom(1, 0);
	enum kd_fp_form form = KD_FP_UNKNOWN;
	uint8_t st[NOBJ] = { 0 };
	/* garbage in the second object */
	uint64_t head = link(&g, order, 3, SWAB), bad = 0x4141414141414141ULL;
	memcpy((void *)(uintptr_t)(obj(&g, 3) + OFFSET), &bad, 8);
	struct kd_error *err = kd_slab_fl_mark(&src, &g, "cache", 0x1000, head,
					       1, st, &form);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "cache: slab: 1000 invalid "
				"freepointer"));
	kd_error_destroy(err);
	assert_int_equal(st[2], 1);	/* marked before the bad pointer */
	assert_int_equal(st[3], 1);
	assert_int_equal(st[4], 0);
	/* a cycle: the last object points back to the first */
	memset(st, 0, sizeof(st));
	head = link(&g, order, 3, SWAB);
	uint64_t at = obj(&g, 4) + OFFSET;
	uint64_t v = obj(&g, 2) ^ RANDOM ^ __builtin_bswap64(at);
	memcpy((void *)(uintptr_t)at, &v, 8);
	err = kd_slab_fl_mark(&src, &g, "cache", 0x1000, head, 1, st, &form);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "duplicate freelist object"));
	kd_error_destroy(err);
	/* a head that is misaligned, or outside the slab */
	memset(st, 0, sizeof(st));
	err = kd_slab_fl_mark(&src, &g, "cache", 0x1000, obj(&g, 1) + 8, 1, st,
			      &form);
	assert_non_null(err);
	kd_error_destroy(err);
	err = kd_slab_fl_mark(&src, &g, "cache", 0x1000, obj(&g, 0) - SIZE, 1,
			      st, &form);
	assert_non_null(err);
	kd_error_destroy(err);
	/* an unreadable free pointer: the memory error, with where */
	head = link(&g, order, 3, SWAB);
	unreadable = obj(&g, 3) + OFFSET;
	err = kd_slab_fl_mark(&src, &g, "cache", 0x1000, head, 1, st, &form);
	unreadable = 0;
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_FAULT);
	kd_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_hardened_forms),
		cmocka_unit_test(test_red_zone),
		cmocka_unit_test(test_two_lists),
		cmocka_unit_test(test_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
