/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory facts shared by sys, ps and kmem -i: page counts of the memory
 * nodes, the kernel's vmstat counters, crash's size formatting.
 */
#ifndef PYKDUMP_COMMANDS_MEMFACTS_H
#define PYKDUMP_COMMANDS_MEMFACTS_H

#include <stddef.h>
#include <stdint.h>

struct kd_session;

/* Sums of node_spanned_pages and node_present_pages over the memory
 * nodes (node_data[], or contig_page_data): 1 on success. */
int cmd_node_pages(struct kd_session *s, uint64_t *spanned,
		   uint64_t *present);

/* A vmstat counter by its enumerator name ("NR_FREE_PAGES",
 * "NR_SLAB_RECLAIMABLE_B"): read from vm_node_stat[] or vm_zone_stat[]
 * (by the enumeration the name belongs to; vm_stat[] before 4.8).
 * 1 and *ret (negative values read as 0), 0 when unknown. */
int cmd_vmstat(struct kd_session *s, const char *item, uint64_t *ret);

/* A percpu_counter at addr: count plus every CPU's delta (s32). */
int64_t cmd_percpu_counter(struct kd_session *s, uint64_t addr);

/* The page size of the dumped machine (4096 when unknown). */
uint64_t cmd_page_size(struct kd_session *s);

/* crash's pages_to_size(): "0", "512 KB", "6 MB", "218.2 MB", "1.5 GB". */
char *cmd_pages_to_size(uint64_t pages, uint64_t page_size, char *buf,
			size_t size);

#endif /* PYKDUMP_COMMANDS_MEMFACTS_H */
