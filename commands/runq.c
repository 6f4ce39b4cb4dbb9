// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runq: each CPU's run queue, as crash 8.0.6 prints it:
 *
 *   CPU 0 RUNQUEUE: ffff89740f631980
 *     CURRENT: PID: 0      TASK: ffffffff9ca1aa40  COMMAND: "swapper/0"
 *     RT PRIO_ARRAY: ffff89740f631bc0
 *        [no tasks queued]
 *     CFS RB_ROOT: ffff89740f631a30
 *        [  0] PID: 103    TASK: ...  COMMAND: "..."
 *
 * Kernel facts: runqueues is a per-CPU struct rq; rq->curr the running
 * task; rq->rt.active.queue[MAX_RT_PRIO] lists sched_rt_entity.run_list
 * per priority, rq->cfs.tasks_timeline the CFS rbtree (an rb_root_cached
 * since 4.14) of sched_entity.run_node; an entity with my_q set is a
 * group whose own queue is shown nested.  Tasks show task->prio.
 *
 * Options (crash's task.c):
 *   -c cpus  only those CPUs ("1", "0,1", "0-1");
 *   -t  each CPU's rq->clock and its running task's last arrival
 *       (sched_info.last_arrival), zero-padded to the clock's width;
 *   -T  each CPU's lag behind the most recent rq->clock, in seconds,
 *       the most recent first;
 *   -m  how long each CPU's task has been running: rq->clock minus its
 *       last arrival, as "[days hh:mm:ss.mmm]";
 *   -g  by task group: root_task_group's per-CPU cfs_rq (and rt_rq with
 *       CONFIG_RT_GROUP_SCHED), groups nested as "TASK_GROUP: ... <name>"
 *       (the cgroup's kernfs name), the running task marked [CURRENT].
 *       Groups whose queue is empty but that hold queued children deeper
 *       down (crash's "lower dequeued" case) are not searched for.
 */
#include <getopt.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

#define MAX_GROUP_DEPTH 8

struct runq_layout {
	uint64_t rq_curr, rq_rt, rq_cfs, rq_clock, t_arrival;
	uint64_t cfs_curr, cfs_tg, tg_cfs_rq, tg_rt_rq, tg_css, css_cgroup;
	uint64_t cgroup_kn, kn_name, kn_parent, cfs_throttled, rt_tg;
	uint64_t rt_active, rt_queue, rt_queue_count, rt_run_list, rt_my_q;
	uint64_t cfs_timeline, se_run_node, se_my_q;
	uint64_t t_rt, t_se, t_prio, t_pid, t_comm;
};

#define L struct runq_layout
#define R KD_LF_REQUIRED
#define TS "struct task_struct"
static const struct kd_layout_field runq_fields[] = {
	KD_LF(L, rq_curr, "struct rq", "curr", R),
	KD_LF(L, rq_rt, "struct rq", "rt", R),
	KD_LF(L, rq_cfs, "struct rq", "cfs", R),
	KD_LF(L, rt_active, "struct rt_rq", "active.queue", R),
	KD_LF(L, rt_queue, "struct rt_prio_array", "queue", R),
	KD_LF(L, rt_queue_count, "struct rt_prio_array", "queue", KD_LF_COUNT),
	KD_LF(L, rt_run_list, "struct sched_rt_entity", "run_list", R),
	KD_LF(L, rt_my_q, "struct sched_rt_entity", "my_q", 0),
	KD_LF(L, cfs_timeline, "struct cfs_rq", "tasks_timeline", R),
	KD_LF(L, se_run_node, "struct sched_entity", "run_node", R),
	KD_LF(L, se_my_q, "struct sched_entity", "my_q", 0),
	KD_LF(L, t_rt, TS, "rt", R),
	KD_LF(L, t_se, TS, "se", R),
	KD_LF(L, t_prio, TS, "prio", R),
	KD_LF(L, t_pid, TS, "pid", R),
	KD_LF(L, t_comm, TS, "comm", R),
	KD_LF(L, rq_clock, "struct rq", "clock|most_recent_timestamp|"
	      "timestamp_last_tick", 0),
	KD_LF(L, t_arrival, TS, "sched_info.last_arrival|last_run|timestamp",
	      0),
	KD_LF(L, cfs_curr, "struct cfs_rq", "curr", 0),
	KD_LF(L, cfs_tg, "struct cfs_rq", "tg", 0),
	KD_LF(L, cfs_throttled, "struct cfs_rq", "throttled", 0),
	KD_LF(L, rt_tg, "struct rt_rq", "tg", 0),
	KD_LF(L, tg_cfs_rq, "struct task_group", "cfs_rq", 0),
	KD_LF(L, tg_rt_rq, "struct task_group", "rt_rq", 0),
	KD_LF(L, tg_css, "struct task_group", "css", 0),
	KD_LF(L, css_cgroup, "struct cgroup_subsys_state", "cgroup", 0),
	KD_LF(L, cgroup_kn, "struct cgroup", "kn", 0),
	KD_LF(L, kn_name, "struct kernfs_node", "name", 0),
	KD_LF(L, kn_parent, "struct kernfs_node", "parent|__parent", 0),
};
#undef L
#undef R

struct runq {
	struct kd_cmd_ctx *ctx;
	struct runq_layout l;
	uint64_t list_head_size;
	unsigned char *cpus;	/* -c: the CPUs shown, NULL for all */
	int ncpus;
};

static void print_task(struct runq *r, uint64_t task, int indent)
{
	struct kd_session *s = r->ctx->s;
	uint32_t prio = 0, pid = 0;
	char comm[17] = "";
	kd_cmd_u32(s, task, r->l.t_prio, &prio);
	kd_cmd_u32(s, task, r->l.t_pid, &pid);
	kd_cmd_str(s, task, r->l.t_comm, comm, sizeof(comm));
	fprintf(r->ctx->out, "%*s[%3d] PID: %-5u  TASK: %" PRIx64
		"  COMMAND: \"%s\"\n", indent, "", (int)prio, pid, task, comm);
}

static void print_cfs(struct runq *r, uint64_t cfs_rq, int indent, int depth);

/* The CFS tree at root (an rb_root) in order; a group entity's own
 * queue nested.  The number of entities, -1 when the tree broke. */
static int cfs_tree(struct runq *r, uint64_t root, int indent, int depth)
{
	struct kd_session *s = r->ctx->s;
	struct kd_addr_list se;
	struct kd_error *err = kd_rbtree_walk(s, root, r->l.se_run_node,
					      KD_WALK_NOLOG | KD_WALK_INORDER,
					      0, &se);
	for (size_t i = 0; i < se.n; i++) {
		uint64_t my_q = 0;
		kd_cmd_ptr(s, se.addrs[i], r->l.se_my_q, &my_q);
		if (my_q && depth < MAX_GROUP_DEPTH)
			print_cfs(r, my_q, indent + 3, depth + 1);
		else
			print_task(r, se.addrs[i] - r->l.t_se, indent);
	}
	int n = err ? -1 : (int)se.n;
	kd_cmd_lost(err);	/* "[invalid rb_root]": a partial answer */
	kd_addr_list_free(&se);
	return n;
}

static void print_cfs(struct runq *r, uint64_t cfs_rq, int indent, int depth)
{
	uint64_t root = cfs_rq + r->l.cfs_timeline;
	fprintf(r->ctx->out, "%*s%sCFS RB_ROOT: %016" PRIx64 "\n", indent - 3,
		"", depth ? "GROUP " : "", root);
	int n = cfs_tree(r, root, indent, depth);
	if (n < 0)
		fprintf(r->ctx->out, "%*s[invalid rb_root]\n", indent, "");
	else if (n == 0)
		fprintf(r->ctx->out, "%*s[no tasks queued]\n", indent, "");
}

/* The tasks on one priority's list: the entities found (*n), and -1
 * when the list broke. */
static int rt_list(struct runq *r, uint64_t head, int indent, int *n)
{
	struct kd_session *s = r->ctx->s;
	struct kd_addr_list rse;
	struct kd_error *err = kd_list_walk(s, head, r->l.rt_run_list,
					    KD_WALK_NOLOG, 0, &rse);
	for (size_t i = 0; i < rse.n; i++) {
		uint64_t my_q = 0;
		kd_cmd_ptr(s, rse.addrs[i], r->l.rt_my_q, &my_q);
		/* group entities: their tasks are on their own rt_rq */
		if (!my_q)
			print_task(r, rse.addrs[i] - r->l.t_rt, indent);
	}
	int rc = err ? -1 : 0;
	*n += (int)rse.n;
	kd_cmd_lost(err);	/* "[invalid list]": a partial answer */
	kd_addr_list_free(&rse);
	return rc;
}

static void print_rt(struct runq *r, uint64_t rq)
{
	uint64_t active = rq + r->l.rq_rt + r->l.rt_active;
	uint64_t nqueues = kd_present(r->l.rt_queue_count) ?
			   r->l.rt_queue_count : 0;
	int total = 0;
	fprintf(r->ctx->out, "  RT PRIO_ARRAY: %016" PRIx64 "\n",
		active - r->l.rt_queue);
	for (uint64_t i = 0; i < nqueues; i++) {
		if (rt_list(r, active + i * r->list_head_size, 5, &total) < 0) {
			fprintf(r->ctx->out, "     [invalid list]\n");
			break;
		}
	}
	if (!total)
		fprintf(r->ctx->out, "     [no tasks queued]\n");
}

static void print_cpu(struct runq *r, int cpu, uint64_t rq, int after)
{
	struct kd_task_ref cur;
	uint64_t curr = 0;
	fprintf(r->ctx->out, "%sCPU %d RUNQUEUE: %016" PRIx64 "\n",
		after ? "\n" : "", cpu, rq);
	kd_cmd_ptr(r->ctx->s, rq, r->l.rq_curr, &curr);
	struct kd_error *err = kd_task_get(r->ctx->s, curr, &cur);
	if (!err)
		fprintf(r->ctx->out, "  CURRENT: PID: %-6d TASK: %" PRIx64
			"  COMMAND: \"%s\"\n", cur.pid, cur.task, cur.comm);
	else
		fprintf(r->ctx->out, "  CURRENT: TASK: %" PRIx64 "\n", curr);
	kd_cmd_lost(err);	/* its PID and COMMAND: the answer is partial */
	print_rt(r, rq);
	print_cfs(r, rq + r->l.rq_cfs, 5, 0);
}

/* ---- -t -T -m: timestamps ---- */

static int rq_of(struct runq *r, int cpu, uint64_t *rq)
{
	struct kd_error *err = kd_percpu_symbol(r->ctx->s, "runqueues",
						(unsigned)cpu, rq);
	if (!err)
		return 1;
	kd_error_destroy(err);
	kd_cmd_error(r->ctx, "cannot find runqueues of CPU %d", cpu);
	return 0;
}

static int need(struct runq *r, uint64_t off, int opt)
{
	if (kd_present(off))
		return 1;
	kd_cmd_error(r->ctx, "-%c not supported on this kernel (no run queue "
		     "clock or task arrival time)", opt);
	return 0;
}

static int timestamps(struct runq *r)
{
	if (!need(r, r->l.rq_clock, 't') || !need(r, r->l.t_arrival, 't'))
		return 1;
	for (int cpu = 0; cpu < r->ncpus; cpu++) {
		uint64_t rq, clock = 0, last = 0, curr = 0;
		struct kd_task_ref t;
		char buf[32];
		if (r->cpus && !r->cpus[cpu])
			continue;
		if (!rq_of(r, cpu, &rq))
			return 1;
		kd_cmd_u64(r->ctx->s, rq, r->l.rq_clock, &clock);
		int len = snprintf(buf, sizeof(buf), "%" PRIu64, clock);
		fprintf(r->ctx->out, "%sCPU %d: %s\n", cpu < 10 ? " " : "", cpu,
			buf);
		kd_cmd_ptr(r->ctx->s, rq, r->l.rq_curr, &curr);
		struct kd_error *err = kd_task_get(r->ctx->s, curr, &t);
		if (err) {
			kd_cmd_lost(err);	/* its task's arrival */
			fputc('\n', r->ctx->out);
			continue;
		}
		kd_cmd_u64(r->ctx->s, curr, r->l.t_arrival, &last);
		int indent = cpu < 10 ? 8 : cpu < 100 ? 8 : cpu < 1000 ? 9 : 0;
		fprintf(r->ctx->out, "%*s%0*" PRIu64 "  PID: %-5d  TASK: %" PRIx64
			"  COMMAND: \"%s\"\n", indent, "", len, last, t.pid,
			t.task, t.comm);
	}
	return 0;
}

static int digits(unsigned long x)
{
	int n = 1;
	while (x > 9) {
		n++;
		x /= 10;
	}
	return n;
}

struct cpu_ts {
	int cpu;
	uint64_t ts;
};

static int by_ts_desc(const void *a, const void *b)
{
	const struct cpu_ts *x = a, *y = b;
	return x->ts > y->ts ? -1 : x->ts < y->ts;
}

static int lags(struct runq *r)
{
	if (!need(r, r->l.rq_clock, 'T'))
		return 1;
	struct cpu_ts *v = calloc((size_t)r->ncpus + 1, sizeof(*v));
	if (!v)
		return kd_cmd_error(r->ctx, "out of memory");
	for (int cpu = 0; cpu < r->ncpus; cpu++) {
		uint64_t rq;
		if (!rq_of(r, cpu, &rq)) {
			free(v);
			return 1;
		}
		v[cpu].cpu = cpu;
		kd_cmd_u64(r->ctx->s, rq, r->l.rq_clock, &v[cpu].ts);
	}
	qsort(v, (size_t)r->ncpus, sizeof(*v), by_ts_desc);
	for (int i = 0; i < r->ncpus; i++)
		fprintf(r->ctx->out, "%*sCPU %d: %.2f secs\n",
			2 + digits((unsigned long)r->ncpus) - digits((unsigned long)v[i].cpu), "",
			v[i].cpu, ((double)v[0].ts - (double)v[i].ts) / 1e9);
	free(v);
	return 0;
}

/* crash's translate_nanoseconds: "days hh:mm:ss.mmm". */
static void nanoseconds(uint64_t ns, char *buf, size_t size)
{
	uint64_t ms = ns / 1000000, s = ms / 1000, m = s / 60, h = m / 60;
	snprintf(buf, size, "%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02"
		 PRIu64 ".%03" PRIu64, h / 24, h % 24, m % 60, s % 60, ms % 1000);
}

static int running_times(struct runq *r)
{
	if (!need(r, r->l.rq_clock, 'm') || !need(r, r->l.t_arrival, 'm'))
		return 1;
	int max_indent = r->ncpus < 10 ? 1 : r->ncpus < 100 ? 2 :
			 r->ncpus < 1000 ? 3 : 4;
	int max_days = 0;
	for (int cpu = 0; cpu < r->ncpus; cpu++) {
		uint64_t rq, clock = 0, last = 0, curr = 0;
		struct kd_task_ref t;
		char buf[64];
		if (r->cpus && !r->cpus[cpu])
			continue;
		if (!rq_of(r, cpu, &rq))
			return 1;
		kd_cmd_u64(r->ctx->s, rq, r->l.rq_clock, &clock);
		if (!max_days) {
			nanoseconds(clock, buf, sizeof(buf));
			max_days = (int)strcspn(buf, " ");
		}
		int indent = cpu < 10 ? max_indent : cpu < 100 ? max_indent - 1 :
			     cpu < 1000 ? max_indent - 2 : max_indent - 4;
		kd_cmd_ptr(r->ctx->s, rq, r->l.rq_curr, &curr);
		struct kd_error *err = kd_task_get(r->ctx->s, curr, &t);
		if (err) {
			kd_cmd_lost(err);	/* "[unknown]" */
			fprintf(r->ctx->out, "%*sCPU %d: [unknown]\n", indent, "",
				cpu);
			continue;
		}
		kd_cmd_u64(r->ctx->s, curr, r->l.t_arrival, &last);
		nanoseconds(clock > last ? clock - last : 0, buf, sizeof(buf));
		int days = (int)strcspn(buf, " ");
		fprintf(r->ctx->out, "%*sCPU %d: [%*s%s]  PID: %-5d  TASK: %"
			PRIx64 "  COMMAND: \"%s\"\n", indent, "", cpu,
			max_days > days ? max_days - days : 0, "", buf, t.pid,
			t.task, t.comm);
	}
	return 0;
}

/* ---- -g: by task group ---- */

static void group_entry(struct runq *r, uint64_t task, int indent, int current)
{
	struct kd_session *s = r->ctx->s;
	uint32_t prio = 0, pid = 0;
	char comm[17] = "";
	kd_cmd_u32(s, task, r->l.t_prio, &prio);
	kd_cmd_u32(s, task, r->l.t_pid, &pid);
	kd_cmd_str(s, task, r->l.t_comm, comm, sizeof(comm));
	fprintf(r->ctx->out, "%*s[%3d] PID: %-5u  TASK: %" PRIx64
		"  COMMAND: \"%s\"%s\n", indent, "", (int)prio, pid, task,
		comm, current ? " [CURRENT]" : "");
}

/* The cgroup name of a task group (its kernfs node's; "/" at the root). */
static void group_name(struct runq *r, uint64_t tg, char *buf, size_t size)
{
	struct kd_session *s = r->ctx->s;
	uint64_t cg = 0, kn = 0, parent = 0;
	buf[0] = '\0';
	if (kd_cmd_ptr(s, tg + r->l.tg_css, r->l.css_cgroup, &cg) < 0 || !cg ||
	    kd_cmd_ptr(s, cg, r->l.cgroup_kn, &kn) < 0 || !kn ||
	    kd_cmd_ptr(s, kn, r->l.kn_parent, &parent) < 0)
		return;
	if (!parent)
		snprintf(buf, size, "/");
	else
		kd_cmd_str_at(s, kn, r->l.kn_name, buf, size);
}

static int group_cfs(struct runq *r, uint64_t cfs_rq, int depth,
		     uint64_t current);

static void group_header(struct runq *r, uint64_t cfs_rq, int depth)
{
	uint64_t tg = 0;
	uint32_t throttled = 0;
	char name[256];
	kd_cmd_ptr(r->ctx->s, cfs_rq, r->l.cfs_tg, &tg);
	group_name(r, tg, name, sizeof(name));
	fprintf(r->ctx->out, "%*sTASK_GROUP: %" PRIx64 "  CFS_RQ: %" PRIx64 " ",
		2 + 3 * depth, "", tg, cfs_rq);
	if (*name)
		fprintf(r->ctx->out, " <%s>", name);
	if (kd_present(r->l.cfs_throttled) &&
	    kd_cmd_u32(r->ctx->s, cfs_rq, r->l.cfs_throttled, &throttled) == 0 &&
	    throttled)
		fprintf(r->ctx->out, " (THROTTLED)");
	fputc('\n', r->ctx->out);
}

static int group_cfs(struct runq *r, uint64_t cfs_rq, int depth,
		     uint64_t current)
{
	struct kd_session *s = r->ctx->s;
	uint64_t curr = 0, curr_q = 0;
	int total = 0;
	if (depth)
		group_header(r, cfs_rq, depth);
	kd_cmd_ptr(s, cfs_rq, r->l.cfs_curr, &curr);
	if (curr)
		kd_cmd_ptr(s, curr, r->l.se_my_q, &curr_q);
	if (curr_q && depth < MAX_GROUP_DEPTH) {
		total++;
		total += group_cfs(r, curr_q, depth + 1, current);
	} else if (curr && curr - r->l.t_se == current) {
		/* the running task is not in the tree */
		total++;
		group_entry(r, current, 5 + 3 * depth, 1);
	}
	struct kd_addr_list se;
	struct kd_error *err = kd_rbtree_walk(s, cfs_rq + r->l.cfs_timeline,
					      r->l.se_run_node,
					      KD_WALK_NOLOG | KD_WALK_INORDER,
					      0, &se);
	for (size_t i = 0; i < se.n; i++) {
		uint64_t my_q = 0;
		kd_cmd_ptr(s, se.addrs[i], r->l.se_my_q, &my_q);
		total++;
		if (my_q && depth < MAX_GROUP_DEPTH)
			total += group_cfs(r, my_q, depth + 1, current);
		else
			group_entry(r, se.addrs[i] - r->l.t_se, 5 + 3 * depth, 0);
	}
	kd_addr_list_free(&se);
	if (err) {
		fprintf(r->ctx->out, "%*s[invalid rb_root: %s]\n", 5 + 3 * depth,
			"", err->message);
		kd_cmd_lost(err);
	} else if (!total) {
		fprintf(r->ctx->out, "%*s[no tasks queued]\n", 5 + 3 * depth, "");
	}
	return total;
}

static int group_rt(struct runq *r, uint64_t rt_rq, int depth)
{
	uint64_t active = rt_rq + r->l.rt_active;
	uint64_t nqueues = kd_present(r->l.rt_queue_count) ?
			   r->l.rt_queue_count : 0;
	int total = 0;
	for (uint64_t i = 0; i < nqueues; i++) {
		struct kd_addr_list rse;
		struct kd_error *err = kd_list_walk(r->ctx->s, active +
						    i * r->list_head_size,
						    r->l.rt_run_list,
						    KD_WALK_NOLOG, 0, &rse);
		for (size_t k = 0; k < rse.n; k++) {
			uint64_t my_q = 0;
			kd_cmd_ptr(r->ctx->s, rse.addrs[k], r->l.rt_my_q, &my_q);
			fprintf(r->ctx->out, "%*s[%3d] ", 5 + 6 * depth, "",
				(int)i);
			total++;
			if (my_q && depth < MAX_GROUP_DEPTH) {
				uint64_t tg = 0;
				kd_cmd_ptr(r->ctx->s, my_q, r->l.rt_tg, &tg);
				fprintf(r->ctx->out, "TASK_GROUP: %" PRIx64 " RT_RQ: %"
					PRIx64 "\n", tg, my_q);
				group_rt(r, my_q, depth + 1);
				continue;
			}
			uint64_t task = rse.addrs[k] - r->l.t_rt;
			uint32_t pid = 0;
			char comm[17] = "";
			kd_cmd_u32(r->ctx->s, task, r->l.t_pid, &pid);
			kd_cmd_str(r->ctx->s, task, r->l.t_comm, comm, sizeof(comm));
			fprintf(r->ctx->out, "PID: %-5u  TASK: %" PRIx64
				"  COMMAND: \"%s\"\n", pid, task, comm);
		}
		kd_addr_list_free(&rse);
		kd_cmd_lost(err);	/* a broken list: a partial answer */
	}
	if (!total)
		fprintf(r->ctx->out, "%*s[no tasks queued]\n", 5 + 6 * depth, "");
	return total;
}

static int by_group(struct runq *r)
{
	struct kd_session *s = r->ctx->s;
	uint64_t root, cfs = 0, rt = 0;
	const char *name = "ROOT";
	if (!kd_symbol_try_addr(s, "root_task_group", &root)) {
		if (!kd_symbol_try_addr(s, "init_task_group", &root))
			return kd_cmd_error(r->ctx, "cannot determine root "
					    "task_group");
		name = "INIT";
	}
	if (!kd_present(r->l.tg_cfs_rq) && !kd_present(r->l.tg_rt_rq))
		return kd_cmd_error(r->ctx, "-g not supported on this kernel "
				    "(no group scheduling)");
	kd_cmd_ptr(s, root, r->l.tg_rt_rq, &rt);
	kd_cmd_ptr(s, root, r->l.tg_cfs_rq, &cfs);
	int shown = 0;
	for (int cpu = 0; cpu < r->ncpus; cpu++) {
		uint64_t rq, curr = 0, rt_p = 0, cfs_p = 0;
		struct kd_task_ref t;
		if (r->cpus && !r->cpus[cpu])
			continue;
		if (!rq_of(r, cpu, &rq))
			return 1;
		fprintf(r->ctx->out, "%sCPU %d\n  CURRENT: ", shown++ ? "\n" : "",
			cpu);
		kd_cmd_ptr(s, rq, r->l.rq_curr, &curr);
		struct kd_error *err = kd_task_get(s, curr, &t);
		if (!err)
			fprintf(r->ctx->out, "PID: %-5d  TASK: %" PRIx64
				"  COMMAND: \"%s\"\n", t.pid, t.task, t.comm);
		else
			fprintf(r->ctx->out, "%" PRIx64 "\n", curr);
		kd_cmd_lost(err);	/* its PID and COMMAND */
		if (rt) {
			kd_cmd_ptr(s, rt, 8 * (uint64_t)cpu, &rt_p);
			fprintf(r->ctx->out, "  %s_TASK_GROUP: %" PRIx64
				"  RT_RQ: %" PRIx64 "\n", name, root, rt_p);
			group_rt(r, rt_p, 0);
		}
		if (cfs) {
			kd_cmd_ptr(s, cfs, 8 * (uint64_t)cpu, &cfs_p);
			fprintf(r->ctx->out, "  %s_TASK_GROUP: %" PRIx64
				"  CFS_RQ: %" PRIx64 "\n", name, root, cfs_p);
			group_cfs(r, cfs_p, 0, curr);
		}
	}
	return 0;
}

static int runq_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct runq r = { .ctx = ctx };
	int c, mode = 0, rc = 0;
	opterr = 0;
	r.ncpus = kd_task_nr_cpus(ctx->s);
	while ((c = getopt(argc, argv, "tTmgc:d")) != -1) {
		switch (c) {
		case 't': case 'T': case 'm': case 'g':
			mode = mode ? mode : c;
			break;
		case 'c':
			if (r.cpus) {
				rc = kd_cmd_error(ctx, "only one -c option allowed");
				goto out;
			}
			r.cpus = calloc(r.ncpus > 0 ? (size_t)r.ncpus : 1, 1);
			if (!r.cpus) {
				rc = kd_cmd_error(ctx, "out of memory");
				goto out;
			}
			if (kd_cmd_cpuspec(ctx, optarg, r.ncpus, r.cpus) < 0) {
				rc = 1;
				goto out;
			}
			break;
		case 'd':
			rc = kd_cmd_error(ctx, "-d is not supported (crash's "
					  "on_rq task scan)");
			goto out;
		default:
			rc = optopt == 'c' ? kd_cmd_error(ctx, "option -c needs "
							 "an argument") :
			     kd_cmd_bad_option(ctx, optopt);
			goto out;
		}
	}
	if (optind < argc) {
		rc = kd_cmd_error(ctx, "unexpected argument: %s", argv[optind]);
		goto out;
	}
	struct kd_error *err = kd_layout_fill(ctx->s, runq_fields,
					      KD_ARRAY_SIZE(runq_fields), &r.l);
	r.list_head_size = kd_sizeof(ctx->s, "struct list_head");
	if (err || !r.list_head_size) {
		kd_error_destroy(err);
		rc = kd_cmd_error(ctx, "unknown struct rq / scheduler layout");
		goto out;
	}
	switch (mode) {
	case 't': rc = timestamps(&r); goto out;
	case 'T': rc = lags(&r); goto out;
	case 'm': rc = running_times(&r); goto out;
	case 'g': rc = by_group(&r); goto out;
	}
	int shown = 0;
	for (int cpu = 0; cpu < r.ncpus; cpu++) {
		uint64_t rq;
		if (r.cpus && !r.cpus[cpu])
			continue;
		if (!rq_of(&r, cpu, &rq)) {
			rc = 1;
			goto out;
		}
		if (kd_cancel_pending()) {
			rc = kd_cmd_error(ctx, "interrupted");
			goto out;
		}
		print_cpu(&r, cpu, rq, shown++);
	}
out:
	free(r.cpus);
	return rc;
}

const struct kd_command kd_cmd_runq = {
	.name = "runq",
	.summary = "run queue",
	.usage =
		"SYNOPSIS\n"
		"  runq [-t | -T | -m | -g] [-c cpus]\n"
		"\n"
		"DESCRIPTION\n"
		"  Shows each CPU's run queue: the struct rq address, the task\n"
		"  running there, the real-time priority array's queued tasks\n"
		"  and the CFS red-black tree's queued tasks (with their prio),\n"
		"  group queues nested under GROUP headers.\n"
		"    -t  each CPU's run queue clock and its task's last arrival\n"
		"    -T  each CPU's lag behind the latest run queue clock\n"
		"    -m  how long each CPU's task has been running\n"
		"    -g  the tasks by task group\n"
		"    -c cpus  only these CPUs (\"1\", \"0,1\", \"0-1\")\n",
	.run = runq_run,
	.needs_vmlinux = 1,
};
