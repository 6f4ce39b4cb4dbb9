// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DWARF index image: validation, lookups, and the cache file
 * (layout in index_format.h).  Opening an image is O(1) apart from the
 * body checksum; names are found by hashing into a bucket and comparing
 * the few names there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_index.h"
#include "index_format.h"

struct kd_dwarf_index {
	const uint8_t *base;
	size_t size;
	unsigned flags;		/* KD_INDEX_OWN_* */
	const struct kd_index_header *hdr;
	const uint32_t *buckets;
	const struct kd_index_entry *entries;
	const char *strings;
	uint64_t strings_size;
	uint32_t nentries, nbuckets;
	const uint64_t *units;
	size_t nunits;
};

/* Four independent multiply-xor lanes over 8-byte words: several GB/s.
 * In pieces so that a file can be summed through a small buffer. */
struct checksum {
	uint64_t h[4];
};

static void checksum_init(struct checksum *c)
{
	static const uint64_t seed[4] = {
		0x243f6a8885a308d3ull, 0x13198a2e03707344ull,
		0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull,
	};
	memcpy(c->h, seed, sizeof(seed));
}

/* len: a multiple of 32 */
static void checksum_blocks(struct checksum *c, const uint8_t *p, size_t len)
{
	const uint64_t k = 0x9fb21c651e98df25ull;
	for (size_t i = 0; i + 32 <= len; i += 32) {
		for (int l = 0; l < 4; l++) {
			uint64_t w;
			memcpy(&w, p + i + 8 * l, 8);
			c->h[l] = (c->h[l] ^ w) * k;
			c->h[l] ^= c->h[l] >> 29;
		}
	}
}

/* tail: the last len % 32 bytes */
static uint64_t checksum_end(const struct checksum *c, const uint8_t *tail,
			     size_t len)
{
	uint64_t r = len;
	for (size_t i = 0; i < len % 32; i++)
		r = (r ^ tail[i]) * 0x100000001b3ull;
	for (int l = 0; l < 4; l++)
		r = kd_hash_mix(r, c->h[l]);
	return r;
}

uint64_t kd_index_checksum(const void *data, size_t len)
{
	struct checksum c;
	size_t blocks = len & ~(size_t)31;
	checksum_init(&c);
	checksum_blocks(&c, data, blocks);
	return checksum_end(&c, (const uint8_t *)data + blocks, len);
}

static int pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + got, len - got,
				  off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		got += (size_t)n;
	}
	return 1;
}

/* The checksum of len bytes of fd at off, read through a buffer (so that
 * checking a mapped file does not make all of it resident); 0 on a read
 * error (*ret untouched). */
static int file_checksum(int fd, off_t off, size_t len, uint64_t *ret)
{
	enum { BUF = 256 * 1024 };	/* a multiple of 32 */
	uint8_t *buf = malloc(BUF);
	struct checksum c;
	size_t done = 0, blocks = len & ~(size_t)31;
	int ok = buf != NULL;
	checksum_init(&c);
	while (ok && done < blocks) {
		size_t n = blocks - done < BUF ? blocks - done : BUF;
		ok = pread_full(fd, buf, n, off + (off_t)done);
		if (ok)
			checksum_blocks(&c, buf, n);
		done += n;
	}
	if (ok)
		ok = pread_full(fd, buf, len - blocks, off + (off_t)blocks);
	if (ok)
		*ret = checksum_end(&c, buf, len);
	free(buf);
	return ok;
}

uint64_t kd_index_header_checksum(const struct kd_index_header *h)
{
	struct kd_index_header copy = *h;
	copy.header_checksum = 0;
	return kd_index_checksum(&copy, sizeof(copy));
}

static struct kd_error *bad_image(const char *what)
{
	return kd_error_create(KD_ERR_CORRUPT, "DWARF index: %s", what);
}

/* Is [off, off + n * elem) inside size? */
static int in_file(uint64_t off, uint64_t n, uint64_t elem, uint64_t size)
{
	return off <= size && n <= (size - off) / elem;
}

static struct kd_error *check_layout(const struct kd_index_header *h,
				     size_t size)
{
	if (h->file_size != size)
		return bad_image("file size does not match its header (truncated?)");
	if (h->nbuckets == 0 || (h->nbuckets & (h->nbuckets - 1)))
		return bad_image("bucket count is not a power of two");
	if (!in_file(h->buckets_off, (uint64_t)h->nbuckets + 1, 4, size) ||
	    h->buckets_off % 4)
		return bad_image("bucket table outside the file");
	if (!in_file(h->entries_off, h->nentries, 16, size) ||
	    h->entries_off % 8)
		return bad_image("entry table outside the file");
	if (!in_file(h->strings_off, h->strings_size, 1, size) ||
	    h->strings_size == 0 || h->strings_size > UINT32_MAX)
		return bad_image("string table outside the file");
	if (h->build_id_len > KD_INDEX_MAX_BUILD_ID)
		return bad_image("bad build-id length");
	if (!in_file(h->units_off, h->nunits, 8, size) || h->units_off % 8)
		return bad_image("unit table outside the file");
	return NULL;
}

struct kd_error *kd_cache_check_source(const char *what,
				       const uint8_t *build_id,
				       size_t build_id_len, uint64_t size,
				       int64_t mtime_ns,
				       const struct kd_index_source_id *id)
{
	if (build_id_len != id->build_id_len ||
	    memcmp(build_id, id->build_id, id->build_id_len) != 0)
		return kd_error_create(KD_ERR_MISMATCH,
				       "%s: made for another build-id", what);
	if (size != id->size || mtime_ns != id->mtime_ns)
		return kd_error_create(KD_ERR_MISMATCH,
				       "%s: the debuginfo file changed "
				       "(size or mtime differ)", what);
	return NULL;
}

static struct kd_error *check_source(const struct kd_index_header *h,
				     const struct kd_index_source_id *id)
{
	return kd_cache_check_source("DWARF index", h->build_id,
				     h->build_id_len, h->source_size,
				     h->source_mtime_ns, id);
}

struct kd_error *kd_dwarf_index_open_image(const void *image, size_t size,
					   const struct kd_index_source_id *id,
					   unsigned flags,
					   struct kd_dwarf_index **ret)
{
	const struct kd_index_header *h = image;
	struct kd_error *err;
	if (size < sizeof(*h) || memcmp(h->magic, KD_INDEX_MAGIC, 8) != 0)
		return bad_image("not an index file (bad magic)");
	if (h->version != KD_INDEX_VERSION || h->header_size != sizeof(*h))
		return kd_error_create(KD_ERR_MISMATCH,
				       "DWARF index: format version %u, expected %u",
				       h->version, KD_INDEX_VERSION);
	if (h->header_checksum != kd_index_header_checksum(h))
		return bad_image("header checksum mismatch");
	if ((err = check_layout(h, size)))
		return err;
	if (id && (err = check_source(h, id)))
		return err;
	if (!(flags & KD_INDEX_NO_CHECKSUM) &&
	    h->body_checksum != kd_index_checksum((const uint8_t *)image +
						  sizeof(*h),
						  size - sizeof(*h)))
		return bad_image("checksum mismatch (damaged file)");
	const uint8_t *base = image;
	if (base[h->strings_off + h->strings_size - 1] != 0)
		return bad_image("string table not terminated");
	struct kd_dwarf_index *idx = calloc(1, sizeof(*idx));
	if (!idx)
		return &kd_error_nomem;
	idx->base = base;
	idx->size = size;
	idx->flags = flags;
	idx->hdr = h;
	idx->buckets = (const uint32_t *)(base + h->buckets_off);
	idx->entries = (const struct kd_index_entry *)(base + h->entries_off);
	idx->strings = (const char *)base + h->strings_off;
	idx->strings_size = h->strings_size;
	idx->nentries = h->nentries;
	idx->nbuckets = h->nbuckets;
	idx->units = (const uint64_t *)(base + h->units_off);
	idx->nunits = (size_t)h->nunits;
	*ret = idx;
	return NULL;
}

void kd_dwarf_index_destroy(struct kd_dwarf_index *idx)
{
	if (!idx)
		return;
	if (idx->flags & KD_INDEX_OWN_MALLOC)
		free((void *)idx->base);
	if (idx->flags & KD_INDEX_OWN_MMAP)
		munmap((void *)idx->base, idx->size);
	free(idx);
}

const uint64_t *kd_dwarf_index_units(const struct kd_dwarf_index *idx,
				     size_t *n)
{
	*n = idx ? idx->nunits : 0;
	return idx ? idx->units : NULL;
}

uint64_t kd_dwarf_index_count(const struct kd_dwarf_index *idx)
{
	return idx ? idx->nentries : 0;
}

size_t kd_dwarf_index_size(const struct kd_dwarf_index *idx)
{
	return idx ? idx->size : 0;
}

static int fill_hit(const struct kd_dwarf_index *idx, uint32_t i,
		    struct kd_index_hit *hit)
{
	const struct kd_index_entry *e = &idx->entries[i];
	if (e->name >= idx->strings_size || e->kind == 0 ||
	    e->kind >= KD_DIX_NKINDS)
		return 0;
	hit->name = idx->strings + e->name;
	hit->die = e->die;
	hit->kind = e->kind;
	hit->flags = e->flags;
	return 1;
}

void kd_dwarf_index_find(const struct kd_dwarf_index *idx, const char *name,
			 unsigned kinds, struct kd_index_iter *it)
{
	memset(it, 0, sizeof(*it));
	if (!idx)
		return;
	size_t len = strlen(name);
	uint32_t b = (uint32_t)(kd_name_hash(name, len) & (idx->nbuckets - 1));
	uint32_t start = idx->buckets[b], end = idx->buckets[b + 1];
	if (start > end || end > idx->nentries)
		return;		/* damaged: nothing */
	it->idx = idx;
	it->name = name;
	it->len = len;
	it->pos = start;
	it->end = end;
	it->kinds = kinds;
}

int kd_dwarf_index_next(struct kd_index_iter *it, struct kd_index_hit *hit)
{
	while (it->pos < it->end) {
		uint32_t i = it->pos++;
		if (!fill_hit(it->idx, i, hit))
			continue;
		if (!(it->kinds & KD_DIX_MASK(hit->kind)))
			continue;
		if (strcmp(hit->name, it->name) == 0)
			return 1;
	}
	return 0;
}

int kd_dwarf_index_entry(const struct kd_dwarf_index *idx, uint64_t i,
			 struct kd_index_hit *hit)
{
	if (!idx || i >= idx->nentries)
		return 0;
	return fill_hit(idx, (uint32_t)i, hit);
}

/* ---- the cache file ---- */

struct kd_error *kd_dwarf_index_write(const char *path, const void *image,
				      size_t size)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return &kd_error_nomem;
	struct kd_error *err = NULL;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = kd_error_os(errno, tmp, "cannot create");
		goto out_free;
	}
	const uint8_t *p = image;
	size_t left = size;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = kd_error_os(n < 0 ? errno : ENOSPC, tmp,
					  "cannot write");
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd) < 0 && !err)
		err = kd_error_os(errno, tmp, "cannot write");
	if (!err && rename(tmp, path) < 0)
		err = kd_error_os(errno, path, "cannot rename %s to", tmp);
	if (err)
		unlink(tmp);
out_free:
	free(tmp);
	return err;
}

struct kd_error *kd_cache_file_map(const char *path, size_t min_size,
				   int populate, void **map, size_t *size,
				   int *fd_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kd_error_os(errno, path, "cannot open");
	struct stat st;
	if (fstat(fd, &st) < 0) {
		struct kd_error *err = kd_error_os(errno, path, "cannot stat");
		close(fd);
		return err;
	}
	if (st.st_size < (off_t)min_size) {
		close(fd);
		return kd_error_create(KD_ERR_TRUNCATED,
				       "%s: cache file too short", path);
	}
	*size = (size_t)st.st_size;
	/* Populated when the whole file is read for its checksum anyway:
	 * one call maps it more cheaply than a fault per 16 pages. */
	*map = mmap(NULL, *size, PROT_READ,
		    MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0);
	int e = errno;
	if (*map == MAP_FAILED || !fd_ret)
		close(fd);
	if (*map == MAP_FAILED)
		return kd_error_os(e, path, "cannot map");
	if (fd_ret)
		*fd_ret = fd;
	return NULL;
}

/* The index is checked through the file rather than the mapping: the
 * lookups of a session touch a few of its pages, the checksum all. */
struct kd_error *kd_dwarf_index_map(const char *path,
				    const struct kd_index_source_id *id,
				    unsigned flags, struct kd_dwarf_index **ret)
{
	void *map;
	size_t size;
	int fd;
	struct kd_error *err = kd_cache_file_map(path,
						 sizeof(struct kd_index_header),
						 0, &map, &size, &fd);
	if (err)
		return err;
	err = kd_dwarf_index_open_image(map, size, id,
					flags | KD_INDEX_NO_CHECKSUM |
					KD_INDEX_OWN_MMAP, ret);
	if (!err && !(flags & KD_INDEX_NO_CHECKSUM)) {
		const struct kd_index_header *h = map;
		uint64_t sum = ~h->body_checksum;
		if (!file_checksum(fd, (off_t)sizeof(*h), size - sizeof(*h),
				   &sum) || sum != h->body_checksum) {
			kd_dwarf_index_destroy(*ret);	/* unmaps */
			close(fd);
			return kd_error_prefix(bad_image("checksum mismatch "
							 "(damaged file)"),
					       "%s", path);
		}
	}
	close(fd);
	if (err) {
		munmap(map, size);
		return kd_error_prefix(err, "%s", path);
	}
	return NULL;
}
