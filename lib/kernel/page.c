// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The memory map and page flags: see include/pykdump/page.h.
 *
 * The present sections are read once per session (per memocache
 * generation) into an array sorted by section number; pfn -> page is a
 * binary search in it, page -> pfn one in a second index sorted by the
 * sections' mem_map addresses.  Scans read the struct pages of up to
 * SCAN_CHUNK frames at a time.
 *
 * Reading the sections is bounded: at most NR_MEM_SECTIONS sections,
 * roots that cannot be read are skipped (and named in ->problem), a
 * decoded mem_map that is not a kernel address is taken as "no memory
 * map" for that section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/dump.h>
#include <pykdump/highlevel.h>
#include <pykdump/machine.h>
#include <pykdump/memocache.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/types.h>
#include <pykdump/vector.h>
#include <pykdump/vmcoreinfo.h>

#include "kernel_internal.h"

#define SCAN_CHUNK 512			/* struct pages per read */
#define MAX_SECTION_BITS 40		/* NR_MEM_SECTIONS at most 2^40 */
#define MAX_PAGE_STRUCT 1024
#define MAX_FLAG_NAMES 128
#define KERNEL_HALF 0xffff800000000000ULL	/* x86_64 canonical kernel */

/* ---- the memory map ---- */

struct memmap_state {
	struct kd_memmap map;
	struct kd_mem_section *sections;
	size_t *by_map;		/* indices of sections[] by mem_map */
	char *problem;
	uint64_t generation;	/* 0: not read */
	/* the page layout and flag names */
	struct kd_layout_cache page_cache;
	struct kd_page_layout page;
	struct kd_page_flag *flags;
	size_t nflags;
	uint64_t flags_generation;
};

static void memmap_state_clear(struct memmap_state *m)
{
	free(m->sections);
	free(m->by_map);
	free(m->problem);
	m->sections = NULL;
	m->by_map = NULL;
	m->problem = NULL;
	memset(&m->map, 0, sizeof(m->map));
}

static void flags_clear(struct memmap_state *m)
{
	for (size_t i = 0; i < m->nflags; i++)
		free((char *)m->flags[i].name);
	free(m->flags);
	m->flags = NULL;
	m->nflags = 0;
}

void kd_memmap_state_destroy(void *p)
{
	struct memmap_state *m = p;
	if (!m)
		return;
	memmap_state_clear(m);
	flags_clear(m);
	free(m->page_cache.problem);
	free(m);
}

static struct memmap_state *state(struct kd_session *s)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (!k)
		return NULL;
	if (!k->memmap && !(k->memmap = calloc(1, sizeof(struct memmap_state))))
		return NULL;
	return k->memmap;
}

static uint64_t generation(struct kd_session *s)
{
	return kd_memocache_generation(kd_session_memocache(s));
}

static int is_kernel_addr(uint64_t a)
{
	return a >= KERNEL_HALF;
}

/* VMCOREINFO NUMBER(name), else def. */
static int64_t vmcoreinfo_number(struct kd_session *s, const char *name,
				 int64_t def)
{
	const struct kd_vmcoreinfo *vi =
		kd_dump_vmcoreinfo_table(kd_session_dump(s));
	int64_t v;
	if (!vi)
		return def;
	struct kd_error *err = kd_vmcoreinfo_number(vi, name, &v);
	kd_error_destroy(err);
	return err ? def : v;
}

static int enum_or(struct kd_session *s, const char *name, int def)
{
	int64_t v;
	struct kd_error *err = kd_enum_value(s, name, &v);
	kd_error_destroy(err);
	return err || v < 0 || v > 63 ? def : (int)v;
}

/* The state bits: the kernel's enum (5.x+), else the old #defines'
 * values (present 0, has_mem_map 1, online 2, early 3). */
static void section_bits(struct kd_session *s, struct kd_section_bits *b)
{
	b->present = enum_or(s, "SECTION_MARKED_PRESENT_BIT", 0);
	b->has_mem_map = enum_or(s, "SECTION_HAS_MEM_MAP_BIT", 1);
	b->online = enum_or(s, "SECTION_IS_ONLINE_BIT", 2);
	b->early = enum_or(s, "SECTION_IS_EARLY_BIT", 3);
	b->zone_device = enum_or(s, "SECTION_TAINT_ZONE_DEVICE_BIT", -1);
	/* old kernels: the coded pointer is page aligned, and crash masks
	 * the low five bits */
	b->last = (unsigned)enum_or(s, "SECTION_MAP_LAST_BIT", 5);
}

static void note(struct memmap_state *m, const char *fmt, uint64_t v)
{
	if (m->problem)
		return;	/* the first one says enough */
	char buf[160];
	snprintf(buf, sizeof(buf), fmt, (unsigned long long)v);
	m->problem = strdup(buf);
}

struct sec_reader {
	struct kd_session *s;
	struct memmap_state *m;
	uint64_t sec_size;	/* sizeof(struct mem_section) */
	uint64_t map_off;	/* offsetof section_mem_map */
	size_t cap;
};

static struct kd_error *push_section(struct sec_reader *r, uint64_t nr,
				     uint64_t addr, uint64_t raw)
{
	struct memmap_state *m = r->m;
	struct kd_memmap *map = &m->map;
	if (!((raw >> map->bits.present) & 1))
		return NULL;
	struct kd_error *err = kd_array_reserve(&m->sections, &r->cap,
						map->nsections + 1);
	if (err)
		return err;
	struct kd_mem_section *sec = &m->sections[map->nsections++];
	uint64_t mask = ~((1ULL << map->bits.last) - 1);
	sec->nr = nr;
	sec->addr = addr;
	sec->raw = raw;
	sec->coded = raw & mask;
	sec->pfn = nr * map->pages_per_section;
	sec->mem_map = 0;
	if ((raw >> map->bits.has_mem_map) & 1) {
		uint64_t mm = sec->coded + sec->pfn * map->page_struct_size;
		if (is_kernel_addr(mm))
			sec->mem_map = mm;
		else
			note(m, "section %llu: memory map is not a kernel "
			     "address", nr);
	}
	return NULL;
}

/* Sections [first, first + n) stored contiguously at addr. */
static struct kd_error *read_section_run(struct sec_reader *r, uint64_t first,
					 uint64_t addr, uint64_t n)
{
	size_t len = (size_t)(n * r->sec_size);
	uint8_t *buf = malloc(len);
	if (!buf)
		return &kd_error_nomem;
	struct kd_error *err = kd_read_kvaddr(r->s, addr, buf, len);
	if (err) {
		note(r->m, "sections from %llu cannot be read", first);
		kd_error_destroy(err);
		free(buf);
		return NULL;
	}
	for (uint64_t i = 0; !err && i < n; i++) {
		uint64_t raw = kd_field_get(buf + i * r->sec_size, r->sec_size,
					    r->map_off, 8);
		err = push_section(r, first + i, addr + i * r->sec_size, raw);
	}
	free(buf);
	return err;
}

static struct kd_error *read_sections(struct kd_session *s,
				      struct memmap_state *m,
				      const struct kd_global *g)
{
	struct kd_memmap *map = &m->map;
	struct sec_reader r = { s, m, kd_sizeof(s, "struct mem_section"),
				kd_offsetof(s, "struct mem_section",
					    "section_mem_map"), 0 };
	if (!r.sec_size || r.sec_size > 4096 || !kd_present(r.map_off))
		return kd_error_create(KD_ERR_NOT_FOUND, "struct mem_section "
				       "is not in the debuginfo");
	struct kd_type *t = kd_type_strip(g->type, KD_STRIP_ALL);
	if (kd_type_kind(t) != KD_TYPE_POINTER)	/* mem_section[][1] */
		return read_section_run(&r, 0, g->addr, map->nr_mem_sections);
	/* SPARSEMEM_EXTREME: roots of per_root sections each */
	uint64_t per_root = map->page_size / r.sec_size, roots_addr;
	uint64_t nroots = (map->nr_mem_sections + per_root - 1) / per_root;
	struct kd_error *err = kd_read_ptr(s, g->addr, &roots_addr);
	if (err)
		return kd_error_prefix(err, "mem_section");
	if (!roots_addr)
		return kd_error_create(KD_ERR_CORRUPT, "mem_section is NULL");
	uint64_t *roots = calloc(nroots, sizeof(*roots));
	if (!roots)
		return &kd_error_nomem;
	if ((err = kd_read_kvaddr(s, roots_addr, roots, nroots * 8))) {
		free(roots);
		return kd_error_prefix(err, "mem_section roots");
	}
	for (uint64_t i = 0; !err && i < nroots; i++) {
		if (!roots[i])
			continue;
		if (!is_kernel_addr(roots[i])) {
			note(m, "mem_section root %llu is not a kernel "
			     "address", i);
			continue;
		}
		err = read_section_run(&r, i * per_root, roots[i], per_root);
	}
	free(roots);
	return err;
}

static int by_map(const void *a, const void *b, void *arg)
{
	const struct kd_mem_section *sec = arg;
	uint64_t x = sec[*(const size_t *)a].mem_map;
	uint64_t y = sec[*(const size_t *)b].mem_map;
	return (x > y) - (x < y);
}

static struct kd_error *index_sections(struct memmap_state *m)
{
	size_t n = m->map.nsections;
	if (!n)
		return NULL;
	if (!(m->by_map = malloc(n * sizeof(*m->by_map))))
		return &kd_error_nomem;
	for (size_t i = 0; i < n; i++)
		m->by_map[i] = i;
	qsort_r(m->by_map, n, sizeof(*m->by_map), by_map, m->sections);
	const struct kd_mem_section *last = &m->sections[n - 1];
	m->map.end_pfn = last->pfn + m->map.pages_per_section;
	return NULL;
}

static struct kd_error *sparse_init(struct kd_session *s,
				    struct memmap_state *m,
				    const struct kd_global *g)
{
	struct kd_memmap *map = &m->map;
	const struct kd_machine *mach;
	struct kd_error *err = kd_session_machine(s, &mach);
	if (err)
		return err;
	int64_t ssb = vmcoreinfo_number(s, "SECTION_SIZE_BITS", 27);
	int64_t mpb = vmcoreinfo_number(s, "MAX_PHYSMEM_BITS",
					mach->pgtable_l5 ? 52 : 46);
	if (ssb <= map->page_shift || mpb <= ssb ||
	    mpb - ssb > MAX_SECTION_BITS)
		return kd_error_create(KD_ERR_CORRUPT, "implausible sparse "
				       "memory geometry: SECTION_SIZE_BITS %lld,"
				       " MAX_PHYSMEM_BITS %lld", (long long)ssb,
				       (long long)mpb);
	map->sparse = 1;
	map->section_size_bits = (unsigned)ssb;
	map->pages_per_section = 1ULL << (ssb - map->page_shift);
	map->nr_mem_sections = 1ULL << (mpb - ssb);
	section_bits(s, &map->bits);
	if ((err = read_sections(s, m, g)))
		return err;
	return index_sections(m);
}

/* FLATMEM: contig_page_data's node_mem_map from node_start_pfn. */
static struct kd_error *flat_init(struct kd_session *s, struct memmap_state *m)
{
	uint64_t pgdat;
	struct kd_memmap *map = &m->map;
	if (!kd_symbol_try_addr(s, "contig_page_data", &pgdat))
		return kd_error_create(KD_ERR_NOT_FOUND, "neither mem_section "
				       "nor contig_page_data: unknown memory "
				       "model");
	struct kd_error *err = kd_read_member_u64(s, pgdat, "pglist_data",
						  "node_mem_map",
						  &map->flat_map);
	if (!err)
		err = kd_read_member_u64(s, pgdat, "pglist_data",
					 "node_start_pfn", &map->flat_start_pfn);
	if (!err)
		err = kd_read_member_u64(s, pgdat, "pglist_data",
					 "node_spanned_pages", &map->flat_pages);
	if (err)
		return kd_error_prefix(err, "contig_page_data");
	map->end_pfn = map->flat_start_pfn + map->flat_pages;
	return NULL;
}

static struct kd_error *memmap_load(struct kd_session *s,
				    struct memmap_state *m)
{
	struct kd_memmap *map = &m->map;
	struct kd_global g;
	map->page_size = kd_page_size(s);
	map->page_shift = 0;
	while ((1ULL << map->page_shift) < map->page_size)
		map->page_shift++;
	map->page_struct_size = kd_sizeof(s, "struct page");
	if (!map->page_struct_size || map->page_struct_size > MAX_PAGE_STRUCT)
		return kd_error_create(KD_ERR_NOT_FOUND, "struct page is not "
				       "in the debuginfo");
	struct kd_error *err = kd_global_get(s, "mem_section", &g);
	if (!err && g.type)
		err = sparse_init(s, m, &g);
	else {
		kd_error_destroy(err);
		err = flat_init(s, m);
	}
	map->sections = m->sections;
	map->problem = m->problem;
	return err;
}

struct kd_error *kd_memmap_get(struct kd_session *s,
			       const struct kd_memmap **ret)
{
	struct memmap_state *m = state(s);
	if (!m)
		return &kd_error_nomem;
	if (m->generation != generation(s)) {
		memmap_state_clear(m);
		struct kd_error *err = memmap_load(s, m);
		if (err) {
			memmap_state_clear(m);
			return err;
		}
		m->generation = generation(s);
	}
	*ret = &m->map;
	return NULL;
}

static const struct kd_mem_section *section_of_pfn(const struct kd_memmap *map,
						   uint64_t pfn)
{
	uint64_t nr = pfn / map->pages_per_section;
	size_t lo = 0, hi = map->nsections;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (map->sections[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < map->nsections && map->sections[lo].nr == nr &&
	    map->sections[lo].mem_map)
		return &map->sections[lo];
	return NULL;
}

struct kd_error *kd_pfn_to_page(struct kd_session *s, uint64_t pfn,
				uint64_t *page)
{
	const struct kd_memmap *map;
	struct kd_error *err = kd_memmap_get(s, &map);
	if (err)
		return err;
	if (!map->sparse) {
		if (pfn < map->flat_start_pfn || pfn >= map->end_pfn)
			goto none;
		*page = map->flat_map +
			(pfn - map->flat_start_pfn) * map->page_struct_size;
		return NULL;
	}
	const struct kd_mem_section *sec = section_of_pfn(map, pfn);
	if (!sec)
		goto none;
	*page = sec->mem_map + (pfn - sec->pfn) * map->page_struct_size;
	return NULL;
none:
	return kd_error_fault(KD_ERR_NOT_FOUND, pfn, "pfn %llx has no struct "
			      "page", (unsigned long long)pfn);
}

struct kd_error *kd_page_to_pfn(struct kd_session *s, uint64_t page,
				uint64_t *pfn)
{
	const struct kd_memmap *map;
	struct kd_error *err = kd_memmap_get(s, &map);
	if (err)
		return err;
	struct memmap_state *m = state(s);
	uint64_t psz = map->page_struct_size;
	if (!map->sparse) {
		uint64_t end = map->flat_map + map->flat_pages * psz;
		if (page < map->flat_map || page >= end ||
		    (page - map->flat_map) % psz)
			goto none;
		*pfn = map->flat_start_pfn + (page - map->flat_map) / psz;
		return NULL;
	}
	/* the last section whose mem_map is at or below page */
	size_t lo = 0, hi = map->nsections;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->sections[m->by_map[mid]].mem_map <= page)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo) {
		const struct kd_mem_section *sec = &m->sections[m->by_map[lo - 1]];
		uint64_t off = page - sec->mem_map;
		if (sec->mem_map && off < map->pages_per_section * psz &&
		    off % psz == 0) {
			*pfn = sec->pfn + off / psz;
			return NULL;
		}
	}
none:
	return kd_error_fault(KD_ERR_NOT_FOUND, page, "%llx is not a struct "
			      "page of the memory map",
			      (unsigned long long)page);
}

int kd_is_page_ptr(struct kd_session *s, uint64_t addr)
{
	uint64_t pfn;
	struct kd_error *err = kd_page_to_pfn(s, addr, &pfn);
	kd_error_destroy(err);
	return !err;
}

/* ---- one page ---- */

#define PG "struct page"
static const struct kd_layout_field page_fields[] = {
	KD_LF(struct kd_page_layout, size, PG, NULL, KD_LF_SIZE),
	KD_LF(struct kd_page_layout, flags, PG, "flags", KD_LF_REQUIRED),
	KD_LF(struct kd_page_layout, mapping, PG, "mapping", 0),
	/* later kernels: __folio_index (the index is the folio's) */
	KD_LF(struct kd_page_layout, index, PG, "index|__folio_index", 0),
	KD_LF(struct kd_page_layout, private, PG, "private", 0),
	/* 2026 kernels (7.x): compound_info (kd_page_head) */
	KD_LF(struct kd_page_layout, compound_head, PG,
	      "compound_head|compound_info", 0),
	KD_LF(struct kd_page_layout, refcount, PG, "_refcount|_count", 0),
	KD_LF(struct kd_page_layout, mapcount, PG, "_mapcount", 0),
	KD_LF(struct kd_page_layout, lru, PG, "lru", 0),
};

static struct kd_error *page_fill(struct kd_session *s, void *layout)
{
	struct kd_page_layout *l = layout;
	struct kd_error *err = kd_layout_fill(s, page_fields,
					      KD_ARRAY_SIZE(page_fields), l);
	if (!err && (l->size == KD_ABSENT || !l->size ||
		     l->size > MAX_PAGE_STRUCT))
		err = kd_error_create(KD_ERR_NOT_FOUND, "struct page has no "
				      "usable size");
	return err;
}

struct kd_error *kd_page_layout_get(struct kd_session *s,
				    const struct kd_page_layout **ret)
{
	struct memmap_state *m = state(s);
	if (!m)
		return &kd_error_nomem;
	*ret = &m->page;
	return kd_layout_cached(s, &m->page_cache, page_fill, &m->page);
}

void kd_page_decode(const struct kd_page_layout *l, uint64_t page,
		    uint64_t pfn, const void *buf, size_t size,
		    struct kd_page *ret)
{
	ret->addr = page;
	ret->pfn = pfn;
	ret->flags = kd_field_get(buf, size, l->flags, 8);
	ret->mapping = kd_field_get(buf, size, l->mapping, 8);
	ret->index = kd_field_get(buf, size, l->index, 8);
	ret->private = kd_field_get(buf, size, l->private, 8);
	ret->compound_head = kd_field_get(buf, size, l->compound_head, 8);
	ret->refcount = (int32_t)kd_field_get(buf, size, l->refcount, 4);
	ret->mapcount = (int32_t)kd_field_get(buf, size, l->mapcount, 4);
}

struct kd_error *kd_page_read(struct kd_session *s, uint64_t page,
			      struct kd_page *ret)
{
	const struct kd_page_layout *l;
	uint8_t buf[MAX_PAGE_STRUCT];
	uint64_t pfn;
	struct kd_error *err = kd_page_layout_get(s, &l);
	if (!err)
		err = kd_page_to_pfn(s, page, &pfn);
	if (!err)
		err = kd_read_kvaddr(s, page, buf, l->size);
	if (err)
		return err;
	kd_page_decode(l, page, pfn, buf, l->size, ret);
	return NULL;
}

uint64_t kd_page_head(const struct kd_page *p)
{
	uint64_t info = p->compound_head, mask = info & ~1ull;
	if (!(info & 1))	/* bit 0: a tail page */
		return p->addr;
	/*
	 * Since compound_head became compound_info (7.x), a kernel with
	 * HugeTLB vmemmap optimisation and a power-of-2 struct page keeps
	 * GENMASK(63, order + log2(sizeof(struct page))) there: the head is
	 * the tail's address under the mask.  Otherwise it is the head's
	 * address.  They cannot be confused: at most a 1 GB folio of 128-byte
	 * pages, the mask clears under 32 bits, and an address that high is
	 * the kernel image or the fixmap, never the memory map.
	 */
	if (((~mask) & (~mask + 1)) == 0 && ~mask < (1ull << 32))
		return p->addr & mask;
	return info - 1;
}

/* ---- scans ---- */

struct scan {
	struct kd_session *s;
	const struct kd_page_layout *l;
	kd_page_scan_fn *fn;
	void *arg;
	uint8_t *buf;
	uint64_t unreadable;
	int stop;
};

/* pfns [pfn, pfn + n) whose struct pages are contiguous from page. */
static struct kd_error *scan_run(struct scan *sc, uint64_t pfn, uint64_t page,
				 uint64_t n)
{
	uint64_t psz = sc->l->size;
	for (uint64_t done = 0; done < n && !sc->stop; done += SCAN_CHUNK) {
		uint64_t k = n - done < SCAN_CHUNK ? n - done : SCAN_CHUNK;
		struct kd_error *err = kd_cancel_check();
		if (err)
			return err;
		err = kd_read_kvaddr(sc->s, page + done * psz, sc->buf, k * psz);
		if (err) {	/* a hole in the memory map */
			kd_error_destroy(err);
			sc->unreadable += k;
			continue;
		}
		for (uint64_t i = 0; i < k && !sc->stop; i++) {
			struct kd_page p;
			kd_page_decode(sc->l, page + (done + i) * psz,
				       pfn + done + i, sc->buf + i * psz, psz,
				       &p);
			sc->stop = sc->fn(sc->arg, &p, sc->buf + i * psz);
		}
	}
	return NULL;
}

struct kd_error *kd_memmap_scan(struct kd_session *s, uint64_t start,
				uint64_t end, kd_page_scan_fn *fn, void *arg,
				uint64_t *unreadable)
{
	const struct kd_memmap *map;
	struct scan sc = { .s = s, .fn = fn, .arg = arg };
	struct kd_error *err = kd_memmap_get(s, &map);
	if (!err)
		err = kd_page_layout_get(s, &sc.l);
	if (err)
		return err;
	if (!(sc.buf = malloc(SCAN_CHUNK * sc.l->size)))
		return &kd_error_nomem;
	if (end > map->end_pfn)
		end = map->end_pfn;
	if (!map->sparse) {
		uint64_t from = start > map->flat_start_pfn ? start :
				map->flat_start_pfn;
		if (from < end)
			err = scan_run(&sc, from, map->flat_map +
				       (from - map->flat_start_pfn) * sc.l->size,
				       end - from);
	}
	for (size_t i = 0; map->sparse && !err && !sc.stop &&
			   i < map->nsections; i++) {
		const struct kd_mem_section *sec = &map->sections[i];
		uint64_t lo = sec->pfn, hi = sec->pfn + map->pages_per_section;
		if (!sec->mem_map || hi <= start || lo >= end)
			continue;
		if (lo < start)
			lo = start;
		if (hi > end)
			hi = end;
		err = scan_run(&sc, lo, sec->mem_map +
			       (lo - sec->pfn) * sc.l->size, hi - lo);
	}
	free(sc.buf);
	if (unreadable)
		*unreadable = sc.unreadable;
	return err;
}

/* ---- page flags ---- */

/* pageflag_names[]: {mask, name} pairs up to a NULL name. */
static struct kd_error *names_from_table(struct kd_session *s,
					 struct memmap_state *m)
{
	struct kd_global g;
	uint64_t count = 0;
	uint64_t esize = kd_sizeof(s, "struct trace_print_flags");
	uint64_t moff = kd_offsetof(s, "struct trace_print_flags", "mask");
	uint64_t noff = kd_offsetof(s, "struct trace_print_flags", "name");
	struct kd_error *err = kd_global_get(s, "pageflag_names", &g);
	if (err)
		return err;
	struct kd_type *t = kd_type_strip(g.type, KD_STRIP_ALL);
	if (!esize || esize > 64 || !kd_present(moff) || !kd_present(noff) ||
	    kd_type_kind(t) != KD_TYPE_ARRAY || !kd_type_array_count(t, &count))
		return kd_error_create(KD_ERR_NOT_FOUND, "pageflag_names[] "
				       "has no usable type");
	if (count > MAX_FLAG_NAMES)
		count = MAX_FLAG_NAMES;
	if (!(m->flags = calloc(count ? count : 1, sizeof(*m->flags))))
		return &kd_error_nomem;
	for (uint64_t i = 0; !err && i < count; i++) {
		uint64_t mask, name;
		err = kd_field_u64(s, g.addr + i * esize, moff, &mask);
		if (!err)
			err = kd_field_ptr(s, g.addr + i * esize, noff, &name);
		if (err || !name)
			break;
		char *str;
		if ((err = kd_read_string_alloc(s, name, 64, &str)))
			break;
		m->flags[m->nflags].mask = mask;
		m->flags[m->nflags++].name = str;
	}
	if (err)
		return kd_error_prefix(err, "pageflag_names");
	return NULL;
}

/* enum pageflags: PG_x = bit, up to __NR_PAGEFLAGS (aliases kept). */
static struct kd_error *names_from_enum(struct kd_session *s,
					struct memmap_state *m)
{
	struct kd_types *types;
	struct kd_type *t;
	const struct kd_enumerator *e;
	size_t n;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err)
		err = kd_types_find(types, "enum pageflags", &t);
	if (!err)
		err = kd_type_enumerators(t, &e, &n);
	if (err)
		return err;
	if (!(m->flags = calloc(n ? n : 1, sizeof(*m->flags))))
		return &kd_error_nomem;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(e[i].name, "PG_", 3) || e[i].value < 0 ||
		    e[i].value > 63)
			continue;
		char *name = strdup(e[i].name + 3);
		if (!name)
			return &kd_error_nomem;
		m->flags[m->nflags].mask = 1ULL << e[i].value;
		m->flags[m->nflags++].name = name;
	}
	return NULL;
}

struct kd_error *kd_page_flag_names(struct kd_session *s,
				    const struct kd_page_flag **ret, size_t *n)
{
	struct memmap_state *m = state(s);
	if (!m)
		return &kd_error_nomem;
	if (m->flags_generation != generation(s)) {
		flags_clear(m);
		struct kd_error *err = names_from_table(s, m);
		if (err && err->code != KD_ERR_NOMEM) {
			kd_error_destroy(err);
			flags_clear(m);
			err = names_from_enum(s, m);
		}
		if (err) {
			flags_clear(m);
			return err;
		}
		m->flags_generation = generation(s);
	}
	*ret = m->flags;
	*n = m->nflags;
	return NULL;
}

char *kd_page_flags_string(struct kd_session *s, uint64_t flags, char *buf,
			   size_t size)
{
	const struct kd_page_flag *f;
	size_t n, len = 0;
	if (!size)
		return buf;
	buf[0] = '\0';
	struct kd_error *err = kd_page_flag_names(s, &f, &n);
	if (err) {
		kd_error_destroy(err);
		return buf;
	}
	for (size_t i = 0; i < n && len < size; i++)
		if (flags & f[i].mask)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? "," : "", f[i].name);
	return buf;
}

int kd_page_flag_bit(struct kd_session *s, const char *pg_name)
{
	return enum_or(s, pg_name, -1);
}
