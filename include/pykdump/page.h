/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory map: the struct page of each page frame, the sparse memory
 * sections holding them, and what a page's flags mean.
 *
 * Kernel facts relied on:
 *   - SPARSEMEM (every x86_64 kernel): memory is cut into sections of
 *     2^SECTION_SIZE_BITS bytes (VMCOREINFO NUMBER(SECTION_SIZE_BITS),
 *     27 on x86_64), NR_MEM_SECTIONS = 2^(MAX_PHYSMEM_BITS -
 *     SECTION_SIZE_BITS).  struct mem_section **mem_section
 *     (SPARSEMEM_EXTREME: roots of PAGE_SIZE / sizeof(struct mem_section)
 *     sections each) or struct mem_section mem_section[][1];
 *   - mem_section.section_mem_map holds the section's state in its low
 *     bits (enum SECTION_MARKED_PRESENT_BIT, SECTION_HAS_MEM_MAP_BIT,
 *     SECTION_IS_ONLINE_BIT, SECTION_IS_EARLY_BIT, ... up to
 *     SECTION_MAP_LAST_BIT) and, above them, the "coded" mem_map: the
 *     section's struct page array minus its first pfn, so that
 *     page(pfn) = coded + pfn (sparse_decode_mem_map());
 *   - FLATMEM: one array, contig_page_data.node_mem_map, from
 *     node_start_pfn;
 *   - page->flags: the PG_* bits (enum pageflags) at the bottom, the
 *     section/node/zone numbers at the top; pageflag_names[] (struct
 *     trace_print_flags {mask, name}, ended by a NULL name) names the
 *     bits as the kernel's %pGp does;
 *   - a tail page of a compound page has bit 0 of page->compound_head set
 *     (the head's address | 1), 4.6+.
 */
#ifndef PYKDUMP_PAGE_H
#define PYKDUMP_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

/* One present memory section. */
struct kd_mem_section {
	uint64_t nr;		/* section number */
	uint64_t addr;		/* its struct mem_section */
	uint64_t raw;		/* section_mem_map as stored */
	uint64_t coded;		/* raw without the state bits */
	uint64_t mem_map;	/* struct page of its first pfn; 0 when the
				   section has no memory map */
	uint64_t pfn;		/* its first pfn */
};

/* Section state bits of kd_mem_section.raw (from the kernel's enum). */
struct kd_section_bits {
	int present, has_mem_map, online, early, zone_device;	/* -1: none */
	unsigned last;		/* SECTION_MAP_LAST_BIT */
};

struct kd_memmap {
	int sparse;		/* 1: SPARSEMEM, 0: FLATMEM */
	uint64_t page_size;
	unsigned page_shift;
	uint64_t page_struct_size;	/* sizeof(struct page) */
	/* SPARSEMEM */
	unsigned section_size_bits;
	uint64_t pages_per_section;
	uint64_t nr_mem_sections;	/* NR_MEM_SECTIONS */
	struct kd_section_bits bits;
	const struct kd_mem_section *sections;	/* present ones, by nr */
	size_t nsections;
	/* FLATMEM */
	uint64_t flat_map, flat_start_pfn, flat_pages;
	/* one past the highest pfn with a struct page */
	uint64_t end_pfn;
	/* problems met reading the sections (unreadable roots ...),
	 * NULL when none: the map holds what could be read */
	const char *problem;
};

/* The memory map of this kernel, read once per session (per memocache
 * generation).  Fails when neither mem_section nor a flat map exists. */
KD_PUBLIC struct kd_error *kd_memmap_get(struct kd_session *s,
					 const struct kd_memmap **ret)
	KD_WARN_UNUSED;

/* The struct page of a pfn; KD_ERR_NOT_FOUND when the pfn has none (a
 * hole, or past the end of memory). */
KD_PUBLIC struct kd_error *kd_pfn_to_page(struct kd_session *s, uint64_t pfn,
					  uint64_t *page) KD_WARN_UNUSED;
/* The pfn of a struct page address; KD_ERR_NOT_FOUND when addr is not
 * the start of a struct page of the memory map. */
KD_PUBLIC struct kd_error *kd_page_to_pfn(struct kd_session *s, uint64_t page,
					  uint64_t *pfn) KD_WARN_UNUSED;
/* 1 when addr is the start of a struct page (crash's is_page_ptr). */
KD_PUBLIC int kd_is_page_ptr(struct kd_session *s, uint64_t addr);

/* ---- one page ---- */

struct kd_page {
	uint64_t addr, pfn;
	uint64_t flags;
	uint64_t mapping;	/* page->mapping as stored */
	uint64_t index;		/* page->index */
	uint64_t private;
	uint64_t compound_head;	/* as stored: tail pages have bit 0 set
				 * (compound_info in 7.x; kd_page_head) */
	int32_t refcount;	/* _refcount (_count before 4.6) */
	int32_t mapcount;	/* _mapcount as stored (-1: none) */
};

/* Where struct page keeps what kd_page holds; KD_ABSENT when a member
 * does not exist in this kernel. */
struct kd_page_layout {
	uint64_t size;
	uint64_t flags, mapping, index, private, compound_head;
	uint64_t refcount, mapcount;
	uint64_t lru;		/* the list_head of the LRU and buddy lists */
};
KD_PUBLIC struct kd_error *kd_page_layout_get(struct kd_session *s,
					      const struct kd_page_layout **ret)
	KD_WARN_UNUSED;

/* Decode a struct page from its bytes (size bytes at buf, read from
 * page); fields outside the bytes read as 0. */
KD_PUBLIC void kd_page_decode(const struct kd_page_layout *l, uint64_t page,
			      uint64_t pfn, const void *buf, size_t size,
			      struct kd_page *ret);
/* Read and decode the struct page at page (pfn from the memory map). */
KD_PUBLIC struct kd_error *kd_page_read(struct kd_session *s, uint64_t page,
					struct kd_page *ret) KD_WARN_UNUSED;
/* The head page of page (page itself unless it is a tail page). */
KD_PUBLIC uint64_t kd_page_head(const struct kd_page *p);

/*
 * Every struct page of pfns [start, end) that exists, in pfn order, read
 * a chunk at a time: fn(arg, page) for each; fn returns non-zero to
 * stop (kd_memmap_scan then returns NULL).  Chunks that cannot be read
 * are skipped and counted in *unreadable (may be NULL).  Ctrl-C and the
 * time budget stop the scan with their error.
 */
typedef int kd_page_scan_fn(void *arg, const struct kd_page *page,
			    const uint8_t *raw);
KD_PUBLIC struct kd_error *kd_memmap_scan(struct kd_session *s, uint64_t start,
					  uint64_t end, kd_page_scan_fn *fn,
					  void *arg, uint64_t *unreadable)
	KD_WARN_UNUSED;

/* ---- page flags ---- */

struct kd_page_flag {
	uint64_t mask;
	const char *name;	/* "locked", "slab" ... */
};

/* The kernel's names of the page flag bits: pageflag_names[] (4.6+, the
 * order %pGp prints them in), else enum pageflags (PG_ dropped) up to
 * __NR_PAGEFLAGS.  Read once per session. */
KD_PUBLIC struct kd_error *kd_page_flag_names(struct kd_session *s,
					      const struct kd_page_flag **ret,
					      size_t *n) KD_WARN_UNUSED;
/* The names of the bits set in flags, comma-separated ("" for none),
 * into buf. */
KD_PUBLIC char *kd_page_flags_string(struct kd_session *s, uint64_t flags,
				     char *buf, size_t size);
/* The bit of a page flag by its enumerator ("PG_slab"), -1 when this
 * kernel has no such flag. */
KD_PUBLIC int kd_page_flag_bit(struct kd_session *s, const char *pg_name);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_PAGE_H */
