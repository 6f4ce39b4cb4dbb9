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

#include <pykdump/dwarf.h>
#include <pykdump/error.h>
#include <pykdump/mapguard.h>

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
	/* The file's mapping's guard (pykdump/mapguard.h): once it reports
	 * a loss (the file shrank while open), the sections read zeros from
	 * there on and nothing built from them may be kept. */
	struct kd_mapguard *guard;
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

/* The entry kinds and flags (enum kd_dix_kind, KD_DIX_*) and the hashes
 * (kd_name_hash, kd_hash_mix) are in <pykdump/dwarf.h>. */

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
/* names: about how many names the state's scans will report (it sizes a
 * cache; 0 when not known). */
struct kd_error *kd_scan_state_create(size_t names,
				      struct kd_scan_state **ret) KD_WARN_UNUSED;
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

#endif /* PYKDUMP_DWARF_SCAN_H */
