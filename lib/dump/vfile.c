// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Virtual files (see vfile.h): the mmap and memory implementations and
 * the helpers every implementation shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pykdump/inputfile.h>

#include "vfile.h"

struct kd_error *kd_vfile_init(struct kd_vfile *vf,
			       const struct kd_vfile_ops *ops,
			       const char *name, const char *kind)
{
	vf->ops = ops;
	vf->kind = kind;
	vf->name = strdup(name);
	return vf->name ? NULL : &kd_error_nomem;
}

void kd_vfile_deinit(struct kd_vfile *vf)
{
	free(vf->name);
}

void kd_vfile_destroy(struct kd_vfile *vf)
{
	if (vf)
		vf->ops->destroy(vf);
}

/* ---- a contiguous buffer: mmap'ed file or caller memory ---- */

struct buf_vfile {
	struct kd_vfile vf;
	const uint8_t *data;
	size_t map_len;		/* > 0 when data is our mapping */
	struct kd_mapguard *guard;	/* of the mapping */
	_Atomic uint64_t *touched;	/* one bit per POPULATE_CHUNK */
};

/*
 * Mapping pages in ahead of a sequential reader.  The first touch of a
 * fresh mapping costs a page fault per 64 KiB (the kernel's fault-around),
 * which dominates streaming through a dump that is already in the page
 * cache.  When a read lands in a chunk whose predecessor was touched, the
 * reader is streaming: one madvise(MADV_POPULATE_READ) maps the whole
 * chunk.  Isolated (random) reads are left to ordinary faults, so they do
 * not pay for a chunk they will not use.
 */
#define POPULATE_SHIFT 20
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14; older kernels: EINVAL */
#endif

static void populate_ahead(struct buf_vfile *b, uint64_t off)
{
	uint64_t c = off >> POPULATE_SHIFT;
	uint64_t bit = 1ull << (c & 63);
	if (atomic_load_explicit(&b->touched[c >> 6], memory_order_relaxed) &
	    bit)
		return;
	atomic_fetch_or_explicit(&b->touched[c >> 6], bit,
				 memory_order_relaxed);
	uint64_t prev = c - 1;
	if (c == 0 || !(atomic_load_explicit(&b->touched[prev >> 6],
					     memory_order_relaxed) &
			(1ull << (prev & 63))))
		return;
	size_t start = (size_t)c << POPULATE_SHIFT;
	size_t len = (size_t)1 << POPULATE_SHIFT;
	if (len > b->map_len - start)
		len = b->map_len - start;
	(void)madvise((void *)(b->data + start), len, MADV_POPULATE_READ);
}

static const void *buf_ptr(struct kd_vfile *vf, uint64_t off, size_t len,
			   void *scratch)
{
	(void)len;
	(void)scratch;
	struct buf_vfile *b = (struct buf_vfile *)vf;
	if (b->touched)
		populate_ahead(b, off);
	return b->data + off;
}

static int buf_lost(struct kd_vfile *vf, uint64_t off, uint64_t len)
{
	return kd_mapguard_lost_in(((struct buf_vfile *)vf)->guard, off, len);
}

static void buf_destroy(struct kd_vfile *vf)
{
	struct buf_vfile *b = (struct buf_vfile *)vf;
	kd_mapguard_remove(b->guard);
	if (b->map_len)
		munmap((void *)b->data, b->map_len);
	free(b->touched);
	kd_vfile_deinit(vf);
	free(b);
}

static const struct kd_vfile_ops buf_ops = {
	.ptr = buf_ptr,
	.lost = buf_lost,
	.destroy = buf_destroy,
};

static struct kd_error *buf_create(const char *name, const char *kind,
				   struct buf_vfile **ret)
{
	struct buf_vfile *b = calloc(1, sizeof(*b));
	if (!b)
		return &kd_error_nomem;
	struct kd_error *err = kd_vfile_init(&b->vf, &buf_ops, name, kind);
	if (err) {
		free(b);
		return err;
	}
	*ret = b;
	return NULL;
}

struct kd_error *kd_vfile_from_memory(const char *name, const void *buf,
				      size_t len, struct kd_vfile **ret)
{
	struct buf_vfile *b;
	struct kd_error *err = buf_create(name, "memory", &b);
	if (err)
		return err;
	b->data = buf;
	b->vf.size = b->vf.stored = len;
	*ret = &b->vf;
	return NULL;
}

static struct kd_error *map_fd(int fd, const char *path, struct buf_vfile *b)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return kd_error_os(errno, path, "cannot stat");
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return kd_error_create(KD_ERR_INVALID,
				       "%s: not a regular file", path);
	uint64_t size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_END);
		if (end < 0)
			return kd_error_os(errno, path, "cannot size device");
		size = (uint64_t)end;
	}
	if (size == 0)
		return kd_error_create(KD_ERR_TRUNCATED, "%s: empty file",
				       path);
	if (size > SIZE_MAX)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "%s: too large to map", path);
	void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return kd_error_os(errno, path, "cannot mmap");
	b->data = p;
	b->map_len = size;
	struct kd_error *err = kd_mapguard_add(p, size, PROT_READ, path, fd,
					       &b->guard);
	if (err)
		return err;
	b->vf.guard = b->guard;
	/* Without the bitmap, reads just fault: not worth failing for. */
	b->touched = calloc((size >> POPULATE_SHIFT) / 64 + 1,
			    sizeof(*b->touched));
	b->vf.size = b->vf.stored = size;
	return NULL;
}

struct kd_error *kd_vfile_open(const char *path, struct kd_vfile **ret)
{
	struct buf_vfile *b;
	struct kd_error *err = buf_create(path, "file", &b);
	if (err)
		return err;
	int fd;
	err = kd_open_input(path, "dump", &fd);
	if (!err) {
		err = map_fd(fd, path, b);
		close(fd);	/* the mapping stays valid */
	}
	if (err) {
		buf_destroy(&b->vf);
		return err;
	}
	*ret = &b->vf;
	return NULL;
}

/* ---- helpers ---- */

struct kd_error *kd_vfile_lost_error(struct kd_vfile *vf, uint64_t off,
				     uint64_t len, const char *what)
{
	return kd_error_create(KD_ERR_TRUNCATED,
		"%s: %s (%llu bytes at %soffset 0x%llx) is gone: the file "
		"shrank while open (it now ends at or before offset 0x%llx)",
		vf->name, what, (unsigned long long)len,
		vf->inner ? "reassembled " : "", (unsigned long long)off,
		(unsigned long long)kd_mapguard_lost(vf->guard));
}

struct kd_error *kd_vfile_read(struct kd_vfile *vf, uint64_t off, size_t len,
			       void *buf, const char *what)
{
	const void *p = kd_vfile_ptr(vf, off, len, buf);
	if (!p)
		return kd_error_create(KD_ERR_TRUNCATED,
			"%s: %s (%zu bytes at offset 0x%llx) runs past the "
			"end of the file (size 0x%llx)",
			vf->name, what, len, (unsigned long long)off,
			(unsigned long long)vf->size);
	if (p != buf)
		memcpy(buf, p, len);
	if (kd_vfile_lost(vf, off, len))
		return kd_vfile_lost_error(vf, off, len, what);
	return NULL;
}

struct kd_error *kd_vfile_map(struct kd_vfile *vf, uint64_t off, uint64_t len,
			      const char *what, const void **ret, void **owned)
{
	*owned = NULL;
	if (!kd_vfile_contains(vf, off, len))
		return kd_error_create(KD_ERR_TRUNCATED,
			"%s: %s (0x%llx bytes at offset 0x%llx) runs past the "
			"end of the file (size 0x%llx)",
			vf->name, what, (unsigned long long)len,
			(unsigned long long)off, (unsigned long long)vf->size);
	if (vf->ops == &buf_ops) {
		*ret = buf_ptr(vf, off, len, NULL);
		return NULL;
	}
	if (len > vf->stored || len > SIZE_MAX)
		return kd_error_create(KD_ERR_CORRUPT,
			"%s: %s (0x%llx bytes at offset 0x%llx) is larger "
			"than the file's data (0x%llx bytes)",
			vf->name, what, (unsigned long long)len,
			(unsigned long long)off,
			(unsigned long long)vf->stored);
	void *copy = malloc(len ? len : 1);
	if (!copy)
		return &kd_error_nomem;
	const void *p = vf->ops->ptr(vf, off, len, copy);
	if (p != copy) {
		/* Contiguous after all: no need for the copy. */
		free(copy);
		*ret = p;
		return NULL;
	}
	if (kd_vfile_lost(vf, off, len)) {
		free(copy);
		return kd_vfile_lost_error(vf, off, len, what);
	}
	*owned = copy;
	*ret = copy;
	return NULL;
}
