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
 */
#ifndef PYKDUMP_DUMP_VFILE_H
#define PYKDUMP_DUMP_VFILE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

struct kd_vfile;

struct kd_vfile_ops {
	/* Pointer to [off, off + len), which the caller has checked lies
	 * within the file; may copy into scratch (len bytes). */
	const void *(*ptr)(struct kd_vfile *vf, uint64_t off, size_t len,
			   void *scratch);
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

/* Copy [off, off + len) into buf; TRUNCATED error naming what and off. */
struct kd_error *kd_vfile_read(struct kd_vfile *vf, uint64_t off, size_t len,
			       void *buf, const char *what) KD_WARN_UNUSED;

/*
 * A stable pointer to a large region (bitmaps, notes): directly into the
 * mapping when contiguous, else a malloc'ed copy returned in *owned (free
 * it when done; NULL when nothing was allocated).  Fails when the region
 * is larger than the bytes the file really stores, so a hostile header
 * cannot make us allocate more than the file's size.
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
