// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bt [-a|-c cpus|-g|-p] [-f|-l|-s [-x|-d]|-t|-T|-e|-E|-r|-o|-v] [-R ref]
 *    [pid | task ...]: kernel stack backtraces (lib/unwind), printed as
 *    crash 8.0.6 prints them:
 *
 *   PID: 2        TASK: ffff897401208000  CPU: 0    COMMAND: "kthreadd"
 *    #0 [ffffcaf54001be50] __schedule at ffffffff9ba10e3d
 *    #1 [ffffcaf54001bea8] schedule at ffffffff9ba1154a
 *
 * A pt_regs crossed is shown as crash's exception frame (registers, and
 * "[exception RIP: func+off]" when it interrupted the kernel; the
 * interrupted function gets no frame number), leaving an IRQ or
 * exception stack as " --- <IRQ stack> ---".  Frames found without ORC
 * are marked "(frame pointer)" / "(stack scan)"; a walk that stopped
 * early ends with "bt: <reason>".
 *
 * The scanning options look at every word of the stacks instead
 * (lib/unwind's kd_unwind_task_stack / kd_unwind_cpu_stacks):
 *   -t  "START: func at ip", then "  [addr] sym at value" for each word
 *       that is kernel text, from the first frame up each stack walked
 *       (to below the pt_regs at the top of the task's stack, whose
 *       user-mode registers follow);
 *   -T  the same from the bottom of the task's stack (crash starts
 *       sizeof(task_struct) above the bottom, a leftover of kernels that
 *       kept the task_struct or thread_info there; here nothing below is
 *       skipped), without START;
 *   -o  crash's old method: frame 0, then every word that is a return
 *       address (it follows a call instruction), numbered, with the
 *       exception frames of asm_* entry code;
 *   -e  "  KERNEL-MODE / USER-MODE EXCEPTION FRAME AT: addr" and the
 *       registers for each word where a pt_regs passes crash's test;
 *   -E  the same over every CPU's IRQ and exception stacks;
 *   -r  the task's whole stack, two words a line;
 *   -v  the STACK_END_MAGIC word at the bottom of every task's stack.
 * Task selection: -a the active task of each CPU, -c those of the CPUs
 * named ("1", "0,1", "0-1"), -g every thread of each task's thread group
 * (the leader first), -p the panic task; -R REF shows only backtraces
 * that refer to the symbol or text address REF.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/tasks.h>
#include <pykdump/unwind.h>
#include <pykdump/vector.h>

#include "bt.h"
#include "cmd_util.h"

#define STACK_END_MAGIC	0x57ac6e9dULL	/* include/uapi/linux/magic.h */

int kd_bt_flag(int c, unsigned *flags)
{
	static const struct { char c; unsigned flag; } map[] = {
		{ 'f', KD_BT_FRAME_DATA }, { 'l', KD_BT_LINES },
		{ 's', KD_BT_OFFSETS }, { 't', KD_BT_TEXT },
		{ 'T', KD_BT_TEXT_ALL }, { 'e', KD_BT_EFRAMES },
		{ 'r', KD_BT_RAW }, { 'o', KD_BT_OLD }, { 'x', KD_BT_HEX },
		{ 'd', KD_BT_DEC },
	};
	for (size_t i = 0; i < KD_ARRAY_SIZE(map); i++)
		if (map[i].c == c) {
			*flags |= map[i].flag;
			return 1;
		}
	return 0;
}

static void print_header(FILE *out, const struct kd_backtrace *bt)
{
	fprintf(out, "PID: %-7d  TASK: %" PRIx64 "  CPU: %-3d  COMMAND: \"%s\"\n",
		bt->pid, bt->task, bt->cpu, bt->comm);
}

static void print_regs(FILE *out, const uint64_t *r)
{
	fprintf(out, "    RIP: %016" PRIx64 "  RSP: %016" PRIx64
		"  RFLAGS: %08" PRIx64 "\n", r[KD_RIP], r[KD_RSP],
		r[KD_EFLAGS]);
	fprintf(out, "    RAX: %016" PRIx64 "  RBX: %016" PRIx64
		"  RCX: %016" PRIx64 "\n", r[KD_RAX], r[KD_RBX], r[KD_RCX]);
	fprintf(out, "    RDX: %016" PRIx64 "  RSI: %016" PRIx64
		"  RDI: %016" PRIx64 "\n", r[KD_RDX], r[KD_RSI], r[KD_RDI]);
	fprintf(out, "    RBP: %016" PRIx64 "   R8: %016" PRIx64
		"   R9: %016" PRIx64 "\n", r[KD_RBP], r[KD_R8], r[KD_R9]);
	fprintf(out, "    R10: %016" PRIx64 "  R11: %016" PRIx64
		"  R12: %016" PRIx64 "\n", r[KD_R10], r[KD_R11], r[KD_R12]);
	fprintf(out, "    R13: %016" PRIx64 "  R14: %016" PRIx64
		"  R15: %016" PRIx64 "\n", r[KD_R13], r[KD_R14], r[KD_R15]);
	fprintf(out, "    ORIG_RAX: %016" PRIx64 "  CS: %04" PRIx64
		"  SS: %04" PRIx64 "\n", r[KD_ORIG_RAX], r[KD_CS], r[KD_SS]);
}

/* "name", "name+off" (-s; +0x.. with -x), or the address when unknown. */
static void print_name(FILE *out, const struct kd_frame *f, unsigned flags)
{
	if (f->function && (flags & KD_BT_OFFSETS) && f->offset)
		fprintf(out, flags & KD_BT_HEX ? "%s+0x%" PRIx64 : "%s+%" PRIu64,
			f->function, f->offset);
	else if (f->function)
		fprintf(out, "%s", f->function);
	else
		fprintf(out, "%016" PRIx64, f->ip);
}

/* "[exception RIP: func+off]": the offset in decimal, as crash's
 * default output radix. */
static void print_exception_rip(struct kd_cmd_ctx *ctx, uint64_t rip)
{
	struct kd_frame f = { .ip = rip };
	kd_unwind_frame_symbol(ctx->s, &f);
	fprintf(ctx->out, "    [exception RIP: ");
	print_name(ctx->out, &f, KD_BT_OFFSETS);
	fprintf(ctx->out, "]\n");
}

static void print_line(struct kd_cmd_ctx *ctx, uint64_t ip)
{
	char file[1024];
	int line;
	if (kd_unwind_srcline(ctx->s, ip, file, sizeof(file), &line))
		fprintf(ctx->out, "    %s: %d\n", file, line);
}

/* -f: the words from just above this frame's slot up to and including
 * the next frame's, two per line. */
static void print_data(struct kd_cmd_ctx *ctx, const struct kd_frame *f,
		       const struct kd_frame *next)
{
	if (!next || next->sp <= f->sp || next->sp - f->sp > 65536 ||
	    strcmp(next->stack, f->stack) != 0)
		return;
	int col = 0;
	for (uint64_t a = f->sp + 8; a <= next->sp; a += 8) {
		uint64_t v = 0;
		struct kd_error *err = kd_read_u64(ctx->s, a, &v);
		if (err) {	/* the frame's data stops here: partial */
			kd_cmd_lost(err);
			break;
		}
		if (!col)
			fprintf(ctx->out, "    %016" PRIx64 ":", a);
		fprintf(ctx->out, " %016" PRIx64, v);
		if (++col == 2) {
			fprintf(ctx->out, " \n");
			col = 0;
		}
	}
	if (col)
		fprintf(ctx->out, " \n");
}

static void print_exception(struct kd_cmd_ctx *ctx, const struct kd_frame *f,
			    const struct kd_frame *next)
{
	if (!(f->flags & KD_FRAME_USER_REGS) && next)
		print_exception_rip(ctx, next->ip);
	print_regs(ctx->out, f->regs);
}

void kd_bt_print_frame(struct kd_cmd_ctx *ctx, const struct kd_frame *f,
		       int level, unsigned flags)
{
	fprintf(ctx->out, "%s#%d [%016" PRIx64 "] ", level < 10 ? " " : "",
		level, f->sp);
	print_name(ctx->out, f, flags);
	fprintf(ctx->out, " at %016" PRIx64, f->ip);
	if (f->module)
		fprintf(ctx->out, " [%s]", f->module);
	if (f->flags & KD_FRAME_FP)
		fprintf(ctx->out, " (frame pointer)");
	if (f->flags & KD_FRAME_SCAN)
		fprintf(ctx->out, " (stack scan)");
	fprintf(ctx->out, "\n");
}

static void print_frames(struct kd_cmd_ctx *ctx, const struct kd_backtrace *bt,
			 unsigned flags)
{
	int level = 0;
	for (size_t i = 0; i < bt->nframes; i++) {
		const struct kd_frame *f = &bt->frames[i];
		const struct kd_frame *next =
			i + 1 < bt->nframes ? &bt->frames[i + 1] : NULL;
		if (i && strcmp(bt->frames[i - 1].stack, f->stack) != 0 &&
		    bt->frames[i - 1].stack[0])
			fprintf(ctx->out, " --- <%s> ---\n",
				bt->frames[i - 1].stack);
		if (f->flags & KD_FRAME_EXCEPTION)
			continue;	/* shown as [exception RIP: ...] */
		if ((f->flags & KD_FRAME_START) &&
		    (f->flags & KD_FRAME_USER_REGS)) {
			print_regs(ctx->out, f->regs);	/* stopped in user mode */
			continue;
		}
		kd_bt_print_frame(ctx, f, level++, flags);
		if (flags & KD_BT_LINES)
			print_line(ctx, f->ip);
		if (f->flags & KD_FRAME_REGS)
			print_exception(ctx, f, next);
		else if (flags & KD_BT_FRAME_DATA)
			print_data(ctx, f, next);
	}
}

/* ---- scanning the stacks ---- */

/* The stack holding addr: the task's own or a CPU's. */
static int area_of(struct kd_cmd_ctx *ctx, const struct kd_stack_area *task,
		   uint64_t addr, struct kd_stack_area *ret)
{
	const struct kd_stack_area *v;
	size_t n;
	if (addr >= task->lo && addr < task->hi) {
		*ret = *task;
		return 1;
	}
	struct kd_error *err = kd_unwind_cpu_stacks(ctx->s, &v, &n);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (addr >= v[i].lo && addr < v[i].hi) {
			*ret = v[i];
			return 1;
		}
	return 0;
}

/* The scan's end on a stack: the task's stops below the pt_regs at its
 * top (crash's stacktop - SIZE(pt_regs)). */
static uint64_t scan_end(struct kd_cmd_ctx *ctx, const struct kd_stack_area *a)
{
	return a->cpu < 0 ? a->hi - kd_unwind_pt_regs_size(ctx->s) : a->hi;
}

static void text_line(struct kd_cmd_ctx *ctx, uint64_t addr, uint64_t v,
		      unsigned flags)
{
	struct kd_frame f = { .ip = v };
	kd_unwind_frame_symbol(ctx->s, &f);
	fprintf(ctx->out, "  [%016" PRIx64 "] ", addr);
	print_name(ctx->out, &f, flags);
	fprintf(ctx->out, " at %016" PRIx64, v);
	if (f.module)
		fprintf(ctx->out, " [%s]", f.module);
	fputc('\n', ctx->out);
}

/* The words of [from, to) that are kernel text. */
static void scan_text(struct kd_cmd_ctx *ctx, uint64_t from, uint64_t to,
		      unsigned flags)
{
	for (uint64_t a = from & ~7ULL; a < to; a += 8) {
		uint64_t v;
		struct kd_error *err = kd_read_u64(ctx->s, a, &v);
		if (err) {
			kd_cmd_error(ctx, "cannot read the stack at %" PRIx64
				     ": %s", a, err->message);
			kd_error_destroy(err);
			return;
		}
		if (kd_unwind_is_kernel_text(ctx->s, v))
			text_line(ctx, a, v, flags);
	}
}

/* The user-mode registers saved at the top of the task's stack. */
static void top_user_regs(struct kd_cmd_ctx *ctx, const struct kd_stack_area *a)
{
	uint64_t regs[KD_NR_X86_64_REGS];
	if (kd_unwind_eframe_at(ctx->s, scan_end(ctx, a), regs) ==
	    KD_EFRAME_USER)
		print_regs(ctx->out, regs);
}

/* -t: from the first frame up each stack the backtrace walks. */
static void print_text(struct kd_cmd_ctx *ctx, const struct kd_backtrace *bt,
		       const struct kd_stack_area *task, unsigned flags)
{
	const struct kd_frame *f0 = bt->nframes ? &bt->frames[0] : NULL;
	if (!f0)
		return;
	struct kd_frame start = *f0;
	fprintf(ctx->out, "%14sSTART: ", "");
	print_name(ctx->out, &start, flags);
	fprintf(ctx->out, " at %016" PRIx64 "\n", start.ip);
	const char *prev = NULL;
	for (size_t i = 0; i < bt->nframes; i++) {
		const struct kd_frame *f = &bt->frames[i];
		struct kd_stack_area a;
		if ((prev && !strcmp(prev, f->stack)) ||
		    !area_of(ctx, task, f->sp, &a))
			continue;
		if (prev && prev[0])
			fprintf(ctx->out, " --- <%s> ---\n", prev);
		prev = f->stack;
		scan_text(ctx, f->sp, scan_end(ctx, &a), flags);
	}
	top_user_regs(ctx, task);
}

/* An exception frame found at addr by a search (-e, -E). */
static int eframe_line(struct kd_cmd_ctx *ctx, uint64_t addr)
{
	uint64_t regs[KD_NR_X86_64_REGS];
	int kind = kd_unwind_eframe_at(ctx->s, addr, regs);
	if (!kind)
		return 0;
	fprintf(ctx->out, "\n  %s-MODE EXCEPTION FRAME AT: %" PRIx64 "\n",
		kind == KD_EFRAME_USER ? "USER" : "KERNEL", addr);
	if (kind == KD_EFRAME_KERNEL)
		print_exception_rip(ctx, regs[KD_RIP]);
	print_regs(ctx->out, regs);
	return 1;
}

static int search_eframes(struct kd_cmd_ctx *ctx, uint64_t from,
			  const struct kd_stack_area *a)
{
	int found = 0;
	uint64_t end = a->hi - kd_unwind_pt_regs_size(ctx->s);
	for (uint64_t addr = from & ~7ULL; addr <= end; addr += 8)
		found += eframe_line(ctx, addr);
	return found;
}

/* -o: frame 0, then each return address on the stacks walked. */
static void print_old(struct kd_cmd_ctx *ctx, const struct kd_backtrace *bt,
		      const struct kd_stack_area *task, unsigned flags)
{
	int level = 0;
	const char *prev = NULL;
	if (!bt->nframes)
		return;
	kd_bt_print_frame(ctx, &bt->frames[0], level++, flags);
	for (size_t i = 0; i < bt->nframes; i++) {
		const struct kd_frame *f = &bt->frames[i];
		struct kd_stack_area a;
		if ((prev && !strcmp(prev, f->stack)) ||
		    !area_of(ctx, task, f->sp, &a))
			continue;
		if (prev && prev[0])
			fprintf(ctx->out, " --- <%s> ---\n", prev);
		prev = f->stack;
		uint64_t end = scan_end(ctx, &a), from = f->sp & ~7ULL;
		uint64_t w = 0;
		/* a sleeping task's frame 0 is the word at its sp: once */
		if (i == 0) {
			struct kd_error *e = kd_read_u64(ctx->s, from, &w);
			if (!e && w == f->ip)
				from += 8;
			kd_error_destroy(e);
		}
		for (uint64_t addr = from; addr < end; addr += 8) {
			uint64_t v, regs[KD_NR_X86_64_REGS];
			struct kd_error *err = kd_read_u64(ctx->s, addr, &v);
			if (err) {	/* the stack stops here: partial */
				kd_cmd_lost(err);
				break;
			}
			if (!kd_unwind_is_kernel_text(ctx->s, v) ||
			    !kd_unwind_is_call_site(ctx->s, v))
				continue;
			struct kd_frame rf = { .sp = addr, .ip = v };
			kd_unwind_frame_symbol(ctx->s, &rf);
			kd_bt_print_frame(ctx, &rf, level++, flags);
			if (rf.function && !strncmp(rf.function, "asm_", 4) &&
			    kd_unwind_eframe_at(ctx->s, addr + 8, regs) ==
			    KD_EFRAME_KERNEL) {
				print_exception_rip(ctx, regs[KD_RIP]);
				print_regs(ctx->out, regs);
				addr += kd_unwind_pt_regs_size(ctx->s);
			}
		}
	}
	top_user_regs(ctx, task);
}

/* -r: the task's stack, two words a line; a word that is a kernel
 * symbol's address shows as "name+offset" (crash's symbolic display, as
 * rd -s), left-justified in the column. */
static void raw_word(struct kd_cmd_ctx *ctx, uint64_t v)
{
	struct kd_symbol sym;
	uint64_t off;
	char buf[256];
	if (kd_cmd_symbol_at(kd_session_symtab(ctx->s), v, &sym, &off)) {
		if (off)
			snprintf(buf, sizeof(buf), "%s+%" PRIu64, sym.name, off);
		else
			snprintf(buf, sizeof(buf), "%s", sym.name);
		fprintf(ctx->out, "%-16s ", buf);
	} else {
		fprintf(ctx->out, "%016" PRIx64 " ", v);
	}
}

static void print_raw(struct kd_cmd_ctx *ctx, const struct kd_stack_area *a)
{
	for (uint64_t addr = a->lo; addr < a->hi; addr += 16) {
		uint64_t w[2];
		struct kd_error *err = kd_read_kvaddr(ctx->s, addr, w, 16);
		if (err) {
			kd_cmd_error(ctx, "cannot read the stack at %" PRIx64
				     ": %s", addr, err->message);
			kd_error_destroy(err);
			return;
		}
		fprintf(ctx->out, "%016" PRIx64 ":  ", addr);
		raw_word(ctx, w[0]);
		raw_word(ctx, w[1]);
		fputc('\n', ctx->out);
	}
}

/* ---- one task ---- */

/* -R: does the backtrace name ref (a symbol, or a text address)? */
static int refers_to(const struct kd_backtrace *bt, const char *ref)
{
	char *end;
	uint64_t v = strtoull(ref, &end, 16);
	int is_addr = *ref && !*end;
	for (size_t i = 0; i < bt->nframes; i++) {
		const struct kd_frame *f = &bt->frames[i];
		if ((f->function && !strcmp(f->function, ref)) ||
		    (is_addr && f->ip == v))
			return 1;
	}
	return 0;
}

static int print_task(struct kd_cmd_ctx *ctx, uint64_t task, unsigned flags,
		      const char *ref)
{
	struct kd_backtrace *bt;
	struct kd_stack_area stack;
	struct kd_error *err = kd_unwind_task(ctx->s, task, NULL, &bt);
	if (err)
		return kd_cmd_fail(ctx, err);
	if (ref && !refers_to(bt, ref)) {
		kd_backtrace_destroy(bt);
		return 0;
	}
	print_header(ctx->out, bt);
	int rc = 0;
	int scanning = flags & (KD_BT_TEXT | KD_BT_TEXT_ALL | KD_BT_EFRAMES |
				KD_BT_RAW | KD_BT_OLD);
	if (scanning &&
	    (err = kd_unwind_task_stack_area(ctx->s, task, &stack))) {
		kd_backtrace_destroy(bt);
		return kd_cmd_fail(ctx, err);
	}
	if (flags & KD_BT_RAW) {
		print_raw(ctx, &stack);
	} else if (flags & KD_BT_TEXT_ALL) {
		scan_text(ctx, stack.lo, scan_end(ctx, &stack), flags);
		top_user_regs(ctx, &stack);
	} else if (flags & KD_BT_TEXT) {
		print_text(ctx, bt, &stack, flags);
	} else if (flags & KD_BT_EFRAMES) {
		uint64_t from = bt->nframes && bt->frames[0].sp >= stack.lo &&
				bt->frames[0].sp < stack.hi ? bt->frames[0].sp :
				stack.lo;
		search_eframes(ctx, from, &stack);
	} else if (flags & KD_BT_OLD) {
		print_old(ctx, bt, &stack, flags);
	} else {
		print_frames(ctx, bt, flags);
		/* the frames found are shown; the trace stopped before the
		 * end of the stack: a partial answer, said and failed */
		if (bt->error)
			rc = kd_cmd_error(ctx, "%s", bt->error);
	}
	if (ref)
		fputc('\n', ctx->out);	/* crash's -R leaves a blank line */
	kd_backtrace_destroy(bt);
	return rc;
}

int kd_bt_print_task(struct kd_cmd_ctx *ctx, uint64_t task, unsigned flags)
{
	return print_task(ctx, task, flags, NULL);
}

/* -E: every CPU stack's exception frames. */
static int search_cpu_stacks(struct kd_cmd_ctx *ctx)
{
	const struct kd_stack_area *v;
	size_t n;
	struct kd_error *err = kd_unwind_cpu_stacks(ctx->s, &v, &n);
	if (err)
		return kd_cmd_fail(ctx, err);
	for (size_t i = 0; i < n; i++) {
		char name[64];
		size_t k = 0;
		for (; v[i].name[k] && k + 1 < sizeof(name); k++)
			name[k] = (char)toupper((unsigned char)v[i].name[k]);
		name[k] = '\0';
		fprintf(ctx->out, "CPU %d %s:\n", v[i].cpu, name);
		if (search_eframes(ctx, v[i].lo, &v[i]))
			fputc('\n', ctx->out);
		else
			fprintf(ctx->out, "(none found)\n\n");
	}
	return 0;
}

/* -v: the STACK_END_MAGIC at the bottom of every task's stack. */
static int check_overflows(struct kd_cmd_ctx *ctx)
{
	struct kd_task_ref *tasks;
	size_t n, bad = 0;
	struct kd_error *err = kd_task_list(ctx->s, &tasks, &n);
	if (err)
		return kd_cmd_fail(ctx, err);
	for (size_t i = 0; i < n; i++) {
		struct kd_stack_area a;
		uint64_t magic = 0;
		err = kd_unwind_task_stack_area(ctx->s, tasks[i].task, &a);
		if (!err)
			err = kd_read_u64(ctx->s, a.lo, &magic);
		if (!err && (magic & 0xffffffff) == STACK_END_MAGIC)
			continue;
		kd_cmd_task_header(ctx->out, &tasks[i]);
		if (err)
			fprintf(ctx->out, "cannot check the stack: %s\n",
				err->message);
		else
			fprintf(ctx->out, "possible stack overflow: %" PRIx64
				" != STACK_END_MAGIC\n", magic);
		kd_error_destroy(err);
		bad++;
	}
	free(tasks);
	if (!bad)
		fprintf(ctx->out, "No stack overflows detected\n");
	return 0;
}

/* ---- task selection ---- */

struct targets {
	uint64_t *v;
	size_t n, cap;
};

static int add_target(struct targets *t, uint64_t task)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i] == task)
			return 1;
	if (kd_array_reserve(&t->v, &t->cap, t->n + 1))
		return 0;
	t->v[t->n++] = task;
	return 1;
}

static int is_decimal(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return *s != 0;
}

/* A pid (every task with it), or a task_struct address in hex. */
static int select_arg(struct kd_cmd_ctx *ctx, const char *arg,
		      const struct kd_task_ref *tasks, size_t ntasks,
		      struct targets *t)
{
	size_t before = t->n;
	if (is_decimal(arg)) {
		long pid = strtol(arg, NULL, 10);
		for (size_t i = 0; i < ntasks; i++)
			if (tasks[i].pid == pid && !add_target(t, tasks[i].task))
				return 0;
	}
	if (t->n == before) {
		char *end;
		uint64_t v = strtoull(arg, &end, 16);
		for (size_t i = 0; !*end && i < ntasks; i++)
			if (tasks[i].task == v && !add_target(t, v))
				return 0;
	}
	if (t->n == before) {
		kd_cmd_error(ctx, "invalid task or pid value: %s", arg);
		return 0;
	}
	return 1;
}

/* -a: the active task of every CPU (cpus NULL) or of those in cpus;
 * -p the panic task (CPU 0's task when the panic CPU is unknown); else
 * the current context (set). */
static void select_active(struct kd_cmd_ctx *ctx, int all, int panic_only,
			  const unsigned char *cpus, struct targets *t)
{
	if (!all && !cpus && !panic_only) {
		uint64_t task = kd_current_task(ctx->s);
		if (task)
			add_target(t, task);
		return;
	}
	if (!all && !cpus) {
		int panic = kd_panic_cpu(ctx->s);
		uint64_t task = kd_task_active(ctx->s, panic >= 0 ? panic : 0);
		if (task)
			add_target(t, task);
		return;
	}
	int ncpus = kd_task_nr_cpus(ctx->s);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t task = kd_task_active(ctx->s, cpu);
		if (task && (!cpus || cpus[cpu]))
			add_target(t, task);
	}
}

/* bt and bt -a without a task: a CPU whose running task (rq->curr)
 * cannot be read would just be missing from the output; say so. */
static int missing_active(struct kd_cmd_ctx *ctx, int all)
{
	int panic = kd_panic_cpu(ctx->s);
	int ncpus = kd_task_nr_cpus(ctx->s), rc = 0;
	if (ncpus <= 0)
		return kd_cmd_error(ctx, "no CPU runqueue found: no active "
				    "task to show");
	for (int cpu = 0; cpu < ncpus; cpu++) {
		if (!all && cpu != (panic >= 0 ? panic : 0))
			continue;
		if (!kd_task_active(ctx->s, cpu))
			rc = kd_cmd_error(ctx, "cannot find the task active "
					  "on CPU %d (runqueues.curr)", cpu);
	}
	return rc;
}

static int select_args(struct kd_cmd_ctx *ctx, int argc, char **argv,
		       struct targets *t)
{
	struct kd_task_ref *tasks;
	size_t ntasks;
	struct kd_error *err = kd_task_list(ctx->s, &tasks, &ntasks);
	if (err) {
		kd_cmd_fail(ctx, err);
		return 0;
	}
	int ok = 1;
	for (int i = optind; ok && i < argc; i++)
		ok = select_arg(ctx, argv[i], tasks, ntasks, t);
	free(tasks);
	return ok;
}

/* -g: each target's thread group, the leader first. */
static int thread_groups(struct kd_cmd_ctx *ctx, struct targets *t)
{
	struct kd_task_table tab;
	struct kd_error *err = kd_task_table_collect(ctx->s, &tab);
	if (err)
		return kd_cmd_fail(ctx, err);
	struct targets g = { 0 };
	int ok = 1;
	for (size_t i = 0; ok && i < t->n; i++) {
		const struct kd_task_info *ti = kd_task_table_addr(&tab, t->v[i]);
		if (!ti) {
			ok = add_target(&g, t->v[i]);
			continue;
		}
		const struct kd_task_info *leader =
			kd_task_table_pid(&tab, ti->tgid);
		if (leader && leader->tgid == ti->tgid)
			ok = add_target(&g, leader->task);
		for (size_t k = 0; ok && k < tab.n; k++)
			if (tab.v[k].tgid == ti->tgid && ti->pid != 0)
				ok = add_target(&g, tab.v[k].task);
		if (ok && ti->pid == 0)
			ok = add_target(&g, ti->task);
	}
	kd_task_table_free(&tab);
	free(t->v);
	*t = g;
	return ok ? 0 : kd_cmd_error(ctx, "out of memory");
}

struct btopts {
	unsigned flags;
	int all, panic_only, group, cpus_set, search_cpus, overflow;
	unsigned char *cpus;
	const char *ref;
};

static int parse(struct kd_cmd_ctx *ctx, int argc, char **argv,
		 struct btopts *o)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "aflpstTeErogxdvc:R:FIOSn")) != -1) {
		if (kd_bt_flag(c, &o->flags))
			continue;
		switch (c) {
		case 'a': o->all = 1; break;
		case 'p': o->panic_only = 1; break;
		case 'g': o->group = 1; break;
		case 'E': o->search_cpus = 1; break;
		case 'v': o->overflow = 1; break;
		case 'R': o->ref = optarg; break;
		case 'c': {
			int n = kd_task_nr_cpus(ctx->s);
			free(o->cpus);
			o->cpus = calloc(n > 0 ? (size_t)n : 1, 1);
			if (!o->cpus)
				return kd_cmd_error(ctx, "out of memory");
			if (kd_cmd_cpuspec(ctx, optarg, n, o->cpus) < 0)
				return 1;
			o->cpus_set = 1;
			break;
		}
		case 'F': case 'I': case 'O': case 'S': case 'n':
			return kd_cmd_error(ctx, "-%c is not supported (%s)", c,
					    c == 'F' ? "symbolic frame data" :
					    c == 'n' ? "idle-task filtering" :
					    c == 'O' ? "a default method" :
					    "a starting ip or sp");
		default:
			if (optopt == 'c' || optopt == 'R')
				return kd_cmd_error(ctx, "option -%c needs an "
						    "argument", optopt);
			return kd_cmd_bad_option(ctx, optopt);
		}
	}
	unsigned modes = o->flags & (KD_BT_TEXT | KD_BT_TEXT_ALL |
				     KD_BT_EFRAMES | KD_BT_RAW | KD_BT_OLD);
	if (modes & (modes - 1))
		return kd_cmd_error(ctx, "-t, -T, -e, -r and -o exclude each "
				    "other");
	if ((o->flags & KD_BT_HEX) && (o->flags & KD_BT_DEC))
		return kd_cmd_error(ctx, "-d and -x are mutually exclusive");
	return 0;
}

static int run_bt(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct btopts o = { 0 };
	if (parse(ctx, argc, argv, &o)) {
		free(o.cpus);
		return 1;
	}
	if (o.search_cpus || o.overflow) {
		free(o.cpus);
		return o.search_cpus ? search_cpu_stacks(ctx) :
				       check_overflows(ctx);
	}
	struct targets t = { 0 };
	int ok = 1;
	if (optind < argc && !o.all && !o.panic_only && !o.cpus_set)
		ok = select_args(ctx, argc, argv, &t);
	else	/* with no task: the current context (set) */
		select_active(ctx, o.all, o.panic_only,
			      o.cpus_set ? o.cpus : NULL, &t);
	if (ok && o.group && thread_groups(ctx, &t))
		ok = 0;
	int rc = ok ? 0 : 1;
	if (!(optind < argc && !o.all && !o.panic_only) && !o.cpus_set)
		rc |= missing_active(ctx, o.all);
	int printed = 0;
	for (size_t i = 0; ok && i < t.n; i++) {
		if (printed && !o.ref)
			fprintf(ctx->out, "\n");
		rc |= print_task(ctx, t.v[i], o.flags, o.ref);
		printed = 1;
	}
	free(t.v);
	free(o.cpus);
	return rc;
}

const struct kd_command kd_cmd_bt = {
	.name = "bt",
	.summary = "backtrace",
	.usage =
	"bt [-a|-c cpus|-g|-p] [-f|-l|-s [-x|-d]|-t|-T|-e|-E|-r|-o|-v]\n"
	"   [-R ref] [pid | task] ...\n"
	"  Display a kernel stack backtrace (ORC unwinder).  With no task,\n"
	"  the panic task's.\n"
	"    -a  the active task on each CPU;  -c cpus  on the CPUs named\n"
	"        (\"1\", \"0,1\", \"0-1\")\n"
	"    -g  every thread of the task's thread group, leader first\n"
	"    -p  the panic task only\n"
	"    -f  all stack data of each frame;  -l  source file and line\n"
	"    -s  symbol name plus offset (-x in hexadecimal, -d decimal)\n"
	"    -t  text symbols from the first frame to the top of the stack\n"
	"    -T  text symbols of the whole stack\n"
	"    -o  every return address on the stack (crash's old method)\n"
	"    -e  search the stack for exception frames;  -E  every CPU's\n"
	"        IRQ and exception stacks\n"
	"    -r  the raw stack;  -v  check each stack's end marker\n"
	"    -R ref  only backtraces naming the symbol or text address ref\n"
	"  pid   every task with this pid;  task  a task_struct address (hex)\n",
	.run = run_bt,
	.needs_vmlinux = 1,
};
