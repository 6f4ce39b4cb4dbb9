/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Wait queues: the entries queued on a wait queue head.
 *
 * Kernel facts relied on:
 *   - struct wait_queue_head { lock; struct list_head head; } with
 *     struct wait_queue_entry { flags; private; func; struct list_head
 *     entry; } (4.13+); before, wait_queue_head_t { lock; task_list }
 *     and wait_queue_t (struct __wait_queue) { flags; private; func;
 *     task_list };
 *   - an entry's private is the waiting task for the default wake
 *     functions (autoremove_wake_function, default_wake_function);
 *     other wake functions keep their own data there (epoll: a poll
 *     table entry).
 */
#ifndef PYKDUMP_WAITQ_H
#define PYKDUMP_WAITQ_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

struct kd_waitq_entry {
	uint64_t addr;		/* struct wait_queue_entry */
	uint64_t private;	/* the task, for the default wake functions */
	uint64_t func;		/* the wake function */
	uint32_t flags;
};

/* The entries on the wait queue head at head, in queue order; *ret
 * malloc'd.  The list walk's limits apply (highlevel.h): a list broken
 * part-way gives the entries before the break and the error. */
KD_PUBLIC struct kd_error *kd_waitq_entries(struct kd_session *s,
					    uint64_t head,
					    struct kd_waitq_entry **ret,
					    size_t *n) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_WAITQ_H */
