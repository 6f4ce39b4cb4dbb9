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

/* The struct vm_area_struct addresses of the mm_struct at mm, in address
 * order (the free and partial-result rules of highlevel.h). */
KD_PUBLIC struct kd_error *kd_mm_vmas(struct kd_session *s, uint64_t mm,
				      unsigned flags, size_t maxel,
				      struct kd_addr_list *ret) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_MM_H */
