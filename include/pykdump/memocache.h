/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memoization with invalidation rules (the seed's memocaches).
 *
 * Every cache in the library registers here with the flags that say
 * when it must be dropped:
 *   KD_CU_LIVE     time-varying data: never kept on a live kernel
 *   KD_CU_LOAD     depends on debuginfo (types, readers, symbols):
 *                  dropped when module debuginfo is loaded or unloaded,
 *                  and asked to drop one type by kd_memocache_purge_type()
 *   KD_CU_PYMOD    dropped when Python modules are reloaded (--reload)
 *   KD_CU_TIMEOUT  dropped when the command timeout is raised
 *
 * kd_memocache_purge(mc, KD_CU_LOAD) calls the purge callback of every
 * registered cache whose flags include KD_CU_LOAD, drops the matching
 * entries of the generic store, and bumps the generation number, so
 * holders of debuginfo-derived data can tell it is stale.
 *
 * A registered cache must itself honour the live rule: before keeping
 * anything flagged KD_CU_LIVE it asks kd_memocache_may_cache().
 *
 * It also holds a generic memo store: key (string) -> value (bytes),
 * used for e.g. command outputs, with the same flags, an optional type
 * name (so kd_memocache_purge_type() drops what was derived from that
 * type) and a size cap: when the store passes its byte budget the least
 * recently used entries go.
 *
 * One memocache per session; not thread-safe.
 */
#ifndef PYKDUMP_MEMOCACHE_H
#define PYKDUMP_MEMOCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KD_CU_LIVE	0x1
#define KD_CU_LOAD	0x2
#define KD_CU_PYMOD	0x4
#define KD_CU_TIMEOUT	0x8
#define KD_CU_ALL	0xf

/* Default byte budget of the generic store (keys, values, overhead). */
#define KD_MEMO_DEFAULT_LIMIT (64u << 20)

struct kd_memocache;

/*
 * Called with the flags being purged (the intersection of the purge's
 * flags and the cache's); type_name is NULL when everything under those
 * flags must go, else only what depends on that type (struct/union/enum
 * name as the user spells it, e.g. "struct task_struct").  A callback
 * may unregister its own or other caches, but must not purge.
 */
typedef void kd_cache_purge_fn(void *owner, unsigned flags,
			       const char *type_name);

/* live: 1 on a live kernel (then nothing flagged KD_CU_LIVE is kept). */
KD_PUBLIC struct kd_error *kd_memocache_create(int live,
					       struct kd_memocache **ret);
/* Calls no callbacks: owners unregister (or die) before this. */
KD_PUBLIC void kd_memocache_destroy(struct kd_memocache *mc);

/* 1 on a live kernel: callers must not cache KD_CU_LIVE data at all. */
KD_PUBLIC int kd_memocache_is_live(const struct kd_memocache *mc);
/* 0 when data with these flags must not be kept (live and KD_CU_LIVE). */
KD_PUBLIC int kd_memocache_may_cache(const struct kd_memocache *mc,
				     unsigned flags);

/* Register a cache; *id is for kd_memocache_unregister().  flags must be
 * a non-empty subset of KD_CU_ALL. */
KD_PUBLIC struct kd_error *kd_memocache_register(struct kd_memocache *mc,
						 unsigned flags,
						 kd_cache_purge_fn *purge,
						 void *owner, int *id);
/* Unknown or already unregistered ids are ignored. */
KD_PUBLIC void kd_memocache_unregister(struct kd_memocache *mc, int id);

/* Purge every cache whose flags intersect flags and the store entries
 * flagged so.  Bumps the generation when flags include KD_CU_LOAD. */
KD_PUBLIC void kd_memocache_purge(struct kd_memocache *mc, unsigned flags);
/* Purge what is known about one type name (purge_typeinfo(name)): every
 * KD_CU_LOAD cache is called with type_name, store entries tagged with
 * that type go, and the generation is bumped.  NULL = every type, the
 * same as kd_memocache_purge(mc, KD_CU_LOAD). */
KD_PUBLIC void kd_memocache_purge_type(struct kd_memocache *mc,
				       const char *type_name);
/* Starts at 1; increases whenever debuginfo-derived data is purged (module
 * debuginfo loaded or unloaded, a type purged).  Derived data records it
 * when built and is stale once it differs. */
KD_PUBLIC uint64_t kd_memocache_generation(const struct kd_memocache *mc);

/*
 * The generic store.  put copies key and value, replacing an entry with
 * the same key.  It stores nothing (and returns NULL) when the flags
 * forbid caching (live kernel and KD_CU_LIVE) or the entry alone exceeds
 * the byte budget.  get returns a pointer to the value valid until the
 * next put/del/purge/set_limit on this memocache, or NULL; a hit makes
 * the entry most recently used.
 */
KD_PUBLIC struct kd_error *kd_memo_put(struct kd_memocache *mc, const char *key,
				       const void *value, size_t len,
				       unsigned flags);
/* Same, tagged with the type the value was derived from. */
KD_PUBLIC struct kd_error *kd_memo_put_typed(struct kd_memocache *mc,
					     const char *type_name,
					     const char *key,
					     const void *value, size_t len,
					     unsigned flags);
KD_PUBLIC const void *kd_memo_get(struct kd_memocache *mc, const char *key,
				  size_t *len);
/* 1 if an entry was removed. */
KD_PUBLIC int kd_memo_del(struct kd_memocache *mc, const char *key);

/* Byte budget of the store; shrinking evicts at once.  0 = keep nothing. */
KD_PUBLIC void kd_memo_set_limit(struct kd_memocache *mc, size_t bytes);

struct kd_memo_stats {
	size_t entries;
	size_t bytes;		/* charged against the limit */
	size_t limit;
	uint64_t hits, misses;
	uint64_t evictions;	/* dropped for the budget */
	uint64_t purged;	/* dropped by purges */
	size_t registered;	/* caches currently registered */
};
KD_PUBLIC void kd_memo_stats(const struct kd_memocache *mc,
			     struct kd_memo_stats *ret);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_MEMOCACHE_H */
