// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A StructResult's copy of the bytes of its struct, so that reading
 * several members of one struct reads the dump once instead of once per
 * attribute (the original's readSU also read a struct's bytes once).
 *
 * Structs can be large (task_struct is ~10 KiB) and most are read for a
 * member or two, so the copy is partial: up to SB_SLOTS windows of at most
 * SB_WIN bytes of the struct, made on the second member read of an object
 * (an object read once costs what it did before), replaced round-robin.
 *
 * Only the bytes are kept, never decoded values, and only while they
 * cannot change: not on a live kernel (the memocache says so), and not
 * across a change of dump (the generation below).  Any failure to read a
 * window is silent: the caller reads the member from the dump as before,
 * so errors (excluded pages, ...) are exactly those of a direct read.
 */
#include "_crash.h"

#include <pykdump/memocache.h>
#include <pykdump/memory.h>

#define SB_WIN 256	/* bytes per window */
#define SB_SLOTS 4	/* windows per struct */
#define SB_ALIGN 64	/* windows start at this alignment in the struct */

struct kdpy_structbuf {
	unsigned gen;			/* kdpy_structbuf_gen when filled */
	unsigned next;			/* the slot replaced next */
	uint32_t start[SB_SLOTS];	/* offset in the struct */
	uint32_t len[SB_SLOTS];		/* 0: empty slot */
	unsigned char data[SB_SLOTS][SB_WIN];
};

static unsigned generation;

void kdpy_structbuf_invalidate(void)
{
	generation++;
}

void kdpy_structbuf_free(struct kdpy_intsub_data *d)
{
	PyMem_Free(d->buf);
	d->buf = NULL;
}

static const unsigned char *slot_lookup(const struct kdpy_structbuf *b,
					uint64_t off, uint64_t len)
{
	for (int i = 0; i < SB_SLOTS; i++)
		if (off >= b->start[i] &&
		    off + len <= (uint64_t)b->start[i] + b->len[i])
			return b->data[i] + (off - b->start[i]);
	return NULL;
}

/* A window of the struct (size bytes at addr) holding [off, off + len):
 * aligned below off, moved back so it stays inside the struct. */
static const unsigned char *slot_fill(struct kdpy_structbuf *b,
				      uint64_t addr, uint64_t size,
				      uint64_t off, uint64_t len)
{
	uint64_t wlen = size < SB_WIN ? size : SB_WIN;
	uint64_t start = off & ~(uint64_t)(SB_ALIGN - 1);
	if (start + wlen > size)
		start = size - wlen;
	if (off < start || off + len > start + wlen)
		return NULL;
	struct kd_session *s = kdpy_session();
	unsigned i = b->next;
	b->len[i] = 0;
	struct kd_error *err = s ? kd_read_kvaddr(s, addr + start,
						  b->data[i], wlen) : NULL;
	if (!s || err) {
		kd_error_destroy(err);
		return NULL;
	}
	b->next = (i + 1) % SB_SLOTS;
	b->start[i] = (uint32_t)start;
	b->len[i] = (uint32_t)wlen;
	return b->data[i] + (off - start);
}

const unsigned char *kdpy_structbuf_get(struct kdpy_intsub_data *d,
					uint64_t addr, uint64_t off,
					uint64_t len)
{
	uint64_t size = d->r->desc.size;
	if (len == 0 || len > SB_WIN || off + len > size || size > UINT32_MAX ||
	    kd_memocache_is_live(kdpy_memocache()))
		return NULL;
	struct kdpy_structbuf *b = d->buf;
	if (b && b->gen == generation) {
		const unsigned char *p = slot_lookup(b, off, len);
		if (p)
			return p;
		return slot_fill(b, addr, size, off, len);
	}
	if (d->reads++ == 0)
		return NULL;	/* the first read goes to the dump directly */
	if (!b && !(b = d->buf = PyMem_Malloc(sizeof(*b))))
		return NULL;
	b->gen = generation;
	b->next = 0;
	for (int i = 0; i < SB_SLOTS; i++)
		b->len[i] = 0;
	return slot_fill(b, addr, size, off, len);
}
