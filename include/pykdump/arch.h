/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmcorearch: kernel virtual → physical address translation.
 *
 * The translator reads physical memory through a callback (the dump
 * layer in a session; a byte array in unit tests), so it does not care
 * where page tables come from.  Only x86_64 exists today; the generic
 * part (kd_arch_*) dispatches so aarch64 can follow.
 */
#ifndef PYKDUMP_ARCH_H
#define PYKDUMP_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

/* Read len bytes of physical memory; a page-state error on failure. */
typedef struct kd_error *kd_read_phys_fn(void *arg, uint64_t paddr, void *buf,
					 size_t len);

struct kd_arch;

/* What x86_64 translation needs; the session derives every value from
 * VMCOREINFO, symbols and memory. */
struct kd_x86_64_params {
	uint64_t pgd_paddr;		/* kernel root table (swapper_pg_dir / init_top_pgt) */
	uint64_t phys_base;		/* NUMBER(phys_base) */
	uint64_t page_offset_base;	/* start of the direct map */
	uint64_t direct_map_size;	/* bytes mapped there (max pfn * page) */
	uint64_t image_start, image_end;/* running kernel image [_text, _end) */
	uint64_t pte_clear_mask;	/* extra bits to clear (SME encryption bit) */
	int l5;				/* 5-level paging (pgtable_l5_enabled) */
};

/* Page-table levels as crash names them. */
enum kd_pt_level { KD_PT_PGD, KD_PT_P4D, KD_PT_PUD, KD_PT_PMD, KD_PT_PTE,
		   KD_PT_NR_LEVELS };

/* A walk as `vtop` shows it: the entry read at each level. */
struct kd_vtop_trace {
	uint64_t root;				/* physical address of the root table */
	int nlevels;				/* entries filled below */
	enum kd_pt_level level[KD_PT_NR_LEVELS];
	uint64_t entry_paddr[KD_PT_NR_LEVELS];	/* where the entry was read */
	uint64_t entry[KD_PT_NR_LEVELS];	/* its value */
	uint64_t page_size;			/* 4K, 2M or 1G once found */
	uint64_t paddr;				/* the translation, if found */
};

KD_PUBLIC const char *kd_pt_level_name(enum kd_pt_level l);

KD_PUBLIC struct kd_error *kd_x86_64_create(const struct kd_x86_64_params *p,
					    kd_read_phys_fn *read, void *arg,
					    struct kd_arch **ret) KD_WARN_UNUSED;
KD_PUBLIC void kd_arch_destroy(struct kd_arch *a);

/* Translate a kernel virtual address with the kernel's page tables
 * (fast paths for the direct map and the kernel image). */
KD_PUBLIC struct kd_error *kd_arch_kvtop(struct kd_arch *a, uint64_t vaddr,
					 uint64_t *paddr) KD_WARN_UNUSED;
/* Walk the tables rooted at root_paddr (0: the kernel's) with no fast
 * path, recording every entry in trace (may be NULL). */
KD_PUBLIC struct kd_error *kd_arch_walk(struct kd_arch *a, uint64_t root_paddr,
					uint64_t vaddr, uint64_t *paddr,
					struct kd_vtop_trace *trace) KD_WARN_UNUSED;
/* Read kernel virtual memory, page by page. */
KD_PUBLIC struct kd_error *kd_arch_read_kvirt(struct kd_arch *a, uint64_t vaddr,
					      void *buf, size_t len) KD_WARN_UNUSED;
/* Read memory of an address space given by its root table (a task's
 * mm->pgd translated to physical). */
KD_PUBLIC struct kd_error *kd_arch_read_uvirt(struct kd_arch *a,
					      uint64_t root_paddr, uint64_t vaddr,
					      void *buf, size_t len) KD_WARN_UNUSED;
/* Kernel-address helpers: the direct map and the kernel image. */
KD_PUBLIC int kd_arch_is_kvaddr(const struct kd_arch *a, uint64_t vaddr);
KD_PUBLIC uint64_t kd_arch_ptov(const struct kd_arch *a, uint64_t paddr);
KD_PUBLIC uint64_t kd_arch_page_size(const struct kd_arch *a);
/* Drop cached translations (after the parameters' memory changed). */
KD_PUBLIC void kd_arch_flush(struct kd_arch *a);

#endif /* PYKDUMP_ARCH_H */

/*
 * Without VMCOREINFO (a QEMU dump of a guest without the vmcoreinfo
 * device), find the KASLR slide the way `crash --kaslr auto` does:
 * with the page tables at cr3 (from the CPU notes), try every slide
 * (multiples of align up to max_slide) until the memory at
 * banner_link + slide holds the banner text from vmlinux.  Also gives
 * phys_base: where the kernel image landed physically.
 */
struct kd_kaslr_probe {
	uint64_t cr3;
	int l5;
	uint64_t banner_link;		/* link-time address of linux_banner */
	const char *banner;		/* its text in the vmlinux file */
	size_t banner_len;
	uint64_t text_link;		/* link-time address of _text */
	uint64_t align;			/* CONFIG_PHYSICAL_ALIGN, 2 MiB */
	uint64_t max_slide;		/* 1 GiB on x86_64 */
};
KD_PUBLIC struct kd_error *kd_x86_64_find_kaslr(const struct kd_kaslr_probe *p,
						kd_read_phys_fn *read, void *arg,
						uint64_t *slide,
						uint64_t *phys_base) KD_WARN_UNUSED;
