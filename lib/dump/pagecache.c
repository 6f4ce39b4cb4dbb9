// SPDX-License-Identifier: GPL-2.0-or-later
/* The LRU of decompressed pages: see pagecache.h. */
#include <stdlib.h>

#include "pagecache.h"

#define NIL UINT32_MAX

int kd_pagecache_init(struct kd_pagecache *pc, uint32_t nslots,
		      size_t page_size)
{
	*pc = (struct kd_pagecache){ .page_size = page_size,
				     .nslots = nslots, .head = NIL,
				     .tail = NIL };
	pc->data = malloc((size_t)nslots * page_size);
	pc->slots = calloc(nslots, sizeof(*pc->slots));
	/* the table never grows: one entry per slot at most */
	if (!pc->data || !pc->slots ||
	    kd_page_index_reserve(&pc->index, nslots)) {
		kd_pagecache_deinit(pc);
		return -1;
	}
	/* All slots start unused, chained in use order 0..n-1. */
	for (uint32_t i = 0; i < nslots; i++) {
		pc->slots[i].prev = i ? i - 1 : NIL;
		pc->slots[i].next = i + 1 < nslots ? i + 1 : NIL;
	}
	pc->head = 0;
	pc->tail = nslots - 1;
	return 0;
}

void kd_pagecache_deinit(struct kd_pagecache *pc)
{
	free(pc->data);
	free(pc->slots);
	kd_page_index_deinit(&pc->index);
	pc->data = NULL;
	pc->slots = NULL;
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

static struct kd_page_ent *entry_of(const struct kd_pagecache *pc,
				     uint64_t key)
{
	return kd_page_index_find(&pc->index, key,
				  kd_page_index_key_hash(key));
}

/* Slot index of key, or NIL. */
static uint32_t find(const struct kd_pagecache *pc, uint64_t key)
{
	const struct kd_page_ent *e = entry_of(pc, key);
	return e ? e->slot - 1 : NIL;
}

static void unhash(struct kd_pagecache *pc, uint32_t i)
{
	struct kd_page_ent *e = entry_of(pc, pc->slots[i].key);
	if (e && e->slot == i + 1)
		kd_page_index_remove(&pc->index, e);
	pc->slots[i].used = 0;
}

static void move_to_front(struct kd_pagecache *pc, uint32_t i)
{
	if (pc->head != i) {
		unlink_use(pc, i);
		push_front(pc, i);
	}
}

uint8_t *kd_pagecache_get(struct kd_pagecache *pc, uint64_t key)
{
	uint32_t i = find(pc, key);
	if (i == NIL) {
		pc->misses++;
		return NULL;
	}
	pc->hits++;
	move_to_front(pc, i);
	return pc->data + (size_t)i * pc->page_size;
}

uint8_t *kd_pagecache_put(struct kd_pagecache *pc, uint64_t key)
{
	uint32_t i = find(pc, key);
	if (i != NIL) {		/* already there: refill its slot */
		move_to_front(pc, i);
		return pc->data + (size_t)i * pc->page_size;
	}
	i = pc->tail;
	if (pc->slots[i].used)
		unhash(pc, i);
	unlink_use(pc, i);
	push_front(pc, i);
	pc->slots[i].key = key;
	pc->slots[i].used = 1;
	struct kd_page_ent e = { key, i + 1 };
	uint64_t hash = kd_page_index_key_hash(key);
	kd_page_index_fill(&pc->index,
			   kd_page_index_slot(&pc->index, key, hash), &e);
	return pc->data + (size_t)i * pc->page_size;
}

void kd_pagecache_forget(struct kd_pagecache *pc, uint64_t key)
{
	uint32_t i = find(pc, key);
	if (i == NIL)
		return;
	unhash(pc, i);
	unlink_use(pc, i);
	push_back(pc, i);	/* reused first */
}
