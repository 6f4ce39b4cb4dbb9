// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The task table for ps, task and sys.  The list and its order come from
 * kd_unwind_tasks() (crash's order); each task is then read for what ps
 * shows.  Kernel facts relied on:
 *   - state: task_struct.__state (5.14+) or .state, OR'ed with
 *     .exit_state, as crash does; bit values (include/linux/sched.h,
 *     stable since 4.14): 1 INTERRUPTIBLE, 2 UNINTERRUPTIBLE, 4 STOPPED,
 *     8 TRACED, 0x10 EXIT_DEAD, 0x20 EXIT_ZOMBIE, 0x40 PARKED, 0x80
 *     DEAD, 0x200 WAKING, 0x400 NOLOAD (with UNINTERRUPTIBLE: idle),
 *     0x800 NEW;
 *   - kernel threads have PF_KTHREAD (0x00200000) in task->flags
 *     (2.6.27+) and no mm; idle tasks are pid 0;
 *   - RSS: mm->rss_stat is an array of percpu_counter (6.2+), or a
 *     struct mm_rss_stat { atomic_long_t count[] } (2.6.34 - 6.1) to
 *     which, with SPLIT_RSS_COUNTING, each thread's unsynced
 *     task->rss_stat.count[] adds; indices are enum MM_FILEPAGES,
 *     MM_ANONPAGES, MM_SHMEMPAGES (4.5+); older kernels have
 *     _file_rss/_anon_rss or rss.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/log.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/unwind.h>

#include "kread.h"
#include "memfacts.h"
#include "tasks.h"

#define PF_KTHREAD 0x00200000u

struct layout {
	uint64_t state, state_size, exit_state, flags, mm, real_parent, tgid;
	uint64_t task_rss;		/* task->rss_stat.count, or KR_NONE */
	uint64_t mm_rss;		/* mm->rss_stat */
	int percpu_rss;			/* mm->rss_stat[] is percpu_counter */
	uint64_t pcc_size;		/* sizeof(struct percpu_counter) */
	uint64_t mm_total_vm, mm_file_rss, mm_anon_rss, mm_rss_old;
	int64_t idx[3];			/* MM_FILEPAGES, ANON, SHMEM; -1 */
};

static void init_layout(struct kd_session *s, struct layout *l)
{
	l->state = kr_offset(s, "task_struct", "__state");
	l->state_size = kr_member_size(s, "task_struct", "__state");
	if (l->state == KR_NONE) {
		l->state = kr_offset(s, "task_struct", "state");
		l->state_size = kr_member_size(s, "task_struct", "state");
	}
	l->exit_state = kr_offset(s, "task_struct", "exit_state");
	l->flags = kr_offset(s, "task_struct", "flags");
	l->mm = kr_offset(s, "task_struct", "mm");
	l->real_parent = kr_offset(s, "task_struct", "real_parent");
	if (l->real_parent == KR_NONE)
		l->real_parent = kr_offset(s, "task_struct", "parent");
	l->tgid = kr_offset(s, "task_struct", "tgid");
	l->task_rss = kr_offset(s, "task_struct", "rss_stat.count");
	l->mm_rss = kr_offset(s, "mm_struct", "rss_stat");
	l->pcc_size = kr_type_size(s, "struct percpu_counter");
	l->percpu_rss = l->mm_rss != KR_NONE &&
			kr_offset(s, "mm_struct", "rss_stat.count") == KR_NONE;
	l->mm_total_vm = kr_offset(s, "mm_struct", "total_vm");
	l->mm_file_rss = kr_offset(s, "mm_struct", "_file_rss");
	l->mm_anon_rss = kr_offset(s, "mm_struct", "_anon_rss");
	l->mm_rss_old = kr_offset(s, "mm_struct", "rss");
	const char *names[3] = { "MM_FILEPAGES", "MM_ANONPAGES",
				 "MM_SHMEMPAGES" };
	for (int i = 0; i < 3; i++)
		if (!kr_enumerator(s, names[i], &l->idx[i], NULL))
			l->idx[i] = -1;
}

static uint64_t read_off(struct kd_session *s, uint64_t base, uint64_t off,
			 unsigned size, int *ok)
{
	uint64_t v = 0;
	if (off == KR_NONE)
		return 0;
	struct kd_error *err = kr_read_uint(s, base + off, size, &v);
	if (err) {
		kd_error_destroy(err);
		*ok = 0;
	}
	return v;
}

/* Pages counted in mm itself (without threads' unsynced deltas). */
static int64_t mm_rss_pages(struct kd_session *s, const struct layout *l,
			    uint64_t mm, int *ok)
{
	int64_t rss = 0;
	if (l->mm_rss == KR_NONE) {
		if (l->mm_file_rss != KR_NONE)
			return (int64_t)(read_off(s, mm, l->mm_file_rss, 8, ok) +
					 read_off(s, mm, l->mm_anon_rss, 8, ok));
		return (int64_t)read_off(s, mm, l->mm_rss_old, 8, ok);
	}
	for (int i = 0; i < 3; i++) {
		if (l->idx[i] < 0)
			continue;
		if (l->percpu_rss)
			rss += cmd_percpu_counter(s, mm + l->mm_rss +
						  (uint64_t)l->idx[i] * l->pcc_size);
		else
			rss += (int64_t)read_off(s, mm, l->mm_rss + 8 *
						 (uint64_t)l->idx[i], 8, ok);
	}
	return rss;
}

/* SPLIT_RSS_COUNTING: a thread's events not yet folded into its mm. */
static int64_t task_rss_delta(struct kd_session *s, const struct layout *l,
			      uint64_t task, int *ok)
{
	int64_t d = 0;
	if (l->task_rss == KR_NONE || l->percpu_rss)
		return 0;
	for (int i = 0; i < 3; i++)
		if (l->idx[i] >= 0)
			d += (int32_t)read_off(s, task, l->task_rss + 4 *
					       (uint64_t)l->idx[i], 4, ok);
	return d;
}

static int read_task(struct kd_session *s, const struct layout *l,
		     const struct kd_task_ref *r, struct cmd_task *t)
{
	int ok = 1;
	memset(t, 0, sizeof(*t));
	t->task = r->task;
	t->pid = r->pid;
	t->cpu = r->cpu;
	t->active = r->active;
	memcpy(t->comm, r->comm, sizeof(t->comm));
	t->state = read_off(s, r->task, l->state, (unsigned)l->state_size, &ok) |
		   read_off(s, r->task, l->exit_state, 4, &ok);
	uint64_t flags = read_off(s, r->task, l->flags, 4, &ok);
	t->mm = read_off(s, r->task, l->mm, 8, &ok);
	t->tgid = (int)read_off(s, r->task, l->tgid, 4, &ok);
	uint64_t parent = read_off(s, r->task, l->real_parent, 8, &ok);
	/* idle tasks of secondary CPUs are forked by init; crash shows 0 */
	if (parent && t->pid)
		t->ppid = (int)kr_member_or0(s, parent, "task_struct", "pid");
	t->kthread = t->pid == 0 || (flags & PF_KTHREAD) ||
		     (l->flags == KR_NONE && !t->mm);
	if (t->mm && !t->kthread)
		t->total_vm = read_off(s, t->mm, l->mm_total_vm, 8, &ok);
	return ok;
}

/* RSS per mm: the mm's counters plus every sharing thread's delta.
 * Tasks are grouped by mm through a sorted index (threads share one). */
static int by_mm(const void *a, const void *b)
{
	const struct cmd_task *x = *(const struct cmd_task *const *)a;
	const struct cmd_task *y = *(const struct cmd_task *const *)b;
	if (x->mm != y->mm)
		return x->mm < y->mm ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void fill_rss(struct kd_session *s, const struct layout *l,
		     struct cmd_task_table *tt)
{
	struct cmd_task **ix = malloc((tt->n ? tt->n : 1) * sizeof(*ix));
	size_t n = 0;
	if (!ix)
		return;
	for (size_t i = 0; i < tt->n; i++)
		if (tt->v[i].mm && !tt->v[i].kthread)
			ix[n++] = &tt->v[i];
	kd_qsort(ix, n, sizeof(*ix), by_mm);
	for (size_t i = 0, j; i < n; i = j) {
		int ok = 1;
		int64_t rss = mm_rss_pages(s, l, ix[i]->mm, &ok);
		for (j = i; j < n && ix[j]->mm == ix[i]->mm; j++)
			rss += task_rss_delta(s, l, ix[j]->task, &ok);
		for (size_t k = i; k < j; k++)
			ix[k]->rss = rss < 0 ? 0 : (uint64_t)rss;
	}
	free(ix);
}

struct kd_error *cmd_tasks_collect(struct kd_session *s,
				   struct cmd_task_table *ret)
{
	struct kd_task_ref *refs;
	size_t n;
	struct kd_error *problem;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_unwind_tasks_partial(s, &refs, &n, &problem);
	if (err)
		return kd_error_prefix(err, "cannot walk the task list");
	if (problem) {
		ret->problem = strdup(problem->message);
		kd_error_destroy(problem);
	}
	ret->v = calloc(n ? n : 1, sizeof(*ret->v));
	if (!ret->v) {
		free(refs);
		return &kd_error_nomem;
	}
	struct layout l;
	init_layout(s, &l);
	for (size_t i = 0; i < n; i++) {
		if (!read_task(s, &l, &refs[i], &ret->v[ret->n])) {
			kd_log_warning(kd_session_log(s),
				       "task %llx: part of its task_struct "
				       "cannot be read",
				       (unsigned long long)refs[i].task);
			ret->unreadable++;
		}
		ret->n++;
	}
	free(refs);
	fill_rss(s, &l, ret);
	uint64_t present;
	if (!cmd_node_pages(s, &ret->total_pages, &present))
		ret->total_pages = 0;
	ret->page_size = cmd_page_size(s);
	return NULL;
}

void cmd_tasks_free(struct cmd_task_table *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->problem);
	t->v = NULL;
	t->problem = NULL;
	t->n = 0;
}

const char *cmd_task_state_name(uint64_t st)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{ 0x1, "IN" }, { 0x2, "UN" }, { 0x20, "ZO" }, { 0x4, "ST" },
		{ 0x8, "TR" }, { 0x10, "DE" }, { 0x40, "PA" }, { 0x80, "DE" },
		{ 0x200, "WA" }, { 0x800, "NE" },
	};
	if (st == 0)
		return "RU";
	if ((st & 0x2) && (st & 0x400))
		return "ID";
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (st & bits[i].bit)
			return bits[i].name;
	return "??";
}

const struct cmd_task *cmd_tasks_find_pid(const struct cmd_task_table *t,
					  int pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].pid == pid)
			return &t->v[i];
	return NULL;
}

const struct cmd_task *cmd_tasks_find_addr(const struct cmd_task_table *t,
					   uint64_t task)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].task == task)
			return &t->v[i];
	return NULL;
}
