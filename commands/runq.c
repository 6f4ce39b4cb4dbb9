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
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/offsets.h>
#include <pykdump/tasks.h>

#include "cmd_util.h"

#define MAX_GROUP_DEPTH 8

struct runq_layout {
	uint64_t rq_curr, rq_rt, rq_cfs;
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
};
#undef L
#undef R

struct runq {
	struct kd_cmd_ctx *ctx;
	struct runq_layout l;
	uint64_t list_head_size;
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
	kd_error_destroy(err);
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
	kd_error_destroy(err);
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

static void print_cpu(struct runq *r, int cpu, uint64_t rq)
{
	struct kd_task_ref cur;
	uint64_t curr = 0;
	fprintf(r->ctx->out, "%sCPU %d RUNQUEUE: %016" PRIx64 "\n",
		cpu ? "\n" : "", cpu, rq);
	kd_cmd_ptr(r->ctx->s, rq, r->l.rq_curr, &curr);
	struct kd_error *err = kd_task_get(r->ctx->s, curr, &cur);
	if (!err)
		fprintf(r->ctx->out, "  CURRENT: PID: %-6d TASK: %" PRIx64
			"  COMMAND: \"%s\"\n", cur.pid, cur.task, cur.comm);
	else
		fprintf(r->ctx->out, "  CURRENT: TASK: %" PRIx64 "\n", curr);
	kd_error_destroy(err);
	print_rt(r, rq);
	print_cfs(r, rq + r->l.rq_cfs, 5, 0);
}

static int runq_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct runq r = { .ctx = ctx };
	if (kd_cmd_no_options(ctx, argc, argv, 0))
		return 1;
	struct kd_error *err = kd_layout_fill(ctx->s, runq_fields,
					      KD_ARRAY_SIZE(runq_fields), &r.l);
	r.list_head_size = kd_sizeof(ctx->s, "struct list_head");
	if (err || !r.list_head_size) {
		kd_error_destroy(err);
		return kd_cmd_error(ctx, "unknown struct rq / scheduler layout");
	}
	int ncpus = kd_task_nr_cpus(ctx->s);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t rq;
		err = kd_percpu_symbol(ctx->s, "runqueues", (unsigned)cpu, &rq);
		if (err) {
			kd_error_destroy(err);
			return kd_cmd_error(ctx, "cannot find runqueues of CPU "
					    "%d", cpu);
		}
		if (kd_cancel_pending())
			return kd_cmd_error(ctx, "interrupted");
		print_cpu(&r, cpu, rq);
	}
	return 0;
}

const struct kd_command kd_cmd_runq = {
	.name = "runq",
	.summary = "run queue",
	.usage =
		"SYNOPSIS\n"
		"  runq\n"
		"\n"
		"DESCRIPTION\n"
		"  Shows each CPU's run queue: the struct rq address, the task\n"
		"  running there, the real-time priority array's queued tasks\n"
		"  and the CFS red-black tree's queued tasks (with their prio),\n"
		"  group queues nested under GROUP headers.\n",
	.run = runq_run,
	.needs_vmlinux = 1,
};
