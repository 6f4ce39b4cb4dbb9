/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memoization with invalidation rules (the seed's memocaches).
 *
 * Every cache in the library registers here with the flags that say
 * when it must be dropped:
 *   KD_CU_LIVE     time-varying data: never kept on a live kernel
 *   KD_CU_LOAD     depends on debuginfo (types, readers, symbols):
 *                  dropped when module debuginfo is loaded or unloaded
 *   KD_CU_PYMOD    dropped when Python modules are reloaded
 *   KD_CU_TIMEOUT  dropped when the command timeout changes
 * kd_memocache_purge(mc, KD_CU_LOAD) calls the purge callback of every
 * registered cache whose flags include KD_CU_LOAD and bumps the
 * generation number, so holders of derived data can tell it is stale.
 *
 * It also holds a generic memo store: key (string) -> value (bytes),
 * used for e.g. command outputs, with the same flags.
 */
#ifndef PYKDUMP_MEMOCACHE_H
#define PYKDUMP_MEMOCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#define KD_CU_LIVE	0x1
#define KD_CU_LOAD	0x2
#define KD_CU_PYMOD	0x4
#define KD_CU_TIMEOUT	0x8

struct kd_memocache;

/* Called with the flags being purged; type_name is NULL for a full
 * purge, else only entries about that type need to go. */
typedef void kd_cache_purge_fn(void *owner, unsigned flags,
			       const char *type_name);

KD_PUBLIC struct kd_error *kd_memocache_create(int live,
					       struct kd_memocache **ret);
KD_PUBLIC void kd_memocache_destroy(struct kd_memocache *mc);

/* 1 on a live kernel: callers must not cache KD_CU_LIVE data at all. */
KD_PUBLIC int kd_memocache_is_live(const struct kd_memocache *mc);

/* Register a cache; returns an id for kd_memocache_unregister(). */
KD_PUBLIC struct kd_error *kd_memocache_register(struct kd_memocache *mc,
						 unsigned flags,
						 kd_cache_purge_fn *purge,
						 void *owner, int *id);
KD_PUBLIC void kd_memocache_unregister(struct kd_memocache *mc, int id);

/* Purge every cache whose flags intersect flags; bumps the generation. */
KD_PUBLIC void kd_memocache_purge(struct kd_memocache *mc, unsigned flags);
/* Purge what is known about one type name (purge_typeinfo(name)). */
KD_PUBLIC void kd_memocache_purge_type(struct kd_memocache *mc,
				       const char *type_name);
/* Increases on every purge; derived data records it to detect staleness. */
KD_PUBLIC uint64_t kd_memocache_generation(const struct kd_memocache *mc);

/* The generic store.  put copies the value; with KD_CU_LIVE on a live
 * kernel it stores nothing.  get returns a pointer valid until the next
 * put/purge, or NULL. */
KD_PUBLIC struct kd_error *kd_memo_put(struct kd_memocache *mc, const char *key,
				       const void *value, size_t len,
				       unsigned flags);
KD_PUBLIC const void *kd_memo_get(struct kd_memocache *mc, const char *key,
				  size_t *len);

#endif /* PYKDUMP_MEMOCACHE_H */
