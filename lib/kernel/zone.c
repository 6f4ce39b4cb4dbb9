// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory nodes, zones, buddy free lists and memory blocks: see
 * include/pykdump/zone.h.
 *
 * Nothing here is cached: a node table is a handful of reads, and a
 * free list walk is what the caller asks for.  Walks use the kernel
 * layer's list walker (bounded, cycle-checked, partial results).
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/mm.h>
#include <pykdump/offsets.h>
#include <pykdump/page.h>
#include <pykdump/session.h>
#include <pykdump/types.h>
#include <pykdump/zone.h>

#define MAX_NODES 1024
#define MAX_ZONES 16
#define MAX_ORDERS 64
#define MAX_TYPES 16
#define MAX_BLOCKS (1u << 20)

/* ---- nodes ---- */

/* The array bound of a global, 0 when unknown. */
static uint64_t global_count(struct kd_session *s, const char *name,
			     uint64_t *addr)
{
	struct kd_global g;
	uint64_t n = 0;
	struct kd_error *err = kd_global_get(s, name, &g);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*addr = g.addr;
	struct kd_type *t = kd_type_strip(g.type, KD_STRIP_ALL);
	if (kd_type_kind(t) == KD_TYPE_ARRAY)
		kd_type_array_count(t, &n);
	return n;
}

/* node_states[N_ONLINE] as a bitmap of up to max bits into online[]
 * (1 per node), 1 when read. */
static int online_nodes(struct kd_session *s, uint8_t *online, size_t max)
{
	uint64_t states;
	int64_t n_online;
	uint64_t msize = kd_sizeof(s, "nodemask_t");
	struct kd_error *err = kd_enum_value(s, "N_ONLINE", &n_online);
	if (err || !kd_symbol_try_addr(s, "node_states", &states) || !msize ||
	    msize > 4096 || n_online < 0 || n_online > 16) {
		kd_error_destroy(err);
		return 0;
	}
	uint8_t bits[4096];
	err = kd_read_kvaddr(s, states + (uint64_t)n_online * msize, bits,
			     msize);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	for (size_t i = 0; i < max && i / 8 < msize; i++)
		online[i] = (bits[i / 8] >> (i % 8)) & 1;
	return 1;
}

static struct kd_error *node_fill(struct kd_session *s, uint64_t pgdat,
				  int id, struct kd_node *nd)
{
	uint64_t v;
	struct kd_error *err;
	memset(nd, 0, sizeof(*nd));
	nd->pgdat = pgdat;
	nd->id = id;
	err = kd_read_member_u64(s, pgdat, "pglist_data", "node_id", &v);
	if (!err)
		nd->id = (int)v;
	kd_error_destroy(err);
	err = kd_read_member_u64(s, pgdat, "pglist_data", "node_start_pfn",
				 &nd->start_pfn);
	if (!err)
		err = kd_read_member_u64(s, pgdat, "pglist_data",
					 "node_spanned_pages", &nd->spanned);
	if (err)
		return kd_error_prefix(err, "node %d (pglist_data %llx)", id,
				       (unsigned long long)pgdat);
	nd->present = kd_read_member_or0(s, pgdat, "pglist_data",
					 "node_present_pages");
	nd->bdata = KD_ABSENT;
	if (kd_has_member(s, "pglist_data", "bdata"))
		nd->bdata = kd_read_member_or0(s, pgdat, "pglist_data",
					       "bdata");
	if (kd_has_member(s, "pglist_data", "node_mem_map"))
		nd->mem_map = kd_read_member_or0(s, pgdat, "pglist_data",
						 "node_mem_map");
	if (!nd->mem_map) {
		err = kd_pfn_to_page(s, nd->start_pfn, &nd->mem_map);
		kd_error_destroy(err);
		if (err)
			nd->mem_map = 0;
	}
	return NULL;
}

struct kd_error *kd_mm_nodes(struct kd_session *s, struct kd_node **ret,
			     size_t *n)
{
	uint64_t arr = 0, pgdat;
	uint8_t online[MAX_NODES];
	*ret = NULL;
	*n = 0;
	uint64_t count = global_count(s, "node_data", &arr);
	if (!arr) {	/* one node */
		if (!kd_symbol_try_addr(s, "contig_page_data", &pgdat))
			return kd_error_create(KD_ERR_NOT_FOUND, "neither "
					       "node_data nor contig_page_data");
		if (!(*ret = calloc(1, sizeof(**ret))))
			return &kd_error_nomem;
		struct kd_error *err = node_fill(s, pgdat, 0, *ret);
		if (err) {
			free(*ret);
			*ret = NULL;
			return err;
		}
		*n = 1;
		return NULL;
	}
	if (!count || count > MAX_NODES)
		count = MAX_NODES;
	memset(online, 1, sizeof(online));
	online_nodes(s, online, count);
	struct kd_node *v = calloc(count, sizeof(*v));
	if (!v)
		return &kd_error_nomem;
	struct kd_error *err = NULL;
	for (uint64_t i = 0; !err && i < count; i++) {
		if (!online[i])
			continue;
		if ((err = kd_read_ptr(s, arr + 8 * i, &pgdat))) {
			err = kd_error_prefix(err, "node_data[%llu]",
					      (unsigned long long)i);
			break;
		}
		if (pgdat)
			err = node_fill(s, pgdat, (int)i, &v[(*n)++]);
	}
	if (err || !*n) {
		free(v);
		*n = 0;
		return err ? err : kd_error_create(KD_ERR_NOT_FOUND,
						   "no online memory node");
	}
	*ret = v;
	return NULL;
}

/* ---- zones ---- */

struct zone_layout {
	uint64_t size, count;		/* sizeof(struct zone), MAX_NR_ZONES */
	uint64_t node_zones;		/* pglist_data.node_zones */
	uint64_t name, start_pfn, spanned, present, managed;
	uint64_t wmark, wmark_min, wmark_low, wmark_high;
	uint64_t vm_stat, free_area;
};

#define ZN "struct zone"
static const struct kd_layout_field zone_fields[] = {
	KD_LF(struct zone_layout, size, ZN, NULL, KD_LF_SIZE),
	KD_LF(struct zone_layout, node_zones, "struct pglist_data",
	      "node_zones", KD_LF_REQUIRED),
	KD_LF(struct zone_layout, count, "struct pglist_data", "node_zones",
	      KD_LF_COUNT),
	KD_LF(struct zone_layout, name, ZN, "name", KD_LF_REQUIRED),
	KD_LF(struct zone_layout, start_pfn, ZN, "zone_start_pfn", 0),
	KD_LF(struct zone_layout, spanned, ZN, "spanned_pages", 0),
	KD_LF(struct zone_layout, present, ZN, "present_pages", 0),
	KD_LF(struct zone_layout, managed, ZN, "managed_pages", 0),
	/* _watermark[] 5.0+, watermark[] 4.x: indexed by enum zone_watermarks */
	KD_LF(struct zone_layout, wmark, ZN, "_watermark|watermark", 0),
	KD_LF(struct zone_layout, wmark_min, ZN, "pages_min", 0),
	KD_LF(struct zone_layout, wmark_low, ZN, "pages_low", 0),
	KD_LF(struct zone_layout, wmark_high, ZN, "pages_high", 0),
	KD_LF(struct zone_layout, vm_stat, ZN, "vm_stat", 0),
	KD_LF(struct zone_layout, free_area, ZN, "free_area", 0),
};

static int64_t enum_or(struct kd_session *s, const char *name, int64_t def)
{
	int64_t v;
	struct kd_error *err = kd_enum_value(s, name, &v);
	kd_error_destroy(err);
	return err ? def : v;
}

static void zone_watermarks(struct kd_session *s, const struct zone_layout *l,
			    const uint8_t *b, struct kd_zone *z)
{
	if (kd_present(l->wmark)) {
		int64_t wi[3] = { enum_or(s, "WMARK_MIN", 0),
				  enum_or(s, "WMARK_LOW", 1),
				  enum_or(s, "WMARK_HIGH", 2) };
		for (int i = 0; i < 3; i++)
			if (wi[i] < 0 || wi[i] > 8)
				wi[i] = i;
		z->wmark_min = kd_field_get(b, l->size, l->wmark + 8 * wi[0], 8);
		z->wmark_low = kd_field_get(b, l->size, l->wmark + 8 * wi[1], 8);
		z->wmark_high = kd_field_get(b, l->size, l->wmark + 8 * wi[2], 8);
		return;
	}
	z->wmark_min = kd_field_get(b, l->size, l->wmark_min, 8);
	z->wmark_low = kd_field_get(b, l->size, l->wmark_low, 8);
	z->wmark_high = kd_field_get(b, l->size, l->wmark_high, 8);
}

static struct kd_error *zone_read(struct kd_session *s,
				  const struct zone_layout *l, uint8_t *b,
				  uint64_t addr, struct kd_zone *z)
{
	struct kd_error *err = kd_read_kvaddr(s, addr, b, l->size);
	if (err)
		return kd_error_prefix(err, "zone %llx",
				       (unsigned long long)addr);
	z->addr = addr;
	uint64_t name = kd_field_get(b, l->size, l->name, 8);
	strcpy(z->name, "(unknown)");
	if (name && (err = kd_read_cstring(s, name, z->name, sizeof(z->name),
					   NULL))) {
		strcpy(z->name, "(unknown)");
		kd_error_destroy(err);
	}
	z->start_pfn = kd_field_get(b, l->size, l->start_pfn, 8);
	z->spanned = kd_field_get(b, l->size, l->spanned, 8);
	z->present = kd_field_get(b, l->size, l->present, 8);
	z->managed = kd_field_get(b, l->size, l->managed, 8);
	zone_watermarks(s, l, b, z);
	z->vm_stat = kd_off_add(addr, l->vm_stat);
	z->free_area = kd_off_add(addr, l->free_area);
	return NULL;
}

struct kd_error *kd_node_zones(struct kd_session *s, const struct kd_node *node,
			       struct kd_zone **ret, size_t *n)
{
	struct zone_layout l;
	*ret = NULL;
	*n = 0;
	struct kd_error *err = kd_layout_fill(s, zone_fields,
					      KD_ARRAY_SIZE(zone_fields), &l);
	if (err)
		return err;
	if (!kd_present(l.size) || !l.size || l.size > (1u << 16) ||
	    !kd_present(l.count) || !l.count || l.count > MAX_ZONES)
		return kd_error_create(KD_ERR_NOT_FOUND, "struct zone or "
				       "pglist_data.node_zones unusable");
	uint8_t *b = malloc(l.size);
	struct kd_zone *v = calloc(l.count, sizeof(*v));
	if (!b || !v) {
		free(b);
		free(v);
		return &kd_error_nomem;
	}
	for (uint64_t i = 0; !err && i < l.count; i++) {
		v[i].node = node->id;
		v[i].index = (int)i;
		err = zone_read(s, &l, b, node->pgdat + l.node_zones +
				i * l.size, &v[i]);
	}
	free(b);
	if (err) {
		free(v);
		return err;
	}
	*ret = v;
	*n = l.count;
	return NULL;
}

/* ---- free lists ---- */

static struct kd_error *fa_fill(struct kd_session *s,
				struct kd_free_area_layout *l)
{
	uint64_t orders = kd_offsetof(s, ZN, "free_area");
	struct kd_types *types;
	struct kd_type *t;
	struct kd_member m;
	uint64_t count = 0;
	struct kd_error *err = kd_session_types(s, &types);
	if (!err && !kd_present(orders))
		err = kd_error_create(KD_ERR_NOT_FOUND, "struct zone has no "
				      "free_area");
	if (!err)
		err = kd_types_find(types, ZN, &t);
	if (!err)
		err = kd_type_find_member(kd_type_strip(t, KD_STRIP_ALL),
					  "free_area", &m);
	if (err)
		return err;
	kd_type_array_count(kd_type_strip(m.type, KD_STRIP_ALL), &count);
	l->orders = (unsigned)count;
	l->area_size = kd_sizeof(s, "struct free_area");
	l->list_off = kd_offsetof(s, "struct free_area", "free_list");
	l->nr_free_off = kd_offsetof(s, "struct free_area", "nr_free");
	l->list_size = kd_sizeof(s, "struct list_head");
	l->page_lru_off = kd_offsetof(s, "struct page", "buddy_list|lru");
	if (!kd_present(l->list_off) || !kd_present(l->page_lru_off) ||
	    !l->area_size || !l->list_size || !count || count > MAX_ORDERS)
		return kd_error_create(KD_ERR_NOT_FOUND, "struct free_area or "
				       "page.lru unusable");
	/* free_list[MIGRATE_TYPES] (2.6.24+), else one list */
	struct kd_type *fa;
	err = kd_types_find(types, "struct free_area", &fa);
	if (!err)
		err = kd_type_find_member(kd_type_strip(fa, KD_STRIP_ALL),
					  "free_list", &m);
	if (err)
		return err;
	count = 1;
	struct kd_type *lt = kd_type_strip(m.type, KD_STRIP_ALL);
	if (kd_type_kind(lt) == KD_TYPE_ARRAY && !kd_type_array_count(lt, &count))
		count = 1;
	if (!count || count > MAX_TYPES)
		return kd_error_create(KD_ERR_CORRUPT, "free_area.free_list "
				       "has %llu lists",
				       (unsigned long long)count);
	l->types = (unsigned)count;
	return NULL;
}

struct kd_error *kd_free_area_layout(struct kd_session *s,
				     struct kd_free_area_layout *ret)
{
	/* a few lookups in interned types: not worth keeping */
	return fa_fill(s, ret);
}

uint64_t kd_free_list_head(const struct kd_free_area_layout *l,
			   const struct kd_zone *z, unsigned order,
			   unsigned type)
{
	return z->free_area + order * l->area_size + l->list_off +
	       type * l->list_size;
}

struct kd_error *kd_free_list_pages(struct kd_session *s,
				    const struct kd_zone *z, unsigned order,
				    unsigned type, unsigned flags,
				    size_t maxel, struct kd_addr_list *ret)
{
	struct kd_free_area_layout l;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_free_area_layout(s, &l);
	if (err)
		return err;
	if (!kd_present(z->free_area) || order >= l.orders || type >= l.types)
		return kd_error_create(KD_ERR_INVALID, "no free list %u/%u "
				       "in zone %s", order, type, z->name);
	return kd_list_walk(s, kd_free_list_head(&l, z, order, type),
			    l.page_lru_off, flags, maxel ? maxel : MAX_BLOCKS,
			    ret);
}

/* Look for pfn in the lists of one zone. */
static struct kd_error *find_in_zone(struct kd_session *s,
				     const struct kd_free_area_layout *l,
				     const struct kd_zone *z, uint64_t pfn,
				     struct kd_free_block *ret, int *found)
{
	for (unsigned o = 0; o < l->orders && !*found; o++) {
		for (unsigned t = 0; t < l->types && !*found; t++) {
			struct kd_addr_list pages;
			struct kd_error *err = kd_free_list_pages(
				s, z, o, t, KD_WALK_NOLOG, 0, &pages);
			if (err && (err->code == KD_ERR_INTERRUPTED ||
				    err->code == KD_ERR_TIMEOUT ||
				    err->code == KD_ERR_NOMEM)) {
				kd_addr_list_free(&pages);
				return err;
			}
			kd_error_destroy(err);	/* the part read is searched */
			for (size_t i = 0; i < pages.n && !*found; i++) {
				uint64_t first;
				struct kd_error *e2 = kd_page_to_pfn(
					s, pages.addrs[i], &first);
				kd_error_destroy(e2);
				if (e2 || pfn < first || pfn - first >= (1ULL << o))
					continue;
				*ret = (struct kd_free_block){ z->node, z->index,
					o, t, pages.addrs[i], first };
				*found = 1;
			}
			kd_addr_list_free(&pages);
		}
	}
	return NULL;
}

struct kd_error *kd_free_block_find(struct kd_session *s, uint64_t pfn,
				    struct kd_free_block *ret, int *found)
{
	struct kd_free_area_layout l;
	struct kd_node *nodes;
	size_t nn;
	*found = 0;
	struct kd_error *err = kd_free_area_layout(s, &l);
	if (!err)
		err = kd_mm_nodes(s, &nodes, &nn);
	if (err)
		return err;
	for (size_t i = 0; !err && !*found && i < nn; i++) {
		struct kd_zone *z;
		size_t nz;
		if (pfn < nodes[i].start_pfn ||
		    pfn >= nodes[i].start_pfn + nodes[i].spanned)
			continue;
		if ((err = kd_node_zones(s, &nodes[i], &z, &nz)))
			break;
		for (size_t j = 0; !err && !*found && j < nz; j++)
			if (z[j].spanned && pfn >= z[j].start_pfn &&
			    pfn < z[j].start_pfn + z[j].spanned)
				err = find_in_zone(s, &l, &z[j], pfn, ret, found);
		free(z);
	}
	free(nodes);
	return err;
}

/* ---- memory blocks ---- */

/* The subsys_private of the memory bus. */
static struct kd_error *memory_subsys_private(struct kd_session *s,
					      uint64_t *ret)
{
	uint64_t bus, kset_list, head;
	uint64_t p_off = kd_offsetof(s, "struct bus_type", "p");
	if (!kd_symbol_try_addr(s, "memory_subsys", &bus))
		return kd_error_create(KD_ERR_NOT_FOUND, "no memory_subsys: "
				       "this kernel has no memory blocks");
	if (kd_present(p_off))		/* before 6.3 */
		return kd_field_ptr(s, bus, p_off, ret);
	/* 6.3+: the kset named "memory" on bus_kset's list */
	uint64_t list_off = kd_offsetof(s, "struct kset", "list");
	uint64_t kobj_off = kd_offsetof(s, "struct kset", "kobj");
	uint64_t entry_off = kd_offsetof(s, "struct kobject", "entry");
	uint64_t name_off = kd_offsetof(s, "struct kobject", "name");
	uint64_t subsys_off = kd_offsetof(s, "struct subsys_private", "subsys");
	struct kd_error *err = kd_global_read_u64(s, "bus_kset", &kset_list);
	if (err)
		return err;
	if (!kd_present(list_off) || !kd_present(kobj_off) ||
	    !kd_present(entry_off) || !kd_present(name_off) ||
	    !kd_present(subsys_off))
		return kd_error_create(KD_ERR_NOT_FOUND, "kset/kobject layout "
				       "unknown");
	head = kset_list + list_off;
	struct kd_addr_list kobjs;
	err = kd_list_walk(s, head, entry_off, KD_WALK_NOLOG, 4096, &kobjs);
	for (size_t i = 0; !err && i < kobjs.n; i++) {
		char name[32];
		struct kd_error *e2 = kd_field_string_at(s, kobjs.addrs[i],
							 name_off, name,
							 sizeof(name));
		kd_error_destroy(e2);
		if (e2 || strcmp(name, "memory"))
			continue;
		*ret = kobjs.addrs[i] - kobj_off - subsys_off;
		kd_addr_list_free(&kobjs);
		return NULL;
	}
	kd_addr_list_free(&kobjs);
	return err ? err : kd_error_create(KD_ERR_NOT_FOUND, "no \"memory\" "
					   "bus on bus_kset");
}

struct mb_layout {
	uint64_t klist_devices, k_list;		/* subsys_private, klist */
	uint64_t n_node, knode_bus, device;	/* klist_node, device_private */
	uint64_t dev, kobj, kobj_name;		/* memory_block, device, kobject */
	uint64_t start, end, state, nid;	/* memory_block */
};

#define MB "struct memory_block"
static const struct kd_layout_field mb_fields[] = {
	KD_LF(struct mb_layout, klist_devices, "struct subsys_private",
	      "klist_devices", KD_LF_REQUIRED),
	KD_LF(struct mb_layout, k_list, "struct klist", "k_list",
	      KD_LF_REQUIRED),
	KD_LF(struct mb_layout, n_node, "struct klist_node", "n_node",
	      KD_LF_REQUIRED),
	KD_LF(struct mb_layout, knode_bus, "struct device_private",
	      "knode_bus", KD_LF_REQUIRED),
	KD_LF(struct mb_layout, device, "struct device_private", "device",
	      KD_LF_REQUIRED),
	KD_LF(struct mb_layout, dev, MB, "dev", KD_LF_REQUIRED),
	KD_LF(struct mb_layout, kobj, "struct device", "kobj", KD_LF_REQUIRED),
	KD_LF(struct mb_layout, kobj_name, "struct kobject", "name",
	      KD_LF_REQUIRED),
	KD_LF(struct mb_layout, start, MB, "start_section_nr", KD_LF_REQUIRED),
	KD_LF(struct mb_layout, end, MB, "end_section_nr", 0),
	KD_LF(struct mb_layout, state, MB, "state", KD_LF_REQUIRED),
	KD_LF(struct mb_layout, nid, MB, "nid", 0),
};

static struct kd_error *mb_read(struct kd_session *s, const struct mb_layout *l,
				uint64_t knode, struct kd_memory_block *mb)
{
	uint64_t dev, nid;
	struct kd_error *err = kd_field_ptr(s, knode - l->knode_bus, l->device,
					    &dev);
	if (err)
		return err;
	mb->addr = dev - l->dev;
	kd_error_destroy(kd_field_string_at(s, dev + l->kobj, l->kobj_name,
					    mb->name, sizeof(mb->name)));
	if ((err = kd_field_u64(s, mb->addr, l->start, &mb->start_section)) ||
	    (err = kd_field_u64(s, mb->addr, l->state, &mb->state)))
		return err;
	mb->end_section = KD_ABSENT;
	if (kd_present(l->end) &&
	    (err = kd_field_u64(s, mb->addr, l->end, &mb->end_section)))
		return err;
	mb->nid = -1;
	if (kd_present(l->nid)) {
		if ((err = kd_field_uint(s, mb->addr, l->nid, 4, &nid)))
			return err;
		mb->nid = (int)nid;
	}
	return NULL;
}

struct kd_error *kd_memory_blocks(struct kd_session *s,
				  struct kd_memory_block **ret, size_t *n)
{
	struct mb_layout l;
	uint64_t priv;
	struct kd_addr_list nodes = { 0 };
	*ret = NULL;
	*n = 0;
	struct kd_error *err = memory_subsys_private(s, &priv);
	if (!err)
		err = kd_layout_fill(s, mb_fields, KD_ARRAY_SIZE(mb_fields), &l);
	if (!err)
		err = kd_list_walk(s, priv + l.klist_devices + l.k_list,
				   l.n_node, KD_WALK_NOLOG, 1u << 20, &nodes);
	struct kd_memory_block *v = NULL;
	if (!err && nodes.n && !(v = calloc(nodes.n, sizeof(*v))))
		err = &kd_error_nomem;
	for (size_t i = 0; !err && i < nodes.n; i++)
		if ((err = mb_read(s, &l, nodes.addrs[i], &v[i])))
			err = kd_error_prefix(err, "memory block %zu", i);
	if (err) {
		free(v);
		kd_addr_list_free(&nodes);
		return err;
	}
	*ret = v;
	*n = nodes.n;
	kd_addr_list_free(&nodes);
	return NULL;
}
