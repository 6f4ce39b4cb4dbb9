/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounds-checked cursor over untrusted bytes (DWARF sections, the index
 * cache file).  Every read checks the remaining length; an overrun sets
 * the sticky `bad` flag and yields 0, so a parser can read a whole record
 * and test `bad` once at the end.  Byte order is the host's: the files
 * we read this way are little-endian x86_64/aarch64 objects or our own
 * cache files.
 */
#ifndef PYKDUMP_DWARF_CURSOR_H
#define PYKDUMP_DWARF_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct kd_cursor {
	const uint8_t *start;	/* of the section: offsets are relative to it */
	const uint8_t *p;
	const uint8_t *end;
	int bad;
};

static inline void kd_cursor_init(struct kd_cursor *c, const void *start,
				  size_t size)
{
	static const uint8_t empty[1];
	c->start = c->p = start ? start : empty;	/* absent section */
	c->end = c->start + (start ? size : 0);
	c->bad = 0;
}

/* A cursor over [off, off + size) of the same section as c. */
static inline struct kd_cursor kd_cursor_sub(const struct kd_cursor *c,
					     uint64_t off, uint64_t size)
{
	struct kd_cursor s = { c->start, c->start, c->start, 1 };
	uint64_t total = (uint64_t)(c->end - c->start);
	if (off <= total && size <= total - off) {
		s.p = c->start + off;
		s.end = s.p + size;
		s.bad = 0;
	}
	return s;
}

static inline uint64_t kd_cursor_pos(const struct kd_cursor *c)
{
	return (uint64_t)(c->p - c->start);
}

static inline size_t kd_cursor_left(const struct kd_cursor *c)
{
	return (size_t)(c->end - c->p);
}

static inline int kd_cursor_skip(struct kd_cursor *c, uint64_t n)
{
	if (n > kd_cursor_left(c)) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	c->p += n;
	return 1;
}

/* Move to an absolute offset inside [start, end]. */
static inline void kd_cursor_seek(struct kd_cursor *c, uint64_t off)
{
	if (off > (uint64_t)(c->end - c->start)) {
		c->bad = 1;
		c->p = c->end;
		return;
	}
	c->p = c->start + off;
}

#define KD_CURSOR_READ(bits)						\
static inline uint##bits##_t kd_cursor_u##bits(struct kd_cursor *c)	\
{									\
	uint##bits##_t v;						\
	if (kd_cursor_left(c) < sizeof(v)) {				\
		c->bad = 1;						\
		c->p = c->end;						\
		return 0;						\
	}								\
	memcpy(&v, c->p, sizeof(v));					\
	c->p += sizeof(v);						\
	return v;							\
}
KD_CURSOR_READ(16)
KD_CURSOR_READ(32)
KD_CURSOR_READ(64)
#undef KD_CURSOR_READ

static inline uint8_t kd_cursor_u8(struct kd_cursor *c)
{
	if (c->p >= c->end) {
		c->bad = 1;
		return 0;
	}
	return *c->p++;
}

/* 1..8 byte little-endian unsigned value. */
static inline uint64_t kd_cursor_uint(struct kd_cursor *c, unsigned size)
{
	if (size > 8 || kd_cursor_left(c) < size) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	const uint8_t *p = c->p;
	uint64_t v = 0;
	c->p += size;
	switch (size) {		/* the common sizes as single loads */
	case 1:
		return p[0];
	case 2:
		return p[0] | (uint64_t)p[1] << 8;
	case 4:
		return p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
		       (uint64_t)p[3] << 24;
	default:
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)p[i] << (8 * i);
		return v;
	}
}

static inline uint64_t kd_cursor_uleb(struct kd_cursor *c)
{
	if (c->p < c->end && !(*c->p & 0x80))
		return *c->p++;		/* most values fit in one byte */
	uint64_t v = 0;
	unsigned shift = 0;
	while (c->p < c->end) {
		uint8_t b = *c->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

static inline int64_t kd_cursor_sleb(struct kd_cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	while (c->p < c->end) {
		uint8_t b = *c->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << shift;
			return (int64_t)v;
		}
	}
	c->bad = 1;
	return 0;
}

/* Skip a LEB128 number without decoding it. */
static inline void kd_cursor_skip_leb(struct kd_cursor *c)
{
	while (c->p < c->end) {
		if (!(*c->p++ & 0x80))
			return;
	}
	c->bad = 1;
}

/* A NUL-terminated string at the cursor; NULL (and bad) if unterminated. */
static inline const char *kd_cursor_cstr(struct kd_cursor *c, size_t *len)
{
	const uint8_t *nul = memchr(c->p, 0, kd_cursor_left(c));
	if (!nul) {
		c->bad = 1;
		c->p = c->end;
		return NULL;
	}
	const char *s = (const char *)c->p;
	if (len)
		*len = (size_t)(nul - c->p);
	c->p = nul + 1;
	return s;
}

#endif /* PYKDUMP_DWARF_CURSOR_H */
