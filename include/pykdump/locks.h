/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sleeping locks: who holds a mutex, an rw_semaphore or a semaphore, who
 * waits for it, and which lock a blocked task waits for.
 *
 * Kernel facts relied on:
 *   - struct mutex (4.10+, not PREEMPT_RT): atomic_long_t owner = the
 *     owning task_struct | flag bits MUTEX_FLAG_WAITERS 0x1 (the wait
 *     list is not empty), MUTEX_FLAG_HANDOFF 0x2, MUTEX_FLAG_PICKUP 0x4
 *     (kernel/locking/mutex.h: MUTEX_FLAGS 0x07); unlocked when the task
 *     part is 0.  Before 4.10: atomic_t count (1 free, 0 locked, < 0
 *     locked with waiters) and an optional task_struct *owner.
 *     PREEMPT_RT: mutex.rtmutex.owner = task | RT_MUTEX_HAS_WAITERS 0x1.
 *   - struct rw_semaphore (5.3+): atomic_long_t count with
 *     RWSEM_WRITER_LOCKED 0x1, RWSEM_FLAG_WAITERS 0x2, RWSEM_FLAG_HANDOFF
 *     0x4 and the number of readers from bit 8 (RWSEM_READER_SHIFT);
 *     atomic_long_t owner = the writer, or with RWSEM_READER_OWNED 0x1
 *     the last reader that took it (a hint: readers are not tracked),
 *     flag bits 0x7.  Before 5.3 the count used the XADD biases and owner
 *     was a task_struct *: only the writer is reported.
 *   - struct semaphore {lock, unsigned count, wait_list}: no owner.
 *   - waiters sit on the waiting task's stack, linked into the lock's
 *     wait_list through their first member: struct mutex_waiter {list,
 *     task, ...}, struct rwsem_waiter {list, task, type
 *     (RWSEM_WAITING_FOR_WRITE/READ), ...}, struct semaphore_waiter
 *     {list, task, up}.
 *   - what a task waits for: task->blocker (CONFIG_DETECT_HUNG_TASK_BLOCKER,
 *     6.15+: the lock address | BLOCKER_TYPE_MUTEX 0, _SEM 1,
 *     _RWSEM_READER 2, _RWSEM_WRITER 3 in the low two bits,
 *     include/linux/hung_task.h); task->blocked_on (the struct mutex *
 *     the task waits for in 6.16+; a struct mutex_waiter * with
 *     CONFIG_DEBUG_MUTEXES before); else its waiter found on its stack in
 *     the frame of the lock's slow path (__mutex_lock*,
 *     rwsem_down_{read,write}_slowpath, __down*...), whose list leads to
 *     the lock: the one node of the wait list that is not on the stack of
 *     the task its task member names.
 */
#ifndef PYKDUMP_LOCKS_H
#define PYKDUMP_LOCKS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

enum kd_lock_kind {
	KD_LOCK_NONE,
	KD_LOCK_MUTEX,
	KD_LOCK_RWSEM,
	KD_LOCK_SEMAPHORE,
};

enum kd_lock_mode {
	KD_LOCK_EXCL,		/* mutex, semaphore, rwsem writer */
	KD_LOCK_READ,		/* rwsem reader */
};

/* "mutex", "rw_semaphore", "semaphore", "" */
KD_PUBLIC const char *kd_lock_kind_name(enum kd_lock_kind kind);

struct kd_lock_waiter {
	uint64_t waiter;	/* the waiter struct (on the task's stack) */
	uint64_t task;
	enum kd_lock_mode mode;
};

struct kd_lock_state {
	enum kd_lock_kind kind;
	uint64_t addr;
	int locked;		/* 1 held, 0 free, -1 unknown */
	uint64_t owner;		/* the holding task (mutex, rwsem writer);
				   0 when none or unknown */
	int reader_owned;	/* rwsem held by readers */
	uint64_t readers;	/* their number (5.3+ count), 0 unknown */
	uint64_t last_reader;	/* rwsem owner field when reader-owned:
				   the last reader that took it (a hint) */
	uint64_t raw_owner;	/* the owner word as read (flags included) */
	uint64_t raw_count;	/* the count word (rwsem, semaphore, old
				   mutex) */
	int waiters_flag;	/* the lock says it has waiters */
	struct kd_lock_waiter *waiters;	/* the wait list, in order */
	size_t nwaiters;
	char *problem;		/* why the wait list is incomplete, or NULL */
};

/* The state of the lock of the given kind at addr, its wait list
 * included (at most KD_MAXEL_DEFAULT entries, cycle-checked).  Free with
 * kd_lock_state_fini. */
KD_PUBLIC struct kd_error *kd_lock_read(struct kd_session *s,
					enum kd_lock_kind kind, uint64_t addr,
					struct kd_lock_state *ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_lock_state_fini(struct kd_lock_state *st);

/* The functions a task waits in, innermost first, with the stack
 * address of each frame (kd_frame.sp of the task's backtrace): the
 * unwinder's answer, handed down so the kernel layer need not unwind. */
struct kd_wait_frame {
	uint64_t sp;
	const char *function;	/* NULL when unknown */
};

struct kd_blocked_on {
	enum kd_lock_kind kind;
	enum kd_lock_mode mode;
	uint64_t lock;		/* the lock's address */
	uint64_t waiter;	/* its waiter on the stack, 0 if not found */
	const char *how;	/* "blocker", "blocked_on", "stack" */
	int frame;		/* the frame waiting for it, -1 unknown */
};

/* Which lock the task waits for.  KD_ERR_NOT_FOUND when it waits for
 * none this layer knows (sleeping elsewhere, or running). */
KD_PUBLIC struct kd_error *kd_task_blocked_on(struct kd_session *s,
					      uint64_t task,
					      const struct kd_wait_frame *frames,
					      size_t nframes,
					      struct kd_blocked_on *ret)
	KD_WARN_UNUSED;

/* The lock kind a function waits for in its slow path ("__mutex_lock",
 * "rwsem_down_read_slowpath", "__down_interruptible" ...; GCC suffixes
 * such as ".constprop.0" ignored), and the mode; KD_LOCK_NONE for other
 * functions. */
KD_PUBLIC enum kd_lock_kind kd_lock_wait_function(const char *function,
						  enum kd_lock_mode *mode);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_LOCKS_H */
