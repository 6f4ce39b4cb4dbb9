/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The architecture vtable behind include/pykdump/arch.h. */
#ifndef PYKDUMP_ARCH_INTERNAL_H
#define PYKDUMP_ARCH_INTERNAL_H

#include <pykdump/arch.h>

struct kd_arch_ops {
	/* Page-table walk; root 0 means the kernel's tables.  With
	 * use_cache, cached upper-level entries may stand in for reads
	 * (and are then missing from the trace). */
	struct kd_error *(*walk)(struct kd_arch *a, uint64_t root,
				 uint64_t vaddr, struct kd_vtop_trace *t,
				 int use_cache);
	/* Translate without tables when the address allows (direct map,
	 * kernel image): 1 and *paddr set, or 0. */
	int (*fast_kvtop)(const struct kd_arch *a, uint64_t vaddr,
			  uint64_t *paddr);
	int (*is_kvaddr)(const struct kd_arch *a, uint64_t vaddr);
	uint64_t (*ptov)(const struct kd_arch *a, uint64_t paddr);
	void (*flush)(struct kd_arch *a);
	void (*destroy)(struct kd_arch *a);
};

/* Recently translated kernel pages (4 KiB granules). */
#define KD_TLB_SIZE 1024

struct kd_tlb_entry {
	uint64_t vpage;		/* vaddr >> 12, or UINT64_MAX when empty */
	uint64_t ppage;		/* physical address of that 4 KiB granule */
};

struct kd_arch {
	const struct kd_arch_ops *ops;
	kd_read_phys_fn *read;
	void *read_arg;
	uint64_t page_size;
	struct kd_tlb_entry tlb[KD_TLB_SIZE];
};

void kd_arch_init_common(struct kd_arch *a, const struct kd_arch_ops *ops,
			 kd_read_phys_fn *read, void *arg, uint64_t page_size);

#endif
