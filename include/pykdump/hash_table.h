/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hash tables: open addressing with linear probing, generated for an
 * entry type by KD_HASH_TABLE_DEFINE (in the manner of drgn's
 * hash_table.h, much smaller).
 *
 * The entries live in the slot array itself.  An empty slot is all zero
 * bytes, so an entry must never be all zero: tables hold pointers, or
 * indexes + 1, or values that are never 0.  The capacity is a power of
 * two and the load at most 1/2; a slot is chosen by hash & (capacity -
 * 1), so hashes must be mixed in their low bits (<pykdump/hash.h>).
 * Removal moves the entries after the hole back (no tombstones).
 *
 *   KD_HASH_TABLE_DEFINE(name, entry_t, key_t, entry_hash, entry_eq,
 *                        entry_empty)
 *
 * defines struct name { entry_t *slots; size_t cap, count; } and static
 * inline functions prefixed name_.  The three hooks are functions (or
 * macros) of the user's:
 *
 *   uint64_t entry_hash(const struct name *t, const entry_t *e)
 *   bool     entry_eq(const struct name *t, const entry_t *e, key_t key)
 *   bool     entry_empty(const entry_t *e)
 *
 * They get the table, so a table of indexes into an array of the owner's
 * reaches that array through the struct the table is embedded in
 * (KD_CONTAINER_OF).  The caller computes a key's hash (often it has it
 * already); entry_hash must give the same value for the entry's key.
 * KD_HASH_TABLE_DEFINE_BY (below) writes the hooks from expressions, and
 * its shorthands _U64 and _STR for a uint64_t or string member.
 *
 *   name_init(t), name_deinit(t)    a zeroed struct is an empty table
 *   name_reserve(t, n)             room for n entries in all; the only
 *                                  step that allocates
 *   name_find(t, key, hash)        the entry with key, or NULL
 *   name_slot(t, key, hash)        the entry with key, or the empty slot
 *                                  where it goes: fill it with name_fill
 *                                  (needs room: reserve count + 1 first)
 *   name_insert(t, &e, key, hash, &old)  adds e unless key is there
 *                                  (*old: the entry found, or NULL)
 *   name_remove(t, e)              removes the entry e points at
 *   name_first(t), name_next(t, e) every entry, in slot order
 *   name_probe_start/_next         every entry with key, in the order
 *                                  added (tables with repeated keys)
 *
 * Pointers to entries are valid until the table grows or an entry is
 * removed.  Lookups go through at most capacity slots, so a table read
 * from a damaged cache file (no empty slot) still ends.
 */
#ifndef PYKDUMP_HASH_TABLE_H
#define PYKDUMP_HASH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/error.h>
#include <pykdump/hash.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A zeroed slot array for n entries at load 1/2 or less: *cap (a power
 * of two, at least 16) slots of elem_size bytes in *slots; kd_error_nomem
 * when out of memory or when the size overflows. */
KD_PUBLIC struct kd_error *kd_hash_table_alloc(size_t n, size_t elem_size,
					       size_t *cap, void **slots);

/* Where a walk over the entries with one key has got to. */
struct kd_hash_probe {
	size_t i;	/* the next slot to look at */
	size_t left;	/* slots left to look at */
};

#define KD_HASH_TABLE_DEFINE(name, entry_t, key_t, entry_hash, entry_eq, \
			     entry_empty)				\
/* a name of its own, so that const applies to the whole entry type */	\
typedef entry_t name##_entry;						\
struct name {								\
	name##_entry *slots;	/* cap of them; empty ones all zero */	\
	size_t cap;		/* 0, or a power of two */		\
	size_t count;		/* entries */				\
};									\
									\
KD_INLINE void name##_init(struct name *t)				\
{									\
	t->slots = NULL;						\
	t->cap = t->count = 0;						\
}									\
									\
KD_INLINE void name##_deinit(struct name *t)				\
{									\
	free(t->slots);							\
	name##_init(t);							\
}									\
									\
/* Empties the table, keeping its slots. */				\
KD_INLINE void name##_clear(struct name *t)				\
{									\
	if (t->cap)							\
		memset(t->slots, 0, t->cap * sizeof(name##_entry));	\
	t->count = 0;							\
}									\
									\
KD_INLINE void name##_prefetch(const struct name *t, uint64_t hash)	\
{									\
	if (t->cap)							\
		__builtin_prefetch(&t->slots[hash & (t->cap - 1)]);	\
}									\
									\
/* Moves the entries into slots for n: one pass in slot order from an	\
 * empty slot, so entries with the same key keep their order. */	\
KD_INLINE struct kd_error *name##_rehash(struct name *t, size_t n)	\
{									\
	struct name nt;							\
	void *slots;							\
	struct kd_error *err = kd_hash_table_alloc(n,			\
			sizeof(name##_entry), &nt.cap, &slots);		\
	if (err)							\
		return err;						\
	nt.slots = (name##_entry *)slots;				\
	nt.count = t->count;						\
	size_t from = 0, mask = nt.cap - 1;				\
	while (from < t->cap && !entry_empty(&t->slots[from]))		\
		from++;							\
	for (size_t k = 0; k < t->cap; k++) {				\
		const name##_entry *e =					\
			&t->slots[(from + k) & (t->cap - 1)];		\
		if (entry_empty(e))					\
			continue;					\
		size_t j = (size_t)entry_hash(t, e) & mask;		\
		while (!entry_empty(&nt.slots[j]))			\
			j = (j + 1) & mask;				\
		nt.slots[j] = *e;					\
	}								\
	free(t->slots);							\
	*t = nt;							\
	return NULL;							\
}									\
									\
KD_INLINE struct kd_error *name##_reserve(struct name *t, size_t n)	\
{									\
	return n <= t->cap / 2 ? NULL : name##_rehash(t, n);		\
}									\
									\
KD_INLINE void name##_probe_start(const struct name *t,			\
				  uint64_t hash, struct kd_hash_probe *p) \
{									\
	p->i = (size_t)hash & (t->cap - 1);				\
	p->left = t->cap;						\
}									\
									\
/* The next entry with key, or NULL. */					\
KD_INLINE name##_entry *name##_probe_next(const struct name *t,		\
					  key_t key,			\
					  struct kd_hash_probe *p)	\
{									\
	for (; p->left; p->left--, p->i = (p->i + 1) & (t->cap - 1)) {	\
		name##_entry *e = &t->slots[p->i];			\
		if (entry_empty(e)) {					\
			p->left = 0;					\
			return NULL;					\
		}							\
		if (entry_eq(t, e, key)) {				\
			p->left--;					\
			p->i = (p->i + 1) & (t->cap - 1);		\
			return e;					\
		}							\
	}								\
	return NULL;							\
}									\
									\
KD_INLINE name##_entry *name##_find(const struct name *t, key_t key,	\
				    uint64_t hash)			\
{									\
	struct kd_hash_probe p;						\
	name##_probe_start(t, hash, &p);				\
	return name##_probe_next(t, key, &p);				\
}									\
									\
KD_INLINE name##_entry *name##_slot(struct name *t, key_t key,		\
				    uint64_t hash)			\
{									\
	size_t mask = t->cap - 1;					\
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {	\
		name##_entry *e = &t->slots[i];				\
		if (entry_empty(e) || entry_eq(t, e, key))		\
			return e;					\
	}								\
}									\
									\
/* The first empty slot for hash (tables with repeated keys). */	\
KD_INLINE name##_entry *name##_vacant(struct name *t, uint64_t hash)	\
{									\
	size_t mask = t->cap - 1;					\
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {	\
		if (entry_empty(&t->slots[i]))				\
			return &t->slots[i];				\
	}								\
}									\
									\
/* Stores e in the empty slot that name_slot or name_vacant gave. */	\
KD_INLINE void name##_fill(struct name *t, name##_entry *slot,		\
			   const name##_entry *e)			\
{									\
	*slot = *e;							\
	t->count++;							\
}									\
									\
KD_INLINE struct kd_error *name##_insert(struct name *t,		\
					 const name##_entry *e,		\
					 key_t key, uint64_t hash,	\
					 name##_entry **old)		\
{									\
	struct kd_error *err = name##_reserve(t, t->count + 1);		\
	if (old)							\
		*old = NULL;						\
	if (err)							\
		return err;						\
	name##_entry *slot = name##_slot(t, key, hash);			\
	bool there = !entry_empty(slot);				\
	if (!there)							\
		name##_fill(t, slot, e);				\
	if (old && there)						\
		*old = slot;						\
	return NULL;							\
}									\
									\
/* Entries after the hole move back into it unless their home slot lies	\
 * between the hole and where they are. */				\
KD_INLINE void name##_remove(struct name *t, name##_entry *e)		\
{									\
	size_t mask = t->cap - 1, hole = (size_t)(e - t->slots);	\
	for (size_t j = (hole + 1) & mask;; j = (j + 1) & mask) {	\
		name##_entry *x = &t->slots[j];				\
		if (entry_empty(x))					\
			break;						\
		size_t home = (size_t)entry_hash(t, x) & mask;		\
		if (((j - home) & mask) >= ((j - hole) & mask)) {	\
			t->slots[hole] = *x;				\
			hole = j;					\
		}							\
	}								\
	memset(&t->slots[hole], 0, sizeof(name##_entry));		\
	t->count--;							\
}									\
									\
KD_INLINE name##_entry *name##_next_from(const struct name *t,		\
					 size_t i)			\
{									\
	for (; i < t->cap; i++) {					\
		if (!entry_empty(&t->slots[i]))				\
			return &t->slots[i];				\
	}								\
	return NULL;							\
}									\
									\
KD_INLINE name##_entry *name##_first(const struct name *t)		\
{									\
	return name##_next_from(t, 0);					\
}									\
									\
KD_INLINE name##_entry *name##_next(const struct name *t,		\
				    const name##_entry *e)		\
{									\
	return name##_next_from(t, (size_t)(e - t->slots) + 1);		\
}									\
									\
/* Removes e while walking with first/next: the entry to look at next	\
 * (an entry that moved into e's slot is looked at again, harmlessly). */ \
KD_INLINE name##_entry *name##_remove_next(struct name *t,		\
					   name##_entry *e)		\
{									\
	size_t i = (size_t)(e - t->slots);				\
	name##_remove(t, e);						\
	return name##_next_from(t, i);					\
}

/* ---- the two common kinds of key ---- */

/*
 * KD_HASH_TABLE_DEFINE_BY(name, entry_t, key_t, key_hash, e_key, eq,
 * empty) writes the hooks from expressions of the entry e and the key:
 * key_hash(key_t) hashes a key, e_key is e's key, eq and empty are the
 * tests.  It adds name_key_hash(key), the hash to pass.  Shorthands:
 *
 * KD_HASH_TABLE_DEFINE_U64(name, entry_t, key_member, used_member):
 * entries are structs found by a uint64_t member (hashed with
 * kd_hash_u64; it may be 0 where used_member marks the used entries).
 * KD_HASH_TABLE_DEFINE_STR(name, entry_t, key_member): entries are
 * structs found by a string member (hashed with kd_hash_string; NULL
 * marks an empty slot).
 */
#define KD_HASH_TABLE_DEFINE_BY(name, entry_t, key_t, key_hash, e_key,	\
				 eq, empty)				\
struct name;								\
KD_INLINE uint64_t name##_key_hash(key_t key)				\
{									\
	return key_hash(key);						\
}									\
KD_INLINE uint64_t name##_hook_hash(const struct name *t,		\
				    const entry_t *e)			\
{									\
	(void)t;							\
	return key_hash(e_key);						\
}									\
KD_INLINE bool name##_hook_eq(const struct name *t, const entry_t *e,	\
			      key_t key)				\
{									\
	(void)t;							\
	return eq;							\
}									\
KD_INLINE bool name##_hook_empty(const entry_t *e)			\
{									\
	return empty;							\
}									\
KD_HASH_TABLE_DEFINE(name, entry_t, key_t, name##_hook_hash,		\
		     name##_hook_eq, name##_hook_empty)

#define KD_HASH_TABLE_DEFINE_U64(name, entry_t, key_member, used_member) \
	KD_HASH_TABLE_DEFINE_BY(name, entry_t, uint64_t, kd_hash_u64,	\
				 e->key_member, e->key_member == key,	\
				 !e->used_member)

#define KD_HASH_TABLE_DEFINE_STR(name, entry_t, key_member)		\
	KD_HASH_TABLE_DEFINE_BY(name, entry_t, const char *, kd_hash_string, \
				 e->key_member,				\
				 strcmp(e->key_member, key) == 0,	\
				 !e->key_member)

/* ---- a set of nonzero 64-bit values (addresses a walk has seen, ...) */

KD_HASH_TABLE_DEFINE_BY(kd_u64_set, uint64_t, uint64_t, kd_hash_u64, *e,
			 *e == key, !*e)

/* Adds v (not 0); *added (may be NULL) says whether it was new. */
static inline struct kd_error *kd_u64_set_add(struct kd_u64_set *s,
					      uint64_t v, bool *added)
{
	uint64_t *old;
	struct kd_error *err = kd_u64_set_insert(s, &v, v, kd_hash_u64(v),
						 &old);
	if (added)
		*added = !err && !old;
	return err;
}

static inline bool kd_u64_set_has(const struct kd_u64_set *s, uint64_t v)
{
	return kd_u64_set_find(s, v, kd_hash_u64(v)) != NULL;
}

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_HASH_TABLE_H */
