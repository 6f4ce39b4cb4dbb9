// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The unwinding loop.  State: ip, sp, bp, the registers when a full
 * pt_regs is known (start registers, or after a REGS frame), and whether
 * ip is exact ("signal": after a pt_regs the ip is the interrupted
 * instruction, so ORC is looked up at ip; after a call it is a return
 * address and the lookup uses ip - 1, which still lies in the call).
 *
 * Invariants that bound the walk over untrusted memory:
 *   - every frame's sp lies in a known stack (task, IRQ, exception);
 *   - within one stack, sp strictly grows; a stack once left is never
 *     entered again (so the number of stacks bounds the switches);
 *   - at most env->max_frames frames, and fallback steps are counted.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/vector.h>

#include "unwinder.h"

#define MAX_FALLBACKS	16
#define SCAN_WORDS	512
#define MAX_LEFT	16

struct walk {
	const struct kd_unwind_env *env;
	uint64_t ip, sp, bp;
	uint64_t regs[KD_NR_X86_64_REGS];
	int full_regs, signal;
	struct kd_stack_area stack;	/* the stack sp is on */
	uint64_t left[MAX_LEFT];	/* lo of stacks left behind */
	size_t nleft;
	int fallbacks;
	struct kd_frame *frames;
	size_t n, cap;
	char *why;
};

static void stop(struct walk *w, const char *fmt, ...) KD_PRINTF(2, 3);
static void stop(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(w->why);
	w->why = msg ? msg : strdup("unwinding stopped");
}

static int read_word(struct walk *w, uint64_t addr, uint64_t *v)
{
	struct kd_stack_area r;
	if (!w->env->stack_of(w->env->arg, addr, &r) ||
	    !w->env->stack_of(w->env->arg, addr + 7, &r)) {
		stop(w, "stack address %016" PRIx64 " is outside the known "
		     "stacks", addr);
		return 0;
	}
	struct kd_error *err = w->env->read(w->env->arg, addr, v, 8);
	if (err) {
		stop(w, "cannot read stack at %016" PRIx64 ": %s", addr,
		     err->message);
		kd_error_destroy(err);
		return 0;
	}
	return 1;
}

static struct kd_frame *push(struct walk *w, uint64_t sp, uint64_t ip,
			     unsigned flags)
{
	if (kd_array_reserve(&w->frames, &w->cap, w->n + 1))
		return NULL;
	struct kd_frame *f = &w->frames[w->n++];
	memset(f, 0, sizeof(*f));
	f->sp = sp;
	f->ip = ip;
	f->flags = flags;
	f->stack = w->stack.name;
	return f;
}

/* Moves to new_sp, checking the stack rules. */
static int move_sp(struct walk *w, uint64_t new_sp)
{
	struct kd_stack_area r;
	/* sp may sit just past the top of its stack (nothing left on it):
	 * look at the word below. */
	if (!w->env->stack_of(w->env->arg, new_sp - 8, &r)) {
		stop(w, "stack pointer %016" PRIx64 " left the known stacks",
		     new_sp);
		return 0;
	}
	if (r.lo == w->stack.lo) {
		if (new_sp <= w->sp) {
			stop(w, "stack pointer did not grow (%016" PRIx64
			     " -> %016" PRIx64 "): corrupt stack", w->sp,
			     new_sp);
			return 0;
		}
	} else {
		for (size_t i = 0; i < w->nleft; i++)
			if (w->left[i] == r.lo) {
				stop(w, "stack loop at %016" PRIx64, new_sp);
				return 0;
			}
		if (w->nleft == MAX_LEFT) {
			stop(w, "too many stack switches");
			return 0;
		}
		w->left[w->nleft++] = w->stack.lo;
		w->stack = r;
	}
	w->sp = new_sp;
	return 1;
}

static int reg_value(struct walk *w, unsigned reg, uint64_t *v)
{
	static const int map[] = {
		[KD_ORC_REG_DX] = KD_RDX, [KD_ORC_REG_DI] = KD_RDI,
		[KD_ORC_REG_R10] = KD_R10, [KD_ORC_REG_R13] = KD_R13,
		[KD_ORC_REG_AX] = KD_RAX,
	};
	if (!w->full_regs) {
		stop(w, "ORC needs register %u, unknown at %016" PRIx64, reg,
		     w->ip);
		return 0;
	}
	*v = w->regs[map[reg]];
	return 1;
}

/* The caller's stack pointer (the CFA) from an ORC entry. */
static int orc_sp(struct walk *w, const struct kd_orc_entry *e, uint64_t *sp)
{
	uint64_t v;
	switch (e->sp_reg) {
	case KD_ORC_REG_SP:
		*sp = w->sp + (uint64_t)(int64_t)e->sp_offset;
		return 1;
	case KD_ORC_REG_BP:
		*sp = w->bp + (uint64_t)(int64_t)e->sp_offset;
		return 1;
	case KD_ORC_REG_SP_INDIRECT:
		if (!read_word(w, w->sp, &v))
			return 0;
		*sp = v + (uint64_t)(int64_t)e->sp_offset;
		return 1;
	case KD_ORC_REG_BP_INDIRECT:
		if (!read_word(w, w->bp + (uint64_t)(int64_t)e->sp_offset, &v))
			return 0;
		*sp = v;
		return 1;
	case KD_ORC_REG_DX: case KD_ORC_REG_DI:
	case KD_ORC_REG_R10: case KD_ORC_REG_R13: case KD_ORC_REG_AX:
		if (!reg_value(w, e->sp_reg, &v))
			return 0;
		*sp = v + (uint64_t)(int64_t)e->sp_offset;
		return 1;
	default:
		stop(w, "unknown ORC sp_reg %u at %016" PRIx64, e->sp_reg,
		     w->ip);
		return 0;
	}
}

/* The caller's frame pointer. */
static int orc_bp(struct walk *w, const struct kd_orc_entry *e, uint64_t sp,
		  uint64_t *bp)
{
	switch (e->bp_reg) {
	case KD_ORC_REG_PREV_SP:
		return read_word(w, sp + (uint64_t)(int64_t)e->bp_offset, bp);
	case KD_ORC_REG_BP:
		return read_word(w, w->bp + (uint64_t)(int64_t)e->bp_offset,
				 bp);
	default:	/* unchanged */
		*bp = w->bp;
		return 1;
	}
}

static int step_call(struct walk *w, const struct kd_orc_entry *e,
		     uint64_t sp)
{
	uint64_t ra, bp;
	if (!read_word(w, sp - 8, &ra) || !orc_bp(w, e, sp, &bp))
		return 0;
	if (!move_sp(w, sp))
		return 0;
	w->ip = ra;
	w->bp = bp;
	w->signal = e->signal;
	w->full_regs = 0;
	return push(w, sp - 8, ra, KD_FRAME_ORC) != NULL ? 1 : -1;
}

/* pt_regs at addr, into kd_x86_64_reg order (pt_regs' own order on
 * x86_64: r15 ... ss, the order of user_regs_struct). */
static int read_regs(struct walk *w, uint64_t addr, uint64_t *regs)
{
	uint32_t size = w->env->ptregs_size;
	if (size > KD_NR_X86_64_REGS * 8)
		size = KD_NR_X86_64_REGS * 8;
	memset(regs, 0, KD_NR_X86_64_REGS * 8);
	struct kd_stack_area r;
	if (!w->env->stack_of(w->env->arg, addr, &r) || addr + size > r.hi) {
		stop(w, "pt_regs at %016" PRIx64 " is outside the known "
		     "stacks", addr);
		return 0;
	}
	struct kd_error *err = w->env->read(w->env->arg, addr, regs, size);
	if (err) {
		stop(w, "cannot read pt_regs at %016" PRIx64 ": %s", addr,
		     err->message);
		kd_error_destroy(err);
		return 0;
	}
	return 1;
}

/* Crosses a pt_regs frame (interrupt, exception, syscall entry).
 * Returns 1 to go on, 0 to stop (user mode: a clean end), -1 no memory. */
static int step_regs(struct walk *w, const struct kd_orc_entry *e,
		     uint64_t sp)
{
	int partial = e->type == KD_ORC_REGS_PARTIAL;
	uint64_t addr = partial ? sp - w->env->ptregs_ip_off : sp;
	struct kd_frame *last = &w->frames[w->n - 1];
	if (!read_regs(w, addr, last->regs))
		return 0;
	last->regs_addr = addr;
	last->flags |= KD_FRAME_REGS | (partial ? KD_FRAME_REGS_PARTIAL : 0);
	const uint64_t *regs = last->regs;
	if (regs[KD_CS] & 3) {
		last->flags |= KD_FRAME_USER_REGS;
		return 0;
	}
	uint64_t bp = regs[KD_RBP];
	if (partial && !orc_bp(w, e, sp, &bp))
		return 0;
	if (!move_sp(w, regs[KD_RSP]))
		return 0;
	w->ip = regs[KD_RIP];
	w->bp = bp;
	w->full_regs = !partial;
	memcpy(w->regs, regs, sizeof(w->regs));
	w->signal = 1;
	return push(w, w->sp, w->ip, KD_FRAME_EXCEPTION) ? 1 : -1;
}

static int step_fp(struct walk *w)
{
	uint64_t bp = w->bp, ra, next_bp;
	if (bp & 7 || bp < w->sp || bp + 16 > w->stack.hi || bp < w->stack.lo)
		return 0;
	struct kd_error *err = w->env->read(w->env->arg, bp + 8, &ra, 8);
	if (!err)
		err = w->env->read(w->env->arg, bp, &next_bp, 8);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	if (!w->env->is_text(w->env->arg, ra) || !move_sp(w, bp + 16))
		return 0;
	w->ip = ra;
	w->bp = next_bp;
	w->signal = 0;
	w->full_regs = 0;
	return push(w, bp + 8, ra, KD_FRAME_FP) ? 1 : -1;
}

static int step_scan(struct walk *w)
{
	for (uint64_t a = w->sp, i = 0; i < SCAN_WORDS && a + 8 <= w->stack.hi;
	     a += 8, i++) {
		uint64_t v;
		struct kd_error *err = w->env->read(w->env->arg, a, &v, 8);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
		if (!w->env->is_text(w->env->arg, v) ||
		    !w->env->is_call_site(w->env->arg, v))
			continue;
		if (!move_sp(w, a + 8))
			return 0;
		w->ip = v;
		w->signal = 0;
		w->full_regs = 0;
		return push(w, a, v, KD_FRAME_SCAN) ? 1 : -1;
	}
	return 0;
}

/* No ORC entry: a frame-pointer step, else a scan.  Marks why when both
 * fail. */
static int step_fallback(struct walk *w, const char *what)
{
	if (!w->env->no_fallback && w->fallbacks++ < MAX_FALLBACKS) {
		int r = step_fp(w);
		if (!r)
			r = step_scan(w);
		if (r)
			return r;
	}
	if (!w->why)
		stop(w, "%s for ip %016" PRIx64 ": backtrace ends here", what,
		     w->ip);
	return 0;
}

/* One step: 1 a frame was added, 0 the walk ended (why set unless it
 * was the end of the stack), -1 out of memory. */
static int step(struct walk *w)
{
	if (!w->env->is_text(w->env->arg, w->ip)) {
		stop(w, "ip %016" PRIx64 " is not kernel text: corrupt stack",
		     w->ip);
		return 0;
	}
	struct kd_orc_entry e;
	uint64_t lookup = w->signal ? w->ip : w->ip - 1;
	if (!w->env->orc(w->env->arg, lookup, &e))
		return step_fallback(w, "no ORC entry");
	switch (e.type) {
	case KD_ORC_END:
		return 0;
	case KD_ORC_UNDEFINED:
		return step_fallback(w, "ORC entry undefined");
	default:
		break;
	}
	uint64_t sp;
	if (!orc_sp(w, &e, &sp))
		return 0;
	if (e.type == KD_ORC_CALL)
		return step_call(w, &e, sp);
	return step_regs(w, &e, sp);
}

struct kd_error *kd_unwinder_run(const struct kd_unwind_env *env,
				 const struct kd_unwind_start *start,
				 struct kd_frame **frames, size_t *n,
				 char **why)
{
	struct walk w = { .env = env, .ip = start->ip, .sp = start->sp,
			  .bp = start->bp, .full_regs = start->full_regs,
			  .signal = start->signal };
	memcpy(w.regs, start->regs, sizeof(w.regs));
	size_t max = env->max_frames ? env->max_frames : 256;
	struct kd_error *err = NULL;
	if (!env->stack_of(env->arg, start->sp, &w.stack) &&
	    !env->stack_of(env->arg, start->sp - 8, &w.stack)) {
		w.stack = (struct kd_stack_area){ 0, 0, "", -1 };
		stop(&w, "stack pointer %016" PRIx64 " is not on a known "
		     "stack", start->sp);
	}
	if (!push(&w, start->frame0_sp, start->ip, KD_FRAME_START))
		goto nomem;
	int r = w.why ? 0 : 1;
	while (r > 0) {
		if (w.n >= max) {
			stop(&w, "frame limit (%zu) reached", max);
			break;
		}
		if ((err = kd_cancel_check()))
			break;
		r = step(&w);
	}
	if (r < 0)
		goto nomem;
	*frames = w.frames;
	*n = w.n;
	*why = w.why;
	return err;
nomem:
	free(w.frames);
	free(w.why);
	return &kd_error_nomem;
}

/* ModRM-encoded length of "ff /2" starting at the ff byte. */
static int ff_call_len(uint8_t modrm, uint8_t sib)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;
	int len = 2;
	if (((modrm >> 3) & 7) != 2)
		return 0;
	if (mod == 3)
		return 2;
	if (rm == 4) {
		len++;
		if (mod == 0 && (sib & 7) == 5)
			len += 4;
	}
	if (mod == 0 && rm == 5)
		len += 4;
	else if (mod == 1)
		len += 1;
	else if (mod == 2)
		len += 4;
	return len;
}

int kd_is_call_before(const uint8_t b[8])
{
	/* e8 rel32 */
	if (b[3] == 0xe8)
		return 1;
	for (int len = 2; len <= 7; len++) {
		int at = 8 - len;
		if (b[at] != 0xff)
			continue;
		uint8_t sib = at + 2 < 8 ? b[at + 2] : 0;
		if (ff_call_len(b[at + 1], sib) == len)
			return 1;
	}
	return 0;
}
