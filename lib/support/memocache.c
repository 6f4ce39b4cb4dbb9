// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memoization with invalidation rules: see include/pykdump/memocache.h.
 *
 * Two parts:
 *
 * The registry: caches owned by other layers (types, readers, symbols,
 * Python classes) with the flags they depend on and a purge callback.
 * Ids only grow, so a stale id never unregisters someone else.  While a
 * purge runs, unregistering only clears the slot's callback; the array is
 * compacted once the purge is over, so callbacks may unregister safely.
 *
 * The generic store: entries in one allocation each,
 *
 *   struct memo_entry | key '\0' | type name '\0' | pad | value
 *
 * in a hash table by key (<pykdump/hash_table.h>) and on an LRU list, most
 * recently used at the head.  Each entry
 * is charged its whole allocation against the byte budget; a put that
 * passes the budget evicts from the tail.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/hash_table.h>
#include <pykdump/memocache.h>
#include <pykdump/vector.h>

struct memo_entry {
	struct memo_entry *prev, *next;	/* LRU, head = most recent */
	unsigned flags;
	size_t len;			/* value length */
	size_t charge;			/* bytes counted against the limit */
	const char *type_name;		/* inside the block, or NULL */
	unsigned char *value;		/* inside the block */
	char key[];
};

struct registration {
	int id;
	unsigned flags;
	kd_cache_purge_fn *purge;	/* NULL once unregistered mid-purge */
	void *owner;
};

/* The store's entries by key. */
struct memo_slot {
	const char *key;	/* entry->key */
	struct memo_entry *entry;
};

KD_HASH_TABLE_DEFINE_STR(memo_index, struct memo_slot, key)

struct kd_memocache {
	int live;
	uint64_t generation;

	struct registration *regs;
	size_t nregs, capregs;
	int next_id;
	int purging;

	struct memo_index index;
	struct memo_entry *lru_head, *lru_tail;
	size_t bytes, limit;
	uint64_t hits, misses, evictions, purged;
};

struct kd_error *kd_memocache_create(int live, struct kd_memocache **ret)
{
	struct kd_memocache *mc = calloc(1, sizeof(*mc));
	if (!mc)
		return &kd_error_nomem;
	mc->live = !!live;
	mc->generation = 1;
	mc->next_id = 1;
	mc->limit = KD_MEMO_DEFAULT_LIMIT;
	*ret = mc;
	return NULL;
}

void kd_memocache_destroy(struct kd_memocache *mc)
{
	if (!mc)
		return;
	struct memo_entry *e = mc->lru_head;
	while (e) {
		struct memo_entry *next = e->next;
		free(e);
		e = next;
	}
	memo_index_deinit(&mc->index);
	free(mc->regs);
	free(mc);
}

int kd_memocache_is_live(const struct kd_memocache *mc)
{
	return mc->live;
}

int kd_memocache_may_cache(const struct kd_memocache *mc, unsigned flags)
{
	return !(mc->live && (flags & KD_CU_LIVE));
}

uint64_t kd_memocache_generation(const struct kd_memocache *mc)
{
	return mc->generation;
}

/* ---- registry ---- */

struct kd_error *kd_memocache_register(struct kd_memocache *mc,
				       unsigned flags,
				       kd_cache_purge_fn *purge, void *owner,
				       int *id)
{
	if (!flags || (flags & ~KD_CU_ALL) || !purge)
		return kd_error_create(KD_ERR_INVALID,
				       "memocache: bad registration (flags 0x%x%s)",
				       flags, purge ? "" : ", no purge callback");
	struct kd_error *err = kd_array_reserve(&mc->regs, &mc->capregs,
						mc->nregs + 1);
	if (err)
		return err;
	mc->regs[mc->nregs++] = (struct registration){
		.id = mc->next_id, .flags = flags,
		.purge = purge, .owner = owner,
	};
	*id = mc->next_id++;
	return NULL;
}

static void registry_compact(struct kd_memocache *mc)
{
	size_t j = 0;
	for (size_t i = 0; i < mc->nregs; i++)
		if (mc->regs[i].purge)
			mc->regs[j++] = mc->regs[i];
	mc->nregs = j;
}

void kd_memocache_unregister(struct kd_memocache *mc, int id)
{
	for (size_t i = 0; i < mc->nregs; i++) {
		if (mc->regs[i].id != id)
			continue;
		mc->regs[i].purge = NULL;
		if (!mc->purging)
			registry_compact(mc);
		return;
	}
}

/* Call each live registration whose flags meet flags.  The array may be
 * reallocated by a callback that registers, so index it afresh. */
static void registry_purge(struct kd_memocache *mc, unsigned flags,
			   const char *type_name)
{
	mc->purging++;
	for (size_t i = 0; i < mc->nregs; i++) {
		struct registration r = mc->regs[i];
		if (r.purge && (r.flags & flags))
			r.purge(r.owner, r.flags & flags, type_name);
	}
	if (--mc->purging == 0)
		registry_compact(mc);
}

/* ---- generic store ---- */

static struct memo_entry *store_find(struct kd_memocache *mc, const char *key)
{
	struct memo_slot *slot = memo_index_find(&mc->index, key,
						 memo_index_key_hash(key));
	return slot ? slot->entry : NULL;
}

static void lru_unlink(struct kd_memocache *mc, struct memo_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		mc->lru_head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		mc->lru_tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push_head(struct kd_memocache *mc, struct memo_entry *e)
{
	e->prev = NULL;
	e->next = mc->lru_head;
	if (mc->lru_head)
		mc->lru_head->prev = e;
	else
		mc->lru_tail = e;
	mc->lru_head = e;
}

static void store_remove(struct kd_memocache *mc, struct memo_entry *e)
{
	memo_index_remove(&mc->index,
			  memo_index_find(&mc->index, e->key,
					  memo_index_key_hash(e->key)));
	lru_unlink(mc, e);
	mc->bytes -= e->charge;
	free(e);
}

static void store_evict_to(struct kd_memocache *mc, size_t budget)
{
	while (mc->bytes > budget && mc->lru_tail) {
		store_remove(mc, mc->lru_tail);
		mc->evictions++;
	}
}

static size_t align_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

/* One block holding the entry, its key, type name and value; NULL when
 * out of memory or too large to represent. */
static struct memo_entry *entry_build(const char *type_name, const char *key,
				      const void *value, size_t len,
				      unsigned flags)
{
	size_t klen = strlen(key) + 1;
	size_t tlen = type_name ? strlen(type_name) + 1 : 0;
	size_t voff = align_up(sizeof(struct memo_entry) + klen + tlen,
			       alignof(max_align_t));
	if (len > SIZE_MAX - voff)
		return NULL;
	struct memo_entry *e = malloc(voff + len);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, klen);
	if (type_name) {
		memcpy(e->key + klen, type_name, tlen);
		e->type_name = e->key + klen;
	}
	e->value = (unsigned char *)e + voff;
	if (len)
		memcpy(e->value, value, len);
	e->len = len;
	e->flags = flags;
	e->charge = voff + len;
	return e;
}

struct kd_error *kd_memo_put_typed(struct kd_memocache *mc,
				   const char *type_name, const char *key,
				   const void *value, size_t len,
				   unsigned flags)
{
	if (flags & ~KD_CU_ALL)
		return kd_error_create(KD_ERR_INVALID,
				       "memocache: bad flags 0x%x for \"%s\"",
				       flags, key);
	struct memo_entry *old = store_find(mc, key);
	if (old)
		store_remove(mc, old);
	if (!kd_memocache_may_cache(mc, flags))
		return NULL;
	struct memo_entry *e = entry_build(type_name, key, value, len, flags);
	if (!e)
		return &kd_error_nomem;
	if (e->charge > mc->limit) {
		free(e);
		return NULL;
	}
	struct kd_error *err = memo_index_reserve(&mc->index,
						  mc->index.count + 1);
	if (err) {
		free(e);
		return err;
	}
	store_evict_to(mc, mc->limit - e->charge);
	memo_index_fill(&mc->index,
			memo_index_slot(&mc->index, e->key,
					memo_index_key_hash(e->key)),
			&(struct memo_slot){ e->key, e });
	lru_push_head(mc, e);
	mc->bytes += e->charge;
	return NULL;
}

struct kd_error *kd_memo_put(struct kd_memocache *mc, const char *key,
			     const void *value, size_t len, unsigned flags)
{
	return kd_memo_put_typed(mc, NULL, key, value, len, flags);
}

const void *kd_memo_get(struct kd_memocache *mc, const char *key, size_t *len)
{
	struct memo_entry *e = store_find(mc, key);
	if (!e) {
		mc->misses++;
		return NULL;
	}
	mc->hits++;
	lru_unlink(mc, e);
	lru_push_head(mc, e);
	if (len)
		*len = e->len;
	return e->value;
}

int kd_memo_del(struct kd_memocache *mc, const char *key)
{
	struct memo_entry *e = store_find(mc, key);
	if (!e)
		return 0;
	store_remove(mc, e);
	return 1;
}

void kd_memo_set_limit(struct kd_memocache *mc, size_t bytes)
{
	mc->limit = bytes;
	store_evict_to(mc, bytes);
}

/* Drop the entries flags select, or (type_name set) those of that type. */
static void store_purge(struct kd_memocache *mc, unsigned flags,
			const char *type_name)
{
	struct memo_entry *e = mc->lru_head;
	while (e) {
		struct memo_entry *next = e->next;
		int hit;
		if (type_name)
			hit = e->type_name &&
			      strcmp(e->type_name, type_name) == 0;
		else	/* typed entries derive from debuginfo: LOAD drops them */
			hit = (e->flags & flags) ||
			      ((flags & KD_CU_LOAD) && e->type_name);
		if (hit) {
			store_remove(mc, e);
			mc->purged++;
		}
		e = next;
	}
}

void kd_memocache_purge(struct kd_memocache *mc, unsigned flags)
{
	flags &= KD_CU_ALL;
	if (!flags)
		return;
	store_purge(mc, flags, NULL);
	registry_purge(mc, flags, NULL);
	if (flags & KD_CU_LOAD)
		mc->generation++;
}

void kd_memocache_purge_type(struct kd_memocache *mc, const char *type_name)
{
	if (!type_name) {
		kd_memocache_purge(mc, KD_CU_LOAD);
		return;
	}
	store_purge(mc, 0, type_name);
	registry_purge(mc, KD_CU_LOAD, type_name);
	mc->generation++;
}

void kd_memo_stats(const struct kd_memocache *mc, struct kd_memo_stats *ret)
{
	size_t live = 0;
	for (size_t i = 0; i < mc->nregs; i++)
		live += mc->regs[i].purge != NULL;
	*ret = (struct kd_memo_stats){
		.entries = mc->index.count, .bytes = mc->bytes,
		.limit = mc->limit, .hits = mc->hits, .misses = mc->misses,
		.evictions = mc->evictions, .purged = mc->purged,
		.registered = live,
	};
}
