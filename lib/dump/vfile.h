/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A "virtual file": the bytes a format reader parses, wherever they live.
 *
 *   mmap      a dump file mapped read-only (kd_vfile_open)
 *   memory    a caller's buffer (fuzzers, unit tests)
 *   flattened makedumpfile's flattened stream seen as the file it
 *             reassembles to, read in place through an index of its
 *             records (flattened.c)
 *
 * The format readers (elf.c, diskdump.c) only ever ask for a pointer to a
 * range: kd_vfile_ptr() returns a pointer into the mapping when the range
 * is stored contiguously (the common case: no copy), or copies it into the
 * caller's scratch buffer when it straddles flattened records or a hole
 * (holes read as zeros, as in the file `makedumpfile -R` would write).
 * Vfiles are immutable after creation, hence safe to share between threads.
 *
 * A mapped file may shrink while we read it (a dump still being copied or
 * written): its mapping is guarded (pykdump/mapguard.h), so a read past
 * the new end returns zeros instead of killing us with SIGBUS.  Whoever
 * reads through kd_vfile_ptr() asks kd_vfile_lost() afterwards about the
 * bytes it used, and reports a loss (kd_vfile_lost_error(); a page
 * reader: KD_PAGE_LOST) rather than the zeros.
 */
#ifndef PYKDUMP_DUMP_VFILE_H
#define PYKDUMP_DUMP_VFILE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>
#include <pykdump/mapguard.h>

struct kd_vfile;

struct kd_vfile_ops {
	/* Pointer to [off, off + len), which the caller has checked lies
	 * within the file; may copy into scratch (len bytes). */
	const void *(*ptr)(struct kd_vfile *vf, uint64_t off, size_t len,
			   void *scratch);
	/* 1 when some of [off, off + len) read as zeros because the file
	 * shrank while mapped; asked only once guard reports a loss. */
	int (*lost)(struct kd_vfile *vf, uint64_t off, uint64_t len);
	void (*destroy)(struct kd_vfile *vf);
};

struct kd_vfile {
	const struct kd_vfile_ops *ops;
	char *name;		/* the path as given, for messages */
	uint64_t size;		/* logical size (reassembled size if flattened) */
	uint64_t stored;	/* bytes actually stored on disk: bounds any
				 * allocation made on the file's word */
	const char *kind;	/* "file", "memory", "flattened" */
	struct kd_vfile *inner;	/* the container file, for flattened */
	uint64_t nrecords;	/* flattened: data records in the stream */
	uint64_t npieces;	/* flattened: index entries after overlaps */
	int truncated;		/* flattened: stream ends without end marker */
	/* the mapping's guard (flattened: its stream's); NULL: memory */
	struct kd_mapguard *guard;
};

/* mmap a file read-only. */
struct kd_error *kd_vfile_open(const char *path, struct kd_vfile **ret)
	KD_WARN_UNUSED;
/* View a caller-owned buffer (must outlive the vfile). */
struct kd_error *kd_vfile_from_memory(const char *name, const void *buf,
				      size_t len, struct kd_vfile **ret)
	KD_WARN_UNUSED;
void kd_vfile_destroy(struct kd_vfile *vf);

/* Common header of every vfile implementation. */
struct kd_error *kd_vfile_init(struct kd_vfile *vf,
			       const struct kd_vfile_ops *ops,
			       const char *name, const char *kind)
	KD_WARN_UNUSED;
void kd_vfile_deinit(struct kd_vfile *vf);

/* 1 when [off, off + len) lies inside the file. */
static inline int kd_vfile_contains(const struct kd_vfile *vf, uint64_t off,
				    uint64_t len)
{
	return off <= vf->size && len <= vf->size - off;
}

/* Pointer to [off, off + len) or NULL when it runs past the end. */
static inline const void *kd_vfile_ptr(struct kd_vfile *vf, uint64_t off,
				       size_t len, void *scratch)
{
	if (!kd_vfile_contains(vf, off, len))
		return NULL;
	return vf->ops->ptr(vf, off, len, scratch);
}

/* After reading [off, off + len) through kd_vfile_ptr(): 1 when some of
 * it was gone (the file shrank while open; those bytes read as zeros).
 * One atomic load while the file is whole. */
static inline int kd_vfile_lost(struct kd_vfile *vf, uint64_t off,
				uint64_t len)
{
	if (kd_mapguard_lost(vf->guard) == KD_MAPGUARD_INTACT)
		return 0;
	return vf->ops->lost(vf, off, len);
}

/* The TRUNCATED error for a loss kd_vfile_lost() found: names the file,
 * what, off and where the file now ends. */
struct kd_error *kd_vfile_lost_error(struct kd_vfile *vf, uint64_t off,
				     uint64_t len, const char *what)
	KD_WARN_UNUSED;

/* Copy [off, off + len) into buf; TRUNCATED error naming what and off
 * (past the end, or gone since the file was opened). */
struct kd_error *kd_vfile_read(struct kd_vfile *vf, uint64_t off, size_t len,
			       void *buf, const char *what) KD_WARN_UNUSED;

/*
 * A stable pointer to a large region (bitmaps, notes): directly into the
 * mapping when contiguous, else a malloc'ed copy returned in *owned (free
 * it when done; NULL when nothing was allocated).  Fails when the region
 * is larger than the bytes the file really stores, so a hostile header
 * cannot make us allocate more than the file's size.  A pointer into the
 * mapping reads zeros where the file shrinks later: check kd_vfile_lost()
 * after using it (a copy in *owned cannot change).
 */
struct kd_error *kd_vfile_map(struct kd_vfile *vf, uint64_t off, uint64_t len,
			      const char *what, const void **ret, void **owned)
	KD_WARN_UNUSED;

/* Flattened format (flattened.c). */
int kd_flattened_probe(struct kd_vfile *vf);
/* Index the records of the flattened stream in vf; takes vf on success. */
struct kd_error *kd_flattened_open(struct kd_vfile *vf, struct kd_vfile **ret)
	KD_WARN_UNUSED;

#endif /* PYKDUMP_DUMP_VFILE_H */
