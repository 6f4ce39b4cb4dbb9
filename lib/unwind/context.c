// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The unwinding context of a session, built on the first backtrace:
 * member offsets from DWARF (task_struct, inactive_task_frame, pt_regs),
 * THREAD_SIZE, the ORC tables and the known stacks.  Tasks, CPUs and
 * per-CPU data come from the kernel layer (tasks.h, highlevel.h).
 * Kernel facts relied on:
 *   - THREAD_SIZE is the size of init_task's stack: __end_init_task -
 *     init_stack (x86_64 has no stack padding), else union thread_union.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/offsets.h>

#include "unwind_internal.h"

#define TS "struct task_struct"
#define ITF "struct inactive_task_frame"
static const struct kd_layout_field ctx_fields[] = {
	KD_LF(struct kd_unwind_ctx, off_stack, TS, "stack", 0),
	KD_LF(struct kd_unwind_ctx, off_thread_sp, TS, "thread.sp", 0),
	KD_LF(struct kd_unwind_ctx, itf_size, ITF, NULL, KD_LF_SIZE),
	KD_LF(struct kd_unwind_ctx, itf_bp, ITF, "bp", 0),
	KD_LF(struct kd_unwind_ctx, itf_ret, ITF, "ret_addr", 0),
	KD_LF(struct kd_unwind_ctx, ptregs_size, "struct pt_regs", NULL,
	      KD_LF_SIZE),
	KD_LF(struct kd_unwind_ctx, ptregs_ip_off, "struct pt_regs", "ip", 0),
};

static uint64_t type_size(struct kd_unwind_ctx *c, const char *name)
{
	return kd_sizeof(c->s, name);
}

static uint64_t sym_addr(struct kd_unwind_ctx *c, const char *name)
{
	uint64_t v = 0;
	return kd_symbol_try_addr(c->s, name, &v) ? v : 0;
}

/* What is absent stays KD_ABSENT: a task is then started from its
 * registers only; pt_regs default to the x86_64 ABI's. */
static void frame_offsets(struct kd_unwind_ctx *c)
{
	kd_error_destroy(kd_layout_fill(c->s, ctx_fields,
					KD_ARRAY_SIZE(ctx_fields), c));
	if (!kd_present(c->ptregs_size))
		c->ptregs_size = 168;
	if (!kd_present(c->ptregs_ip_off))
		c->ptregs_ip_off = 128;
	c->ret_from_fork = sym_addr(c, "ret_from_fork");
	c->text_lo = sym_addr(c, "_stext");
	c->text_hi = sym_addr(c, "_etext");
	c->inittext_lo = sym_addr(c, "_sinittext");
	c->inittext_hi = sym_addr(c, "_einittext");
}

static void thread_size(struct kd_unwind_ctx *c)
{
	uint64_t lo = sym_addr(c, "init_stack");
	uint64_t hi = sym_addr(c, "__end_init_task");
	if (lo && hi > lo && hi - lo <= (1 << 20))
		c->thread_size = hi - lo;
	else
		c->thread_size = type_size(c, "union thread_union");
	if (!c->thread_size)
		c->thread_size = 16384;	/* x86_64 default without KASAN */
}

static void ctx_destroy(void *data)
{
	struct kd_unwind_ctx *c = data;
	if (!c)
		return;
	kd_unwind_orc_fini(c);
	free(c->stacks);
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c);
}

struct kd_error *kd_unwind_ctx_get(struct kd_session *s,
				   struct kd_unwind_ctx **ret)
{
	struct kd_unwind_ctx *c = kd_session_slot(s, KD_SLOT_UNWIND);
	if (c) {
		*ret = c;
		return NULL;
	}
	struct kd_symtab *st = kd_session_symtab(s);
	if (!st)
		return kd_error_create(KD_ERR_INVALID,
				       "backtraces need the vmlinux");
	c = calloc(1, sizeof(*c));
	if (!c)
		return &kd_error_nomem;
	c->s = s;
	c->st = st;
	struct kd_error *err = kd_session_types(s, &c->types);
	if (err) {
		free(c);
		return err;
	}
	frame_offsets(c);
	thread_size(c);
	err = kd_unwind_stacks_init(c);
	if (err) {
		ctx_destroy(c);
		return err;
	}
	kd_session_set_slot(s, KD_SLOT_UNWIND, c, ctx_destroy);
	*ret = c;
	return NULL;
}

int kd_unwind_is_text(struct kd_unwind_ctx *c, uint64_t ip)
{
	if (ip >= c->text_lo && ip < c->text_hi)
		return 1;
	if (ip >= c->inittext_lo && ip < c->inittext_hi)
		return 1;
	return kd_unwind_module_of(c, ip) != NULL;
}

struct kd_error *kd_unwind_task_stack(struct kd_session *s, uint64_t task,
				      uint64_t *base, uint64_t *top)
{
	struct kd_unwind_ctx *c;
	*base = *top = 0;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (!err && !kd_present(c->off_stack))
		err = kd_error_create(KD_ERR_NOT_FOUND, "struct task_struct "
				      "has no stack member");
	if (!err)
		err = kd_field_u64(s, task, c->off_stack, base);
	if (err)
		return err;
	*top = *base + c->thread_size;
	return NULL;
}
