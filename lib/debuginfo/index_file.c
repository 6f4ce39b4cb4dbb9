// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The DWARF index image: validation, lookups, and the cache file
 * (layout in index_format.h).  Opening an image is O(1) apart from the
 * body checksum; names are found by hashing into a bucket and comparing
 * the few names there.
 *
 * An index can also be pending: built in the background (dwarf_index.c)
 * while the session goes on.  A lookup of one kind is then answered from
 * the units scanned so far when the answer is already certain, and waits
 * for the scan to reach it otherwise; everything else waits for the end.
 * A session's first commands usually need names from the first units
 * (the core kernel is linked first), so they run while the drivers are
 * still being indexed.
 *
 * A mapped cache file that shrinks while open (pykdump/mapguard.h) reads
 * as zeros from some offset on: no lookup trusts it from then on.  The
 * index is built again from the DWARF (pending, as above, and saved over
 * the damaged file), and an iteration under way goes on in the new
 * index past the entries it already gave (the build is deterministic).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pykdump/cancel.h>
#include <pykdump/inputfile.h>
#include <pykdump/mapguard.h>

#include "dwarf_index.h"
#include "index_format.h"

/* A mapping the index no longer reads but a caller may still hold names
 * in (freed with the index). */
struct retired {
	struct retired *next;
	void *base;
	size_t size;
};

struct kd_dwarf_index {
	const uint8_t *base;
	size_t size;
	unsigned flags;		/* KD_INDEX_OWN_* */
	struct kd_mapguard *guard;	/* of a mapped cache file */
	const struct kd_index_header *hdr;
	const uint32_t *buckets;
	const struct kd_index_entry *entries;
	const char *strings;
	uint64_t strings_size;
	uint32_t nentries, nbuckets;
	const uint64_t *units;
	size_t nunits;
	/* A pending index: the build, and what completing it needs. */
	struct kd_index_build *build;
	struct kd_error *err;		/* the build failed: no entries */
	struct kd_error *partial;	/* units left out: why */
	struct kd_index_info *info;	/* filled when complete */
	struct kd_index_source_id id;
	kd_progress_fn *progress;
	void *progress_arg;
	kd_warn_fn *warn;
	void *warn_arg;
	double t0;
	/* To build it again when the mapped cache file shrinks. */
	const struct kd_dwarf_sections *s;	/* NULL: cannot */
	char *cache_file;
	unsigned nthreads;
	struct retired *retired;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

/* Validates image and points idx at its tables. */
static struct kd_error *init_image(struct kd_dwarf_index *idx,
				   const void *image, size_t size,
				   const struct kd_index_source_id *id,
				   unsigned flags)
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
	return NULL;
}

struct kd_error *kd_dwarf_index_open_image(const void *image, size_t size,
					   const struct kd_index_source_id *id,
					   unsigned flags,
					   struct kd_dwarf_index **ret)
{
	struct kd_dwarf_index *idx = calloc(1, sizeof(*idx));
	if (!idx)
		return &kd_error_nomem;
	struct kd_error *err = init_image(idx, image, size, id, flags);
	if (err) {
		free(idx);
		return err;
	}
	*ret = idx;
	return NULL;
}

static void release_image(struct kd_dwarf_index *idx)
{
	kd_mapguard_remove(idx->guard);
	idx->guard = NULL;
	if (idx->flags & KD_INDEX_OWN_MALLOC)
		free((void *)idx->base);
	if (idx->flags & KD_INDEX_OWN_MMAP)
		munmap((void *)idx->base, idx->size);
	idx->base = NULL;
	idx->flags = 0;
}

/* Forgets the image but keeps its mapping until the index goes. */
static void retire_image(struct kd_dwarf_index *idx)
{
	struct retired *r = malloc(sizeof(*r));
	if (r && (idx->flags & KD_INDEX_OWN_MMAP)) {
		kd_mapguard_remove(idx->guard);	/* zeros stay zeros */
		idx->guard = NULL;
		r->base = (void *)idx->base;
		r->size = idx->size;
		r->next = idx->retired;
		idx->retired = r;
		idx->flags &= ~(unsigned)KD_INDEX_OWN_MMAP;
	} else {
		free(r);
	}
	release_image(idx);
	idx->hdr = NULL;
	idx->nentries = idx->nbuckets = 0;
	idx->units = NULL;
	idx->nunits = 0;
}

static void free_retired(struct kd_dwarf_index *idx)
{
	while (idx->retired) {
		struct retired *r = idx->retired;
		idx->retired = r->next;
		munmap(r->base, r->size);
		free(r);
	}
}

static void set_note(struct kd_index_info *info, const char *what,
		     struct kd_error *err)
{
	snprintf(info->note, sizeof(info->note), "%s%s%s", what,
		 err ? ": " : "", err ? err->message : "");
	kd_error_destroy(err);
}

static void fill_info(const struct kd_dwarf_index *idx,
		      struct kd_index_info *info, double t0)
{
	if (!info)
		return;
	info->nentries = idx->nentries;
	info->size = idx->base ? idx->size : 0;
	info->seconds = now() - t0;
}

/* The build has ended (or is stopped when abandon): take its image,
 * preferably as the saved file mapped (its pages can then go back to
 * the page cache instead of staying in our heap). */
static void complete(struct kd_dwarf_index *idx, int abandon)
{
	struct kd_index_result r;
	struct kd_error *err;
	if (abandon) {
		kd_index_build_abandon(idx->build);
		memset(&r, 0, sizeof(r));
		err = kd_error_create(KD_ERR_INTERRUPTED,
				      "DWARF index: build stopped");
	} else {
		err = kd_index_build_finish(idx->build, idx->progress,
					    idx->progress_arg, &r);
	}
	idx->build = NULL;
	struct kd_index_info *info = idx->info;
	if (!err) {
		struct kd_dwarf_index *mapped = NULL;
		struct kd_error *e = NULL;
		if (r.saved && info && *info->path)
			e = kd_dwarf_index_map(info->path, &idx->id,
					       KD_INDEX_NO_CHECKSUM, &mapped);
		if (!e && mapped)
			e = init_image(idx, mapped->base, mapped->size, NULL,
				       mapped->flags | KD_INDEX_NO_CHECKSUM);
		if (!e && mapped) {
			free(r.image);
			idx->guard = mapped->guard;
			free(mapped);	/* idx owns its mapping now */
		} else {
			kd_error_destroy(e);
			kd_dwarf_index_destroy(mapped);
			err = init_image(idx, r.image, r.size, &idx->id,
					 KD_INDEX_OWN_MALLOC |
					 KD_INDEX_NO_CHECKSUM);
			if (err)
				free(r.image);
		}
	}
	/* A cache that cannot be written (an unwritable directory ...)
	 * means a rebuild at every start: say so, once per session.  A
	 * partial index is not saved on purpose; its warning is below. */
	char *text;
	if (!err && r.save_err && !r.skipped_err && idx->warn &&
	    asprintf(&text, "DWARF index cache not saved (%s): the index is "
		     "built again at each start", r.save_err->message) >= 0) {
		idx->warn(idx->warn_arg, text);
		free(text);
	}
	if (info) {
		info->origin = r.saved ? KD_INDEX_BUILT : KD_INDEX_BUILT_UNSAVED;
		info->nunits = r.nunits;
		if (r.save_err)
			set_note(info, "not saved", r.save_err);
		r.save_err = NULL;
	}
	kd_error_destroy(r.save_err);
	idx->err = err;
	if (!err && r.skipped_err) {
		idx->partial = kd_error_create(r.skipped_err->code,
					       "%zu unit%s of .debug_info left "
					       "out; the first: %s", r.nskipped,
					       r.nskipped == 1 ? "" : "s",
					       r.skipped_err->message);
		if (idx->warn && idx->partial)
			idx->warn(idx->warn_arg, idx->partial->message);
	}
	kd_error_destroy(r.skipped_err);
	fill_info(idx, info, idx->t0);
}

/* 1 when idx is complete (its build may have failed: then it is empty).
 * With wait, blocks until then, with a progress line after 0.1 s; Ctrl-C
 * gives up waiting (0), the build goes on. */
static int settle(struct kd_dwarf_index *idx, int wait)
{
	if (!idx->build)
		return 1;
	if (!kd_index_build_wait_end(idx->build, wait, 0, idx->progress,
				     idx->progress_arg))
		return 0;
	complete(idx, 0);
	return 1;
}

struct kd_error *kd_dwarf_index_wait(struct kd_dwarf_index *idx)
{
	if (!settle(idx, 1))
		return kd_error_create(KD_ERR_INTERRUPTED,
				       "DWARF index: interrupted while waiting "
				       "for it to be built");
	if (idx->err)
		return kd_error_create(idx->err->code, "%s", idx->err->message);
	return NULL;
}

const struct kd_error *kd_dwarf_index_failure(const struct kd_dwarf_index *idx)
{
	return idx && !idx->build ? idx->err : NULL;
}

const struct kd_error *kd_dwarf_index_partial(const struct kd_dwarf_index *idx)
{
	return idx && !idx->build ? idx->partial : NULL;
}

void kd_dwarf_index_abandon(struct kd_dwarf_index *idx)
{
	if (idx && idx->build)
		complete(idx, 1);
}

void kd_dwarf_index_destroy(struct kd_dwarf_index *idx)
{
	if (!idx)
		return;
	if (idx->build)
		complete(idx, 0);	/* finish and save it for next time */
	release_image(idx);
	free_retired(idx);
	kd_error_destroy(idx->err);
	kd_error_destroy(idx->partial);
	free(idx->cache_file);
	free(idx);
}

/* What building it again needs (a loaded index has none of it yet). */
static struct kd_error *remember_source(struct kd_dwarf_index *idx,
					const struct kd_dwarf_sections *s,
					const struct kd_index_source_id *id,
					const char *cache_file,
					const struct kd_debuginfo_options *opts)
{
	idx->s = s;
	idx->id = *id;
	idx->nthreads = opts->nthreads;
	idx->progress = opts->progress;
	idx->progress_arg = opts->progress_arg;
	idx->warn = opts->warn;
	idx->warn_arg = opts->warn_arg;
	if (cache_file && !(idx->cache_file = strdup(cache_file)))
		return &kd_error_nomem;
	return NULL;
}

/*
 * The mapped cache file shrank while open: its lookups may have read
 * zeros.  Nothing more is read from it; the index is built again from
 * the DWARF (saved over the damaged file when the build ends).  1 when
 * that happened (the caller must not trust what it just read).
 */
static int image_lost(struct kd_dwarf_index *idx)
{
	uint64_t lost = kd_mapguard_lost(idx->guard);
	if (lost == KD_MAPGUARD_INTACT)
		return 0;
	char *why = NULL;
	if (asprintf(&why, "%s: the DWARF index cache shrank while open (it "
		     "now ends at or before offset 0x%llx): building the "
		     "index again", idx->cache_file ? idx->cache_file : "?",
		     (unsigned long long)lost) < 0)
		why = NULL;
	retire_image(idx);
	struct kd_error *err = idx->s ?
		kd_index_build_start(idx->s, &idx->id, idx->cache_file,
				     idx->nthreads, 1, &idx->build) :
		kd_error_create(KD_ERR_TRUNCATED, "%s",
				why ? why : "DWARF index cache shrank");
	if (err) {
		kd_error_destroy(idx->err);
		idx->err = err;
	} else {
		idx->t0 = now();
	}
	if (idx->warn && why)
		idx->warn(idx->warn_arg, why);
	free(why);
	return 1;
}

/* A cache saved from a build that left units out (the header counts
 * them): it is used, and it warns as the build did. */
static void loaded_partial(struct kd_dwarf_index *idx, const char *file)
{
	uint32_t n = idx->hdr ? idx->hdr->reserved : 0;
	if (!n)
		return;
	idx->partial = kd_error_create(KD_ERR_CORRUPT,
				       "%u unit%s of .debug_info left out (the "
				       "index was saved partial in %s: remove "
				       "it to build it again)", n,
				       n == 1 ? "" : "s", file);
	if (idx->warn && idx->partial)
		idx->warn(idx->warn_arg, idx->partial->message);
}

struct kd_error *kd_dwarf_index_start(const struct kd_dwarf_sections *s,
				      const struct kd_index_source_id *id,
				      const char *cache_file,
				      const struct kd_debuginfo_options *opts,
				      struct kd_dwarf_index **ret,
				      struct kd_index_info *info)
{
	double t0 = now();
	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "%s", cache_file ? cache_file : "");
	if (cache_file && !opts->rebuild) {
		struct kd_error *err = kd_dwarf_index_map(cache_file, id, 0, ret);
		if (!err) {
			err = remember_source(*ret, s, id, cache_file, opts);
			if (err) {
				kd_dwarf_index_destroy(*ret);
				return err;
			}
			info->origin = KD_INDEX_LOADED;
			(*ret)->info = info;
			fill_info(*ret, info, t0);
			loaded_partial(*ret, cache_file);
			return NULL;
		}
		if (err->code == KD_ERR_OS && err->errnum == ENOENT)
			kd_error_destroy(err);
		else
			set_note(info, "rebuilt", err);
	}
	struct kd_dwarf_index *idx = calloc(1, sizeof(*idx));
	if (!idx)
		return &kd_error_nomem;
	struct kd_error *err = remember_source(idx, s, id, cache_file, opts);
	if (!err)
		err = kd_index_build_start(s, id, cache_file, opts->nthreads, 1,
					   &idx->build);
	if (err) {
		kd_dwarf_index_destroy(idx);
		return err;
	}
	idx->info = info;
	idx->t0 = t0;
	*ret = idx;
	return NULL;
}

struct kd_error *kd_dwarf_index_load(const struct kd_dwarf_sections *s,
				     const struct kd_index_source_id *id,
				     const char *cache_file,
				     const struct kd_debuginfo_options *opts,
				     struct kd_dwarf_index **ret,
				     struct kd_index_info *info)
{
	struct kd_dwarf_index *idx;
	struct kd_error *err = kd_dwarf_index_start(s, id, cache_file, opts,
						    &idx, info);
	if (err)
		return err;
	err = kd_dwarf_index_wait(idx);
	if (err) {
		kd_dwarf_index_destroy(idx);
		return err;
	}
	idx->info = NULL;	/* the caller's, maybe on its stack */
	*ret = idx;
	return NULL;
}

const uint64_t *kd_dwarf_index_units(struct kd_dwarf_index *idx, size_t *n)
{
	*n = 0;
	if (!idx)
		return NULL;
	image_lost(idx);
	if (idx->build)
		return kd_index_build_units(idx->build, n);
	*n = idx->nunits;
	return idx->units;
}

uint64_t kd_dwarf_index_count(struct kd_dwarf_index *idx)
{
	return idx && settle(idx, 1) ? idx->nentries : 0;
}

size_t kd_dwarf_index_size(struct kd_dwarf_index *idx)
{
	return idx && settle(idx, 1) && idx->base ? idx->size : 0;
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

/* Points it at the bucket of its name in the complete index. */
static void find_bucket(struct kd_index_iter *it)
{
	struct kd_dwarf_index *idx = it->idx;
	it->pos = it->end = 0;
	if (!idx->base)
		return;		/* a failed build: nothing */
	uint32_t b = (uint32_t)(kd_name_hash(it->name, it->len) &
				(idx->nbuckets - 1));
	uint32_t start = idx->buckets[b], end = idx->buckets[b + 1];
	if (start > end || end > idx->nentries)
		return;		/* damaged: nothing */
	it->pos = start;
	it->end = end;
}

void kd_dwarf_index_find(struct kd_dwarf_index *idx, const char *name,
			 unsigned kinds, struct kd_index_iter *it)
{
	memset(it, 0, sizeof(*it));
	if (!idx)
		return;
	it->idx = idx;
	it->name = name;
	it->len = strlen(name);
	it->kinds = kinds;
	image_lost(idx);	/* then it is pending again */
	if (!settle(idx, 0) && kinds && !(kinds & (kinds - 1))) {
		unsigned kind = (unsigned)__builtin_ctz(kinds);
		size_t frontier;
		for (;;) {
			int r = kd_index_build_first(idx->build, name, kind,
						     &it->first, &frontier);
			if (r > 0) {
				it->state = KD_ITER_FIRST;
				return;
			}
			if (r < 0)
				break;
			if (kd_cancel_pending())
				return;		/* nothing */
			kd_index_build_wait_frontier(idx->build, frontier);
		}
	}
	if (!settle(idx, 1))
		return;		/* interrupted: nothing */
	find_bucket(it);
}

static int next_hit(struct kd_index_iter *it, struct kd_index_hit *hit)
{
	if (it->state == KD_ITER_FIRST) {
		*hit = it->first;
		it->state = KD_ITER_REST;
		return 1;
	}
	if (it->state == KD_ITER_REST) {
		/* the rest comes from the complete index, where the entry
		 * already given is the first of its name and kind */
		it->state = KD_ITER_SKIP;
		if (!settle(it->idx, 1))
			return 0;
		find_bucket(it);
	}
	while (it->pos < it->end) {
		uint32_t i = it->pos++;
		if (!fill_hit(it->idx, i, hit))
			continue;
		if (!(it->kinds & KD_DIX_MASK(hit->kind)))
			continue;
		if (strcmp(hit->name, it->name) != 0)
			continue;
		if (it->state == KD_ITER_SKIP && hit->die == it->first.die) {
			it->state = 0;
			continue;
		}
		if (it->skip) {		/* given before the index was rebuilt */
			it->skip--;
			continue;
		}
		return 1;
	}
	return 0;
}

int kd_dwarf_index_next(struct kd_index_iter *it, struct kd_index_hit *hit)
{
	for (;;) {
		int r = it->idx ? next_hit(it, hit) : 0;
		if (!it->idx || !image_lost(it->idx)) {
			it->given += r;
			return r;
		}
		/* what was just read may be zeros: go on in the rebuilt
		 * (complete) index, past the entries given already */
		it->state = 0;
		it->skip = it->given;
		it->pos = it->end = 0;
		if (!settle(it->idx, 1))
			return 0;	/* interrupted */
		find_bucket(it);
	}
}

int kd_dwarf_index_entry(struct kd_dwarf_index *idx, uint64_t i,
			 struct kd_index_hit *hit)
{
	if (!idx)
		return 0;
	image_lost(idx);
	if (!settle(idx, 1) || i >= idx->nentries)
		return 0;
	return fill_hit(idx, (uint32_t)i, hit) && !image_lost(idx);
}

/* ---- the cache file ---- */

/*
 * Written whole to a temporary file of a name no other process uses
 * (mkstemp: pids repeat across containers sharing a cache directory),
 * then renamed over path: a reader sees the old file or the new one,
 * never part of one, and a reader that has the old one mapped keeps it
 * (rename gives path a new inode).  Two processes saving at once both
 * succeed; the last rename wins, and both images are equal anyway.
 * Mode 0644 whatever the umask: the cache is shared by the users of one
 * machine's dumps, and only its owner writes it.
 */
struct kd_error *kd_dwarf_index_write(const char *path, const void *image,
				      size_t size)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return &kd_error_nomem;
	struct kd_error *err = NULL;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = kd_error_os(errno, tmp, "cannot create");
		goto out_free;
	}
	if (fchmod(fd, 0644) < 0)
		err = kd_error_os(errno, tmp, "cannot set the mode of");
	const uint8_t *p = image;
	size_t left = size;
	while (!err && left > 0) {
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

/* Opens a cache file of at least min_size bytes: fd and size. */
static struct kd_error *open_cache_file(const char *path, size_t min_size,
					int *fd, size_t *size)
{
	struct kd_error *err = kd_open_input(path, "cache file", fd);
	if (err)
		return err;
	struct stat st;
	if (fstat(*fd, &st) < 0)
		err = kd_error_os(errno, path, "cannot stat");
	else if (st.st_size < (off_t)min_size)
		err = kd_error_create(KD_ERR_TRUNCATED,
				      "%s: cache file too short", path);
	if (err) {
		close(*fd);
		return err;
	}
	*size = (size_t)st.st_size;
	return NULL;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14; older kernels: EINVAL */
#endif

/*
 * A buffer to read len bytes into, its pages mapped in one call.
 * Otherwise the read takes a fault per page: 1,000+ for a distro
 * vmlinux's symbol table image, 5 ms of a 60 ms warm start on a 2-CPU
 * VM.  The madvise is only a hint.
 */
static void *alloc_mapped(size_t len)
{
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	void *buf = malloc(len ? len : 1);
	uintptr_t start = ((uintptr_t)buf + page - 1) & ~(page - 1);
	uintptr_t stop = ((uintptr_t)buf + len) & ~(page - 1);
	if (buf && page && stop > start)
		(void)madvise((void *)start, stop - start, MADV_POPULATE_WRITE);
	return buf;
}

struct kd_error *kd_cache_file_read(const char *path, size_t min_size,
				    void **buf, size_t *size)
{
	int fd;
	struct kd_error *err = open_cache_file(path, min_size, &fd, size);
	if (err)
		return err;
	*buf = alloc_mapped(*size);
	if (!*buf)
		err = &kd_error_nomem;
	else if (!pread_full(fd, *buf, *size, 0))
		err = kd_error_create(KD_ERR_TRUNCATED, "%s: cannot read the "
				      "whole cache file (it shrank?)", path);
	close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	return err;
}

struct kd_error *kd_cache_file_map(const char *path, size_t min_size,
				   void **map, size_t *size, int *fd_ret,
				   struct kd_mapguard **guard)
{
	int fd;
	struct kd_error *err = open_cache_file(path, min_size, &fd, size);
	if (err)
		return err;
	*map = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	if (*map != MAP_FAILED)
		err = kd_mapguard_add(*map, *size, PROT_READ, path, fd,
				      guard);
	if (*map == MAP_FAILED || err || !fd_ret)
		close(fd);
	if (*map == MAP_FAILED)
		return kd_error_os(e, path, "cannot map");
	if (err) {
		munmap(*map, *size);
		return err;
	}
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
	struct kd_mapguard *guard;
	struct kd_error *err = kd_cache_file_map(path,
						 sizeof(struct kd_index_header),
						 &map, &size, &fd, &guard);
	if (err)
		return err;
	err = kd_dwarf_index_open_image(map, size, id,
					flags | KD_INDEX_NO_CHECKSUM |
					KD_INDEX_OWN_MMAP, ret);
	if (!err) {
		(*ret)->guard = guard;	/* removed with the mapping */
		guard = NULL;
	}
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
	/* shrank while we checked it: the header read may be zeros */
	if (!err && kd_mapguard_lost((*ret)->guard) != KD_MAPGUARD_INTACT) {
		kd_dwarf_index_destroy(*ret);
		err = kd_error_create(KD_ERR_TRUNCATED, "cache file shrank "
				      "while it was read");
		map = NULL;
	}
	close(fd);
	if (err) {
		kd_mapguard_remove(guard);
		if (map)
			munmap(map, size);
		return kd_error_prefix(err, "%s", path);
	}
	return NULL;
}
