/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The type model's internals, shared by types.c (interning, name lookups,
 * member paths), dwarf_types.c (DIE -> type) and type_format.c (C
 * declarations).  Readers (readers.c) may read struct kd_type directly.
 */
#ifndef PYKDUMP_TYPES_INTERNAL_H
#define PYKDUMP_TYPES_INTERNAL_H

#include <string.h>

#include <elfutils/libdw.h>

#include <pykdump/types.h>

struct kd_debuginfo;

/* A member reachable by name, anonymous members flattened. */
struct kd_flat_member {
	const char *name;
	struct kd_type *type;
	uint64_t bit_offset;
	uint32_t bit_size;
};

struct kd_type {
	struct kd_types *owner;
	enum kd_type_kind kind;
	uint8_t qualifiers;
	uint8_t is_signed;
	uint8_t is_char;
	uint8_t complete;	/* size known */
	uint8_t count_known;	/* arrays */
	uint8_t is_decl;	/* a declaration not (yet) resolved */
	uint8_t parts_loaded;	/* members / enumerators / params read */
	uint8_t variadic;
	uint8_t nodebug;	/* KD_NODEBUG_*: a symbol without DWARF type */
	const char *name;
	uint64_t size;
	uint64_t align;		/* 0 until computed */
	uint64_t count;		/* arrays: elements of this dimension */
	struct kd_type *target;
	/* where it came from: DIE die of source src (die 0: synthetic) */
	uint32_t src;
	uint64_t die;
	struct kd_type *definition;	/* is_decl: resolved later */
	uint64_t resolve_gen;
	struct kd_member *members;
	size_t nmembers;
	struct kd_flat_member *flat;	/* sorted by name, built on demand */
	size_t nflat;
	struct kd_enumerator *enums;
	size_t nenums;
	struct kd_param *params;
	size_t nparams;
};

struct kd_error *kd_types_create(struct kd_debuginfo *di,
				 struct kd_types **ret) KD_WARN_UNUSED;
void kd_types_destroy(struct kd_types *types);
/* A DWARF source was added: retry unresolved declarations, drop caches. */
void kd_types_sources_changed(struct kd_types *types);

/* ---- for dwarf_types.c ---- */
void *kd_types_alloc(struct kd_types *types, size_t size);
struct kd_type *kd_types_new(struct kd_types *types, enum kd_type_kind kind);
struct kd_type *kd_types_void(struct kd_types *types);
struct kd_type *kd_types_interned(struct kd_types *types, uint32_t src,
				  uint64_t die);
struct kd_error *kd_types_intern(struct kd_types *types, uint32_t src,
				 uint64_t die, struct kd_type *t) KD_WARN_UNUSED;
Dwarf *kd_types_dwarf(struct kd_types *types, uint32_t src);
/* dwarf_offdie on source src (through kd_dwarf_source_offdie). */
Dwarf_Die *kd_types_offdie(struct kd_types *types, uint32_t src, uint64_t off,
			   Dwarf_Die *die);
/* Why kd_types_offdie() gave NULL: the file shrank while open, or the
 * DWARF has no DIE at off. */
struct kd_error *kd_types_no_die(struct kd_types *types, uint32_t src,
				 uint64_t off) KD_WARN_UNUSED;
/* Source src's file shrank while open: what libdw read may be zeros. */
struct kd_error *kd_types_source_lost(struct kd_types *types, uint32_t src)
	KD_WARN_UNUSED;
/* The definition for a declaration of kind and name, or NULL. */
struct kd_type *kd_types_definition(struct kd_types *types,
				    enum kd_type_kind kind, const char *name);
/* The complete type t stands for (t itself unless a resolved decl). */
struct kd_type *kd_type_complete(struct kd_type *t);

/* ---- types the expression evaluator needs (expr*.c) ---- */

/* gdb's built-in types: the DWARF base type of that name when vmlinux
 * has one, else one made here with C's x86_64 size.  The nodebug ones
 * stand for symbols without DWARF (gdb's "<data variable, no debug
 * info>", an int, and "<text variable, no debug info>"). */
enum kd_builtin {
	KD_BUILTIN_CHAR, KD_BUILTIN_SCHAR, KD_BUILTIN_UCHAR,
	KD_BUILTIN_SHORT, KD_BUILTIN_USHORT, KD_BUILTIN_INT, KD_BUILTIN_UINT,
	KD_BUILTIN_LONG, KD_BUILTIN_ULONG, KD_BUILTIN_LLONG,
	KD_BUILTIN_ULLONG, KD_BUILTIN_BOOL, KD_BUILTIN_FLOAT,
	KD_BUILTIN_DOUBLE, KD_BUILTIN_NODEBUG_DATA, KD_BUILTIN_NODEBUG_TEXT,
	KD_BUILTIN_NR
};
#define KD_NODEBUG_DATA	1
#define KD_NODEBUG_TEXT	2
/* NULL only when memory runs out. */
struct kd_type *kd_types_builtin(struct kd_types *types, enum kd_builtin b);
/* A typedef or base type named exactly name (not a struct/union/enum
 * tag): what a bare identifier in a cast or sizeof names. */
struct kd_error *kd_types_find_typedef(struct kd_types *types,
				       const char *name, struct kd_type **ret)
	KD_WARN_UNUSED;

/* ---- dwarf_types.c ---- */
struct kd_error *kd_dwarf_type(struct kd_types *types, uint32_t src,
			       Dwarf_Die *die, struct kd_type **ret)
	KD_WARN_UNUSED;
struct kd_error *kd_dwarf_type_at(struct kd_types *types, uint32_t src,
				  uint64_t die, struct kd_type **ret)
	KD_WARN_UNUSED;
/* Members, enumerators or parameters of t, read from its DIE. */
struct kd_error *kd_dwarf_type_parts(struct kd_types *types,
				     struct kd_type *t) KD_WARN_UNUSED;
/* The type of a variable or function DIE (DW_AT_type; a function DIE
 * gives its function type). */
struct kd_error *kd_dwarf_object_type(struct kd_types *types, uint32_t src,
				      Dwarf_Die *die, struct kd_type **ret)
	KD_WARN_UNUSED;

/* The value of a 4- or 8-byte floating type (x86_64: IEEE single and
 * double) at p as a double; 0 for another size (*d 0). */
static inline int kd_float_load(const void *p, size_t size, double *d)
{
	*d = 0;
	if (size == 4) {
		float f;
		memcpy(&f, p, 4);
		*d = f;
	} else if (size == 8) {
		memcpy(d, p, 8);
	}
	return size == 4 || size == 8;
}

/* A double as 64 integer bits, as gdb converts a floating value to an
 * integer (target-float.c, to_longest): C's truncation toward zero
 * inside [INT64_MIN, 2^63), INT64_MIN below, INT64_MAX above and for a
 * NaN ("p (unsigned long)1e19" is 9223372036854775807 in crash).  The
 * expression evaluator's casts and eval's number, and p/x of a floating
 * value, go through it, so "(long)1e30" or p/x of a garbage double
 * cannot reach undefined behaviour (fuzz_expr findings). */
static inline uint64_t kd_float_to_bits(double f)
{
	if (f >= -9223372036854775808.0 && f < 9223372036854775808.0)
		return (uint64_t)(int64_t)f;
	if (f < -9223372036854775808.0)
		return 1ULL << 63;
	return INT64_MAX;	/* too large, or NaN */
}

#endif /* PYKDUMP_TYPES_INTERNAL_H */
