/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory-management facts: the page size, page counts of the memory
 * nodes, the kernel's vmstat counters, percpu_counter sums, and the
 * VMAs of an address space.
 *
 * Kernel facts relied on:
 *   - x86_64 NUMA kernels keep struct pglist_data *node_data[]
 *     (nr_node_ids entries, NULL for absent nodes); others have one
 *     contig_page_data;
 *   - vmstat counters are atomic_long_t arrays indexed by their enum:
 *     vm_zone_stat[] (enum zone_stat_item) and vm_node_stat[] (enum
 *     node_stat_item) since 4.8, one vm_stat[] before;
 *   - struct percpu_counter { count; s32 __percpu *counters; };
 *   - vm event counters: per-CPU struct vm_event_state { unsigned long
 *     event[NR_VM_EVENT_ITEMS]; } vm_event_states;
 *   - hugetlbfs page sizes: struct hstate hstates[HUGE_MAX_HSTATE], an
 *     entry of order 0 unused;
 *   - an mm's VMAs are in its maple tree mm_mt (6.1+), else on the list
 *     mm->mmap linked through vm_area_struct.vm_next, by address.
 */
#ifndef PYKDUMP_MM_H
#define PYKDUMP_MM_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_addr_list;

/* The page size of the dumped machine (4096 when unknown). */
KD_PUBLIC uint64_t kd_page_size(struct kd_session *s);

/* Sums of node_spanned_pages and node_present_pages over the memory
 * nodes (node_data[], or contig_page_data): 1 on success. */
KD_PUBLIC int kd_mm_node_pages(struct kd_session *s, uint64_t *spanned,
			       uint64_t *present);

/* A vmstat counter by its enumerator name ("NR_FREE_PAGES",
 * "NR_SLAB_RECLAIMABLE_B"): read from vm_node_stat[] or vm_zone_stat[]
 * (by the enumeration the name belongs to; vm_stat[] before 4.8).
 * 1 and *ret (negative values read as 0), 0 when unknown. */
KD_PUBLIC int kd_vmstat(struct kd_session *s, const char *item,
			uint64_t *ret);

/* A percpu_counter at addr: count plus every CPU's delta (s32). */
KD_PUBLIC int64_t kd_percpu_counter(struct kd_session *s, uint64_t addr);

/* The enumerators of an enumeration in value order, from 0 up to (not
 * including) the one named end ("NR_VM_ZONE_STAT_ITEMS"; NULL: all):
 * the names of the vmstat and event counters.  *names is malloc'd (the
 * strings belong to the type model); of several names of one value
 * the last (NR_ZONE_INACTIVE_ANON, not the NR_ZONE_LRU_BASE alias
 * before it); a value without an enumerator is NULL. */
KD_PUBLIC struct kd_error *kd_enum_names(struct kd_session *s,
					 const char *type_name,
					 const char *end, const char ***names,
					 size_t *n) KD_WARN_UNUSED;

/* The vm event counters (enum vm_event_item) summed over the CPUs'
 * vm_event_states: *ret malloc'd, *n = NR_VM_EVENT_ITEMS. */
KD_PUBLIC struct kd_error *kd_vm_events(struct kd_session *s, uint64_t **ret,
					size_t *n) KD_WARN_UNUSED;

/* A huge page size (struct hstate hstates[], entries of order 0 left
 * out). */
struct kd_hstate {
	uint64_t addr;
	unsigned order;
	uint64_t nr_huge_pages, free_huge_pages, surplus_huge_pages;
	char name[32];		/* "hugepages-2048kB" */
};
/* *ret malloc'd; KD_ERR_NOT_FOUND without hugetlbfs. */
KD_PUBLIC struct kd_error *kd_hstates(struct kd_session *s,
				      struct kd_hstate **ret, size_t *n)
	KD_WARN_UNUSED;

/* The struct vm_area_struct addresses of the mm_struct at mm, in address
 * order (the free and partial-result rules of highlevel.h). */
KD_PUBLIC struct kd_error *kd_mm_vmas(struct kd_session *s, uint64_t mm,
				      unsigned flags, size_t maxel,
				      struct kd_addr_list *ret) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_MM_H */
