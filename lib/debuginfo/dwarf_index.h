/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DWARF name index: name -> (kind, flags, DIE offset) for every type,
 * variable, function and enumerator name of one DWARF file.
 *
 * dwarf_index.c builds it (worker threads run the scanner over the
 * units, then a merge deduplicates and lays out the image);
 * index_file.c defines the image, which is also the on-disk cache file,
 * validates it and answers lookups straight from the mapped bytes.
 */
#ifndef PYKDUMP_DWARF_INDEX_H
#define PYKDUMP_DWARF_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/debuginfo.h>
#include <pykdump/dwarf.h>
#include <pykdump/error.h>

#include "dwarf_scan.h"

/* struct kd_dwarf_index, kd_index_hit and kd_index_iter, and lookups
 * (kd_dwarf_index_find, _next, _count, _entry) are in <pykdump/dwarf.h>. */


/* What a cache file must match to be used. */
struct kd_index_source_id {
	const uint8_t *build_id;
	size_t build_id_len;
	uint64_t size;		/* of the DWARF file */
	int64_t mtime_ns;
};

/* kd_dwarf_index_open_image flags */
#define KD_INDEX_NO_CHECKSUM	0x1	/* skip the body checksum (fuzzing) */
#define KD_INDEX_OWN_MALLOC	0x2	/* free(image) on destroy */
#define KD_INDEX_OWN_MMAP	0x4	/* munmap(image) on destroy */

/* Builds an index image (malloc'd) from the sections. */
struct kd_error *kd_dwarf_index_build(const struct kd_dwarf_sections *s,
				      const struct kd_index_source_id *id,
				      unsigned nthreads,
				      kd_progress_fn *progress, void *arg,
				      void **image, size_t *size,
				      uint64_t *nunits) KD_WARN_UNUSED;

/*
 * A build running on threads of its own (the session goes on meanwhile).
 * With queryable, kd_index_build_first answers lookups before it ends:
 * workers take units in order, so once every unit below some offset is
 * scanned, the first entry of a name in the finished index's order is
 * known if it lies there (a definition; for variables and functions one
 * with an address).  When it ends the image is saved to cache_file (if
 * not NULL); kd_index_build_finish hands it over.
 */
struct kd_index_build;

struct kd_index_result {
	void *image;		/* malloc'd */
	size_t size;
	uint64_t nunits;
	int saved;		/* written to the cache file */
	struct kd_error *save_err;	/* why not, or NULL */
	/* Units that could not be read (corrupt DWARF) are left out of the
	 * image, which is then not saved: the first one's error. */
	struct kd_error *skipped_err;
	size_t nskipped;
};

struct kd_error *kd_index_build_start(const struct kd_dwarf_sections *s,
				      const struct kd_index_source_id *id,
				      const char *cache_file, unsigned nthreads,
				      int queryable,
				      struct kd_index_build **ret) KD_WARN_UNUSED;
/* 1: *hit is the first entry of name and kind in the finished index;
 * 0: not known yet (*frontier: units scanned in order so far, for
 * kd_index_build_wait); -1: ask the finished index. */
int kd_index_build_first(struct kd_index_build *b, const char *name,
			 unsigned kind, struct kd_index_hit *hit,
			 size_t *frontier);
/* Waits (at most 100 ms) for the scan to pass frontier units. */
void kd_index_build_wait_frontier(struct kd_index_build *b, size_t frontier);
/* 1 when the build has ended.  With block, waits for it, reporting
 * progress once the wait lasts 0.1 s; on Ctrl-C, stop_on_cancel stops
 * the build (and still waits for it), else the wait is given up (0). */
int kd_index_build_wait_end(struct kd_index_build *b, int block,
			    int stop_on_cancel, kd_progress_fn *progress,
			    void *arg);
const uint64_t *kd_index_build_units(const struct kd_index_build *b,
				     size_t *n);
/* Waits for the end (reporting progress after 0.1 s; Ctrl-C stops the
 * build) and frees b: the build's error, or the image in *r. */
struct kd_error *kd_index_build_finish(struct kd_index_build *b,
				       kd_progress_fn *progress, void *arg,
				       struct kd_index_result *r) KD_WARN_UNUSED;
/* Stops the build without saving and frees it. */
void kd_index_build_abandon(struct kd_index_build *b);

/* Validates an image and wraps it; id NULL skips the source match. */
struct kd_error *kd_dwarf_index_open_image(const void *image, size_t size,
					   const struct kd_index_source_id *id,
					   unsigned flags,
					   struct kd_dwarf_index **ret)
	KD_WARN_UNUSED;
void kd_dwarf_index_destroy(struct kd_dwarf_index *idx);

/* Writes the image to path atomically (a temporary file, then rename). */
struct kd_error *kd_dwarf_index_write(const char *path, const void *image,
				      size_t size) KD_WARN_UNUSED;
/* Creates the directories a cache file goes in. */
struct kd_error *kd_cache_mkdir_for(const char *file) KD_WARN_UNUSED;
/* Maps a whole cache file read-only (at least min_size bytes), guarded
 * against it shrinking while open (*guard: remove it before munmap); the
 * file stays open in *fd_ret (if not NULL, the caller closes it). */
struct kd_error *kd_cache_file_map(const char *path, size_t min_size,
				   void **map, size_t *size, int *fd_ret,
				   struct kd_mapguard **guard) KD_WARN_UNUSED;
/* Reads a whole cache file (at least min_size bytes) into *buf
 * (malloc'd): what a copy holds cannot change under us. */
struct kd_error *kd_cache_file_read(const char *path, size_t min_size,
				    void **buf, size_t *size) KD_WARN_UNUSED;
/* Does a cache image's source identity match id?  what names the image
 * in the message. */
struct kd_error *kd_cache_check_source(const char *what,
				       const uint8_t *build_id,
				       size_t build_id_len, uint64_t size,
				       int64_t mtime_ns,
				       const struct kd_index_source_id *id)
	KD_WARN_UNUSED;
/* Maps path and validates it against id (flags: KD_INDEX_NO_CHECKSUM). */
struct kd_error *kd_dwarf_index_map(const char *path,
				    const struct kd_index_source_id *id,
				    unsigned flags, struct kd_dwarf_index **ret)
	KD_WARN_UNUSED;

/*
 * The index of a source: the cache file when valid, else a pending index
 * whose build runs in the background and is saved to cache_file when it
 * ends.  info (which must outlive *ret) is filled when it is complete.
 */
struct kd_error *kd_dwarf_index_start(const struct kd_dwarf_sections *s,
				      const struct kd_index_source_id *id,
				      const char *cache_file,
				      const struct kd_debuginfo_options *opts,
				      struct kd_dwarf_index **ret,
				      struct kd_index_info *info) KD_WARN_UNUSED;
/* Waits until idx is complete; the build's error if it failed. */
struct kd_error *kd_dwarf_index_wait(struct kd_dwarf_index *idx) KD_WARN_UNUSED;
/* Why a complete index is empty (its build failed), else NULL. */
const struct kd_error *kd_dwarf_index_failure(const struct kd_dwarf_index *idx);
/* Why a complete index lacks units (corrupt DWARF left out), else NULL. */
const struct kd_error *kd_dwarf_index_partial(const struct kd_dwarf_index *idx);
/* Stops a pending index's build: it stays empty and is not saved. */
void kd_dwarf_index_abandon(struct kd_dwarf_index *idx);

/* Start and wait: use the cache file when valid, else build and save. */
struct kd_error *kd_dwarf_index_load(const struct kd_dwarf_sections *s,
				     const struct kd_index_source_id *id,
				     const char *cache_file,
				     const struct kd_debuginfo_options *opts,
				     struct kd_dwarf_index **ret,
				     struct kd_index_info *info) KD_WARN_UNUSED;

/* Waits for a pending index to be complete. */
size_t kd_dwarf_index_size(struct kd_dwarf_index *idx);
/* The .debug_info offsets of the units, in order (hints: unchecked). */
const uint64_t *kd_dwarf_index_units(struct kd_dwarf_index *idx, size_t *n);

/* struct kd_index_iter's state: a pending index's answer. */
enum {
	KD_ITER_FIRST = 1,	/* give first, known before the build ended */
	KD_ITER_REST,		/* then the rest from the complete index */
	KD_ITER_SKIP,		/* ... skipping first there */
};

#endif /* PYKDUMP_DWARF_INDEX_H */
