// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bt [-a|-p] [-f] [-l] [-s] [pid | task ...]: kernel stack backtraces
 * (lib/unwind), printed as crash 8.0.6 prints them:
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
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/tasks.h>
#include <pykdump/unwind.h>

#include "bt.h"
#include "cmd_util.h"

static void print_header(FILE *out, const struct kd_backtrace *bt)
{
	fprintf(out, "PID: %-7d  TASK: %" PRIx64 "  CPU: %-3d  COMMAND: \"%s\"\n",
		bt->pid, bt->task, bt->cpu, bt->comm);
}

static void print_regs(FILE *out, const struct kd_frame *f)
{
	const uint64_t *r = f->regs;
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

static void print_name(FILE *out, const struct kd_frame *f, unsigned flags)
{
	if (f->function && (flags & KD_BT_OFFSETS) && f->offset)
		fprintf(out, "%s+%" PRIu64, f->function, f->offset);
	else if (f->function)
		fprintf(out, "%s", f->function);
	else
		fprintf(out, "%016" PRIx64, f->ip);
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
		if (err) {
			kd_error_destroy(err);
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
			    const struct kd_frame *next, unsigned flags)
{
	if (!(f->flags & KD_FRAME_USER_REGS) && next) {
		fprintf(ctx->out, "    [exception RIP: ");
		print_name(ctx->out, next, flags | KD_BT_OFFSETS);
		fprintf(ctx->out, "]\n");
	}
	print_regs(ctx->out, f);
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
			print_regs(ctx->out, f);	/* stopped in user mode */
			continue;
		}
		kd_bt_print_frame(ctx, f, level++, flags);
		if (flags & KD_BT_LINES)
			print_line(ctx, f->ip);
		if (f->flags & KD_FRAME_REGS)
			print_exception(ctx, f, next, flags);
		else if (flags & KD_BT_FRAME_DATA)
			print_data(ctx, f, next);
	}
}

int kd_bt_print_task(struct kd_cmd_ctx *ctx, uint64_t task, unsigned flags)
{
	struct kd_backtrace *bt;
	struct kd_error *err = kd_unwind_task(ctx->s, task, NULL, &bt);
	if (err)
		return kd_cmd_fail(ctx, err);
	print_header(ctx->out, bt);
	print_frames(ctx, bt, flags);
	if (bt->error)	/* the frames found are the answer: status 0 */
		kd_cmd_error(ctx, "%s", bt->error);
	kd_backtrace_destroy(bt);
	return 0;
}

/* ---- task selection ---- */

struct targets {
	uint64_t *v;
	size_t n;
};

static int add_target(struct targets *t, uint64_t task)
{
	uint64_t *p = realloc(t->v, (t->n + 1) * sizeof(*p));
	if (!p)
		return 0;
	t->v = p;
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
	if (t->n == before)
		kd_cmd_error(ctx, "invalid task or pid value: %s", arg);
	return 1;
}

/* -a: the active task of every CPU; else the panic task (CPU 0's task
 * when the panic CPU is unknown). */
static void select_active(struct kd_cmd_ctx *ctx, int all, struct targets *t)
{
	if (!all) {
		int panic = kd_panic_cpu(ctx->s);
		uint64_t task = kd_task_active(ctx->s, panic >= 0 ? panic : 0);
		if (task)
			add_target(t, task);
		return;
	}
	int ncpus = kd_task_nr_cpus(ctx->s);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t task = kd_task_active(ctx->s, cpu);
		if (task)
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

static int usage(struct kd_cmd_ctx *ctx)
{
	fprintf(ctx->out, "Usage: bt [-a|-p] [-f] [-l] [-s] [pid | task] ...\n");
	return 1;
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

static int run_bt(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	unsigned flags = 0;
	int all = 0, panic_only = 0, c;
	opterr = 0;
	while ((c = getopt(argc, argv, "aflps")) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'f': flags |= KD_BT_FRAME_DATA; break;
		case 'l': flags |= KD_BT_LINES; break;
		case 'p': panic_only = 1; break;
		case 's': flags |= KD_BT_OFFSETS; break;
		default:
			kd_cmd_error(ctx, "invalid option -- '%c'", optopt);
			return usage(ctx);
		}
	}
	struct targets t = { 0 };
	int ok = 1;
	if (optind < argc && !all && !panic_only)
		ok = select_args(ctx, argc, argv, &t);
	else	/* with no task: the current context, the panic task */
		select_active(ctx, all, &t);
	int rc = ok ? 0 : 1;
	if (!(optind < argc && !all && !panic_only))
		rc |= missing_active(ctx, all);
	for (size_t i = 0; i < t.n; i++) {
		if (i)
			fprintf(ctx->out, "\n");
		rc |= kd_bt_print_task(ctx, t.v[i], flags);
	}
	free(t.v);
	return rc;
}

const struct kd_command kd_cmd_bt = {
	.name = "bt",
	.summary = "backtrace",
	.usage =
	"bt [-a|-p] [-f] [-l] [-s] [pid | task] ...\n"
	"  Display a kernel stack backtrace (ORC unwinder).  With no task,\n"
	"  the panic task's.\n"
	"    -a  the active task on each CPU\n"
	"    -p  the panic task only\n"
	"    -f  all stack data of each frame\n"
	"    -l  source file and line of each frame\n"
	"    -s  symbol name plus offset\n"
	"  pid   every task with this pid;  task  a task_struct address (hex)\n",
	.run = run_bt,
	.needs_vmlinux = 1,
};
