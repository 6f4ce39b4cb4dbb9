/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The index scanner: a purpose-built, abbreviation-driven reader that
 * walks the top level of every compilation unit and reports the names
 * the DWARF index keeps (types, variables, functions, enumerators) with
 * their DIE offsets.  It decodes only the attributes it needs and jumps
 * over subtrees with DW_AT_sibling, which is why it is several times
 * faster than walking the same DIEs with libdw.  Everything else about
 * DWARF (types, members, locations) is read lazily through libdw.
 *
 * The scanner is reentrant: workers scan different units in parallel,
 * each with its own struct kd_scan_state.  A state remembers the
 * enumeration types it has reported: one that comes again, identical
 * (name, declaration, size, enumerators), in a later unit scanned with
 * the same state has its enumerators reported only once (the index keeps
 * the first DIE of equal entries anyway; units are scanned in order).
 */
#ifndef PYKDUMP_DWARF_SCAN_H
#define PYKDUMP_DWARF_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pykdump/error.h>

/* The sections the scanner reads (absent ones have data == NULL). */
struct kd_dwarf_sections {
	const char *path;		/* for error messages */
	const uint8_t *info, *abbrev, *str, *line_str, *str_offsets, *line;
	size_t info_size, abbrev_size, str_size, line_str_size,
	       str_offsets_size, line_size;
	/* The read-only mapping of the whole file, when pages of sections
	 * inside it may be dropped from the resident set (they fault back
	 * in from the file), and the file; NULL (and fd unused) when the
	 * mapping holds changes (relocations in a private copy).  Sections
	 * outside it (inflated ones) are left alone. */
	const uint8_t *file_map;
	size_t file_map_size;
	int fd;
};

/* Can .debug_info be read from the file (pread at its offset in the
 * mapping)?  Not when it was inflated or relocated into other memory. */
static inline int kd_sections_info_in_file(const struct kd_dwarf_sections *s)
{
	return s->file_map && s->fd >= 0 && s->info &&
	       s->info >= s->file_map &&
	       s->info_size <= s->file_map_size &&
	       (size_t)(s->info - s->file_map) <= s->file_map_size - s->info_size;
}

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

struct kd_scan_entry {
	const char *name;	/* points into the mapped sections */
	uint32_t name_len;
	uint8_t kind;
	uint8_t flags;
	uint64_t name_hash;	/* kd_name_hash(name) */
	uint64_t key;		/* identity for deduplication across units */
	uint64_t die;		/* .debug_info offset */
};

/* Called for each entry; a non-zero return stops the scan of the unit. */
typedef int kd_scan_emit_fn(void *arg, const struct kd_scan_entry *e);

/* One unit of .debug_info: [off, end). */
struct kd_scan_unit {
	uint64_t off;
	uint64_t end;
};

/* Lists every unit header of .debug_info (cheap: follows unit lengths). */
struct kd_error *kd_dwarf_list_units(const struct kd_dwarf_sections *s,
				     struct kd_scan_unit **units, size_t *n)
	KD_WARN_UNUSED;

struct kd_scan_state;
struct kd_error *kd_scan_state_create(struct kd_scan_state **ret) KD_WARN_UNUSED;
void kd_scan_state_destroy(struct kd_scan_state *st);

/* Scans one unit; entries go to emit(arg, entry). */
struct kd_error *kd_dwarf_scan_unit(struct kd_scan_state *st,
				    const struct kd_dwarf_sections *s,
				    const struct kd_scan_unit *u,
				    kd_scan_emit_fn *emit, void *arg)
	KD_WARN_UNUSED;

/* The same over a copy of the unit's bytes, [su->off, su->end) of
 * .debug_info (read from the file: no page faults, nothing left mapped).
 * Names reported may point into the copy: they are valid until it is
 * reused. */
struct kd_error *kd_dwarf_scan_unit_copy(struct kd_scan_state *st,
					 const struct kd_dwarf_sections *s,
					 const struct kd_scan_unit *su,
					 const uint8_t *bytes,
					 kd_scan_emit_fn *emit, void *arg)
	KD_WARN_UNUSED;

/* The name hash used by the scanner and the index file (stable: it is
 * part of the cache format).  Eight bytes at a time: names are short and
 * hashed millions of times during an index build. */
static inline uint64_t kd_name_hash(const char *s, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = len * k, w;
	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ (w * 0xbf58476d1ce4e5b9ull)) * k;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ (w * 0x94d049bb133111ebull)) * k;
	h ^= h >> 29;
	return h;
}

static inline uint64_t kd_hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

#endif /* PYKDUMP_DWARF_SCAN_H */
