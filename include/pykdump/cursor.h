/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bounds-checked cursor every parser of untrusted bytes reads through
 * (dump headers, ELF notes, DWARF sections, ...).
 *
 * A cursor is a view [start, end) of bytes that came from a file, with
 * what a message needs to say where they came from: the file's name, the
 * structure being parsed and the file offset of start.  Reads are either
 * at an offset from start (kd_cursor_u32_at) or sequential from the
 * position p (kd_cursor_u32, kd_cursor_uleb, ...).
 *
 * A read that would pass the end returns 0 (NULL for pointers) and makes
 * the cursor "bad": sticky, so a parser reads a whole group of fields and
 * checks once (kd_cursor_error, or the bad flag when it words its own
 * message).  The first failure's offset and size are kept for the
 * message: "FILE: WHAT: N bytes at offset 0x... run past the end of the
 * data (which ends at 0x...)".  A failed sequential read also moves the
 * position to the end, so loops over records stop.
 *
 * Multi-byte values are in the byte order given at init (little-endian
 * unless told otherwise).  Everything but building the error message is
 * inline: the DWARF scanner reads every byte of .debug_info through a
 * cursor.
 */
#ifndef PYKDUMP_CURSOR_H
#define PYKDUMP_CURSOR_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_cursor {
	const uint8_t *start;	/* _at reads, pos and seek count from here */
	const uint8_t *p;	/* the next byte of a sequential read */
	const uint8_t *end;	/* one past the last byte of the view */
	uint64_t base;		/* file offset of start[0], for messages */
	const char *file;	/* file name, for messages (NULL: none) */
	const char *what;	/* structure being parsed, for messages */
	bool big_endian;
	bool bad;		/* a read ran past the end (sticky) */
	uint64_t bad_off;	/* the first such read: offset from start */
	uint64_t bad_len;	/* and the bytes it wanted */
};

/* Records a failed read of n bytes at off (the first one is kept).
 * Inline: a call would make the compiler reload the cursor's fields
 * after every read of a parser's loop. */
static inline void kd_cursor_fail(struct kd_cursor *c, uint64_t off,
				  uint64_t n)
{
	if (c->bad)
		return;
	c->bad = true;
	c->bad_off = off;
	c->bad_len = n;
}

/* The failure as a TRUNCATED error naming file, structure and file
 * offset (ownership passes to the caller), or NULL when no read failed.
 * The cursor is good again afterwards. */
KD_PUBLIC struct kd_error *kd_cursor_error(struct kd_cursor *c);

/* A view of len bytes at p, which sit at file offset base of file. */
static inline void kd_cursor_init_file(struct kd_cursor *c, const void *p,
				       size_t len, uint64_t base,
				       const char *file, const char *what,
				       bool big_endian)
{
	static const uint8_t empty[1];
	const uint8_t *s = p ? (const uint8_t *)p : empty; /* absent section */
	*c = (struct kd_cursor){ .start = s, .p = s, .end = s + (p ? len : 0),
				 .base = base, .file = file, .what = what,
				 .big_endian = big_endian };
}

/* Little-endian bytes with no file context (the caller words messages). */
static inline void kd_cursor_init(struct kd_cursor *c, const void *p,
				  size_t len)
{
	kd_cursor_init_file(c, p, len, 0, NULL, NULL, false);
}

static inline size_t kd_cursor_len(const struct kd_cursor *c)
{
	return (size_t)(c->end - c->start);
}

static inline uint64_t kd_cursor_pos(const struct kd_cursor *c)
{
	return (uint64_t)(c->p - c->start);
}

static inline size_t kd_cursor_left(const struct kd_cursor *c)
{
	return (size_t)(c->end - c->p);
}

/* ---- reads at an offset from start ---- */

/* 1 when [off, off + n) lies inside the view; else 0, recorded. */
static inline bool kd_cursor_has(struct kd_cursor *c, uint64_t off, uint64_t n)
{
	size_t len = kd_cursor_len(c);
	if (off <= len && n <= len - off)
		return true;
	kd_cursor_fail(c, off, n);
	return false;
}

static inline uint8_t kd_cursor_u8_at(struct kd_cursor *c, uint64_t off)
{
	return kd_cursor_has(c, off, 1) ? c->start[off] : 0;
}

#define KD_CURSOR_READ_AT(bits)						\
static inline uint##bits##_t kd_cursor_u##bits##_at(struct kd_cursor *c, \
						    uint64_t off)	\
{									\
	uint##bits##_t v;						\
	if (!kd_cursor_has(c, off, sizeof(v)))				\
		return 0;						\
	memcpy(&v, c->start + off, sizeof(v));				\
	return c->big_endian ? be##bits##toh(v) : le##bits##toh(v);	\
}
KD_CURSOR_READ_AT(16)
KD_CURSOR_READ_AT(32)
KD_CURSOR_READ_AT(64)
#undef KD_CURSOR_READ_AT

/* A word of the dumped machine: 4 or 8 bytes. */
static inline uint64_t kd_cursor_word_at(struct kd_cursor *c, uint64_t off,
					 int word_size)
{
	return word_size == 8 ? kd_cursor_u64_at(c, off) :
				kd_cursor_u32_at(c, off);
}

/* The n bytes at off, or NULL. */
static inline const uint8_t *kd_cursor_bytes_at(struct kd_cursor *c,
						uint64_t off, uint64_t n)
{
	return kd_cursor_has(c, off, n) ? c->start + off : NULL;
}

/* ---- sequential reads ---- */

/* 1 when n more bytes follow the position; else 0, recorded, and the
 * position moves to the end. */
static inline bool kd_cursor_need(struct kd_cursor *c, uint64_t n)
{
	if (n <= kd_cursor_left(c))
		return true;
	kd_cursor_fail(c, kd_cursor_pos(c), n);
	c->p = c->end;
	return false;
}

static inline bool kd_cursor_skip(struct kd_cursor *c, uint64_t n)
{
	if (!kd_cursor_need(c, n))
		return false;
	c->p += n;
	return true;
}

/* Moves to off from start (at most the end). */
static inline void kd_cursor_seek(struct kd_cursor *c, uint64_t off)
{
	if (off > kd_cursor_len(c)) {
		kd_cursor_fail(c, off, 0);
		c->p = c->end;
		return;
	}
	c->p = c->start + off;
}

/* A cursor over [off, off + size) of the same bytes as c (offsets still
 * count from c's start); a bad, empty one when that is not inside c. */
static inline struct kd_cursor kd_cursor_sub(const struct kd_cursor *c,
					     uint64_t off, uint64_t size)
{
	struct kd_cursor s = *c;
	uint64_t total = kd_cursor_len(c);
	s.bad = false;
	if (off <= total && size <= total - off) {
		s.p = c->start + off;
		s.end = s.p + size;
	} else {
		s.p = s.end = c->start;
		kd_cursor_fail(&s, off, size);
	}
	return s;
}

static inline uint8_t kd_cursor_u8(struct kd_cursor *c)
{
	if (c->p < c->end)
		return *c->p++;
	kd_cursor_fail(c, kd_cursor_pos(c), 1);
	return 0;
}

#define KD_CURSOR_READ(bits)						\
static inline uint##bits##_t kd_cursor_u##bits(struct kd_cursor *c)	\
{									\
	uint##bits##_t v;						\
	if (!kd_cursor_need(c, sizeof(v)))				\
		return 0;						\
	memcpy(&v, c->p, sizeof(v));					\
	c->p += sizeof(v);						\
	return c->big_endian ? be##bits##toh(v) : le##bits##toh(v);	\
}
KD_CURSOR_READ(16)
KD_CURSOR_READ(32)
KD_CURSOR_READ(64)
#undef KD_CURSOR_READ

/* An unsigned value of 1 to 8 bytes. */
static inline uint64_t kd_cursor_uint(struct kd_cursor *c, unsigned size)
{
	if (size > 8) {
		kd_cursor_fail(c, kd_cursor_pos(c), size);
		c->p = c->end;
		return 0;
	}
	if (!kd_cursor_need(c, size))
		return 0;
	const uint8_t *p = c->p;
	uint64_t v = 0;
	c->p += size;
	switch (size) {		/* the common sizes as single loads */
	case 1:
		return p[0];
	case 2: {
		uint16_t w;
		memcpy(&w, p, 2);
		return c->big_endian ? be16toh(w) : le16toh(w);
	}
	case 4: {
		uint32_t w;
		memcpy(&w, p, 4);
		return c->big_endian ? be32toh(w) : le32toh(w);
	}
	case 8:
		memcpy(&v, p, 8);
		return c->big_endian ? be64toh(v) : le64toh(v);
	default:
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)p[c->big_endian ? size - 1 - i : i]
			     << (8 * i);
		return v;
	}
}

/* A LEB128 number's bits (past 64 dropped) and how many it had; false
 * when it runs past the end. */
static inline bool kd_cursor_leb(struct kd_cursor *c, uint64_t *ret,
				 unsigned *bits)
{
	const uint8_t *at = c->p;
	uint64_t v = 0;
	unsigned shift = 0;
	while (c->p < c->end) {
		uint8_t b = *c->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			*ret = v;
			*bits = shift;
			return true;
		}
	}
	kd_cursor_fail(c, (uint64_t)(at - c->start), (uint64_t)(c->p - at) + 1);
	*ret = 0;
	*bits = 0;
	return false;
}

/* LEB128 numbers (DWARF). */
static inline uint64_t kd_cursor_uleb(struct kd_cursor *c)
{
	if (c->p < c->end && !(*c->p & 0x80))
		return *c->p++;		/* most values fit in one byte */
	uint64_t v;
	unsigned bits;
	kd_cursor_leb(c, &v, &bits);
	return v;
}

static inline int64_t kd_cursor_sleb(struct kd_cursor *c)
{
	uint64_t v;
	unsigned bits;
	if (kd_cursor_leb(c, &v, &bits) && bits < 64 &&
	    ((v >> (bits - 1)) & 1))
		v |= ~(uint64_t)0 << bits;	/* negative: extend the sign */
	return (int64_t)v;
}

/* Skips a LEB128 number without decoding it. */
static inline void kd_cursor_skip_leb(struct kd_cursor *c)
{
	const uint8_t *at = c->p;
	while (c->p < c->end) {
		if (!(*c->p++ & 0x80))
			return;
	}
	kd_cursor_fail(c, (uint64_t)(at - c->start), (uint64_t)(c->p - at) + 1);
}

/* A NUL-terminated string at the position (*len without the NUL), or
 * NULL when it is not terminated inside the view. */
static inline const char *kd_cursor_cstr(struct kd_cursor *c, size_t *len)
{
	const uint8_t *nul = memchr(c->p, 0, kd_cursor_left(c));
	if (!nul) {
		kd_cursor_need(c, kd_cursor_left(c) + 1);
		return NULL;
	}
	const char *s = (const char *)c->p;
	if (len)
		*len = (size_t)(nul - c->p);
	c->p = nul + 1;
	return s;
}

/* The n bytes at the position, or NULL. */
static inline const uint8_t *kd_cursor_bytes(struct kd_cursor *c, uint64_t n)
{
	if (!kd_cursor_need(c, n))
		return NULL;
	const uint8_t *p = c->p;
	c->p += n;
	return p;
}

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_CURSOR_H */
