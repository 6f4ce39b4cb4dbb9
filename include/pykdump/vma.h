/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address spaces: a task's mm, its VM areas, and the translation of its
 * user pages (present, swapped out, or backed by a file), as crash's vm
 * and vtop show them.
 *
 * Kernel facts relied on:
 *   - task->mm is NULL for kernel threads; mm->pgd is the kernel virtual
 *     address of the top-level page table;
 *   - the VMAs of an mm are in its maple tree mm_mt (6.1+), else on the
 *     list mm->mmap through vm_next, by address (mm.h, kd_mm_vmas);
 *   - vm_area_struct: vm_start, vm_end, vm_flags (a member of an
 *     anonymous union since 6.3), vm_pgoff (in pages), vm_file, vm_mm;
 *   - a user PTE that is not present but not zero is a swap entry
 *     (x86_64: swap type and offset as include/asm/pgtable_64.h encodes
 *     them; the offset stored inverted since the L1TF fixes, 4.18);
 *   - swap_info[] holds MAX_SWAPFILES struct swap_info_struct pointers
 *     (2.6.33+), nr_swapfiles of them used.
 */
#ifndef PYKDUMP_VMA_H
#define PYKDUMP_VMA_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

/* task->mm (0 for a kernel thread). */
KD_PUBLIC struct kd_error *kd_task_mm(struct kd_session *s, uint64_t task,
				      uint64_t *ret) KD_WARN_UNUSED;
/* mm->pgd: the kernel virtual address of its top-level page table. */
KD_PUBLIC struct kd_error *kd_mm_pgd(struct kd_session *s, uint64_t mm,
				     uint64_t *ret) KD_WARN_UNUSED;

struct kd_vma {
	uint64_t addr;		/* the struct vm_area_struct */
	uint64_t start, end;	/* [vm_start, vm_end) */
	uint64_t flags;		/* vm_flags */
	uint64_t pgoff;		/* vm_pgoff: file offset in pages */
	uint64_t file;		/* vm_file, 0 when anonymous */
	uint64_t mm;		/* vm_mm */
};

/* One VMA's fields. */
KD_PUBLIC struct kd_error *kd_vma_read(struct kd_session *s, uint64_t vma,
				       struct kd_vma *ret) KD_WARN_UNUSED;

/*
 * Every VMA of the mm at mm, in address order; *ret malloc'd (free()).
 * A tree or list broken part-way gives the VMAs found before the break
 * and the error (the rules of highlevel.h); a VMA that cannot be read
 * ends the array there, with its error.
 */
KD_PUBLIC struct kd_error *kd_mm_vma_array(struct kd_session *s, uint64_t mm,
					   struct kd_vma **ret,
					   size_t *n) KD_WARN_UNUSED;

/* The path of the file a VMA maps ("" for an anonymous one, or when it
 * cannot be built). */
KD_PUBLIC void kd_vma_file_path(struct kd_session *s, const struct kd_vma *v,
				char *buf, size_t size);

/* What a user page of an address space is. */
enum kd_upage_state {
	KD_UPAGE_MAPPED,	/* present: paddr */
	KD_UPAGE_SWAP,		/* swapped out: swap_type, swap_offset */
	KD_UPAGE_NONE,		/* no entry (or a page table level missing) */
};

struct kd_upage {
	enum kd_upage_state state;
	uint64_t paddr;		/* MAPPED: the byte's physical address */
	uint64_t pte;		/* the last entry read (0 when none) */
	unsigned swap_type;	/* SWAP */
	uint64_t swap_offset;
};

/* Translate a user virtual address through the page tables at pgd (a
 * kernel virtual address, mm->pgd).  Errors only when the tables cannot
 * be read. */
KD_PUBLIC struct kd_error *kd_uvaddr_page(struct kd_session *s, uint64_t pgd,
					  uint64_t vaddr,
					  struct kd_upage *ret) KD_WARN_UNUSED;

/* ---- swap devices ---- */

struct kd_swap_info {
	uint64_t addr;		/* struct swap_info_struct */
	unsigned type;		/* its index in swap_info[] */
	uint64_t flags;
	int is_device;		/* a block device (else a file) */
	int prio;
	uint64_t pages;		/* usable pages */
	uint64_t inuse_pages;
	char path[1024];	/* swap_file's path, "(unknown)" without */
};

/* The swap areas in use (flags & SWP_USED), in swap_info[] order;
 * *ret malloc'd (free()).  KD_ERR_NOT_FOUND when the kernel has no
 * swap_info / nr_swapfiles. */
KD_PUBLIC struct kd_error *kd_swap_infos(struct kd_session *s,
					 struct kd_swap_info **ret,
					 size_t *n) KD_WARN_UNUSED;
/* The path of the swap area of a type ("(unknown swap location)" when
 * there is none). */
KD_PUBLIC void kd_swap_type_path(struct kd_session *s, unsigned type,
				 char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_VMA_H */
