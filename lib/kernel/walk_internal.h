/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The walkers' cores, over a memory source and with the layout passed in,
 * so unit tests run them on synthetic memory.  The public session forms
 * (highlevel.h) find the layout in the debuginfo and call these.
 */
#ifndef PYKDUMP_WALK_INTERNAL_H
#define PYKDUMP_WALK_INTERNAL_H

#include <pykdump/hash_table.h>
#include <pykdump/highlevel.h>
#include <pykdump/memsrc.h>

/* Steps between two kd_cancel_check() calls. */
#define KD_WALK_CANCEL_EVERY 4096

struct kd_error *kd_addr_list_push(struct kd_addr_list *l, uint64_t addr);
struct kd_error *kd_addr_list_push_index(struct kd_addr_list *l,
					 uint64_t addr, uint64_t index);

/*
 * Follow links: x = first; while x is not 0, stop1 or stop2: append
 * x - entry_off, x = *(x + link_off).  A NULL x is an error (CORRUPT)
 * when null_is_error.  Brent's cycle detection; on a cycle the list is
 * cut to its distinct entries and KD_ERR_CYCLE names the first repeat.
 * stop values of 0 stop nothing (0 always ends or fails the walk).
 */
struct kd_walk_links {
	uint64_t first;
	uint64_t link_off;
	uint64_t entry_off;
	uint64_t stop1, stop2;
	int null_is_error;
	size_t maxel;		/* counts every entry in *ret */
};
struct kd_error *kd_walk_links_src(const struct kd_memsrc *src,
				   const struct kd_walk_links *w,
				   struct kd_addr_list *ret);

/* list_head: offsets of next and prev in struct list_head. */
struct kd_list_layout {
	uint64_t next_off, prev_off;
};
struct kd_error *kd_list_walk_src(const struct kd_memsrc *src,
				  const struct kd_list_layout *lay,
				  uint64_t head, uint64_t entry_off,
				  unsigned flags, size_t maxel,
				  struct kd_addr_list *ret);
/* The same, also stopping at the list_head at end (0: none). */
struct kd_error *kd_list_walk_src_until(const struct kd_memsrc *src,
					const struct kd_list_layout *lay,
					uint64_t head, uint64_t entry_off,
					uint64_t end, unsigned flags,
					size_t maxel,
					struct kd_addr_list *ret);

/* rb_node: offsets of rb_left and rb_right; root is the rb_root's
 * address, whose rb_node is at root_off. */
struct kd_rb_layout {
	uint64_t root_off, left_off, right_off;
};
struct kd_error *kd_rbtree_walk_src(const struct kd_memsrc *src,
				    const struct kd_rb_layout *lay,
				    uint64_t root, uint64_t entry_off,
				    unsigned flags, size_t maxel,
				    struct kd_addr_list *ret);

/* xarray (6.x) or radix tree (4.7 .. 4.19) layout. */
struct kd_xa_layout {
	uint64_t head_off;	/* xarray.xa_head / radix_tree_root.rnode */
	uint64_t shift_off;	/* xa_node.shift (unsigned char) */
	uint64_t slots_off;	/* xa_node.slots */
	unsigned chunk;		/* entries in slots (XA_CHUNK_SIZE) */
	int radix;		/* 1: radix tree node tagging (bit 0) */
};
struct kd_error *kd_xarray_walk_src(const struct kd_memsrc *src,
				    const struct kd_xa_layout *lay,
				    uint64_t root, size_t maxel,
				    struct kd_addr_list *ret);

/* maple tree (6.1+): offsets inside struct maple_node (KD_ABSENT-free:
 * every member is required), slot counts from the arrays' bounds, the
 * enum maple_type values. */
struct kd_maple_layout {
	uint64_t root_off;		/* maple_tree.ma_root */
	uint64_t node_size, node_mask;	/* sizeof(struct maple_node) - 1 */
	uint64_t dense_slot, dense_slots;	/* maple_node.slot */
	uint64_t r64_pivot, r64_slot, r64_slots;	/* .mr64 */
	uint64_t a64_pivot, a64_slot, a64_slots;	/* .ma64 */
	uint64_t type_dense, type_leaf, type_range, type_arange;
};
struct kd_error *kd_maple_walk_src(const struct kd_memsrc *src,
				   const struct kd_maple_layout *lay,
				   uint64_t tree, size_t maxel,
				   struct kd_addr_list *ret);

/* The trees' one cycle check: a set of the nodes visited (nodes are
 * never 0; kd_u64_set_deinit frees it); kd_walk_visit fails with
 * KD_ERR_CYCLE on a node seen before (and checks for cancellation now
 * and then). */
struct kd_error *kd_walk_visit(struct kd_u64_set *seen, uint64_t node,
			       const char *what);
/* KD_ERR_LIMIT when l already holds maxel (0: KD_MAXEL_DEFAULT). */
struct kd_error *kd_walk_limit(const struct kd_addr_list *l, size_t maxel,
			       const char *what);

/* Log err (when not KD_WALK_NOLOG) to the session's problem log. */
void kd_walk_log(struct kd_session *s, unsigned flags, const char *what,
		 const struct kd_error *err);

#endif
