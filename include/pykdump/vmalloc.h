/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vmalloc areas: what is mapped in the kernel's vmalloc and module
 * ranges, and by whom.
 *
 * Kernel facts relied on:
 *   - the busy areas are struct vmap_area { va_start, va_end, ...,
 *     vm }: on vmap_area_list (linked by vmap_area.list, in address
 *     order) from 2.6.28 to 6.8; from 6.9 on the lists
 *     vmap_nodes[0 .. nr_vmap_nodes).busy.head (struct rb_list), each
 *     in address order, merged here;
 *   - before 2.6.28, the struct vm_struct chain vmlist (vm_struct.next);
 *   - vmap_area.vm is the area's struct vm_struct (addr, size including
 *     the guard page, flags, pages[], nr_pages, phys_addr, caller); an
 *     area without one (vm_map_ram) has vm NULL.
 */
#ifndef PYKDUMP_VMALLOC_H
#define PYKDUMP_VMALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

struct kd_vmap_area {
	uint64_t va;		/* struct vmap_area; 0 on a vmlist kernel */
	uint64_t vm;		/* struct vm_struct; 0 when none */
	uint64_t start, end;	/* [start, end) */
};

/* Every busy area in address order; *ret malloc'd.  A list broken
 * part-way gives the areas before the break and the error. */
KD_PUBLIC struct kd_error *kd_vmap_areas(struct kd_session *s,
					 struct kd_vmap_area **ret,
					 size_t *n) KD_WARN_UNUSED;

struct kd_vm_struct {
	uint64_t addr, size, flags;
	uint64_t pages;		/* struct page **; 0 for ioremap */
	uint64_t nr_pages;
	uint64_t phys_addr;
	uint64_t caller;
};
KD_PUBLIC struct kd_error *kd_vm_struct_read(struct kd_session *s,
					     uint64_t vm,
					     struct kd_vm_struct *ret)
	KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_VMALLOC_H */
