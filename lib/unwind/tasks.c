// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tasks for backtraces: the task list, the task on each CPU, the panic
 * CPU.  Kernel facts relied on:
 *   - every thread-group leader is on init_task.tasks; a group's threads
 *     are on signal->thread_head through thread_node (3.14+), or on the
 *     leader's thread_group list (older);
 *   - idle tasks (swapper/N) are on no list: rq->idle of each CPU's
 *     runqueue; rq->curr is the task running there;
 *   - panic() stores its CPU in panic_cpu (atomic_t, -1 when none);
 *     crash_kexec / NMI shootdown use crashing_cpu.
 * Walks are bounded (MAX_TASKS), stop at a cycle (Brent) and are
 * cancellable; a list broken part-way gives the tasks found so far.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/dump.h>
#include <pykdump/log.h>
#include <pykdump/memory.h>

#include "unwind_internal.h"

#define MAX_TASKS (1u << 22)

struct task_vec {
	struct kd_task_ref *v;
	size_t n, cap;
};

static uint64_t percpu_rq_field(struct kd_unwind_ctx *c, int cpu,
				uint64_t off)
{
	uint64_t v = 0;
	if (cpu < 0 || cpu >= c->ncpus || c->rq_off == KD_NO_OFFSET ||
	    off == KD_NO_OFFSET)
		return 0;
	struct kd_error *err =
		kd_read_u64(c->s, c->rq_off + c->percpu_off[cpu] + off, &v);
	kd_error_destroy(err);
	return err ? 0 : v;
}

uint64_t kd_unwind_active_task(struct kd_session *s, int cpu)
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return percpu_rq_field(c, cpu, c->rq_curr);
}

int kd_unwind_nr_cpus(struct kd_session *s)
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return c->ncpus;
}

static int read_int_sym(struct kd_session *s, const char *name, int *v)
{
	struct kd_error *err = kd_read_symbol(s, name, v, sizeof(*v));
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return 1;
}

int kd_unwind_panic_cpu(struct kd_session *s)
{
	int cpu = kd_dump_panic_cpu(kd_session_dump(s));
	if (cpu >= 0)
		return cpu;
	if (read_int_sym(s, "panic_cpu", &cpu) && cpu >= 0)
		return cpu;
	if (read_int_sym(s, "crashing_cpu", &cpu) && cpu >= 0)
		return cpu;
	return -1;
}

static int fill_ref(struct kd_unwind_ctx *c, uint64_t task,
		    struct kd_task_ref *r)
{
	int32_t pid = 0, cpu = 0;
	memset(r, 0, sizeof(*r));
	struct kd_error *err = kd_read_kvaddr(c->s, task + c->off_pid, &pid, 4);
	if (!err)
		err = kd_read_kvaddr(c->s, task + c->off_comm, r->comm, 16);
	if (!err && c->off_cpu != KD_NO_OFFSET)
		err = kd_read_kvaddr(c->s, task + c->off_cpu, &cpu, 4);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	r->task = task;
	r->pid = pid;
	r->cpu = cpu;
	r->active = cpu >= 0 && percpu_rq_field(c, cpu, c->rq_curr) == task;
	return 1;
}

static struct kd_error *fill_task_ref(struct kd_session *s, uint64_t task,
				      struct kd_task_ref *r)
{
	struct kd_unwind_ctx *c;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err)
		return err;
	if (!fill_ref(c, task, r))
		return kd_error_create(KD_ERR_FAULT,
				       "cannot read task_struct at %llx",
				       (unsigned long long)task);
	return NULL;
}

static int push(struct kd_unwind_ctx *c, struct task_vec *tv, uint64_t task)
{
	if (tv->n == tv->cap) {
		size_t cap = tv->cap ? 2 * tv->cap : 256;
		void *p = realloc(tv->v, cap * sizeof(*tv->v));
		if (!p)
			return 0;
		tv->v = p;
		tv->cap = cap;
	}
	if (fill_ref(c, task, &tv->v[tv->n]))
		tv->n++;
	return 1;
}

/* Brent's cycle detection over the link values seen by a walk: a corrupt
 * list whose link points back into itself is found within about twice
 * its length, in constant memory. */
struct brent {
	uint64_t tortoise;
	size_t power, lam;
};

static int brent_step(struct brent *b, uint64_t next)
{
	if (next == b->tortoise)
		return 1;
	if (++b->lam == b->power) {
		b->tortoise = next;
		b->power *= 2;
		b->lam = 0;
	}
	return 0;
}

/* Appends every entry of the list at head (task = node - off) but skip.
 * A cycle stops the walk (entries of the loop may be pushed twice:
 * all_tasks drops duplicates); so do an unreadable link and MAX_TASKS. */
static struct kd_error *walk(struct kd_unwind_ctx *c, uint64_t head,
			     uint64_t off, struct task_vec *tv, uint64_t skip)
{
	uint64_t next;
	struct brent b = { .tortoise = head, .power = 1 };
	struct kd_error *err = kd_read_u64(c->s, head, &next);
	for (size_t i = 0; !err && next != head; i++) {
		if (i >= MAX_TASKS)
			return kd_error_create(KD_ERR_LIMIT,
					       "task list longer than %u: "
					       "corrupt?", MAX_TASKS);
		if (brent_step(&b, next))
			return kd_error_create(KD_ERR_CYCLE,
					       "list at %llx loops back to "
					       "%llx", (unsigned long long)head,
					       (unsigned long long)next);
		if ((err = kd_cancel_check()))
			return err;
		if (next - off != skip && !push(c, tv, next - off))
			return &kd_error_nomem;
		err = kd_read_u64(c->s, next, &next);
	}
	return err;
}

static struct kd_error *threads_of(struct kd_unwind_ctx *c, uint64_t leader,
				   struct task_vec *tv)
{
	if (c->off_thread_node != KD_NO_OFFSET &&
	    c->off_sig_thread_head != KD_NO_OFFSET) {
		uint64_t sig;
		struct kd_error *err =
			kd_read_u64(c->s, leader + c->off_signal, &sig);
		if (err)
			return err;
		return walk(c, sig + c->off_sig_thread_head,
			    c->off_thread_node, tv, leader);
	}
	if (c->off_thread_group == KD_NO_OFFSET)
		return NULL;
	return walk(c, leader + c->off_thread_group, c->off_thread_group, tv,
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

/* Sorted by pid, then address: a task pushed twice (a cycle's loop walked
 * before it was noticed) is adjacent to itself. */
static void drop_duplicates(struct task_vec *tv, size_t from)
{
	size_t o = from;
	for (size_t i = from; i < tv->n; i++)
		if (o == from || tv->v[o - 1].task != tv->v[i].task)
			tv->v[o++] = tv->v[i];
	tv->n = o;
}

static struct kd_error *all_tasks(struct kd_unwind_ctx *c, struct task_vec *tv,
				  struct kd_error **problem)
{
	uint64_t init = 0;
	if (!kd_symbol_try_addr(c->s, "init_task", &init) ||
	    c->off_tasks == KD_NO_OFFSET)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "init_task or task_struct.tasks not "
				       "found");
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		uint64_t idle = percpu_rq_field(c, cpu, c->rq_idle);
		if (idle && !push(c, tv, idle))
			return &kd_error_nomem;
	}
	size_t nidle = tv->n;
	struct kd_error *err = walk(c, init + c->off_tasks, c->off_tasks, tv, 0);
	if (fatal(err))
		return err;
	if (err)
		note(problem, kd_error_prefix(err, "init_task.tasks"));
	size_t nleaders = tv->n;
	for (size_t i = nidle; i < nleaders; i++) {
		err = threads_of(c, tv->v[i].task, tv);
		if (fatal(err))
			return err;
		if (err)
			note(problem, kd_error_prefix(err, "threads of task %llx",
				(unsigned long long)tv->v[i].task));
	}
	kd_qsort(tv->v + nidle, tv->n - nidle, sizeof(*tv->v), by_pid);
	drop_duplicates(tv, nidle);
	return NULL;
}

struct kd_error *kd_unwind_tasks_partial(struct kd_session *s,
					 struct kd_task_ref **ret, size_t *n,
					 struct kd_error **problem)
{
	struct kd_unwind_ctx *c;
	*problem = NULL;
	struct kd_error *err = kd_unwind_ctx_get(s, &c);
	if (err)
		return err;
	struct task_vec tv = { 0 };
	err = all_tasks(c, &tv, problem);
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

struct kd_error *kd_unwind_tasks(struct kd_session *s, struct kd_task_ref **ret,
				 size_t *n)
{
	struct kd_error *problem;
	struct kd_error *err = kd_unwind_tasks_partial(s, ret, n, &problem);
	kd_error_destroy(problem);
	return err;
}

struct kd_error *kd_unwind_task_ref(struct kd_session *s, uint64_t task,
				    struct kd_task_ref *ret)
{
	return fill_task_ref(s, task, ret);
}
