// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stacks a backtrace may walk besides the task's own: per CPU
 *   - the IRQ stack: per-CPU hardirq_stack_ptr (5.8+; irq_stack_ptr
 *     before; a member of the per-CPU struct pcpu_hot in 6.2 .. 6.14)
 *     points just below its top (top - 8 on 5.8+, top - 64 on 4.x), so
 *     the top is that pointer rounded up to 64; its size is THREAD_SIZE
 *     (IRQ_STACK_ORDER == THREAD_SIZE_ORDER on x86_64);
 *   - the exception (IST) stacks: per-CPU cea_exception_stacks points to
 *     a struct cea_exception_stacks in the cpu_entry_area whose members
 *     "<X>_stack" are the stacks (guard pages in between): DF, NMI, DB,
 *     MCE, VC ... taken from DWARF, so added stacks are found too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/vector.h>

#include "unwind_internal.h"

static int add_stack(struct kd_unwind_ctx *c, uint64_t lo, uint64_t hi,
		     const char *name, int cpu)
{
	if (!lo || hi <= lo)
		return 1;
	if (kd_array_reserve(&c->stacks, &c->stacks_cap, c->nstacks + 1))
		return 0;
	c->stacks[c->nstacks++] = (struct kd_stack_area){ lo, hi, name, cpu };
	return 1;
}

static int percpu_ptr(struct kd_unwind_ctx *c, const char *sym, int cpu,
		      uint64_t *v)
{
	uint64_t addr;
	struct kd_error *err = kd_percpu_symbol(c->s, sym, (unsigned)cpu,
						&addr);
	if (!err)
		err = kd_read_u64(c->s, addr, v);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return *v != 0;
}

/* A pointer member of a per-CPU struct variable (pcpu_hot). */
static int percpu_member_ptr(struct kd_unwind_ctx *c, const char *sym,
			     const char *type, const char *member, int cpu,
			     uint64_t *v)
{
	uint64_t addr, off = kd_offsetof(c->s, type, member);
	if (!kd_present(off))
		return 0;
	struct kd_error *err = kd_percpu_symbol(c->s, sym, (unsigned)cpu,
						&addr);
	if (!err)
		err = kd_read_u64(c->s, addr + off, v);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return *v != 0;
}

static int irq_stacks(struct kd_unwind_ctx *c)
{
	int ncpus = (int)kd_percpu_count(c->s);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t p;
		if (!percpu_ptr(c, "hardirq_stack_ptr", cpu, &p) &&
		    !percpu_member_ptr(c, "pcpu_hot", "struct pcpu_hot",
				       "hardirq_stack_ptr", cpu, &p) &&
		    !percpu_ptr(c, "irq_stack_ptr", cpu, &p))
			continue;
		uint64_t hi = (p + 64) & ~(uint64_t)63;
		if (!add_stack(c, hi - c->thread_size, hi, "IRQ stack", cpu))
			return 0;
	}
	return 1;
}

/* "NMI_stack" -> "NMI exception stack", as crash names them. */
static const char *exception_name(struct kd_unwind_ctx *c, const char *member)
{
	static const struct { const char *member, *name; } map[] = {
		{ "DF_stack", "DOUBLEFAULT exception stack" },
		{ "NMI_stack", "NMI exception stack" },
		{ "DB_stack", "DEBUG exception stack" },
		{ "MCE_stack", "MCE exception stack" },
		{ "VC_stack", "VC exception stack" },
		{ "VC2_stack", "VC2 exception stack" },
	};
	for (size_t i = 0; i < KD_ARRAY_SIZE(map); i++)
		if (strcmp(map[i].member, member) == 0)
			return map[i].name;
	char *name = NULL;
	size_t len = strlen(member) - strlen("_stack");
	if (kd_array_reserve(&c->names, &c->names_cap, c->nnames + 1))
		return "exception stack";
	if (asprintf(&name, "%.*s exception stack", (int)len, member) < 0)
		return "exception stack";
	c->names[c->nnames++] = name;
	return name;
}

static int is_stack_member(const struct kd_member *m)
{
	size_t len = m->name ? strlen(m->name) : 0;
	return len > 6 && strcmp(m->name + len - 6, "_stack") == 0;
}

static int exception_stacks(struct kd_unwind_ctx *c)
{
	struct kd_type *t;
	const struct kd_member *m;
	size_t n;
	struct kd_error *err =
		kd_types_find(c->types, "struct cea_exception_stacks", &t);
	if (!err)
		err = kd_type_members(t, &m, &n);
	if (err) {
		kd_error_destroy(err);
		return 1;
	}
	int ncpus = (int)kd_percpu_count(c->s);
	for (int cpu = 0; cpu < ncpus; cpu++) {
		uint64_t base;
		if (!percpu_ptr(c, "cea_exception_stacks", cpu, &base))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!is_stack_member(&m[i]))
				continue;
			uint64_t lo = base + m[i].bit_offset / 8;
			uint64_t hi = lo + kd_type_size(m[i].type);
			/* a stack the kernel did not map is none: the VC
			 * stacks are mapped only under SEV-ES (6.12's
			 * Debian kernel has them in the struct); crash
			 * leaves them out too */
			uint64_t pa;
			struct kd_error *e = hi > lo ?
					     kd_kvtop(c->s, hi - 1, &pa) : NULL;
			if (e) {
				kd_error_destroy(e);
				continue;
			}
			if (!add_stack(c, lo, hi, exception_name(c, m[i].name),
				       cpu))
				return 0;
		}
	}
	return 1;
}

struct kd_error *kd_unwind_stacks_init(struct kd_unwind_ctx *c)
{
	if (!irq_stacks(c) || !exception_stacks(c))
		return &kd_error_nomem;
	return NULL;
}
