// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scheduler facts: load averages, runqueues, per-task times (see
 * include/pykdump/sched.h for the kernel facts).  The layout is read once
 * per memocache generation; every member is optional (an absent one is
 * reported through kd_task_sched.have or as 0).
 */
#include <stdio.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/sched.h>
#include <pykdump/session.h>

#include "kernel_internal.h"

#define FIXED_1 (1ULL << KD_LOADAVG_FSHIFT)

int kd_loadavg(struct kd_session *s, uint64_t avenrun[3])
{
	uint64_t addr;
	if (!kd_symbol_try_addr(s, "avenrun", &addr))
		return 0;
	struct kd_error *err = kd_read_kvaddr(s, addr, avenrun, 3 * 8);
	kd_error_destroy(err);
	return !err;
}

void kd_loadavg_format(uint64_t v, char *buf, size_t size)
{
	/* the kernel's LOAD_INT / LOAD_FRAC after adding FIXED_1/200 */
	v += FIXED_1 / 200;
	snprintf(buf, size, "%llu.%02llu",
		 (unsigned long long)(v >> KD_LOADAVG_FSHIFT),
		 (unsigned long long)((((v & (FIXED_1 - 1)) * 100) >>
				       KD_LOADAVG_FSHIFT)));
}

#define L struct kd_sched_layout
#define TS "struct task_struct"
static const struct kd_layout_field sched_fields[] = {
	KD_LF(L, rq_curr, "struct rq", "curr", 0),
	KD_LF(L, rq_idle, "struct rq", "idle", 0),
	KD_LF(L, rq_nr_running, "struct rq", "nr_running", 0),
	KD_LF(L, rq_nr_running_size, "struct rq", "nr_running", KD_LF_SIZE),
	KD_LF(L, rq_clock, "struct rq", "clock", 0),
	KD_LF(L, rq_clock_task, "struct rq", "clock_task", 0),
	KD_LF(L, last_arrival, TS, "sched_info.last_arrival", 0),
	KD_LF(L, last_queued, TS, "sched_info.last_queued", 0),
	KD_LF(L, last_switch_count, TS, "last_switch_count", 0),
	KD_LF(L, last_switch_time, TS, "last_switch_time", 0),
	KD_LF(L, exec_start, TS, "se.exec_start", 0),
	KD_LF(L, sum_exec_runtime, TS, "se.sum_exec_runtime", 0),
	KD_LF(L, nvcsw, TS, "nvcsw", 0),
	KD_LF(L, nivcsw, TS, "nivcsw", 0),
};
#undef L
#undef TS

static struct kd_error *fill(struct kd_session *s, void *layout)
{
	struct kd_sched_layout *l = layout;
	kd_error_destroy(kd_layout_fill(s, sched_fields,
					KD_ARRAY_SIZE(sched_fields), l));
	if (!kd_symbol_try_addr(s, "runqueues", &l->runqueues))
		l->runqueues = KD_ABSENT;
	return NULL;
}

static struct kd_error *layout(struct kd_session *s,
			       const struct kd_sched_layout **ret)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (!k)
		return &kd_error_nomem;
	*ret = &k->sched;
	return kd_layout_cached(s, &k->sched_cache, fill, &k->sched);
}

struct kd_error *kd_rq_info(struct kd_session *s, int cpu,
			    struct kd_rq_info *ret)
{
	const struct kd_sched_layout *l;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	if (!kd_present(l->runqueues))
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "the kernel has no per-CPU runqueues");
	if (cpu < 0 || (unsigned)cpu >= kd_percpu_count(s))
		return kd_error_create(KD_ERR_INVALID, "no CPU %d", cpu);
	if ((err = kd_percpu_ptr(s, l->runqueues, (unsigned)cpu, &ret->rq)))
		return err;
	if ((err = kd_field_ptr(s, ret->rq, l->rq_curr, &ret->curr)))
		return kd_error_prefix(err, "runqueue of CPU %d", cpu);
	ret->idle = kd_field_uint_opt(s, ret->rq, l->rq_idle, 8, NULL);
	unsigned nsize = kd_present(l->rq_nr_running_size) &&
			 l->rq_nr_running_size <= 8 ?
			 (unsigned)l->rq_nr_running_size : 4;
	ret->nr_running =
		kd_field_uint_opt(s, ret->rq, l->rq_nr_running, nsize, NULL);
	ret->clock = kd_field_uint_opt(s, ret->rq, l->rq_clock, 8, NULL);
	ret->clock_task =
		kd_field_uint_opt(s, ret->rq, l->rq_clock_task, 8, NULL);
	return NULL;
}

struct kd_error *kd_task_sched_info(struct kd_session *s, uint64_t task,
				    struct kd_task_sched *ret)
{
	const struct kd_sched_layout *l;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	/* the one member every kernel has: a task that cannot be read is
	 * an error, absent members are not */
	uint8_t probe;
	if ((err = kd_read_kvaddr(s, task, &probe, 1)))
		return kd_error_prefix(err, "task %llx",
				       (unsigned long long)task);
	if (kd_present(l->last_arrival)) {
		ret->have |= KD_SCHED_LAST_ARRIVAL;
		ret->last_arrival =
			kd_field_uint_opt(s, task, l->last_arrival, 8, NULL);
		ret->last_queued =
			kd_field_uint_opt(s, task, l->last_queued, 8, NULL);
	}
	if (kd_present(l->last_switch_time)) {
		ret->have |= KD_SCHED_LAST_SWITCH;
		ret->last_switch_count =
			kd_field_uint_opt(s, task, l->last_switch_count, 8, NULL);
		ret->last_switch_time =
			kd_field_uint_opt(s, task, l->last_switch_time, 8, NULL);
	}
	if (kd_present(l->exec_start)) {
		ret->have |= KD_SCHED_EXEC;
		ret->exec_start =
			kd_field_uint_opt(s, task, l->exec_start, 8, NULL);
		ret->sum_exec_runtime =
			kd_field_uint_opt(s, task, l->sum_exec_runtime, 8, NULL);
	}
	if (kd_present(l->nvcsw)) {
		ret->have |= KD_SCHED_CSW;
		ret->nvcsw = kd_field_uint_opt(s, task, l->nvcsw, 8, NULL);
		ret->nivcsw = kd_field_uint_opt(s, task, l->nivcsw, 8, NULL);
	}
	return NULL;
}

struct kd_error *kd_task_since_run(struct kd_session *s, uint64_t task,
				   int cpu, uint64_t *ns)
{
	struct kd_task_sched ts;
	struct kd_rq_info rq;
	*ns = 0;
	struct kd_error *err = kd_task_sched_info(s, task, &ts);
	if (err)
		return err;
	if (!(ts.have & KD_SCHED_LAST_ARRIVAL))
		return kd_error_create(KD_ERR_NOT_FOUND, "the kernel keeps no "
				       "sched_info.last_arrival");
	if ((err = kd_rq_info(s, cpu, &rq)))
		return err;
	*ns = rq.clock > ts.last_arrival ? rq.clock - ts.last_arrival : 0;
	return NULL;
}
