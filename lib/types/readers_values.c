// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Member values: decoding a descriptor's bytes (from a buffer the caller
 * already read, or read here through a memory source), following the
 * pointer hops of a chain first.  Little-endian, as on x86_64.
 */
#include <string.h>

#include <pykdump/memory.h>

#include "readers_internal.h"

static struct kd_error *read_session(void *arg, uint64_t addr, void *buf,
				     size_t len)
{
	return kd_read_kvaddr(arg, addr, buf, len);
}

struct kd_memsrc kd_memsrc_session(struct kd_session *s)
{
	return (struct kd_memsrc){ .read = read_session, .arg = s };
}

struct kd_error *kd_memsrc_read_ptr(const struct kd_memsrc *src,
				    uint64_t addr, uint64_t *ret)
{
	uint64_t v = 0;
	struct kd_error *err = kd_memsrc_read(src, addr, &v, sizeof(v));
	if (!err)
		*ret = v;
	return err;
}

const char *kd_rkind_name(enum kd_rkind kind)
{
	static const char *const names[] = {
		[KD_RK_INT] = "int",		[KD_RK_BITFIELD] = "bitfield",
		[KD_RK_BOOL] = "bool",		[KD_RK_ENUM] = "enum",
		[KD_RK_FLOAT] = "float",	[KD_RK_CHARARRAY] = "char[]",
		[KD_RK_CHARPTR] = "char *",	[KD_RK_PTR] = "pointer",
		[KD_RK_FUNCPTR] = "function pointer",
		[KD_RK_ARRAY] = "array",	[KD_RK_STRUCT] = "struct",
		[KD_RK_OTHER] = "other",	[KD_RK_VOID] = "void",
		[KD_RK_FUNCTION] = "function",
	};
	if ((unsigned)kind < KD_ARRAY_SIZE(names) && names[kind])
		return names[kind];
	return "?";
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	if (bits >= 64)
		return (int64_t)v;
	uint64_t sign = 1ull << (bits - 1);
	return (int64_t)((v ^ sign) - sign);
}

static uint64_t le32(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24;
}

/* Little-endian bytes as an integer.  Field reads from Python and
 * commands go through here: the common sizes are written so that the
 * compiler makes each one load; the odd ones (a bitfield's storage)
 * go byte by byte. */
static inline uint64_t load_le(const uint8_t *p, uint32_t size)
{
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return (uint64_t)p[0] | (uint64_t)p[1] << 8;
	case 4:
		return le32(p);
	case 8:
		return le32(p) | le32(p + 4) << 32;
	default: {
		uint64_t v = 0;
		for (uint32_t i = 0; i < size; i++)
			v |= (uint64_t)p[i] << (8 * i);
		return v;
	}
	}
}

/* kind is scalar and not BITFIELD, 1 <= size <= 8, and 4 or 8 for a
 * FLOAT (the descriptors are built so). */
static inline void decode_scalar(enum kd_rkind kind, uint32_t size,
				 int is_signed, const uint8_t *p,
				 struct kd_value *ret)
{
	uint64_t raw = load_le(p, size);
	ret->kind = kind;
	if (kind == KD_RK_FLOAT) {
		if (size == 4) {
			float f;
			uint32_t r32 = (uint32_t)raw;
			memcpy(&f, &r32, sizeof(f));
			ret->f = f;
		} else {
			memcpy(&ret->f, &raw, sizeof(ret->f));
		}
	} else if (kind == KD_RK_BOOL) {
		ret->u = raw != 0;
	} else {
		ret->u = is_signed ? (uint64_t)sign_extend(raw, size * 8) : raw;
	}
}

static int decodable(enum kd_rkind kind, uint32_t size)
{
	return kd_rkind_is_scalar(kind) && kind != KD_RK_BITFIELD &&
	       size >= 1 && size <= 8 &&
	       (kind != KD_RK_FLOAT || size == 4 || size == 8);
}

struct kd_error *kd_value_decode(enum kd_rkind kind, uint32_t size,
				 int is_signed, const void *bytes,
				 struct kd_value *ret)
{
	if (!decodable(kind, size))
		return kd_error_create(KD_ERR_INVALID,
				       "cannot decode a %s of %u bytes as a "
				       "scalar", kd_rkind_name(kind), size);
	decode_scalar(kind, size, is_signed, bytes, ret);
	return NULL;
}

static struct kd_error *not_scalar(const struct kd_rmember *m)
{
	return kd_error_create(KD_ERR_INVALID,
			       "%s is a %s, not a scalar value", m->name,
			       kd_rkind_name(m->kind));
}

/* On the path of every field read (Python's and the commands'): few
 * checks, the decoding inline. */
struct kd_error *kd_member_decode(const struct kd_rmember *m,
				  const void *bytes, struct kd_value *ret)
{
	if (m->kind == KD_RK_BITFIELD) {
		uint64_t v = load_le(bytes, m->size) >> m->bit_shift & m->mask;
		ret->kind = KD_RK_BITFIELD;
		ret->u = m->is_signed ? (uint64_t)sign_extend(v, m->bit_size)
				      : v;
		return NULL;
	}
	/* the descriptors' sizes are right for their kinds (readers.h);
	 * the size check only keeps a made-up one from shifting too far */
	if (!kd_rkind_is_scalar(m->kind) || m->size - 1u >= 8u)
		return not_scalar(m);
	decode_scalar(m->kind, m->size, m->is_signed, bytes, ret);
	return NULL;
}

struct kd_error *kd_member_value_from_buf(const struct kd_rmember *m,
					  const void *buf,
					  struct kd_value *ret)
{
	if (m->nhops && kd_rkind_is_scalar(m->kind))
		return kd_error_create(KD_ERR_INVALID,
				       "%s goes through a pointer: read it from "
				       "an address", m->name);
	return kd_member_decode(m, (const uint8_t *)buf + m->offset, ret);
}

struct kd_error *kd_member_elem_from_buf(const struct kd_rmember *m,
					 const void *buf, uint64_t i,
					 struct kd_value *ret)
{
	if (m->kind != KD_RK_ARRAY && m->kind != KD_RK_CHARARRAY)
		return kd_error_create(KD_ERR_INVALID, "%s is not an array",
				       m->name);
	if (m->nhops)
		return kd_error_create(KD_ERR_INVALID,
				       "%s goes through a pointer", m->name);
	uint64_t n = m->elem_size ? m->size / m->elem_size : 0;
	if (i >= n)
		return kd_error_create(KD_ERR_INVALID,
				       "index %llu out of range for %s[%llu]",
				       (unsigned long long)i, m->name,
				       (unsigned long long)n);
	const uint8_t *p = (const uint8_t *)buf + m->offset + i * m->elem_size;
	return kd_value_decode(m->elem_kind, m->elem_size, m->is_signed, p,
			       ret);
}

struct kd_error *kd_member_string_from_buf(const struct kd_rmember *m,
					   const void *buf, char *out,
					   size_t size, size_t *len)
{
	if (m->kind != KD_RK_CHARARRAY || m->nhops || !size)
		return kd_error_create(KD_ERR_INVALID,
				       "%s is not a char array in the buffer",
				       m->name);
	const char *p = (const char *)buf + m->offset;
	size_t n = strnlen(p, m->size);
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	if (len)
		*len = n;
	return NULL;
}

/* ---- reads through a memory source ---- */

struct kd_error *kd_member_addr_src(const struct kd_memsrc *src,
				    const struct kd_rmember *m,
				    uint64_t struct_addr, uint64_t *ret)
{
	uint64_t addr = struct_addr;
	for (uint32_t i = 0; i < m->nhops; i++) {
		struct kd_error *err =
			kd_memsrc_read_ptr(src, addr + m->hops[i], &addr);
		if (err)
			return kd_error_prefix(err, "reading %s", m->name);
		if (!addr)
			return kd_error_fault(KD_ERR_FAULT, 0,
					      "%s: NULL pointer on the way",
					      m->name);
	}
	*ret = addr + m->offset;
	return NULL;
}

struct kd_error *kd_member_read_src(const struct kd_memsrc *src,
				    const struct kd_rmember *m,
				    uint64_t struct_addr, struct kd_value *ret)
{
	uint8_t bytes[8];
	uint64_t addr;
	if (!kd_rkind_is_scalar(m->kind) || m->size > sizeof(bytes))
		return not_scalar(m);
	struct kd_error *err = kd_member_addr_src(src, m, struct_addr, &addr);
	if (!err)
		err = kd_memsrc_read(src, addr, bytes, m->size);
	return err ? err : kd_member_decode(m, bytes, ret);
}

/* ---- reads through the session ---- */

struct kd_error *kd_member_addr(struct kd_session *s,
				const struct kd_rmember *m,
				uint64_t struct_addr, uint64_t *ret)
{
	struct kd_memsrc src = kd_memsrc_session(s);
	return kd_member_addr_src(&src, m, struct_addr, ret);
}

struct kd_error *kd_member_read(struct kd_session *s,
				const struct kd_rmember *m,
				uint64_t struct_addr, struct kd_value *ret)
{
	struct kd_memsrc src = kd_memsrc_session(s);
	return kd_member_read_src(&src, m, struct_addr, ret);
}

struct kd_error *kd_member_read_u64(struct kd_session *s,
				    const struct kd_rmember *m,
				    uint64_t struct_addr, uint64_t *ret)
{
	struct kd_value v;
	struct kd_error *err = kd_member_read(s, m, struct_addr, &v);
	if (err)
		return err;
	*ret = v.kind == KD_RK_FLOAT ? (uint64_t)(int64_t)v.f : v.u;
	return NULL;
}

struct kd_error *kd_member_read_string(struct kd_session *s,
				       const struct kd_rmember *m,
				       uint64_t struct_addr, char *buf,
				       size_t size, size_t *len)
{
	uint64_t addr;
	if (!size || (m->kind != KD_RK_CHARARRAY && m->kind != KD_RK_CHARPTR))
		return kd_error_create(KD_ERR_INVALID,
				       "%s is not a string", m->name);
	struct kd_error *err = kd_member_addr(s, m, struct_addr, &addr);
	if (err)
		return err;
	if (m->kind == KD_RK_CHARPTR) {
		if ((err = kd_read_ptr(s, addr, &addr)))
			return err;
		return kd_read_cstring(s, addr, buf, size, len);
	}
	size_t n = m->size < size - 1 ? m->size : size - 1;
	if ((err = kd_read_kvaddr(s, addr, buf, n)))
		return err;
	buf[n] = '\0';
	n = strlen(buf);
	if (len)
		*len = n;
	return NULL;
}
