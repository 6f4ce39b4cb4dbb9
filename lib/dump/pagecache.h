/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small LRU cache of decompressed pages, keyed by a 64-bit key (the
 * adapter uses where the page's data is stored, so the pages that share
 * makedumpfile's single zero-page descriptor share one entry).
 *
 * Slots live in one array; a hash table (<pykdump/hash_table.h>) maps a
 * key to its slot, an index-linked list orders slots by use.  Not
 * thread-safe: the owner locks.
 */
#ifndef PYKDUMP_DUMP_PAGECACHE_H
#define PYKDUMP_DUMP_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/hash_table.h>

struct kd_pagecache_slot {
	uint64_t key;
	uint32_t prev, next;	/* use order: head = most recent */
	int used;
};

/* key -> slot: one entry per used slot. */
struct kd_page_ent {
	uint64_t key;
	uint32_t slot;		/* slot index + 1 */
};

KD_HASH_TABLE_DEFINE_U64(kd_page_index, struct kd_page_ent, key, slot)

struct kd_pagecache {
	size_t page_size;
	uint32_t nslots;
	uint8_t *data;		/* nslots * page_size */
	struct kd_pagecache_slot *slots;
	struct kd_page_index index;
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
