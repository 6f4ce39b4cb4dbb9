/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bounds-checked view of untrusted bytes from a dump file.
 *
 * Every header field the dump layer parses goes through a cursor.  Reads
 * are either at a fixed offset (kd_cur_u32_at) or sequential (kd_cur_u32);
 * a read past the end returns 0 and records one sticky TRUNCATED error
 * naming the file, the structure and the file offset.  The parser checks
 * kd_cur_error() once after a group of fields, so field-by-field code stays
 * short.  Multi-byte values are in the dumped machine's byte order.
 */
#ifndef PYKDUMP_DUMP_CURSOR_H
#define PYKDUMP_DUMP_CURSOR_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pykdump/error.h>

struct kd_cursor {
	const uint8_t *p;	/* first byte of the view */
	size_t len;		/* bytes in the view */
	size_t pos;		/* sequential read position */
	uint64_t base;		/* file offset of p[0], for messages */
	const char *file;	/* file name, for messages */
	const char *what;	/* structure being parsed, for messages */
	int big_endian;
	struct kd_error *err;	/* first failure, or NULL */
};

static inline void kd_cur_init(struct kd_cursor *c, const void *p, size_t len,
			       uint64_t base, const char *file,
			       const char *what, int big_endian)
{
	*c = (struct kd_cursor){ .p = p, .len = len, .base = base,
				 .file = file, .what = what,
				 .big_endian = big_endian };
}

/* 1 when [off, off + n) lies inside the view; else records the error. */
static inline int kd_cur_has(struct kd_cursor *c, size_t off, size_t n)
{
	if (off <= c->len && n <= c->len - off)
		return 1;
	if (!c->err)
		c->err = kd_error_create(KD_ERR_TRUNCATED,
			"%s: %s: %zu bytes at offset 0x%llx run past the end "
			"of the data (which ends at 0x%llx)",
			c->file, c->what, n,
			(unsigned long long)(c->base + off),
			(unsigned long long)(c->base + c->len));
	return 0;
}

static inline uint8_t kd_cur_u8_at(struct kd_cursor *c, size_t off)
{
	return kd_cur_has(c, off, 1) ? c->p[off] : 0;
}

static inline uint16_t kd_cur_u16_at(struct kd_cursor *c, size_t off)
{
	uint16_t v;
	if (!kd_cur_has(c, off, 2))
		return 0;
	memcpy(&v, c->p + off, 2);
	return c->big_endian ? be16toh(v) : le16toh(v);
}

static inline uint32_t kd_cur_u32_at(struct kd_cursor *c, size_t off)
{
	uint32_t v;
	if (!kd_cur_has(c, off, 4))
		return 0;
	memcpy(&v, c->p + off, 4);
	return c->big_endian ? be32toh(v) : le32toh(v);
}

static inline uint64_t kd_cur_u64_at(struct kd_cursor *c, size_t off)
{
	uint64_t v;
	if (!kd_cur_has(c, off, 8))
		return 0;
	memcpy(&v, c->p + off, 8);
	return c->big_endian ? be64toh(v) : le64toh(v);
}

/* A word of the dumped machine: 4 or 8 bytes. */
static inline uint64_t kd_cur_word_at(struct kd_cursor *c, size_t off,
				      int word_size)
{
	return word_size == 8 ? kd_cur_u64_at(c, off) : kd_cur_u32_at(c, off);
}

/* Pointer to n bytes at off, or NULL (error recorded). */
static inline const uint8_t *kd_cur_bytes_at(struct kd_cursor *c, size_t off,
					     size_t n)
{
	return kd_cur_has(c, off, n) ? c->p + off : NULL;
}

/* Sequential forms: read at pos, then advance. */
static inline uint32_t kd_cur_u32(struct kd_cursor *c)
{
	uint32_t v = kd_cur_u32_at(c, c->pos);
	if (!c->err)
		c->pos += 4;
	return v;
}

static inline const uint8_t *kd_cur_bytes(struct kd_cursor *c, size_t n)
{
	const uint8_t *p = kd_cur_bytes_at(c, c->pos, n);
	if (p)
		c->pos += n;
	return p;
}

static inline size_t kd_cur_left(const struct kd_cursor *c)
{
	return c->pos <= c->len ? c->len - c->pos : 0;
}

/* The recorded error (ownership passes to the caller), or NULL. */
static inline struct kd_error *kd_cur_error(struct kd_cursor *c)
{
	struct kd_error *err = c->err;
	c->err = NULL;
	return err;
}

#endif /* PYKDUMP_DUMP_CURSOR_H */
