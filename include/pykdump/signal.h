/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A task's signal state: the handlers of its thread group, its pending
 * and blocked signals, and the queued ones (private and shared).
 *
 * Kernel facts relied on (2.6+):
 *   - task->sighand->action[_NSIG] of struct k_sigaction { struct
 *     sigaction sa { sa_handler, sa_flags, sa_restorer, sa_mask } };
 *     handler 0 is SIG_DFL, 1 SIG_IGN, -1 SIG_ERR;
 *   - task->signal (struct signal_struct): nr_threads (count before
 *     2.6.x), shared_pending (struct sigpending { list, signal });
 *   - task->pending (the task's own), task->blocked (sigset_t);
 *   - queued signals are struct sigqueue on sigpending.list through
 *     sigqueue.list, info.si_signo their number;
 *   - x86: TIF_SIGPENDING is bit 2 of thread_info.flags (task_struct's
 *     own thread_info since 4.9).
 * Sets are read as their first 64 bits (_NSIG is 64 on x86_64).
 */
#ifndef PYKDUMP_SIGNAL_H
#define PYKDUMP_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

#define KD_NSIG			64
#define KD_MAX_SIGQUEUE		4096	/* queued signals listed, at most */

struct kd_sigaction {
	uint64_t addr;		/* its struct k_sigaction */
	uint64_t handler;	/* 0 SIG_DFL, 1 SIG_IGN, ~0 SIG_ERR */
	uint64_t flags;		/* sa_flags */
	uint64_t mask;		/* sa_mask */
};

struct kd_sigqueue_entry {
	uint64_t addr;		/* struct sigqueue */
	int signo;
	uint64_t info;		/* its siginfo */
};

struct kd_task_signals {
	uint64_t task;
	uint64_t signal_struct;	/* 0 when the task has none (exited) */
	uint64_t sighand;	/* 0 when none */
	int nr_threads;		/* -1 when unknown */
	struct kd_sigaction action[KD_NSIG];	/* signal i + 1 */
	int have_actions;
	int sigpending;		/* TIF_SIGPENDING */
	uint64_t blocked;
	uint64_t pending;	/* task->pending.signal */
	uint64_t shared;	/* signal->shared_pending.signal */
	int has_shared;		/* the kernel has shared_pending */
	struct kd_sigqueue_entry *private_queue, *shared_queue;
	size_t nprivate, nshared;
	int queues_only;	/* the error returned is a queue's: the rest
				   was read */
};

/* Read a task's signal state; release it with kd_task_signals_free().
 * A queue broken part-way keeps the entries before the break and gives
 * the error (the rest is filled, queues_only set); any other error
 * leaves the state unknown. */
KD_PUBLIC struct kd_error *kd_task_signals(struct kd_session *s,
					   uint64_t task,
					   struct kd_task_signals *ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_task_signals_free(struct kd_task_signals *sig);

/* The thread group id of a task (task->tgid). */
KD_PUBLIC struct kd_error *kd_task_tgid(struct kd_session *s, uint64_t task,
					int *ret) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_SIGNAL_H */
