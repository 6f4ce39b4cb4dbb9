/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel layer's per-session state (session slot KD_SLOT_KERNEL):
 * what is read once and kept, each part filled on first use.
 */
#ifndef PYKDUMP_KERNEL_INTERNAL_H
#define PYKDUMP_KERNEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_session;
struct kd_kmodule;

/* Where tasks and runqueues keep what the task list needs (tasks.c). */
struct kd_task_layout {
	uint64_t pid, comm, cpu, tasks;		/* struct task_struct */
	uint64_t signal, thread_node, thread_group;
	uint64_t sig_thread_head;		/* struct signal_struct */
	uint64_t rq_curr, rq_idle;		/* struct rq */
	uint64_t runqueues;	/* the per-CPU symbol; KD_ABSENT if none */
};

struct kd_kernel_state {
	/* per-CPU: __per_cpu_offset[0 .. npercpu-1] (percpu.c) */
	uint64_t *percpu;
	unsigned npercpu;
	/* the module list and the memocache generation it was read at
	 * (kmodules.c) */
	struct kd_kmodule *modules;
	size_t nmodules;
	int modules_truncated;
	uint64_t modules_generation;	/* 0: not read */
	/* tasks.c: the layout, or why there is none */
	int tasks_ready;
	struct kd_task_layout task;
	struct kd_error *task_problem;
};

/* The session's state, created on first use (NULL: no memory). */
struct kd_kernel_state *kd_kernel_state(struct kd_session *s);

#endif
