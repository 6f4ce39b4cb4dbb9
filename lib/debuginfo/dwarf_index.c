// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Building the DWARF index.
 *
 *  1. List the unit headers of .debug_info (cheap).
 *  2. Workers (the calling thread is one of them) take units from an
 *     atomic counter and run the scanner.  Each keeps the entries it has
 *     not seen yet: the same struct is defined in hundreds of units, so
 *     per-worker deduplication (by the entry's identity key: name, kind,
 *     declaring file and line, size, address) keeps memory small.
 *  3. Merge: a counting sort by name-hash bucket; inside each bucket a
 *     sort by name, deduplication across workers (keeping the smallest
 *     DIE offset, so the result does not depend on thread timing), then
 *     declarations are dropped where a definition of the same name and
 *     kind exists (one declaration is kept otherwise, e.g. for variables
 *     defined in assembly), and the survivors are ordered by preference.
 *  4. Lay out the image (index_format.h).
 *
 * It all runs on threads of its own: the coordinator (also a worker)
 * and the other workers; the session looks names up while it runs
 * (kd_index_build_first) and takes the image when it ends.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pykdump/cancel.h>
#include <pykdump/hash_table.h>
#include <pykdump/vector.h>

#include "dwarf_index.h"
#include "index_format.h"

struct kd_index_build;

/*
 * A direct-mapped filter in front of a worker's set: ~80% of what the
 * scanner reports was seen before (every unit repeats its headers' types),
 * and the set and entry array are too big for the CPU caches.  A slot
 * remembers one entry that is in the set, under the name address it was
 * last reported with (names are compared by address here: equal addresses
 * are equal names; different ones go on to the set, which compares text).
 */
#define FILTER_BITS 14	/* at most 384 KB a worker: fits in L2 */

struct filter_slot {
	uint64_t key;
	const char *name;
	uint64_t die_kind;	/* the kept entry's DIE offset << 8 | kind */
};

/*
 * A worker's set of the entries it keeps: indexes into its array v + 1,
 * by the entry's identity key (the entries are too many to copy into the
 * table, and most probes end at an empty slot).
 */
struct entry_set;
static uint64_t set_hash(const struct entry_set *t, const uint32_t *e);
static bool set_eq(const struct entry_set *t, const uint32_t *e,
		   const struct kd_scan_entry *k);

static bool slot_empty(const uint32_t *e)
{
	return !*e;
}

KD_HASH_TABLE_DEFINE(entry_set, uint32_t, const struct kd_scan_entry *,
		     set_hash, set_eq, slot_empty)

struct worker {
	struct kd_index_build *b;
	pthread_t thread;
	struct kd_scan_state *st;
	struct kd_scan_entry *v;
	size_t n, cap;
	struct entry_set set;
	struct filter_slot *filter;	/* filter_mask + 1 slots */
	uint32_t filter_mask;
	struct name_block *names;	/* copies of names in .debug_info */
	struct kd_scan_entry *batch;	/* the current unit's entries */
	size_t nbatch, batch_cap;
	uint8_t *copy;			/* the current unit's bytes */
	size_t copy_cap;
	struct kd_error *err;
	/*
	 * Lookups while the build runs (kd_index_build_first): the kept
	 * entries chained by name hash from a bucket array sized once for
	 * what the section holds.  An index like the saved image's buckets
	 * rather than a table of keys: one store per kept entry, no probing
	 * (most names are kept several times), nothing moves; lookups
	 * compare the names.  qlock covers heads, chain and v; they are
	 * kept only when the build is queryable.
	 */
	pthread_mutex_t qlock;
	uint32_t *heads;		/* name hash -> index into v + 1 */
	uint32_t heads_mask;
	uint32_t *chain;		/* per entry of v: the next, + 1 */
	size_t chain_cap;
};

/* The kept entry that slot e of a worker's set names. */
static const struct kd_scan_entry *kept(const struct entry_set *t,
					const uint32_t *e)
{
	return &KD_CONTAINER_OF(t, struct worker, set)->v[*e - 1];
}

static int same_name(const struct kd_scan_entry *a,
		     const struct kd_scan_entry *b)
{
	return a->name_len == b->name_len &&
	       (a->name == b->name ||
		memcmp(a->name, b->name, a->name_len) == 0);
}

static uint64_t set_hash(const struct entry_set *t, const uint32_t *e)
{
	return kept(t, e)->key;
}

static bool set_eq(const struct entry_set *t, const uint32_t *e,
		   const struct kd_scan_entry *k)
{
	const struct kd_scan_entry *o = kept(t, e);
	return o->key == k->key && o->kind == k->kind && same_name(o, k);
}

/* Names that are not in a string section (DW_FORM_string, in
 * .debug_info) are copied when kept, so that the merge does not fault
 * the scanned (and released) pages back in.  A list of blocks: kept
 * entries point into them. */
#define NAME_BLOCK 65536

struct name_block {
	struct name_block *next;
	size_t used, size;
	char data[];
};

static int in_section(const char *p, const uint8_t *sec, size_t size)
{
	return sec && (const uint8_t *)p >= sec &&
	       (const uint8_t *)p < sec + size;
}

/* e->name copied into w's blocks, or NULL without memory. */
static const char *copy_name(struct worker *w, const struct kd_scan_entry *e)
{
	struct name_block *b = w->names;
	size_t need = (size_t)e->name_len + 1;
	if (!b || b->size - b->used < need) {
		size_t size = need > NAME_BLOCK ? need : NAME_BLOCK;
		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = w->names;
		b->used = 0;
		b->size = size;
		w->names = b;
	}
	char *p = b->data + b->used;
	memcpy(p, e->name, e->name_len);
	p[e->name_len] = '\0';
	b->used += need;
	return p;
}

enum build_state { B_SCANNING, B_MERGING, B_DONE };

struct kd_index_build {
	const struct kd_dwarf_sections *s;
	struct kd_scan_unit *units;
	size_t nunits;
	uint64_t *unit_offs;	/* units[i].off, for kd_index_build_units */
	struct worker *w;
	unsigned nw;
	int queryable;		/* keep the name chains */
	pthread_t coordinator;
	int started;		/* the coordinator runs (join it) */
	char *cache_file;	/* where the image is saved, or NULL */
	struct kd_index_source_id id;
	/* Under lock: */
	enum build_state state;
	pthread_cond_t progress_cond;	/* frontier moved, or state */
	/* The result, once state is B_DONE: */
	struct kd_error *err;
	void *image;
	size_t size;
	struct kd_error *save_err;	/* why it was not saved */
	/* Units left out (unreadable), the first one's error: */
	struct kd_error *skipped_err;
	uint64_t skipped_off;
	size_t nskipped;
	atomic_size_t next;
	atomic_size_t done;
	/* Dropping scanned pages (see release_scanned), under lock: */
	uint8_t *unit_done;
	size_t frontier;	/* units below it are all scanned */
	uint64_t released;	/* .debug_info offset released up to */
	atomic_int stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned running;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct filter_slot *filter_slot(const struct worker *w,
				       const struct kd_scan_entry *e)
{
	return &w->filter[(e->key >> 32) & w->filter_mask];
}

/* Names in a string section have a fixed address; others may be in the
 * unit copy, whose bytes change with the next unit. */
static int stable_name(const struct worker *w, const char *name)
{
	const struct kd_dwarf_sections *s = w->b->s;
	return in_section(name, s->str, s->str_size) ||
	       in_section(name, s->line_str, s->line_str_size);
}

static void filter_set(struct worker *w, const struct kd_scan_entry *e,
		       const struct kd_scan_entry *kept, int stable)
{
	struct filter_slot *f = filter_slot(w, e);
	f->key = e->key;
	f->name = stable ? e->name : NULL;	/* NULL: never matches */
	f->die_kind = kept->die << 8 | kept->kind;
}

static int filter_hit(const struct worker *w, const struct kd_scan_entry *e)
{
	const struct filter_slot *f = filter_slot(w, e);
	return f->key == e->key && f->name == e->name &&
	       (f->die_kind & 0xff) == e->kind && f->die_kind >> 8 <= e->die;
}

/* Adds e to the set unless an equal entry is there (then keeps the
 * first DIE); the set has room.  0 without memory. */
static int set_add(struct worker *w, const struct kd_scan_entry *e)
{
	int stable = stable_name(w, e->name);
	uint32_t *slot = entry_set_slot(&w->set, e, e->key);
	if (*slot) {
		struct kd_scan_entry *o = &w->v[*slot - 1];
		if (e->die < o->die) {
			const char *name = o->name;	/* a stable copy */
			*o = *e;
			o->name = name;
		}
		filter_set(w, e, o, stable);
		return 1;
	}
	int queryable = w->b->queryable;
	if (w->n >= UINT32_MAX - 1 ||
	    kd_array_reserve(&w->v, &w->cap, w->n + 1) ||
	    (queryable &&
	     kd_array_reserve(&w->chain, &w->chain_cap, w->n + 1)))
		return 0;
	w->v[w->n] = *e;
	if (!stable && !(w->v[w->n].name = copy_name(w, e)))
		return 0;
	uint32_t i = (uint32_t)++w->n;
	if (queryable) {
		uint32_t *head = &w->heads[e->name_hash & w->heads_mask];
		w->chain[i - 1] = *head;
		*head = i;
	}
	entry_set_fill(&w->set, slot, &i);
	filter_set(w, e, e, stable);
	return 1;
}

/* The scanner's callback: collects a unit's entries for add_batch. */
static int worker_emit(void *arg, const struct kd_scan_entry *e)
{
	struct worker *w = arg;
	struct kd_error *err = kd_array_reserve(&w->batch, &w->batch_cap,
						w->nbatch + 1);
	if (err) {
		w->err = err;
		return 1;
	}
	w->batch[w->nbatch++] = *e;
	return 0;
}

/*
 * Keeps the entries of the unit just scanned that this worker has not
 * seen (and of equal ones the first DIE), in two passes so that the
 * filter and set slots a few entries ahead can be prefetched: the tables
 * do not fit in the CPU caches and the probes are random.
 */
#define AHEAD 8

static int add_batch(struct worker *w)
{
	struct kd_scan_entry *e = w->batch;
	size_t n = w->nbatch, m = 0;
	w->nbatch = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + AHEAD < n)
			__builtin_prefetch(filter_slot(w, &e[i + AHEAD]));
		if (!filter_hit(w, &e[i]))
			e[m++] = e[i];
	}
	if (entry_set_reserve(&w->set, w->n + m + 1))
		return 0;
	for (size_t i = 0; i < m; i++) {
		if (i + AHEAD < m)
			entry_set_prefetch(&w->set, e[i + AHEAD].key);
		if (!set_add(w, &e[i]))
			return 0;
	}
	return 1;
}

/*
 * Keeping peak memory down: each page fault on the file mapping maps up
 * to 16 neighbouring pages and nothing unmaps them, so a scan through the
 * mapping would end with all of .debug_info (160+ MB for a distro kernel)
 * and most of .debug_line (whose file tables sit ~all over it) resident.
 * Units are read with pread when the file is at hand (scan_one); what is
 * still read through the mapping is dropped every few MB of progress
 * (the pages stay in the page cache): .debug_info below the frontier of
 * finished units, with a margin for fault-around near it (the fallback),
 * and .debug_abbrev and .debug_line whole (parts in use fault back in).
 */
#define RELEASE_STEP (4u << 20)
#define RELEASE_MARGIN (128u << 10)

static void drop_pages(const struct kd_dwarf_sections *s, const uint8_t *p,
		       size_t n)
{
	if (!s->file_map || !p || p < s->file_map ||
	    n > (size_t)(s->file_map + s->file_map_size - p))
		return;
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t end = ((uintptr_t)p + n) & ~(uintptr_t)4095;
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

static void release_scanned(struct kd_index_build *b, size_t unit)
{
	const struct kd_dwarf_sections *s = b->s;
	pthread_mutex_lock(&b->lock);
	b->unit_done[unit] = 1;
	size_t was = b->frontier;
	while (b->frontier < b->nunits && b->unit_done[b->frontier])
		b->frontier++;
	if (b->frontier != was)
		pthread_cond_broadcast(&b->progress_cond);
	if (!s->file_map) {
		pthread_mutex_unlock(&b->lock);
		return;
	}
	uint64_t safe = b->frontier < b->nunits ? b->units[b->frontier].off :
			s->info_size;
	safe = safe > RELEASE_MARGIN ? safe - RELEASE_MARGIN : 0;
	if (safe >= b->released + RELEASE_STEP) {
		uint64_t from = b->released > RELEASE_MARGIN ?
				b->released - RELEASE_MARGIN : 0;
		drop_pages(s, s->info + from, safe - from);
		drop_pages(s, s->abbrev, s->abbrev_size);
		drop_pages(s, s->line, s->line_size);
		b->released = safe;
	}
	pthread_mutex_unlock(&b->lock);
}

/*
 * Scans a unit from a copy read with pread when the file is at hand:
 * copying the bytes costs less than faulting the pages in (16 at a time),
 * unmapping them again to bound the memory used, and the TLB shootdowns
 * that come with it when several threads share the mapping.
 */
static struct kd_error *scan_one(struct worker *w, const struct kd_scan_unit *u)
{
	const struct kd_dwarf_sections *s = w->b->s;
	size_t size = (size_t)(u->end - u->off);
	if (!kd_sections_info_in_file(s))
		return kd_dwarf_scan_unit(w->st, s, u, worker_emit, w);
	if (size > w->copy_cap) {
		free(w->copy);
		w->copy_cap = size > 65536 ? size : 65536;
		if (!(w->copy = malloc(w->copy_cap))) {
			w->copy_cap = 0;
			return &kd_error_nomem;
		}
	}
	off_t at = (off_t)(s->info - s->file_map) + (off_t)u->off;
	size_t got = 0;
	while (got < size) {
		ssize_t n = pread(s->fd, w->copy + got, size - got,
				  at + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)	/* the mapping may still work */
			return kd_dwarf_scan_unit(w->st, s, u, worker_emit, w);
		got += (size_t)n;
	}
	return kd_dwarf_scan_unit_copy(w->st, s, u, w->copy, worker_emit, w);
}

/*
 * A background build yields to the session: its threads run at a lower
 * priority (on Linux, per thread), so that the commands being typed or
 * run meanwhile keep a whole CPU and the build takes what is left.
 * Lowering one's priority needs no privilege; a failure changes only
 * the timing.
 */
#define BACKGROUND_NICE 10

static void lower_priority(const struct kd_index_build *b)
{
	if (!b->queryable)
		return;
	errno = 0;
	int nice_now = getpriority(PRIO_PROCESS, (id_t)gettid());
	if (nice_now == -1 && errno)
		return;
	int want = nice_now + BACKGROUND_NICE;
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), want > 19 ? 19 : want);
}

static void work(struct worker *w)
{
	struct kd_index_build *b = w->b;
	lower_priority(b);
	while (!atomic_load(&b->stop)) {
		size_t i = atomic_fetch_add(&b->next, 1);
		if (i >= b->nunits)
			break;
		/* worker_emit sets w->err when it stops the scan */
		struct kd_error *err = scan_one(w, &b->units[i]);
		if (!w->err)
			w->err = err;
		else
			kd_error_destroy(err);
		if (w->err && w->err->code != KD_ERR_NOMEM) {
			/* A unit that cannot be read (corrupt DWARF): the
			 * index goes on without it, and says so. */
			pthread_mutex_lock(&b->lock);
			if (!b->skipped_err ||
			    b->units[i].off < b->skipped_off) {
				kd_error_destroy(b->skipped_err);
				b->skipped_err = w->err;
				b->skipped_off = b->units[i].off;
			} else {
				kd_error_destroy(w->err);
			}
			b->nskipped++;
			pthread_mutex_unlock(&b->lock);
			w->err = NULL;
			w->nbatch = 0;
		}
		if (b->queryable)
			pthread_mutex_lock(&w->qlock);
		if (!w->err && !add_batch(w))
			w->err = &kd_error_nomem;
		if (b->queryable)
			pthread_mutex_unlock(&w->qlock);
		if (w->err)
			break;
		release_scanned(b, i);
		atomic_fetch_add(&b->done, 1);
	}
	if (w->err)
		atomic_store(&b->stop, 1);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	work(w);
	pthread_mutex_lock(&w->b->lock);
	w->b->running--;
	pthread_cond_signal(&w->b->cond);
	pthread_mutex_unlock(&w->b->lock);
	return NULL;
}

static void wait_workers(struct kd_index_build *b)
{
	pthread_mutex_lock(&b->lock);
	while (b->running > 0)
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
}

static uint32_t pow2_at_least(size_t n)
{
	uint32_t p = 1;
	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

static unsigned pick_threads(unsigned want, size_t nunits)
{
	if (want == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		want = n > 0 ? (unsigned)n : 1;
	}
	if (want > 64)
		want = 64;
	if (want > nunits)
		want = nunits ? (unsigned)nunits : 1;
	return want;
}

/* What a worker needs only while scanning. */
static void free_lookup(struct worker *w)
{
	kd_scan_state_destroy(w->st);
	entry_set_deinit(&w->set);
	free(w->filter);
	free(w->batch);
	free(w->copy);
	free(w->heads);
	free(w->chain);
	w->heads = w->chain = NULL;
	w->copy = NULL;
	w->st = NULL;
	w->filter = NULL;
	w->batch = NULL;
}

static struct kd_error *run_workers(struct kd_index_build *b, struct worker *w,
				    unsigned n)
{
	struct kd_error *err = NULL;
	for (unsigned i = 0; i < n; i++) {
		w[i].b = b;
		/* Sized for what the section holds (a distro kernel keeps
		 * ~1 name per 400 bytes of .debug_info, spread over the
		 * workers), so that the set rarely grows and rehashes.  A
		 * module's section is small: its filter and arrays are too,
		 * as their zeroed pages cost more than its whole scan
		 * (mod -S indexes every module). */
		size_t expect = b->s->info_size / 400 / n;
		if (!err)
			err = kd_scan_state_create(expect + 1, &w[i].st);
		uint32_t nf = pow2_at_least(4 * expect);
		if (nf > 1u << FILTER_BITS)
			nf = 1u << FILTER_BITS;
		if (nf < 256)
			nf = 256;
		w[i].filter_mask = nf - 1;
		if (!err && !(w[i].filter = calloc(nf, sizeof(*w[i].filter))))
			err = &kd_error_nomem;
		if (!err)
			err = entry_set_reserve(&w[i].set, expect);
		/* The kept entries start at a few thousand: big enough for
		 * malloc to give them mappings of their own, which grow in
		 * place, rather than a walk up from a few in the thread's
		 * arena (that left ~2 MB more resident at the end); a
		 * module's, at about what it holds. */
		size_t start = 2 * expect + 64 < 4096 ? 2 * expect + 64 : 4096;
		if (!err)
			err = kd_array_reserve(&w[i].v, &w[i].cap, start);
		if (!err && b->queryable)
			err = kd_array_reserve(&w[i].chain, &w[i].chain_cap,
					       start);
		if (!err)
			err = kd_array_reserve(&w[i].batch, &w[i].batch_cap,
					       start < 1024 ? start : 1024);
		if (!err && b->queryable) {
			uint32_t nh = pow2_at_least(expect > 1024 ? expect : 1024);
			w[i].heads_mask = nh - 1;
			if (!(w[i].heads = calloc(nh, sizeof(*w[i].heads))))
				err = &kd_error_nomem;
		}
	}
	if (err)
		return err;
	unsigned started = 0;
	b->running = 0;
	for (unsigned i = 1; i < n; i++) {
		pthread_mutex_lock(&b->lock);
		b->running++;
		pthread_mutex_unlock(&b->lock);
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i])) {
			pthread_mutex_lock(&b->lock);
			b->running--;
			pthread_mutex_unlock(&b->lock);
			break;		/* fewer threads: still correct */
		}
		started++;
	}
	work(&w[0]);
	wait_workers(b);
	for (unsigned i = 1; i <= started; i++)
		pthread_join(w[i].thread, NULL);
	for (unsigned i = 0; i < n; i++) {
		if (w[i].err && !err)
			err = w[i].err;
		else if (w[i].err)
			kd_error_destroy(w[i].err);
		w[i].err = NULL;
	}
	if (!err && atomic_load(&b->stop))
		err = kd_error_create(KD_ERR_INTERRUPTED, "DWARF index: build stopped");
	return err;
}

/* ---- merge ---- */

/* Entries are compared by name hash first: names differ in it almost
 * always, and it is in the entry (the name is elsewhere in memory). */
static int cmp_name(const struct kd_scan_entry *a,
		    const struct kd_scan_entry *b)
{
	if (a->name_hash != b->name_hash)
		return a->name_hash < b->name_hash ? -1 : 1;
	if (a->name == b->name && a->name_len == b->name_len)
		return 0;
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	return (a->name_len > b->name_len) - (a->name_len < b->name_len);
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

/* name, kind, definitions first, identity, DIE offset */
static int cmp_dedup(const void *pa, const void *pb)
{
	const struct kd_scan_entry *a = pa, *b = pb;
	int c = cmp_name(a, b);
	if (c)
		return c;
	CMP(a->kind, b->kind);
	CMP(a->flags & KD_DIX_DECL, b->flags & KD_DIX_DECL);
	CMP(a->key, b->key);
	CMP(a->die, b->die);
	return 0;
}

/* name, kind, definitions first, with an address first, DIE offset */
static int cmp_final(const void *pa, const void *pb)
{
	const struct kd_scan_entry *a = pa, *b = pb;
	int c = cmp_name(a, b);
	if (c)
		return c;
	CMP(a->kind, b->kind);
	CMP(a->flags & KD_DIX_DECL, b->flags & KD_DIX_DECL);
	CMP(!(a->flags & KD_DIX_HAS_ADDR), !(b->flags & KD_DIX_HAS_ADDR));
	CMP(a->die, b->die);
	return 0;
}

/* Buckets hold a few entries: insertion sort, qsort for big ones. */
static void sort_entries(struct kd_scan_entry *e, size_t n,
			 int (*cmp)(const void *, const void *))
{
	if (n > 16) {
		kd_qsort(e, n, sizeof(*e), cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct kd_scan_entry x = e[i];
		size_t j = i;
		for (; j > 0 && cmp(&e[j - 1], &x) > 0; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

/* Deduplicates one bucket in place; returns the new length. */
static size_t dedup_bucket(struct kd_scan_entry *e, size_t n)
{
	sort_entries(e, n, cmp_dedup);
	size_t out = 0;
	for (size_t i = 0; i < n; i++) {
		struct kd_scan_entry *prev = out ? &e[out - 1] : NULL;
		int same_group = prev && prev->kind == e[i].kind &&
				 same_name(prev, &e[i]);
		if (same_group && prev->key == e[i].key &&
		    (prev->flags & KD_DIX_DECL) == (e[i].flags & KD_DIX_DECL))
			continue;	/* the same entity seen by two workers */
		if (same_group && (e[i].flags & KD_DIX_DECL)) {
			/* a definition or one declaration is kept: the
			 * first one in the file */
			if ((prev->flags & KD_DIX_DECL) && e[i].die < prev->die)
				*prev = e[i];
			continue;
		}
		e[out++] = e[i];
	}
	sort_entries(e, out, cmp_final);
	return out;
}

/* The merged entries: grouped by bucket (starts[b] .. starts[b + 1]). */
struct merged {
	struct kd_scan_entry *e;
	size_t n;
	uint32_t nbuckets;
	uint32_t *starts;
};

struct dedup_job {
	pthread_t thread;
	struct kd_scan_entry *e;
	const uint32_t *starts;
	uint32_t *kept;		/* per bucket: entries left at its start */
	uint32_t lo, hi;	/* bucket range */
};

static void *dedup_range(void *arg)
{
	struct dedup_job *j = arg;
	for (uint32_t bk = j->lo; bk < j->hi; bk++)
		j->kept[bk] = (uint32_t)dedup_bucket(j->e + j->starts[bk],
						     j->starts[bk + 1] -
						     j->starts[bk]);
	return NULL;
}

/* Deduplicates every bucket, the bucket ranges split among threads. */
static void dedup_buckets(struct kd_scan_entry *e, const uint32_t *starts,
			  uint32_t nb, uint32_t *kept, unsigned nthreads)
{
	struct dedup_job jobs[64];
	unsigned n = nthreads < 64 ? nthreads : 64, started = 0;
	if (n == 0 || nb < 1024)
		n = 1;
	for (unsigned i = 0; i < n; i++) {
		jobs[i] = (struct dedup_job){ .e = e, .starts = starts,
					      .kept = kept,
					      .lo = (uint32_t)((uint64_t)nb * i / n),
					      .hi = (uint32_t)((uint64_t)nb * (i + 1) / n) };
	}
	for (unsigned i = 1; i < n; i++) {
		if (pthread_create(&jobs[i].thread, NULL, dedup_range, &jobs[i]))
			break;
		started = i;
	}
	/* the caller does its own range and any a thread could not take */
	dedup_range(&jobs[0]);
	for (unsigned i = started + 1; i < n; i++)
		dedup_range(&jobs[i]);
	for (unsigned i = 1; i <= started; i++)
		pthread_join(jobs[i].thread, NULL);
}

static void count_bucket(uint32_t *starts, uint32_t mask,
			 const struct kd_scan_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		starts[(e[i].name_hash & mask) + 1]++;
}

static void scatter(struct kd_scan_entry *out, uint32_t *fill, uint32_t mask,
		    const struct kd_scan_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[fill[e[i].name_hash & mask]++] = e[i];
}

static void prefix_sums(uint32_t *starts, uint32_t nb, uint32_t *fill)
{
	for (uint32_t b = 0; b < nb; b++)
		starts[b + 1] += starts[b];
	memcpy(fill, starts, nb * sizeof(*fill));
}

/*
 * Copies every worker's entries, grouped by name-hash bucket (a stable
 * counting sort, freeing each worker's array once copied), deduplicates
 * the buckets, then groups the survivors by the final, smaller bucket
 * count (entries of one name stay together: the sort is stable).
 */
static struct kd_error *merge(struct worker *w, unsigned nw,
			      struct merged *m)
{
	size_t total = 0;
	for (unsigned i = 0; i < nw; i++)
		total += w[i].n;
	if (total >= UINT32_MAX)
		return kd_error_create(KD_ERR_LIMIT, "DWARF index: too many names");
	uint32_t nb = pow2_at_least(total), mask = nb - 1;
	struct kd_scan_entry *a = malloc((total + 1) * sizeof(*a));
	uint32_t *starts = calloc((size_t)nb + 1, sizeof(*starts));
	uint32_t *fill = malloc(((size_t)nb + 1) * sizeof(*fill));
	if (!a || !starts || !fill) {
		free(a);
		free(starts);
		free(fill);
		return &kd_error_nomem;
	}
	for (unsigned i = 0; i < nw; i++)
		count_bucket(starts, mask, w[i].v, w[i].n);
	prefix_sums(starts, nb, fill);
	for (unsigned i = 0; i < nw; i++) {
		scatter(a, fill, mask, w[i].v, w[i].n);
		free(w[i].v);
		w[i].v = NULL;
		w[i].n = w[i].cap = 0;
	}
	uint32_t *kept = fill;		/* reused: one count per bucket */
	dedup_buckets(a, starts, nb, kept, nw);
	size_t out = 0;
	for (uint32_t bk = 0; bk < nb; bk++) {
		memmove(a + out, a + starts[bk], kept[bk] * sizeof(*a));
		out += kept[bk];
	}
	uint32_t nb2 = pow2_at_least(out ? out : 1);
	struct kd_scan_entry *b = malloc((out + 1) * sizeof(*b));
	if (!b) {
		free(a);
		free(starts);
		free(fill);
		return &kd_error_nomem;
	}
	memset(starts, 0, ((size_t)nb2 + 1) * sizeof(*starts));
	count_bucket(starts, nb2 - 1, a, out);
	prefix_sums(starts, nb2, fill);
	scatter(b, fill, nb2 - 1, a, out);
	free(a);
	free(fill);
	m->e = b;
	m->n = out;
	m->nbuckets = nb2;
	m->starts = starts;
	return NULL;
}

/* ---- layout ---- */

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static size_t strings_size(const struct merged *m)
{
	size_t size = 1;	/* offset 0: the empty string */
	for (size_t i = 0; i < m->n; i++) {
		if (i == 0 || !same_name(&m->e[i - 1], &m->e[i]))
			size += m->e[i].name_len + 1;
	}
	return size;
}

static struct kd_error *lay_out(const struct merged *m,
				const struct kd_scan_unit *units, size_t nunits,
				const struct kd_index_source_id *id,
				void **image, size_t *size)
{
	size_t nstr = strings_size(m);
	size_t buckets_off = sizeof(struct kd_index_header);
	size_t entries_off = align8(buckets_off + 4 * ((size_t)m->nbuckets + 1));
	size_t strings_off = entries_off + 16 * m->n;
	size_t units_off = align8(strings_off + nstr);
	size_t total = units_off + 8 * nunits;
	if (nstr > UINT32_MAX)
		return kd_error_create(KD_ERR_LIMIT, "DWARF index: names too large");
	uint8_t *img = calloc(1, total);
	if (!img)
		return &kd_error_nomem;
	memcpy(img + buckets_off, m->starts, 4 * ((size_t)m->nbuckets + 1));
	struct kd_index_entry *ent = (struct kd_index_entry *)(img + entries_off);
	char *str = (char *)img + strings_off;
	size_t pos = 1;
	uint32_t name_off = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct kd_scan_entry *e = &m->e[i];
		if (i == 0 || !same_name(&m->e[i - 1], e)) {
			name_off = (uint32_t)pos;
			memcpy(str + pos, e->name, e->name_len);
			pos += e->name_len + 1;
		}
		ent[i].name = name_off;
		ent[i].kind = e->kind;
		ent[i].flags = e->flags;
		ent[i].die = e->die;
	}
	struct kd_index_header *h = (struct kd_index_header *)img;
	memcpy(h->magic, KD_INDEX_MAGIC, 8);
	h->version = KD_INDEX_VERSION;
	h->header_size = sizeof(*h);
	h->file_size = total;
	h->source_size = id->size;
	h->source_mtime_ns = id->mtime_ns;
	h->build_id_len = (uint32_t)(id->build_id_len <= KD_INDEX_MAX_BUILD_ID ?
				     id->build_id_len : 0);
	if (h->build_id_len)
		memcpy(h->build_id, id->build_id, h->build_id_len);
	h->nentries = (uint32_t)m->n;
	h->nbuckets = m->nbuckets;
	h->buckets_off = buckets_off;
	h->entries_off = entries_off;
	h->strings_off = strings_off;
	h->strings_size = units_off - strings_off;
	h->units_off = units_off;
	h->nunits = nunits;
	uint64_t *uoff = (uint64_t *)(img + units_off);
	for (size_t i = 0; i < nunits; i++)
		uoff[i] = units[i].off;
	h->body_checksum = kd_index_checksum(img + sizeof(*h), total - sizeof(*h));
	h->header_checksum = kd_index_header_checksum(h);
	*image = img;
	*size = total;
	return NULL;
}

/* ---- the build as an object: started, queried while it runs, finished ---- */

static void free_workers(struct kd_index_build *b)
{
	for (unsigned i = 0; b->w && i < b->nw; i++) {
		free_lookup(&b->w[i]);
		free(b->w[i].v);
		b->w[i].v = NULL;
		while (b->w[i].names) {
			struct name_block *next = b->w[i].names->next;
			free(b->w[i].names);
			b->w[i].names = next;
		}
	}
}

/* What the scan read through the file mapping goes back to the page
 * cache (the scan itself drops it as it goes; this is the rest). */
static void drop_sections(const struct kd_dwarf_sections *s)
{
	drop_pages(s, s->info, s->info_size);
	drop_pages(s, s->abbrev, s->abbrev_size);
	drop_pages(s, s->str, s->str_size);
	drop_pages(s, s->line_str, s->line_str_size);
	drop_pages(s, s->line, s->line_size);
}

/* The file shrank while the scan read it (pykdump/mapguard.h): what the
 * scan saw past its new end was zeros. */
static struct kd_error *shrank(const struct kd_dwarf_sections *s)
{
	uint64_t lost = kd_mapguard_lost(s->guard);
	if (lost == KD_MAPGUARD_INTACT)
		return NULL;
	return kd_error_create(KD_ERR_TRUNCATED,
			       "%s: the file shrank while its DWARF index was "
			       "built (it now ends at or before offset "
			       "0x%llx): the index is not kept", s->path,
			       (unsigned long long)lost);
}

/* The build's own thread: scan (it is worker 0), merge, lay out, save. */
static void *coordinate(void *arg)
{
	struct kd_index_build *b = arg;
	struct kd_error *err = run_workers(b, b->w, b->nw);
	pthread_mutex_lock(&b->lock);
	b->state = B_MERGING;	/* lookups stop reading the workers' sets */
	pthread_mutex_unlock(&b->lock);
	for (unsigned i = 0; i < b->nw; i++)
		free_lookup(&b->w[i]);	/* not needed by the merge */
	struct merged m = { 0 };
	if (!err)
		err = merge(b->w, b->nw, &m);
	if (!err)
		err = lay_out(&m, b->units, b->nunits, &b->id, &b->image,
			      &b->size);
	if (!err)	/* names and units read as zeros: keep nothing */
		err = shrank(b->s);
	free(m.e);
	free(m.starts);
	free_workers(b);
	if (!err && b->skipped_err) {
		/* saved marked partial (the header's count of units left
		 * out): the next session loads it and warns again, instead
		 * of building it again at every start */
		struct kd_index_header *h = b->image;
		h->reserved = b->nskipped > UINT32_MAX ? UINT32_MAX :
			      (uint32_t)b->nskipped;
		h->header_checksum = kd_index_header_checksum(h);
	}
	if (!err && b->cache_file) {
		b->save_err = kd_cache_mkdir_for(b->cache_file);
		if (!b->save_err)
			b->save_err = kd_dwarf_index_write(b->cache_file,
							   b->image, b->size);
	}
	drop_sections(b->s);
	pthread_mutex_lock(&b->lock);
	b->err = err;
	b->state = B_DONE;
	pthread_cond_broadcast(&b->progress_cond);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

static void build_free(struct kd_index_build *b)
{
	if (!b)
		return;
	free_workers(b);
	for (unsigned i = 0; b->w && i < b->nw; i++)
		pthread_mutex_destroy(&b->w[i].qlock);
	free(b->w);
	pthread_cond_destroy(&b->cond);
	pthread_cond_destroy(&b->progress_cond);
	pthread_mutex_destroy(&b->lock);
	kd_error_destroy(b->err);
	kd_error_destroy(b->save_err);
	kd_error_destroy(b->skipped_err);
	free(b->image);
	free(b->unit_done);
	free(b->unit_offs);
	free(b->units);
	free(b->cache_file);
	free(b);
}

struct kd_error *kd_index_build_start(const struct kd_dwarf_sections *s,
				      const struct kd_index_source_id *id,
				      const char *cache_file, unsigned nthreads,
				      int queryable,
				      struct kd_index_build **ret)
{
	struct kd_index_build *b = calloc(1, sizeof(*b));
	if (!b)
		return &kd_error_nomem;
	b->s = s;
	b->id = *id;
	b->queryable = queryable;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	pthread_cond_init(&b->progress_cond, NULL);
	struct kd_error *err = kd_dwarf_list_units(s, &b->units, &b->nunits);
	if (err) {
		build_free(b);
		return err;
	}
	b->nw = pick_threads(nthreads, b->nunits);
	b->w = calloc(b->nw, sizeof(*b->w));
	b->unit_done = calloc(b->nunits + 1, 1);
	b->unit_offs = malloc((b->nunits + 1) * sizeof(*b->unit_offs));
	if (!b->w || !b->unit_done || !b->unit_offs ||
	    (cache_file && !(b->cache_file = strdup(cache_file)))) {
		build_free(b);
		return &kd_error_nomem;
	}
	for (unsigned i = 0; i < b->nw; i++)
		pthread_mutex_init(&b->w[i].qlock, NULL);
	for (size_t i = 0; i < b->nunits; i++)
		b->unit_offs[i] = b->units[i].off;
	/* Signals (Ctrl-C) go to the session's threads, not to these. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int failed = pthread_create(&b->coordinator, NULL, coordinate, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (failed)
		coordinate(b);	/* no thread: build here, still correct */
	else
		b->started = 1;
	*ret = b;
	return NULL;
}

const uint64_t *kd_index_build_units(const struct kd_index_build *b,
				     size_t *n)
{
	*n = b->nunits;
	return b->unit_offs;
}

/* Is e certainly ahead of every entry of its name and kind the scan has
 * not reached (cmp_final's order)?  Definitions come first, and among
 * variables and functions those with an address; the rest by offset. */
static int first_class(const struct kd_scan_entry *e)
{
	if (e->flags & KD_DIX_DECL)
		return 0;
	if (e->kind == KD_DIX_VARIABLE || e->kind == KD_DIX_FUNCTION)
		return !!(e->flags & KD_DIX_HAS_ADDR);
	return 1;
}

int kd_index_build_first(struct kd_index_build *b, const char *name,
			 unsigned kind, struct kd_index_hit *hit,
			 size_t *frontier)
{
	if (!b->queryable)
		return -1;
	size_t len = strlen(name);
	uint64_t h = kd_name_hash(name, len);
	uint64_t best = UINT64_MAX;
	uint8_t flags = 0;
	pthread_mutex_lock(&b->lock);
	if (b->state != B_SCANNING) {
		pthread_mutex_unlock(&b->lock);
		return -1;
	}
	/* every unit below the frontier is in the sets: an entry there
	 * that is first-class comes before anything still unscanned */
	*frontier = b->frontier;
	uint64_t limit = b->frontier < b->nunits ?
			 b->units[b->frontier].off : UINT64_MAX;
	for (unsigned i = 0; i < b->nw; i++) {
		struct worker *w = &b->w[i];
		pthread_mutex_lock(&w->qlock);
		for (uint32_t j = w->heads ? w->heads[h & w->heads_mask] : 0;
		     j; j = w->chain[j - 1]) {
			const struct kd_scan_entry *e = &w->v[j - 1];
			if (e->name_hash != h || e->kind != kind ||
			    e->name_len != len || e->die >= limit ||
			    e->die >= best || !first_class(e) ||
			    memcmp(e->name, name, len) != 0)
				continue;
			best = e->die;
			flags = e->flags;
		}
		pthread_mutex_unlock(&w->qlock);
	}
	pthread_mutex_unlock(&b->lock);
	if (best == UINT64_MAX)
		return 0;
	hit->name = name;
	hit->die = best;
	hit->kind = (uint8_t)kind;
	hit->flags = flags;
	return 1;
}

static void deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += ms * 1000000L;
	ts->tv_sec += ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
}

int kd_index_build_wait_end(struct kd_index_build *b, int block,
			    int stop_on_cancel, kd_progress_fn *progress,
			    void *arg)
{
	double t0 = now(), last = 0;
	pthread_mutex_lock(&b->lock);
	while (b->state != B_DONE && block) {
		struct timespec ts;
		deadline(&ts, 100);
		pthread_cond_timedwait(&b->progress_cond, &b->lock, &ts);
		if (b->state == B_DONE)
			break;
		pthread_mutex_unlock(&b->lock);
		if (kd_cancel_pending()) {
			if (!stop_on_cancel)
				return 0;
			atomic_store(&b->stop, 1);
		}
		double t = now();
		if (progress && t - t0 >= 0.1 && t - last >= 0.1) {
			/* the total comes only once it has ended */
			size_t done = atomic_load(&b->done);
			last = t;
			progress(arg, "indexing DWARF",
				 done < b->nunits ? done : b->nunits - 1,
				 b->nunits);
		}
		pthread_mutex_lock(&b->lock);
	}
	int done = b->state == B_DONE;
	pthread_mutex_unlock(&b->lock);
	if (done && last > 0)
		progress(arg, "indexing DWARF", b->nunits, b->nunits);
	return done;
}

void kd_index_build_wait_frontier(struct kd_index_build *b, size_t frontier)
{
	struct timespec ts;
	deadline(&ts, 100);
	pthread_mutex_lock(&b->lock);
	if (b->state == B_SCANNING && b->frontier <= frontier)
		pthread_cond_timedwait(&b->progress_cond, &b->lock, &ts);
	pthread_mutex_unlock(&b->lock);
}

struct kd_error *kd_index_build_finish(struct kd_index_build *b,
				       kd_progress_fn *progress, void *arg,
				       struct kd_index_result *r)
{
	memset(r, 0, sizeof(*r));
	r->nunits = b->nunits;
	kd_index_build_wait_end(b, 1, 1, progress, arg);
	if (b->started)
		pthread_join(b->coordinator, NULL);
	struct kd_error *err = b->err;
	b->err = NULL;
	if (!err) {
		r->image = b->image;
		r->size = b->size;
		b->image = NULL;
		r->saved = b->cache_file && !b->save_err;
		r->save_err = b->save_err;
		b->save_err = NULL;
		r->skipped_err = b->skipped_err;
		r->nskipped = b->nskipped;
		b->skipped_err = NULL;
	}
	build_free(b);
	return err;
}

void kd_index_build_abandon(struct kd_index_build *b)
{
	if (!b)
		return;
	atomic_store(&b->stop, 1);
	if (b->started)
		pthread_join(b->coordinator, NULL);
	build_free(b);
}

struct kd_error *kd_dwarf_index_build(const struct kd_dwarf_sections *s,
				      const struct kd_index_source_id *id,
				      unsigned nthreads,
				      kd_progress_fn *progress, void *arg,
				      void **image, size_t *size,
				      uint64_t *nunits)
{
	struct kd_index_build *b;
	struct kd_index_result r;
	struct kd_error *err = kd_index_build_start(s, id, NULL, nthreads, 0,
						    &b);
	if (err)
		return err;
	err = kd_index_build_finish(b, progress, arg, &r);
	if (nunits)
		*nunits = r.nunits;
	kd_error_destroy(r.save_err);
	kd_error_destroy(r.skipped_err);
	if (err)
		return err;
	*image = r.image;
	*size = r.size;
	return NULL;
}

/* ---- the cache directory ---- */

static int mkdir_parents(const char *file)
{
	char *dir = strdup(file);
	if (!dir)
		return -1;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			chmod(dir, 0755);	/* whatever the umask */
		} else if (errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

struct kd_error *kd_cache_mkdir_for(const char *file)
{
	if (mkdir_parents(file) < 0)
		return kd_error_os(errno, file, "cannot create directory for");
	return NULL;
}
