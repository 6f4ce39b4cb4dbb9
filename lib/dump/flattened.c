// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * makedumpfile's flattened format, read in place.
 *
 * makedumpfile -F (and QEMU's "kdump-*" dump-guest-memory formats) write
 * a stream that can go through a pipe: every write to the dump file
 * becomes a record saying where in the file its bytes belong.  All
 * fields are big-endian.
 *
 *   offset 0     char signature[16]   "makedumpfile" NUL-padded
 *          16    i64  type            1
 *          24    i64  version         1
 *          ...   zero padding up to 4096
 *   offset 4096  records, one after the other:
 *                i64  offset          where the data goes in the file
 *                i64  size            bytes of data that follow
 *                u8   data[size]
 *   end marker   offset = size = -1
 *
 * `makedumpfile -R` replays the records into a regular file (seeking to
 * each offset; what no record covers is a hole of zeros; a later record
 * overwrites an earlier one).  We do the same without the copy: at open we
 * scan the record headers once and build an index of "pieces" sorted by
 * their offset in the reassembled file, each pointing at its bytes in the
 * mapped stream.  Overlaps are resolved as the replay would (last record
 * wins), so pieces never overlap.  A read of [off, len) binary-searches
 * the pieces and returns a pointer into the mapping when one piece holds
 * it all, else assembles it (with zeros for holes) in the caller's buffer.
 *
 * A stream that ends without the end marker (an interrupted transfer) is
 * indexed up to its last complete byte and flagged `truncated`.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/cursor.h>
#include <pykdump/vector.h>

#include "vfile.h"

#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_RECORD_HEADER 16
/* No dump file reaches 2^53 bytes: x86_64 physical memory ends at 2^52
 * (5-level paging), the rest of a dump is headers.  A record placing
 * bytes past it is corrupt, not a file with a hole of petabytes. */
#define FLAT_MAX_END (1ULL << 53)

struct flat_piece {
	uint64_t voff;		/* offset in the reassembled file */
	uint64_t len;
	uint64_t foff;		/* offset of the bytes in the stream */
	uint64_t seq;		/* record number: later records win */
};

struct flat_vfile {
	struct kd_vfile vf;
	struct kd_vfile *stream;
	struct flat_piece *pieces;
	size_t npieces;
};

int kd_flattened_probe(struct kd_vfile *vf)
{
	uint8_t buf[32];
	const uint8_t *head = kd_vfile_ptr(vf, 0, sizeof(buf), buf);
	if (!head)
		return 0;	/* too short to be flattened */
	struct kd_cursor c;
	kd_cursor_init_file(&c, head, sizeof(buf), 0, vf->name,
			    "flattened header", 1);
	return memcmp(head, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)) == 0 &&
	       kd_cursor_u64_at(&c, 16) == 1;
}

/* Index of the piece holding off, or the one after it (npieces if none). */
static size_t find_piece(const struct flat_vfile *f, uint64_t off)
{
	size_t lo = 0, hi = f->npieces;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct flat_piece *p = &f->pieces[mid];
		if (off >= p->voff + p->len)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const void *flat_ptr(struct kd_vfile *vf, uint64_t off, size_t len,
			    void *scratch)
{
	struct flat_vfile *f = (struct flat_vfile *)vf;
	size_t i = find_piece(f, off);
	const struct flat_piece *p = i < f->npieces ? &f->pieces[i] : NULL;
	if (p && p->voff <= off && off + len <= p->voff + p->len)
		return kd_vfile_ptr(f->stream, p->foff + (off - p->voff), len,
				    NULL);
	/* Straddles pieces or holes: assemble it. */
	uint8_t *out = scratch;
	memset(out, 0, len);
	for (; i < f->npieces && f->pieces[i].voff < off + len; i++) {
		p = &f->pieces[i];
		uint64_t from = p->voff > off ? p->voff : off;
		uint64_t to = p->voff + p->len < off + len ? p->voff + p->len
							     : off + len;
		const void *src = kd_vfile_ptr(f->stream,
					       p->foff + (from - p->voff),
					       to - from, NULL);
		memcpy(out + (from - off), src, to - from);
	}
	return out;
}

/* Do the stream's bytes behind [off, off + len) read as zeros now? */
static int flat_lost(struct kd_vfile *vf, uint64_t off, uint64_t len)
{
	struct flat_vfile *f = (struct flat_vfile *)vf;
	for (size_t i = find_piece(f, off);
	     i < f->npieces && f->pieces[i].voff < off + len; i++) {
		const struct flat_piece *p = &f->pieces[i];
		uint64_t from = p->voff > off ? p->voff : off;
		uint64_t to = p->voff + p->len < off + len ? p->voff + p->len
							     : off + len;
		if (kd_vfile_lost(f->stream, p->foff + (from - p->voff),
				  to - from))
			return 1;
	}
	return 0;
}

static void flat_destroy(struct kd_vfile *vf)
{
	struct flat_vfile *f = (struct flat_vfile *)vf;
	kd_vfile_destroy(f->stream);
	free(f->pieces);
	kd_vfile_deinit(vf);
	free(f);
}

static const struct kd_vfile_ops flat_ops = {
	.ptr = flat_ptr,
	.lost = flat_lost,
	.destroy = flat_destroy,
};

static int piece_push(struct flat_vfile *f, size_t *cap,
		      const struct flat_piece *p)
{
	if (kd_array_reserve(&f->pieces, cap, f->npieces + 1))
		return -1;
	f->pieces[f->npieces++] = *p;
	return 0;
}

enum rec_kind {
	REC_DATA,	/* a complete record */
	REC_PARTIAL,	/* its data runs past the end of the stream */
	REC_END,	/* the end marker */
	REC_EOF,	/* the stream ends where a record header should be */
};

static struct kd_error *read_record(struct kd_vfile *s, uint64_t pos,
				    struct flat_piece *p, enum rec_kind *kind)
{
	uint8_t hdr[FLAT_RECORD_HEADER];
	if (!kd_vfile_contains(s, pos, sizeof(hdr))) {
		*kind = REC_EOF;
		return NULL;
	}
	struct kd_cursor c;
	kd_cursor_init_file(&c, kd_vfile_ptr(s, pos, sizeof(hdr), hdr),
			    sizeof(hdr), pos, s->name,
			    "flattened record header", 1);
	int64_t off = (int64_t)kd_cursor_u64_at(&c, 0);
	int64_t size = (int64_t)kd_cursor_u64_at(&c, 8);
	if (off == -1 && size == -1) {
		*kind = REC_END;
		return NULL;
	}
	if (off < 0 || size < 0 ||
	    (uint64_t)off + (uint64_t)size > FLAT_MAX_END)
		return kd_error_create(KD_ERR_CORRUPT,
			"%s: flattened record at offset 0x%llx has a bad "
			"offset 0x%llx or size 0x%llx", s->name,
			(unsigned long long)pos, (unsigned long long)off,
			(unsigned long long)size);
	uint64_t data = pos + sizeof(hdr);
	uint64_t avail = s->size - data;
	*p = (struct flat_piece){ .voff = (uint64_t)off,
				  .len = (uint64_t)size, .foff = data };
	*kind = REC_DATA;
	if (p->len > avail) {
		p->len = avail;	/* interrupted stream: keep what is there */
		*kind = REC_PARTIAL;
	}
	return NULL;
}

static struct kd_error *scan_records(struct flat_vfile *f)
{
	size_t cap = 0;
	uint64_t pos = FLAT_HEADER_SIZE;
	for (uint64_t n = 0;; n++) {
		if ((n & 0xffff) == 0) {
			struct kd_error *err = kd_cancel_check();
			if (err)
				return err;
		}
		struct flat_piece p;
		enum rec_kind kind = REC_EOF;
		struct kd_error *err = read_record(f->stream, pos, &p, &kind);
		if (err)
			return err;
		if (kind == REC_END)
			return NULL;
		if (kind == REC_EOF) {
			f->vf.truncated = 1;
			return NULL;
		}
		p.seq = n;
		if (p.len && piece_push(f, &cap, &p) < 0)
			return &kd_error_nomem;
		f->vf.nrecords++;
		if (kind == REC_PARTIAL) {
			f->vf.truncated = 1;
			return NULL;
		}
		pos = p.foff + p.len;
	}
}

static int cmp_voff(const void *a, const void *b)
{
	const struct flat_piece *x = a, *y = b;
	if (x->voff != y->voff)
		return x->voff < y->voff ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Max-heap of record indices keyed by seq (the latest record on top). */
struct seq_heap {
	const struct flat_piece *rec;
	size_t *v;
	size_t n;
};

static int heap_above(const struct seq_heap *h, size_t a, size_t b)
{
	return h->rec[h->v[a]].seq > h->rec[h->v[b]].seq;
}

static void heap_swap(struct seq_heap *h, size_t a, size_t b)
{
	size_t t = h->v[a];
	h->v[a] = h->v[b];
	h->v[b] = t;
}

static void heap_push(struct seq_heap *h, size_t idx)
{
	size_t i = h->n++;
	h->v[i] = idx;
	for (; i && heap_above(h, i, (i - 1) / 2); i = (i - 1) / 2)
		heap_swap(h, i, (i - 1) / 2);
}

static void heap_pop(struct seq_heap *h)
{
	h->v[0] = h->v[--h->n];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, top = i;
		if (l < h->n && heap_above(h, l, top))
			top = l;
		if (r < h->n && heap_above(h, r, top))
			top = r;
		if (top == i)
			return;
		heap_swap(h, i, top);
		i = top;
	}
}

static void emit_piece(struct flat_piece *out, size_t *n,
		       const struct flat_piece *rec, uint64_t from, uint64_t to)
{
	struct flat_piece *last = *n ? &out[*n - 1] : NULL;
	uint64_t foff = rec->foff + (from - rec->voff);
	if (last && last->seq == rec->seq && last->voff + last->len == from) {
		last->len += to - from;
		return;
	}
	out[(*n)++] = (struct flat_piece){ .voff = from, .len = to - from,
					   .foff = foff, .seq = rec->seq };
}

/*
 * Records overlap: paint them in stream order (what a replay does) with a
 * sweep over the sorted boundaries, keeping the latest active record on
 * top of a heap.  O(n log n).
 */
static struct kd_error *resolve_overlaps(struct flat_vfile *f)
{
	size_t n = f->npieces;
	const struct flat_piece *rec = f->pieces;
	uint64_t *pts = malloc(2 * n * sizeof(*pts));
	size_t *hv = malloc(n * sizeof(*hv));
	struct flat_piece *out = malloc(2 * n * sizeof(*out));
	if (!pts || !hv || !out) {
		free(pts);
		free(hv);
		free(out);
		return &kd_error_nomem;
	}
	for (size_t i = 0; i < n; i++) {
		pts[2 * i] = rec[i].voff;
		pts[2 * i + 1] = rec[i].voff + rec[i].len;
	}
	kd_qsort(pts, 2 * n, sizeof(*pts), cmp_u64);
	struct seq_heap h = { .rec = rec, .v = hv };
	size_t nout = 0, next = 0;
	for (size_t k = 0; k + 1 < 2 * n; k++) {
		uint64_t x = pts[k], y = pts[k + 1];
		if (x == y)
			continue;
		while (next < n && rec[next].voff <= x)
			heap_push(&h, next++);
		while (h.n && rec[h.v[0]].voff + rec[h.v[0]].len <= x)
			heap_pop(&h);
		if (h.n)
			emit_piece(out, &nout, &rec[h.v[0]], x, y);
	}
	free(pts);
	free(hv);
	free(f->pieces);
	f->pieces = out;
	f->npieces = nout;
	return NULL;
}

static struct kd_error *build_index(struct flat_vfile *f)
{
	struct kd_error *err = scan_records(f);
	if (err)
		return err;
	int sorted = 1, disjoint = 1;
	for (size_t i = 1; i < f->npieces && sorted; i++)
		sorted = f->pieces[i - 1].voff <= f->pieces[i].voff;
	if (!sorted)
		kd_qsort(f->pieces, f->npieces, sizeof(*f->pieces), cmp_voff);
	for (size_t i = 1; i < f->npieces && disjoint; i++)
		disjoint = f->pieces[i - 1].voff + f->pieces[i - 1].len <=
			   f->pieces[i].voff;
	if (!disjoint) {
		err = resolve_overlaps(f);
		if (err)
			return err;
	}
	for (size_t i = 0; i < f->npieces; i++) {
		uint64_t end = f->pieces[i].voff + f->pieces[i].len;
		if (end > f->vf.size)
			f->vf.size = end;
	}
	f->vf.npieces = f->npieces;
	return NULL;
}

struct kd_error *kd_flattened_open(struct kd_vfile *stream,
				   struct kd_vfile **ret)
{
	struct flat_vfile *f = calloc(1, sizeof(*f));
	if (!f)
		return &kd_error_nomem;
	struct kd_error *err = kd_vfile_init(&f->vf, &flat_ops, stream->name,
					     "flattened");
	if (err) {
		free(f);
		return err;
	}
	f->stream = stream;
	f->vf.inner = stream;
	f->vf.guard = stream->guard;
	f->vf.stored = stream->size;
	err = build_index(f);
	if (!err && f->npieces == 0)	/* else: "it starts with \"\"" */
		err = kd_error_create(KD_ERR_TRUNCATED,
			"%s: flattened stream with no data (%s at offset "
			"0x%x): truncated dump", stream->name,
			f->vf.truncated ? "cut in its first record header"
					: "an end marker", FLAT_HEADER_SIZE);
	if (err) {
		f->stream = NULL;	/* the caller keeps it on failure */
		flat_destroy(&f->vf);
		return err;
	}
	*ret = &f->vf;
	return NULL;
}
