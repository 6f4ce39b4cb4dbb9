/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The debuginfo handle's parts, inside lib/debuginfo. */
#ifndef PYKDUMP_DEBUGINFO_INTERNAL_H
#define PYKDUMP_DEBUGINFO_INTERNAL_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <libelf.h>

#include <pykdump/debuginfo.h>
#include <pykdump/symbols.h>

#include "dwarf_index.h"
#include "dwarf_scan.h"

/* One DWARF file: the vmlinux, or a module's debuginfo. */
struct kd_dwarf_source {
	char *name;			/* "vmlinux", or the module name */
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dwarf;
	Dwfl *dwfl;			/* relocatable files: owns elf and dwarf */
	uint64_t file_size;
	int64_t mtime_ns;
	uint8_t build_id[64];
	size_t build_id_len;
	char build_id_hex[129];
	struct kd_dwarf_sections secs;
	struct kd_dwarf_index *index;	/* NULL until loaded */
	uint64_t libdw_frontier;	/* .debug_info libdw has walked to */
	int no_populate;		/* MADV_POPULATE_READ unsupported */
	struct kd_index_info info;
	/* modules loaded at known addresses (kd_debuginfo_add_module) */
	kd_section_addr_fn *secaddr;
	void *secaddr_arg;
	int private_map;		/* relocated in our private mapping */
	struct kd_mapguard *guard;	/* of libelf's mapping of the file */
	int hidden;			/* unloaded: skipped by lookups */
};

struct kd_debuginfo {
	struct kd_debuginfo_options opts;
	char *cache_dir;		/* resolved, NULL = no cache */
	struct kd_dwarf_source **sources;	/* [0] is the vmlinux */
	size_t nsources, sources_cap;
	int machine;
	char *banner;
	struct kd_symtab *symtab;
	/* the type model lib/types keeps here (kd_debuginfo_attach_types) */
	struct kd_types *types;
	const struct kd_debuginfo_types_ops *types_ops;
};

/* The symbol table of elf: mapped from cache_file when that is a valid
 * image for id (and !rebuild), else built and saved there (cache_file
 * NULL: built, not saved). */
struct kd_error *kd_symtab_create(Elf *elf, const char *path,
				  const char *cache_file,
				  const struct kd_index_source_id *id,
				  int rebuild, struct kd_symtab **ret)
	KD_WARN_UNUSED;
void kd_symtab_destroy(struct kd_symtab *st);

/* Maps a whole DWARF file: ELF checks, sections, build-id, libdw.  With
 * secaddr (may be NULL), an ET_REL file is relocated to those section
 * addresses (lib/debuginfo/dwarf_reloc.c) rather than by libdwfl. */
struct kd_error *kd_dwarf_source_open(const char *name, const char *path,
				      kd_section_addr_fn *secaddr, void *arg,
				      struct kd_dwarf_source **ret)
	KD_WARN_UNUSED;
struct kd_error *kd_dwarf_source_relocate(struct kd_dwarf_source *src)
	KD_WARN_UNUSED;
void kd_dwarf_source_close(struct kd_dwarf_source *src);
/* The file shrank while open (its mapping reads zeros from some offset
 * on, pykdump/mapguard.h): the error saying so, else NULL.  Its DWARF is
 * not read any more then, and what was built from it may be wrong. */
struct kd_error *kd_dwarf_source_lost(const struct kd_dwarf_source *src)
	KD_WARN_UNUSED;

/* Lets the kernel drop pages of the .debug_info range [from, to) from our
 * resident set (an index build drops what it read itself).  They stay in the page cache and fault back in when needed.
 * Why: each page fault on a file mapping maps up to 16 neighbouring
 * pages, so the scanner, and libdw reading every unit header on its way
 * to a DIE, would otherwise leave 100+ MB resident for a few KB used. */
void kd_dwarf_source_release(struct kd_dwarf_source *src, uint64_t from,
			     uint64_t to);
/* dwarf_offdie, releasing what libdw's walk to the DIE's unit touched. */
Dwarf_Die *kd_dwarf_source_offdie(struct kd_dwarf_source *src, uint64_t off,
				  Dwarf_Die *die);

#endif /* PYKDUMP_DEBUGINFO_INTERNAL_H */
