/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Member offsets and layouts: where things are in this kernel's structs,
 * from its DWARF.  The kernel layer's one way to learn a layout.
 *
 * One sentinel: KD_ABSENT (UINT64_MAX) means "this kernel has no such
 * member" (or type).  It is an answer, so that code can branch on kernel
 * versions ("__state" 5.14+, else "state"), but it is never an offset:
 *   - a layout field that code adds to an address unconditionally is
 *     KD_LF_REQUIRED, and kd_layout_fill() fails when it is absent;
 *   - an optional one is read with kd_field_*(), which refuse KD_ABSENT
 *     (KD_ERR_NOT_FOUND, nothing read), or tested with kd_present();
 *   - kd_off_add() keeps an absent part absent.
 * So a missing member is an error or an explicit "absent", never the
 * byte before the struct.
 *
 * A layout is a struct of uint64_t filled from a table:
 *
 *   struct rq_layout { uint64_t curr, idle, clock; };
 *   static const struct kd_layout_field rq_fields[] = {
 *       KD_LF(struct rq_layout, curr, "struct rq", "curr", KD_LF_REQUIRED),
 *       KD_LF(struct rq_layout, idle, "struct rq", "idle", KD_LF_REQUIRED),
 *       KD_LF(struct rq_layout, clock, "struct rq", "clock_task|clock", 0),
 *   };
 *   err = kd_layout_fill(s, rq_fields, KD_ARRAY_SIZE(rq_fields), &lay);
 *
 * Names: type is a C type name ("struct rq", "rq", "union x", a
 * typedef), qualifiers and typedefs looked through; path a member path
 * inside it ("se.run_node", "mem[1].base", members of anonymous structs
 * and unions by their own name) that does not go through a pointer.
 * Either may list alternatives separated by '|': the first that exists
 * wins ("struct printk_log|struct log").
 *
 * Testing other kernels' layouts: PYKDUMP_HIDE_MEMBERS, a comma-separated
 * list of "TYPE.PATH" ("struct char_device_struct.cdev"), makes those
 * members absent here, as on a kernel without them (read once per
 * process).  Only lookups through this header are affected.
 */
#ifndef PYKDUMP_OFFSETS_H
#define PYKDUMP_OFFSETS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_types;

/* "No such member (or type) in this kernel". */
#define KD_ABSENT UINT64_MAX

static inline int kd_present(uint64_t off)
{
	return off != KD_ABSENT;
}

/* a + b, absent when either is (a member of an embedded struct). */
static inline uint64_t kd_off_add(uint64_t a, uint64_t b)
{
	return a == KD_ABSENT || b == KD_ABSENT ? KD_ABSENT : a + b;
}

/* ---- single lookups ---- */

/* Byte offset of path in type, or KD_ABSENT. */
KD_PUBLIC uint64_t kd_offsetof(struct kd_session *s, const char *type,
			       const char *path);
/* The same as an error value: KD_ERR_NOT_FOUND names what is missing. */
KD_PUBLIC struct kd_error *kd_member_offset(struct kd_session *s,
					    const char *type_name,
					    const char *path,
					    uint64_t *ret) KD_WARN_UNUSED;
/* 1 when the member exists. */
KD_PUBLIC int kd_has_member(struct kd_session *s, const char *type,
			    const char *path);
/* Size in bytes of a type, 0 when unknown. */
KD_PUBLIC uint64_t kd_sizeof(struct kd_session *s, const char *type);
/* Offset of path in the type of a global variable (variables of an
 * anonymous struct type, e.g. tk_core), or KD_ABSENT. */
KD_PUBLIC uint64_t kd_var_offsetof(struct kd_session *s, const char *var,
				   const char *path);
/* addr of the member path inside a type_name -> address of the struct. */
KD_PUBLIC struct kd_error *kd_container_of(struct kd_session *s, uint64_t addr,
					   const char *type_name,
					   const char *path,
					   uint64_t *ret) KD_WARN_UNUSED;

/* ---- layouts from a table ---- */

#define KD_LF_REQUIRED	0x1	/* absent: kd_layout_fill() fails */
#define KD_LF_BITS	0x2	/* the bit offset (bitfields) */
#define KD_LF_SIZE	0x4	/* the member's size in bytes; with path
				   NULL, the type's size */
#define KD_LF_COUNT	0x8	/* the member's array bound (elements) */
#define KD_LF_WIDTH	0x10	/* its width in bits: a bitfield's size,
				   else 8 x its size */

struct kd_layout_field {
	size_t at;		/* offsetof() the uint64_t to fill */
	const char *type;
	const char *path;	/* NULL with KD_LF_SIZE: sizeof(type) */
	unsigned flags;		/* KD_LF_* */
};

#define KD_LF(st, field, type, path, flags) \
	{ offsetof(st, field), (type), (path), (flags) }

/* Fill each field of layout from the table: the value asked for, or
 * KD_ABSENT.  Fails (KD_ERR_NOT_FOUND, naming the first missing one)
 * when a KD_LF_REQUIRED entry is absent; the layout is then filled all
 * the same. */
KD_PUBLIC struct kd_error *kd_layout_fill(struct kd_session *s,
					  const struct kd_layout_field *fields,
					  size_t n, void *layout) KD_WARN_UNUSED;
/* The same over a type model (no session: tools and unit tests). */
KD_PUBLIC struct kd_error *kd_types_layout_fill(struct kd_types *types,
						const struct kd_layout_field *fields,
						size_t n, void *layout)
	KD_WARN_UNUSED;

/* ---- reading a member through its offset ---- */

/* len bytes at base + off; off KD_ABSENT: KD_ERR_NOT_FOUND, no read. */
KD_PUBLIC struct kd_error *kd_field_read(struct kd_session *s, uint64_t base,
					 uint64_t off, void *buf,
					 size_t len) KD_WARN_UNUSED;
/* An unsigned integer of size 1, 2, 4 or 8 bytes. */
KD_PUBLIC struct kd_error *kd_field_uint(struct kd_session *s, uint64_t base,
					 uint64_t off, unsigned size,
					 uint64_t *ret) KD_WARN_UNUSED;
/* An optional member's unsigned integer: 0 when this kernel lacks it
 * (KD_ABSENT); 0 and *ok cleared (if ok) when it cannot be read. */
KD_PUBLIC uint64_t kd_field_uint_opt(struct kd_session *s, uint64_t base,
				     uint64_t off, unsigned size, int *ok);
KD_PUBLIC struct kd_error *kd_field_u32(struct kd_session *s, uint64_t base,
					uint64_t off, uint32_t *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_field_u64(struct kd_session *s, uint64_t base,
					uint64_t off, uint64_t *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_field_ptr(struct kd_session *s, uint64_t base,
					uint64_t off, uint64_t *ret)
	KD_WARN_UNUSED;
/* A char array member, NUL-terminated into buf (size bytes). */
KD_PUBLIC struct kd_error *kd_field_string(struct kd_session *s, uint64_t base,
					   uint64_t off, char *buf,
					   size_t size) KD_WARN_UNUSED;
/* The string a char * member points to ("" for NULL). */
KD_PUBLIC struct kd_error *kd_field_string_at(struct kd_session *s,
					      uint64_t base, uint64_t off,
					      char *buf, size_t size)
	KD_WARN_UNUSED;

/* From a struct's bytes already read (buf, size bytes): the len (at most
 * 8) byte little-endian integer at off; 0 when off is KD_ABSENT or the
 * member does not lie inside the bytes. */
KD_PUBLIC uint64_t kd_field_get(const void *buf, uint64_t size, uint64_t off,
				unsigned len);

/* ---- reading a member by name ---- */

/* The integer, enum, bool or pointer member path (a bitfield too) of
 * the type_name struct at base, decoded by its type (sign-extended when
 * signed); KD_ERR_NOT_FOUND when it is absent.  For many members of one
 * struct, a layout table is cheaper. */
KD_PUBLIC struct kd_error *kd_read_member_u64(struct kd_session *s,
					      uint64_t base,
					      const char *type_name,
					      const char *path,
					      uint64_t *ret) KD_WARN_UNUSED;
/* The same, 0 on any failure (optional values). */
KD_PUBLIC uint64_t kd_read_member_or0(struct kd_session *s, uint64_t base,
				      const char *type_name,
				      const char *path);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_OFFSETS_H */
