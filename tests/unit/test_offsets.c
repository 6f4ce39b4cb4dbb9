// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Member offsets and table-driven layouts (include/pykdump/offsets.h) on
 * the readers fixture (fixtures/readers_fixture.h), against offsetof:
 * byte and bit offsets, sizes, array bounds, members of anonymous
 * unions, alternatives ("a|b"), the one sentinel for what is absent, a
 * required member missing, PYKDUMP_HIDE_MEMBERS, and reads through an
 * absent offset refused without touching memory (the session is NULL:
 * any read would crash).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pykdump/offsets.h>
#include <pykdump/types.h>

#include "debuginfo_test.h"
#include "fixtures/readers_fixture.h"

static struct kd_debuginfo *di;
static struct kd_types *types;

static int setup(void **state)
{
	(void)state;
	/* read once per process, at the first lookup */
	setenv("PYKDUMP_HIDE_MEMBERS", "struct rinner.tp,rall.emb.x", 1);
	di = open_fixture();
	return kd_debuginfo_types(di, &types) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	kd_debuginfo_close(di);
	return 0;
}

struct lay {
	uint64_t i, ua, ub, emb_x, tp, bf_s_bits, name_size, mat_count;
	uint64_t alt, nosuch, size, nosuch_type, hidden_tp, hidden_x;
	uint64_t inner_x, bf_s_width, i_width;
};

static const struct kd_layout_field fields[] = {
	KD_LF(struct lay, i, "struct rall", "i", KD_LF_REQUIRED),
	KD_LF(struct lay, ua, "rall", "ua", KD_LF_REQUIRED),
	KD_LF(struct lay, ub, "struct rall", "ub", 0),
	KD_LF(struct lay, emb_x, "struct rall", "emb.tp", 0),
	KD_LF(struct lay, tp, "struct rall", "tp", 0),
	KD_LF(struct lay, bf_s_bits, "struct rall", "bf_s", KD_LF_BITS),
	KD_LF(struct lay, name_size, "struct rall", "name", KD_LF_SIZE),
	KD_LF(struct lay, mat_count, "struct rall", "mat", KD_LF_COUNT),
	KD_LF(struct lay, alt, "struct rall", "no_such|d", 0),
	KD_LF(struct lay, nosuch, "struct rall", "no_such", 0),
	KD_LF(struct lay, size, "struct rinner", NULL, KD_LF_SIZE),
	KD_LF(struct lay, nosuch_type, "struct no_such|struct rtarget",
	      "nr", 0),
	KD_LF(struct lay, hidden_tp, "struct rinner", "tp", 0),
	KD_LF(struct lay, hidden_x, "struct rall", "emb.x", 0),
	KD_LF(struct lay, inner_x, "struct rinner", "x", 0),
	KD_LF(struct lay, bf_s_width, "struct rall", "bf_s", KD_LF_WIDTH),
	KD_LF(struct lay, i_width, "struct rall", "i", KD_LF_WIDTH),
};

static void test_layout(void **state)
{
	(void)state;
	struct lay l;
	struct kd_error *err = kd_types_layout_fill(types, fields,
						    KD_ARRAY_SIZE(fields), &l);
	assert_null(err);
	assert_int_equal(l.i, offsetof(struct rall, i));
	assert_int_equal(l.ua, offsetof(struct rall, ua));
	assert_int_equal(l.ub, offsetof(struct rall, ub));
	assert_int_equal(l.emb_x, offsetof(struct rall, emb.tp));
	assert_int_equal(l.tp, offsetof(struct rall, tp));
	assert_int_equal(l.name_size, sizeof(((struct rall *)0)->name));
	assert_int_equal(l.mat_count, 2);
	assert_int_equal(l.alt, offsetof(struct rall, d));
	assert_int_equal(l.size, sizeof(struct rinner));
	assert_int_equal(l.nosuch_type, offsetof(struct rtarget, nr));
	assert_int_equal(l.inner_x, offsetof(struct rinner, x));
	/* bf_s follows the 3-bit bf_u, the unsigned int after ll */
	assert_int_equal(l.bf_s_bits, 8 * (offsetof(struct rall, ll) + 8) + 3);
	assert_int_equal(l.bf_s_width, 5);
	assert_int_equal(l.i_width, 8 * sizeof(int));
	/* the one sentinel */
	assert_true(l.nosuch == KD_ABSENT);
	assert_false(kd_present(l.nosuch));
	assert_true(l.hidden_tp == KD_ABSENT);
	assert_true(l.hidden_x == KD_ABSENT);
	assert_true(kd_off_add(l.i, l.nosuch) == KD_ABSENT);
	assert_int_equal(kd_off_add(l.i, 4), offsetof(struct rall, i) + 4);
}

static void test_required_missing(void **state)
{
	(void)state;
	static const struct kd_layout_field need[] = {
		KD_LF(struct lay, i, "struct rall", "i", KD_LF_REQUIRED),
		KD_LF(struct lay, nosuch, "struct rall", "no_such",
		      KD_LF_REQUIRED),
		KD_LF(struct lay, tp, "struct rall", "tp", KD_LF_REQUIRED),
		KD_LF(struct lay, hidden_tp, "struct rinner", "tp",
		      KD_LF_REQUIRED),
	};
	struct lay l;
	struct kd_error *err = kd_types_layout_fill(types, need,
						    KD_ARRAY_SIZE(need), &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_NOT_FOUND);
	assert_non_null(strstr(err->message, "no_such"));
	kd_error_destroy(err);
	/* the rest is filled all the same */
	assert_int_equal(l.i, offsetof(struct rall, i));
	assert_int_equal(l.tp, offsetof(struct rall, tp));
	assert_true(l.nosuch == KD_ABSENT);
	assert_true(l.hidden_tp == KD_ABSENT);

	static const struct kd_layout_field notype[] = {
		KD_LF(struct lay, size, "struct no_such", NULL,
		      KD_LF_SIZE | KD_LF_REQUIRED),
	};
	err = kd_types_layout_fill(types, notype, 1, &l);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "struct no_such"));
	assert_true(l.size == KD_ABSENT);
	kd_error_destroy(err);
}

/* An absent member is never added to an address: with a NULL session,
 * any read attempt would crash. */
static void test_absent_reads(void **state)
{
	(void)state;
	uint64_t v = 1;
	uint32_t v32 = 1;
	char buf[8] = "x";
	struct kd_error *errs[] = {
		kd_field_u64(NULL, 0x1000, KD_ABSENT, &v),
		kd_field_u32(NULL, 0x1000, KD_ABSENT, &v32),
		kd_field_ptr(NULL, 0x1000, KD_ABSENT, &v),
		kd_field_uint(NULL, 0x1000, KD_ABSENT, 2, &v),
		kd_field_read(NULL, 0x1000, KD_ABSENT, buf, 4),
		kd_field_string(NULL, 0x1000, KD_ABSENT, buf, sizeof(buf)),
		kd_field_string_at(NULL, 0x1000, KD_ABSENT, buf, sizeof(buf)),
	};
	for (size_t i = 0; i < KD_ARRAY_SIZE(errs); i++) {
		assert_non_null(errs[i]);
		assert_int_equal(errs[i]->code, KD_ERR_NOT_FOUND);
		kd_error_destroy(errs[i]);
	}
	assert_string_equal(buf, "");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
	cmocka_unit_test_setup_teardown(test_required_missing, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_absent_reads, setup, teardown),
};

RUN_ON_FIXTURES(tests)
