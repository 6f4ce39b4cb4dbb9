// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory search (include/pykdump/search.h).
 *
 * Two page sources feed one scanner:
 *   - physical: pfn by pfn, the dump's page state first (a page the dump
 *     does not hold costs a table lookup), then one page read;
 *   - virtual: a page-table walk per translation; a missing entry skips
 *     the whole span it would map (PGD 512 GB, PUD 1 GB, PMD 2 MB), a
 *     large page is scanned whole after one walk.
 * The scanner sees each page with the part of it inside the search
 * range; strings that cross into the next contiguous page are found
 * through the last bytes of the page before (crash's "cross match").
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/arch.h>
#include <pykdump/cancel.h>
#include <pykdump/dump.h>
#include <pykdump/highlevel.h>
#include <pykdump/kmodules.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/search.h>
#include <pykdump/session.h>

#define PAGE		4096ULL
#define CANCEL_EVERY	1024	/* pages between Ctrl-C / time checks */
/* x86_64: where the kernel image is mapped (arch/x86/include/asm/
 * page_64_types.h), and the size of vmalloc space (pgtable_64_types.h:
 * 32 TB with 4-level paging, 12800 TB with 5-level). */
#define START_KERNEL_MAP	0xffffffff80000000ULL
#define VMALLOC_SIZE_L4		(32ULL << 40)
#define VMALLOC_SIZE_L5		(12800ULL << 40)

struct scan {
	const struct kd_search_spec *spec;
	struct kd_session *s;
	struct kd_dump *dump;
	size_t maxlen;		/* longest string - 1: the carry kept */
	uint64_t carry_next;	/* address the carry continues at */
	size_t ncarry;
	int stop;
	uint64_t pages;		/* for the cancel checks */
	/* pages the dump should hold but that could not be read (lost
	 * from an incomplete dump, damaged): not searched, so the answer
	 * is partial (searched_all says so) */
	uint64_t unread, first_unread;
	char unread_why[160];
	uint8_t buf[KD_SEARCH_MAX_STRLEN + PAGE];	/* carry + page */
};

/* ---- the scanner ---- */

/* Values of one width, at that width's steps: the width is a constant
 * in each expansion, so a load is one instruction (memcpy of a constant
 * size), and one value without a mask compares once per word. */
#define SCAN_WIDTH(name, type)						\
static void name(struct scan *sc, uint64_t page, const uint8_t *data,	\
		 size_t lo, size_t hi)					\
{									\
	const struct kd_search_spec *sp = sc->spec;			\
	const size_t w = sizeof(type);					\
	type mask = (type)sp->mask, v;					\
	lo = (lo + w - 1) & ~(w - 1);					\
	if (sp->nvalues == 1 && !mask) {				\
		type want = (type)sp->values[0];			\
		for (size_t off = lo; off + w <= hi; off += w) {	\
			memcpy(&v, data + off, w);			\
			if (v == want && (sc->stop = sp->hit(sp->arg,	\
					page + off, 0, data + off,	\
					hi - off)))			\
				return;					\
		}							\
		return;							\
	}								\
	for (size_t off = lo; off + w <= hi && !sc->stop; off += w) {	\
		memcpy(&v, data + off, w);				\
		v |= mask;						\
		for (size_t i = 0; i < sp->nvalues && !sc->stop; i++)	\
			if (v == (type)((type)sp->values[i] | mask))	\
				sc->stop = sp->hit(sp->arg, page + off,	\
						   i, data + off,	\
						   hi - off);		\
	}								\
}
SCAN_WIDTH(scan_u64, uint64_t)
SCAN_WIDTH(scan_u32, uint32_t)
SCAN_WIDTH(scan_u16, uint16_t)

static void scan_values(struct scan *sc, uint64_t page, const uint8_t *data,
			size_t lo, size_t hi)
{
	switch (sc->spec->kind) {
	case KD_SEARCH_INT: scan_u32(sc, page, data, lo, hi); break;
	case KD_SEARCH_SHORT: scan_u16(sc, page, data, lo, hi); break;
	default: scan_u64(sc, page, data, lo, hi); break;
	}
}

/* Strings: data is the page's bytes preceded by sc->ncarry bytes of the
 * page before (when contiguous); matches starting in the carry are the
 * ones that cross into this page. */
static void scan_chars(struct scan *sc, uint64_t page, size_t lo, size_t hi)
{
	const struct kd_search_spec *sp = sc->spec;
	size_t nc = sc->ncarry;
	const uint8_t *all = sc->buf + KD_SEARCH_MAX_STRLEN - nc;
	for (size_t i = 0; i < nc && !sc->stop; i++) {
		for (size_t j = 0; j < sp->nvalues && !sc->stop; j++) {
			size_t len = sp->lens[j];
			if (i + len > nc && i + len <= nc + (hi - lo) &&
			    !memcmp(all + i, sp->strings[j], len))
				sc->stop = sp->hit(sp->arg, page + lo - nc + i,
						   j, all + i,
						   nc - i + (hi - lo));
		}
	}
	const uint8_t *data = all + nc;
	for (size_t off = 0; off < hi - lo && !sc->stop; off++) {
		for (size_t j = 0; j < sp->nvalues && !sc->stop; j++) {
			size_t len = sp->lens[j];
			if (off + len <= hi - lo && data[off] == (uint8_t)
			    sp->strings[j][0] &&
			    !memcmp(data + off, sp->strings[j], len))
				sc->stop = sp->hit(sp->arg, page + lo + off, j,
						   data + off, hi - lo - off);
		}
	}
	/* keep the tail for a match crossing into the next page */
	size_t keep = hi - lo < sc->maxlen ? hi - lo : sc->maxlen;
	memmove(sc->buf + KD_SEARCH_MAX_STRLEN - keep,
		sc->buf + KD_SEARCH_MAX_STRLEN + (hi - lo) - keep, keep);
	sc->ncarry = keep;
	sc->carry_next = page + hi;
}

/* The page at page (its bytes in sc->buf after the carry area) with
 * [lo, hi) inside the range. */
static void scan_page(struct scan *sc, uint64_t page, size_t lo, size_t hi)
{
	if (sc->spec->kind != KD_SEARCH_CHARS) {
		scan_values(sc, page, sc->buf + KD_SEARCH_MAX_STRLEN, lo, hi);
		return;
	}
	if (sc->carry_next != page + lo)
		sc->ncarry = 0;
	if (lo)	/* the bytes to scan start at the carry's end */
		memmove(sc->buf + KD_SEARCH_MAX_STRLEN,
			sc->buf + KD_SEARCH_MAX_STRLEN + lo, hi - lo);
	scan_chars(sc, page, lo, hi);
}

static struct kd_error *tick(struct scan *sc)
{
	return ++sc->pages % CANCEL_EVERY ? NULL : kd_cancel_check();
}

/* Read physical page pa into the scan buffer: 0, or -1 when the dump
 * does not hold it (then no read is tried). */
/* One page the dump should have and does not: counted, the first
 * one's reason kept. */
static void unread(struct scan *sc, uint64_t pa, const char *why)
{
	if (sc->unread++ == 0) {
		sc->first_unread = pa;
		snprintf(sc->unread_why, sizeof(sc->unread_why), "%s", why);
	}
}

/* Memory the machine did not have, or that makedumpfile left out (free,
 * cache, user pages ...), is skipped as crash skips it; a page that
 * should be in the dump and cannot be read is counted (unread). */
static int read_page(struct scan *sc, uint64_t pa)
{
	enum kd_page_state st = kd_dump_page_state(sc->dump, pa / PAGE);
	if (st == KD_PAGE_LOST || st == KD_PAGE_CORRUPT) {
		unread(sc, pa, kd_page_state_name(st));
		return -1;
	}
	if (st != KD_PAGE_DUMPED && st != KD_PAGE_EXCLUDED)
		return -1;
	struct kd_error *err = kd_dump_read_phys(sc->dump, pa,
						 sc->buf + KD_SEARCH_MAX_STRLEN,
						 PAGE, 0);
	if (err) {	/* excluded (without --zero-excluded), damaged */
		if (st == KD_PAGE_DUMPED)
			unread(sc, pa, err->message);
		kd_error_destroy(err);
		return -1;
	}
	return 0;
}

/* The search's result: err, else an error when pages that should have
 * been searched could not be read (the matches found are still
 * reported; the answer is partial and says so). */
static struct kd_error *searched_all(struct scan *sc, struct kd_error *err)
{
	if (err || !sc->unread)
		return err;
	return kd_error_create(KD_ERR_LOST, "%" PRIu64 " page%s the dump "
			       "should hold could not be read and %s not "
			       "searched (the first: physical %" PRIx64 ": %s)",
			       sc->unread, sc->unread == 1 ? "" : "s",
			       sc->unread == 1 ? "was" : "were",
			       sc->first_unread, sc->unread_why);
}

static int scan_init(struct scan *sc, struct kd_session *s,
		     const struct kd_search_spec *spec)
{
	memset(sc, 0, offsetof(struct scan, buf));
	sc->spec = spec;
	sc->s = s;
	sc->dump = kd_session_dump(s);
	sc->carry_next = UINT64_MAX;
	for (size_t j = 0; spec->kind == KD_SEARCH_CHARS &&
	     j < spec->nvalues; j++) {
		if (!spec->lens[j] || spec->lens[j] > KD_SEARCH_MAX_STRLEN)
			return -1;
		if (spec->lens[j] - 1 > sc->maxlen)
			sc->maxlen = spec->lens[j] - 1;
	}
	return spec->nvalues && spec->nvalues <= KD_SEARCH_MAX_VALUES &&
	       spec->hit ? 0 : -1;
}

static struct kd_error *bad_spec(void)
{
	return kd_error_create(KD_ERR_INVALID, "search: between 1 and %d "
			       "values (strings of 1 to %d bytes) and a "
			       "callback are needed", KD_SEARCH_MAX_VALUES,
			       KD_SEARCH_MAX_STRLEN);
}

/* ---- physical ---- */

/* Physical [start, end) shown at addresses start + shown_delta. */
static struct kd_error *phys_source(struct scan *sc, uint64_t start,
				    uint64_t end, uint64_t shown_delta)
{
	for (uint64_t pa = start & ~(PAGE - 1); pa < end && !sc->stop;
	     pa = pa + PAGE > pa ? pa + PAGE : end) {	/* no wrap at 2^64 */
		struct kd_error *err = tick(sc);
		if (err)
			return err;
		if (read_page(sc, pa) < 0)
			continue;
		size_t lo = pa < start ? start - pa : 0;
		size_t hi = end - pa < PAGE ? end - pa : PAGE;
		scan_page(sc, pa + shown_delta, lo, hi);
	}
	return NULL;
}

struct kd_error *kd_search_phys(struct kd_session *s, uint64_t start,
				uint64_t end, const struct kd_search_spec *spec)
{
	struct scan *sc = malloc(sizeof(*sc));
	if (!sc)
		return &kd_error_nomem;
	/* no page past the memory nodes' span: a range of 2^64 must not
	 * take 2^52 page look-ups */
	uint64_t lo, hi;
	struct kd_error *err = kd_phys_range(s, &lo, &hi);
	if (!err && end > hi)
		end = hi;
	kd_error_destroy(err);	/* no nodes: the range as given */
	err = scan_init(sc, s, spec) ? bad_spec() :
	      !sc->dump ? kd_error_create(KD_ERR_INVALID, "no dump") :
	      start >= end ? NULL : phys_source(sc, start, end, 0);
	err = searched_all(sc, err);
	free(sc);
	return err;
}

/* ---- virtual ---- */

/* The span an entry of that level maps. */
static uint64_t level_span(enum kd_pt_level l, int l5)
{
	switch (l) {
	case KD_PT_PGD: return l5 ? 1ULL << 48 : 1ULL << 39;
	case KD_PT_P4D: return 1ULL << 39;
	case KD_PT_PUD: return 1ULL << 30;
	case KD_PT_PMD: return 1ULL << 21;
	default: return PAGE;
	}
}

/* Where the search goes on after a failed walk at va. */
static uint64_t skip_unmapped(const struct kd_vtop_trace *t,
			      const struct kd_error *err, uint64_t va, int l5)
{
	uint64_t low_top = l5 ? 1ULL << 56 : 1ULL << 47;
	if (!t->nlevels) {	/* not canonical: on to the upper half */
		return va < (0ULL - low_top) ? 0ULL - low_top : va + PAGE;
	}
	if (err->code != KD_ERR_FAULT)	/* a table that cannot be read */
		return (va & ~(PAGE - 1)) + PAGE;
	uint64_t span = level_span(t->level[t->nlevels - 1], l5);
	return (va & ~(span - 1)) + span;
}

static struct kd_error *virt_source(struct scan *sc, uint64_t root,
				    uint64_t start, uint64_t end)
{
	struct kd_arch *a = kd_session_arch(sc->s);
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(sc->s, &m);
	if (err)
		return err;
	if (!a)
		return kd_error_create(KD_ERR_INVALID, "no page tables in this "
				       "session (no vmlinux)");
	for (uint64_t va = start & ~(PAGE - 1); va < end && !sc->stop;) {
		struct kd_vtop_trace t;
		uint64_t pa;
		memset(&t, 0, sizeof(t));
		err = kd_arch_walk(a, root, va, &pa, &t);
		if (err) {
			uint64_t next = skip_unmapped(&t, err, va, m->pgtable_l5);
			kd_error_destroy(err);
			if ((err = tick(sc)))
				return err;
			if (next <= va)		/* wrapped past the top */
				break;
			va = next;
			continue;
		}
		/* the whole (large) page: contiguous physical memory */
		uint64_t span = t.page_size ? t.page_size : PAGE;
		uint64_t vend = (va & ~(span - 1)) + span;
		if (vend < va || vend > end)
			vend = end;
		for (; va < vend && !sc->stop; va += PAGE, pa += PAGE) {
			if ((err = tick(sc)))
				return err;
			if (read_page(sc, pa & ~(PAGE - 1)) < 0)
				continue;
			size_t lo = va < start ? start - va : 0;
			size_t hi = end - va < PAGE ? end - va : PAGE;
			scan_page(sc, va, lo, hi);
		}
		if (va < vend)	/* stopped */
			break;
	}
	return NULL;
}

struct kd_error *kd_search_user(struct kd_session *s, uint64_t pgd,
				uint64_t start, uint64_t end,
				const struct kd_search_spec *spec)
{
	uint64_t root;
	struct kd_error *err = kd_kvtop(s, pgd, &root);
	if (err)
		return kd_error_prefix(err, "page table root %" PRIx64, pgd);
	struct scan *sc = malloc(sizeof(*sc));
	if (!sc)
		return &kd_error_nomem;
	err = scan_init(sc, s, spec) ? bad_spec() :
	      virt_source(sc, root, start, end);
	err = searched_all(sc, err);
	free(sc);
	return err;
}

struct kd_error *kd_search_krange(struct kd_session *s,
				  const struct kd_krange *r,
				  const struct kd_search_spec *spec)
{
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err)
		return err;
	struct scan *sc = malloc(sizeof(*sc));
	if (!sc)
		return &kd_error_nomem;
	if (scan_init(sc, s, spec))
		err = bad_spec();
	else if (r->type == KD_KSPACE_DIRECT && r->start >= m->page_offset_base)
		err = phys_source(sc, r->start - m->page_offset_base,
				  r->end - m->page_offset_base,
				  m->page_offset_base);
	else
		err = virt_source(sc, 0, r->start, r->end);
	err = searched_all(sc, err);
	free(sc);
	return err;
}

/* ---- ranges ---- */

static void add_range(struct kd_krange *v, size_t max, size_t *n,
		      enum kd_kspace type, uint64_t start, uint64_t end)
{
	if (*n < max && start < end)
		v[(*n)++] = (struct kd_krange){ type, start, end };
}

static int by_start(const void *a, const void *b)
{
	const struct kd_krange *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

struct kd_error *kd_kernel_ranges(struct kd_session *s, struct kd_krange *ret,
				  size_t max, size_t *n)
{
	const struct kd_machine *m;
	uint64_t high = 0, end = 0, max_pfn = 0;
	*n = 0;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err)
		return err;
	if (!kd_global_uint(s, "high_memory", 8, &high) ||
	    !kd_symbol_try_addr(s, "_end", &end))
		return kd_error_create(KD_ERR_NOT_FOUND, "high_memory or _end "
				       "is not in this kernel");
	add_range(ret, max, n, KD_KSPACE_DIRECT, m->page_offset_base, high);
	uint64_t vsize = m->pgtable_l5 ? VMALLOC_SIZE_L5 : VMALLOC_SIZE_L4;
	uint64_t vend = m->vmalloc_base + vsize;
	if (m->vmemmap_base > m->vmalloc_base && m->vmemmap_base < vend)
		vend = m->vmemmap_base;
	add_range(ret, max, n, KD_KSPACE_VMALLOC, m->vmalloc_base, vend);
	uint64_t page_size = kd_sizeof(s, "struct page");
	if (kd_global_uint(s, "max_pfn", 8, &max_pfn) && page_size)
		add_range(ret, max, n, KD_KSPACE_VMEMMAP, m->vmemmap_base,
			  m->vmemmap_base + max_pfn * page_size);
	add_range(ret, max, n, KD_KSPACE_IMAGE, START_KERNEL_MAP, end);
	const struct kd_kmodule *mods;
	size_t nmods;
	err = kd_kmodules_get(s, &mods, &nmods, NULL);
	for (size_t i = 0; !err && i < nmods; i++)
		for (int r = 0; r < mods[i].nregion; r++)
			add_range(ret, max, n, KD_KSPACE_MODULES,
				  mods[i].region[r].base,
				  mods[i].region[r].base +
				  mods[i].region[r].size);
	kd_error_destroy(err);	/* no module list: no module ranges */
	kd_qsort(ret, *n, sizeof(*ret), by_start);
	return NULL;
}

struct kd_error *kd_phys_range(struct kd_session *s, uint64_t *start,
			       uint64_t *end)
{
	uint64_t arr, nr = 1, pgdat = 0, first = UINT64_MAX, last = 0;
	*start = *end = 0;
	int numa = kd_symbol_try_addr(s, "node_data", &arr);
	if (numa && (!kd_global_uint(s, "nr_node_ids", 4, &nr) || !nr ||
		     nr > 4096))
		nr = 1;
	if (!numa && !kd_symbol_try_addr(s, "contig_page_data", &pgdat))
		return kd_error_create(KD_ERR_NOT_FOUND, "no memory nodes "
				       "(node_data, contig_page_data)");
	for (uint64_t i = 0; i < nr; i++) {
		struct kd_error *err = numa ? kd_read_ptr(s, arr + 8 * i, &pgdat)
					    : NULL;
		uint64_t spfn = 0, spanned = 0;
		if (!err && pgdat)
			err = kd_read_member_u64(s, pgdat, "pglist_data",
						 "node_start_pfn", &spfn);
		if (!err && pgdat)
			err = kd_read_member_u64(s, pgdat, "pglist_data",
						 "node_spanned_pages", &spanned);
		if (err)
			return err;
		if (!pgdat)
			continue;
		first = spfn < first ? spfn : first;
		last = spfn + spanned > last ? spfn + spanned : last;
	}
	if (first == UINT64_MAX)
		return kd_error_create(KD_ERR_NOT_FOUND, "no memory nodes");
	uint64_t page = kd_page_size(s);
	*start = first * page;
	*end = last * page;
	return NULL;
}
