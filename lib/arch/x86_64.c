// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64 address translation.
 *
 * Virtual address bits (arch/x86/include/asm/pgtable_64_types.h):
 *   5-level: PGD 56-48, P4D 47-39, PUD 38-30, PMD 29-21, PTE 20-12
 *   4-level:            PGD 47-39, PUD 38-30, PMD 29-21, PTE 20-12
 * Each table has 512 8-byte entries.  Entry bit 0 = present, bit 7 = PS
 * (a 1 GiB page at PUD level, 2 MiB at PMD level).  The physical frame is
 * bits 51-12 (bits 51-30 / 51-21 for huge pages); bit 63 is NX and the
 * SME encryption bit, when memory encryption is on, must be cleared too.
 *
 * Fast paths that need no tables (as the kernel's __pa() does):
 *   kernel image:  paddr = vaddr - __START_KERNEL_map + phys_base
 *   direct map:    paddr = vaddr - page_offset_base
 * Everything else (vmalloc, vmemmap, modules, fixmap, cpu_entry_area,
 * user space) walks the tables.  Upper-level results are cached per
 * 2 MiB region: the PMD entry (or the huge page it maps).
 */
#include <stdlib.h>
#include <string.h>

#include "arch_internal.h"

#define START_KERNEL_MAP	0xffffffff80000000ULL
#define PTE_PRESENT		0x1ULL
#define PTE_PSE			0x80ULL
#define PHYS_MASK		0x000ffffffffff000ULL	/* bits 51-12 */
#define PMD_CACHE_SIZE		256

struct pmd_cache_entry {
	uint64_t tag;		/* vaddr >> 21, UINT64_MAX when empty */
	uint64_t entry;		/* the PMD entry (kernel tables only) */
	uint64_t entry_paddr;
};

struct x86_64 {
	struct kd_arch arch;
	struct kd_x86_64_params p;
	struct pmd_cache_entry pmd_cache[PMD_CACHE_SIZE];
};

static struct x86_64 *to_x86(const struct kd_arch *a)
{
	return (struct x86_64 *)a;
}

static int is_canonical(const struct x86_64 *x, uint64_t vaddr)
{
	int bits = x->p.l5 ? 57 : 48;
	int64_t sv = (int64_t)(vaddr << (64 - bits)) >> (64 - bits);
	return (uint64_t)sv == vaddr;
}

static uint64_t frame(const struct x86_64 *x, uint64_t entry, uint64_t mask)
{
	return entry & mask & ~x->p.pte_clear_mask;
}

static struct kd_error *read_entry(struct x86_64 *x, uint64_t table,
				   unsigned index, uint64_t *entry_paddr,
				   uint64_t *entry)
{
	*entry_paddr = table + 8ULL * index;
	unsigned char b[8];
	struct kd_error *err = x->arch.read(x->arch.read_arg, *entry_paddr, b, 8);
	if (err)
		return err;
	/* Page tables are little-endian on x86_64. */
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	*entry = v;
	return NULL;
}

static void trace_add(struct kd_vtop_trace *t, enum kd_pt_level level,
		      uint64_t entry_paddr, uint64_t entry)
{
	t->level[t->nlevels] = level;
	t->entry_paddr[t->nlevels] = entry_paddr;
	t->entry[t->nlevels] = entry;
	t->nlevels++;
}

static struct kd_error *not_present(enum kd_pt_level level, uint64_t vaddr,
				    uint64_t entry)
{
	return kd_error_fault(KD_ERR_FAULT, vaddr,
			      "%s entry not present for %llx (entry %llx)",
			      kd_pt_level_name(level), (unsigned long long)vaddr,
			      (unsigned long long)entry);
}

/* The levels above PMD for this paging mode, top first. */
static int upper_levels(const struct x86_64 *x, enum kd_pt_level *lv)
{
	int n = 0;
	lv[n++] = KD_PT_PGD;
	if (x->p.l5)
		lv[n++] = KD_PT_P4D;
	lv[n++] = KD_PT_PUD;
	return n;
}

static unsigned level_shift(const struct x86_64 *x, enum kd_pt_level l)
{
	switch (l) {
	case KD_PT_PGD:
		return x->p.l5 ? 48 : 39;
	case KD_PT_P4D:
		return 39;
	case KD_PT_PUD:
		return 30;
	case KD_PT_PMD:
		return 21;
	default:
		return 12;
	}
}

/*
 * Walk from the root down to the PMD entry.  Sets *pmd (and its
 * address), or finishes the walk in t when a 1 GiB page is found
 * (returns with t->page_size set).
 */
static struct kd_error *walk_to_pmd(struct x86_64 *x, uint64_t root,
				    uint64_t vaddr, struct kd_vtop_trace *t,
				    uint64_t *pmd, uint64_t *pmd_paddr)
{
	enum kd_pt_level lv[3];
	int n = upper_levels(x, lv);
	uint64_t table = root, entry, entry_paddr;
	for (int i = 0; i < n; i++) {
		unsigned idx = (vaddr >> level_shift(x, lv[i])) & 511;
		struct kd_error *err = read_entry(x, table, idx, &entry_paddr,
						  &entry);
		if (err)
			return kd_error_prefix(err, "reading %s entry for %llx",
					       kd_pt_level_name(lv[i]),
					       (unsigned long long)vaddr);
		trace_add(t, lv[i], entry_paddr, entry);
		if (!(entry & PTE_PRESENT))
			return not_present(lv[i], vaddr, entry);
		if (lv[i] == KD_PT_PUD && (entry & PTE_PSE)) {
			t->page_size = 1ULL << 30;
			t->paddr = frame(x, entry, PHYS_MASK & ~((1ULL << 30) - 1)) |
				   (vaddr & ((1ULL << 30) - 1));
			return NULL;
		}
		table = frame(x, entry, PHYS_MASK);
	}
	unsigned idx = (vaddr >> 21) & 511;
	struct kd_error *err = read_entry(x, table, idx, pmd_paddr, pmd);
	if (err)
		return kd_error_prefix(err, "reading PMD entry for %llx",
				       (unsigned long long)vaddr);
	return NULL;
}

/* Finish from a PMD entry: a 2 MiB page or one more level. */
static struct kd_error *walk_from_pmd(struct x86_64 *x, uint64_t vaddr,
				      uint64_t pmd, uint64_t pmd_paddr,
				      struct kd_vtop_trace *t)
{
	trace_add(t, KD_PT_PMD, pmd_paddr, pmd);
	if (!(pmd & PTE_PRESENT))
		return not_present(KD_PT_PMD, vaddr, pmd);
	if (pmd & PTE_PSE) {
		t->page_size = 1ULL << 21;
		t->paddr = frame(x, pmd, PHYS_MASK & ~((1ULL << 21) - 1)) |
			   (vaddr & ((1ULL << 21) - 1));
		return NULL;
	}
	uint64_t pte, pte_paddr;
	struct kd_error *err = read_entry(x, frame(x, pmd, PHYS_MASK),
					  (vaddr >> 12) & 511, &pte_paddr, &pte);
	if (err)
		return kd_error_prefix(err, "reading PTE for %llx",
				       (unsigned long long)vaddr);
	trace_add(t, KD_PT_PTE, pte_paddr, pte);
	if (!(pte & PTE_PRESENT))
		return not_present(KD_PT_PTE, vaddr, pte);
	t->page_size = 4096;
	t->paddr = frame(x, pte, PHYS_MASK) | (vaddr & 0xfff);
	return NULL;
}

static struct kd_error *x86_64_walk(struct kd_arch *a, uint64_t root,
				    uint64_t vaddr, struct kd_vtop_trace *t,
				    int use_cache)
{
	struct x86_64 *x = to_x86(a);
	int kernel = root == 0;
	if (kernel)
		root = x->p.pgd_paddr;
	t->root = root;
	if (!is_canonical(x, vaddr))
		return kd_error_fault(KD_ERR_FAULT, vaddr,
				      "%llx is not a canonical address",
				      (unsigned long long)vaddr);

	/* The cache holds PMD entries of the kernel tables only. */
	struct pmd_cache_entry *c = &x->pmd_cache[(vaddr >> 21) % PMD_CACHE_SIZE];
	uint64_t pmd = 0, pmd_paddr = 0;
	if (kernel && use_cache && c->tag == vaddr >> 21) {
		pmd = c->entry;
		pmd_paddr = c->entry_paddr;
	} else {
		struct kd_error *err = walk_to_pmd(x, root, vaddr, t, &pmd,
						   &pmd_paddr);
		if (err || t->page_size)
			return err;
		if (kernel) {
			c->tag = vaddr >> 21;
			c->entry = pmd;
			c->entry_paddr = pmd_paddr;
		}
	}
	return walk_from_pmd(x, vaddr, pmd, pmd_paddr, t);
}

static int in_direct_map(const struct x86_64 *x, uint64_t vaddr)
{
	return vaddr >= x->p.page_offset_base &&
	       vaddr - x->p.page_offset_base < x->p.direct_map_size;
}

static int in_image(const struct x86_64 *x, uint64_t vaddr)
{
	return vaddr >= x->p.image_start && vaddr < x->p.image_end;
}

static int x86_64_fast_kvtop(const struct kd_arch *a, uint64_t vaddr,
			     uint64_t *paddr)
{
	const struct x86_64 *x = to_x86(a);
	if (in_image(x, vaddr)) {
		*paddr = vaddr - START_KERNEL_MAP + x->p.phys_base;
		return 1;
	}
	if (in_direct_map(x, vaddr)) {
		*paddr = vaddr - x->p.page_offset_base;
		return 1;
	}
	return 0;
}

static int x86_64_is_kvaddr(const struct kd_arch *a, uint64_t vaddr)
{
	const struct x86_64 *x = to_x86(a);
	/* Kernel half of the canonical address space. */
	return is_canonical(x, vaddr) && (vaddr >> 63);
}

static uint64_t x86_64_ptov(const struct kd_arch *a, uint64_t paddr)
{
	return paddr + to_x86(a)->p.page_offset_base;
}

static void x86_64_flush(struct kd_arch *a)
{
	struct x86_64 *x = to_x86(a);
	for (size_t i = 0; i < PMD_CACHE_SIZE; i++)
		x->pmd_cache[i].tag = UINT64_MAX;
}

static void x86_64_destroy(struct kd_arch *a)
{
	free(a);
}

static const struct kd_arch_ops x86_64_ops = {
	.walk = x86_64_walk,
	.fast_kvtop = x86_64_fast_kvtop,
	.is_kvaddr = x86_64_is_kvaddr,
	.ptov = x86_64_ptov,
	.flush = x86_64_flush,
	.destroy = x86_64_destroy,
};

struct kd_error *kd_x86_64_create(const struct kd_x86_64_params *p,
				  kd_read_phys_fn *read, void *arg,
				  struct kd_arch **ret)
{
	if (!p->pgd_paddr || (p->pgd_paddr & 0xfff))
		return kd_error_create(KD_ERR_INVALID,
				       "x86_64: bad page table root %#llx",
				       (unsigned long long)p->pgd_paddr);
	struct x86_64 *x = calloc(1, sizeof(*x));
	if (!x)
		return &kd_error_nomem;
	x->p = *p;
	kd_arch_init_common(&x->arch, &x86_64_ops, read, arg, 4096);
	*ret = &x->arch;
	return NULL;
}

struct kd_error *kd_x86_64_find_kaslr(const struct kd_kaslr_probe *pr,
				      kd_read_phys_fn *read, void *arg,
				      uint64_t *slide, uint64_t *phys_base)
{
	if (!pr->banner_len || pr->banner_len > 4096 || !pr->align)
		return kd_error_create(KD_ERR_INVALID, "kaslr: bad banner or alignment");
	struct kd_x86_64_params p = {
		.pgd_paddr = pr->cr3 & PHYS_MASK,
		.l5 = pr->l5,
	};
	struct kd_arch *a;
	struct kd_error *err = kd_x86_64_create(&p, read, arg, &a);
	if (err)
		return kd_error_prefix(err, "kaslr: CR3 %#llx",
				       (unsigned long long)pr->cr3);
	char *buf = malloc(pr->banner_len);
	if (!buf) {
		kd_arch_destroy(a);
		return &kd_error_nomem;
	}
	err = kd_error_create(KD_ERR_NOT_FOUND,
			      "kaslr: linux_banner not found at any slide up to %#llx "
			      "(is the vmlinux from the same kernel?)",
			      (unsigned long long)pr->max_slide);
	for (uint64_t s = 0; s <= pr->max_slide; s += pr->align) {
		struct kd_error *e = kd_arch_read_kvirt(a, pr->banner_link + s,
							buf, pr->banner_len);
		if (e) {
			kd_error_destroy(e);
			continue;
		}
		if (memcmp(buf, pr->banner, pr->banner_len) != 0)
			continue;
		uint64_t text_pa;
		e = kd_arch_kvtop(a, pr->text_link + s, &text_pa);
		if (e) {
			kd_error_destroy(e);
			continue;
		}
		kd_error_destroy(err);
		err = NULL;
		*slide = s;
		/* __pa(x) = x - __START_KERNEL_map + phys_base holds for the
		 * running (slid) image addresses. */
		*phys_base = text_pa - (pr->text_link + s - START_KERNEL_MAP);
		break;
	}
	free(buf);
	kd_arch_destroy(a);
	return err;
}
