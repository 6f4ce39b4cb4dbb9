// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SLUB allocator: see include/pykdump/slab.h.
 *
 * Kept per session (per memocache generation): the layouts, the sorted
 * list of cache addresses (to tell a kmem_cache pointer from garbage),
 * the node ranges (a slab's node) and which form of hardened free
 * pointer the kernel uses once one has been seen.
 *
 * A slab's free list is decoded from one read of the slab's memory
 * (objects * size bytes, at most MAX_SLAB_BYTES) into a map of object
 * states: linear in the objects, where a search of the list for each
 * object (crash's way) is quadratic.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/memocache.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/slab.h>
#include <pykdump/types.h>
#include <pykdump/vector.h>
#include <pykdump/zone.h>

#include "kernel_internal.h"
#include "slab_internal.h"

#define MAX_CACHES (1u << 16)
#define MAX_SLAB_BYTES (4u << 20)
#define MAX_PARTIAL (1u << 22)
#define MAX_OBJECTS 65536	/* objects per slab: a 15-bit count */
#define SLAB_RED_ZONE_FLAG 0x400ULL
#define SLAB_STORE_USER_FLAG 0x10000ULL

struct slab_layout {
	/* struct kmem_cache */
	uint64_t c_size, c_cpu_slab, c_flags, c_stride, c_object_size;
	uint64_t c_offset, c_oo, c_oo_size, c_objects, c_order;
	uint64_t c_red_left_pad, c_name, c_list, c_random, c_node;
	uint64_t c_node_count;		/* node[] bound; KD_ABSENT: embedded */
	/* 7.0+: per_node[] of { barn, node }, cpu_sheaves, sheaf_capacity */
	uint64_t c_per_node, c_per_node_count, pn_size, pn_barn, pn_node;
	uint64_t c_cpu_sheaves, c_sheaf_capacity;
	/* struct slub_percpu_sheaves, slab_sheaf, node_barn */
	uint64_t pcs_main, pcs_spare, pcs_rcu_free;
	uint64_t sh_size, sh_barn_list, sh_objects;
	uint64_t barn_full, barn_nr_full;
	/* SLAB_RED_ZONE, SLAB_STORE_USER: bits of _slab_flag_bits on 6.8+
	 * (looked up once, not per cache read) */
	uint64_t red_zone_flag, store_user_flag;
	/* struct kmem_cache_cpu */
	uint64_t cpu_freelist, cpu_slab, cpu_partial;
	/* struct kmem_cache_node */
	uint64_t n_nr_partial, n_partial, n_nr_slabs, n_total_objects;
	uint64_t n_full;
	/* struct slab (struct page before 5.17) */
	uint64_t s_size, s_cache, s_freelist, s_list, s_next;
	uint64_t s_inuse_bits, s_inuse_width, s_objects_bits;
	uint64_t s_objects_width, s_frozen_bits;
};

#define KC "struct kmem_cache"
#define KCC "struct kmem_cache_cpu"
#define KCN "struct kmem_cache_node"
#define SL "struct slab|struct page"
#define PCS "struct slub_percpu_sheaves"
#define SHEAF "struct slab_sheaf"
static const struct kd_layout_field slab_fields[] = {
	KD_LF(struct slab_layout, c_size, KC, NULL, KD_LF_SIZE),
	/* cpu_slab before 7.0, cpu_sheaves after (layout_fill) */
	KD_LF(struct slab_layout, c_cpu_slab, KC, "cpu_slab", 0),
	KD_LF(struct slab_layout, c_cpu_sheaves, KC, "cpu_sheaves", 0),
	KD_LF(struct slab_layout, c_sheaf_capacity, KC, "sheaf_capacity", 0),
	KD_LF(struct slab_layout, c_per_node, KC, "per_node", 0),
	KD_LF(struct slab_layout, c_per_node_count, KC, "per_node",
	      KD_LF_COUNT),
	KD_LF(struct slab_layout, pn_size, "struct kmem_cache_per_node_ptrs",
	      NULL, KD_LF_SIZE),
	KD_LF(struct slab_layout, pn_barn, "struct kmem_cache_per_node_ptrs",
	      "barn", 0),
	KD_LF(struct slab_layout, pn_node, "struct kmem_cache_per_node_ptrs",
	      "node", 0),
	KD_LF(struct slab_layout, pcs_main, PCS, "main", 0),
	KD_LF(struct slab_layout, pcs_spare, PCS, "spare", 0),
	KD_LF(struct slab_layout, pcs_rcu_free, PCS, "rcu_free", 0),
	KD_LF(struct slab_layout, sh_size, SHEAF, "size", 0),
	KD_LF(struct slab_layout, sh_barn_list, SHEAF, "barn_list", 0),
	KD_LF(struct slab_layout, sh_objects, SHEAF, "objects", 0),
	KD_LF(struct slab_layout, barn_full, "struct node_barn",
	      "sheaves_full", 0),
	KD_LF(struct slab_layout, barn_nr_full, "struct node_barn", "nr_full",
	      0),
	KD_LF(struct slab_layout, c_flags, KC, "flags", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, c_stride, KC, "size", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, c_object_size, KC, "object_size|objsize",
	      KD_LF_REQUIRED),
	KD_LF(struct slab_layout, c_offset, KC, "offset", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, c_oo, KC, "oo", 0),
	KD_LF(struct slab_layout, c_oo_size, KC, "oo", KD_LF_SIZE),
	KD_LF(struct slab_layout, c_objects, KC, "objects", 0),
	KD_LF(struct slab_layout, c_order, KC, "order", 0),
	KD_LF(struct slab_layout, c_red_left_pad, KC, "red_left_pad", 0),
	KD_LF(struct slab_layout, c_name, KC, "name", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, c_list, KC, "list", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, c_random, KC, "random", 0),
	KD_LF(struct slab_layout, c_node, KC, "node|local_node", 0),
	KD_LF(struct slab_layout, c_node_count, KC, "node", KD_LF_COUNT),
	KD_LF(struct slab_layout, cpu_freelist, KCC, "freelist", 0),
	KD_LF(struct slab_layout, cpu_slab, KCC, "slab|page", 0),
	KD_LF(struct slab_layout, cpu_partial, KCC, "partial", 0),
	KD_LF(struct slab_layout, n_nr_partial, KCN, "nr_partial",
	      KD_LF_REQUIRED),
	KD_LF(struct slab_layout, n_partial, KCN, "partial", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, n_nr_slabs, KCN, "nr_slabs", 0),
	KD_LF(struct slab_layout, n_total_objects, KCN, "total_objects", 0),
	KD_LF(struct slab_layout, n_full, KCN, "full", 0),
	KD_LF(struct slab_layout, s_size, "struct slab|struct page", NULL,
	      KD_LF_SIZE),
	KD_LF(struct slab_layout, s_cache, SL, "slab_cache", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, s_freelist, SL, "freelist", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, s_list, SL, "slab_list|lru", KD_LF_REQUIRED),
	KD_LF(struct slab_layout, s_next, SL, "next", 0),
	KD_LF(struct slab_layout, s_inuse_bits, SL, "inuse",
	      KD_LF_BITS | KD_LF_REQUIRED),
	KD_LF(struct slab_layout, s_inuse_width, SL, "inuse", KD_LF_WIDTH),
	KD_LF(struct slab_layout, s_objects_bits, SL, "objects",
	      KD_LF_BITS | KD_LF_REQUIRED),
	KD_LF(struct slab_layout, s_objects_width, SL, "objects",
	      KD_LF_WIDTH),
	KD_LF(struct slab_layout, s_frozen_bits, SL, "frozen", KD_LF_BITS),
};

struct node_range {
	int id;
	uint64_t start, end;	/* pfns */
};

struct slab_state {
	struct kd_layout_cache layout_cache;
	struct slab_layout l;
	uint64_t generation;	/* of caches / nodes */
	uint64_t *caches;	/* sorted */
	size_t ncaches;
	struct node_range *nodes;
	size_t nnodes;
	enum kd_fp_form form;	/* the hardened pointer form seen */
	/* 7.0+: the sheaf objects of the last cache asked for, for the
	 * memocache generation (kd_slab_find runs once per word of rd -S:
	 * a re-read of every CPU's sheaves each time) */
	int sheaf_valid;
	uint64_t sheaf_cache, sheaf_gen;
	struct kd_slab_sheaf_obj *sheaf_v;	/* NULL when none */
	size_t sheaf_n;
};

void kd_slab_state_destroy(void *p)
{
	struct slab_state *st = p;
	if (!st)
		return;
	free(st->layout_cache.problem);
	free(st->caches);
	free(st->nodes);
	free(st->sheaf_v);
	free(st);
}

/* SLAB_RED_ZONE and SLAB_STORE_USER: 6.8+ numbers them in enum
 * _slab_flag_bits. */
static uint64_t flag_value(struct kd_session *s, const char *bit_name,
			   uint64_t def)
{
	int64_t v;
	struct kd_error *err = kd_enum_value(s, bit_name, &v);
	kd_error_destroy(err);
	return err || v < 0 || v > 63 ? def : 1ULL << v;
}

static struct kd_error *layout_fill(struct kd_session *s, void *layout)
{
	struct slab_layout *l = layout;
	struct kd_error *err = kd_layout_fill(s, slab_fields,
					      KD_ARRAY_SIZE(slab_fields), l);
	if (err)
		return kd_error_prefix(err, "SLUB");
	if (!kd_present(l->c_oo) &&
	    (!kd_present(l->c_objects) || !kd_present(l->c_order)))
		return kd_error_create(KD_ERR_NOT_FOUND, "SLUB: struct "
				       "kmem_cache has neither oo nor "
				       "objects/order");
	if (kd_present(l->c_cpu_slab) &&
	    (!kd_present(l->cpu_freelist) || !kd_present(l->cpu_slab)))
		return kd_error_create(KD_ERR_NOT_FOUND, "SLUB: struct "
				       "kmem_cache_cpu has no freelist or "
				       "slab");
	/* 7.0+: no CPU slabs; free objects cached in per-CPU sheaves and
	 * the nodes' barns */
	if (!kd_present(l->c_cpu_slab) &&
	    (!kd_present(l->c_cpu_sheaves) || !kd_present(l->pcs_main) ||
	     !kd_present(l->pcs_spare) || !kd_present(l->sh_size) ||
	     !kd_present(l->sh_objects) || !kd_present(l->sh_barn_list) ||
	     !kd_present(l->barn_full)))
		return kd_error_create(KD_ERR_NOT_FOUND, "SLUB: struct "
				       "kmem_cache has neither cpu_slab nor "
				       "cpu_sheaves (with struct slab_sheaf "
				       "size, objects, barn_list and "
				       "node_barn sheaves_full)");
	if (!kd_present(l->c_node) &&
	    (!kd_present(l->c_per_node) || !kd_present(l->pn_node) ||
	     !kd_present(l->pn_size) || !l->pn_size ||
	     !kd_present(l->c_per_node_count)))
		return kd_error_create(KD_ERR_NOT_FOUND, "SLUB: struct "
				       "kmem_cache has neither node[] nor "
				       "per_node[].node");
	if (!kd_present(l->s_size) || !l->s_size || l->s_size > 1024 ||
	    !kd_present(l->c_size) || !l->c_size || l->c_size > (1u << 20))
		return kd_error_create(KD_ERR_NOT_FOUND, "SLUB: struct slab or "
				       "kmem_cache has no usable size");
	l->red_zone_flag = flag_value(s, "_SLAB_RED_ZONE", SLAB_RED_ZONE_FLAG);
	l->store_user_flag = flag_value(s, "_SLAB_STORE_USER",
					SLAB_STORE_USER_FLAG);
	if (!kd_present(l->s_inuse_width))
		l->s_inuse_width = 16;
	if (!kd_present(l->s_objects_width))
		l->s_objects_width = 15;
	return NULL;
}

static struct kd_error *slab_st(struct kd_session *s, struct slab_state **ret)
{
	struct kd_kernel_state *k = kd_kernel_state(s);
	if (!k)
		return &kd_error_nomem;
	if (!k->slab && !(k->slab = calloc(1, sizeof(*k->slab))))
		return &kd_error_nomem;
	*ret = k->slab;
	return kd_layout_cached(s, &k->slab->layout_cache, layout_fill,
				&k->slab->l);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The caches and the node ranges, once per generation. */
static struct kd_error *tables(struct kd_session *s, struct slab_state **ret)
{
	struct slab_state *st;
	struct kd_error *err = slab_st(s, &st);
	if (err)
		return err;
	*ret = st;
	uint64_t gen = kd_memocache_generation(kd_session_memocache(s));
	if (st->generation == gen)
		return NULL;
	struct kd_addr_list l;
	err = kd_slab_caches(s, &l);
	if (err && (!l.n || err->code == KD_ERR_NOMEM ||
		    err->code == KD_ERR_INTERRUPTED ||
		    err->code == KD_ERR_TIMEOUT)) {
		kd_addr_list_free(&l);
		return err;
	}
	/* a list broken part-way: the caches before the break are known
	 * (the list's walkers report the break themselves) */
	kd_error_destroy(err);
	free(st->caches);
	st->caches = l.addrs;		/* taken over */
	st->ncaches = l.n;
	free(l.index);
	qsort(st->caches, st->ncaches, sizeof(*st->caches), cmp_u64);
	struct kd_node *nodes;
	size_t nn;
	free(st->nodes);
	st->nodes = NULL;
	st->nnodes = 0;
	if (!(err = kd_mm_nodes(s, &nodes, &nn))) {
		st->nodes = calloc(nn, sizeof(*st->nodes));
		for (size_t i = 0; st->nodes && i < nn; i++)
			st->nodes[i] = (struct node_range){ nodes[i].id,
				nodes[i].start_pfn,
				nodes[i].start_pfn + nodes[i].spanned };
		st->nnodes = st->nodes ? nn : 0;
		free(nodes);
	}
	kd_error_destroy(err);	/* slabs are then on node 0 */
	st->generation = gen;
	return NULL;
}

/* ---- caches ---- */

struct kd_error *kd_slab_caches(struct kd_session *s, struct kd_addr_list *ret)
{
	struct slab_state *st;
	uint64_t head;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = slab_st(s, &st);
	if (!err)
		err = kd_symbol_addr(s, "slab_caches", &head);
	if (err)
		return err;
	return kd_list_walk(s, head, st->l.c_list, 0, MAX_CACHES, ret);
}

int kd_slab_is_cache(struct kd_session *s, uint64_t addr)
{
	struct slab_state *st;
	struct kd_error *err = tables(s, &st);
	kd_error_destroy(err);
	return !err && bsearch(&addr, st->caches, st->ncaches,
			       sizeof(*st->caches), cmp_u64) != NULL;
}

static uint64_t get(const uint8_t *buf, uint64_t size, uint64_t off,
		    unsigned len)
{
	return kd_field_get(buf, size, off, len);
}

/* A bitfield at bit offset bits, width wide (at most 32). */
static uint64_t get_bits(const uint8_t *buf, uint64_t size, uint64_t bits,
			 uint64_t width)
{
	if (!kd_present(bits) || width == 0 || width > 32)
		return 0;
	uint64_t v = get(buf, size, bits / 8, 8) >> (bits % 8);
	return v & ((1ULL << width) - 1);
}

/* b: the first sz bytes of the struct kmem_cache at addr. */
static void cache_decode(const struct slab_layout *l, const uint8_t *b,
			 uint64_t sz, uint64_t addr, struct kd_slab_cache *c)
{
	c->addr = addr;
	c->flags = get(b, sz, l->c_flags, 8);
	c->size = (unsigned)get(b, sz, l->c_stride, 4);
	c->object_size = (unsigned)get(b, sz, l->c_object_size, 4);
	c->offset = (unsigned)get(b, sz, l->c_offset, 4);
	if (kd_present(l->c_oo)) {
		unsigned osz = kd_present(l->c_oo_size) && l->c_oo_size == 8 ?
			       8 : 4;
		uint64_t oo = get(b, sz, l->c_oo, osz);
		c->order = (unsigned)(oo >> 16);	/* OO_SHIFT */
		c->objects = (unsigned)(oo & 0xffff);
	} else {
		c->order = (unsigned)get(b, sz, l->c_order, 4);
		c->objects = (unsigned)get(b, sz, l->c_objects, 4);
	}
	c->red_left_pad = 0;
	if (c->flags & SLAB_RED_ZONE_FLAG)
		c->red_left_pad = (unsigned)get(b, sz, l->c_red_left_pad, 4);
	c->hardened = kd_present(l->c_random);
	c->random = get(b, sz, l->c_random, 8);
	c->cpu_slab = get(b, sz, l->c_cpu_slab, 8);
	c->sheaves = !kd_present(l->c_cpu_slab);
	c->cpu_sheaves = get(b, sz, l->c_cpu_sheaves, 8);
	c->sheaf_capacity = (unsigned)get(b, sz, l->c_sheaf_capacity, 4);
	c->store_user = kd_present(l->n_full) &&
			(c->flags & SLAB_STORE_USER_FLAG) != 0;
}


struct kd_error *kd_slab_cache_read(struct kd_session *s, uint64_t cache,
				    struct kd_slab_cache *ret)
{
	struct slab_state *st;
	struct kd_error *err = slab_st(s, &st);
	if (err)
		return err;
	const struct slab_layout *l = &st->l;
	/* node[] / per_node[] can be long (MAX_NUMNODES, 16 KB on 7.x):
	 * the fields are before it, and only they are read and decoded */
	uint64_t nodes = kd_present(l->c_node) ? l->c_node : l->c_per_node;
	uint64_t len = kd_present(nodes) && nodes < l->c_size ? nodes
							      : l->c_size;
	uint8_t *b = malloc(len);
	if (!b)
		return &kd_error_nomem;
	err = kd_read_kvaddr(s, cache, b, len);
	if (err) {
		free(b);
		return kd_error_prefix(err, "kmem_cache %llx",
				       (unsigned long long)cache);
	}
	memset(ret, 0, sizeof(*ret));
	cache_decode(l, b, len, cache, ret);
	ret->red_left_pad = ret->flags & l->red_zone_flag ?
			    (unsigned)get(b, len, l->c_red_left_pad, 4) : 0;
	ret->store_user = kd_present(l->n_full) &&
			  (ret->flags & l->store_user_flag);
	uint64_t name = get(b, len, l->c_name, 8);
	free(b);
	strcpy(ret->name, "(unknown)");
	if (name && (err = kd_read_cstring(s, name, ret->name,
					   sizeof(ret->name), NULL))) {
		strcpy(ret->name, "(unknown)");
		kd_error_destroy(err);
	}
	if (!ret->size || ret->size > (1u << 30) || ret->objects > MAX_OBJECTS)
		return kd_error_create(KD_ERR_CORRUPT, "kmem_cache %llx (%s): "
				       "implausible size %u, %u objects per "
				       "slab", (unsigned long long)cache,
				       ret->name, ret->size, ret->objects);
	return NULL;
}

struct kd_error *kd_slab_cache_find(struct kd_session *s, const char *name,
				    uint64_t *ret)
{
	struct kd_addr_list l;
	struct kd_error *err = kd_slab_caches(s, &l);
	for (size_t i = 0; !err && i < l.n; i++) {
		struct kd_slab_cache c;
		struct kd_error *e2 = kd_slab_cache_read(s, l.addrs[i], &c);
		if (e2) {
			kd_error_destroy(e2);
			continue;
		}
		if (!strcmp(c.name, name)) {
			*ret = l.addrs[i];
			kd_addr_list_free(&l);
			return NULL;
		}
	}
	kd_addr_list_free(&l);
	if (err)
		return err;
	return kd_error_create(KD_ERR_NOT_FOUND, "no slab cache named %s",
			       name);
}

/* ---- slabs ---- */

static int node_of(const struct slab_state *st, uint64_t pfn)
{
	for (size_t i = 0; i < st->nnodes; i++)
		if (pfn >= st->nodes[i].start && pfn < st->nodes[i].end)
			return st->nodes[i].id;
	return 0;
}

static void slab_decode(struct kd_session *s, const struct slab_state *st,
			const uint8_t *b, uint64_t addr, uint64_t pfn,
			struct kd_slab *ret)
{
	const struct slab_layout *l = &st->l;
	uint64_t sz = l->s_size;
	ret->addr = addr;
	ret->pfn = pfn;
	ret->cache = get(b, sz, l->s_cache, 8);
	ret->freelist = get(b, sz, l->s_freelist, 8);
	ret->inuse = (unsigned)get_bits(b, sz, l->s_inuse_bits,
					l->s_inuse_width);
	ret->objects = (unsigned)get_bits(b, sz, l->s_objects_bits,
					  l->s_objects_width);
	ret->frozen = (int)get_bits(b, sz, l->s_frozen_bits, 1);
	ret->next = get(b, sz, l->s_next, 8);
	/* page_address(): the direct map */
	ret->mem = kd_ptov(s, pfn * kd_page_size(s));
	ret->node = node_of(st, pfn);
}

struct kd_error *kd_slab_read(struct kd_session *s, uint64_t slab,
			      struct kd_slab *ret)
{
	struct slab_state *st;
	uint64_t pfn;
	uint8_t b[1024];
	struct kd_error *err = tables(s, &st);
	if (!err)
		err = kd_page_to_pfn(s, slab, &pfn);
	if (!err)
		err = kd_read_kvaddr(s, slab, b, st->l.s_size);
	if (err)
		return kd_error_prefix(err, "slab %llx",
				       (unsigned long long)slab);
	memset(ret, 0, sizeof(*ret));
	slab_decode(s, st, b, slab, pfn, ret);
	return NULL;
}

struct kd_error *kd_slab_cpu_read(struct kd_session *s,
				  const struct kd_slab_cache *c, unsigned cpu,
				  struct kd_slab_cpu *ret)
{
	struct slab_state *st;
	struct kd_error *err = slab_st(s, &st);
	memset(ret, 0, sizeof(*ret));
	if (!err && c->sheaves)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: no CPU slabs "
				       "in this kernel (SLUB keeps per-CPU "
				       "sheaves, 7.0+)", c->name);
	if (!err)
		err = kd_percpu_ptr(s, c->cpu_slab, cpu, &ret->addr);
	if (err)
		return err;
	const struct slab_layout *l = &st->l;
	if ((err = kd_field_ptr(s, ret->addr, l->cpu_slab, &ret->slab)) ||
	    (err = kd_field_ptr(s, ret->addr, l->cpu_freelist,
				&ret->freelist)))
		return kd_error_prefix(err, "%s: kmem_cache_cpu of CPU %u",
				       c->name, cpu);
	if (kd_present(l->cpu_partial) &&
	    (err = kd_field_ptr(s, ret->addr, l->cpu_partial, &ret->partial)))
		return kd_error_prefix(err, "%s: kmem_cache_cpu of CPU %u",
				       c->name, cpu);
	return NULL;
}

struct kd_error *kd_slab_sheaves_read(struct kd_session *s,
				      const struct kd_slab_cache *c,
				      unsigned cpu, struct kd_slab_sheaves *ret)
{
	struct slab_state *st;
	struct kd_error *err = slab_st(s, &st);
	memset(ret, 0, sizeof(*ret));
	if (!err && !c->sheaves)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: no sheaves in "
				       "this kernel (SLUB before 7.0 keeps "
				       "per-CPU slabs)", c->name);
	if (err || !c->cpu_sheaves)	/* a cache without sheaves */
		return err;
	const struct slab_layout *l = &st->l;
	if ((err = kd_percpu_ptr(s, c->cpu_sheaves, cpu, &ret->addr)) ||
	    (err = kd_field_ptr(s, ret->addr, l->pcs_main, &ret->main)) ||
	    (err = kd_field_ptr(s, ret->addr, l->pcs_spare, &ret->spare)) ||
	    (kd_present(l->pcs_rcu_free) &&
	     (err = kd_field_ptr(s, ret->addr, l->pcs_rcu_free,
				 &ret->rcu_free))))
		return kd_error_prefix(err, "%s: slub_percpu_sheaves of CPU %u",
				       c->name, cpu);
	return NULL;
}

struct kd_error *kd_slab_sheaf_read(struct kd_session *s,
				    const struct kd_slab_cache *c,
				    uint64_t sheaf, uint64_t *objs,
				    unsigned max, unsigned *size)
{
	struct slab_state *st;
	uint32_t n = 0;
	*size = 0;
	struct kd_error *err = slab_st(s, &st);
	if (err || !sheaf)
		return err;
	const struct slab_layout *l = &st->l;
	if ((err = kd_field_u32(s, sheaf, l->sh_size, &n)))
		return kd_error_prefix(err, "%s: sheaf %llx", c->name,
				       (unsigned long long)sheaf);
	/* a sheaf holds at most the cache's sheaf_capacity objects (a
	 * bootstrap or oversize sheaf may differ: bounded either way) */
	unsigned cap = c->sheaf_capacity > KD_SLAB_MAX_SHEAF ?
		       KD_SLAB_MAX_SHEAF : c->sheaf_capacity;
	if (n > KD_SLAB_MAX_SHEAF || (cap && n > cap && n > 2 * cap))
		return kd_error_create(KD_ERR_CORRUPT, "%s: sheaf %llx holds "
				       "%u objects (capacity %u)", c->name,
				       (unsigned long long)sheaf, n,
				       c->sheaf_capacity);
	*size = n;
	if (!objs || !max)
		return NULL;
	unsigned want = n < max ? n : max;
	if ((err = kd_read_kvaddr(s, sheaf + l->sh_objects, objs,
				  (size_t)want * 8)))
		return kd_error_prefix(err, "%s: sheaf %llx objects",
				       c->name, (unsigned long long)sheaf);
	return NULL;
}

struct kd_error *kd_slab_barn_full(struct kd_session *s, uint64_t barn,
				   struct kd_addr_list *ret)
{
	struct slab_state *st;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = slab_st(s, &st);
	if (err || !barn)
		return err;
	const struct slab_layout *l = &st->l;
	if (!kd_present(l->barn_full))
		return kd_error_create(KD_ERR_UNSUPPORTED, "no node_barn in "
				       "this kernel");
	return kd_list_walk(s, barn + l->barn_full, l->sh_barn_list,
			    KD_WALK_NOLOG, MAX_PARTIAL, ret);
}

static int cmp_sheaf_obj(const void *a, const void *b)
{
	const struct kd_slab_sheaf_obj *x = a, *y = b;
	return (x->obj > y->obj) - (x->obj < y->obj);
}

/* Appends a sheaf's objects to *v (cpu: whose sheaf). */
static struct kd_error *sheaf_append(struct kd_session *s,
				     const struct kd_slab_cache *c,
				     uint64_t sheaf, int cpu,
				     struct kd_slab_sheaf_obj **v, size_t *n,
				     size_t *cap)
{
	unsigned size;
	struct kd_error *err = kd_slab_sheaf_read(s, c, sheaf, NULL, 0, &size);
	if (err || !size)
		return err;
	uint64_t *objs = malloc((size_t)size * sizeof(*objs));
	if (!objs)
		return &kd_error_nomem;
	if (!(err = kd_slab_sheaf_read(s, c, sheaf, objs, size, &size)) &&
	    !(err = kd_array_reserve(v, cap, *n + size)))
		for (unsigned i = 0; i < size; i++)
			(*v)[(*n)++] = (struct kd_slab_sheaf_obj){ objs[i],
								   cpu };
	free(objs);
	return err;
}

struct kd_error *kd_slab_sheaf_objects(struct kd_session *s,
				       const struct kd_slab_cache *c,
				       struct kd_slab_sheaf_obj **ret,
				       size_t *n)
{
	struct slab_state *st;
	struct kd_slab_sheaf_obj *v = NULL;
	size_t cap = 0;
	*ret = NULL;
	*n = 0;
	if (!c->sheaves)
		return NULL;
	struct kd_error *err = tables(s, &st);
	unsigned ncpus = kd_percpu_count(s);
	for (unsigned cpu = 0; !err && cpu < ncpus; cpu++) {
		struct kd_slab_sheaves pcs;
		if (!(err = kd_slab_sheaves_read(s, c, cpu, &pcs)) &&
		    !(err = sheaf_append(s, c, pcs.main, (int)cpu, &v, n, &cap)))
			err = sheaf_append(s, c, pcs.spare, (int)cpu, &v, n,
					   &cap);
	}
	size_t nn = st && st->nnodes ? st->nnodes : 1;
	for (size_t i = 0; !err && i < nn; i++) {
		struct kd_slab_node nd;
		struct kd_addr_list full = { 0 };
		int nid = st->nnodes ? st->nodes[i].id : 0;
		if (!(err = kd_slab_node_read(s, c, nid, &nd)) && nd.barn)
			err = kd_slab_barn_full(s, nd.barn, &full);
		for (size_t k = 0; !err && k < full.n; k++)
			err = sheaf_append(s, c, full.addrs[k], -1, &v, n, &cap);
		kd_addr_list_free(&full);
	}
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_sheaf_obj);
	*ret = v;
	return err;
}

/* The memo of the state (above): a read that failed is not kept. */
static struct kd_error *sheaf_objects_memo(struct kd_session *s,
					   const struct kd_slab_cache *c,
					   const struct kd_slab_sheaf_obj **ret,
					   size_t *n)
{
	struct slab_state *st;
	struct kd_error *err = tables(s, &st);
	*ret = NULL;
	*n = 0;
	if (err || !c->sheaves)
		return err;
	uint64_t gen = kd_memocache_generation(kd_session_memocache(s));
	if (!st->sheaf_valid || st->sheaf_cache != c->addr ||
	    st->sheaf_gen != gen) {
		struct kd_slab_sheaf_obj *v;
		size_t nv;
		if ((err = kd_slab_sheaf_objects(s, c, &v, &nv))) {
			free(v);
			return err;
		}
		free(st->sheaf_v);
		st->sheaf_v = v;
		st->sheaf_n = nv;
		st->sheaf_cache = c->addr;
		st->sheaf_gen = gen;
		st->sheaf_valid = 1;
	}
	*ret = st->sheaf_v;
	*n = st->sheaf_n;
	return NULL;
}

const struct kd_slab_sheaf_obj *
kd_slab_sheaf_find(const struct kd_slab_sheaf_obj *v, size_t n, uint64_t obj)
{
	struct kd_slab_sheaf_obj key = { obj, 0 };
	return n ? bsearch(&key, v, n, sizeof(*v), cmp_sheaf_obj) : NULL;
}

struct kd_error *kd_slab_cpu_partial(struct kd_session *s, uint64_t first,
				     struct kd_addr_list *ret)
{
	struct slab_state *st;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = slab_st(s, &st);
	if (err)
		return err;
	if (!kd_present(st->l.s_next))
		return kd_error_create(KD_ERR_NOT_FOUND, "struct slab has no "
				       "next (no CPU partial lists)");
	if (!first)
		return NULL;
	return kd_chain_walk(s, first, st->l.s_next, 0,
			     KD_WALK_INCHEAD | KD_WALK_NOLOG, MAX_PARTIAL, ret);
}

struct kd_error *kd_slab_node_read(struct kd_session *s,
				   const struct kd_slab_cache *c, int nid,
				   struct kd_slab_node *ret)
{
	struct slab_state *st;
	struct kd_error *err = slab_st(s, &st);
	memset(ret, 0, sizeof(*ret));
	ret->full = KD_ABSENT;
	if (err)
		return err;
	const struct slab_layout *l = &st->l;
	if (!kd_present(l->c_node)) {	/* 7.0+: per_node[] { barn, node } */
		if (nid < 0 || (uint64_t)nid >= l->c_per_node_count)
			return kd_error_create(KD_ERR_INVALID, "node %d out "
					       "of range", nid);
		uint64_t pn = c->addr + l->c_per_node +
			      l->pn_size * (uint64_t)nid;
		if ((err = kd_read_ptr(s, pn + l->pn_node, &ret->addr)) ||
		    (kd_present(l->pn_barn) &&
		     (err = kd_read_ptr(s, pn + l->pn_barn, &ret->barn))))
			return kd_error_prefix(err, "%s: per_node[%d]",
					       c->name, nid);
	} else if (kd_present(l->c_node_count)) {	/* node[MAX_NUMNODES] */
		if (nid < 0 || (uint64_t)nid >= l->c_node_count)
			return kd_error_create(KD_ERR_INVALID, "node %d out "
					       "of range", nid);
		err = kd_read_ptr(s, c->addr + l->c_node + 8 * (uint64_t)nid,
				  &ret->addr);
		if (err)
			return kd_error_prefix(err, "%s: node[%d]", c->name,
					       nid);
	} else {	/* an embedded local_node (old, !NUMA) */
		ret->addr = c->addr + l->c_node;
	}
	if (!ret->addr)
		return NULL;
	uint64_t n = ret->addr;
	if ((err = kd_field_u64(s, n, l->n_nr_partial, &ret->nr_partial)) ||
	    (kd_present(l->n_nr_slabs) &&
	     (err = kd_field_u64(s, n, l->n_nr_slabs, &ret->nr_slabs))) ||
	    (kd_present(l->n_total_objects) &&
	     (err = kd_field_u64(s, n, l->n_total_objects,
				 &ret->total_objects))))
		return kd_error_prefix(err, "%s: kmem_cache_node %llx",
				       c->name, (unsigned long long)n);
	ret->partial = n + l->n_partial;
	ret->full = kd_off_add(n, l->n_full);
	return NULL;
}

struct kd_error *kd_slab_node_list(struct kd_session *s, uint64_t head,
				   unsigned flags, struct kd_addr_list *ret)
{
	struct slab_state *st;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = slab_st(s, &st);
	if (err)
		return err;
	return kd_list_walk(s, head, st->l.s_list, flags, MAX_PARTIAL, ret);
}

/* ---- objects ---- */

uint64_t kd_slab_object(const struct kd_slab_cache *c,
			const struct kd_slab *slab, unsigned i)
{
	return slab->mem + (uint64_t)i * c->size + c->red_left_pad;
}

/* ---- the free list core (slab_internal.h) ---- */

long kd_slab_fl_index(const struct kd_slab_fl *g, uint64_t p)
{
	uint64_t base = g->mem + g->red_left_pad;
	if (p < base || !g->size)
		return -1;
	uint64_t off = p - base;
	if (off % g->size || off / g->size >= g->objects)
		return -1;
	return (long)(off / g->size);
}

uint64_t kd_slab_fp_decode(const struct kd_slab_fl *g, uint64_t v,
			   uint64_t at, enum kd_fp_form *form)
{
	if (!g->hardened)
		return v;
	uint64_t sw = v ^ g->random ^ __builtin_bswap64(at);
	uint64_t pl = v ^ g->random ^ at;
	int ok_sw = !sw || kd_slab_fl_index(g, sw) >= 0;
	int ok_pl = !pl || kd_slab_fl_index(g, pl) >= 0;
	if (ok_sw && (!ok_pl || *form != KD_FP_PLAIN)) {
		if (*form == KD_FP_UNKNOWN && !ok_pl)
			*form = KD_FP_SWAB;
		return sw;
	}
	if (ok_pl) {
		if (*form == KD_FP_UNKNOWN && !ok_sw)
			*form = KD_FP_PLAIN;
		return pl;
	}
	return *form == KD_FP_PLAIN ? pl : sw;
}

struct kd_error *kd_slab_fl_mark(const struct kd_memsrc *src,
				 const struct kd_slab_fl *g, const char *name,
				 uint64_t slab, uint64_t first, uint8_t mark,
				 uint8_t *state, enum kd_fp_form *form)
{
	uint64_t p = first, prev = 0;
	while (p) {
		long i = kd_slab_fl_index(g, p);
		if (i < 0)
			return kd_error_fault(KD_ERR_CORRUPT, p, "%s: slab: %llx"
				" invalid freepointer: %llx (%s, not an object "
				"of the slab)", name, (unsigned long long)slab,
				(unsigned long long)p, prev ? "decoded from "
				"a free object" : "the list head");
		if (state[i])
			return kd_error_fault(KD_ERR_CORRUPT, p, "%s: slab: %llx"
				" duplicate freelist object: %llx", name,
				(unsigned long long)slab,
				(unsigned long long)p);
		state[i] = mark;
		uint64_t at = p + g->offset, v;
		struct kd_error *err = kd_memsrc_read(src, at, &v, 8);
		if (err)
			return kd_error_prefix(err, "%s: slab: %llx free pointer "
					       "of %llx", name,
					       (unsigned long long)slab,
					       (unsigned long long)p);
		prev = p;
		p = kd_slab_fp_decode(g, v, at, form);
	}
	return NULL;
}

/* ---- objects ---- */

static struct kd_slab_fl geometry(const struct kd_slab_cache *c,
				  const struct kd_slab *slab)
{
	return (struct kd_slab_fl){ slab->mem, c->size, slab->objects,
				    c->red_left_pad, c->offset, c->hardened,
				    c->random };
}

struct kd_error *kd_slab_next_free(struct kd_session *s,
				   const struct kd_slab_cache *c,
				   const struct kd_slab *slab, uint64_t obj,
				   uint64_t *ret)
{
	struct slab_state *st;
	uint64_t v;
	struct kd_error *err = slab_st(s, &st);
	if (!err)
		err = kd_read_u64(s, obj + c->offset, &v);
	if (err)
		return err;
	struct kd_slab_fl g = geometry(c, slab);
	*ret = kd_slab_fp_decode(&g, v, obj + c->offset, &st->form);
	return NULL;
}

/* A slab's memory, read once (objects * size bytes, at most
 * MAX_SLAB_BYTES), as a memory source; what lies outside it or could not
 * be read comes from the session. */
struct slab_mem {
	struct kd_session *s;
	uint64_t base, len;
	uint8_t *buf;
};

static struct kd_error *slab_mem_read(void *arg, uint64_t addr, void *buf,
				      size_t len)
{
	struct slab_mem *m = arg;
	if (m->buf && addr >= m->base && addr - m->base <= m->len &&
	    len <= m->len - (addr - m->base)) {
		memcpy(buf, m->buf + (addr - m->base), len);
		return NULL;
	}
	return kd_read_kvaddr(m->s, addr, buf, len);
}

static void slab_mem_load(struct slab_mem *m, const struct kd_slab_cache *c,
			  const struct kd_slab *slab)
{
	m->base = slab->mem;
	m->len = (uint64_t)slab->objects * c->size + c->red_left_pad;
	m->buf = NULL;
	if (!m->len || m->len > MAX_SLAB_BYTES || !(m->buf = malloc(m->len)))
		return;
	struct kd_error *err = kd_read_kvaddr(m->s, m->base, m->buf, m->len);
	if (err) {
		kd_error_destroy(err);
		free(m->buf);
		m->buf = NULL;
	}
}

struct kd_error *kd_slab_object_states(struct kd_session *s,
				       const struct kd_slab_cache *c,
				       const struct kd_slab *slab,
				       uint64_t cpu_freelist, uint8_t *state)
{
	struct slab_state *st;
	struct kd_error *err = slab_st(s, &st);
	if (err)
		return err;
	memset(state, KD_SLAB_OBJ_INUSE, slab->objects);
	/* a slab holds at most the objects of the cache's preferred order
	 * (oo; allocations fall back to the smaller min order) */
	if (c->objects && slab->objects > c->objects)
		return kd_error_fault(KD_ERR_CORRUPT, slab->addr, "%s: slab: %llx"
				      " invalid objects count %u (at most %u)",
				      c->name, (unsigned long long)slab->addr,
				      slab->objects, c->objects);
	if (!slab->freelist && !cpu_freelist)
		return NULL;
	struct slab_mem m = { .s = s };
	struct kd_memsrc src = { slab_mem_read, &m };
	struct kd_slab_fl g = geometry(c, slab);
	slab_mem_load(&m, c, slab);
	/* KD_SLAB_OBJ_INUSE is 0: the core's "not free" */
	err = kd_slab_fl_mark(&src, &g, c->name, slab->addr, slab->freelist,
			      KD_SLAB_OBJ_FREE, state, &st->form);
	if (!err)
		err = kd_slab_fl_mark(&src, &g, c->name, slab->addr,
				      cpu_freelist, KD_SLAB_OBJ_CPU_FREE, state,
				      &st->form);
	free(m.buf);
	return err;
}

/* ---- whole caches ---- */

/* objects - inuse of each slab of a list (the free objects of partial
 * slabs: their slab freelist). */
static struct kd_error *list_free(struct kd_session *s,
				  const struct kd_addr_list *slabs,
				  uint64_t *free_objects)
{
	for (size_t i = 0; i < slabs->n; i++) {
		struct kd_slab sl;
		struct kd_error *err = kd_slab_read(s, slabs->addrs[i], &sl);
		if (err)
			return err;
		if (sl.objects >= sl.inuse)
			*free_objects += sl.objects - sl.inuse;
	}
	return NULL;
}

static struct kd_error *cpu_free(struct kd_session *s,
				 const struct kd_slab_cache *c, unsigned cpu,
				 uint64_t *free_objects)
{
	struct kd_slab_cpu pc;
	struct kd_slab sl;
	struct kd_addr_list partial;
	struct kd_error *err = kd_slab_cpu_read(s, c, cpu, &pc);
	if (err)
		return err;
	if (pc.slab) {
		uint8_t *states;
		if ((err = kd_slab_read(s, pc.slab, &sl)))
			return err;
		if (!(states = malloc(sl.objects ? sl.objects : 1)))
			return &kd_error_nomem;
		/* the slab's freelist as objects - inuse, the CPU's walked */
		struct kd_slab only_cpu = sl;
		only_cpu.freelist = 0;
		err = kd_slab_object_states(s, c, &only_cpu, pc.freelist,
					    states);
		for (unsigned i = 0; !err && i < sl.objects; i++)
			*free_objects += states[i] != KD_SLAB_OBJ_INUSE;
		free(states);
		if (err)
			return err;
		if (sl.objects >= sl.inuse)
			*free_objects += sl.objects - sl.inuse;
	}
	if (!pc.partial)
		return NULL;
	err = kd_slab_cpu_partial(s, pc.partial, &partial);
	if (!err)
		err = list_free(s, &partial, free_objects);
	kd_addr_list_free(&partial);
	return err;
}

/* 7.0+: the objects a CPU's main and spare sheaves hold (free for
 * callers; the rcu_free sheaf's await a grace period: allocated). */
static struct kd_error *cpu_sheaves_free(struct kd_session *s,
					 const struct kd_slab_cache *c,
					 unsigned cpu, uint64_t *free_objects)
{
	struct kd_slab_sheaves pcs;
	struct kd_error *err = kd_slab_sheaves_read(s, c, cpu, &pcs);
	uint64_t sheaf[2] = { pcs.main, pcs.spare };
	for (int i = 0; !err && i < 2; i++) {
		unsigned n;
		if (!(err = kd_slab_sheaf_read(s, c, sheaf[i], NULL, 0, &n)))
			*free_objects += n;
	}
	return err;
}

/* 7.0+: the objects of the full sheaves in a node's barn. */
static struct kd_error *barn_free(struct kd_session *s,
				  const struct kd_slab_cache *c, uint64_t barn,
				  uint64_t *free_objects)
{
	struct kd_addr_list full;
	struct kd_error *err = kd_slab_barn_full(s, barn, &full);
	for (size_t i = 0; !err && i < full.n; i++) {
		unsigned n;
		if (!(err = kd_slab_sheaf_read(s, c, full.addrs[i], NULL, 0,
					       &n)))
			*free_objects += n;
	}
	kd_addr_list_free(&full);
	return err ? kd_error_prefix(err, "%s: barn %llx", c->name,
				     (unsigned long long)barn) : NULL;
}

struct kd_error *kd_slab_cache_counts(struct kd_session *s,
				      const struct kd_slab_cache *c,
				      struct kd_slab_counts *ret)
{
	struct slab_state *st;
	uint64_t free_objects = 0;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = tables(s, &st);
	if (err)
		return err;
	if (!kd_present(st->l.n_total_objects) || !kd_present(st->l.n_nr_slabs))
		return kd_error_create(KD_ERR_UNSUPPORTED, "kmem_cache_node has "
				       "no nr_slabs/total_objects (the kernel "
				       "was built without CONFIG_SLUB_DEBUG)");
	unsigned ncpus = kd_percpu_count(s);
	for (unsigned cpu = 0; !err && cpu < ncpus; cpu++)
		err = c->sheaves ? cpu_sheaves_free(s, c, cpu, &free_objects)
				 : cpu_free(s, c, cpu, &free_objects);
	size_t nn = st->nnodes ? st->nnodes : 1;
	for (size_t i = 0; !err && i < nn; i++) {
		struct kd_slab_node nd;
		struct kd_addr_list partial;
		int nid = st->nnodes ? st->nodes[i].id : 0;
		if ((err = kd_slab_node_read(s, c, nid, &nd)) || !nd.addr)
			continue;
		ret->total += nd.total_objects;
		ret->slabs += nd.nr_slabs;
		if (c->sheaves && nd.barn &&
		    (err = barn_free(s, c, nd.barn, &free_objects)))
			continue;
		err = kd_slab_node_list(s, nd.partial, KD_WALK_NOLOG, &partial);
		if (!err)
			err = list_free(s, &partial, &free_objects);
		kd_addr_list_free(&partial);
	}
	if (err)
		return err;
	ret->allocated = ret->total > free_objects ?
			 ret->total - free_objects : 0;
	return NULL;
}

/* ---- every object, by a scan of the memory map ---- */

struct cpu_slab_ref {
	uint64_t slab, freelist;
};

struct each {
	struct kd_session *s;
	struct slab_state *st;
	struct kd_slab_cache *caches;	/* sorted by addr */
	size_t ncaches;
	struct cpu_slab_ref *cpu;	/* sorted by slab */
	size_t ncpu;
	struct kd_slab_sheaf_obj *sheaf;	/* 7.0+: sorted by object */
	size_t nsheaf;
	int pg_slab;			/* bit, -1: unknown */
	int inuse_only;
	kd_slab_object_fn *fn;
	kd_slab_bad_fn *bad;
	void *arg;
	uint8_t *states;
	int stopped;
};

static int cmp_cache(const void *a, const void *b)
{
	const struct kd_slab_cache *x = a, *y = b;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct cpu_slab_ref *x = a, *y = b;
	return (x->slab > y->slab) - (x->slab < y->slab);
}

static int each_page(void *arg, const struct kd_page *p, const uint8_t *raw)
{
	struct each *e = arg;
	const struct slab_layout *l = &e->st->l;
	if ((p->compound_head & 1) ||
	    (e->pg_slab >= 0 && !((p->flags >> e->pg_slab) & 1)))
		return 0;
	struct kd_slab_cache key = { .addr = get(raw, l->s_size, l->s_cache,
						 8) };
	struct kd_slab_cache *c = bsearch(&key, e->caches, e->ncaches,
					  sizeof(*c), cmp_cache);
	if (!c)
		return 0;
	struct kd_slab sl;
	slab_decode(e->s, e->st, raw, p->addr, p->pfn, &sl);
	if (sl.objects > MAX_OBJECTS)
		return 0;
	struct cpu_slab_ref ck = { p->addr, 0 };
	struct cpu_slab_ref *cpu = bsearch(&ck, e->cpu, e->ncpu, sizeof(ck),
					   cmp_cpu);
	struct kd_error *err = kd_slab_object_states(e->s, c, &sl,
						     cpu ? cpu->freelist : 0,
						     e->states);
	if (err && e->bad)
		e->bad(e->arg, p->addr, err);
	kd_error_destroy(err);
	for (unsigned i = 0; e->nsheaf && i < sl.objects; i++)
		if (e->states[i] == KD_SLAB_OBJ_INUSE &&
		    kd_slab_sheaf_find(e->sheaf, e->nsheaf,
				       kd_slab_object(c, &sl, i)))
			e->states[i] = KD_SLAB_OBJ_CPU_FREE;
	for (unsigned i = 0; i < sl.objects; i++) {
		if (e->inuse_only && e->states[i] != KD_SLAB_OBJ_INUSE)
			continue;
		if (e->fn(e->arg, c->addr, kd_slab_object(c, &sl, i),
			  e->states[i])) {
			e->stopped = 1;
			return 1;
		}
	}
	return 0;
}

/* The caches to look at and their CPU slabs. */
static struct kd_error *each_setup(struct kd_session *s, struct each *e,
				   uint64_t cache)
{
	const uint64_t *list = cache ? &cache : e->st->caches;
	size_t n = cache ? 1 : e->st->ncaches;
	unsigned ncpus = kd_percpu_count(s);
	e->caches = calloc(n ? n : 1, sizeof(*e->caches));
	e->cpu = calloc(n * ncpus + 1, sizeof(*e->cpu));
	e->states = malloc(MAX_OBJECTS);
	size_t sheaf_cap = 0;
	if (!e->caches || !e->cpu || !e->states)
		return &kd_error_nomem;
	for (size_t i = 0; i < n; i++) {
		struct kd_slab_cache *c = &e->caches[e->ncaches];
		struct kd_error *err = kd_slab_cache_read(s, list[i], c);
		if (err) {
			if (cache || err->code == KD_ERR_NOMEM)
				return err;
			kd_error_destroy(err);	/* its slabs are left out */
			continue;
		}
		e->ncaches++;
		if (c->sheaves) {	/* 7.0+: the objects in sheaves */
			struct kd_slab_sheaf_obj *v;
			size_t nv;
			err = kd_slab_sheaf_objects(s, c, &v, &nv);
			if (err && err->code == KD_ERR_NOMEM) {
				free(v);
				return err;
			}
			/* a sheaf unread: its objects look allocated, said
			 * through bad() (slab 0: the cache's sheaves) */
			if (err && e->bad)
				e->bad(e->arg, 0, err);
			kd_error_destroy(err);
			err = nv ? kd_array_reserve(&e->sheaf, &sheaf_cap,
						    e->nsheaf + nv) : NULL;
			if (!err && nv) {
				memcpy(e->sheaf + e->nsheaf, v,
				       nv * sizeof(*v));
				e->nsheaf += nv;
			}
			free(v);
			if (err)
				return err;
			continue;
		}
		for (unsigned cpu = 0; cpu < ncpus; cpu++) {
			struct kd_slab_cpu pc;
			err = kd_slab_cpu_read(s, c, cpu, &pc);
			if (!err && pc.slab)
				e->cpu[e->ncpu++] = (struct cpu_slab_ref){
					pc.slab, pc.freelist };
			kd_error_destroy(err);
		}
	}
	qsort(e->caches, e->ncaches, sizeof(*e->caches), cmp_cache);
	qsort(e->cpu, e->ncpu, sizeof(*e->cpu), cmp_cpu);
	if (e->nsheaf)
		qsort(e->sheaf, e->nsheaf, sizeof(*e->sheaf), cmp_sheaf_obj);
	return NULL;
}

struct kd_error *kd_slab_for_each_object(struct kd_session *s, uint64_t cache,
					 int inuse_only, kd_slab_object_fn *fn,
					 kd_slab_bad_fn *bad, void *arg)
{
	struct each e = { .s = s, .inuse_only = inuse_only, .fn = fn,
			  .bad = bad, .arg = arg };
	struct kd_error *err = tables(s, &e.st);
	if (!err)
		err = each_setup(s, &e, cache);
	if (!err) {
		e.pg_slab = kd_page_flag_bit(s, "PG_slab");
		err = kd_memmap_scan(s, 0, UINT64_MAX, each_page, &e, NULL);
	}
	free(e.caches);
	free(e.cpu);
	free(e.sheaf);
	free(e.states);
	return err;
}

/* ---- an address ---- */

static struct kd_error *find_cpu(struct kd_session *s,
				 const struct kd_slab_cache *c, uint64_t slab,
				 int *cpu, uint64_t *freelist)
{
	unsigned ncpus = kd_percpu_count(s);
	*cpu = -1;
	*freelist = 0;
	for (unsigned i = 0; i < ncpus; i++) {
		struct kd_slab_cpu pc;
		struct kd_error *err = kd_slab_cpu_read(s, c, i, &pc);
		if (err)
			return err;
		if (pc.slab == slab) {
			*cpu = (int)i;
			*freelist = pc.freelist;
			return NULL;
		}
	}
	return NULL;
}

struct kd_error *kd_slab_find(struct kd_session *s, uint64_t addr,
			      struct kd_slab_addr *ret, int *found)
{
	struct slab_state *st;
	uint64_t paddr, page;
	struct kd_page pg;
	*found = 0;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = tables(s, &st);
	if (err)
		return err;
	if ((err = kd_kvtop(s, addr, &paddr)) ||
	    (err = kd_pfn_to_page(s, paddr / kd_page_size(s), &page)) ||
	    (err = kd_page_read(s, page, &pg))) {
		kd_error_destroy(err);	/* no struct page: not a slab */
		return NULL;
	}
	uint64_t head = kd_page_head(&pg);
	if (head != page && (err = kd_page_read(s, head, &pg))) {
		kd_error_destroy(err);
		return NULL;
	}
	int pg_slab = kd_page_flag_bit(s, "PG_slab");
	if (pg_slab >= 0 && !((pg.flags >> pg_slab) & 1))
		return NULL;
	struct kd_slab sl;
	struct kd_slab_cache c;
	if ((err = kd_slab_read(s, head, &sl)))
		return err;
	if (!bsearch(&sl.cache, st->caches, st->ncaches, sizeof(uint64_t),
		     cmp_u64))
		return NULL;
	if ((err = kd_slab_cache_read(s, sl.cache, &c)))
		return err;
	ret->cache = sl.cache;
	ret->slab = head;
	ret->cpu = -1;
	ret->state = KD_SLAB_OBJ_INUSE;
	*found = 1;
	if (addr < sl.mem || !c.size || (addr - sl.mem) / c.size >= sl.objects)
		return NULL;	/* past the objects: no object */
	unsigned i = (unsigned)((addr - sl.mem) / c.size);
	ret->object = kd_slab_object(&c, &sl, i);
	uint64_t cpu_freelist = 0;
	if (!c.sheaves &&
	    (err = find_cpu(s, &c, head, &ret->cpu, &cpu_freelist)))
		return err;
	uint8_t *states = malloc(sl.objects ? sl.objects : 1);
	if (!states)
		return &kd_error_nomem;
	err = kd_slab_object_states(s, &c, &sl, cpu_freelist, states);
	ret->state = states[i];
	free(states);
	if (!err && c.sheaves && ret->state == KD_SLAB_OBJ_INUSE) {
		/* 7.0+: allocated in its slab, maybe free in a sheaf */
		const struct kd_slab_sheaf_obj *v, *o;
		size_t nv;
		err = sheaf_objects_memo(s, &c, &v, &nv);
		if (!err && (o = kd_slab_sheaf_find(v, nv, ret->object))) {
			ret->state = KD_SLAB_OBJ_CPU_FREE;
			ret->cpu = o->cpu;
		}
	}
	return err;
}
