/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DWARF behind a debuginfo, for the code that decodes DIEs itself
 * (the type model in lib/types, source lines in lib/unwind, the shell's
 * completion): the DWARF sources with their libdw handles, and each
 * source's name index, which lib/debuginfo builds and caches
 * (name -> kind, flags, DIE offset for every type, variable, function
 * and enumerator name).  How sources and indexes are kept stays inside
 * lib/debuginfo.
 */
#ifndef PYKDUMP_DWARF_H
#define PYKDUMP_DWARF_H

#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

#include <pykdump/debuginfo.h>
#include <pykdump/error.h>
#include <pykdump/hash.h>

/* ---- sources: [0] is the vmlinux, then added ones in order ---- */

KD_PUBLIC size_t kd_debuginfo_nsources(const struct kd_debuginfo *di);
/* kd_debuginfo_source_hidden (<pykdump/debuginfo.h>): an unloaded
 * module's source, kept mapped, skipped by lookups. */
/* libdw's handle on source i (NULL if libdw could not read it). */
KD_PUBLIC Dwarf *kd_debuginfo_source_dwarf(const struct kd_debuginfo *di,
					   size_t i);
/* dwarf_offdie on source i, handing back the pages libdw's walk to the
 * DIE's unit touched (see kd_dwarf_source_release). */
KD_PUBLIC Dwarf_Die *kd_debuginfo_source_offdie(struct kd_debuginfo *di,
						size_t i, uint64_t off,
						Dwarf_Die *die);

/* Source i's file shrank while open (pykdump/mapguard.h): the error
 * saying so (naming the file and where it now ends), else NULL.  Its
 * DWARF is not read any more then (offdie gives NULL), and types, names
 * and symbols already taken from it may read as zeros. */
KD_PUBLIC struct kd_error *kd_debuginfo_source_lost(const struct kd_debuginfo *di,
						    size_t i) KD_WARN_UNUSED;

/* ---- the name index of a source ---- */

struct kd_dwarf_index;

/* The index of source i, started if needed (a build may still run in
 * the background: lookups wait only for what they need).  A failed
 * build leaves an empty index in *ret and returns why. */
KD_PUBLIC struct kd_error *kd_debuginfo_source_index(struct kd_debuginfo *di,
						     size_t i,
						     struct kd_dwarf_index **ret)
	KD_WARN_UNUSED;
/* Why source i's complete index is empty or partial, else NULL (does
 * not wait for a pending one). */
KD_PUBLIC const struct kd_error *
kd_debuginfo_source_problem(struct kd_debuginfo *di, size_t i);

/* Kinds of index entries (stored in the cache file: never renumber). */
enum kd_dix_kind {
	KD_DIX_BASE = 1,	/* DW_TAG_base_type (and unspecified_type) */
	KD_DIX_STRUCT,
	KD_DIX_UNION,
	KD_DIX_ENUM,
	KD_DIX_TYPEDEF,
	KD_DIX_VARIABLE,
	KD_DIX_FUNCTION,
	KD_DIX_ENUMERATOR,	/* die is the enclosing enumeration_type */
	KD_DIX_NKINDS
};

/* Entry flags (also stored on disk). */
#define KD_DIX_DECL	0x1	/* DW_AT_declaration: not a definition */
#define KD_DIX_EXTERNAL	0x2	/* DW_AT_external */
#define KD_DIX_HAS_ADDR	0x4	/* variable with a location, function with code */

#define KD_DIX_MASK(kind) (1u << (kind))
#define KD_DIX_TYPES (KD_DIX_MASK(KD_DIX_BASE) | KD_DIX_MASK(KD_DIX_STRUCT) | \
		      KD_DIX_MASK(KD_DIX_UNION) | KD_DIX_MASK(KD_DIX_ENUM) | \
		      KD_DIX_MASK(KD_DIX_TYPEDEF))

struct kd_index_hit {
	const char *name;
	uint64_t die;
	uint8_t kind;
	uint8_t flags;
};

/* Entries of one name, in preference order: definitions before
 * declarations, with an address before without, then by DIE offset.
 * The fields are the index's own. */
struct kd_index_iter {
	struct kd_dwarf_index *idx;
	const char *name;
	size_t len;
	uint32_t pos, end;
	unsigned kinds;		/* mask of 1u << kind */
	int state;		/* a pending index's answer */
	struct kd_index_hit first;
	uint32_t given;		/* hits returned so far */
	uint32_t skip;		/* to pass over after a rebuild */
};

/* On a pending index, a single kind is answered as soon as its first
 * entry is certain; several kinds wait for the complete index. */
KD_PUBLIC void kd_dwarf_index_find(struct kd_dwarf_index *idx,
				   const char *name, unsigned kinds,
				   struct kd_index_iter *it);
/* 1 and *hit filled, or 0 at the end. */
KD_PUBLIC int kd_dwarf_index_next(struct kd_index_iter *it,
				  struct kd_index_hit *hit);
/* Entries in the whole index (waits for a pending index). */
KD_PUBLIC uint64_t kd_dwarf_index_count(struct kd_dwarf_index *idx);
/* The i-th entry of the whole index (0 <= i < count); 0 if corrupt. */
KD_PUBLIC int kd_dwarf_index_entry(struct kd_dwarf_index *idx, uint64_t i,
				   struct kd_index_hit *hit);

/* The name hash of the index (kd_name_hash, kd_hash_mix: part of the
 * cache format) is in <pykdump/hash.h>. */

/* ---- the type model's place on the debuginfo ---- */

/* lib/types keeps the type model of a debuginfo on it
 * (kd_debuginfo_types), which knows it only through these: it is told
 * when a source is added, dropped, hidden or shown, and destroyed at
 * close, before the sources it reads. */
struct kd_debuginfo_types_ops {
	void (*sources_changed)(struct kd_types *types);
	void (*destroy)(struct kd_types *types);
};
KD_PUBLIC struct kd_types *
kd_debuginfo_attached_types(const struct kd_debuginfo *di);
KD_PUBLIC void
kd_debuginfo_attach_types(struct kd_debuginfo *di, struct kd_types *types,
			  const struct kd_debuginfo_types_ops *ops);

#endif /* PYKDUMP_DWARF_H */
