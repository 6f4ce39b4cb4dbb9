/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The type model ("datatypes"): C types of the kernel, built lazily from
 * DWARF.  A type is created from its DIE on first use and interned: the
 * same DIE always gives the same struct kd_type *, valid until the
 * debuginfo is closed.  A struct's members, an enum's enumerators and a
 * function's parameters are read when first asked for.
 *
 * Lookups by name go through the DWARF index.  Where several units
 * define the same name, a complete definition is preferred, then the
 * lowest DIE offset (deterministic).  Declarations ("struct foo;") are
 * resolved to the definition of the same name when one exists.
 *
 * Typedefs and qualifiers are nodes of their own (KD_TYPE_TYPEDEF,
 * KD_TYPE_QUALIFIED); kd_type_strip() looks through them.
 */
#ifndef PYKDUMP_TYPES_H
#define PYKDUMP_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_types;
struct kd_type;

enum kd_type_kind {
	KD_TYPE_VOID = 1,
	KD_TYPE_INT,		/* integers, including char (kd_type_is_char) */
	KD_TYPE_BOOL,
	KD_TYPE_FLOAT,
	KD_TYPE_POINTER,
	KD_TYPE_ARRAY,
	KD_TYPE_STRUCT,
	KD_TYPE_UNION,
	KD_TYPE_ENUM,
	KD_TYPE_TYPEDEF,
	KD_TYPE_FUNCTION,
	KD_TYPE_QUALIFIED,	/* const/volatile/restrict/_Atomic target */
};

#define KD_QUAL_CONST		0x1
#define KD_QUAL_VOLATILE	0x2
#define KD_QUAL_RESTRICT	0x4
#define KD_QUAL_ATOMIC		0x8

/* kd_type_strip() flags */
#define KD_STRIP_TYPEDEF	0x1
#define KD_STRIP_QUAL		0x2
#define KD_STRIP_ALL		(KD_STRIP_TYPEDEF | KD_STRIP_QUAL)

struct kd_member {
	const char *name;	/* NULL for an anonymous struct/union member */
	struct kd_type *type;
	uint64_t bit_offset;	/* from the start of the containing type */
	uint32_t bit_size;	/* bitfield width, 0 if not a bitfield */
};

struct kd_enumerator {
	const char *name;
	int64_t value;		/* cast to uint64_t when the enum is unsigned */
};

struct kd_param {
	const char *name;	/* may be NULL */
	struct kd_type *type;
};

/* ---- properties (all tolerate NULL and return 0/NULL for it) ---- */

KD_PUBLIC enum kd_type_kind kd_type_kind(const struct kd_type *t);
/* "task_struct" for struct task_struct (no keyword), "u64", "int";
 * NULL for anonymous and derived types (use kd_type_format). */
KD_PUBLIC const char *kd_type_name(const struct kd_type *t);
/* Size in bytes; 0 for void, functions, incomplete types and arrays of
 * unknown bound. */
KD_PUBLIC uint64_t kd_type_size(struct kd_type *t);
/* 1 when the size is known (complete struct, bounded array ...). */
KD_PUBLIC int kd_type_is_complete(struct kd_type *t);
KD_PUBLIC uint64_t kd_type_align(struct kd_type *t);
KD_PUBLIC int kd_type_is_signed(struct kd_type *t);
KD_PUBLIC int kd_type_is_char(struct kd_type *t);
KD_PUBLIC unsigned kd_type_qualifiers(const struct kd_type *t);
/* Pointed-to, element, aliased, qualified, underlying (enum) or return
 * (function) type; NULL for void targets and other kinds. */
KD_PUBLIC struct kd_type *kd_type_target(struct kd_type *t);
/* Arrays: 1 and *count when the bound is known, 0 for [] (flexible). */
KD_PUBLIC int kd_type_array_count(const struct kd_type *t, uint64_t *count);
KD_PUBLIC struct kd_type *kd_type_strip(struct kd_type *t, unsigned flags);

/* Direct members of a struct/union (anonymous ones as such). */
KD_PUBLIC struct kd_error *kd_type_members(struct kd_type *t,
					   const struct kd_member **members,
					   size_t *n) KD_WARN_UNUSED;
/* A member by name, looking into anonymous members (offsets are then
 * from the start of t). */
KD_PUBLIC struct kd_error *kd_type_find_member(struct kd_type *t,
					       const char *name,
					       struct kd_member *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_type_enumerators(struct kd_type *t,
					       const struct kd_enumerator **e,
					       size_t *n) KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_type_params(struct kd_type *t,
					  const struct kd_param **p,
					  size_t *n, int *variadic)
	KD_WARN_UNUSED;

/* A member path through embedded members and array elements:
 * "se.cfs_rq", "pids[1].node", "a.b->c".  The offset computation stops
 * at a pointer that the path goes through: then stopped_at_pointer is 1,
 * type/bit_offset describe that pointer member and rest is the part of
 * the path after it (for the caller to continue in the pointed-to type
 * after reading the pointer). */
struct kd_member_path {
	struct kd_type *type;
	uint64_t bit_offset;
	uint32_t bit_size;
	int stopped_at_pointer;
	const char *rest;	/* points into the path; NULL when complete */
};
KD_PUBLIC struct kd_error *kd_type_member_path(struct kd_type *t,
					       const char *path,
					       struct kd_member_path *ret)
	KD_WARN_UNUSED;

/* C declaration text: kd_type_format(t, "comm") -> "char comm[16]",
 * kd_type_format(t, NULL) -> "char [16]", "struct task_struct *",
 * "void (*)(int)".  *ret is malloc'd. */
KD_PUBLIC struct kd_error *kd_type_format(struct kd_type *t,
					  const char *name, char **ret)
	KD_WARN_UNUSED;

/* ---- lookups ---- */

/* A type by C name: "struct task_struct", "union x", "enum y",
 * "task_struct" (tries struct, union, typedef, enum, base type),
 * "unsigned long", "int *", "char [16]", "struct page **". */
KD_PUBLIC struct kd_error *kd_types_find(struct kd_types *types,
					 const char *name,
					 struct kd_type **ret) KD_WARN_UNUSED;
/* The pointer type to t (interned). */
KD_PUBLIC struct kd_error *kd_types_pointer_to(struct kd_types *types,
					       struct kd_type *t,
					       struct kd_type **ret)
	KD_WARN_UNUSED;
/* An array type of count elements of t (interned). */
KD_PUBLIC struct kd_error *kd_types_array_of(struct kd_types *types,
					     struct kd_type *t, uint64_t count,
					     struct kd_type **ret)
	KD_WARN_UNUSED;

struct kd_variable {
	const char *name;
	struct kd_type *type;
	uint64_t address;	/* link-time address (add the KASLR offset) */
	int has_address;
	int is_percpu;		/* address is an offset into the per-CPU area */
	int is_declaration;	/* only declared in DWARF (e.g. defined in asm) */
};
KD_PUBLIC struct kd_error *kd_types_find_variable(struct kd_types *types,
						  const char *name,
						  struct kd_variable *ret)
	KD_WARN_UNUSED;

struct kd_function {
	const char *name;
	struct kd_type *type;	/* KD_TYPE_FUNCTION */
	uint64_t address;	/* link-time entry address */
	int has_address;
};
KD_PUBLIC struct kd_error *kd_types_find_function(struct kd_types *types,
						  const char *name,
						  struct kd_function *ret)
	KD_WARN_UNUSED;

struct kd_enum_value {
	struct kd_type *type;	/* the enumeration type */
	int64_t value;
};
KD_PUBLIC struct kd_error *kd_types_find_enumerator(struct kd_types *types,
						    const char *name,
						    struct kd_enum_value *ret)
	KD_WARN_UNUSED;

/* Drops the name caches (what the memocache's KD_CU_LOAD purge does);
 * types already handed out stay valid.  type_name NULL = everything. */
KD_PUBLIC void kd_types_purge(struct kd_types *types, const char *type_name);

#endif /* PYKDUMP_TYPES_H */
