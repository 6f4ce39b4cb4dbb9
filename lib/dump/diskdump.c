// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump-compressed dumps ("KDUMP   ", makedumpfile -c/-l/-p/-z and QEMU's
 * kdump-* formats), the older "DISKDUMP" files, and split sets of them
 * (makedumpfile --split).  64-bit dumped machines, either byte order.
 *
 * File layout (block = header.block_size = the machine's page size):
 *
 *   block 0      disk_dump_header
 *                  signature[8] @0, header_version i32 @8,
 *                  utsname 6 x char[65] @12, timestamp {i64 sec, i64 usec}
 *                  @408, status u32 @424, block_size i32 @428,
 *                  sub_hdr_size i32 @432 (blocks), bitmap_blocks u32 @436,
 *                  max_mapnr u32 @440, total_ram_blocks @444,
 *                  device_blocks @448, written_blocks @452,
 *                  current_cpu u32 @456, nr_cpus i32 @460
 *   block 1..    kdump_sub_header (sub_hdr_size blocks; fields by version)
 *                  v1 phys_base u64 @0, dump_level i32 @8
 *                  v2 split i32 @12, start_pfn u64 @16, end_pfn u64 @24
 *                  v3 offset_vmcoreinfo i64 @32, size_vmcoreinfo u64 @40
 *                  v4 offset_note i64 @48, size_note u64 @56
 *                  v5 offset_eraseinfo i64 @64, size_eraseinfo u64 @72
 *                  v6 start_pfn_64 @80, end_pfn_64 @88, max_mapnr_64 @96
 *   then         bitmap_blocks blocks: 1st bitmap (page is RAM), then
 *                2nd bitmap (page was dumped), one bit per pfn from pfn 0,
 *                bit (pfn & 7) of byte (pfn >> 3).  Old files with a
 *                single bitmap (too few blocks for two) use it for both.
 *   data_offset  = (1 + sub_hdr_size + bitmap_blocks) * block_size:
 *                page_desc[] {i64 offset; u32 size; u32 flags;
 *                u64 page_flags}, one per set bit of the 2nd bitmap in pfn
 *                order (in a split file: the set bits of its own range)
 *   then         page data: compressed (flags 0x1 zlib, 0x2 lzo, 0x4 snappy,
 *                0x20 zstd) or raw (size == block_size, flags 0).
 *
 * status: 0x1/0x2/0x4/0x20 the compression used, 0x8 incomplete (the dump
 * ran out of space: missing descriptors read as offset 0), 0x10 vmemmap
 * excluded.  makedumpfile stores all zero pages as one shared descriptor.
 *
 * Page lookup is O(1): at open we count the set bits of the 2nd bitmap
 * per 512-pfn chunk (prefix sums); a pfn's descriptor index is its chunk's
 * count plus a popcount of at most 8 words, minus the count at the part's
 * start pfn.  Decompressed pages go through a small LRU keyed by data
 * offset, under a per-dump lock.
 */
#include <elf.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/cursor.h>

#include "decompress.h"
#include "dump_internal.h"
#include "pagecache.h"

#define DD_HEADER_SIZE 464
#define DD_DESC_SIZE 24
#define DD_CHUNK_SHIFT 9	/* prefix count every 512 pfns (8 words) */
#define DD_CACHE_PAGES 128

#define DD_STATUS_INCOMPLETE 0x8
#define DD_STATUS_VMEMMAP 0x10

/* One file of the dump (a plain dump is a set of one). */
struct dd_part {
	struct kd_vfile *vf;
	/* header */
	char signature[9];
	int32_t version;
	uint32_t status;
	uint32_t block_size;
	int32_t sub_hdr_size;
	uint32_t bitmap_blocks;
	uint64_t max_mapnr;
	uint32_t current_cpu;
	int32_t nr_cpus;
	int64_t tv_sec;
	int64_t tv_usec;
	char uts[6][65];
	/* sub-header */
	int has_sub;
	uint64_t phys_base;
	int32_t dump_level;
	int32_t split;
	uint64_t start_pfn, end_pfn;	/* as written */
	uint64_t off_vmcoreinfo, size_vmcoreinfo;
	uint64_t off_note, size_note;
	uint64_t off_eraseinfo, size_eraseinfo;
	/* derived */
	uint64_t data_offset;
	const uint8_t *bitmap1, *bitmap2;
	void *bitmap_copy;		/* when the bitmaps were assembled */
	uint64_t bitmap_off, bitmap_len;	/* where they are in the file */
	int single_bitmap;
	uint64_t nbits;			/* bits in each bitmap */
	uint64_t first, last;		/* pfns served: [first, last) */
	uint64_t *prefix;		/* set bits of bitmap2 before chunk i */
	uint64_t chunk0;
	uint64_t rank_first;		/* rank of first within chunk0.. */
	uint64_t ndescs;
};

struct diskdump {
	struct dd_part *parts;		/* sorted by first pfn */
	size_t nparts;
	pthread_mutex_t lock;		/* guards cache, dc, scratch */
	struct kd_pagecache cache;
	struct kd_decompressor *dc;
	uint8_t *scratch;		/* compressed bytes split in a stream */
};

struct dd_desc {
	int64_t offset;
	uint32_t size;
	uint32_t flags;
	uint64_t page_flags;
};

int kd_diskdump_probe(struct kd_vfile *vf)
{
	uint8_t sig[8];
	if (!kd_vfile_contains(vf, 0, sizeof(sig)))
		return 0;
	const void *p = kd_vfile_ptr(vf, 0, sizeof(sig), sig);
	return memcmp(p, "KDUMP   ", 8) == 0 || memcmp(p, "DISKDUMP", 8) == 0;
}

/* ---- bitmaps ---- */

static int test_bit(const uint8_t *bm, uint64_t nbits, uint64_t pfn)
{
	return pfn < nbits && (bm[pfn >> 3] >> (pfn & 7)) & 1;
}

/* Word w of a bitmap (bit i = pfn 64w + i); zeros past the end. */
static uint64_t bm_word(const uint8_t *bm, uint64_t nbits, uint64_t w)
{
	uint64_t v = 0;
	uint64_t nbytes = nbits >> 3;
	if (8 * w + 8 <= nbytes) {
		memcpy(&v, bm + 8 * w, 8);
		return le64toh(v);
	}
	for (uint64_t i = 0; 8 * w + i < nbytes; i++)
		v |= (uint64_t)bm[8 * w + i] << (8 * i);
	return v;
}

/* Without -mpopcnt (the portable x86-64 baseline) __builtin_popcountll
 * is a call into libgcc; rank() runs on every page read, so count the
 * bits inline (SWAR). */
static inline uint64_t popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (x * 0x0101010101010101ull) >> 56;
}

/* Set bits of bitmap in [64w, pfn) for pfn inside word w or at its end. */
static uint64_t popcount_below(uint64_t word, unsigned bits)
{
	return bits >= 64 ? (uint64_t)popcount64(word) :
	       (uint64_t)popcount64(word & ((1ull << bits) - 1));
}

/* Set bits of bitmap2 in [chunk0 * 512, pfn). */
static uint64_t rank(const struct dd_part *p, uint64_t pfn)
{
	uint64_t chunk = pfn >> DD_CHUNK_SHIFT;
	uint64_t r = p->prefix[chunk - p->chunk0];
	uint64_t w = chunk << (DD_CHUNK_SHIFT - 6);
	for (; w < pfn >> 6; w++)
		r += popcount64(bm_word(p->bitmap2, p->nbits, w));
	return r + popcount_below(bm_word(p->bitmap2, p->nbits, w), pfn & 63);
}

static struct kd_error *build_prefix(struct dd_part *p)
{
	p->chunk0 = p->first >> DD_CHUNK_SHIFT;
	uint64_t nchunks = ((p->last + 511) >> DD_CHUNK_SHIFT) - p->chunk0 + 1;
	p->prefix = malloc(nchunks * sizeof(*p->prefix));
	if (!p->prefix)
		return &kd_error_nomem;
	uint64_t sum = 0;
	for (uint64_t i = 0; i < nchunks; i++) {
		if ((i & 0xfff) == 0) {
			struct kd_error *err = kd_cancel_check();
			if (err)
				return err;
		}
		p->prefix[i] = sum;
		uint64_t w = (p->chunk0 + i) << (DD_CHUNK_SHIFT - 6);
		for (int k = 0; k < 8; k++)
			sum += popcount64(bm_word(p->bitmap2, p->nbits,
							    w + k));
	}
	p->rank_first = rank(p, p->first);
	p->ndescs = rank(p, p->last) - p->rank_first;
	return NULL;
}

/* ---- descriptors and pages ---- */

static const struct dd_part *part_of(const struct diskdump *dd, uint64_t pfn)
{
	size_t lo = 0, hi = dd->nparts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dd->parts[mid].first <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct dd_part *p = &dd->parts[lo - 1];
	return pfn < p->last ? p : NULL;
}

static int read_desc(const struct dd_part *p, uint64_t idx, int big_endian,
		     struct dd_desc *desc, uint64_t *at)
{
	uint8_t buf[DD_DESC_SIZE];
	*at = p->data_offset + idx * DD_DESC_SIZE;
	const void *raw = kd_vfile_ptr(p->vf, *at, sizeof(buf), buf);
	if (!raw)
		return -1;
	struct kd_cursor c;
	kd_cursor_init_file(&c, raw, sizeof(buf), *at, p->vf->name,
			    "page descriptor", big_endian);
	desc->offset = (int64_t)kd_cursor_u64_at(&c, 0);
	desc->size = kd_cursor_u32_at(&c, 8);
	desc->flags = kd_cursor_u32_at(&c, 12);
	desc->page_flags = kd_cursor_u64_at(&c, 16);
	return 0;
}

/* The compression method of a descriptor: one KD_DESC_* bit, 0 = raw. */
static unsigned desc_method(const struct dd_desc *desc)
{
	static const unsigned order[] = { KD_DESC_ZLIB, KD_DESC_LZO,
					  KD_DESC_SNAPPY, KD_DESC_ZSTD };
	for (size_t i = 0; i < KD_ARRAY_SIZE(order); i++)
		if (desc->flags & order[i])
			return order[i];
	return 0;
}

/*
 * Check the descriptor idx of a dumped pfn.  Returns DUMPED or the state
 * that keeps the page from being read, with *why explaining (if why).
 */
static enum kd_page_state check_desc(const struct kd_dump *d,
				     const struct dd_part *p, uint64_t pfn,
				     uint64_t idx, struct dd_desc *desc,
				     char **why)
{
	uint64_t at;
	const char *file = p->vf->name;
	const char *eof = p->status & DD_STATUS_INCOMPLETE ?
			  ": incomplete dump" : ": truncated file?";
	if (read_desc(p, idx, d->big_endian, desc, &at) < 0) {
		kd_page_why(why, "%s: page descriptor for pfn 0x%llx (offset "
			    "0x%llx) is past the end of the file (size "
			    "0x%llx)%s", file, (unsigned long long)pfn,
			    (unsigned long long)at,
			    (unsigned long long)p->vf->size, eof);
		return KD_PAGE_LOST;
	}
	if (kd_vfile_lost(p->vf, at, DD_DESC_SIZE))
		return kd_page_gone(p->vf, at, DD_DESC_SIZE, "the descriptor",
				    pfn, why);
	if (desc->offset == 0) {
		kd_page_why(why, "%s: page descriptor for pfn 0x%llx (offset "
			    "0x%llx) has no data: the dump is "
			    "incomplete", file, (unsigned long long)pfn,
			    (unsigned long long)at);
		return KD_PAGE_LOST;
	}
	if (desc->offset < 0 || (uint64_t)desc->offset < p->data_offset ||
	    desc->size == 0 || desc->size > p->block_size ||
	    (!desc_method(desc) && desc->size != p->block_size)) {
		kd_page_why(why, "%s: page descriptor for pfn 0x%llx (offset "
			    "0x%llx) is corrupt: data offset 0x%llx, "
			    "size %u, flags 0x%x", file,
			    (unsigned long long)pfn,
			    (unsigned long long)at,
			    (unsigned long long)desc->offset,
			    desc->size, desc->flags);
		return KD_PAGE_CORRUPT;
	}
	if (!kd_vfile_contains(p->vf, (uint64_t)desc->offset, desc->size)) {
		kd_page_why(why, "%s: data of pfn 0x%llx (offset 0x%llx, %u "
			    "bytes) is past the end of the file (size "
			    "0x%llx)%s", file, (unsigned long long)pfn,
			    (unsigned long long)desc->offset,
			    desc->size, (unsigned long long)p->vf->size, eof);
		return KD_PAGE_LOST;
	}
	return KD_PAGE_DUMPED;
}

/* Find and check the descriptor of a dumped pfn (O(1), see above). */
static enum kd_page_state lookup_desc(const struct kd_dump *d,
				      const struct dd_part *p, uint64_t pfn,
				      struct dd_desc *desc, char **why)
{
	return check_desc(d, p, pfn, rank(p, pfn) - p->rank_first, desc, why);
}

/* A pfn outside every part: use the first part's bitmaps to tell. */
static enum kd_page_state outside_parts(const struct kd_dump *d,
					const struct diskdump *dd,
					uint64_t pfn, char **why)
{
	const struct dd_part *p = &dd->parts[0];
	if (pfn >= d->max_pfn)
		return KD_PAGE_NOT_PRESENT;
	if (test_bit(p->bitmap2, p->nbits, pfn)) {
		kd_page_why(why, "pfn 0x%llx is in a file of the split dump "
			    "that was not given", (unsigned long long)pfn);
		return KD_PAGE_LOST;
	}
	return test_bit(p->bitmap1, p->nbits, pfn) ? KD_PAGE_EXCLUDED
						   : KD_PAGE_NOT_PRESENT;
}

static enum kd_page_state bitmap_state(const struct dd_part *p, uint64_t pfn)
{
	if (test_bit(p->bitmap2, p->nbits, pfn))
		return KD_PAGE_DUMPED;
	return test_bit(p->bitmap1, p->nbits, pfn) ? KD_PAGE_EXCLUDED
						   : KD_PAGE_NOT_PRESENT;
}

/*
 * Bitmaps read in place (not copied) read zeros where the file shrank
 * since it was opened: asked after they were used, so that a truncation
 * at any moment before is seen.
 */
static int bitmaps_lost(const struct dd_part *p)
{
	return !p->bitmap_copy &&
	       kd_vfile_lost(p->vf, p->bitmap_off, p->bitmap_len);
}

static enum kd_page_state bitmaps_gone(const struct dd_part *p, uint64_t pfn,
				       char **why)
{
	if (why) {
		free(*why);
		*why = NULL;
	}
	return kd_page_gone(p->vf, p->bitmap_off, p->bitmap_len,
			    "the bitmaps (read for the state)", pfn, why);
}

/* The state from the bitmaps and, for a dumped page, its descriptor. */
static enum kd_page_state state_of(struct kd_dump *d, struct diskdump *dd,
				   uint64_t pfn, const struct dd_part **partp,
				   struct dd_desc *desc, char **why)
{
	const struct dd_part *p = part_of(dd, pfn);
	enum kd_page_state st;
	if (p) {
		st = bitmap_state(p, pfn);
		if (st == KD_PAGE_DUMPED)
			st = lookup_desc(d, p, pfn, desc, why);
	} else {
		st = outside_parts(d, dd, pfn, why);
	}
	const struct dd_part *bm = p ? p : &dd->parts[0];
	if (bitmaps_lost(bm))
		return bitmaps_gone(bm, pfn, why);
	*partp = p;
	return st;
}

static enum kd_page_state dd_page_state(struct kd_dump *d, uint64_t pfn)
{
	const struct dd_part *p;
	struct dd_desc desc;
	return state_of(d, d->priv, pfn, &p, &desc, NULL);
}

/* Decompress the page into the cache (lock held): DUMPED with *ret, or
 * CORRUPT / LOST (its compressed bytes are gone) with *why. */
static enum kd_page_state load_page(struct diskdump *dd,
				    const struct dd_part *p, uint64_t pfn,
				    const struct dd_desc *desc,
				    const uint8_t **ret, char **why)
{
	uint64_t key = ((uint64_t)(p - dd->parts) << 56) |
		       (uint64_t)desc->offset;
	uint8_t *page = kd_pagecache_get(&dd->cache, key);
	if (page) {
		*ret = page;
		return KD_PAGE_DUMPED;
	}
	const void *src = kd_vfile_ptr(p->vf, (uint64_t)desc->offset,
				       desc->size, dd->scratch);
	page = kd_pagecache_put(&dd->cache, key);
	const char *fail = kd_decompress(dd->dc, desc_method(desc), src,
					 desc->size, page, p->block_size);
	if (fail)	/* corrupt, or cut short by the file shrinking? */
		kd_mapguard_check(p->vf->guard);
	int gone = kd_vfile_lost(p->vf, (uint64_t)desc->offset, desc->size);
	if (!fail && !gone) {
		*ret = page;
		return KD_PAGE_DUMPED;
	}
	kd_pagecache_forget(&dd->cache, key);
	if (gone)
		return kd_page_gone(p->vf, (uint64_t)desc->offset, desc->size,
				    "compressed data", pfn, why);
	kd_page_why(why, "%s: compressed data of pfn 0x%llx (offset 0x%llx, "
		    "%u bytes) is corrupt: %s", p->vf->name,
		    (unsigned long long)pfn,
		    (unsigned long long)desc->offset, desc->size, fail);
	return KD_PAGE_CORRUPT;
}

static enum kd_page_state dd_read(struct kd_dump *d, uint64_t pfn,
				  size_t off, size_t len, void *buf,
				  char **why)
{
	struct diskdump *dd = d->priv;
	const struct dd_part *p;
	struct dd_desc desc;
	enum kd_page_state st = state_of(d, dd, pfn, &p, &desc, why);
	if (st != KD_PAGE_DUMPED)
		return st;
	if (!desc_method(&desc)) {
		/* Raw page: straight from the file, no cache. */
		uint64_t at = (uint64_t)desc.offset + off;
		const void *src = kd_vfile_ptr(p->vf, at, len, buf);
		if (src != buf)
			memcpy(buf, src, len);
		if (kd_vfile_lost(p->vf, at, len))
			return kd_page_gone(p->vf, at, len, "page data", pfn,
					    why);
		return KD_PAGE_DUMPED;
	}
	const uint8_t *page = NULL;
	pthread_mutex_lock(&dd->lock);
	st = load_page(dd, p, pfn, &desc, &page, why);
	if (st == KD_PAGE_DUMPED)
		memcpy(buf, page + off, len);
	pthread_mutex_unlock(&dd->lock);
	return st;
}

/* ---- counting and describing ---- */

/* Count a part's pages a bitmap word at a time; descriptors one by one
 * in index order (no rank lookups). */
static struct kd_error *count_part(const struct kd_dump *d,
				   const struct dd_part *p,
				   struct kd_page_counts *c)
{
	uint64_t idx = 0;
	for (uint64_t w = p->first >> 6; w << 6 < p->last; w++) {
		if ((w & 0xfff) == 0) {
			struct kd_error *err = kd_cancel_check();
			if (err)
				return err;
		}
		uint64_t mask = ~0ull;
		if (w == p->first >> 6)
			mask &= ~0ull << (p->first & 63);
		if ((w + 1) << 6 > p->last)
			mask &= ~0ull >> (64 - (p->last & 63));
		uint64_t b1 = bm_word(p->bitmap1, p->nbits, w) & mask;
		uint64_t b2 = bm_word(p->bitmap2, p->nbits, w) & mask;
		c->present += popcount64(b1 | b2);
		c->excluded += popcount64(b1 & ~b2);
		for (; b2; b2 &= b2 - 1, idx++) {
			uint64_t pfn = (w << 6) + __builtin_ctzll(b2);
			struct dd_desc desc;
			enum kd_page_state st = check_desc(d, p, pfn, idx, &desc,
							   NULL);
			/* gone since the file shrank (a page read before
			 * may still be in the page cache) */
			if (st == KD_PAGE_DUMPED &&
			    kd_vfile_lost(p->vf, (uint64_t)desc.offset,
					  desc.size))
				st = KD_PAGE_LOST;
			c->dumped += st == KD_PAGE_DUMPED;
			c->lost += st == KD_PAGE_LOST;
			c->corrupt += st == KD_PAGE_CORRUPT;
		}
	}
	return NULL;
}

/* The pfns in [from, to) that no given file covers, counted as
 * outside_parts() sees each (a bit in the second bitmap: in a file not
 * given, lost; in the first only: excluded), a bitmap word at a time. */
static struct kd_error *count_outside(const struct kd_dump *d,
				      const struct diskdump *dd,
				      uint64_t from, uint64_t to,
				      struct kd_page_counts *c)
{
	const struct dd_part *p = &dd->parts[0];
	if (to > d->max_pfn)
		to = d->max_pfn;
	for (uint64_t w = from >> 6; from < to && w << 6 < to; w++) {
		if ((w & 0xfff) == 0) {
			struct kd_error *err = kd_cancel_check();
			if (err)
				return err;
		}
		uint64_t mask = ~0ull;
		if (w == from >> 6)
			mask &= ~0ull << (from & 63);
		if ((w + 1) << 6 > to)
			mask &= ~0ull >> (64 - (to & 63));
		uint64_t b1 = bm_word(p->bitmap1, p->nbits, w) & mask;
		uint64_t b2 = bm_word(p->bitmap2, p->nbits, w) & mask;
		c->present += popcount64(b1 | b2);
		c->lost += popcount64(b2);
		c->excluded += popcount64(b1 & ~b2);
	}
	return NULL;
}

static struct kd_error *dd_count_pages(struct kd_dump *d,
				       struct kd_page_counts *c)
{
	struct diskdump *dd = d->priv;
	uint64_t next = 0;
	struct kd_error *err;
	for (size_t i = 0; i < dd->nparts; i++) {
		const struct dd_part *p = &dd->parts[i];
		if ((err = count_outside(d, dd, next, p->first, c)) ||
		    (err = count_part(d, p, c)))
			return err;
		next = p->last;
	}
	if ((err = count_outside(d, dd, next, d->max_pfn, c)))
		return err;
	for (size_t i = 0; i < dd->nparts; i++) {
		const struct dd_part *p = &dd->parts[i];
		if (bitmaps_lost(p))
			return kd_vfile_lost_error(p->vf, p->bitmap_off,
						   p->bitmap_len,
						   "the bitmaps");
	}
	return NULL;
}

static void print_status(FILE *out, uint32_t status)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ 0x1, "zlib" }, { 0x2, "lzo" }, { 0x4, "snappy" },
		{ DD_STATUS_INCOMPLETE, "incomplete" },
		{ DD_STATUS_VMEMMAP, "excluded-vmemmap" }, { 0x20, "zstd" },
	};
	fprintf(out, "status: 0x%x", status);
	const char *sep = " (";
	for (size_t i = 0; i < KD_ARRAY_SIZE(names); i++) {
		if (status & names[i].bit) {
			fprintf(out, "%s%s", sep, names[i].name);
			sep = ", ";
		}
	}
	fprintf(out, "%s\n", *sep == ',' ? ")" : "");
}

static void describe_part(FILE *out, const struct dd_part *p)
{
	fprintf(out, "signature: %s\n", p->signature);
	fprintf(out, "header_version: %d\n", p->version);
	print_status(out, p->status);
	fprintf(out, "block_size: %u\n", p->block_size);
	fprintf(out, "sub_hdr_size: %d blocks\n", p->sub_hdr_size);
	fprintf(out, "bitmap_blocks: %u (%s bitmap%s of %llu bytes)\n",
		p->bitmap_blocks, p->single_bitmap ? "one" : "two",
		p->single_bitmap ? "" : "s",
		(unsigned long long)(p->nbits / 8));
	fprintf(out, "max_mapnr: %llu\n", (unsigned long long)p->max_mapnr);
	fprintf(out, "nr_cpus: %d\n", p->nr_cpus);
	fprintf(out, "current_cpu: %u\n", p->current_cpu);
	if (p->has_sub) {
		fprintf(out, "phys_base: 0x%llx\n",
			(unsigned long long)p->phys_base);
		fprintf(out, "dump_level: %d\n", p->dump_level);
	}
	if (p->split)
		fprintf(out, "split: pfns 0x%llx-0x%llx\n",
			(unsigned long long)p->start_pfn,
			(unsigned long long)p->end_pfn);
	if (p->version >= 3)
		fprintf(out, "vmcoreinfo: %llu bytes at 0x%llx\n",
			(unsigned long long)p->size_vmcoreinfo,
			(unsigned long long)p->off_vmcoreinfo);
	if (p->version >= 4)
		fprintf(out, "notes: %llu bytes at 0x%llx\n",
			(unsigned long long)p->size_note,
			(unsigned long long)p->off_note);
	if (p->version >= 5)
		fprintf(out, "eraseinfo: %llu bytes at 0x%llx\n",
			(unsigned long long)p->size_eraseinfo,
			(unsigned long long)p->off_eraseinfo);
	fprintf(out, "data_offset: 0x%llx\n",
		(unsigned long long)p->data_offset);
	fprintf(out, "page_descriptors: %llu\n",
		(unsigned long long)p->ndescs);
}

static void dd_describe(struct kd_dump *d, FILE *out)
{
	struct diskdump *dd = d->priv;
	for (size_t i = 0; i < dd->nparts; i++) {
		const struct dd_part *p = &dd->parts[i];
		if (dd->nparts > 1)
			fprintf(out, "file %zu: %s (pfns 0x%llx-0x%llx)\n", i,
				p->vf->name, (unsigned long long)p->first,
				(unsigned long long)p->last);
		if (i == 0 || dd->nparts > 1)
			describe_part(out, p);
	}
	fprintf(out, "qemu_notes: %u\n", d->nqemu);
	pthread_mutex_lock(&dd->lock);
	fprintf(out, "page_cache: %u pages, %llu hits, %llu misses\n",
		dd->cache.nslots, (unsigned long long)dd->cache.hits,
		(unsigned long long)dd->cache.misses);
	pthread_mutex_unlock(&dd->lock);
}

static void dd_destroy(struct kd_dump *d)
{
	struct diskdump *dd = d->priv;
	if (!dd)
		return;
	for (size_t i = 0; i < dd->nparts; i++) {
		free(dd->parts[i].bitmap_copy);
		free(dd->parts[i].prefix);
	}
	free(dd->parts);
	kd_pagecache_deinit(&dd->cache);
	kd_decompressor_destroy(dd->dc);
	free(dd->scratch);
	pthread_mutex_destroy(&dd->lock);
	free(dd);
}

static const struct kd_dump_ops dd_ops = {
	.read = dd_read,
	.page_state = dd_page_state,
	.count_pages = dd_count_pages,
	.describe = dd_describe,
	.destroy = dd_destroy,
};

/* ---- opening: headers ---- */

static int plausible_block_size(uint32_t bs)
{
	return bs >= 512 && bs <= (1u << 20) && (bs & (bs - 1)) == 0;
}

static uint32_t field32(const uint8_t *h, size_t off, int big_endian)
{
	uint32_t v;
	memcpy(&v, h + off, 4);
	return big_endian ? be32toh(v) : le32toh(v);
}

/* How much the header makes sense read in one byte order. */
static int header_score(const uint8_t *h, int big_endian)
{
	return (field32(h, 8, big_endian) <= 64) +		/* version */
	       plausible_block_size(field32(h, 428, big_endian)) +
	       (field32(h, 432, big_endian) < (1u << 16)) +	/* sub_hdr */
	       (field32(h, 460, big_endian) < (1u << 16));	/* nr_cpus */
}

/* The header's byte order: the one in which its fields make sense. */
static int guess_big_endian(const uint8_t *h)
{
	return header_score(h, 1) > header_score(h, 0);
}

static void copy_uts(struct dd_part *p, const uint8_t *h)
{
	for (int i = 0; i < 6; i++) {
		memcpy(p->uts[i], h + 12 + 65 * i, 64);
		p->uts[i][64] = '\0';
	}
}

static struct kd_error *parse_header(struct dd_part *p, int *big_endian)
{
	uint8_t buf[DD_HEADER_SIZE];
	struct kd_error *err = kd_vfile_read(p->vf, 0, sizeof(buf), buf,
					     "kdump header");
	if (err)
		return err;
	*big_endian = guess_big_endian(buf);
	struct kd_cursor c;
	kd_cursor_init_file(&c, buf, sizeof(buf), 0, p->vf->name,
			    "kdump header", *big_endian);
	memcpy(p->signature, buf, 8);
	p->version = (int32_t)kd_cursor_u32_at(&c, 8);
	copy_uts(p, buf);
	p->tv_sec = (int64_t)kd_cursor_u64_at(&c, 408);
	p->tv_usec = (int64_t)kd_cursor_u64_at(&c, 416);
	p->status = kd_cursor_u32_at(&c, 424);
	p->block_size = kd_cursor_u32_at(&c, 428);
	p->sub_hdr_size = (int32_t)kd_cursor_u32_at(&c, 432);
	p->bitmap_blocks = kd_cursor_u32_at(&c, 436);
	p->max_mapnr = kd_cursor_u32_at(&c, 440);
	p->current_cpu = kd_cursor_u32_at(&c, 456);
	p->nr_cpus = (int32_t)kd_cursor_u32_at(&c, 460);
	return kd_cursor_error(&c);
}

static struct kd_error *check_header(struct dd_part *p)
{
	const char *file = p->vf->name;
	if (!plausible_block_size(p->block_size))
		return kd_error_create(KD_ERR_UNSUPPORTED,
			"%s: kdump header block_size %u (offset 0x1ac) is not "
			"a power of two between 512 and 1 MiB (a 32-bit "
			"machine's dump? those are not supported)", file,
			p->block_size);
	if (p->version < 0 || p->sub_hdr_size < 0 || p->bitmap_blocks == 0)
		return kd_error_create(KD_ERR_CORRUPT,
			"%s: kdump header is corrupt: header_version %d, "
			"sub_hdr_size %d, bitmap_blocks %u", file, p->version,
			p->sub_hdr_size, p->bitmap_blocks);
	p->data_offset = (1 + (uint64_t)p->sub_hdr_size + p->bitmap_blocks) *
			 p->block_size;
	if (p->data_offset > p->vf->size)
		return kd_error_create(KD_ERR_TRUNCATED,
			"%s: the kdump header puts the page descriptors at "
			"0x%llx, past the end of the file (size 0x%llx)", file,
			(unsigned long long)p->data_offset,
			(unsigned long long)p->vf->size);
	return NULL;
}

/* Bytes of kdump_sub_header each version defines. */
static size_t sub_header_size(int version)
{
	static const size_t size[] = { 0, 12, 32, 48, 64, 80, 104 };
	return version > 6 ? size[6] : size[version];
}

static struct kd_error *parse_sub_header(struct dd_part *p, int big_endian)
{
	size_t need = sub_header_size(p->version);
	if (memcmp(p->signature, "KDUMP   ", 8) != 0 || need == 0)
		return NULL;	/* DISKDUMP: arch-specific, nothing we use */
	uint8_t buf[104];
	if ((uint64_t)p->sub_hdr_size * p->block_size < need)
		return kd_error_create(KD_ERR_CORRUPT,
			"%s: kdump sub-header of %d blocks is too small for "
			"header version %d", p->vf->name, p->sub_hdr_size,
			p->version);
	struct kd_error *err = kd_vfile_read(p->vf, p->block_size, need, buf,
					     "kdump sub-header");
	if (err)
		return err;
	struct kd_cursor c;
	kd_cursor_init_file(&c, buf, need, p->block_size, p->vf->name,
			    "kdump sub-header", big_endian);
	p->has_sub = 1;
	p->phys_base = kd_cursor_u64_at(&c, 0);
	p->dump_level = (int32_t)kd_cursor_u32_at(&c, 8);
	if (p->version >= 2) {
		p->split = (int32_t)kd_cursor_u32_at(&c, 12);
		p->start_pfn = kd_cursor_u64_at(&c, 16);
		p->end_pfn = kd_cursor_u64_at(&c, 24);
	}
	if (p->version >= 3) {
		p->off_vmcoreinfo = kd_cursor_u64_at(&c, 32);
		p->size_vmcoreinfo = kd_cursor_u64_at(&c, 40);
	}
	if (p->version >= 4) {
		p->off_note = kd_cursor_u64_at(&c, 48);
		p->size_note = kd_cursor_u64_at(&c, 56);
	}
	if (p->version >= 5) {
		p->off_eraseinfo = kd_cursor_u64_at(&c, 64);
		p->size_eraseinfo = kd_cursor_u64_at(&c, 72);
	}
	if (p->version >= 6) {
		uint64_t max = kd_cursor_u64_at(&c, 96);
		p->start_pfn = kd_cursor_u64_at(&c, 80);
		p->end_pfn = kd_cursor_u64_at(&c, 88);
		if (max)
			p->max_mapnr = max;
	}
	return kd_cursor_error(&c);
}

static struct kd_error *map_bitmaps(struct kd_dump *d, struct dd_part *p)
{
	uint64_t len = (uint64_t)p->bitmap_blocks * p->block_size;
	uint64_t off = (1 + (uint64_t)p->sub_hdr_size) * p->block_size;
	const void *bm;
	struct kd_error *err = kd_vfile_map(p->vf, off, len, "kdump bitmaps",
					    &bm, &p->bitmap_copy);
	if (err)
		return err;
	/* Two bitmaps need 2 x ceil(ceil(max_mapnr / 8) / block_size)
	 * blocks; with fewer, the file has one (old diskdump). */
	uint64_t one = ((p->max_mapnr + 7) / 8 + p->block_size - 1) /
		       p->block_size;
	p->single_bitmap = p->bitmap_blocks < 2 * one;
	p->bitmap1 = bm;
	p->bitmap2 = p->single_bitmap ? p->bitmap1 : p->bitmap1 + len / 2;
	p->bitmap_off = off;
	p->bitmap_len = len;
	p->nbits = (p->single_bitmap ? len : len / 2) * 8;
	if (p->max_mapnr > p->nbits) {
		kd_dump_warn(d, "%s: max_mapnr %llu exceeds the %llu pfns the "
			     "bitmaps cover; pages above are not present",
			     p->vf->name, (unsigned long long)p->max_mapnr,
			     (unsigned long long)p->nbits);
		p->max_mapnr = p->nbits;
	}
	return NULL;
}

static struct kd_error *open_part(struct kd_dump *d, struct dd_part *p)
{
	int be;
	struct kd_error *err = parse_header(p, &be);
	if (!err)
		err = check_header(p);
	if (!err)
		err = parse_sub_header(p, be);
	if (!err)
		err = map_bitmaps(d, p);
	if (err)
		return err;
	d->big_endian = be;
	p->first = 0;
	p->last = p->max_mapnr;
	if (p->split) {
		p->first = p->start_pfn < p->max_mapnr ? p->start_pfn
						       : p->max_mapnr;
		p->last = p->end_pfn < p->max_mapnr ? p->end_pfn
						    : p->max_mapnr;
		if (p->last < p->first)
			p->last = p->first;
	}
	return build_prefix(p);
}

/*
 * The bitmap against the page descriptors, and the file's length, at
 * open.  makedumpfile writes the descriptor table (one per bit set in
 * bitmap2) at data_offset and the page data right after it, in pfn
 * order, the shared zero page (block_size bytes, raw) first when zero
 * pages are kept: so the first descriptor's data starts exactly at the
 * table's end, or one page after it.  A bitmap with a bit too many or too few moves that end; one
 * corrupt byte would otherwise shift every later page onto another
 * pfn's data (garbage names, silently).  The last descriptor's data must
 * be inside the file: past it, the file was cut.
 */
static void check_descs(struct kd_dump *d, const struct dd_part *p)
{
	struct dd_desc first, last;
	uint64_t at, end = p->data_offset + p->ndescs * DD_DESC_SIZE;
	const char *file = p->vf->name;
	if (!p->ndescs)
		return;
	if (p->ndescs > (p->vf->size - p->data_offset) / DD_DESC_SIZE ||
	    read_desc(p, p->ndescs - 1, d->big_endian, &last, &at) < 0) {
		kd_dump_warn(d, "%s: truncated dump: the bitmap counts %llu "
			     "dumped pages, whose descriptors end at offset "
			     "0x%llx, past the end of the file (size 0x%llx)",
			     file, (unsigned long long)p->ndescs,
			     (unsigned long long)end,
			     (unsigned long long)p->vf->size);
		return;
	}
	if (read_desc(p, 0, d->big_endian, &first, &at) < 0)
		return;
	if (first.offset < 0 || ((uint64_t)first.offset != end &&
				 (uint64_t)first.offset != end + p->block_size))
		kd_dump_warn(d, "%s: the bitmap and the page descriptors "
			     "disagree: the bitmap counts %llu dumped pages, "
			     "so the descriptor table ends at offset 0x%llx, "
			     "but the first page's data is at 0x%llx: pages "
			     "may be read from another page's data",
			     file, (unsigned long long)p->ndescs,
			     (unsigned long long)end,
			     (unsigned long long)first.offset);
	else if (last.offset < 0 ||
		 (uint64_t)last.offset + last.size > p->vf->size)
		kd_dump_warn(d, "%s: truncated dump: the data of the last "
			     "dumped page (0x%x bytes at offset 0x%llx) is "
			     "past the end of the file (size 0x%llx)", file,
			     last.size, (unsigned long long)last.offset,
			     (unsigned long long)p->vf->size);
}

/* ---- opening: notes, facts, split sets ---- */

static struct kd_error *read_notes(struct kd_dump *d, const struct dd_part *p)
{
	const void *buf;
	void *owned;
	struct kd_error *err;
	if (p->version >= 3 && p->size_vmcoreinfo) {
		err = kd_vfile_map(p->vf, p->off_vmcoreinfo, p->size_vmcoreinfo,
				   "VMCOREINFO", &buf, &owned);
		if (!err) {
			err = kd_dump_set_vmcoreinfo(d, buf, p->size_vmcoreinfo);
			free(owned);
		}
		if (err && err->code != KD_ERR_NOMEM) {
			kd_dump_warn(d, "%s", err->message);
			kd_error_destroy(err);
			err = NULL;
		}
		if (err)
			return err;
	}
	if (p->version < 4 || !p->size_note)
		return NULL;
	err = kd_vfile_map(p->vf, p->off_note, p->size_note, "ELF notes", &buf,
			   &owned);
	if (err && err->code != KD_ERR_NOMEM) {
		kd_dump_warn(d, "%s", err->message);
		kd_error_destroy(err);
		return NULL;
	}
	if (err)
		return err;
	err = kd_notes_parse(d, buf, p->size_note, p->off_note, p->vf->name);
	free(owned);
	return err;
}

static const char *status_compression(uint32_t status)
{
	if (status & 0x1)
		return "zlib";
	if (status & 0x2)
		return "lzo";
	if (status & 0x4)
		return "snappy";
	if (status & 0x20)
		return "zstd";
	return "none";
}

static void set_facts(struct kd_dump *d, const struct dd_part *p,
		      size_t nparts, const char *container)
{
	int diskdump = memcmp(p->signature, "DISKDUMP", 8) == 0;
	int n = snprintf(d->format_name, sizeof(d->format_name), "%s",
			 diskdump ? "diskdump" : "kdump");
	if (nparts > 1 && n > 0)
		snprintf(d->format_name + n, sizeof(d->format_name) - n,
			 " (split, %zu files)%s", nparts, container);
	else if (n > 0)
		snprintf(d->format_name + n, sizeof(d->format_name) - n, "%s",
			 container);
	d->compression = status_compression(p->status);
	d->page_size = p->block_size;
	d->max_pfn = p->max_mapnr;
	d->ptr_size = 8;
	memcpy(&d->uts, p->uts, sizeof(d->uts));
	d->has_uts = 1;
	d->machine = kd_machine_from_uname(d->uts.machine);
	d->nr_cpus = p->nr_cpus > 0 ? (unsigned)p->nr_cpus : 0;
	d->header_current_cpu = (int)p->current_cpu;
	/* Only the old diskdump header records the crashing CPU. */
	d->panic_cpu = diskdump && p->nr_cpus > 0 &&
		       p->current_cpu < (uint32_t)p->nr_cpus ?
		       (int)p->current_cpu : -1;
	d->crash_time = p->tv_sec;
	d->dump_level = p->has_sub ? p->dump_level : -1;
	d->phys_base = p->phys_base;
	d->has_phys_base = p->has_sub;
}

static int cmp_part(const void *a, const void *b)
{
	const struct dd_part *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

static struct kd_error *check_split_set(struct kd_dump *d, struct diskdump *dd)
{
	kd_qsort(dd->parts, dd->nparts, sizeof(*dd->parts), cmp_part);
	const struct dd_part *a = &dd->parts[0];
	for (size_t i = 1; i < dd->nparts; i++) {
		const struct dd_part *b = &dd->parts[i];
		if (!a->split || !b->split)
			return kd_error_create(KD_ERR_INVALID,
				"%s: several dump files given, but it is not "
				"part of a split dump", a->split ? b->vf->name
								 : a->vf->name);
		if (a->block_size != b->block_size ||
		    a->max_mapnr != b->max_mapnr || a->tv_sec != b->tv_sec ||
		    memcmp(a->uts, b->uts, sizeof(a->uts)) != 0)
			return kd_error_create(KD_ERR_MISMATCH,
				"%s and %s are not parts of the same dump",
				a->vf->name, b->vf->name);
		if (b->first < dd->parts[i - 1].last)
			return kd_error_create(KD_ERR_INVALID,
				"%s and %s cover overlapping pfns (a file "
				"given twice?)", dd->parts[i - 1].vf->name,
				b->vf->name);
	}
	uint64_t next = 0;
	for (size_t i = 0; i <= dd->nparts; i++) {
		uint64_t start = i < dd->nparts ? dd->parts[i].first
						: a->max_mapnr;
		if (start > next)
			kd_dump_warn(d, "pfns 0x%llx-0x%llx are in a file of "
				     "the split dump that was not given",
				     (unsigned long long)next,
				     (unsigned long long)start);
		if (i < dd->nparts)
			next = dd->parts[i].last;
	}
	return NULL;
}

static struct kd_error *setup_reader(struct diskdump *dd, uint32_t block_size)
{
	if (pthread_mutex_init(&dd->lock, NULL) != 0)
		return kd_error_create(KD_ERR_OTHER, "cannot create a mutex");
	dd->dc = kd_decompressor_create();
	dd->scratch = malloc(block_size);
	if (!dd->dc || !dd->scratch ||
	    kd_pagecache_init(&dd->cache, DD_CACHE_PAGES, block_size) < 0)
		return &kd_error_nomem;
	return NULL;
}

struct kd_error *kd_diskdump_open(struct kd_dump *d)
{
	struct diskdump *dd = calloc(1, sizeof(*dd));
	if (!dd)
		return &kd_error_nomem;
	dd->parts = calloc(d->nfiles, sizeof(*dd->parts));
	if (!dd->parts) {
		free(dd);
		return &kd_error_nomem;
	}
	d->priv = dd;
	d->ops = &dd_ops;
	for (size_t i = 0; i < d->nfiles; i++) {
		dd->parts[i].vf = d->files[i];
		dd->nparts++;
		struct kd_error *err = open_part(d, &dd->parts[i]);
		if (err)
			return err;
	}
	struct kd_error *err = check_split_set(d, dd);
	if (!err)
		err = setup_reader(dd, dd->parts[0].block_size);
	if (err)
		return err;
	const char *container = strcmp(d->files[0]->kind, "flattened") == 0 ?
				" (flattened)" : "";
	/* The facts first: parsing the notes needs the architecture. */
	set_facts(d, &dd->parts[0], dd->nparts, container);
	err = read_notes(d, &dd->parts[0]);
	if (err)
		return err;
	if (dd->parts[0].split && d->nfiles == 1)
		kd_dump_warn(d, "%s: one file of a split dump (pfns "
			     "0x%llx-0x%llx); give all its files",
			     d->files[0]->name,
			     (unsigned long long)dd->parts[0].first,
			     (unsigned long long)dd->parts[0].last);
	if (dd->parts[0].status & DD_STATUS_INCOMPLETE)
		kd_dump_warn(d, "%s: the dump is incomplete (status 0x8): "
			     "makedumpfile ran out of space; some pages are "
			     "lost", d->files[0]->name);
	else
		for (size_t i = 0; i < dd->nparts; i++)
			check_descs(d, &dd->parts[i]);
	return NULL;
}
