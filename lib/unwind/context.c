// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The unwinding context of a session, built on the first backtrace:
 * member offsets from DWARF (task_struct, inactive_task_frame, pt_regs),
 * THREAD_SIZE, the per-CPU offsets, the ORC tables and the known stacks.
 * Kernel facts relied on:
 *   - THREAD_SIZE is the size of init_task's stack: __end_init_task -
 *     init_stack (x86_64 has no stack padding), else union thread_union;
 *   - per-CPU variable of CPU n is at its offset + __per_cpu_offset[n];
 *     nr_cpu_ids bounds the CPUs.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/dump.h>
#include <pykdump/memory.h>

#include "unwind_internal.h"

#define MAX_CPUS 8192

uint64_t kd_unwind_member_off(struct kd_unwind_ctx *c, const char *type,
			      const char *path)
{
	struct kd_type *t;
	struct kd_member_path mp;
	struct kd_error *err = kd_types_find(c->types, type, &t);
	if (!err)
		err = kd_type_member_path(t, path, &mp);
	if (err) {
		kd_error_destroy(err);
		return KD_NO_OFFSET;
	}
	if (mp.stopped_at_pointer && mp.rest)
		return KD_NO_OFFSET;
	return mp.bit_offset / 8;
}

static uint64_t type_size(struct kd_unwind_ctx *c, const char *name)
{
	struct kd_type *t;
	struct kd_error *err = kd_types_find(c->types, name, &t);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return kd_type_size(t);
}

static uint64_t sym_addr(struct kd_unwind_ctx *c, const char *name)
{
	uint64_t v = 0;
	return kd_symbol_try_addr(c->s, name, &v) ? v : 0;
}

static void task_offsets(struct kd_unwind_ctx *c)
{
	const char *ts = "struct task_struct";
	c->off_pid = kd_unwind_member_off(c, ts, "pid");
	c->off_comm = kd_unwind_member_off(c, ts, "comm");
	c->off_stack = kd_unwind_member_off(c, ts, "stack");
	c->off_thread_sp = kd_unwind_member_off(c, ts, "thread.sp");
	c->off_tasks = kd_unwind_member_off(c, ts, "tasks");
	c->off_cpu = kd_unwind_member_off(c, ts, "cpu");
	if (c->off_cpu == KD_NO_OFFSET)	/* before 5.16 */
		c->off_cpu = kd_unwind_member_off(c, ts, "thread_info.cpu");
	c->off_signal = kd_unwind_member_off(c, ts, "signal");
	c->off_thread_node = kd_unwind_member_off(c, ts, "thread_node");
	c->off_sig_thread_head =
		kd_unwind_member_off(c, "struct signal_struct", "thread_head");
	c->off_thread_group = kd_unwind_member_off(c, ts, "thread_group");
}

static void frame_offsets(struct kd_unwind_ctx *c)
{
	const char *itf = "struct inactive_task_frame";
	c->itf_size = type_size(c, itf);
	c->itf_bp = kd_unwind_member_off(c, itf, "bp");
	c->itf_ret = kd_unwind_member_off(c, itf, "ret_addr");
	uint64_t size = type_size(c, "struct pt_regs");
	uint64_t ip = kd_unwind_member_off(c, "struct pt_regs", "ip");
	c->ptregs_size = size ? (uint32_t)size : 168;
	c->ptregs_ip_off = ip != KD_NO_OFFSET ? (uint32_t)ip : 128;
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

static void cpus(struct kd_unwind_ctx *c)
{
	uint32_t n = 0;
	struct kd_error *err = kd_read_symbol(c->s, "nr_cpu_ids", &n,
					      sizeof(n));
	if (err || !n || n > MAX_CPUS) {
		kd_error_destroy(err);
		n = kd_dump_nr_cpus(kd_session_dump(c->s));
	}
	uint64_t base = sym_addr(c, "__per_cpu_offset");
	c->percpu_off = calloc(n ? n : 1, sizeof(uint64_t));
	if (!c->percpu_off || !base)
		return;
	err = kd_read_kvaddr(c->s, base, c->percpu_off, n * sizeof(uint64_t));
	if (err) {
		kd_error_destroy(err);
		return;
	}
	c->ncpus = (int)n;
	struct kd_symbol sym;
	err = kd_symtab_lookup(c->st, "runqueues", &sym);
	if (err) {
		kd_error_destroy(err);
		c->rq_off = KD_NO_OFFSET;
		return;
	}
	c->rq_off = sym.value;
	c->rq_curr = kd_unwind_member_off(c, "struct rq", "curr");
	c->rq_idle = kd_unwind_member_off(c, "struct rq", "idle");
}

static void ctx_destroy(void *data)
{
	struct kd_unwind_ctx *c = data;
	if (!c)
		return;
	kd_unwind_orc_fini(c);
	free(c->percpu_off);
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
	task_offsets(c);
	frame_offsets(c);
	thread_size(c);
	cpus(c);
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
