// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Maple trees (6.1+: mm->mm_mt holds a process's VMAs).
 *
 * Layouts come from DWARF: struct maple_tree.ma_root; struct maple_node,
 * whose union holds the node kinds: a dense node's slot[], and struct
 * maple_range_64 (mr64) and struct maple_arange_64 (ma64), each a
 * pivot[] and a slot[] whose bounds give the slot counts; enum
 * maple_type gives the node type numbers.  Kernel facts relied on that
 * DWARF does not carry (include/linux/maple_tree.h, lib/maple_tree.c):
 *   - an encoded node pointer ("enode") is the node address with the
 *     low bits used: the type at bits 3..6 ((e >> 3) & 0xf); nodes are
 *     aligned to their size (256 bytes), so the address is e with the
 *     low log2(sizeof(struct maple_node)) bits cleared;
 *   - ma_root is a node when it is an internal xarray entry
 *     ((e & 3) == 2) above 4096, else the tree's one entry, at index 0;
 *   - types below maple_range_64 are leaves; a dense node's slot i is
 *     index min + i; a range node's slot i covers (previous pivot,
 *     pivot[i]], the last slot up to the node's max, a 0 pivot after the
 *     first ends the node; an arange node's last slot, when empty, ends
 *     it; a range node ends early at an empty last slot unless its max
 *     is the type's maximum (ULONG_MAX; a dense node's: its slot count);
 *   - a pivot beyond the node's max is corruption.
 * Entries are listed as crash's `tree -t maple` lists them: every
 * non-NULL entry, in index order, with the first index of its range.
 * Nodes seen twice stop the walk with KD_ERR_CYCLE; the depth is bounded
 * by MAX_DEPTH (the kernel's MAPLE_HEIGHT_MAX is 31).
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/offsets.h>
#include <pykdump/types.h>

#include "kernel_internal.h"

#define MAX_DEPTH 64
#define MAX_NODE_SIZE 4096
#define ENODE_TYPE(e) (((e) >> 3) & 0xf)

struct maple_walk {
	const struct kd_memsrc *src;
	const struct kd_maple_layout *lay;
	size_t maxel;
	struct kd_u64_set seen;
	struct kd_addr_list *out;
	uint8_t *node;			/* one node per depth */
};

static int is_node(uint64_t e)
{
	return (e & 3) == 2 && e > 4096;
}

static uint64_t type_max(const struct kd_maple_layout *lay, uint64_t type)
{
	return type == lay->type_dense ? lay->dense_slots : UINT64_MAX;
}

static struct kd_error *entry(struct maple_walk *w, uint64_t e,
			      uint64_t index)
{
	if (!e)
		return NULL;
	struct kd_error *err = kd_walk_limit(w->out, w->maxel, "maple tree");
	return err ? err : kd_addr_list_push_index(w->out, e, index);
}

static struct kd_error *node(struct maple_walk *w, uint64_t enode,
			     uint64_t min, uint64_t max, int depth);

/* A range64 or arange64 node's slots: see the facts above. */
static struct kd_error *ranges(struct maple_walk *w, const uint8_t *buf,
			       uint64_t enode, uint64_t min, uint64_t max,
			       int depth)
{
	const struct kd_maple_layout *l = w->lay;
	uint64_t type = ENODE_TYPE(enode), first = min;
	int arange = type == l->type_arange, leaf = type < l->type_range;
	uint64_t pivots = arange ? l->a64_pivot : l->r64_pivot;
	uint64_t slots = arange ? l->a64_slot : l->r64_slot;
	unsigned n = arange ? l->a64_slots : l->r64_slots;
	struct kd_error *err = NULL;
	for (unsigned i = 0; i < n && !err; i++) {
		uint64_t last = max, slot;
		memcpy(&slot, buf + slots + 8 * (uint64_t)i, 8);
		if (i + 1 < n)
			memcpy(&last, buf + pivots + 8 * (uint64_t)i, 8);
		else if (!slot && (arange || max != type_max(l, type)))
			break;
		if (last == 0 && i > 0)
			break;
		if (leaf)
			err = entry(w, slot, first);
		else if (slot)
			err = node(w, slot, first, last, depth + 1);
		if (err || last == max)
			break;
		if (last > max)
			return kd_error_create(KD_ERR_CORRUPT, "maple node %llx: "
					       "pivot %u (%llu) beyond the node's "
					       "maximum (%llu)",
					       (unsigned long long)(enode &
								    ~l->node_mask),
					       i, (unsigned long long)last,
					       (unsigned long long)max);
		first = last + 1;
	}
	return err;
}

static struct kd_error *node(struct maple_walk *w, uint64_t enode,
			     uint64_t min, uint64_t max, int depth)
{
	const struct kd_maple_layout *l = w->lay;
	uint64_t addr = enode & ~l->node_mask, type = ENODE_TYPE(enode);
	uint8_t *buf = w->node + (size_t)depth * l->node_size;
	if (depth >= MAX_DEPTH)
		return kd_error_create(KD_ERR_CORRUPT, "maple tree deeper than "
				       "%d levels at node %llx", MAX_DEPTH,
				       (unsigned long long)addr);
	struct kd_error *err = kd_walk_visit(&w->seen, addr, "maple");
	if (!err)
		err = kd_memsrc_read(w->src, addr, buf, l->node_size);
	if (err)
		return kd_error_prefix(err, "maple node %llx",
				       (unsigned long long)addr);
	if (type == l->type_dense) {
		for (unsigned i = 0; i < l->dense_slots && !err; i++) {
			uint64_t slot;
			memcpy(&slot, buf + l->dense_slot + 8 * (uint64_t)i, 8);
			err = entry(w, slot, min + i);
		}
		return err;
	}
	if (type == l->type_leaf || type == l->type_range ||
	    type == l->type_arange)
		return ranges(w, buf, enode, min, max, depth);
	return kd_error_create(KD_ERR_CORRUPT, "maple node %llx: unknown "
			       "type %llu", (unsigned long long)addr,
			       (unsigned long long)type);
}

/* The offsets a node's slots and pivots are read at must lie inside the
 * node's bytes. */
static int layout_ok(const struct kd_maple_layout *l)
{
	uint64_t s = l->node_size;
	return s && s <= MAX_NODE_SIZE && (s & (s - 1)) == 0 &&
	       l->node_mask == s - 1 &&
	       l->dense_slot + 8 * (uint64_t)l->dense_slots <= s &&
	       l->r64_slots > 1 && l->a64_slots > 1 &&
	       l->r64_slot + 8 * (uint64_t)l->r64_slots <= s &&
	       l->r64_pivot + 8 * (uint64_t)(l->r64_slots - 1) <= s &&
	       l->a64_slot + 8 * (uint64_t)l->a64_slots <= s &&
	       l->a64_pivot + 8 * (uint64_t)(l->a64_slots - 1) <= s;
}

struct kd_error *kd_maple_walk_src(const struct kd_memsrc *src,
				   const struct kd_maple_layout *lay,
				   uint64_t tree, size_t maxel,
				   struct kd_addr_list *ret)
{
	struct maple_walk w = { .src = src, .lay = lay, .maxel = maxel,
				.out = ret };
	uint64_t root;
	if (!layout_ok(lay))
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "maple node layout not understood "
				       "(%llu-byte nodes)",
				       (unsigned long long)lay->node_size);
	struct kd_error *err = kd_memsrc_read_ptr(src, tree + lay->root_off,
						  &root);
	if (err)
		return kd_error_prefix(err, "maple tree %llx",
				       (unsigned long long)tree);
	if (!is_node(root))
		return entry(&w, root, 0);
	w.node = malloc((size_t)MAX_DEPTH * lay->node_size);
	if (!w.node)
		return &kd_error_nomem;
	err = node(&w, root, 0, type_max(lay, ENODE_TYPE(root)), 0);
	free(w.node);
	kd_u64_set_deinit(&w.seen);
	return err;
}

/* ---- the session form ---- */

#define L struct kd_maple_layout
#define MN "struct maple_node"
static const struct kd_layout_field maple_fields[] = {
	KD_LF(L, root_off, "struct maple_tree", "ma_root", KD_LF_REQUIRED),
	KD_LF(L, node_size, MN, NULL, KD_LF_SIZE | KD_LF_REQUIRED),
	KD_LF(L, dense_slot, MN, "slot", KD_LF_REQUIRED),
	KD_LF(L, dense_slots, MN, "slot", KD_LF_COUNT | KD_LF_REQUIRED),
	KD_LF(L, r64_pivot, MN, "mr64.pivot", KD_LF_REQUIRED),
	KD_LF(L, r64_slot, MN, "mr64.slot", KD_LF_REQUIRED),
	KD_LF(L, r64_slots, MN, "mr64.slot", KD_LF_COUNT | KD_LF_REQUIRED),
	KD_LF(L, a64_pivot, MN, "ma64.pivot", KD_LF_REQUIRED),
	KD_LF(L, a64_slot, MN, "ma64.slot", KD_LF_REQUIRED),
	KD_LF(L, a64_slots, MN, "ma64.slot", KD_LF_COUNT | KD_LF_REQUIRED),
};
#undef L
#undef MN

struct kd_error *kd_maple_layout_fill(struct kd_session *s, void *layout)
{
	static const char *const types[4] = {
		"maple_dense", "maple_leaf_64", "maple_range_64",
		"maple_arange_64",
	};
	struct kd_maple_layout *l = layout;
	int64_t v[4];
	struct kd_error *err = kd_layout_fill(s, maple_fields,
					      KD_ARRAY_SIZE(maple_fields), l);
	for (int i = 0; i < 4 && !err; i++)
		err = kd_enum_value(s, types[i], &v[i]);
	if (err)
		return kd_error_prefix(err, "no maple trees in this kernel");
	l->type_dense = (uint64_t)v[0];
	l->type_leaf = (uint64_t)v[1];
	l->type_range = (uint64_t)v[2];
	l->type_arange = (uint64_t)v[3];
	l->node_mask = l->node_size - 1;
	return NULL;
}

struct kd_error *kd_maple_walk(struct kd_session *s, uint64_t tree,
			       unsigned flags, size_t maxel,
			       struct kd_addr_list *ret)
{
	struct kd_walk_start w;
	struct kd_error *err = kd_walk_begin(s, KD_WK_MAPLE, ret, &w);
	if (!err)
		err = kd_maple_walk_src(&w.src, w.layout, tree, maxel, ret);
	return kd_walk_end(s, flags, "maple tree", err);
}
