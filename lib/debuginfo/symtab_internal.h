/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The symbol table's representation, shared by symtab.c (building,
 * lookups) and symtab_image.c (the on-disk cache image of a built table,
 * layout in index_format.h).
 */
#ifndef PYKDUMP_SYMTAB_INTERNAL_H
#define PYKDUMP_SYMTAB_INTERNAL_H

#include <assert.h>
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>
#include <pykdump/hash_table.h>

#include "dwarf_index.h"	/* struct kd_index_source_id */

/* One kept symbol; also the cache file's entry layout. */
struct kd_sym_ent {
	uint64_t link;		/* link-time value */
	uint32_t sym;		/* index in .symtab */
	uint32_t strip;		/* stripped name offset in names + 1, or 0 */
	uint8_t flags;		/* KD_SYM_* */
	char type;		/* nm letter */
	uint8_t reserved[6];
};
static_assert(sizeof(struct kd_sym_ent) == 24, "symbol entry layout");

/* The name hash: one slot per crash name, the position in ents + 1 of
 * its first symbol (lowest address); the others of that name follow in
 * address order through same[] (symtab.c; both saved in the image as
 * they are).  One slot per name, not per symbol: the kernel has
 * thousands of symbols of one name (__func__, __msg, __key ...), which
 * in adjacent slots made runs that every lookup landing near them
 * walked, comparing names, up to 20 us a lookup. */
struct kd_sym_index;
uint64_t kd_sym_index_hash(const struct kd_sym_index *t, const uint32_t *e);
bool kd_sym_index_eq(const struct kd_sym_index *t, const uint32_t *e,
		     const char *name);

static inline bool kd_sym_index_empty(const uint32_t *e)
{
	return !*e;
}

KD_HASH_TABLE_DEFINE(kd_sym_index, uint32_t, const char *, kd_sym_index_hash,
		     kd_sym_index_eq, kd_sym_index_empty)

struct kd_symtab {
	const char *path;
	/* from the ELF file */
	const Elf64_Sym *syms;
	size_t nsyms;
	const char *strtab;
	size_t strsz;
	uint64_t img_start, img_end;	/* link addresses */
	size_t nsecs;
	char *sec_letter;	/* per section: t r b d n, 0 = unknown */
	uint8_t *sec_percpu;
	const char **sec_name;
	/* the kept symbols: in (relocated) address order, the name hash,
	 * stripped clone names */
	const struct kd_sym_ent *ents;
	size_t n;
	struct kd_sym_index by_name;	/* its slots may be the image's */
	const uint32_t *same;	/* per entry: next of its name + 1, or 0 */
	const char *names;
	size_t names_len;
	uint64_t reloc;
	/* what the views above live in */
	struct kd_sym_ent *own_ents;
	int own_by_name;
	uint32_t *own_same;
	char *own_names;
	void *image;		/* a cache image read from its file */
};

/* Lays out the cache image of a built table (malloc'd). */
struct kd_error *kd_symtab_image_make(const struct kd_symtab *st,
				      const struct kd_index_source_id *id,
				      void **image, size_t *size) KD_WARN_UNUSED;
/* Validates an image made for st's ELF symbol table and points st's
 * views into it (the image must outlive st's use of it); id NULL skips
 * the source match, KD_INDEX_NO_CHECKSUM the body checksum. */
struct kd_error *kd_symtab_image_open(struct kd_symtab *st, const void *image,
				      size_t size,
				      const struct kd_index_source_id *id,
				      unsigned flags) KD_WARN_UNUSED;

#endif /* PYKDUMP_SYMTAB_INTERNAL_H */
