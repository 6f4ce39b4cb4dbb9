// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ORC lookup and the unwinding loop on synthetic tables and stacks:
 * entry decoding in both layouts, range lookup, a clean walk to the end
 * of the stack, crossing a pt_regs frame onto another stack, and walks
 * over a corrupt stack or without ORC entries that must end with a
 * clear reason (never loop, never read outside the stacks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unwind/orc.h"
#include "unwind/unwinder.h"

#define TEXT	0xffffffff81000000ull	/* synthetic unwind fixture */
#define STACK	0xffffc90000010000ull	/* task stack [STACK, STACK+SZ) */
#define IRQ	0xffffc90000100000ull	/* IRQ stack (synthetic unwind fixture) */
#define SZ	0x4000ull

/* ---- a synthetic ORC table: function i spans TEXT + i*0x100 ---- */

static void put_entry(uint8_t *p, int16_t sp_off, int16_t bp_off,
		      unsigned sp_reg, unsigned bp_reg, unsigned type,
		      unsigned end)
{
	p[0] = (uint8_t)sp_off;
	p[1] = (uint8_t)((uint16_t)sp_off >> 8);
	p[2] = (uint8_t)bp_off;
	p[3] = (uint8_t)((uint16_t)bp_off >> 8);
	p[4] = (uint8_t)(sp_reg | bp_reg << 4);
	p[5] = (uint8_t)(type | end << 2);	/* <= 6.2: type:2 end:1 */
}

enum { F_LEAF, F_CALLER, F_TOP, F_ENTRY, F_END, F_HOLE, NFUNC };

struct fixture {
	struct kd_orc_layout layout;
	struct kd_orc_table table;
	int32_t ips[NFUNC];
	uint8_t entries[NFUNC * 6];
	uint64_t task[SZ / 8];
	uint64_t irq[SZ / 8];
};

static struct fixture fx;

static void build_table(void)
{
	memset(&fx, 0, sizeof(fx));
	kd_orc_layout_default(&fx.layout);
	fx.table.ip_addr = 0xffffffff82000000ull;	/* synthetic unwind fixture */
	for (int i = 0; i < NFUNC; i++)
		fx.ips[i] = (int32_t)(TEXT + (uint64_t)i * 0x100 -
				      (fx.table.ip_addr + 4 * (uint64_t)i));
	/* leaf: no frame, return address at sp */
	put_entry(fx.entries + 6 * F_LEAF, 8, 0, KD_ORC_REG_SP, 0, 0, 0);
	/* caller: 16 bytes of frame + return address, bp saved at cfa-16 */
	put_entry(fx.entries + 6 * F_CALLER, 24, -16, KD_ORC_REG_SP,
		  KD_ORC_REG_PREV_SP, 0, 0);
	put_entry(fx.entries + 6 * F_TOP, 8, 0, KD_ORC_REG_SP, 0, 0, 0);
	/* entry code: full pt_regs at sp */
	put_entry(fx.entries + 6 * F_ENTRY, 0, 0, KD_ORC_REG_SP, 0, 1, 0);
	/* end of stack (sp_reg undefined + end) */
	put_entry(fx.entries + 6 * F_END, 0, 0, KD_ORC_REG_UNDEFINED, 0, 0, 1);
	/* a hole: undefined without the end bit */
	put_entry(fx.entries + 6 * F_HOLE, 0, 0, KD_ORC_REG_UNDEFINED, 0, 0, 0);
	fx.table.ips = fx.ips;
	fx.table.entries = fx.entries;
	fx.table.n = NFUNC;
	fx.table.text_lo = TEXT;
	fx.table.text_hi = TEXT + NFUNC * 0x100;
}

static uint64_t fn(int i, unsigned off)
{
	return TEXT + (uint64_t)i * 0x100 + off;
}

/* ---- the environment over the fixture ---- */

static uint64_t *word(uint64_t addr)
{
	if (addr >= STACK && addr + 8 <= STACK + SZ)
		return &fx.task[(addr - STACK) / 8];
	if (addr >= IRQ && addr + 8 <= IRQ + SZ)
		return &fx.irq[(addr - IRQ) / 8];
	return NULL;
}

static struct kd_error *env_read(void *arg, uint64_t addr, void *buf,
				 size_t len)
{
	(void)arg;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t *w = word(addr + i);
		if (!w || (addr & 7))
			return kd_error_fault(KD_ERR_FAULT, addr, "bad read");
		memcpy((uint8_t *)buf + i, w, len - i < 8 ? len - i : 8);
	}
	return NULL;
}

static int env_stack_of(void *arg, uint64_t addr, struct kd_stack_area *r)
{
	(void)arg;
	if (addr >= STACK && addr < STACK + SZ) {
		*r = (struct kd_stack_area){ STACK, STACK + SZ, "", -1 };
		return 1;
	}
	if (addr >= IRQ && addr < IRQ + SZ) {
		*r = (struct kd_stack_area){ IRQ, IRQ + SZ, "IRQ stack", 0 };
		return 1;
	}
	return 0;
}

static int env_orc(void *arg, uint64_t ip, struct kd_orc_entry *e)
{
	(void)arg;
	return kd_orc_find(&fx.layout, &fx.table, ip, e);
}

static int env_is_text(void *arg, uint64_t ip)
{
	(void)arg;
	return ip >= TEXT && ip < TEXT + 0x10000;
}

static int env_is_call(void *arg, uint64_t ra)
{
	(void)arg;
	return (ra & 0xff) == 0x42;	/* our fake call sites */
}

static struct kd_unwind_env env(void)
{
	return (struct kd_unwind_env){
		.read = env_read, .stack_of = env_stack_of, .orc = env_orc,
		.is_text = env_is_text, .is_call_site = env_is_call,
		.ptregs_size = 168, .ptregs_ip_off = 128, .max_frames = 64,
	};
}

static void run(const struct kd_unwind_env *e, uint64_t ip, uint64_t sp,
		struct kd_frame **f, size_t *n, char **why)
{
	struct kd_unwind_start st = { .ip = ip, .sp = sp, .frame0_sp = sp,
				      .signal = 1 };
	assert_null(kd_unwinder_run(e, &st, f, n, why));
}

/* ---- tests ---- */

static void test_orc_lookup(void **state)
{
	(void)state;
	build_table();
	struct kd_orc_entry e;
	assert_false(kd_orc_find(&fx.layout, &fx.table, TEXT - 1, &e));
	assert_true(kd_orc_find(&fx.layout, &fx.table, fn(F_CALLER, 0), &e));
	assert_int_equal(e.sp_offset, 24);
	assert_int_equal(e.bp_offset, -16);
	assert_int_equal(e.bp_reg, KD_ORC_REG_PREV_SP);
	assert_int_equal(e.type, KD_ORC_CALL);
	assert_true(kd_orc_find(&fx.layout, &fx.table, fn(F_CALLER, 0xff), &e));
	assert_int_equal(e.sp_offset, 24);
	assert_true(kd_orc_find(&fx.layout, &fx.table, fn(F_ENTRY, 3), &e));
	assert_int_equal(e.type, KD_ORC_REGS);
	assert_true(e.signal);
	assert_true(kd_orc_find(&fx.layout, &fx.table, fn(F_END, 0), &e));
	assert_int_equal(e.type, KD_ORC_END);
	assert_true(kd_orc_find(&fx.layout, &fx.table, fn(F_HOLE, 0), &e));
	assert_int_equal(e.type, KD_ORC_UNDEFINED);
	assert_false(kd_orc_find(&fx.layout, &fx.table, TEXT + NFUNC * 0x100,
				 &e));
}

static void test_orc_new_layout(void **state)
{
	(void)state;
	/* 6.3+: type:3 signal:1, CALL = 2, END_OF_STACK = 1 */
	struct kd_orc_layout l = { .entry_size = 6, .sp_reg = { 32, 4 },
				   .bp_reg = { 36, 4 }, .type = { 40, 3 },
				   .signal = { 43, 1 }, .new_types = 1 };
	uint8_t ent[12] = { 16, 0, 0, 0, KD_ORC_REG_SP, 2 | 1 << 3,
			    0, 0, 0, 0, 0, 1 };
	int32_t ips[2] = { 0x100, 0x100 };
	struct kd_orc_table t = { .ip_addr = 0x1000, .ips = ips,
				  .entries = ent, .n = 2, .text_lo = 0,
				  .text_hi = 0x10000 };
	struct kd_orc_entry e;
	assert_true(kd_orc_find(&l, &t, 0x1100, &e));
	assert_int_equal(e.type, KD_ORC_CALL);
	assert_int_equal(e.sp_offset, 16);
	assert_true(e.signal);
	assert_true(kd_orc_find(&l, &t, 0x1104, &e));
	assert_int_equal(e.type, KD_ORC_END);
}

/* Linux 7.x renumbered the registers (SP 5 -> 3, PREV_SP 1 -> 8, DI 3 ->
 * 5, BP_INDIRECT 8 -> 10, AX new at 1): the table's own CALL entries
 * say which numbering it uses, and decoding maps both onto ours. */
static void test_orc_register_numberings(void **state)
{
	(void)state;
	struct kd_orc_layout l = { .entry_size = 6, .sp_reg = { 32, 4 },
				   .bp_reg = { 36, 4 }, .type = { 40, 3 },
				   .signal = { 43, 1 }, .new_types = 1 };
	/* raw numbers of the new numbering: three functions "sp + 8, bp
	 * unchanged", one "sp + 16, bp at prev_sp - 16", an entry stub
	 * "di + 8", one BP_INDIRECT and one AX */
	static const uint8_t raw[][2] = {
		{ 3, 0 }, { 3, 0 }, { 3, 0 }, { 3, 8 }, { 5, 0 }, { 10, 4 },
		{ 1, 0 },
	};
	enum { N = KD_ARRAY_SIZE(raw) };
	uint8_t ent[N * 6];
	int32_t ips[N];
	for (size_t i = 0; i < N; i++) {
		put_entry(ent + 6 * i, i == 3 ? 16 : 8, i == 3 ? -16 : 0,
			  raw[i][0], raw[i][1], 0, 0);
		ent[6 * i + 5] = 2;	/* CALL in the 6.3+ type numbering */
		ips[i] = (int32_t)(0x100 * i - 4 * i);
	}
	struct kd_orc_table t = { .ip_addr = 0x1000, .ips = ips,
				  .entries = ent, .n = N, .text_lo = 0x1000,
				  .text_hi = 0x1000 + 0x100 * N };
	kd_orc_detect_regs(&l, &t);
	assert_non_null(l.regs);
	struct kd_orc_entry e;
	static const unsigned want_sp[N] = {
		KD_ORC_REG_SP, KD_ORC_REG_SP, KD_ORC_REG_SP, KD_ORC_REG_SP,
		KD_ORC_REG_DI, KD_ORC_REG_BP_INDIRECT, KD_ORC_REG_AX,
	};
	for (size_t i = 0; i < N; i++) {
		kd_orc_decode(&l, &t, i, &e);
		assert_int_equal(e.sp_reg, want_sp[i]);
		assert_int_equal(e.type, KD_ORC_CALL);
	}
	kd_orc_decode(&l, &t, 3, &e);
	assert_int_equal(e.bp_reg, KD_ORC_REG_PREV_SP);
	kd_orc_decode(&l, &t, 5, &e);
	assert_int_equal(e.bp_reg, KD_ORC_REG_BP);

	/* the old numbering (SP 5, PREV_SP 1) is kept as it is */
	for (size_t i = 0; i < 4; i++)
		ent[6 * i + 4] = (uint8_t)(5 | (i == 3 ? 1 : 0) << 4);
	l.regs = NULL;
	kd_orc_detect_regs(&l, &t);
	assert_null(l.regs);
	kd_orc_decode(&l, &t, 3, &e);
	assert_int_equal(e.sp_reg, KD_ORC_REG_SP);
	assert_int_equal(e.bp_reg, KD_ORC_REG_PREV_SP);
	kd_orc_decode(&l, &t, 4, &e);	/* raw 5 is SP there */
	assert_int_equal(e.sp_reg, KD_ORC_REG_SP);
	kd_orc_decode(&l, &t, 5, &e);	/* raw 10: no such register */
	assert_int_equal(e.sp_reg, KD_ORC_REG_INVALID);
}

/* leaf -> caller -> top -> end: a clean end, sp addresses as crash shows */
static void build_call_chain(uint64_t sp)
{
	*word(sp) = fn(F_CALLER, 0x42);		/* leaf's return address */
	*word(sp + 8) = 0x1234;			/* caller's frame */
	*word(sp + 16) = STACK + 0x3ff0;	/* saved bp */
	*word(sp + 24) = fn(F_TOP, 0x42);	/* caller's return address */
	*word(sp + 32) = fn(F_END, 0x42);	/* top's return address */
}

static void test_clean_walk(void **state)
{
	(void)state;
	build_table();
	uint64_t sp = STACK + 0x3f00;
	build_call_chain(sp);
	struct kd_unwind_env e = env();
	struct kd_frame *f;
	size_t n;
	char *why;
	run(&e, fn(F_LEAF, 4), sp, &f, &n, &why);
	assert_null(why);
	assert_int_equal(n, 4);
	assert_int_equal(f[0].ip, fn(F_LEAF, 4));
	assert_true(f[0].flags & KD_FRAME_START);
	assert_int_equal(f[1].sp, sp);
	assert_int_equal(f[1].ip, fn(F_CALLER, 0x42));
	assert_int_equal(f[2].sp, sp + 24);
	assert_int_equal(f[3].sp, sp + 32);
	assert_int_equal(f[3].ip, fn(F_END, 0x42));
	free(f);
}

static void test_regs_frame_crosses_stacks(void **state)
{
	(void)state;
	build_table();
	/* on the IRQ stack: leaf returns into the entry code, whose ORC
	 * says a pt_regs follows; it interrupted the caller on the task
	 * stack */
	uint64_t isp = IRQ + 0x3e00, tsp = STACK + 0x3f00;
	build_call_chain(tsp);
	*word(isp) = fn(F_ENTRY, 0x10);
	uint64_t *regs = word(isp + 8);
	memset(regs, 0, 168);
	regs[KD_RIP] = fn(F_LEAF, 7);
	regs[KD_RSP] = tsp;
	regs[KD_CS] = 0x10;
	struct kd_unwind_env e = env();
	struct kd_frame *f;
	size_t n;
	char *why;
	run(&e, fn(F_LEAF, 4), isp, &f, &n, &why);
	assert_null(why);
	assert_int_equal(n, 6);
	assert_true(f[1].flags & KD_FRAME_REGS);
	assert_int_equal(f[1].regs_addr, isp + 8);
	assert_string_equal(f[1].stack, "IRQ stack");
	assert_true(f[2].flags & KD_FRAME_EXCEPTION);
	assert_int_equal(f[2].ip, fn(F_LEAF, 7));
	assert_string_equal(f[2].stack, "");
	assert_int_equal(f[5].ip, fn(F_END, 0x42));
	free(f);
	/* user-mode registers end the walk cleanly */
	regs[KD_CS] = 0x33;
	run(&e, fn(F_LEAF, 4), isp, &f, &n, &why);
	assert_null(why);
	assert_int_equal(n, 2);
	assert_true(f[1].flags & KD_FRAME_USER_REGS);
	free(f);
}

static void test_corrupt_return_address(void **state)
{
	(void)state;
	build_table();
	uint64_t sp = STACK + 0x3f00;
	build_call_chain(sp);
	*word(sp + 32) = 0xdeadbeefdeadbeefull;
	struct kd_unwind_env e = env();
	struct kd_frame *f;
	size_t n;
	char *why;
	run(&e, fn(F_LEAF, 4), sp, &f, &n, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "not kernel text"));
	assert_int_equal(n, 4);
	free(f);
	free(why);
}

static void test_stack_does_not_grow(void **state)
{
	(void)state;
	build_table();
	/* a frame whose CFA is below its sp (sp_offset -8): a loop on a
	 * corrupt ORC/stack must stop, not spin */
	put_entry(fx.entries + 6 * F_TOP, -8, 0, KD_ORC_REG_SP, 0, 0, 0);
	uint64_t sp = STACK + 0x3f00;
	build_call_chain(sp);
	struct kd_unwind_env e = env();
	struct kd_frame *f;
	size_t n;
	char *why;
	run(&e, fn(F_LEAF, 4), sp, &f, &n, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "did not grow"));
	free(f);
	free(why);
}

static void test_sp_leaves_stacks(void **state)
{
	(void)state;
	build_table();
	struct kd_unwind_env e = env();
	struct kd_frame *f;
	size_t n;
	char *why;
	/* leaf at the very top: its return address would lie past the end */
	put_entry(fx.entries + 6 * F_LEAF, 0x4000, 0, KD_ORC_REG_SP, 0, 0, 0);
	run(&e, fn(F_LEAF, 4), STACK + 0x3f00, &f, &n, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "outside the known stacks"));
	assert_int_equal(n, 1);
	free(f);
	free(why);
}

static void test_missing_orc_entry(void **state)
{
	(void)state;
	build_table();
	uint64_t sp = STACK + 0x3f00;
	build_call_chain(sp);
	struct kd_unwind_env e = env();
	e.no_fallback = 1;
	struct kd_frame *f;
	size_t n;
	char *why;
	/* ip in text but outside the table, no fallback */
	run(&e, TEXT + 0x8000, sp, &f, &n, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "no ORC entry"));
	assert_int_equal(n, 1);
	free(f);
	free(why);
	/* an undefined entry (hole) */
	run(&e, fn(F_HOLE, 4), sp, &f, &n, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "ORC entry undefined"));
	free(f);
	free(why);
}

static void test_fallbacks_marked(void **state)
{
	(void)state;
	build_table();
	uint64_t sp = STACK + 0x3f00;
	build_call_chain(sp);
	struct kd_unwind_env e = env();
	struct kd_frame *f;
	size_t n;
	char *why;
	/* bp useless: a stack scan finds the fake call site at sp */
	run(&e, TEXT + 0x8000, sp, &f, &n, &why);
	assert_true(n >= 2);
	assert_true(f[1].flags & KD_FRAME_SCAN);
	assert_int_equal(f[1].ip, fn(F_CALLER, 0x42));
	free(f);
	free(why);
	/* a frame-pointer chain: bp -> [saved bp, return address] */
	struct kd_unwind_start st = { .ip = TEXT + 0x8000, .sp = sp,
				      .bp = sp + 16, .frame0_sp = sp,
				      .signal = 1 };
	*word(sp + 24) = fn(F_END, 0x42);
	assert_null(kd_unwinder_run(&e, &st, &f, &n, &why));
	assert_true(n >= 2);
	assert_true(f[1].flags & KD_FRAME_FP);
	assert_int_equal(f[1].sp, sp + 24);
	free(f);
	free(why);
}

static void test_frame_limit(void **state)
{
	(void)state;
	build_table();
	/* every word a return address into the leaf: an endless chain that
	 * the frame limit stops */
	for (size_t i = 0; i < SZ / 8; i++)
		fx.task[i] = fn(F_LEAF, 0x42);
	struct kd_unwind_env e = env();
	e.max_frames = 10;
	struct kd_frame *f;
	size_t n;
	char *why;
	run(&e, fn(F_LEAF, 4), STACK + 0x100, &f, &n, &why);
	assert_int_equal(n, 10);
	assert_non_null(strstr(why, "frame limit"));
	free(f);
	free(why);
}

static void test_call_site_decoding(void **state)
{
	(void)state;
	static const uint8_t yes[][8] = {
		{ 0, 0, 0, 0xe8, 1, 2, 3, 4 },			/* call rel32 */
		{ 0, 0, 0, 0, 0, 0, 0xff, 0xd0 },		/* call *%rax */
		{ 0, 0, 0, 0, 0, 0x41, 0xff, 0xd3 },		/* call *%r11 */
		{ 0, 0, 0xff, 0x15, 1, 2, 3, 4 },		/* call *x(%rip) */
		{ 0, 0, 0, 0, 0xff, 0x54, 0x24, 0x08 },	/* call *8(%rsp) */
		{ 0, 0, 0, 0, 0, 0xff, 0x50, 0x10 },		/* call *0x10(%rax) */
	};
	static const uint8_t no[][8] = {
		{ 0 },
		{ 0, 0, 0, 0, 0, 0, 0xff, 0xe0 },		/* jmp *%rax */
		{ 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0xc3 },
		{ 0, 0, 0, 0, 0, 0xff, 0x15, 0 },		/* truncated */
	};
	for (size_t i = 0; i < KD_ARRAY_SIZE(yes); i++)
		assert_true(kd_is_call_before(yes[i]));
	for (size_t i = 0; i < KD_ARRAY_SIZE(no); i++)
		assert_false(kd_is_call_before(no[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orc_lookup),
		cmocka_unit_test(test_orc_new_layout),
		cmocka_unit_test(test_orc_register_numberings),
		cmocka_unit_test(test_clean_walk),
		cmocka_unit_test(test_regs_frame_crosses_stacks),
		cmocka_unit_test(test_corrupt_return_address),
		cmocka_unit_test(test_stack_does_not_grow),
		cmocka_unit_test(test_sp_leaves_stacks),
		cmocka_unit_test(test_missing_orc_entry),
		cmocka_unit_test(test_fallbacks_marked),
		cmocka_unit_test(test_frame_limit),
		cmocka_unit_test(test_call_site_decoding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
