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

#include "walk_internal.h"

struct kd_session;
struct kd_kmodule;
struct memmap_state;
struct slab_state;

/*
 * A layout read once per memocache generation: kd_layout_cached() calls
 * fill the first time (and after a module debuginfo load or a type
 * purge), keeps the layout it wrote and, when fill failed, why: later
 * calls return a copy of that error.
 */
struct kd_layout_cache {
	uint64_t generation;		/* 0: not filled */
	enum kd_error_code code;	/* 0: filled without error */
	char *problem;
};
typedef struct kd_error *kd_layout_fill_fn(struct kd_session *s,
					   void *layout);
struct kd_error *kd_layout_cached(struct kd_session *s,
				  struct kd_layout_cache *c,
				  kd_layout_fill_fn *fill, void *layout)
	KD_WARN_UNUSED;

/* hlist_head.first, hlist_node.next */
struct kd_hlist_layout {
	uint64_t first, next;
};

/* The session forms of the walkers (lists.c, trees.c): the start clears
 * *ret and gives the memory source and the kind's layout, read once per
 * generation; the end logs the error (unless KD_WALK_NOLOG) and returns
 * it. */
enum kd_walk_kind {
	KD_WK_LIST, KD_WK_HLIST, KD_WK_RB, KD_WK_XA, KD_WK_MAPLE, KD_WK_NR
};
struct kd_walk_start {
	struct kd_memsrc src;
	const void *layout;	/* struct kd_list_layout ... by kind */
};
struct kd_error *kd_walk_begin(struct kd_session *s, enum kd_walk_kind kind,
			       struct kd_addr_list *ret,
			       struct kd_walk_start *w) KD_WARN_UNUSED;
struct kd_error *kd_walk_end(struct kd_session *s, unsigned flags,
			     const char *what, struct kd_error *err);
/* The fills of the tree layouts (trees.c). */
struct kd_error *kd_rb_layout_fill(struct kd_session *s, void *layout);
struct kd_error *kd_xa_layout_fill(struct kd_session *s, void *layout);
struct kd_error *kd_maple_layout_fill(struct kd_session *s, void *layout);

/* Where tasks and runqueues keep what the task list needs (tasks.c). */
struct kd_task_layout {
	uint64_t pid, comm, cpu, tasks;		/* struct task_struct */
	uint64_t signal, thread_node, thread_group;
	uint64_t sig_thread_head;		/* struct signal_struct */
	uint64_t rq_curr, rq_idle, rq_clock;	/* struct rq */
	uint64_t runqueues;	/* the per-CPU symbol; KD_ABSENT if none */
};

/* What the scheduler facts read (sched.c). */
struct kd_sched_layout {
	uint64_t rq_curr, rq_idle, rq_nr_running, rq_nr_running_size;
	uint64_t rq_clock, rq_clock_task;		/* struct rq */
	uint64_t last_arrival, last_queued;		/* struct task_struct */
	uint64_t last_switch_count, last_switch_time;
	uint64_t exec_start, sum_exec_runtime, nvcsw, nivcsw;
	uint64_t runqueues;	/* the per-CPU symbol; KD_ABSENT if none */
};

/* What the lock facts read (locks.c). */
struct kd_lock_layout {
	uint64_t mutex_owner, mutex_wait_list;		/* struct mutex */
	uint64_t mutex_count;		/* atomic_t count (before 4.10) */
	uint64_t rwsem_count, rwsem_owner, rwsem_wait_list;
	uint64_t sem_count, sem_wait_list;		/* struct semaphore */
	/* 7.x: a pointer to the first waiter instead of a list head */
	uint64_t mutex_first, rwsem_first, sem_first;
	uint64_t mw_list, mw_task;			/* struct mutex_waiter */
	uint64_t rw_list, rw_task, rw_type;		/* struct rwsem_waiter */
	uint64_t sw_list, sw_task;		/* struct semaphore_waiter */
	uint64_t t_blocked_on, t_blocker;		/* struct task_struct */
	int blocked_on_waiter;	/* blocked_on is a struct mutex_waiter * */
	int rwsem_new;		/* 5.3+ count/owner encoding */
	int64_t rwsem_wait_read;	/* RWSEM_WAITING_FOR_READ, -1 unknown */
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
	/* task_info.c: the session's task table (kd_task_table_shared,
	 * which kd_task_mem_usage answers from), and the memocache
	 * generation it was collected at */
	struct kd_task_table *task_table;
	uint64_t task_table_generation;	/* 0: not collected */
	/* tasks.c */
	struct kd_layout_cache task_cache;
	struct kd_task_layout task;
	uint64_t context;	/* crash's `set` task; 0: the panic task */
	/* the walkers' (lists.c, trees.c), by enum kd_walk_kind */
	struct kd_layout_cache walk_cache[KD_WK_NR];
	struct kd_list_layout list;
	struct kd_hlist_layout hlist;
	struct kd_rb_layout rb;
	struct kd_xa_layout xa;
	struct kd_maple_layout maple;
	/* sched.c, locks.c */
	struct kd_layout_cache sched_cache;
	struct kd_sched_layout sched;
	struct kd_layout_cache lock_cache;
	struct kd_lock_layout lock;
	/* the memory map and page flags (page.c), the slab allocator's
	 * layout and caches (slab.c): each file's own state */
	struct memmap_state *memmap;
	struct slab_state *slab;
};

void kd_memmap_state_destroy(void *p);
void kd_slab_state_destroy(void *p);

/* The session's state, created on first use (NULL: no memory). */
struct kd_kernel_state *kd_kernel_state(struct kd_session *s);

#endif
