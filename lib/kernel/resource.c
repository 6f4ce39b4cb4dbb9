// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resource trees: see include/pykdump/resource.h.  The walk is
 * iterative (an explicit stack of siblings to come back to), bounded in
 * entries and depth; an entry seen twice ends it as a cycle.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/hash_table.h>
#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/offsets.h>
#include <pykdump/resource.h>
#include <pykdump/vector.h>

#define MAX_RESOURCES	65536
#define MAX_DEPTH	64

struct res_layout {
	uint64_t start, end, name, sibling, child;
};

static const struct kd_layout_field fields[] = {
	KD_LF(struct res_layout, start, "struct resource", "start",
	      KD_LF_REQUIRED),
	KD_LF(struct res_layout, end, "struct resource", "end", KD_LF_REQUIRED),
	KD_LF(struct res_layout, name, "struct resource", "name",
	      KD_LF_REQUIRED),
	KD_LF(struct res_layout, sibling, "struct resource", "sibling",
	      KD_LF_REQUIRED),
	KD_LF(struct res_layout, child, "struct resource", "child",
	      KD_LF_REQUIRED),
};

struct kd_error *kd_resource_tree(struct kd_session *s, uint64_t root,
				  struct kd_resource **ret, size_t *n)
{
	struct res_layout l;
	uint64_t stack[MAX_DEPTH];
	int depth = 0;
	size_t cnt = 0, cap = 0;
	struct kd_resource *v = NULL;
	struct kd_u64_set visited = { 0 };	/* the cycle check */
	bool added = true;
	struct kd_error *err = kd_layout_fill(s, fields, KD_ARRAY_SIZE(fields),
					      &l);
	*ret = NULL;
	*n = 0;
	if (err)
		return err;
	uint64_t cur = root;
	while (!err) {
		if (!cur) {	/* back to the next sibling of a parent */
			if (!depth)
				break;
			cur = stack[--depth];
			continue;
		}
		if (cnt < MAX_RESOURCES &&
		    (err = kd_u64_set_add(&visited, cur, &added)))
			break;
		if (cnt == MAX_RESOURCES || !added) {
			err = kd_error_create(cnt == MAX_RESOURCES ? KD_ERR_LIMIT :
					      KD_ERR_CYCLE, "resource tree at %"
					      PRIx64 ": %s at %" PRIx64, root,
					      cnt == MAX_RESOURCES ?
					      "too many entries" : "a cycle", cur);
			break;
		}
		if (kd_cancel_pending()) {
			err = kd_error_create(KD_ERR_INTERRUPTED, "interrupted");
			break;
		}
		if ((err = kd_array_reserve(&v, &cap, cnt + 1)))
			break;
		struct kd_resource *r = &v[cnt];
		uint64_t name = 0, sibling = 0, child = 0;
		memset(r, 0, sizeof(*r));
		r->addr = cur;
		r->depth = depth;
		if ((err = kd_field_u64(s, cur, l.start, &r->start)) ||
		    (err = kd_field_u64(s, cur, l.end, &r->end)) ||
		    (err = kd_field_u64(s, cur, l.name, &name)) ||
		    (err = kd_field_u64(s, cur, l.sibling, &sibling)) ||
		    (err = kd_field_u64(s, cur, l.child, &child)))
			break;
		struct kd_error *e = name ? kd_read_cstring(s, name, r->name,
							    sizeof(r->name), NULL)
					  : kd_error_create(KD_ERR_FAULT, "null");
		if (e)
			snprintf(r->name, sizeof(r->name), "(unknown)");
		kd_error_destroy(e);
		cnt++;
		if (cur == root)
			sibling = 0;	/* the root's siblings are not its tree */
		if (child && child != cur) {
			if (depth == MAX_DEPTH) {
				err = kd_error_create(KD_ERR_LIMIT, "resource tree "
						      "at %" PRIx64 " deeper than "
						      "%d", root, MAX_DEPTH);
				break;
			}
			stack[depth++] = sibling;
			cur = child;
		} else {
			cur = sibling;
		}
	}
	kd_u64_set_deinit(&visited);
	*ret = v;
	*n = cnt;
	return err;
}
