// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The task list, one task's identity, the runqueues' current and idle
 * tasks, the panic CPU and task: see include/pykdump/tasks.h.
 *
 * The lists are walked with kd_list_walk() (bounded by MAX_TASKS, cycles
 * found and cut to the distinct entries, cancellable).  A walk that stops
 * on a broken link, a cycle or the limit leaves the tasks found so far
 * usable; only running out of memory, Ctrl-C or the time budget end it
 * for good.  The layout is read once per session.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/log.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>
#include <pykdump/types.h>
#include <pykdump/vector.h>

#include "kernel_internal.h"

#define MAX_TASKS (1u << 22)

#define TS "struct task_struct"
static const struct kd_layout_field task_fields[] = {
	KD_LF(struct kd_task_layout, pid, TS, "pid", KD_LF_REQUIRED),
	KD_LF(struct kd_task_layout, comm, TS, "comm", KD_LF_REQUIRED),
	KD_LF(struct kd_task_layout, tasks, TS, "tasks", KD_LF_REQUIRED),
	/* task->cpu from 5.16, thread_info.cpu before */
	KD_LF(struct kd_task_layout, cpu, TS, "cpu|thread_info.cpu", 0),
	KD_LF(struct kd_task_layout, signal, TS, "signal", 0),
	KD_LF(struct kd_task_layout, thread_node, TS, "thread_node", 0),
	KD_LF(struct kd_task_layout, thread_group, TS, "thread_group", 0),
	KD_LF(struct kd_task_layout, sig_thread_head, "struct signal_struct",
	      "thread_head", 0),
	KD_LF(struct kd_task_layout, rq_curr, "struct rq", "curr", 0),
	KD_LF(struct kd_task_layout, rq_idle, "struct rq", "idle", 0),
	KD_LF(struct kd_task_layout, rq_clock, "struct rq", "clock", 0),
};

static struct kd_error *fill(struct kd_session *s, void *layout)
{
	struct kd_task_layout *l = layout;
	struct kd_error *err = kd_layout_fill(s, task_fields,
					      KD_ARRAY_SIZE(task_fields), l);
	if (!kd_symbol_try_addr(s, "runqueues", &l->runqueues))
		l->runqueues = KD_ABSENT;
	return err;
}

/* The layout, read once per generation (*ret is set even on error: the
 * members found are usable). */
static struct kd_error *layout(struct kd_session *s,
			       const struct kd_task_layout **ret)
{
	static const struct kd_task_layout none = {
		KD_ABSENT, KD_ABSENT, KD_ABSENT, KD_ABSENT, KD_ABSENT,
		KD_ABSENT, KD_ABSENT, KD_ABSENT, KD_ABSENT, KD_ABSENT,
		KD_ABSENT, KD_ABSENT,
	};
	struct kd_kernel_state *k = kd_kernel_state(s);
	*ret = &none;
	if (!k)
		return &kd_error_nomem;
	*ret = &k->task;
	return kd_layout_cached(s, &k->task_cache, fill, &k->task);
}

/* rq->curr or rq->idle of cpu, 0 when unknown. */
static uint64_t rq_task(struct kd_session *s, const struct kd_task_layout *l,
			int cpu, uint64_t off)
{
	uint64_t rq, v = 0;
	if (cpu < 0 || !kd_present(l->runqueues) || !kd_present(off))
		return 0;
	struct kd_error *err = kd_percpu_ptr(s, l->runqueues, (unsigned)cpu,
					     &rq);
	if (!err)
		err = kd_read_ptr(s, rq + off, &v);
	kd_error_destroy(err);
	return err ? 0 : v;
}

uint64_t kd_task_active(struct kd_session *s, int cpu)
{
	const struct kd_task_layout *l;
	struct kd_error *err = layout(s, &l);
	kd_error_destroy(err);
	return rq_task(s, l, cpu, l->rq_curr);
}

int kd_task_nr_cpus(struct kd_session *s)
{
	return (int)kd_percpu_count(s);
}

int kd_panic_cpu(struct kd_session *s)
{
	return kd_machine_panic_cpu(s);
}

uint64_t kd_panic_task(struct kd_session *s)
{
	int cpu = kd_panic_cpu(s);
	return cpu >= 0 ? kd_task_active(s, cpu) : 0;
}

uint64_t kd_task_thread_info(struct kd_session *s, uint64_t task)
{
	/* THREAD_INFO_IN_TASK: task->thread_info is the struct itself;
	 * before, thread_info sits at the base of the stack (task->stack) */
	struct kd_types *types;
	struct kd_type *ts;
	struct kd_member m;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, "struct task_struct", &ts);
	if (!err)
		err = kd_type_find_member(kd_type_strip(ts, KD_STRIP_ALL),
					  "thread_info", &m);
	if (!err && kd_type_kind(kd_type_strip(m.type, KD_STRIP_ALL)) ==
		    KD_TYPE_STRUCT)
		return task + m.bit_offset / 8;
	kd_error_destroy(err);
	return kd_read_member_or0(s, task, "task_struct", "stack");
}

int kd_task_rq_clock(struct kd_session *s, int cpu, uint64_t *ret)
{
	const struct kd_task_layout *l;
	uint64_t rq;
	*ret = 0;
	struct kd_error *err = layout(s, &l);
	kd_error_destroy(err);
	if (cpu < 0 || !kd_present(l->runqueues) || !kd_present(l->rq_clock))
		return -1;
	err = kd_percpu_ptr(s, l->runqueues, (unsigned)cpu, &rq);
	if (!err)
		err = kd_read_u64(s, rq + l->rq_clock, ret);
	kd_error_destroy(err);
	return err ? -1 : 0;
}

/* ---- the context ---- */

uint64_t kd_current_task(struct kd_session *s)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (k && k->context)
		return k->context;
	uint64_t t = kd_panic_task(s);
	if (!t && !kd_symbol_try_addr(s, "init_task", &t))
		t = 0;
	return t;
}

uint64_t kd_swap_current_task(struct kd_session *s, uint64_t task)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (!k)
		return 0;
	uint64_t old = k->context;
	k->context = task;
	return old;
}

struct kd_error *kd_set_current_task(struct kd_session *s, uint64_t task)
{
	if (!task) {
		kd_swap_current_task(s, 0);
		return NULL;
	}
	struct kd_task_ref *v;
	size_t n, i;
	struct kd_error *err = kd_task_list(s, &v, &n);
	if (err)
		return kd_error_prefix(err, "cannot read the task list");
	for (i = 0; i < n && v[i].task != task; i++)
		;
	free(v);
	if (i == n)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "%llx is not a task on the task list",
				       (unsigned long long)task);
	if (!kd_kernel_state(s))
		return &kd_error_nomem;
	kd_swap_current_task(s, task);
	return NULL;
}

/* ---- one task ---- */

static int fill_ref(struct kd_session *s, const struct kd_task_layout *l,
		    uint64_t task, struct kd_task_ref *r)
{
	int32_t pid = 0, cpu = 0;
	memset(r, 0, sizeof(*r));
	struct kd_error *err = kd_field_read(s, task, l->pid, &pid, 4);
	if (!err)
		err = kd_field_read(s, task, l->comm, r->comm, 16);
	if (!err && kd_present(l->cpu))
		err = kd_field_read(s, task, l->cpu, &cpu, 4);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	r->task = task;
	r->pid = pid;
	r->cpu = cpu;
	r->active = cpu >= 0 && rq_task(s, l, cpu, l->rq_curr) == task;
	return 1;
}

struct kd_error *kd_task_get(struct kd_session *s, uint64_t task,
			     struct kd_task_ref *ret)
{
	const struct kd_task_layout *l;
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	if (!fill_ref(s, l, task, ret))
		return kd_error_create(KD_ERR_FAULT,
				       "cannot read task_struct at %llx",
				       (unsigned long long)task);
	return NULL;
}

/* ---- the list ---- */

struct task_vec {
	struct kd_task_ref *v;
	size_t n, cap;
	size_t dropped;		/* tasks whose pid or comm cannot be read */
};

/* Appends task unless its pid/comm cannot be read (then it is left out,
 * as crash does); 0 only without memory. */
static int push(struct kd_session *s, const struct kd_task_layout *l,
		struct task_vec *tv, uint64_t task)
{
	if (kd_array_reserve(&tv->v, &tv->cap, tv->n + 1))
		return 0;
	if (fill_ref(s, l, task, &tv->v[tv->n]))
		tv->n++;
	else
		tv->dropped++;
	return 1;
}

/* Every container on the list_head list at head (its link at off) but
 * skip; what was found before a walk error is kept. */
static struct kd_error *walk(struct kd_session *s,
			     const struct kd_task_layout *l, uint64_t head,
			     uint64_t off, struct task_vec *tv, uint64_t skip)
{
	struct kd_addr_list found;
	struct kd_error *err = kd_list_walk(s, head, off, KD_WALK_NOLOG,
					    MAX_TASKS, &found);
	for (size_t i = 0; i < found.n; i++) {
		if (found.addrs[i] != skip && !push(s, l, tv, found.addrs[i])) {
			kd_error_destroy(err);
			err = &kd_error_nomem;
			break;
		}
	}
	kd_addr_list_free(&found);
	return err;
}

static struct kd_error *threads_of(struct kd_session *s,
				   const struct kd_task_layout *l,
				   uint64_t leader, struct task_vec *tv)
{
	if (kd_present(l->thread_node) && kd_present(l->sig_thread_head)) {
		uint64_t sig;
		struct kd_error *err = kd_field_ptr(s, leader, l->signal, &sig);
		if (err)
			return err;
		return walk(s, l, sig + l->sig_thread_head, l->thread_node, tv,
			    leader);
	}
	if (!kd_present(l->thread_group))
		return NULL;
	return walk(s, l, leader + l->thread_group, l->thread_group, tv,
		    leader);
}

static int by_pid(const void *a, const void *b)
{
	const struct kd_task_ref *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->task < y->task ? -1 : x->task > y->task;
}

/* Errors that end a walk for good: anything else (an unreadable link, a
 * cycle, the limit) leaves the tasks found so far usable. */
static int fatal(const struct kd_error *err)
{
	return err && (err->code == KD_ERR_NOMEM ||
		       err->code == KD_ERR_INTERRUPTED ||
		       err->code == KD_ERR_TIMEOUT);
}

/* Keep the first problem of a walk, forget the others. */
static void note(struct kd_error **problem, struct kd_error *err)
{
	if (!*problem)
		*problem = err;
	else
		kd_error_destroy(err);
}

/* Sorted by pid, then address: a task found twice (on two lists of a
 * corrupt dump) is adjacent to itself. */
static void drop_duplicates(struct task_vec *tv, size_t from)
{
	size_t o = from;
	for (size_t i = from; i < tv->n; i++)
		if (o == from || tv->v[o - 1].task != tv->v[i].task)
			tv->v[o++] = tv->v[i];
	tv->n = o;
}

static int listed(const struct task_vec *tv, uint64_t task)
{
	for (size_t i = 0; i < tv->n; i++)
		if (tv->v[i].task == task)
			return 1;
	return 0;
}

/* The task running on each CPU (rq->curr).  One that exited may be off
 * the task list while it still runs (release_task unhashes it before its
 * last schedule): it is added, as ps shows it, and logged.  A CPU whose
 * running task cannot be read loses its active marker: a problem. */
static struct kd_error *active_tasks(struct kd_session *s,
				     const struct kd_task_layout *l,
				     struct task_vec *tv, int ncpus,
				     struct kd_error **problem)
{
	if (!kd_present(l->rq_curr))
		return NULL;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t curr = rq_task(s, l, cpu, l->rq_curr);
		if (curr && listed(tv, curr))
			continue;
		size_t before = tv->n;
		if (curr && !push(s, l, tv, curr))
			return &kd_error_nomem;
		if (tv->n > before) {
			kd_error_destroy(kd_log_warning(kd_session_log(s),
				"the task active on CPU %d (%llx) is not on "
				"the task list", cpu, (unsigned long long)curr));
			continue;
		}
		note(problem, kd_error_create(KD_ERR_CORRUPT,
			"the task active on CPU %d cannot be read "
			"(runqueues.curr %llx)", cpu,
			(unsigned long long)curr));
	}
	return NULL;
}

static struct kd_error *all_tasks(struct kd_session *s,
				  const struct kd_task_layout *l,
				  struct task_vec *tv,
				  struct kd_error **problem)
{
	uint64_t init = 0;
	if (!kd_symbol_try_addr(s, "init_task", &init))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "init_task not found");
	int ncpus = kd_task_nr_cpus(s);
	/* Every CPU with a runqueue has an idle task (rq->idle, set for
	 * each possible CPU at boot, online or not): a CPU without one is
	 * damage, not a fact about the machine. */
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t idle = rq_task(s, l, cpu, l->rq_idle);
		size_t before = tv->n;
		if (idle && !push(s, l, tv, idle))
			return &kd_error_nomem;
		if (tv->n == before && kd_present(l->rq_idle))
			note(problem, kd_error_create(KD_ERR_CORRUPT,
				"the idle task of CPU %d cannot be read "
				"(runqueues.idle %llx)", cpu,
				(unsigned long long)idle));
	}
	size_t nidle = tv->n;
	tv->dropped = 0;	/* the idle tasks' are reported above */
	struct kd_error *err = walk(s, l, init + l->tasks, l->tasks, tv, 0);
	if (fatal(err))
		return err;
	if (err)
		note(problem, kd_error_prefix(err, "init_task.tasks"));
	else if (tv->n == nidle)
		/* a booted kernel always has init and kthreadd on it */
		note(problem, kd_error_create(KD_ERR_CORRUPT,
			"init_task.tasks is empty"));
	size_t nleaders = tv->n;
	for (size_t i = nidle; i < nleaders; i++) {
		err = threads_of(s, l, tv->v[i].task, tv);
		if (fatal(err))
			return err;
		if (err)
			note(problem, kd_error_prefix(err, "threads of task %llx",
				(unsigned long long)tv->v[i].task));
	}
	kd_qsort(tv->v + nidle, tv->n - nidle, sizeof(*tv->v), by_pid);
	drop_duplicates(tv, nidle);
	if (tv->dropped)
		note(problem, kd_error_create(KD_ERR_FAULT,
			"%zu tasks on the lists cannot be read", tv->dropped));
	return active_tasks(s, l, tv, ncpus, problem);
}

struct kd_error *kd_task_list_partial(struct kd_session *s,
				      struct kd_task_ref **ret, size_t *n,
				      struct kd_error **problem)
{
	const struct kd_task_layout *l;
	*problem = NULL;
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	struct task_vec tv = { 0 };
	err = all_tasks(s, l, &tv, problem);
	if (err) {
		kd_error_destroy(*problem);
		*problem = NULL;
		free(tv.v);
		return err;
	}
	if (*problem)
		kd_error_destroy(kd_log_error(kd_session_log(s),
					      "task list incomplete: %s",
					      (*problem)->message));
	*ret = tv.v;
	*n = tv.n;
	return NULL;
}

struct kd_error *kd_task_list(struct kd_session *s, struct kd_task_ref **ret,
			      size_t *n)
{
	struct kd_error *problem;
	struct kd_error *err = kd_task_list_partial(s, ret, n, &problem);
	kd_error_destroy(problem);
	return err;
}
