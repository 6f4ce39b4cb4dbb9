/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SLUB allocator: caches, their slabs and objects.
 *
 * Kernel facts relied on (SLUB, 2.6.27+; struct slab is 5.17+, the
 * same fields lived in struct page before):
 *   - every cache is on the list slab_caches through kmem_cache.list,
 *     newest first; kmem_cache.name, .object_size (objsize before 3.x),
 *     .size (the stride between objects), .offset (where a free object
 *     keeps its free pointer), .oo.x (order << 16 | objects per slab),
 *     .flags (SLAB_RED_ZONE 0x400, SLAB_STORE_USER 0x10000, or the
 *     _SLAB_* bits of 6.8+), .red_left_pad (objects start after it with
 *     SLAB_RED_ZONE), .random (CONFIG_SLAB_FREELIST_HARDENED);
 *   - a slab is the head page of a compound page (PG_slab set on it):
 *     slab_cache, freelist (first free object), counters = {inuse:16,
 *     objects:15, frozen:1}, slab_list (node lists), next (the per-CPU
 *     partial chain); its objects start at page_address(slab);
 *   - per CPU (kmem_cache.cpu_slab, a per-CPU pointer): struct
 *     kmem_cache_cpu { freelist, tid, slab (page before 5.17), partial };
 *     the CPU slab's free objects are on the CPU freelist and (those
 *     freed by other CPUs) on the slab's freelist;
 *   - per node (kmem_cache.node[nid]): struct kmem_cache_node {
 *     nr_partial, partial (list of slabs), nr_slabs, total_objects
 *     (CONFIG_SLUB_DEBUG), full (tracked only with SLAB_STORE_USER) };
 *   - a free object holds the next free object at object + offset,
 *     stored as ptr ^ random ^ swab(ptr_addr) with
 *     CONFIG_SLAB_FREELIST_HARDENED (5.7+, and stable kernels that took
 *     commit 1ad53d9fa3f6; 4.14 .. 5.6: ptr ^ random ^ ptr_addr; 6.5+
 *     splits it into freelist_ptr_encode/decode, the same arithmetic).
 *     Which form a kernel uses is found from the data: a decoded
 *     pointer must be NULL or an object of the same slab.
 *
 * Free lists are decoded into a per-slab map (no quadratic search),
 * bounded by the slab's object count: a pointer outside the slab, a
 * misaligned one or an object met twice ends the walk with
 * KD_ERR_CORRUPT (the objects marked so far stay marked).
 */
#ifndef PYKDUMP_SLAB_H
#define PYKDUMP_SLAB_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_session;
struct kd_addr_list;

/* ---- caches ---- */

struct kd_slab_cache {
	uint64_t addr;		/* struct kmem_cache */
	char name[64];
	unsigned object_size;	/* what kmalloc callers get */
	unsigned size;		/* stride between objects in a slab */
	unsigned offset;	/* free pointer offset in a free object */
	unsigned objects;	/* per slab of the cache's order */
	unsigned order;
	unsigned red_left_pad;	/* 0 unless SLAB_RED_ZONE */
	uint64_t flags;
	int hardened;		/* kmem_cache.random exists */
	uint64_t random;
	uint64_t cpu_slab;	/* per-CPU pointer to kmem_cache_cpu */
	int store_user;		/* SLAB_STORE_USER: full list tracked */
	int sheaves;		/* 7.0+: per-CPU sheaves, no CPU slabs */
	uint64_t cpu_sheaves;	/* per-CPU slub_percpu_sheaves; 0: none */
	unsigned sheaf_capacity;
};

/* The caches on slab_caches, in list order (newest first). */
KD_PUBLIC struct kd_error *kd_slab_caches(struct kd_session *s,
					  struct kd_addr_list *ret)
	KD_WARN_UNUSED;
KD_PUBLIC struct kd_error *kd_slab_cache_read(struct kd_session *s,
					      uint64_t cache,
					      struct kd_slab_cache *ret)
	KD_WARN_UNUSED;
/* The cache of that name; KD_ERR_NOT_FOUND when none. */
KD_PUBLIC struct kd_error *kd_slab_cache_find(struct kd_session *s,
					      const char *name,
					      uint64_t *ret) KD_WARN_UNUSED;
/* 1 when addr is a cache on slab_caches. */
KD_PUBLIC int kd_slab_is_cache(struct kd_session *s, uint64_t addr);

/* ---- slabs ---- */

struct kd_slab {
	uint64_t addr;		/* struct slab (the head struct page) */
	uint64_t pfn;
	uint64_t cache;		/* slab_cache */
	uint64_t mem;		/* its first object (page_address) */
	uint64_t freelist;	/* first free object, decoded as stored */
	unsigned inuse, objects;
	int frozen;
	uint64_t next;		/* next slab on a CPU partial chain */
	int node;		/* memory node of its pages */
};
KD_PUBLIC struct kd_error *kd_slab_read(struct kd_session *s, uint64_t slab,
					struct kd_slab *ret) KD_WARN_UNUSED;

/* The per-CPU state of a cache on one CPU. */
struct kd_slab_cpu {
	uint64_t addr;		/* its struct kmem_cache_cpu */
	uint64_t slab;		/* the CPU slab, 0 when none */
	uint64_t freelist;	/* the CPU freelist */
	uint64_t partial;	/* first slab of the CPU partial chain */
};
KD_PUBLIC struct kd_error *kd_slab_cpu_read(struct kd_session *s,
					    const struct kd_slab_cache *c,
					    unsigned cpu,
					    struct kd_slab_cpu *ret)
	KD_WARN_UNUSED;
/* The slabs of a CPU partial chain from first (bounded, cycle-checked;
 * partial result with the error). */
KD_PUBLIC struct kd_error *kd_slab_cpu_partial(struct kd_session *s,
					       uint64_t first,
					       struct kd_addr_list *ret)
	KD_WARN_UNUSED;

/* The per-node state of a cache. */
struct kd_slab_node {
	uint64_t addr;		/* struct kmem_cache_node; 0 when none */
	uint64_t nr_partial, nr_slabs, total_objects;
	uint64_t partial;	/* the partial list's head */
	uint64_t full;		/* the full list's head; KD_ABSENT */
	uint64_t barn;		/* 7.0+: its struct node_barn, or 0 */
};
KD_PUBLIC struct kd_error *kd_slab_node_read(struct kd_session *s,
					     const struct kd_slab_cache *c,
					     int nid, struct kd_slab_node *ret)
	KD_WARN_UNUSED;
/* The slabs on a node list (partial or full head): list rules of
 * highlevel.h. */
KD_PUBLIC struct kd_error *kd_slab_node_list(struct kd_session *s,
					     uint64_t head, unsigned flags,
					     struct kd_addr_list *ret)
	KD_WARN_UNUSED;

/*
 * 7.0+ SLUB has no CPU slabs.  Each CPU caches free objects in sheaves,
 * arrays of object pointers: kmem_cache.cpu_sheaves (per-CPU struct
 * slub_percpu_sheaves { lock, main, spare, rcu_free }), struct
 * slab_sheaf { ..., size, node, objects[size] }, at most
 * kmem_cache.sheaf_capacity objects.  Full sheaves wait for a CPU in
 * their node's barn (kmem_cache.per_node[nid] = { barn, node }, struct
 * node_barn { sheaves_full, sheaves_empty, nr_full, nr_empty }, linked
 * through slab_sheaf.barn_list).  An object in a sheaf is free for the
 * kernel's callers but counted in its slab's inuse.  The rcu_free sheaf
 * holds objects freed by kfree_rcu() whose grace period has not ended:
 * still allocated, as crash counts any object awaiting RCU.
 */
#define KD_SLAB_MAX_SHEAF 65536
struct kd_slab_sheaves {
	uint64_t addr;		/* its struct slub_percpu_sheaves */
	uint64_t main, spare, rcu_free;	/* struct slab_sheaf, or 0 */
};
/* The sheaves of a cache on one CPU (all 0 for a cache without
 * sheaves); KD_ERR_UNSUPPORTED on a kernel with CPU slabs. */
KD_PUBLIC struct kd_error *kd_slab_sheaves_read(struct kd_session *s,
						const struct kd_slab_cache *c,
						unsigned cpu,
						struct kd_slab_sheaves *ret)
	KD_WARN_UNUSED;
/* A sheaf's object count into *size and its first max object pointers
 * into objs (may be NULL); KD_ERR_CORRUPT past KD_SLAB_MAX_SHEAF or far
 * past the cache's capacity. */
KD_PUBLIC struct kd_error *kd_slab_sheaf_read(struct kd_session *s,
					      const struct kd_slab_cache *c,
					      uint64_t sheaf, uint64_t *objs,
					      unsigned max, unsigned *size)
	KD_WARN_UNUSED;
/* The full sheaves of a node's barn (list rules of highlevel.h). */
KD_PUBLIC struct kd_error *kd_slab_barn_full(struct kd_session *s,
					     uint64_t barn,
					     struct kd_addr_list *ret)
	KD_WARN_UNUSED;

/* An object in a sheaf, and whose sheaf: a CPU's, or (cpu -1) a
 * barn's. */
struct kd_slab_sheaf_obj {
	uint64_t obj;
	int cpu;
};
/* Every object in the cache's per-CPU main and spare sheaves and in its
 * nodes' barns, sorted by address, into *ret (malloc'd, *n of them; NULL
 * and 0 on a kernel with CPU slabs).  On an error the objects found
 * before it are kept. */
KD_PUBLIC struct kd_error *kd_slab_sheaf_objects(struct kd_session *s,
						 const struct kd_slab_cache *c,
						 struct kd_slab_sheaf_obj **ret,
						 size_t *n) KD_WARN_UNUSED;
/* The entry for obj in a sorted list, or NULL. */
KD_PUBLIC const struct kd_slab_sheaf_obj *
kd_slab_sheaf_find(const struct kd_slab_sheaf_obj *v, size_t n, uint64_t obj);

/* ---- objects ---- */

#define KD_SLAB_OBJ_INUSE	0	/* allocated */
#define KD_SLAB_OBJ_FREE	1	/* on the slab's freelist */
#define KD_SLAB_OBJ_CPU_FREE	2	/* on a CPU freelist (7.0+: in a
					 * sheaf, a CPU's or a barn's) */

/* The next free object after obj (the pointer stored at obj + offset,
 * decoded), 0 at the end of the list. */
KD_PUBLIC struct kd_error *kd_slab_next_free(struct kd_session *s,
					     const struct kd_slab_cache *c,
					     const struct kd_slab *slab,
					     uint64_t obj, uint64_t *ret)
	KD_WARN_UNUSED;

/*
 * The state of each object of a slab into state[slab->objects]
 * (KD_SLAB_OBJ_*): free when on the slab's freelist or on cpu_freelist
 * (the CPU freelist when the slab is a CPU slab, else 0).  Object i is
 * at slab->mem + i * c->size (+ red_left_pad).  A corrupt free list
 * stops with KD_ERR_CORRUPT naming the slab and the bad pointer; what
 * was marked before stays.
 */
KD_PUBLIC struct kd_error *kd_slab_object_states(struct kd_session *s,
						 const struct kd_slab_cache *c,
						 const struct kd_slab *slab,
						 uint64_t cpu_freelist,
						 uint8_t *state) KD_WARN_UNUSED;
/* The address of object i of a slab (red_left_pad included). */
KD_PUBLIC uint64_t kd_slab_object(const struct kd_slab_cache *c,
				  const struct kd_slab *slab, unsigned i);

/* ---- whole caches ---- */

/* kmem -s's numbers: objects (total_objects of the nodes), allocated
 * (total less the free objects of the CPU slabs, CPU freelists, CPU
 * partial slabs and node partial slabs), slabs (nr_slabs of the
 * nodes). */
struct kd_slab_counts {
	uint64_t total, allocated, slabs;
};
KD_PUBLIC struct kd_error *kd_slab_cache_counts(struct kd_session *s,
						const struct kd_slab_cache *c,
						struct kd_slab_counts *ret)
	KD_WARN_UNUSED;

/*
 * Every object of the caches (cache 0: of every cache), found by a scan
 * of the memory map for slab pages, with its state: fn(arg, cache,
 * object, state) for each (state KD_SLAB_OBJ_*); fn returns non-zero
 * to stop.  With inuse_only, free objects are skipped.  A slab whose
 * free list is corrupt is reported through bad(arg, slab, err) (may be
 * NULL; err destroyed by the caller of bad, i.e. here) and its objects
 * are given as far as they are known.  7.0+: objects in a sheaf are
 * free (KD_SLAB_OBJ_CPU_FREE); sheaves that cannot be read are reported
 * through bad(arg, 0, err) and their objects given as allocated.
 */
typedef int kd_slab_object_fn(void *arg, uint64_t cache, uint64_t obj,
			      int state);
typedef void kd_slab_bad_fn(void *arg, uint64_t slab,
			    const struct kd_error *err);
KD_PUBLIC struct kd_error *kd_slab_for_each_object(struct kd_session *s,
						   uint64_t cache,
						   int inuse_only,
						   kd_slab_object_fn *fn,
						   kd_slab_bad_fn *bad,
						   void *arg) KD_WARN_UNUSED;

/* ---- an address ---- */

struct kd_slab_addr {
	uint64_t cache;
	uint64_t slab;		/* struct slab */
	uint64_t object;	/* start of the object holding the address */
	int state;		/* KD_SLAB_OBJ_* */
	int cpu;		/* the CPU whose slab it is, -1 when none */
};
/* Whether addr (a kernel virtual address) lies in a slab object: *found
 * 0 when its page is not a slab page of a known cache or addr is past
 * the slab's objects. */
KD_PUBLIC struct kd_error *kd_slab_find(struct kd_session *s, uint64_t addr,
					struct kd_slab_addr *ret,
					int *found) KD_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_SLAB_H */
