// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The task table for ps, task and sys (include/pykdump/tasks.h).  The
 * list and its order come from kd_task_list_partial() (crash's order);
 * each task is then read for what ps shows.  Kernel facts relied on:
 *   - state: task_struct.__state (5.14+) or .state, OR'ed with
 *     .exit_state, as crash does; bit values (include/linux/sched.h,
 *     stable since 4.14): 1 INTERRUPTIBLE, 2 UNINTERRUPTIBLE, 4 STOPPED,
 *     8 TRACED, 0x10 EXIT_DEAD, 0x20 EXIT_ZOMBIE, 0x40 PARKED, 0x80
 *     DEAD, 0x100 WAKEKILL, 0x200 WAKING, 0x400 NOLOAD (with
 *     UNINTERRUPTIBLE: idle),
 *     0x800 NEW;
 *   - crash's PPID is the pid of task->parent (the tracer of a traced
 *     task; init_task for the secondary CPUs' idle tasks, init_task
 *     itself for init_task), p_pptr before 2.6;
 *   - sched_info.last_arrival is when the task last started running
 *     (rq clock ns); before it last_run / timestamp; start_time (u64 ns
 *     since boot, 3.17+), utime and stime (ns) its times;
 *     thread.sp its kernel stack pointer while switched out;
 *   - kernel threads have PF_KTHREAD (0x00200000) in task->flags
 *     (2.6.27+) and no mm; idle tasks are pid 0;
 *   - RSS: mm->rss_stat is an array of percpu_counter (6.2+), or a
 *     struct mm_rss_stat { atomic_long_t count[] } (2.6.34 - 6.1) to
 *     which, with SPLIT_RSS_COUNTING, each thread's unsynced
 *     task->rss_stat.count[] adds; indices are enum MM_FILEPAGES,
 *     MM_ANONPAGES, MM_SHMEMPAGES (4.5+); older kernels have
 *     _file_rss/_anon_rss or rss.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/log.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/tasks.h>
#include <pykdump/memocache.h>
#include <pykdump/types.h>

#include "kernel_internal.h"

#define PF_KTHREAD 0x00200000u

struct layout {
	uint64_t state, state_size, exit_state, flags, mm, parent, tgid;
	uint64_t pid, policy, last_run, last_run_size;
	uint64_t start_time, start_time_size, utime, stime, ksp;
	uint64_t task_rss;		/* task->rss_stat.count */
	uint64_t mm_rss;		/* mm->rss_stat */
	uint64_t mm_rss_count;		/* mm->rss_stat.count (before 6.2) */
	uint64_t pcc_size;		/* sizeof(struct percpu_counter) */
	uint64_t mm_total_vm, mm_file_rss, mm_anon_rss, mm_rss_old;
	int percpu_rss;			/* mm->rss_stat[] is percpu_counter */
	int64_t idx[3];			/* MM_FILEPAGES, ANON, SHMEM; -1 */
};

#define TS "struct task_struct"
#define MM "struct mm_struct"
static const struct kd_layout_field fields[] = {
	KD_LF(struct layout, state, TS, "__state|state", 0),
	KD_LF(struct layout, state_size, TS, "__state|state", KD_LF_SIZE),
	KD_LF(struct layout, exit_state, TS, "exit_state", 0),
	KD_LF(struct layout, flags, TS, "flags", 0),
	KD_LF(struct layout, mm, TS, "mm", 0),
	KD_LF(struct layout, parent, TS, "parent|p_pptr", 0),
	KD_LF(struct layout, tgid, TS, "tgid", 0),
	KD_LF(struct layout, pid, TS, "pid", 0),
	KD_LF(struct layout, policy, TS, "policy", 0),
	KD_LF(struct layout, last_run, TS,
	      "sched_info.last_arrival|last_run|timestamp", 0),
	KD_LF(struct layout, last_run_size, TS,
	      "sched_info.last_arrival|last_run|timestamp", KD_LF_SIZE),
	KD_LF(struct layout, start_time, TS, "start_time", 0),
	KD_LF(struct layout, start_time_size, TS, "start_time", KD_LF_SIZE),
	KD_LF(struct layout, utime, TS, "utime", 0),
	KD_LF(struct layout, stime, TS, "stime", 0),
	KD_LF(struct layout, ksp, TS, "thread.sp", 0),
	KD_LF(struct layout, task_rss, TS, "rss_stat.count", 0),
	KD_LF(struct layout, mm_rss, MM, "rss_stat", 0),
	KD_LF(struct layout, mm_rss_count, MM, "rss_stat.count", 0),
	KD_LF(struct layout, pcc_size, "struct percpu_counter", NULL,
	      KD_LF_SIZE),
	KD_LF(struct layout, mm_total_vm, MM, "total_vm", 0),
	KD_LF(struct layout, mm_file_rss, MM, "_file_rss", 0),
	KD_LF(struct layout, mm_anon_rss, MM, "_anon_rss", 0),
	KD_LF(struct layout, mm_rss_old, MM, "rss", 0),
};

static void init_layout(struct kd_session *s, struct layout *l)
{
	static const char *const names[3] = { "MM_FILEPAGES", "MM_ANONPAGES",
					      "MM_SHMEMPAGES" };
	/* every member is optional: an absent one reads as 0 */
	kd_error_destroy(kd_layout_fill(s, fields, KD_ARRAY_SIZE(fields), l));
	l->percpu_rss = kd_present(l->mm_rss) && !kd_present(l->mm_rss_count);
	for (int i = 0; i < 3; i++) {
		struct kd_error *err = kd_enum_value(s, names[i], &l->idx[i]);
		if (err)
			l->idx[i] = -1;
		kd_error_destroy(err);
	}
}

/* Pages counted in mm itself (without threads' unsynced deltas). */
static int64_t mm_rss_pages(struct kd_session *s, const struct layout *l,
			    uint64_t mm, int *ok)
{
	int64_t rss = 0;
	if (!kd_present(l->mm_rss)) {
		if (kd_present(l->mm_file_rss))
			return (int64_t)(
				kd_field_uint_opt(s, mm, l->mm_file_rss, 8, ok) +
				kd_field_uint_opt(s, mm, l->mm_anon_rss, 8, ok));
		return (int64_t)kd_field_uint_opt(s, mm, l->mm_rss_old, 8, ok);
	}
	for (int i = 0; i < 3; i++) {
		if (l->idx[i] < 0)
			continue;
		if (l->percpu_rss)
			rss += kd_percpu_counter(s, mm + l->mm_rss +
						  (uint64_t)l->idx[i] * l->pcc_size);
		else
			rss += (int64_t)kd_field_uint_opt(
				s, mm, l->mm_rss + 8 * (uint64_t)l->idx[i], 8,
				ok);
	}
	return rss;
}

/* SPLIT_RSS_COUNTING: a thread's events not yet folded into its mm. */
static int64_t task_rss_delta(struct kd_session *s, const struct layout *l,
			      uint64_t task, int *ok)
{
	int64_t d = 0;
	if (!kd_present(l->task_rss) || l->percpu_rss)
		return 0;
	for (int i = 0; i < 3; i++)
		if (l->idx[i] >= 0)
			d += (int32_t)kd_field_uint_opt(s, task, l->task_rss + 4 *
					       (uint64_t)l->idx[i], 4, ok);
	return d;
}

/* One rss_stat counter of mm by its enum index (-1: 0). */
static int64_t mm_counter(struct kd_session *s, const struct layout *l,
			  uint64_t mm, int64_t idx, int *ok)
{
	if (idx < 0 || !kd_present(l->mm_rss))
		return 0;
	int64_t v = l->percpu_rss ?
		kd_percpu_counter(s, mm + l->mm_rss +
				  (uint64_t)idx * l->pcc_size) :
		(int64_t)kd_field_uint_opt(s, mm, l->mm_rss + 8 * (uint64_t)idx, 8, ok);
	return v < 0 ? 0 : v;
}

struct kd_error *kd_mm_counters_read(struct kd_session *s, uint64_t mm,
				     struct kd_mm_counters *ret)
{
	struct layout l;
	int ok = 1;
	int64_t swap = -1;
	memset(ret, 0, sizeof(*ret));
	init_layout(s, &l);
	kd_error_destroy(kd_enum_value(s, "MM_SWAPENTS", &swap));
	ret->file = mm_counter(s, &l, mm, l.idx[0], &ok);
	ret->anon = mm_counter(s, &l, mm, l.idx[1], &ok);
	ret->shmem = mm_counter(s, &l, mm, l.idx[2], &ok);
	ret->swapents = mm_counter(s, &l, mm, swap, &ok);
	uint64_t off = kd_offsetof(s, "struct mm_struct", "pgtables_bytes");
	if (kd_present(off)) {
		ret->pgtables_bytes = kd_field_uint_opt(s, mm, off, 8, &ok);
	} else if (kd_present(off = kd_offsetof(s, "struct mm_struct",
						"nr_ptes"))) {
		ret->pgtables_bytes = kd_field_uint_opt(s, mm, off, 8, &ok) *
				      kd_page_size(s);
	}
	if (!ok)
		return kd_error_create(KD_ERR_FAULT, "mm_struct %llx: its "
				       "counters cannot be read",
				       (unsigned long long)mm);
	return NULL;
}

static int read_task(struct kd_session *s, const struct layout *l,
		     const struct kd_task_ref *r, struct kd_task_info *t)
{
	int ok = 1;
	memset(t, 0, sizeof(*t));
	t->task = r->task;
	t->pid = r->pid;
	t->cpu = r->cpu;
	t->active = r->active;
	memcpy(t->comm, r->comm, sizeof(t->comm));
	t->state =
		kd_field_uint_opt(s, r->task, l->state, (unsigned)l->state_size, &ok) |
		   kd_field_uint_opt(s, r->task, l->exit_state, 4, &ok);
	uint64_t flags = kd_field_uint_opt(s, r->task, l->flags, 4, &ok);
	t->mm = kd_field_uint_opt(s, r->task, l->mm, 8, &ok);
	t->tgid = (int)kd_field_uint_opt(s, r->task, l->tgid, 4, &ok);
	t->parent = kd_field_uint_opt(s, r->task, l->parent, 8, &ok);
	int parent_ok = 1;	/* an unreadable parent leaves ppid 0 */
	if (t->parent)
		t->ppid = (int)kd_field_uint_opt(s, t->parent, l->pid, 4, &parent_ok);
	t->policy = (unsigned)kd_field_uint_opt(s, r->task, l->policy, 4, &ok);
	if (kd_present(l->last_run_size))
		t->last_run = kd_field_uint_opt(s, r->task, l->last_run,
				       (unsigned)l->last_run_size, &ok);
	t->ksp = kd_field_uint_opt(s, r->task, l->ksp, 8, &ok);
	/* a struct timespec start_time (before 3.17) is not read */
	t->times_known = l->start_time_size == 8;
	if (t->times_known) {
		t->start_time =
			kd_field_uint_opt(s, r->task, l->start_time, 8, &ok);
		t->utime = kd_field_uint_opt(s, r->task, l->utime, 8, &ok);
		t->stime = kd_field_uint_opt(s, r->task, l->stime, 8, &ok);
	}
	t->kthread = t->pid == 0 || (flags & PF_KTHREAD) ||
		     (!kd_present(l->flags) && !t->mm);
	if (t->mm && !t->kthread)
		t->total_vm =
			kd_field_uint_opt(s, t->mm, l->mm_total_vm, 8, &ok);
	return ok;
}

/* RSS per mm: the mm's counters plus every sharing thread's delta.
 * Tasks are grouped by mm through a sorted index (threads share one). */
static int by_mm(const void *a, const void *b)
{
	const struct kd_task_info *x = *(const struct kd_task_info *const *)a;
	const struct kd_task_info *y = *(const struct kd_task_info *const *)b;
	if (x->mm != y->mm)
		return x->mm < y->mm ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void fill_rss(struct kd_session *s, const struct layout *l,
		     struct kd_task_table *tt)
{
	struct kd_task_info **ix = malloc((tt->n ? tt->n : 1) * sizeof(*ix));
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

struct kd_error *kd_task_table_collect(struct kd_session *s,
				   struct kd_task_table *ret)
{
	struct kd_task_ref *refs;
	size_t n;
	struct kd_error *problem;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_task_list_partial(s, &refs, &n, &problem);
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
	if (!kd_mm_node_pages(s, &ret->total_pages, &present))
		ret->total_pages = 0;
	ret->page_size = kd_page_size(s);
	return NULL;
}

void kd_task_table_free(struct kd_task_table *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->problem);
	t->v = NULL;
	t->problem = NULL;
	t->n = 0;
}

struct kd_error *kd_task_table_shared(struct kd_session *s,
				     const struct kd_task_table **ret)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (!k)
		return &kd_error_nomem;
	uint64_t gen = kd_memocache_generation(kd_session_memocache(s));
	if (!k->task_table || k->task_table_generation != gen) {
		struct kd_task_table *t = calloc(1, sizeof(*t));
		if (!t)
			return &kd_error_nomem;
		struct kd_error *err = kd_task_table_collect(s, t);
		if (err) {
			free(t);
			return err;
		}
		kd_task_table_free(k->task_table);
		free(k->task_table);
		k->task_table = t;
		k->task_table_generation = gen;
	}
	*ret = k->task_table;
	return NULL;
}

struct kd_error *kd_task_mem_usage(struct kd_session *s, uint64_t task,
				   uint64_t *rss, uint64_t *total_vm)
{
	*rss = *total_vm = 0;
	const struct kd_task_table *t;
	struct kd_error *err = kd_task_table_shared(s, &t);
	if (err)
		return err;
	const struct kd_task_info *ti = kd_task_table_addr(t, task);
	if (ti) {
		*rss = ti->rss;
		*total_vm = ti->total_vm;
	}
	return NULL;
}

const char *kd_task_state_name(uint64_t st)
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

/* ---- arguments and limits ---- */

#define MAX_ARGS_AREA (1u << 20)

/* [start, end) of the user address space at pgd into a new buffer,
 * page by page: the first unreadable address is the error's. */
static struct kd_error *read_user(struct kd_session *s, uint64_t pgd,
				  uint64_t start, uint64_t end, char **ret,
				  size_t *n)
{
	uint64_t ps = kd_page_size(s);
	*ret = NULL;
	*n = 0;
	if (end < start || end - start > MAX_ARGS_AREA)
		return kd_error_create(KD_ERR_CORRUPT, "user area %llx-%llx "
				       "is not a plausible one",
				       (unsigned long long)start,
				       (unsigned long long)end);
	char *buf = malloc(end - start + 1);
	if (!buf)
		return &kd_error_nomem;
	for (uint64_t a = start; a < end;) {
		uint64_t chunk = ps - (a & (ps - 1));
		if (chunk > end - a)
			chunk = end - a;
		struct kd_error *err = kd_read_uvaddr(s, pgd, a, buf + (a - start),
						      chunk);
		if (err) {
			free(buf);
			kd_error_destroy(err);
			err = kd_error_create(KD_ERR_FAULT, "cannot access user "
					      "stack address: %llx",
					      (unsigned long long)a);
			if (err != &kd_error_nomem)
				err->addr = a;
			return err;
		}
		a += chunk;
	}
	buf[end - start] = '\0';
	*ret = buf;
	*n = end - start;
	return NULL;
}

struct kd_error *kd_task_args(struct kd_session *s, uint64_t task,
			      char **args, size_t *nargs, char **env,
			      size_t *nenv)
{
	static const char *const names[] = { "pgd", "arg_start", "arg_end",
					     "env_start", "env_end" };
	uint64_t mm = 0, v[5];
	*args = *env = NULL;
	*nargs = *nenv = 0;
	struct kd_error *err = kd_read_member_u64(s, task, "task_struct", "mm",
						  &mm);
	if (err)
		return err;
	if (!mm)
		return kd_error_create(KD_ERR_NOT_FOUND, "no user stack");
	for (int i = 0; i < 5; i++)
		if ((err = kd_read_member_u64(s, mm, "mm_struct", names[i],
					      &v[i])))
			return err;
	err = read_user(s, v[0], v[1], v[2], args, nargs);
	if (!err)
		err = read_user(s, v[0], v[3], v[4], env, nenv);
	if (err) {
		free(*args);
		*args = NULL;
		*nargs = 0;
	}
	return err;
}

struct kd_error *kd_task_rlimits(struct kd_session *s, uint64_t task,
				 uint64_t (*ret)[2], size_t max, size_t *n)
{
	/* signal->rlim (2.6.10+), else task->rlim */
	const char *type = "struct signal_struct";
	uint64_t base = task, count = KD_ABSENT;
	uint64_t off = kd_offsetof(s, type, "rlim");
	int in_signal = kd_present(off);
	*n = 0;
	if (!in_signal) {
		type = "struct task_struct";
		off = kd_offsetof(s, type, "rlim");
	}
	if (!kd_present(off))
		return kd_error_create(KD_ERR_NOT_FOUND, "cannot determine "
				       "rlimit array location");
	if (kd_sizeof(s, "struct rlimit") != 16)
		return kd_error_create(KD_ERR_UNSUPPORTED, "struct rlimit is "
				       "not two 64-bit limits");
	struct kd_error *err = NULL;
	if (in_signal)
		err = kd_read_member_u64(s, task, "task_struct", "signal",
					 &base);
	if (err)
		return err;
	const struct kd_layout_field f[] = {
		{ 0, type, "rlim", KD_LF_COUNT },
	};
	err = kd_layout_fill(s, f, 1, &count);
	kd_error_destroy(err);
	if (!kd_present(count) || !count || count > 64)
		return kd_error_create(KD_ERR_UNSUPPORTED, "cannot determine "
				       "rlimit array size");
	if (count > max)
		count = max;
	for (size_t i = 0; i < count; i++) {
		err = kd_read_u64(s, base + off + 16 * i, &ret[i][0]);
		if (!err)
			err = kd_read_u64(s, base + off + 16 * i + 8,
					  &ret[i][1]);
		if (err)
			return err;
	}
	*n = count;
	return NULL;
}

int kd_task_state_known(const char *name)
{
	static const char *const names[] = { "RU", "IN", "UN", "ID", "ZO",
					     "ST", "TR", "DE", "PA", "WA",
					     "NE", "SW" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

int kd_task_state_in_kernel(struct kd_session *s, const char *name)
{
	uint64_t arr, n = 0;
	struct kd_global g;
	if (strcmp(name, "SW"))
		return 1;
	struct kd_error *err = kd_global_get(s, "task_state_array", &g);
	if (!err && g.type &&
	    !kd_type_array_count(kd_type_strip(g.type, KD_STRIP_ALL), &n))
		n = 0;
	kd_error_destroy(err);
	if (!n || n > 64 || !kd_symbol_try_addr(s, "task_state_array", &arr))
		return 1;	/* unknown: not refused */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p;
		char buf[16];
		struct kd_error *e = kd_read_ptr(s, arr + 8 * i, &p);
		if (!e)
			e = kd_read_cstring(s, p, buf, sizeof(buf), NULL);
		if (e) {
			kd_error_destroy(e);
			return 1;
		}
		if (!strncmp(buf, "W (paging)", 10))
			return 1;
	}
	return 0;
}

const struct kd_task_info *kd_task_table_pid(const struct kd_task_table *t,
					  int pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].pid == pid)
			return &t->v[i];
	return NULL;
}

const struct kd_task_info *kd_task_table_addr(const struct kd_task_table *t,
					   uint64_t task)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].task == task)
			return &t->v[i];
	return NULL;
}
