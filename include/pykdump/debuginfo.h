/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Debuginfo of one kernel: the vmlinux ELF file with its symbol table,
 * its DWARF, the name index over that DWARF and the type model on top.
 *
 * kd_debuginfo_open() is cheap: it maps the file, checks that it is an
 * ELF with DWARF and reads the build-id.  The symbol table, the DWARF
 * index and the types are set up on first use; kd_debuginfo_load_index()
 * does the (possibly slow) index step explicitly, with progress reports.
 *
 * The index is cached on disk under <cache>/index/<build-id>, where
 * <cache> is, in order: options.cache_dir, $PYKDUMP_CACHE_DIR,
 * $XDG_CACHE_HOME/pykdump, ~/.cache/pykdump.  A cache file that does not
 * match the vmlinux (build-id, size, mtime) or fails its checksums is
 * rebuilt.  The library never prints: progress goes to a callback.
 *
 * Several DWARF sources can be searched: the vmlinux is the first one;
 * kernel module debuginfo can be added later (kd_debuginfo_add_source).
 *
 * Memory: the file is mapped, never copied; pages the index build or
 * libdw's walk over unit headers touched are handed back to the kernel
 * (MADV_DONTNEED: they stay in the page cache), so a session keeps only
 * what it uses resident (~20-30 MB for the Debian 6.1 vmlinux).
 */
#ifndef PYKDUMP_DEBUGINFO_H
#define PYKDUMP_DEBUGINFO_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_debuginfo;
struct kd_symtab;
struct kd_types;
struct kd_memocache;

/* Progress of a long step: what ("indexing DWARF"), done of total units.
 * Called from the thread that started the step, at most ~10 times a
 * second, and once more with done == total at the end. */
typedef void kd_warn_fn(void *arg, const char *message);
typedef void kd_progress_fn(void *arg, const char *what, uint64_t done,
			    uint64_t total);

struct kd_debuginfo_options {
	const char *cache_dir;		/* NULL: see above */
	unsigned nthreads;		/* index build threads; 0 = online CPUs */
	int no_cache;			/* neither read nor write the cache */
	int rebuild;			/* ignore an existing cache file */
	kd_progress_fn *progress;
	void *progress_arg;
	/* Problems found in the background, e.g. DWARF units left out of
	 * the index (corrupt); may be NULL. */
	kd_warn_fn *warn;
	void *warn_arg;
	/* Caches register here (KD_CU_LOAD); may be NULL. */
	struct kd_memocache *memocache;
};

/* How the index of a source came to be. */
enum kd_index_origin {
	KD_INDEX_LOADED = 1,	/* mapped from a valid cache file */
	KD_INDEX_BUILT,		/* built and saved to the cache */
	KD_INDEX_BUILT_UNSAVED,	/* built, but kept in memory only */
};

struct kd_index_info {
	enum kd_index_origin origin;
	char path[512];		/* the cache file ("" when no_cache) */
	char note[512];		/* why it was rebuilt / not saved, or "" */
	uint64_t nentries;	/* names in the index */
	uint64_t size;		/* bytes of the index image */
	uint64_t nunits;	/* compilation units scanned (0 if loaded) */
	double seconds;		/* time spent loading or building */
};

/* opts may be NULL for defaults. */
KD_PUBLIC struct kd_error *
kd_debuginfo_open(const char *vmlinux, const struct kd_debuginfo_options *opts,
		  struct kd_debuginfo **ret) KD_WARN_UNUSED;
KD_PUBLIC void kd_debuginfo_close(struct kd_debuginfo *di);

KD_PUBLIC const char *kd_debuginfo_path(const struct kd_debuginfo *di);
/* ELF e_machine (EM_X86_64 ...). */
KD_PUBLIC int kd_debuginfo_machine(const struct kd_debuginfo *di);
/* GNU build-id bytes (NULL and *len = 0 when the file has none). */
KD_PUBLIC const uint8_t *kd_debuginfo_build_id(const struct kd_debuginfo *di,
					       size_t *len);
/* The build-id as lower-case hex, "" when none. */
KD_PUBLIC const char *kd_debuginfo_build_id_hex(const struct kd_debuginfo *di);

/* The linux_banner string as stored in the file ("Linux version 6.1.0-
 * ... \n"), to compare with the one in memory; NULL when absent. */
KD_PUBLIC const char *kd_debuginfo_banner(const struct kd_debuginfo *di);

/* A file of the debuginfo (the vmlinux, a module's) shrank while open:
 * its DWARF and symbols can no longer be trusted, and this says which
 * and where it now ends; NULL while every one is whole.  Cheap (one
 * atomic load per file): a shell asks it after every command. */
KD_PUBLIC struct kd_error *kd_debuginfo_lost(const struct kd_debuginfo *di)
	KD_WARN_UNUSED;

/* The vmlinux ELF symbol table (loaded on first call). */
KD_PUBLIC struct kd_error *kd_debuginfo_symtab(struct kd_debuginfo *di,
					       struct kd_symtab **ret)
	KD_WARN_UNUSED;

/* Starts the DWARF index of every source: mapped from the cache, or
 * built in the background while lookups go on (they wait only for the
 * part of the scan that can hold their answer).  Else it happens on the
 * first type lookup. */
KD_PUBLIC struct kd_error *kd_debuginfo_start_index(struct kd_debuginfo *di)
	KD_WARN_UNUSED;
/* Stops background index builds without saving them (a session that
 * will not be used after all). */
KD_PUBLIC void kd_debuginfo_stop_index(struct kd_debuginfo *di);

/* Loads or builds the DWARF index of every source now, waiting for
 * it; info (may be NULL) describes the vmlinux's. */
KD_PUBLIC struct kd_error *kd_debuginfo_load_index(struct kd_debuginfo *di,
						   struct kd_index_info *info)
	KD_WARN_UNUSED;

/* The type model (created on first call, by lib/types, which keeps it
 * here: see <pykdump/dwarf.h>; loads the index). */
KD_PUBLIC struct kd_error *kd_debuginfo_types(struct kd_debuginfo *di,
					      struct kd_types **ret)
	KD_WARN_UNUSED;
/* The memocache of the options (NULL if none). */
KD_PUBLIC struct kd_memocache *
kd_debuginfo_memocache(const struct kd_debuginfo *di);

/* Adds another DWARF file, searched after the ones before it: a kernel
 * module's debuginfo (.ko, relocatable: its relocations are applied in
 * memory by libdwfl) or any ELF with DWARF.  Its index is cached like
 * the vmlinux's.  Name caches of the type table are dropped. */
KD_PUBLIC struct kd_error *kd_debuginfo_add_source(struct kd_debuginfo *di,
						   const char *name,
						   const char *path)
	KD_WARN_UNUSED;

/* A kernel module's debuginfo (an ET_REL .ko) relocated to where the
 * kernel loaded it: secaddr gives an allocated section's address in the
 * DWARF address space (runtime address minus the KASLR offset), 1 if
 * known, 0 if the section was not loaded; it is only called during this
 * call.  When both the file and build_id (build_id_len > 0: the one in
 * memory) have a build-id they must match (else KD_ERR_MISMATCH).  The
 * file is indexed at once: a corrupt file fails here and is not added. */
typedef int kd_section_addr_fn(void *arg, const char *section,
			       uint64_t *addr);
KD_PUBLIC struct kd_error *kd_debuginfo_add_module(struct kd_debuginfo *di,
						   const char *name,
						   const char *path,
						   kd_section_addr_fn *secaddr,
						   void *arg,
						   const uint8_t *build_id,
						   size_t build_id_len)
	KD_WARN_UNUSED;
/* Hides (hide=1) the module sources of that name (and path, unless
 * NULL) from every lookup, or shows one hidden copy again; hidden
 * sources stay mapped, so types already handed out remain valid.
 * Returns how many changed. */
KD_PUBLIC int kd_debuginfo_hide_source(struct kd_debuginfo *di,
				       const char *name, const char *path,
				       int hide);
KD_PUBLIC int kd_debuginfo_source_hidden(const struct kd_debuginfo *di,
					 size_t i);

/* The cache directory that would be used with these options (malloc'd). */
KD_PUBLIC char *kd_debuginfo_cache_dir(const struct kd_debuginfo_options *opts);

#endif /* PYKDUMP_DEBUGINFO_H */
