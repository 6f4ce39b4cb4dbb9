// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One task's backtrace: the start state (CPU registers for an active
 * task, thread.sp + struct inactive_task_frame for a sleeping one, as
 * the kernel's unwind_start() does), the walk over the session's memory
 * (unwinder.c), then symbols and modules for every frame.  The task's
 * stack is read once into a buffer: every step reads a few words of it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/dump.h>
#include <pykdump/ksyms.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/tasks.h>

#include "unwind_internal.h"

struct run {
	struct kd_unwind_ctx *c;
	struct kd_stack_area task_stack;
	uint8_t *buf;		/* the task stack, once read */
	int buf_state;		/* 0 not tried, 1 read, -1 unreadable */
};

static void load_stack(struct run *r)
{
	uint64_t len = r->task_stack.hi - r->task_stack.lo;
	r->buf_state = -1;
	r->buf = malloc(len);
	if (!r->buf)
		return;
	struct kd_error *err =
		kd_read_kvaddr(r->c->s, r->task_stack.lo, r->buf, len);
	if (err) {	/* a page missing: read word by word instead */
		kd_error_destroy(err);
		free(r->buf);
		r->buf = NULL;
		return;
	}
	r->buf_state = 1;
}

static struct kd_error *env_read(void *arg, uint64_t addr, void *buf,
				 size_t len)
{
	struct run *r = arg;
	const struct kd_stack_area *t = &r->task_stack;
	if (addr >= t->lo && addr + len <= t->hi && addr + len > addr) {
		if (!r->buf_state)
			load_stack(r);
		if (r->buf_state > 0) {
			memcpy(buf, r->buf + (addr - t->lo), len);
			return NULL;
		}
	}
	return kd_read_kvaddr(r->c->s, addr, buf, len);
}

static int env_stack_of(void *arg, uint64_t addr, struct kd_stack_area *out)
{
	struct run *r = arg;
	if (addr >= r->task_stack.lo && addr < r->task_stack.hi) {
		*out = r->task_stack;
		return 1;
	}
	for (size_t i = 0; i < r->c->nstacks; i++) {
		const struct kd_stack_area *s = &r->c->stacks[i];
		if (addr >= s->lo && addr < s->hi) {
			*out = *s;
			return 1;
		}
	}
	return 0;
}

static int env_orc(void *arg, uint64_t ip, struct kd_orc_entry *e)
{
	struct run *r = arg;
	return kd_unwind_orc_lookup(r->c, ip, e);
}

static int env_is_text(void *arg, uint64_t ip)
{
	struct run *r = arg;
	return kd_unwind_is_text(r->c, ip);
}

static int env_is_call_site(void *arg, uint64_t ra)
{
	struct run *r = arg;
	return kd_unwind_is_call_site(r->c->s, ra);
}

int kd_unwind_is_call_site(struct kd_session *s, uint64_t ra)
{
	uint8_t b[8];
	struct kd_error *err = kd_read_kvaddr(s, ra - 8, b, sizeof(b));
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return kd_is_call_before(b);
}

/* An active task: its CPU's NT_PRSTATUS registers (note i is CPU i). */
static int start_from_cpu(struct run *r, const struct kd_task_ref *t,
			  struct kd_unwind_start *st)
{
	struct kd_dump *d = kd_session_dump(r->c->s);
	if (!t->active || t->cpu < 0 ||
	    (unsigned)t->cpu >= kd_dump_nr_cpu_states(d))
		return 0;
	const struct kd_cpu_state *cs = kd_dump_cpu_state(d, (unsigned)t->cpu);
	if (!cs || cs->nr_regs < KD_NR_X86_64_REGS || !cs->regs[KD_RSP])
		return 0;
	memcpy(st->regs, cs->regs, sizeof(st->regs));
	st->ip = cs->regs[KD_RIP];
	st->sp = cs->regs[KD_RSP];
	st->bp = cs->regs[KD_RBP];
	st->full_regs = 1;
	st->signal = 1;
	st->frame0_sp = st->sp;
	return 1;
}

static struct kd_error *start_from_thread(struct run *r, uint64_t task,
					  struct kd_unwind_start *st)
{
	struct kd_unwind_ctx *c = r->c;
	if (!kd_present(c->off_thread_sp) || !kd_present(c->itf_size) ||
	    !kd_present(c->itf_ret) || !kd_present(c->itf_bp))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "no thread.sp / struct inactive_task_frame "
				       "in the debuginfo");
	uint64_t sp;
	struct kd_error *err = kd_read_u64(c->s, task + c->off_thread_sp, &sp);
	if (!err)
		err = env_read(r, sp + c->itf_ret, &st->ip, 8);
	if (!err)
		err = env_read(r, sp + c->itf_bp, &st->bp, 8);
	if (err)
		return kd_error_prefix(err, "task %" PRIx64 " saved stack",
				       task);
	st->sp = sp + c->itf_size;
	st->frame0_sp = sp + c->itf_ret;
	/* A task that never ran resumes at ret_from_fork: an exact ip. */
	st->signal = st->ip == c->ret_from_fork;
	return NULL;
}

/* vmlinux symbols, then the modules' kallsyms (as crash names module
 * frames: "func at addr [module]"); a module without symbols still gets
 * its name, the offset then counted from its text. */
void kd_unwind_frame_symbol(struct kd_session *s, struct kd_frame *f)
{
	f->function = NULL;
	f->offset = 0;
	f->module = NULL;
	if (kd_ksym_lookup_addr(s, f->ip, &f->function, &f->offset,
				&f->module))
		return;
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	const struct kd_unwind_module *m = kd_unwind_module_of(c, f->ip);
	if (m) {
		f->module = m->name;
		f->offset = f->ip - m->text_lo;
	}
}

/* A CPU stopped in user mode (an NMI'd CPU running user code): nothing
 * on the kernel stack, the registers are the whole story. */
static struct kd_error *user_mode_only(const struct kd_unwind_start *st,
				       struct kd_backtrace *bt)
{
	bt->frames = calloc(1, sizeof(*bt->frames));
	if (!bt->frames)
		return &kd_error_nomem;
	struct kd_frame *f = bt->frames;
	bt->nframes = 1;
	f->sp = st->sp;
	f->ip = st->ip;
	f->stack = "";
	f->flags = KD_FRAME_START | KD_FRAME_REGS | KD_FRAME_USER_REGS;
	memcpy(f->regs, st->regs, sizeof(f->regs));
	return NULL;
}

static struct kd_error *walk_task(struct run *r, const struct kd_task_ref *t,
				  const struct kd_unwind_options *opts,
				  struct kd_backtrace *bt)
{
	struct kd_unwind_ctx *c = r->c;
	struct kd_unwind_start st = { 0 };
	struct kd_error *err = NULL;
	if (!start_from_cpu(r, t, &st))
		err = start_from_thread(r, t->task, &st);
	if (kd_error_is_fault(err)) {
		/* A corrupt saved state (thread.sp, the frame it points to):
		 * a trace with no frames that says why, so that bt still
		 * prints the task's header as crash does. */
		bt->error = strdup(err->message);
		kd_error_destroy(err);
		return bt->error ? NULL : &kd_error_nomem;
	}
	if (err)
		return err;
	if (st.full_regs && (st.regs[KD_CS] & 3))
		return user_mode_only(&st, bt);
	struct kd_unwind_env env = {
		.arg = r, .read = env_read, .stack_of = env_stack_of,
		.orc = env_orc, .is_text = env_is_text,
		.is_call_site = env_is_call_site,
		.ptregs_size = (uint32_t)c->ptregs_size,
		.ptregs_ip_off = (uint32_t)c->ptregs_ip_off,
		.max_frames = opts ? opts->max_frames : 0,
		.no_fallback = opts ? opts->no_fallback : 0,
	};
	err = kd_unwinder_run(&env, &st, &bt->frames, &bt->nframes,
			      &bt->error);
	for (size_t i = 0; i < bt->nframes; i++)
		kd_unwind_frame_symbol(c->s, &bt->frames[i]);
	if (!bt->error && kd_unwind_orc_load(c) && bt->nframes &&
	    !(bt->frames[bt->nframes - 1].flags & KD_FRAME_USER_REGS))
		bt->error = strdup(c->orc_problem);
	return err;
}

struct kd_error *kd_unwind_task(struct kd_session *s, uint64_t task,
				const struct kd_unwind_options *opts,
				struct kd_backtrace **ret)
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err)
		return err;
	struct kd_task_ref t;
	if ((err = kd_task_get(s, task, &t)))
		return err;
	struct kd_backtrace *bt = calloc(1, sizeof(*bt));
	if (!bt)
		return &kd_error_nomem;
	bt->task = task;
	bt->pid = t.pid;
	bt->cpu = t.cpu;
	bt->active = t.active;
	bt->panic = t.active && t.cpu == kd_panic_cpu(s);
	memcpy(bt->comm, t.comm, sizeof(t.comm));
	uint64_t stack = 0;
	if (kd_present(c->off_stack) &&
	    (err = kd_field_u64(s, task, c->off_stack, &stack)))
		goto fail;
	struct run r = { .c = c,
			 .task_stack = { stack, stack + c->thread_size, "", -1 } };
	err = walk_task(&r, &t, opts, bt);
	free(r.buf);
	if (err)
		goto fail;
	*ret = bt;
	return NULL;
fail:
	kd_backtrace_destroy(bt);
	return err;
}

void kd_backtrace_destroy(struct kd_backtrace *bt)
{
	if (!bt)
		return;
	free(bt->frames);
	free(bt->error);
	free(bt);
}
