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
#include <pykdump/unwind.h>

#include "sysutil.h"

#define RB_MAX_DEPTH 64
#define MAX_GROUP_DEPTH 8

struct runq {
	struct kd_cmd_ctx *ctx;
	uint64_t rq_curr, rq_rt, rq_cfs;
	uint64_t rt_active, rt_queue_off, rt_queue_len, prio_queue_size;
	uint64_t rt_run_list, rt_my_q, t_rt;
	uint64_t cfs_timeline, se_run_node, se_my_q, t_se;
	uint64_t t_prio, t_pid, t_comm;
	uint64_t rb_left, rb_right;
};

static void print_task(struct runq *r, uint64_t task, int indent)
{
	struct kd_session *s = r->ctx->s;
	uint32_t prio = 0, pid = 0;
	char comm[17] = "";
	su_u32(s, task + r->t_prio, &prio);
	su_u32(s, task + r->t_pid, &pid);
	su_str(s, task + r->t_comm, comm, sizeof(comm));
	fprintf(r->ctx->out, "%*s[%3d] PID: %-5u  TASK: %" PRIx64
		"  COMMAND: \"%s\"\n", indent, "", (int)prio, pid, task, comm);
}

static void print_cfs(struct runq *r, uint64_t cfs_rq, int indent, int depth);

/* In-order walk of the CFS tree at root (an rb_root). */
static int cfs_tree(struct runq *r, uint64_t root, int indent, int depth)
{
	struct kd_session *s = r->ctx->s;
	uint64_t stack[RB_MAX_DEPTH], node;
	int sp = 0, n = 0;
	if (su_ptr(s, root, &node) < 0)
		return -1;
	while ((node || sp) && !kd_cancel_pending()) {
		while (node && sp < RB_MAX_DEPTH) {
			stack[sp++] = node;
			if (su_ptr(s, node + r->rb_left, &node) < 0)
				return -1;
		}
		if (node)
			return -1;
		node = stack[--sp];
		uint64_t se = node - r->se_run_node, my_q = 0;
		if (r->se_my_q != SU_NONE)
			su_ptr(s, se + r->se_my_q, &my_q);
		if (my_q && depth < MAX_GROUP_DEPTH)
			print_cfs(r, my_q, indent + 3, depth + 1);
		else
			print_task(r, se - r->t_se, indent);
		n++;
		if (su_ptr(s, node + r->rb_right, &node) < 0)
			return -1;
	}
	return n;
}

static void print_cfs(struct runq *r, uint64_t cfs_rq, int indent, int depth)
{
	uint64_t root = cfs_rq + r->cfs_timeline;
	fprintf(r->ctx->out, "%*s%sCFS RB_ROOT: %016" PRIx64 "\n", indent - 3,
		"", depth ? "GROUP " : "", root);
	int n = cfs_tree(r, root, indent, depth);
	if (n < 0)
		fprintf(r->ctx->out, "%*s[invalid rb_root]\n", indent, "");
	else if (n == 0)
		fprintf(r->ctx->out, "%*s[no tasks queued]\n", indent, "");
}

struct rt_walk {
	struct runq *r;
	int indent, n;
};

static int rt_node(void *arg, uint64_t node)
{
	struct rt_walk *w = arg;
	uint64_t rse = node - w->r->rt_run_list, my_q = 0;
	if (w->r->rt_my_q != SU_NONE)
		su_ptr(w->r->ctx->s, rse + w->r->rt_my_q, &my_q);
	if (!my_q)	/* group entities: their tasks are on their own rt_rq */
		print_task(w->r, rse - w->r->t_rt, w->indent);
	w->n++;
	return 0;
}

static void print_rt(struct runq *r, uint64_t rq)
{
	uint64_t active = rq + r->rq_rt + r->rt_active;
	struct rt_walk w = { r, 5, 0 };
	fprintf(r->ctx->out, "  RT PRIO_ARRAY: %016" PRIx64 "\n",
		active - r->rt_queue_off);
	for (uint64_t i = 0; i < r->rt_queue_len; i++) {
		struct kd_error *err = su_list_walk(r->ctx->s, active +
						    i * r->prio_queue_size,
						    rt_node, &w);
		if (err) {
			kd_error_destroy(err);
			fprintf(r->ctx->out, "     [invalid list]\n");
			break;
		}
	}
	if (!w.n)
		fprintf(r->ctx->out, "     [no tasks queued]\n");
}

static void print_cpu(struct runq *r, int cpu, uint64_t rq)
{
	struct kd_task_ref cur;
	uint64_t curr = 0;
	fprintf(r->ctx->out, "%sCPU %d RUNQUEUE: %016" PRIx64 "\n",
		cpu ? "\n" : "", cpu, rq);
	su_ptr(r->ctx->s, rq + r->rq_curr, &curr);
	struct kd_error *err = kd_unwind_task_ref(r->ctx->s, curr, &cur);
	if (!err)
		fprintf(r->ctx->out, "  CURRENT: PID: %-6d TASK: %" PRIx64
			"  COMMAND: \"%s\"\n", cur.pid, cur.task, cur.comm);
	else
		fprintf(r->ctx->out, "  CURRENT: TASK: %" PRIx64 "\n", curr);
	kd_error_destroy(err);
	print_rt(r, rq);
	print_cfs(r, rq + r->rq_cfs, 5, 0);
}

static int layout_get(struct kd_session *s, struct runq *r)
{
	const char *ts = "struct task_struct";
	r->rq_curr = su_off(s, "struct rq", "curr");
	r->rq_rt = su_off(s, "struct rq", "rt");
	r->rq_cfs = su_off(s, "struct rq", "cfs");
	r->rt_active = su_off(s, "struct rt_rq", "active.queue");
	r->rt_queue_off = su_off(s, "struct rt_prio_array", "queue");
	r->prio_queue_size = su_sizeof(s, "struct list_head");
	r->rt_queue_len = su_sizeof(s, "struct rt_prio_array") ?
		(su_off(s, "struct rt_prio_array", "queue[1]") ==
		 SU_NONE ? 0 : (su_sizeof(s, "struct rt_prio_array") -
				su_off(s, "struct rt_prio_array", "queue")) /
		 r->prio_queue_size) : 0;
	r->rt_run_list = su_off(s, "struct sched_rt_entity", "run_list");
	r->rt_my_q = su_off(s, "struct sched_rt_entity", "my_q");
	r->t_rt = su_off(s, ts, "rt");
	r->cfs_timeline = su_off(s, "struct cfs_rq", "tasks_timeline");
	r->se_run_node = su_off(s, "struct sched_entity", "run_node");
	r->se_my_q = su_off(s, "struct sched_entity", "my_q");
	r->t_se = su_off(s, ts, "se");
	r->t_prio = su_off(s, ts, "prio");
	r->t_pid = su_off(s, ts, "pid");
	r->t_comm = su_off(s, ts, "comm");
	r->rb_left = su_off(s, "struct rb_node", "rb_left");
	r->rb_right = su_off(s, "struct rb_node", "rb_right");
	uint64_t need[] = { r->rq_curr, r->rq_rt, r->rq_cfs, r->rt_active,
			    r->rt_run_list, r->t_rt, r->cfs_timeline,
			    r->se_run_node, r->t_se, r->t_prio, r->rb_left };
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (need[i] == SU_NONE)
			return -1;
	return 0;
}

static int runq_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct runq r = { .ctx = ctx };
	if (su_no_options(ctx, argc, argv, 0))
		return 1;
	if (layout_get(ctx->s, &r) < 0)
		return su_error(ctx, "unknown struct rq / scheduler layout");
	int ncpus = su_ncpus(ctx->s);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t rq = su_percpu_symbol(ctx->s, "runqueues", cpu);
		if (!rq)
			return su_error(ctx, "cannot find runqueues of CPU %d",
					cpu);
		if (kd_cancel_pending())
			return su_error(ctx, "interrupted");
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
