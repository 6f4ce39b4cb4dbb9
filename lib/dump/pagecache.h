/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small LRU cache of decompressed pages, keyed by a 64-bit key (the
 * adapter uses where the page's data is stored, so the pages that share
 * makedumpfile's single zero-page descriptor share one entry).
 *
 * Slots live in one array; a chained hash finds a key, an index-linked
 * list orders slots by use.  Not thread-safe: the owner locks.
 */
#ifndef PYKDUMP_DUMP_PAGECACHE_H
#define PYKDUMP_DUMP_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

struct kd_pagecache_slot {
	uint64_t key;
	uint32_t prev, next;	/* use order: head = most recent */
	uint32_t hnext;		/* hash chain */
	int used;
};

struct kd_pagecache {
	size_t page_size;
	uint32_t nslots;
	uint32_t nbuckets;	/* power of two */
	uint8_t *data;		/* nslots * page_size */
	struct kd_pagecache_slot *slots;
	uint32_t *buckets;
	uint32_t head, tail;
	uint64_t hits, misses;
};

/* 0, or -1 when out of memory. */
int kd_pagecache_init(struct kd_pagecache *pc, uint32_t nslots,
		      size_t page_size);
void kd_pagecache_deinit(struct kd_pagecache *pc);

/* The cached page for key (now the most recent), or NULL. */
uint8_t *kd_pagecache_get(struct kd_pagecache *pc, uint64_t key);
/* A slot for key, evicting the least recent: fill it, or forget it. */
uint8_t *kd_pagecache_put(struct kd_pagecache *pc, uint64_t key);
void kd_pagecache_forget(struct kd_pagecache *pc, uint64_t key);

#endif /* PYKDUMP_DUMP_PAGECACHE_H */
