/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tasks: the task list in crash's order, one task's identity, the task
 * running on each CPU, the panic CPU and task; and the details ps shows
 * (state, parent, memory).
 *
 * Kernel facts relied on:
 *   - every thread-group leader is on init_task.tasks; a group's threads
 *     are on signal->thread_head through thread_node (3.14+), or on the
 *     leader's thread_group list (older);
 *   - idle tasks (swapper/N) are on no list: rq->idle of each CPU's
 *     runqueue (per-CPU runqueues); rq->curr is the task running there;
 *   - task->cpu (5.16+) or task->thread_info.cpu is the task's CPU.
 * Walks use the kernel layer's list walker (bounded, cycle-checked,
 * cancellable); a list broken part-way gives the tasks found so far.
 */
#ifndef PYKDUMP_TASKS_H
#define PYKDUMP_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

struct kd_task_ref {
	uint64_t task;
	int pid;
	int cpu;		/* task_cpu() */
	int active;		/* rq->curr of cpu */
	char comm[17];
};

/*
 * Every task, in crash's order: the per-CPU idle tasks (swapper/N) by CPU,
 * then the others by pid (threads included: init_task.tasks, then each
 * leader's thread list).  *ret is malloc'd (free()).
 */
KD_PUBLIC struct kd_error *kd_task_list(struct kd_session *s,
					struct kd_task_ref **ret,
					size_t *n) KD_WARN_UNUSED;
/* The same, but a task list broken part-way (an unreadable link, a cycle,
 * a thread list that cannot be read) is no error: *ret holds the tasks
 * found, *problem says what stopped the walk (NULL when none; the caller
 * destroys it) and it is logged to kd_session_log.  kd_task_list is this
 * with the problem dropped. */
KD_PUBLIC struct kd_error *kd_task_list_partial(struct kd_session *s,
						struct kd_task_ref **ret,
						size_t *n,
						struct kd_error **problem)
	KD_WARN_UNUSED;
/* One task's pid, CPU, command and whether it is active. */
KD_PUBLIC struct kd_error *kd_task_get(struct kd_session *s, uint64_t task,
				       struct kd_task_ref *ret) KD_WARN_UNUSED;
/* The task active on cpu (rq->curr): 0 if unknown. */
KD_PUBLIC uint64_t kd_task_active(struct kd_session *s, int cpu);
/* Number of CPUs with a runqueue (the per-CPU areas): 0 if unknown. */
KD_PUBLIC int kd_task_nr_cpus(struct kd_session *s);
/* The CPU that panicked (the machine's panic_cpu: the dump header, else
 * panic_cpu / crashing_cpu): -1 if unknown. */
KD_PUBLIC int kd_panic_cpu(struct kd_session *s);
/* The task running on the panic CPU: 0 if unknown. */
KD_PUBLIC uint64_t kd_panic_task(struct kd_session *s);
/* The task's struct thread_info: inside the task_struct with
 * THREAD_INFO_IN_TASK (x86_64 4.9+), else at task->stack; 0 if unknown. */
KD_PUBLIC uint64_t kd_task_thread_info(struct kd_session *s, uint64_t task);
/* rq->clock of cpu (ns, the scheduler's clock when it last updated):
 * 0 and 1, or -1 when unknown. */
KD_PUBLIC int kd_task_rq_clock(struct kd_session *s, int cpu, uint64_t *ret);

/* ---- the task context (crash's `set`) ---- */

/* The task commands use when given none: the one made current by
 * kd_set_current_task(), else the panic task, else init_task; 0 when
 * none can be found.  It belongs to the session: the shell, its
 * commands and Python programs share it. */
KD_PUBLIC uint64_t kd_current_task(struct kd_session *s);
/* Make task the context: it must be one of kd_task_list's tasks
 * (KD_ERR_NOT_FOUND otherwise, the context unchanged).  0 returns to
 * the default (the panic task). */
KD_PUBLIC struct kd_error *kd_set_current_task(struct kd_session *s,
					       uint64_t task) KD_WARN_UNUSED;
/* The same without the check, for a task the caller took from the task
 * list (foreach, per task); returns the context it replaces (0: the
 * default), to restore with another call. */
KD_PUBLIC uint64_t kd_swap_current_task(struct kd_session *s, uint64_t task);
/* A task's kernel stack: [*lo, *hi) from task->stack and THREAD_SIZE
 * (the size of init_task's stack, __end_init_task - init_stack, else
 * sizeof(union thread_union), else 16 KB). */
KD_PUBLIC struct kd_error *kd_task_stack_range(struct kd_session *s,
					       uint64_t task, uint64_t *lo,
					       uint64_t *hi) KD_WARN_UNUSED;

/* ---- what ps shows ---- */

struct kd_task_info {
	uint64_t task;		/* task_struct address */
	int pid, ppid, tgid;
	int cpu;
	int active;		/* running on its CPU at the crash */
	int kthread;		/* kernel thread (or an idle task) */
	char comm[17];
	uint64_t state;		/* __state | exit_state */
	uint64_t mm;
	uint64_t total_vm;	/* pages */
	uint64_t rss;		/* pages */
	uint64_t parent;	/* task->parent (ppid is its pid) */
	unsigned policy;	/* task->policy: SCHED_NORMAL 0, FIFO 1 ... */
	uint64_t last_run;	/* sched_info.last_arrival: when it last ran
				   (rq clock ns); older kernels' last_run or
				   timestamp */
	uint64_t start_time;	/* task->start_time: ns since boot */
	uint64_t utime, stime;	/* cputime, ns */
	uint64_t ksp;		/* thread.sp: the kernel stack pointer saved
				   when it was switched out */
	int times_known;	/* start_time/utime/stime are ns counters
				   (start_time a u64: 3.17+) */
};

struct kd_task_table {
	struct kd_task_info *v;
	size_t n;
	uint64_t total_pages;	/* crash's vt->total_pages, for %MEM */
	uint64_t page_size;
	size_t unreadable;	/* tasks whose details could not be read */
	char *problem;		/* why the task list is incomplete, or NULL */
};

/* Every task of kd_task_list_partial with its details.  Problems reading
 * single tasks are logged (kd_session_log) and counted; a list broken
 * part-way gives the tasks before the break and ->problem; only a task
 * list that cannot be walked at all is an error. */
KD_PUBLIC struct kd_error *kd_task_table_collect(struct kd_session *s,
						 struct kd_task_table *ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_task_table_free(struct kd_task_table *t);
/* The task of a pid (the first one: idle tasks share pid 0) or of a
 * task_struct address; NULL when absent. */
KD_PUBLIC const struct kd_task_info *
kd_task_table_pid(const struct kd_task_table *t, int pid);
KD_PUBLIC const struct kd_task_info *
kd_task_table_addr(const struct kd_task_table *t, uint64_t task);

/* A user task's argument and environment strings, NUL-separated as the
 * kernel keeps them (mm->arg_start .. arg_end, env_start .. env_end, read
 * through the task's page tables); *args and *env malloc'd.  A kernel
 * thread (no mm): KD_ERR_NOT_FOUND.  A page that cannot be read:
 * KD_ERR_FAULT with ->addr the user address (nothing returned); areas
 * over 1 MB are refused as corrupt. */
KD_PUBLIC struct kd_error *kd_task_args(struct kd_session *s, uint64_t task,
					char **args, size_t *nargs,
					char **env, size_t *nenv)
	KD_WARN_UNUSED;
/* The task's resource limits {current, maximum} (signal->rlim[], where
 * 2.6.10+ keeps them; task->rlim before), RLIM_NLIMITS of them at most
 * max; *n their count.  RLIM_INFINITY is ~0. */
KD_PUBLIC struct kd_error *kd_task_rlimits(struct kd_session *s,
					   uint64_t task, uint64_t (*ret)[2],
					   size_t max, size_t *n) KD_WARN_UNUSED;
/* The session's task table (kd_task_table_collect), collected once per
 * memocache generation and owned by the session: valid until the next
 * call that changes the generation; do not free it.  For commands run
 * once per task (foreach), which would otherwise walk every task for
 * each. */
KD_PUBLIC struct kd_error *
kd_task_table_shared(struct kd_session *s,
		     const struct kd_task_table **ret) KD_WARN_UNUSED;
/* A task's memory as crash's get_task_mem_usage() counts it: the pages
 * of its mm's total_vm and its RSS (the mm's counters plus the unsynced
 * counts of every thread sharing the mm), both 0 for kernel threads and
 * for an address that is no task.  Answered from a task table collected
 * once per memocache generation. */
KD_PUBLIC struct kd_error *kd_task_mem_usage(struct kd_session *s,
					     uint64_t task, uint64_t *rss,
					     uint64_t *total_vm)
	KD_WARN_UNUSED;

/* An address space's counters as the OOM killer reads them
 * (get_mm_counter: the mm's own, without threads' unsynced deltas):
 * pages of MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES (0 when the kernel
 * has no such counter), swap entries (MM_SWAPENTS), and the bytes of its
 * page tables (mm->pgtables_bytes, 4.15+; nr_ptes pages before). */
struct kd_mm_counters {
	int64_t file, anon, shmem, swapents;
	uint64_t pgtables_bytes;
};
KD_PUBLIC struct kd_error *kd_mm_counters_read(struct kd_session *s,
					       uint64_t mm,
					       struct kd_mm_counters *ret)
	KD_WARN_UNUSED;

/* crash's two-letter state ("RU", "IN", "UN", "ID", "ZO" ...). */
KD_PUBLIC const char *kd_task_state_name(uint64_t state);
/* (crash's verbose state names: kd_task_state_verbose, below) */
/* 1 when name is one of kd_task_state_name()'s answers. */
KD_PUBLIC int kd_task_state_known(const char *name);
/* 0 when this kernel has no such state (crash's "invalid task state for
 * this kernel"): SW (swapping) needs a "W (paging)" entry in
 * fs/proc/array.c's task_state_array[] (2.6 kernels); 1 otherwise, and
 * when the array cannot be read. */
KD_PUBLIC int kd_task_state_in_kernel(struct kd_session *s,
				      const char *name);

/* ---- selecting tasks (crash's ps and foreach arguments) ---- */

/*
 * A task matches when it passes every filter (kind, state, policy) and,
 * when any pid, task, name or regular expression was added, one of
 * them.  Built by the calls below, which refuse what crash refuses
 * ("user and kernel are mutually exclusive", an invalid regular
 * expression, a second state).
 */
struct kd_task_match;
#define KD_TM_KERNEL	0x1	/* kernel threads (and idle tasks) */
#define KD_TM_USER	0x2	/* user tasks */
#define KD_TM_GLEADER	0x4	/* thread group leaders (with USER: crash's
				   "gleader") */
#define KD_TM_ACTIVE	0x8	/* running on a CPU at the crash */

KD_PUBLIC struct kd_error *kd_task_match_new(struct kd_task_match **ret)
	KD_WARN_UNUSED;
KD_PUBLIC void kd_task_match_free(struct kd_task_match *m);
KD_PUBLIC struct kd_error *kd_task_match_pid(struct kd_task_match *m,
					     int pid) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_task_match_task(struct kd_task_match *m,
					      uint64_t task) KD_WARN_UNUSED;
/* The command name, compared over TASK_COMM_LEN - 1 bytes. */
KD_PUBLIC struct kd_error *kd_task_match_name(struct kd_task_match *m,
					      const char *comm) KD_WARN_UNUSED;
/* A POSIX extended regular expression on the command name. */
KD_PUBLIC struct kd_error *kd_task_match_regex(struct kd_task_match *m,
					       const char *pattern)
	KD_WARN_UNUSED;
/* One of crash's state names (kd_task_state_known). */
KD_PUBLIC struct kd_error *kd_task_match_state(struct kd_task_match *m,
					       const char *state)
	KD_WARN_UNUSED;
/* KD_TM_* flags, added to those set before. */
KD_PUBLIC struct kd_error *kd_task_match_kind(struct kd_task_match *m,
					      unsigned kinds) KD_WARN_UNUSED;
/* Scheduling policies (bit n: policy n). */
KD_PUBLIC void kd_task_match_policies(struct kd_task_match *m,
				      uint64_t mask);
/* 1 when some pid, task, name or expression was added. */
KD_PUBLIC int kd_task_match_specified(const struct kd_task_match *m);
KD_PUBLIC int kd_task_match_test(const struct kd_task_match *m,
				 const struct kd_task_info *t);

/* ---- addresses of tasks (task_addr.c) ---- */

/* The kernel stack size (THREAD_SIZE): init_stack .. __end_init_task,
 * else sizeof(union thread_union), else 16 KiB (x86_64). */
KD_PUBLIC uint64_t kd_task_stack_size(struct kd_session *s);
/* A task's kernel stack (task->stack), 0 when unknown. */
KD_PUBLIC uint64_t kd_task_stack_base(struct kd_session *s, uint64_t task);

#define KD_TASK_AT_STRUCT	1	/* addr inside its task_struct */
#define KD_TASK_AT_STACK	2	/* addr on its kernel stack */
/* The task whose task_struct or kernel stack (where: KD_TASK_AT_*)
 * holds addr: 1 and *task, 0 when none. */
KD_PUBLIC int kd_task_by_addr(struct kd_session *s, uint64_t addr, int where,
			      uint64_t *task);
/* 1 when the panic came from SysRq: a return address into
 * sysrq_handle_crash on the panic task's stack (crash's test). */
KD_PUBLIC int kd_panic_by_sysrq(struct kd_session *s);
/* crash's verbose state: "TASK_RUNNING", "TASK_INTERRUPTIBLE",
 * "TASK_UNINTERRUPTIBLE|TASK_NOLOAD" ..., into buf. */
KD_PUBLIC char *kd_task_state_verbose(uint64_t state, char *buf,
				      size_t size);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_TASKS_H */
