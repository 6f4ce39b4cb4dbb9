/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scheduler facts: the load averages, each CPU's runqueue (current task,
 * length, clock) and the times the scheduler keeps per task, from which
 * how long a task has not run follows.
 *
 * Kernel facts relied on:
 *   - avenrun[3]: unsigned long fixed point with FSHIFT 11 bits of
 *     fraction; the kernel's /proc/loadavg (and crash) add FIXED_1/200
 *     before printing hundredths, so they are rounded, not cut;
 *   - runqueues is a per-CPU struct rq: curr, idle, nr_running (the
 *     tasks queued or running there), clock (ns, sched_clock based; what
 *     crash calls the rq timestamp) and clock_task;
 *   - task->sched_info.last_arrival (CONFIG_SCHED_INFO): the rq clock
 *     when the task last started running on a CPU; crash's ps -m shows
 *     rq(task's CPU)->clock - last_arrival as the time since it ran;
 *   - task->last_switch_count / last_switch_time (CONFIG_DETECT_HUNG_TASK,
 *     4.x+): the context-switch count the hung-task detector last saw and
 *     the jiffies when it saw it change;
 *   - task->se.exec_start, se.sum_exec_runtime (ns), nvcsw, nivcsw.
 */
#ifndef PYKDUMP_SCHED_H
#define PYKDUMP_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

#define KD_LOADAVG_FSHIFT 11

/* avenrun[0..2]: 1 on success. */
KD_PUBLIC int kd_loadavg(struct kd_session *s, uint64_t avenrun[3]);
/* One load average as the kernel prints it ("1.05"), rounded to
 * hundredths; buf of at least 24 bytes. */
KD_PUBLIC void kd_loadavg_format(uint64_t avenrun, char *buf, size_t size);

struct kd_rq_info {
	uint64_t rq;		/* the struct rq */
	uint64_t curr, idle;	/* task_struct addresses */
	uint64_t nr_running;
	uint64_t clock;		/* rq->clock, ns; 0 when unknown */
	uint64_t clock_task;
};

/* The runqueue of cpu (0 .. kd_task_nr_cpus() - 1). */
KD_PUBLIC struct kd_error *kd_rq_info(struct kd_session *s, int cpu,
				      struct kd_rq_info *ret) KD_WARN_UNUSED;

/* kd_task_sched.have */
#define KD_SCHED_LAST_ARRIVAL	0x1
#define KD_SCHED_LAST_SWITCH	0x2	/* last_switch_count/time */
#define KD_SCHED_EXEC		0x4	/* se.exec_start, sum_exec_runtime */
#define KD_SCHED_CSW		0x8	/* nvcsw, nivcsw */

struct kd_task_sched {
	unsigned have;			/* KD_SCHED_*: what this kernel has */
	uint64_t last_arrival;		/* ns, rq clock */
	uint64_t last_queued;		/* ns, 0 when not queued */
	uint64_t last_switch_count;
	uint64_t last_switch_time;	/* jiffies */
	uint64_t exec_start, sum_exec_runtime;	/* ns */
	uint64_t nvcsw, nivcsw;
};

KD_PUBLIC struct kd_error *kd_task_sched_info(struct kd_session *s,
					      uint64_t task,
					      struct kd_task_sched *ret)
	KD_WARN_UNUSED;

/* How long the task has not run, as crash's ps -m: its CPU's rq clock
 * less its last_arrival (0 when negative); KD_ERR_NOT_FOUND when the
 * kernel keeps no last_arrival. */
KD_PUBLIC struct kd_error *kd_task_since_run(struct kd_session *s,
					     uint64_t task, int cpu,
					     uint64_t *ns) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_SCHED_H */
