// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-CPU variables.  A per-CPU variable's symbol value is its offset in
 * the per-CPU area; CPU n's copy is at that offset + __per_cpu_offset[n]
 * (x86_64, and the generic SMP layout).  The offsets of the CPUs the
 * kernel could use (the machine's nr_cpu_ids, at most the bound of
 * __per_cpu_offset[], NR_CPUS) are read once per session; every reader
 * of per-CPU data (commands, the unwinder's stacks and runqueues, the
 * task list) goes through here.
 */
#include <stdlib.h>

#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#include "kernel_internal.h"

/* nr_cpu_ids, at most the array's bound. */
static struct kd_error *ncpus(struct kd_session *s, struct kd_global *g,
			      unsigned *ret)
{
	uint64_t count = 0;
	struct kd_type *st = kd_type_strip(g->type, KD_STRIP_ALL);
	if (kd_type_kind(st) == KD_TYPE_ARRAY)
		kd_type_array_count(st, &count);
	*ret = kd_machine_nr_cpu_ids(s);
	if (count && *ret > count)
		*ret = (unsigned)count;
	if (!*ret)
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "cannot tell the number of CPUs");
	return NULL;
}

static struct kd_error *percpu_load(struct kd_session *s,
				    struct kd_kernel_state *k)
{
	struct kd_global g;
	unsigned n;
	struct kd_error *err = kd_global_get(s, "__per_cpu_offset", &g);
	if (!err)
		err = ncpus(s, &g, &n);
	if (err)
		return err;
	uint64_t *offs = calloc(n, sizeof(*offs));
	if (!offs)
		return &kd_error_nomem;
	if ((err = kd_read_kvaddr(s, g.addr, offs, n * sizeof(*offs)))) {
		free(offs);
		return kd_error_prefix(err, "__per_cpu_offset");
	}
	k->percpu = offs;
	k->npercpu = n;
	return NULL;
}

struct kd_error *kd_percpu_offsets(struct kd_session *s, const uint64_t **offs,
				   unsigned *n)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (!k)
		return &kd_error_nomem;
	if (!k->percpu) {
		struct kd_error *err = percpu_load(s, k);
		if (err)
			return err;
	}
	*offs = k->percpu;
	*n = k->npercpu;
	return NULL;
}

unsigned kd_percpu_count(struct kd_session *s)
{
	const uint64_t *offs;
	unsigned n;
	struct kd_error *err = kd_percpu_offsets(s, &offs, &n);
	kd_error_destroy(err);
	return err ? 0 : n;
}

struct kd_error *kd_percpu_ptr(struct kd_session *s, uint64_t addr,
			       unsigned cpu, uint64_t *ret)
{
	const uint64_t *offs;
	unsigned n;
	struct kd_error *err = kd_percpu_offsets(s, &offs, &n);
	if (err)
		return err;
	if (cpu >= n)
		return kd_error_create(KD_ERR_INVALID,
				       "cpu %u out of range (%u CPUs)", cpu, n);
	*ret = addr + offs[cpu];
	return NULL;
}

struct kd_error *kd_percpu_symbol(struct kd_session *s, const char *name,
				  unsigned cpu, uint64_t *ret)
{
	uint64_t off;
	struct kd_error *err = kd_symbol_addr(s, name, &off);
	return err ? err : kd_percpu_ptr(s, off, cpu, ret);
}

