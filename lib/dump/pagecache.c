// SPDX-License-Identifier: GPL-2.0-or-later
/* The LRU of decompressed pages: see pagecache.h. */
#include <stdlib.h>

#include "pagecache.h"

#define NIL UINT32_MAX

static uint32_t bucket_of(const struct kd_pagecache *pc, uint64_t key)
{
	/* Fibonacci hashing: page data offsets differ in their low bits. */
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) &
	       (pc->nbuckets - 1);
}

int kd_pagecache_init(struct kd_pagecache *pc, uint32_t nslots,
		      size_t page_size)
{
	*pc = (struct kd_pagecache){ .page_size = page_size,
				     .nslots = nslots, .head = NIL,
				     .tail = NIL };
	pc->nbuckets = 1;
	while (pc->nbuckets < 2 * nslots)
		pc->nbuckets <<= 1;
	pc->data = malloc((size_t)nslots * page_size);
	pc->slots = calloc(nslots, sizeof(*pc->slots));
	pc->buckets = malloc(pc->nbuckets * sizeof(*pc->buckets));
	if (!pc->data || !pc->slots || !pc->buckets) {
		kd_pagecache_deinit(pc);
		return -1;
	}
	for (uint32_t i = 0; i < pc->nbuckets; i++)
		pc->buckets[i] = NIL;
	/* All slots start unused, chained in use order 0..n-1. */
	for (uint32_t i = 0; i < nslots; i++) {
		pc->slots[i].prev = i ? i - 1 : NIL;
		pc->slots[i].next = i + 1 < nslots ? i + 1 : NIL;
		pc->slots[i].hnext = NIL;
	}
	pc->head = 0;
	pc->tail = nslots - 1;
	return 0;
}

void kd_pagecache_deinit(struct kd_pagecache *pc)
{
	free(pc->data);
	free(pc->slots);
	free(pc->buckets);
	pc->data = NULL;
	pc->slots = NULL;
	pc->buckets = NULL;
}

static void unlink_use(struct kd_pagecache *pc, uint32_t i)
{
	struct kd_pagecache_slot *s = &pc->slots[i];
	if (s->prev != NIL)
		pc->slots[s->prev].next = s->next;
	else
		pc->head = s->next;
	if (s->next != NIL)
		pc->slots[s->next].prev = s->prev;
	else
		pc->tail = s->prev;
}

static void push_front(struct kd_pagecache *pc, uint32_t i)
{
	struct kd_pagecache_slot *s = &pc->slots[i];
	s->prev = NIL;
	s->next = pc->head;
	if (pc->head != NIL)
		pc->slots[pc->head].prev = i;
	pc->head = i;
	if (pc->tail == NIL)
		pc->tail = i;
}

static void push_back(struct kd_pagecache *pc, uint32_t i)
{
	struct kd_pagecache_slot *s = &pc->slots[i];
	s->next = NIL;
	s->prev = pc->tail;
	if (pc->tail != NIL)
		pc->slots[pc->tail].next = i;
	pc->tail = i;
	if (pc->head == NIL)
		pc->head = i;
}

/* Slot index of key, or NIL; *link is the chain pointer that leads to it. */
static uint32_t find(struct kd_pagecache *pc, uint64_t key, uint32_t **link)
{
	uint32_t *l = &pc->buckets[bucket_of(pc, key)];
	while (*l != NIL && pc->slots[*l].key != key)
		l = &pc->slots[*l].hnext;
	*link = l;
	return *l;
}

static void unhash(struct kd_pagecache *pc, uint32_t i)
{
	uint32_t *link;
	if (find(pc, pc->slots[i].key, &link) == i)
		*link = pc->slots[i].hnext;
	pc->slots[i].used = 0;
}

uint8_t *kd_pagecache_get(struct kd_pagecache *pc, uint64_t key)
{
	uint32_t *link;
	uint32_t i = find(pc, key, &link);
	if (i == NIL) {
		pc->misses++;
		return NULL;
	}
	pc->hits++;
	if (pc->head != i) {
		unlink_use(pc, i);
		push_front(pc, i);
	}
	return pc->data + (size_t)i * pc->page_size;
}

uint8_t *kd_pagecache_put(struct kd_pagecache *pc, uint64_t key)
{
	uint32_t i = pc->tail;
	if (pc->slots[i].used)
		unhash(pc, i);
	unlink_use(pc, i);
	push_front(pc, i);
	uint32_t *link;
	find(pc, key, &link);	/* end of the chain (key is not there) */
	pc->slots[i].key = key;
	pc->slots[i].used = 1;
	pc->slots[i].hnext = NIL;
	*link = i;
	return pc->data + (size_t)i * pc->page_size;
}

void kd_pagecache_forget(struct kd_pagecache *pc, uint64_t key)
{
	uint32_t *link;
	uint32_t i = find(pc, key, &link);
	if (i == NIL)
		return;
	*link = pc->slots[i].hnext;
	pc->slots[i].used = 0;
	unlink_use(pc, i);
	push_back(pc, i);	/* reused first */
}
