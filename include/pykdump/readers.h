/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Readers ("lowlevel"): per struct/union type, a table of member
 * descriptors built once and cached in the session, so that reading a
 * field is one hash lookup plus one memory read (or no read at all when
 * the caller already holds the struct's bytes).
 *
 *   struct kd_reader *r;
 *   const struct kd_rmember *pid, *rq;
 *   kd_reader_get(s, "struct task_struct", &r);
 *   kd_reader_member(r, "pid", &pid);              // compiled once
 *   kd_reader_member(r, "se.cfs_rq.nr_running", &rq);  // through a pointer
 *   kd_member_read_u64(s, rq, task, &v);            // one hop + one read
 *
 *   char *buf = malloc(kd_reader_size(r));           // read once ...
 *   kd_read_kvaddr(s, task, buf, kd_reader_size(r));
 *   kd_member_value_from_buf(pid, buf, &val);       // ... extract many
 *
 * A value that is not a member (a global, an array element, what a
 * pointer points to) has a descriptor too, filled from its type by
 * kd_rmember_of_type; kd_rmember_target goes from a pointer or array to
 * what it leads to.  The Python extension maps these to Python objects.
 *
 * Descriptors and readers stay valid until the session is closed: a
 * purge (module debuginfo loaded, kd_memocache_purge_type) only retires
 * them from the lookup tables, so the next kd_reader_get builds fresh
 * ones from the current debuginfo.
 *
 * Values are decoded little-endian (x86_64); a bitfield's storage spans
 * at most 8 bytes.
 */
#ifndef PYKDUMP_READERS_H
#define PYKDUMP_READERS_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_type;
struct kd_reader;

/* The scalar kinds (INT to FUNCPTR but CHARARRAY) have 1 to 8 bytes (a
 * FLOAT 4 or 8, a BITFIELD's storage at most 8); values that do not fit
 * are OTHER. */
enum kd_rkind {
	KD_RK_INT = 1,		/* integer of 1 to 8 bytes (char too) */
	KD_RK_BITFIELD,		/* integer bitfield, sign-extended if signed */
	KD_RK_BOOL,
	KD_RK_ENUM,		/* value in .i (or .u when unsigned) */
	KD_RK_FLOAT,		/* float or double, in .f */
	KD_RK_CHARARRAY,	/* char[N] (one dimension) */
	KD_RK_CHARPTR,		/* char * */
	KD_RK_PTR,		/* pointer to data: struct, void, int ... */
	KD_RK_FUNCPTR,		/* pointer to function */
	KD_RK_ARRAY,		/* any other array, any rank */
	KD_RK_STRUCT,		/* embedded struct or union */
	KD_RK_OTHER,		/* e.g. __int128, long double: bytes only */
	/* Whole values only (kd_rmember_of_type), never a member: */
	KD_RK_VOID,		/* void (what a void * points to) */
	KD_RK_FUNCTION,		/* a function (what a function pointer
				   points to): its bytes are code */
};

/* The kinds decoded to a struct kd_value (kd_member_decode ...). */
static inline int kd_rkind_is_scalar(enum kd_rkind k)
{
	const unsigned scalars =
		1u << KD_RK_INT | 1u << KD_RK_BITFIELD | 1u << KD_RK_BOOL |
		1u << KD_RK_ENUM | 1u << KD_RK_FLOAT | 1u << KD_RK_CHARPTR |
		1u << KD_RK_PTR | 1u << KD_RK_FUNCPTR;
	return (unsigned)k < 32 && (scalars >> k & 1);
}

#define KD_RMAX_DIMS 8		/* array rank kept in a descriptor */
#define KD_RMAX_HOPS 8		/* pointers a dotted chain may go through */

struct kd_rmember {
	const char *name;	/* as looked up: "pid", "se.cfs_rq" */
	enum kd_rkind kind;
	struct kd_type *type;	/* the member's declared type */
	/* Pointers: the pointed-to type, typedefs stripped (NULL: void);
	 * arrays: the innermost element type; enums: the enum type. */
	struct kd_type *target;
	uint64_t offset;	/* bytes from the start of the (last
				   dereferenced) struct; bitfields: first
				   byte of the storage read */
	uint32_t size;		/* bytes read; 0 for a flexible array */
	uint8_t is_signed;
	uint8_t bit_shift;	/* bitfields: (raw >> bit_shift) & mask */
	uint8_t bit_size;
	uint64_t mask;
	/* Arrays: dims[0..ndims-1] (0 for a flexible []), the kind and
	 * size of one innermost element. */
	uint32_t ndims;
	uint64_t dims[KD_RMAX_DIMS];
	enum kd_rkind elem_kind;
	uint32_t elem_size;
	/* Chains through pointers ("se.cfs_rq.nr_running"): starting from
	 * the struct's address, for each hop addr = *(ptr *)(addr + hops[i]);
	 * the member then is at addr + offset. */
	uint32_t nhops;
	uint64_t hops[KD_RMAX_HOPS];
};

/* A decoded scalar. */
struct kd_value {
	enum kd_rkind kind;
	union {
		uint64_t u;	/* unsigned ints, bool, pointers */
		int64_t i;	/* signed ints and enums (sign-extended) */
		double f;	/* float / double */
	};
};

/* ---- reader tables ---- */

/* "struct task_struct", "union thread_union", "task_struct" (struct,
 * union or typedef naming one). */
KD_PUBLIC struct kd_error *kd_reader_get(struct kd_session *s,
					 const char *type_name,
					 struct kd_reader **ret) KD_WARN_UNUSED;
/* The same for a type in hand (typedefs and qualifiers looked through). */
KD_PUBLIC struct kd_error *kd_reader_of_type(struct kd_session *s,
					     struct kd_type *type,
					     struct kd_reader **ret)
	KD_WARN_UNUSED;

/* All tolerate NULL. */
KD_PUBLIC struct kd_type *kd_reader_type(const struct kd_reader *r);
KD_PUBLIC const char *kd_reader_name(const struct kd_reader *r);	/* "struct x" */
KD_PUBLIC uint64_t kd_reader_size(const struct kd_reader *r);
/* Members in declaration order, anonymous structs/unions flattened
 * (their members appear with offsets from the outer struct). */
KD_PUBLIC size_t kd_reader_nmembers(const struct kd_reader *r);
KD_PUBLIC const struct kd_rmember *kd_reader_member_at(const struct kd_reader *r,
						       size_t i);

/* A member or a chain: "pid", "se.cfs_rq", "pids[1].node", "mm->pgd".
 * Compiled on first use and cached; *ret is valid for the session. */
KD_PUBLIC struct kd_error *kd_reader_member(struct kd_reader *r,
					    const char *path,
					    const struct kd_rmember **ret)
	KD_WARN_UNUSED;
KD_PUBLIC int kd_reader_has_member(struct kd_reader *r, const char *path);
/* Shortcut: kd_reader_get + kd_reader_member. */
KD_PUBLIC struct kd_error *kd_member_get(struct kd_session *s,
					 const char *type_name,
					 const char *path,
					 const struct kd_rmember **ret)
	KD_WARN_UNUSED;

/* ---- whole values ---- */

/* The descriptor of a value of type (NULL: void) that is not a member:
 * offset 0, no hops, name "value"; the kinds are those of a member of
 * that type, plus KD_RK_VOID and KD_RK_FUNCTION. */
KD_PUBLIC void kd_rmember_of_type(struct kd_type *type,
				  struct kd_rmember *ret);
/* What m leads to, as a whole value of its declared type (typedefs
 * kept): for a pointer (PTR, CHARPTR, FUNCPTR) the value pointed to
 * (KD_RK_VOID for void *), for an array (ARRAY, CHARARRAY) one element
 * of its outermost dimension (int[2][3] -> int[3] -> int).  Other kinds
 * give KD_ERR_INVALID. */
KD_PUBLIC struct kd_error *kd_rmember_target(const struct kd_rmember *m,
					     struct kd_rmember *ret)
	KD_WARN_UNUSED;

/* ---- values ---- */

/* From the bytes of the whole struct (kd_reader_size of them); only
 * for members without pointer hops and of a scalar kind (INT, BITFIELD,
 * BOOL, ENUM, FLOAT, CHARPTR, PTR, FUNCPTR); other kinds give
 * KD_ERR_INVALID. */
KD_PUBLIC struct kd_error *kd_member_value_from_buf(const struct kd_rmember *m,
						    const void *buf,
						    struct kd_value *ret)
	KD_WARN_UNUSED;
/* Element i (flat index over all dimensions) of an array member whose
 * elements are scalars. */
KD_PUBLIC struct kd_error *kd_member_elem_from_buf(const struct kd_rmember *m,
						   const void *buf, uint64_t i,
						   struct kd_value *ret)
	KD_WARN_UNUSED;
/* The same from the member's own bytes: its m->size bytes starting at
 * its offset (a window of the struct, an array element), for the
 * scalar kinds above; hops are not followed (the bytes are those at
 * the end of the chain). */
KD_PUBLIC struct kd_error *kd_member_decode(const struct kd_rmember *m,
					    const void *bytes,
					    struct kd_value *ret)
	KD_WARN_UNUSED;
/* Decode a scalar of a kind/size/signedness from bytes (size <= 8). */
KD_PUBLIC struct kd_error *kd_value_decode(enum kd_rkind kind, uint32_t size,
					   int is_signed, const void *bytes,
					   struct kd_value *ret) KD_WARN_UNUSED;

/* The member's address in the struct at struct_addr (follows hops). */
KD_PUBLIC struct kd_error *kd_member_addr(struct kd_session *s,
					  const struct kd_rmember *m,
					  uint64_t struct_addr,
					  uint64_t *ret) KD_WARN_UNUSED;
/* Read and decode a scalar member of the struct at struct_addr. */
KD_PUBLIC struct kd_error *kd_member_read(struct kd_session *s,
					  const struct kd_rmember *m,
					  uint64_t struct_addr,
					  struct kd_value *ret) KD_WARN_UNUSED;
/* The same as a 64-bit integer (signed values sign-extended; floats
 * truncated). */
KD_PUBLIC struct kd_error *kd_member_read_u64(struct kd_session *s,
					      const struct kd_rmember *m,
					      uint64_t struct_addr,
					      uint64_t *ret) KD_WARN_UNUSED;
/* A char[N] member's bytes up to the first NUL, or the string a char *
 * member points to, into buf (size bytes, always terminated); *len (may
 * be NULL) gets the length. */
KD_PUBLIC struct kd_error *kd_member_read_string(struct kd_session *s,
						 const struct kd_rmember *m,
						 uint64_t struct_addr,
						 char *buf, size_t size,
						 size_t *len) KD_WARN_UNUSED;
/* A char[N] member from the struct's bytes (no memory read). */
KD_PUBLIC struct kd_error *kd_member_string_from_buf(const struct kd_rmember *m,
						     const void *buf,
						     char *out, size_t size,
						     size_t *len) KD_WARN_UNUSED;

/* Name of a kind ("int", "bitfield", ...), for messages and tests. */
KD_PUBLIC const char *kd_rkind_name(enum kd_rkind kind);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_READERS_H */
