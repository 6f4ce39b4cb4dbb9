/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory nodes, their zones, the buddy allocator's free lists, and the
 * memory block devices of memory hotplug.
 *
 * Kernel facts relied on:
 *   - the online nodes are the bits of node_states[N_ONLINE] (2.6.24+);
 *     node n's pglist_data is node_data[n] (NUMA) or contig_page_data;
 *   - pglist_data.node_zones[MAX_NR_ZONES] are the node's zones; a zone
 *     has a name, zone_start_pfn, spanned_pages, present_pages,
 *     managed_pages (atomic_long_t, 5.x), watermarks (_watermark[],
 *     5.0+; watermark[] 4.x; pages_min/low/high before), vm_stat[]
 *     (atomic_long_t per enum zone_stat_item) and free_area[MAX_ORDER];
 *   - free_area[order].free_list[MIGRATE_TYPES] are list_heads of the
 *     first struct page of each free block, linked through page->lru
 *     (page->buddy_list, the same list_head, 6.1+);
 *     free_area[order].nr_free counts the blocks of that order;
 *   - memory blocks (CONFIG_MEMORY_HOTPLUG) are the devices of the
 *     "memory" bus: memory_subsys.p->klist_devices (bus_type.p, before
 *     6.3), else the kset named "memory" on bus_kset's list; each
 *     klist_node sits in device_private.knode_bus, whose .device is the
 *     memory_block's dev.
 */
#ifndef PYKDUMP_ZONE_H
#define PYKDUMP_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_addr_list;

struct kd_node {
	int id;			/* pglist_data.node_id */
	uint64_t pgdat;
	uint64_t start_pfn, spanned, present;
	uint64_t mem_map;	/* node_mem_map, else the struct page of
				   start_pfn; 0 when none */
	uint64_t bdata;		/* bootmem data; KD_ABSENT on 4.x+ */
};

/* The online memory nodes, by node id; *ret malloc'd (free()). */
KD_PUBLIC struct kd_error *kd_mm_nodes(struct kd_session *s,
				       struct kd_node **ret, size_t *n)
	KD_WARN_UNUSED;

struct kd_zone {
	int node;		/* its node's id */
	int index;		/* in node_zones[] */
	uint64_t addr;		/* struct zone */
	char name[32];
	uint64_t start_pfn, spanned, present, managed;
	uint64_t wmark_min, wmark_low, wmark_high;
	uint64_t vm_stat;	/* address of zone->vm_stat[]; KD_ABSENT */
	uint64_t free_area;	/* address of zone->free_area[]; KD_ABSENT */
};

/* The zones of a node (node_zones[0 .. MAX_NR_ZONES)), *ret malloc'd. */
KD_PUBLIC struct kd_error *kd_node_zones(struct kd_session *s,
					 const struct kd_node *node,
					 struct kd_zone **ret, size_t *n)
	KD_WARN_UNUSED;

/* The free_area layout: orders (MAX_ORDER), lists per order
 * (MIGRATE_TYPES), sizes and offsets. */
struct kd_free_area_layout {
	unsigned orders, types;
	uint64_t area_size;	/* sizeof(struct free_area) */
	uint64_t list_off;	/* free_area.free_list */
	uint64_t list_size;	/* sizeof(struct list_head) */
	uint64_t nr_free_off;	/* free_area.nr_free */
	uint64_t page_lru_off;	/* page.lru (buddy_list) */
};
KD_PUBLIC struct kd_error *kd_free_area_layout(struct kd_session *s,
					      struct kd_free_area_layout *ret)
	KD_WARN_UNUSED;

/* The address of zone's free list for (order, migratetype). */
KD_PUBLIC uint64_t kd_free_list_head(const struct kd_free_area_layout *l,
				     const struct kd_zone *z, unsigned order,
				     unsigned type);
/* The first struct page of each free block on that list, in list order
 * (highlevel.h's walk rules: bounded, cycle-checked, partial results
 * with the error). */
KD_PUBLIC struct kd_error *kd_free_list_pages(struct kd_session *s,
					      const struct kd_zone *z,
					      unsigned order, unsigned type,
					      unsigned flags, size_t maxel,
					      struct kd_addr_list *ret)
	KD_WARN_UNUSED;

/* The free block holding pfn: 1 and its first page, order, migratetype
 * (the list it is on), 0 when pfn is not in a free block. */
struct kd_free_block {
	int node, zone;
	unsigned order, type;
	uint64_t page;		/* first struct page of the block */
	uint64_t pfn;		/* its pfn */
};
KD_PUBLIC struct kd_error *kd_free_block_find(struct kd_session *s,
					      uint64_t pfn,
					      struct kd_free_block *ret,
					      int *found) KD_WARN_UNUSED;

/* ---- memory blocks ---- */

struct kd_memory_block {
	uint64_t addr;		/* struct memory_block */
	char name[32];		/* its device's name: "memory0" */
	uint64_t start_section;	/* start_section_nr */
	uint64_t end_section;	/* end_section_nr; KD_ABSENT when none */
	uint64_t state;		/* MEM_ONLINE (1), MEM_OFFLINE (4) ... */
	int nid;		/* -1 when the kernel has no memory_block.nid */
};
/* The memory blocks in the bus's device order; *ret malloc'd.
 * KD_ERR_NOT_FOUND when the kernel has none (no memory hotplug). */
KD_PUBLIC struct kd_error *kd_memory_blocks(struct kd_session *s,
					    struct kd_memory_block **ret,
					    size_t *n) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_ZONE_H */
