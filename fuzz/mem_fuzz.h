/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Kernel memory" made of the fuzz input, for the targets that drive the
 * walkers and the kernel-memory parsers (printk ring, module kallsyms,
 * the expression evaluator, list/tree/slab walks).
 *
 * Format (little-endian), repeated to the end of the input:
 *     u64 address; u32 length; length bytes
 * A read must lie entirely inside segments (adjacent segments join);
 * anything else faults, as an unmapped page would.  A record cut short
 * ends the list.  Later segments win where they overlap (so a mutation
 * appended at the end patches what comes before).
 *
 * The seeds are made by the same targets in record mode (session_fuzz.h):
 * every read a real run does on the sample dump is kept as a segment.
 */
#ifndef PYKDUMP_FUZZ_MEM_FUZZ_H
#define PYKDUMP_FUZZ_MEM_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/error.h>

#define FUZZ_MEM_MAX_SEGS 4096

struct fuzz_seg {
	uint64_t addr;
	uint32_t len;
	const uint8_t *data;
};

struct fuzz_mem {
	struct fuzz_seg segs[FUZZ_MEM_MAX_SEGS];
	size_t n;
};

static inline void fuzz_mem_parse(struct fuzz_mem *m, const uint8_t *p,
				  size_t size)
{
	m->n = 0;
	while (size >= 12 && m->n < FUZZ_MEM_MAX_SEGS) {
		uint64_t addr;
		uint32_t len;
		memcpy(&addr, p, 8);
		memcpy(&len, p + 8, 4);
		p += 12;
		size -= 12;
		if (len > size)
			len = (uint32_t)size;
		if (len)
			m->segs[m->n++] = (struct fuzz_seg){ addr, len, p };
		p += len;
		size -= len;
	}
}

/* The last segment holding addr: its bytes from addr and how many. */
static inline const uint8_t *fuzz_mem_at(const struct fuzz_mem *m,
					 uint64_t addr, uint64_t *avail)
{
	for (size_t i = m->n; i-- > 0;) {
		const struct fuzz_seg *s = &m->segs[i];
		if (addr >= s->addr && addr - s->addr < s->len) {
			*avail = s->len - (addr - s->addr);
			return s->data + (addr - s->addr);
		}
	}
	return NULL;
}

static inline struct kd_error *fuzz_mem_read(void *arg, uint64_t addr,
					     void *buf, size_t len)
{
	const struct fuzz_mem *m = arg;
	uint8_t *out = buf;
	uint64_t a = addr;
	while (len) {
		uint64_t avail;
		const uint8_t *p = fuzz_mem_at(m, a, &avail);
		if (!p)
			return kd_error_fault(KD_ERR_FAULT, a,
					      "fuzz memory: %#llx not mapped",
					      (unsigned long long)a);
		size_t n = avail < len ? (size_t)avail : len;
		memcpy(out, p, n);
		out += n;
		a += n;
		len -= n;
	}
	return NULL;
}

/* ---- record mode: the reads of a real run, written as segments ---- */

struct fuzz_rec {
	struct fuzz_rseg {
		uint64_t addr;
		uint32_t len;
		uint8_t *data;
	} *v;
	size_t n, cap;
	size_t limit;		/* stop keeping reads past this many bytes */
	size_t bytes;
};

static inline void fuzz_rec_add(struct fuzz_rec *r, uint64_t addr,
				const void *buf, size_t len)
{
	if (!len || r->bytes + len > r->limit)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		if (!r->v)
			abort();
	}
	uint8_t *d = malloc(len);
	if (!d)
		abort();
	memcpy(d, buf, len);
	r->v[r->n++] = (struct fuzz_rseg){ addr, (uint32_t)len, d };
	r->bytes += len;
}

static inline int fuzz_rseg_cmp(const void *a, const void *b)
{
	const struct fuzz_rseg *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static inline void fuzz_rec_discard(struct fuzz_rec *r)
{
	for (size_t k = 0; k < r->n; k++)
		free(r->v[k].data);
	r->n = 0;
	r->bytes = 0;
}

/* Sort, merge overlapping and adjacent reads, append to f. */
static inline void fuzz_rec_write(struct fuzz_rec *r, FILE *f)
{
	qsort(r->v, r->n, sizeof(*r->v), fuzz_rseg_cmp);
	size_t i = 0;
	while (i < r->n) {
		uint64_t lo = r->v[i].addr, hi = lo + r->v[i].len;
		size_t j = i + 1;
		while (j < r->n && r->v[j].addr <= hi) {
			if (r->v[j].addr + r->v[j].len > hi)
				hi = r->v[j].addr + r->v[j].len;
			j++;
		}
		uint8_t *buf = calloc(1, hi - lo);
		if (!buf)
			abort();
		for (size_t k = i; k < j; k++)
			memcpy(buf + (r->v[k].addr - lo), r->v[k].data,
			       r->v[k].len);
		uint32_t len = (uint32_t)(hi - lo);
		fwrite(&lo, 8, 1, f);
		fwrite(&len, 4, 1, f);
		fwrite(buf, 1, len, f);
		free(buf);
		i = j;
	}
	fuzz_rec_discard(r);
}

#endif /* PYKDUMP_FUZZ_MEM_FUZZ_H */
