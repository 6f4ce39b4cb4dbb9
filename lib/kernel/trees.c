// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tree walks: red-black trees (pre-order as crash's `tree`, or in-order)
 * and xarrays / radix trees (index order), and the IDR on top of them.
 *
 * Kernel facts relied on (layouts come from DWARF, these encodings are
 * not in it):
 *   - rb_node: rb_left/rb_right are plain pointers (the parent pointer
 *     carries the colour, we never follow it).
 *   - xarray (4.20+): an entry with (e & 3) == 2 is internal; an internal
 *     entry above 4096 is a node pointer + 2; below are sibling, retry
 *     and zero entries (skipped).  A node's shift is 0 for the leaves, and
 *     slot i of a node at base index b covers b + (i << shift).
 *   - radix tree (4.7 .. 4.19): (e & 1) marks an internal node pointer
 *     + 1; small internal values are retry entries.
 * Nodes seen twice (a cycle in corrupt memory) stop the walk with
 * KD_ERR_CYCLE; depth is bounded by the shift decreasing at each level.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/highlevel.h>
#include <pykdump/offsets.h>
#include <pykdump/readers.h>
#include <pykdump/types.h>
#include <pykdump/vector.h>

#include "kernel_internal.h"

struct kd_error *kd_walk_visit(struct kd_u64_set *seen, uint64_t node,
			       const char *what)
{
	bool added;
	struct kd_error *err = kd_u64_set_add(seen, node, &added);
	if (err)
		return err;
	if (!added)
		return kd_error_create(KD_ERR_CYCLE,
				       "%s node %llx seen twice (a cycle)",
				       what, (unsigned long long)node);
	if (seen->count % KD_WALK_CANCEL_EVERY == 0)
		return kd_cancel_check();
	return NULL;
}

struct kd_error *kd_walk_limit(const struct kd_addr_list *l, size_t maxel,
			       const char *what)
{
	size_t max = maxel ? maxel : KD_MAXEL_DEFAULT;
	if (l->n >= max)
		return kd_error_create(KD_ERR_LIMIT,
				       "%s has more than %zu entries", what, max);
	return NULL;
}

/* ---- rbtree ---- */

struct rb_walk {
	const struct kd_memsrc *src;
	const struct kd_rb_layout *lay;
	uint64_t entry_off;
	size_t maxel;
	struct kd_u64_set seen;
	struct kd_addr_list *out;
	uint64_t *stack;
	size_t sp, scap;
};

static struct kd_error *push(struct rb_walk *w, uint64_t node)
{
	if (!node)
		return NULL;
	struct kd_error *err = kd_array_reserve(&w->stack, &w->scap,
						w->sp + 1);
	if (err)
		return err;
	w->stack[w->sp++] = node;
	return NULL;
}

static struct kd_error *rb_child(struct rb_walk *w, uint64_t node, int right,
				 uint64_t *ret)
{
	uint64_t off = right ? w->lay->right_off : w->lay->left_off;
	struct kd_error *err = kd_memsrc_read_ptr(w->src, node + off, ret);
	return err ? kd_error_prefix(err, "rb_node %llx",
				     (unsigned long long)node) : NULL;
}

static struct kd_error *emit(struct rb_walk *w, uint64_t node)
{
	struct kd_error *err = kd_walk_limit(w->out, w->maxel, "tree");
	return err ? err : kd_addr_list_push(w->out, node - w->entry_off);
}

static struct kd_error *rb_preorder(struct rb_walk *w, uint64_t root)
{
	struct kd_error *err = push(w, root);
	while (!err && w->sp) {
		uint64_t node = w->stack[--w->sp], left, right;
		/* a node is an entry only when it could be read */
		if ((err = kd_walk_visit(&w->seen, node, "rb")) ||
		    (err = rb_child(w, node, 0, &left)) ||
		    (err = rb_child(w, node, 1, &right)) ||
		    (err = emit(w, node)))
			break;
		if (!(err = push(w, right)))
			err = push(w, left);
	}
	return err;
}

static struct kd_error *rb_inorder(struct rb_walk *w, uint64_t root)
{
	struct kd_error *err = NULL;
	uint64_t node = root;
	while (!err && (node || w->sp)) {
		if (node) {
			if (!(err = kd_walk_visit(&w->seen, node, "rb")) &&
			    !(err = push(w, node)))
				err = rb_child(w, node, 0, &node);
			continue;
		}
		node = w->stack[--w->sp];
		if (!(err = emit(w, node)))
			err = rb_child(w, node, 1, &node);
	}
	return err;
}

struct kd_error *kd_rbtree_walk_src(const struct kd_memsrc *src,
				    const struct kd_rb_layout *lay,
				    uint64_t root, uint64_t entry_off,
				    unsigned flags, size_t maxel,
				    struct kd_addr_list *ret)
{
	struct rb_walk w = { .src = src, .lay = lay, .entry_off = entry_off,
			     .maxel = maxel, .out = ret };
	uint64_t node;
	struct kd_error *err = kd_memsrc_read_ptr(src, root + lay->root_off,
						  &node);
	if (err)
		return kd_error_prefix(err, "rb_root %llx",
				       (unsigned long long)root);
	err = flags & KD_WALK_INORDER ? rb_inorder(&w, node)
				      : rb_preorder(&w, node);
	free(w.stack);
	kd_u64_set_deinit(&w.seen);
	return err;
}

/* ---- xarray / radix tree ---- */

struct xa_walk {
	const struct kd_memsrc *src;
	const struct kd_xa_layout *lay;
	size_t maxel;
	struct kd_u64_set seen;
	struct kd_addr_list *out;
	uint64_t *slots;	/* one node's slots, reused per level */
};

static int xa_is_node(const struct kd_xa_layout *lay, uint64_t e)
{
	if (lay->radix)
		return (e & 1) && e > 4096;
	return (e & 3) == 2 && e > 4096;
}

static int xa_is_internal(const struct kd_xa_layout *lay, uint64_t e)
{
	return lay->radix ? (e & 1) : (e & 3) == 2;
}

static uint64_t xa_to_node(const struct kd_xa_layout *lay, uint64_t e)
{
	return e - (lay->radix ? 1 : 2);
}

static struct kd_error *xa_node(struct xa_walk *w, uint64_t node,
				uint64_t base, int parent_shift, int depth);

static struct kd_error *xa_slot(struct xa_walk *w, uint64_t e, uint64_t index,
				int shift, int depth)
{
	if (!e)
		return NULL;
	if (xa_is_node(w->lay, e)) {
		if (shift == 0)
			return kd_error_create(KD_ERR_CORRUPT,
					       "xarray leaf slot %llx holds a "
					       "node", (unsigned long long)e);
		return xa_node(w, xa_to_node(w->lay, e), index, shift,
			       depth + 1);
	}
	if (xa_is_internal(w->lay, e))
		return NULL;	/* sibling, retry or zero entry */
	struct kd_error *err = kd_walk_limit(w->out, w->maxel, "tree");
	return err ? err : kd_addr_list_push_index(w->out, e, index);
}

static struct kd_error *xa_node(struct xa_walk *w, uint64_t node,
				uint64_t base, int parent_shift, int depth)
{
	unsigned chunk = w->lay->chunk;
	uint8_t shift;
	struct kd_error *err = kd_walk_visit(&w->seen, node, "xarray");
	if (!err)
		err = kd_memsrc_read(w->src, node + w->lay->shift_off, &shift, 1);
	if (err || (err = kd_memsrc_read(w->src, node + w->lay->slots_off,
					 w->slots + (size_t)depth * chunk,
					 chunk * sizeof(uint64_t))))
		return kd_error_prefix(err, "xa_node %llx",
				       (unsigned long long)node);
	if ((parent_shift >= 0 && shift >= parent_shift) || shift >= 64)
		return kd_error_create(KD_ERR_CORRUPT,
				       "xa_node %llx: shift %u under shift %d",
				       (unsigned long long)node, shift,
				       parent_shift);
	for (unsigned i = 0; i < chunk && !err; i++) {
		uint64_t e = w->slots[(size_t)depth * chunk + i];
		err = xa_slot(w, e, base + ((uint64_t)i << shift), shift,
			      depth);
	}
	return err;
}

struct kd_error *kd_xarray_walk_src(const struct kd_memsrc *src,
				    const struct kd_xa_layout *lay,
				    uint64_t root, size_t maxel,
				    struct kd_addr_list *ret)
{
	struct xa_walk w = { .src = src, .lay = lay, .maxel = maxel,
			     .out = ret };
	uint64_t head;
	if (!lay->chunk || lay->chunk > 4096)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "xarray node with %u slots", lay->chunk);
	struct kd_error *err = kd_memsrc_read_ptr(src, root + lay->head_off,
						  &head);
	if (err)
		return kd_error_prefix(err, "xarray %llx",
				       (unsigned long long)root);
	/* shifts drop by at least 1 per level: at most 65 levels */
	w.slots = malloc((size_t)66 * lay->chunk * sizeof(uint64_t));
	if (!w.slots)
		return &kd_error_nomem;
	if (xa_is_node(lay, head))
		err = xa_node(&w, xa_to_node(lay, head), 0, -1, 0);
	else if (head && !xa_is_internal(lay, head))
		err = kd_addr_list_push_index(ret, head, 0);
	free(w.slots);
	kd_u64_set_deinit(&w.seen);
	return err;
}

/* ---- the session forms ---- */

static const struct kd_layout_field rb_fields[] = {
	KD_LF(struct kd_rb_layout, root_off, "struct rb_root", "rb_node",
	      KD_LF_REQUIRED),
	KD_LF(struct kd_rb_layout, left_off, "struct rb_node", "rb_left",
	      KD_LF_REQUIRED),
	KD_LF(struct kd_rb_layout, right_off, "struct rb_node", "rb_right",
	      KD_LF_REQUIRED),
};

struct kd_error *kd_rb_layout_fill(struct kd_session *s, void *layout)
{
	return kd_layout_fill(s, rb_fields, KD_ARRAY_SIZE(rb_fields), layout);
}

struct kd_error *kd_rbtree_walk(struct kd_session *s, uint64_t root,
				uint64_t entry_off, unsigned flags,
				size_t maxel, struct kd_addr_list *ret)
{
	struct kd_walk_start w;
	struct kd_error *err = kd_walk_begin(s, KD_WK_RB, ret, &w);
	if (!err)
		err = kd_rbtree_walk_src(&w.src, w.layout, root, entry_off,
					 flags, maxel, ret);
	return kd_walk_end(s, flags, "rbtree", err);
}

/* The xarray (4.20+) or radix tree (4.7 - 4.19) layout, by which the
 * kernel has. */
struct xa_offsets {
	uint64_t head, shift, slots, chunk;
};

#define XA_FIELDS(R, H, N) {						\
	KD_LF(struct xa_offsets, head, R, H, KD_LF_REQUIRED),		\
	KD_LF(struct xa_offsets, shift, N, "shift", KD_LF_REQUIRED),	\
	KD_LF(struct xa_offsets, slots, N, "slots", KD_LF_REQUIRED),	\
	KD_LF(struct xa_offsets, chunk, N, "slots", KD_LF_COUNT),	\
}
static const struct kd_layout_field xa_fields[] =
	XA_FIELDS("struct xarray", "xa_head", "struct xa_node");
static const struct kd_layout_field radix_fields[] =
	XA_FIELDS("struct radix_tree_root", "rnode", "struct radix_tree_node");

struct kd_error *kd_xa_layout_fill(struct kd_session *s, void *layout)
{
	struct kd_xa_layout *lay = layout;
	struct xa_offsets o;
	memset(lay, 0, sizeof(*lay));
	struct kd_error *err = kd_layout_fill(s, xa_fields,
					      KD_ARRAY_SIZE(xa_fields), &o);
	if (err && kd_has_member(s, "struct xarray", "xa_head"))
		return kd_error_prefix(err, "unsupported struct xa_node layout");
	if (err) {
		kd_error_destroy(err);
		lay->radix = 1;
		err = kd_layout_fill(s, radix_fields,
				     KD_ARRAY_SIZE(radix_fields), &o);
		if (err)
			return kd_error_prefix(err, "neither xarray nor radix "
					       "tree");
	}
	lay->head_off = o.head;
	lay->shift_off = o.shift;
	lay->slots_off = o.slots;
	lay->chunk = kd_present(o.chunk) && o.chunk <= UINT32_MAX ?
		     (unsigned)o.chunk : 0;
	return NULL;
}

struct kd_error *kd_xarray_walk(struct kd_session *s, uint64_t root,
				unsigned flags, size_t maxel,
				struct kd_addr_list *ret)
{
	struct kd_walk_start w;
	struct kd_error *err = kd_walk_begin(s, KD_WK_XA, ret, &w);
	if (!err)
		err = kd_xarray_walk_src(&w.src, w.layout, root, maxel, ret);
	return kd_walk_end(s, flags, "xarray", err);
}

struct kd_error *kd_idr_walk(struct kd_session *s, uint64_t idr,
			     unsigned flags, size_t maxel,
			     struct kd_addr_list *ret)
{
	uint32_t base = 0;
	memset(ret, 0, sizeof(*ret));
	uint64_t rt = kd_offsetof(s, "struct idr", "idr_rt");
	struct kd_error *err = kd_present(rt) ? NULL :
		kd_error_create(KD_ERR_NOT_FOUND, "struct idr has no member "
				"idr_rt");
	/* idr_base appeared in 4.16; ids start at 0 before it */
	uint64_t base_off = kd_offsetof(s, "struct idr", "idr_base");
	if (!err && kd_present(base_off))
		err = kd_field_u32(s, idr, base_off, &base);
	if (!err)
		err = kd_xarray_walk(s, idr + rt, flags | KD_WALK_NOLOG,
				     maxel, ret);
	for (size_t i = 0; ret->index && i < ret->n; i++)
		ret->index[i] += base;
	return kd_walk_end(s, flags, "idr", err);
}
