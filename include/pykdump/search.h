/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Searching memory for values or strings (crash's search): in kernel
 * virtual, user virtual or physical memory, page by page from the dump
 * layer's page reads.
 *
 * Speed: what is not mapped is skipped a page-table level at a time (an
 * empty PGD entry skips 512 GB), what the dump does not hold is skipped
 * by its page state (no decompression, no error built), and every page
 * read is scanned in place; so a search costs about what reading the
 * dump's pages costs.
 *
 * The kernel's address space, as crash divides it on x86_64 (in
 * address order):
 *   - the direct map [page_offset_base, high_memory), read physically
 *     (address - page_offset_base);
 *   - vmalloc space from vmalloc_base, through the page tables;
 *   - the struct page array (vmemmap) for max_pfn pages;
 *   - the kernel image [__START_KERNEL_map, _end): through the page
 *     tables, so only what is mapped ([_text, _end) and what boot left
 *     mapped), where crash translates the whole range arithmetically;
 *   - the modules' core regions.
 *
 * What the machine did not have and what makedumpfile filtered out are
 * skipped, as crash skips them.  Pages the dump should hold but that
 * cannot be read (lost from an incomplete dump, damaged) are not
 * searched either, and the search then ends with KD_ERR_LOST saying how
 * many (after reporting every match in the rest): the answer is
 * partial.
 */
#ifndef PYKDUMP_SEARCH_H
#define PYKDUMP_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;

enum kd_search_kind {
	KD_SEARCH_LONG,		/* 8-byte values at 8-byte steps */
	KD_SEARCH_INT,		/* 4-byte values at 4-byte steps */
	KD_SEARCH_SHORT,	/* 2-byte values at 2-byte steps */
	KD_SEARCH_CHARS,	/* byte strings at any address */
};

#define KD_SEARCH_MAX_VALUES	64
#define KD_SEARCH_MAX_STRLEN	4096

/*
 * A match: addr in the space searched, which value (or string) matched,
 * and the bytes read from the match on (at least the value; for a
 * string, up to the end of the page the match starts or ends in).
 * Return nonzero to stop the search.
 */
typedef int kd_search_hit_fn(void *arg, uint64_t addr, size_t index,
			     const uint8_t *data, size_t avail);

struct kd_search_spec {
	enum kd_search_kind kind;
	size_t nvalues;
	uint64_t values[KD_SEARCH_MAX_VALUES];	/* not KD_SEARCH_CHARS */
	uint64_t mask;				/* bits that do not count */
	const char *strings[KD_SEARCH_MAX_VALUES];	/* KD_SEARCH_CHARS */
	size_t lens[KD_SEARCH_MAX_VALUES];
	kd_search_hit_fn *hit;
	void *arg;
};

/* The kernel's address ranges crash searches by default. */
enum kd_kspace {
	KD_KSPACE_DIRECT,	/* unity map (crash's KVADDR_UNITY_MAP) */
	KD_KSPACE_VMALLOC,
	KD_KSPACE_VMEMMAP,
	KD_KSPACE_IMAGE,	/* kernel text and data (START_MAP) */
	KD_KSPACE_MODULES,
};

struct kd_krange {
	enum kd_kspace type;
	uint64_t start, end;
};

#define KD_MAX_KRANGES	(8 + 64)	/* module regions count too */

/* The ranges in address order (module regions one each). */
KD_PUBLIC struct kd_error *kd_kernel_ranges(struct kd_session *s,
					    struct kd_krange *ret, size_t max,
					    size_t *n) KD_WARN_UNUSED;

/* Kernel virtual memory [start, end) of the given range (start/end
 * already clipped to it). */
KD_PUBLIC struct kd_error *kd_search_krange(struct kd_session *s,
					    const struct kd_krange *r,
					    const struct kd_search_spec *spec)
	KD_WARN_UNUSED;
/* User memory [start, end) of the address space at pgd (mm->pgd). */
KD_PUBLIC struct kd_error *kd_search_user(struct kd_session *s, uint64_t pgd,
					  uint64_t start, uint64_t end,
					  const struct kd_search_spec *spec)
	KD_WARN_UNUSED;
/* Physical memory [start, end). */
KD_PUBLIC struct kd_error *kd_search_phys(struct kd_session *s,
					  uint64_t start, uint64_t end,
					  const struct kd_search_spec *spec)
	KD_WARN_UNUSED;
/* The physical memory of the machine's memory nodes: [start, end). */
KD_PUBLIC struct kd_error *kd_phys_range(struct kd_session *s, uint64_t *start,
					 uint64_t *end) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_SEARCH_H */
