// SPDX-License-Identifier: GPL-2.0-or-later
/* Interrupt descriptors, actions, counts, affinity and softirqs: see
 * include/pykdump/irq.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/irq.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

/* Sanity bound on nr_irqs: x86's largest (MAXSMP, 8192 CPUs: NR_IRQS
 * plus the vectors of every CPU) stays below it. */
#define MAX_NR_IRQS	(1u << 20)
#define MAX_SOFTIRQS	64

struct irq_layout {
	uint64_t desc_size, irq, chip, action, kstat, name;
	uint64_t affinity, affinity_is_ptr;
	uint64_t chip_name;
	uint64_t act_handler, act_dev_id, act_flags, act_name, act_next;
};

#define IL struct irq_layout
#define ID "struct irq_desc"
#define IA "struct irqaction"
static const struct kd_layout_field irq_fields[] = {
	KD_LF(IL, desc_size, ID, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(IL, irq, ID, "irq_data.irq|irq", 0),
	KD_LF(IL, chip, ID, "irq_data.chip|chip", 0),
	KD_LF(IL, action, ID, "action", KD_LF_REQUIRED),
	KD_LF(IL, kstat, ID, "kstat_irqs", 0),
	KD_LF(IL, name, ID, "name", 0),
	/* irq_common_data 4.3+, irq_data before, irq_desc before 3.x */
	KD_LF(IL, affinity, ID, "irq_common_data.affinity|irq_data.affinity|"
	      "affinity", 0),
	KD_LF(IL, chip_name, "struct irq_chip", "name", 0),
	KD_LF(IL, act_handler, IA, "handler", 0),
	KD_LF(IL, act_dev_id, IA, "dev_id", 0),
	KD_LF(IL, act_flags, IA, "flags", 0),
	KD_LF(IL, act_name, IA, "name", 0),
	KD_LF(IL, act_next, IA, "next", KD_LF_REQUIRED),
};
#undef IL
#undef ID
#undef IA

/* cpumask_var_t is a pointer with CONFIG_CPUMASK_OFFSTACK, else an array
 * of one struct cpumask. */
static int member_is_pointer(struct kd_session *s, const char *type,
			     const char *path)
{
	struct kd_types *types;
	struct kd_type *t;
	struct kd_member_path mp;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, type, &t);
	if (!err)
		err = kd_type_member_path(t, path, &mp);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return kd_type_kind(kd_type_strip(mp.type, ~0u)) == KD_TYPE_POINTER;
}

static struct kd_error *layout(struct kd_session *s, struct irq_layout *l)
{
	struct kd_error *err = kd_layout_fill(s, irq_fields,
					      KD_ARRAY_SIZE(irq_fields), l);
	if (err)
		return err;
	l->affinity_is_ptr = 0;
	static const char *const paths[] = { "irq_common_data.affinity",
					     "irq_data.affinity", "affinity" };
	for (size_t i = 0; i < KD_ARRAY_SIZE(paths); i++) {
		if (kd_present(kd_offsetof(s, "struct irq_desc", paths[i]))) {
			l->affinity_is_ptr = member_is_pointer(s,
							       "struct irq_desc",
							       paths[i]);
			break;
		}
	}
	return NULL;
}

struct kd_error *kd_irq_count(struct kd_session *s, unsigned *ret)
{
	uint64_t v = 0;
	struct kd_global g;
	*ret = 0;
	/* nr_irqs; total_nr_irqs since the rename of 6.14/6.15 (the
	 * kernel's own gdb scripts read it too) */
	if ((kd_global_uint(s, "nr_irqs", 4, &v) ||
	     kd_global_uint(s, "total_nr_irqs", 4, &v)) && v) {
		if (v > MAX_NR_IRQS)	/* a million empty lines help nobody */
			return kd_error_create(KD_ERR_CORRUPT, "nr_irqs is %"
					       PRIu64 ", past any kernel's "
					       "(%u)", v, MAX_NR_IRQS);
		*ret = (unsigned)v;
		return NULL;
	}
	/* no nr_irqs: the static array's length */
	struct kd_error *err = kd_global_get(s, "irq_desc", &g);
	uint64_t count = 0;
	if (!err && (!g.type || !kd_type_array_count(kd_type_strip(g.type, ~0u),
						      &count)))
		err = kd_error_create(KD_ERR_NOT_FOUND, "cannot determine "
				      "the number of IRQs");
	if (err)
		return err;
	if (count > MAX_NR_IRQS)
		return kd_error_create(KD_ERR_CORRUPT, "irq_desc has %" PRIu64
				       " entries, past any kernel's (%u)",
				       count, MAX_NR_IRQS);
	*ret = (unsigned)count;
	return NULL;
}

/* Descriptors of a tree: entries with their IRQ in index. */
static struct kd_error *from_tree(struct kd_session *s, uint64_t *v,
				  unsigned n)
{
	uint64_t root;
	struct kd_addr_list l;
	struct kd_error *err;
	if (kd_symbol_try_addr(s, "sparse_irqs", &root))
		err = kd_maple_walk(s, root, KD_WALK_NOLOG, n + 1, &l);
	else if (kd_symbol_try_addr(s, "irq_desc_tree", &root))
		err = kd_xarray_walk(s, root, KD_WALK_NOLOG, n + 1, &l);
	else
		return kd_error_create(KD_ERR_NOT_FOUND, "neither irq_desc, "
				       "irq_desc_tree nor sparse_irqs exists "
				       "in this kernel");
	for (size_t i = 0; i < l.n; i++)
		if (l.index && l.index[i] < n)
			v[l.index[i]] = l.addrs[i];
	kd_addr_list_free(&l);
	return err;
}

struct kd_error *kd_irq_descs(struct kd_session *s, uint64_t **ret,
			      unsigned *n)
{
	struct irq_layout l;
	uint64_t base;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = layout(s, &l);
	if (!err)
		err = kd_irq_count(s, n);
	if (err)
		return err;
	uint64_t *v = calloc(*n ? *n : 1, sizeof(*v));
	if (!v)
		return &kd_error_nomem;
	if (kd_symbol_try_addr(s, "irq_desc", &base)) {
		for (unsigned i = 0; i < *n; i++)
			v[i] = base + i * l.desc_size;
	} else {
		err = from_tree(s, v, *n);
	}
	*ret = v;
	return err;
}

static void read_string_member(struct kd_session *s, uint64_t base,
			       uint64_t off, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!base || !kd_present(off))
		return;
	struct kd_error *err = kd_field_string_at(s, base, off, buf, size);
	if (err) {
		kd_error_destroy(err);
		buf[0] = '\0';
	}
}

struct kd_error *kd_irq_desc_read(struct kd_session *s, uint64_t desc,
				  struct kd_irq_desc *ret)
{
	struct irq_layout l;
	uint64_t v = 0;
	memset(ret, 0, sizeof(*ret));
	ret->addr = desc;
	struct kd_error *err = layout(s, &l);
	if (!err)
		err = kd_field_ptr(s, desc, l.action, &ret->action);
	if (!err && kd_present(l.irq))
		err = kd_field_uint(s, desc, l.irq, 4, &v);
	ret->irq = (unsigned)v;
	if (!err && kd_present(l.chip))
		err = kd_field_ptr(s, desc, l.chip, &ret->chip);
	if (!err && kd_present(l.kstat))
		err = kd_field_ptr(s, desc, l.kstat, &ret->kstat_irqs);
	if (!err && kd_present(l.affinity)) {
		ret->affinity = desc + l.affinity;
		if (l.affinity_is_ptr)
			err = kd_field_ptr(s, desc, l.affinity, &ret->affinity);
	}
	if (err)
		return kd_error_prefix(err, "irq_desc %" PRIx64, desc);
	read_string_member(s, ret->chip, l.chip_name, ret->chip_name,
			   sizeof(ret->chip_name));
	read_string_member(s, desc, l.name, ret->flow_name,
			   sizeof(ret->flow_name));
	return NULL;
}

struct kd_error *kd_irq_actions(struct kd_session *s, uint64_t first,
				struct kd_irq_action **ret, size_t *n)
{
	struct irq_layout l;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = layout(s, &l);
	if (err)
		return err;
	struct kd_irq_action *v = calloc(KD_IRQ_MAX_ACTIONS, sizeof(*v));
	if (!v)
		return &kd_error_nomem;
	uint64_t a = first;
	while (a && !err) {
		for (size_t i = 0; i < *n; i++)
			if (v[i].addr == a)
				err = kd_error_fault(KD_ERR_CYCLE, a,
						     "irqaction chain loops "
						     "back to %" PRIx64, a);
		if (!err && *n == KD_IRQ_MAX_ACTIONS)
			err = kd_error_fault(KD_ERR_LIMIT, a, "more than %d "
					     "irqactions on one IRQ",
					     KD_IRQ_MAX_ACTIONS);
		if (err)
			break;
		struct kd_irq_action *x = &v[*n];
		x->addr = a;
		if (kd_present(l.act_handler))
			err = kd_field_ptr(s, a, l.act_handler, &x->handler);
		if (!err && kd_present(l.act_dev_id))
			err = kd_field_ptr(s, a, l.act_dev_id, &x->dev_id);
		if (!err && kd_present(l.act_flags))
			err = kd_field_uint(s, a, l.act_flags, 4, &x->flags);
		if (!err)
			err = kd_field_ptr(s, a, l.act_next, &a);
		if (err) {
			err = kd_error_prefix(err, "irqaction %" PRIx64, x->addr);
			break;
		}
		read_string_member(s, x->addr, l.act_name, x->name,
				   sizeof(x->name));
		(*n)++;
	}
	*ret = v;
	return err;
}

struct kd_error *kd_irq_cpu_count(struct kd_session *s,
				  const struct kd_irq_desc *d, unsigned cpu,
				  uint64_t *ret)
{
	uint64_t addr;
	uint32_t v;
	*ret = 0;
	if (!d->kstat_irqs)
		return NULL;
	struct kd_error *err = kd_percpu_ptr(s, d->kstat_irqs, cpu, &addr);
	if (!err)
		err = kd_read_u32(s, addr, &v);
	if (!err)
		*ret = v;
	return err;
}

struct kd_error *kd_irq_affinity(struct kd_session *s,
				 const struct kd_irq_desc *d, uint64_t *mask,
				 size_t nwords)
{
	uint64_t size = kd_sizeof(s, "struct cpumask");
	memset(mask, 0, nwords * 8);
	if (!d->affinity)
		return kd_error_create(KD_ERR_NOT_FOUND, "IRQ %u: no affinity "
				       "mask", d->irq);
	if (!size || size > nwords * 8)
		size = nwords * 8;
	return kd_read_kvaddr(s, d->affinity, mask, size);
}

struct kd_error *kd_softirq_actions(struct kd_session *s, uint64_t **ret,
				    size_t *n)
{
	struct kd_global g;
	uint64_t count = 0;
	*ret = NULL;
	*n = 0;
	uint64_t size = kd_sizeof(s, "struct softirq_action");
	uint64_t off = kd_offsetof(s, "struct softirq_action", "action");
	struct kd_error *err = kd_global_get(s, "softirq_vec", &g);
	if (!err && (!g.type || !kd_type_array_count(kd_type_strip(g.type, ~0u),
						      &count) ||
		     !count || count > MAX_SOFTIRQS || !size || !kd_present(off)))
		err = kd_error_create(KD_ERR_NOT_FOUND, "cannot determine "
				      "softirq_vec array length");
	if (err)
		return err;
	uint64_t *v = calloc(count, sizeof(*v));
	if (!v)
		return &kd_error_nomem;
	for (uint64_t i = 0; i < count && !err; i++)
		err = kd_read_ptr(s, g.addr + i * size + off, &v[i]);
	*ret = v;
	*n = count;
	return err;
}
