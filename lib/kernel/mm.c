// SPDX-License-Identifier: GPL-2.0-or-later
/* Memory-management facts: see include/pykdump/mm.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

#define MAX_NODES 4096
#define MAX_ENUM_VALUES 4096

uint64_t kd_page_size(struct kd_session *s)
{
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err) {
		kd_error_destroy(err);
		return 4096;
	}
	return m->page_size ? m->page_size : 4096;
}

static void add_node(struct kd_session *s, uint64_t pgdat, uint64_t *spanned,
		     uint64_t *present)
{
	*spanned += kd_read_member_or0(s, pgdat, "pglist_data",
				       "node_spanned_pages");
	*present += kd_read_member_or0(s, pgdat, "pglist_data",
				       "node_present_pages");
}

int kd_mm_node_pages(struct kd_session *s, uint64_t *spanned,
		     uint64_t *present)
{
	uint64_t arr, nr = 0, pgdat;
	*spanned = *present = 0;
	if (kd_symbol_try_addr(s, "node_data", &arr)) {
		if (!kd_global_uint(s, "nr_node_ids", 4, &nr) || !nr ||
		    nr > MAX_NODES)
			nr = 1;
		for (uint64_t i = 0; i < nr; i++) {
			struct kd_error *err = kd_read_u64(s, arr + 8 * i, &pgdat);
			kd_error_destroy(err);
			if (!err && pgdat)
				add_node(s, pgdat, spanned, present);
		}
		return *spanned != 0;
	}
	if (!kd_symbol_try_addr(s, "contig_page_data", &pgdat))
		return 0;
	add_node(s, pgdat, spanned, present);
	return *spanned != 0;
}

int kd_vmstat(struct kd_session *s, const char *item, uint64_t *ret)
{
	struct kd_types *types;
	struct kd_enum_value ev;
	uint64_t base;
	*ret = 0;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find_enumerator(types, item, &ev);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	const char *en = kd_type_name(ev.type);
	if (ev.value < 0)
		return 0;
	const char *array = "vm_stat";
	if (en && strcmp(en, "node_stat_item") == 0)
		array = "vm_node_stat";
	else if (en && strcmp(en, "zone_stat_item") == 0 &&
		 kd_symbol_try_addr(s, "vm_zone_stat", &base))
		array = "vm_zone_stat";
	if (!kd_symbol_try_addr(s, array, &base))
		return 0;
	uint64_t v;
	if ((err = kd_read_u64(s, base + 8 * (uint64_t)ev.value, &v))) {
		kd_error_destroy(err);
		return 0;
	}
	*ret = (int64_t)v < 0 ? 0 : v;
	return 1;
}

int64_t kd_percpu_counter(struct kd_session *s, uint64_t addr)
{
	uint64_t count = 0, counters = 0;
	const uint64_t *offs;
	unsigned ncpus;
	uint64_t off = kd_offsetof(s, "percpu_counter", "counters");
	struct kd_error *err = kd_read_member_u64(s, addr, "percpu_counter",
						  "count", &count);
	if (!err)
		err = kd_field_u64(s, addr, off, &counters);
	if (!err)
		err = kd_percpu_offsets(s, &offs, &ncpus);
	if (err) {
		kd_error_destroy(err);
		return (int64_t)count;
	}
	int64_t sum = (int64_t)count;
	for (unsigned cpu = 0; counters && cpu < ncpus; cpu++) {
		uint32_t v;
		err = kd_read_u32(s, counters + offs[cpu], &v);
		if (err)
			kd_error_destroy(err);
		else
			sum += (int32_t)v;
	}
	return sum;
}

struct kd_error *kd_mm_vmas(struct kd_session *s, uint64_t mm, unsigned flags,
			    size_t maxel, struct kd_addr_list *ret)
{
	uint64_t mt = kd_offsetof(s, "struct mm_struct", "mm_mt");
	uint64_t mmap = kd_offsetof(s, "struct mm_struct", "mmap");
	uint64_t next = kd_offsetof(s, "struct vm_area_struct", "vm_next");
	uint64_t first;
	if (kd_present(mt))
		return kd_maple_walk(s, mm + mt, flags, maxel, ret);
	memset(ret, 0, sizeof(*ret));
	if (!kd_present(mmap) || !kd_present(next))
		return kd_error_create(KD_ERR_NOT_FOUND, "struct mm_struct has "
				       "neither mm_mt nor mmap");
	struct kd_error *err = kd_field_ptr(s, mm, mmap, &first);
	if (err || !first)
		return err;
	return kd_chain_walk(s, first, next, 0, flags | KD_WALK_INCHEAD, maxel,
			     ret);
}

struct kd_error *kd_enum_names(struct kd_session *s, const char *type_name,
			       const char *end, const char ***names, size_t *n)
{
	struct kd_types *types;
	struct kd_type *t;
	const struct kd_enumerator *e;
	size_t ne, count = 0;
	*names = NULL;
	*n = 0;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, type_name, &t);
	if (!err)
		err = kd_type_enumerators(kd_type_strip(t, KD_STRIP_ALL), &e,
					  &ne);
	if (err)
		return err;
	/* the count: end's value, else one past the largest value */
	for (size_t i = 0; i < ne; i++) {
		if (end && !strcmp(e[i].name, end)) {
			count = e[i].value < 0 ? 0 : (size_t)e[i].value;
			break;
		}
		if (!end && e[i].value >= 0 && (size_t)e[i].value >= count)
			count = (size_t)e[i].value + 1;
	}
	if (count > MAX_ENUM_VALUES)
		return kd_error_create(KD_ERR_CORRUPT, "%s has %zu values",
				       type_name, count);
	if (!count)
		return end ? kd_error_create(KD_ERR_NOT_FOUND, "%s has no %s",
					     type_name, end) : NULL;
	const char **v = calloc(count, sizeof(*v));
	if (!v)
		return &kd_error_nomem;
	/* the last name of each value: NR_ZONE_INACTIVE_ANON rather than
	 * the NR_ZONE_LRU_BASE before it (as crash names them) */
	for (size_t i = 0; i < ne; i++)
		if (e[i].value >= 0 && (size_t)e[i].value < count)
			v[e[i].value] = e[i].name;
	*names = v;
	*n = count;
	return NULL;
}

struct kd_error *kd_vm_events(struct kd_session *s, uint64_t **ret, size_t *n)
{
	const char **names;
	size_t count;
	const uint64_t *offs;
	unsigned ncpus;
	uint64_t addr;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_enum_names(s, "enum vm_event_item",
					     "NR_VM_EVENT_ITEMS", &names,
					     &count);
	if (err)
		return err;
	free(names);
	if ((err = kd_symbol_addr(s, "vm_event_states", &addr)) ||
	    (err = kd_percpu_offsets(s, &offs, &ncpus)))
		return err;
	uint64_t *sum = calloc(count, sizeof(*sum));
	uint64_t *one = calloc(count, sizeof(*one));
	if (!sum || !one) {
		free(sum);
		free(one);
		return &kd_error_nomem;
	}
	for (unsigned cpu = 0; !err && cpu < ncpus; cpu++) {
		err = kd_read_kvaddr(s, addr + offs[cpu], one, count * 8);
		for (size_t i = 0; !err && i < count; i++)
			sum[i] += one[i];
	}
	free(one);
	if (err) {
		free(sum);
		return kd_error_prefix(err, "vm_event_states");
	}
	*ret = sum;
	*n = count;
	return NULL;
}

struct kd_error *kd_hstates(struct kd_session *s, struct kd_hstate **ret,
			    size_t *n)
{
	struct kd_global g;
	uint64_t count = 0;
	uint64_t size = kd_sizeof(s, "struct hstate");
	uint64_t name_off = kd_offsetof(s, "struct hstate", "name");
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_global_get(s, "hstates", &g);
	if (err)
		return kd_error_prefix(err, "hugetlbfs");
	struct kd_type *t = kd_type_strip(g.type, KD_STRIP_ALL);
	if (kd_type_kind(t) != KD_TYPE_ARRAY || !kd_type_array_count(t, &count)
	    || !size || !kd_present(name_off) || count > 64)
		return kd_error_create(KD_ERR_NOT_FOUND, "hstates[] or struct "
				       "hstate has changed");
	struct kd_hstate *v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return &kd_error_nomem;
	for (uint64_t i = 0; !err && i < count; i++) {
		uint64_t h = g.addr + i * size, order;
		struct kd_hstate *e = &v[*n];
		err = kd_read_member_u64(s, h, "hstate", "order", &order);
		if (err || !order)
			continue;
		e->addr = h;
		e->order = (unsigned)order;
		e->nr_huge_pages = kd_read_member_or0(s, h, "hstate",
						      "nr_huge_pages");
		e->free_huge_pages = kd_read_member_or0(s, h, "hstate",
							"free_huge_pages");
		e->surplus_huge_pages = kd_read_member_or0(s, h, "hstate",
							   "surplus_huge_pages");
		err = kd_field_string(s, h, name_off, e->name, sizeof(e->name));
		(*n)++;
	}
	if (err) {
		free(v);
		*n = 0;
		return kd_error_prefix(err, "hstates");
	}
	*ret = v;
	return NULL;
}
