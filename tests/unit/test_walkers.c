// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The walkers' cores (lib/kernel/lists.c, trees.c, maple.c) on synthetic
 * structures built in this process's memory: list_head lists with and
 * without the head, reversed, maxel limits, cycles found by Brent's
 * method (cut to the distinct entries), unreadable and NULL links
 * (partial result + error); rbtrees in both orders; xarrays with nodes,
 * sibling and value entries, corrupt shifts and cycles; maple trees with
 * every node kind (arange, range, leaf, dense), a one-entry root, and
 * cycles, bad pivots, unreadable nodes and unknown types.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "kernel/walk_internal.h"

/* Addresses below 64 KiB fault (never mapped in this process). */
static struct kd_error *read_self(void *arg, uint64_t addr, void *buf,
				  size_t len)
{
	(void)arg;
	if (addr < 65536)
		return kd_error_fault(KD_ERR_FAULT, addr, "fault at %llx",
				      (unsigned long long)addr);
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return NULL;
}

static const struct kd_memsrc src = { .read = read_self };

/* ---- list_head ---- */

struct lh {
	struct lh *next, *prev;
};

struct node {
	long val;
	struct lh link;
};

static const struct kd_list_layout lay = {
	.next_off = offsetof(struct lh, next),
	.prev_off = offsetof(struct lh, prev),
};

#define NN 200
static struct node nodes[NN];
static struct lh head;

/* head <-> nodes[0] <-> ... <-> nodes[n-1] <-> head */
static void make_list(int n)
{
	struct lh *prev = &head;
	for (int i = 0; i < n; i++) {
		nodes[i].val = i;
		prev->next = &nodes[i].link;
		nodes[i].link.prev = prev;
		prev = &nodes[i].link;
	}
	prev->next = &head;
	head.prev = prev;
}

static uint64_t A(const void *p)
{
	return (uintptr_t)p;
}

static struct kd_error *walk(unsigned flags, size_t maxel,
			     struct kd_addr_list *l)
{
	memset(l, 0, sizeof(*l));
	return kd_list_walk_src(&src, &lay, A(&head),
				offsetof(struct node, link), flags, maxel, l);
}

static void test_list_basic(void **state)
{
	(void)state;
	struct kd_addr_list l;
	make_list(5);
	assert_null(walk(0, 0, &l));
	assert_int_equal(l.n, 5);
	for (int i = 0; i < 5; i++)
		assert_true(l.addrs[i] == A(&nodes[i]));
	kd_addr_list_free(&l);
	assert_null(walk(KD_WALK_REVERSE, 0, &l));
	assert_int_equal(l.n, 5);
	assert_true(l.addrs[0] == A(&nodes[4]));
	assert_true(l.addrs[4] == A(&nodes[0]));
	kd_addr_list_free(&l);
	/* empty list */
	make_list(0);
	assert_null(walk(0, 0, &l));
	assert_int_equal(l.n, 0);
	kd_addr_list_free(&l);
}

static void test_list_inchead(void **state)
{
	(void)state;
	struct kd_addr_list l = { 0 };
	/* a ring of structs with no standalone head (crash list -h) */
	make_list(4);
	nodes[3].link.next = &nodes[0].link;
	nodes[0].link.prev = &nodes[3].link;
	assert_null(kd_list_walk_src(&src, &lay, A(&nodes[0].link),
				     offsetof(struct node, link),
				     KD_WALK_INCHEAD, 0, &l));
	assert_int_equal(l.n, 4);
	assert_true(l.addrs[0] == A(&nodes[0]));
	assert_true(l.addrs[3] == A(&nodes[3]));
	kd_addr_list_free(&l);
}

/* crash list -e: the walk stops on reaching the given link (which is not
 * an entry), in both directions, with or without the head as entry. */
static void test_list_until(void **state)
{
	(void)state;
	struct kd_addr_list l = { 0 };
	const uint64_t off = offsetof(struct node, link);
	make_list(6);
	assert_null(kd_list_walk_src_until(&src, &lay, A(&head), off,
					   A(&nodes[3].link), 0, 0, &l));
	assert_int_equal(l.n, 3);
	assert_true(l.addrs[2] == A(&nodes[2]));
	kd_addr_list_free(&l);
	memset(&l, 0, sizeof(l));
	assert_null(kd_list_walk_src_until(&src, &lay, A(&nodes[0].link), off,
					   A(&nodes[4].link), KD_WALK_INCHEAD,
					   0, &l));
	assert_int_equal(l.n, 4);	/* nodes 0..3 */
	assert_true(l.addrs[0] == A(&nodes[0]));
	assert_true(l.addrs[3] == A(&nodes[3]));
	kd_addr_list_free(&l);
	memset(&l, 0, sizeof(l));
	assert_null(kd_list_walk_src_until(&src, &lay, A(&head), off,
					   A(&nodes[2].link), KD_WALK_REVERSE,
					   0, &l));
	assert_int_equal(l.n, 3);	/* nodes 5, 4, 3 */
	assert_true(l.addrs[0] == A(&nodes[5]));
	assert_true(l.addrs[2] == A(&nodes[3]));
	kd_addr_list_free(&l);
	/* an end never met: the whole list, as without one */
	memset(&l, 0, sizeof(l));
	assert_null(kd_list_walk_src_until(&src, &lay, A(&head), off,
					   0x12345678, 0, 0, &l));
	assert_int_equal(l.n, 6);
	kd_addr_list_free(&l);
}

static void test_list_maxel(void **state)
{
	(void)state;
	struct kd_addr_list l;
	make_list(10);
	struct kd_error *err = walk(0, 3, &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_LIMIT);
	assert_int_equal(l.n, 3);	/* the partial result */
	assert_true(err->addr == A(&nodes[3]));	/* the first left out */
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	assert_null(walk(0, 10, &l));	/* exactly maxel is fine */
	assert_int_equal(l.n, 10);
	kd_addr_list_free(&l);
}

/* A cycle not through the head: mu entries, then a loop of lambda. */
static void check_cycle(int mu, int lambda)
{
	struct kd_addr_list l;
	make_list(mu + lambda);
	nodes[mu + lambda - 1].link.next = &nodes[mu].link;
	struct kd_error *err = walk(0, 0, &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CYCLE);
	/* exactly the distinct entries, in order */
	assert_int_equal(l.n, mu + lambda);
	for (int i = 0; i < mu + lambda; i++)
		assert_true(l.addrs[i] == A(&nodes[i]));
	assert_true(err->addr == A(&nodes[mu]));	/* the repeated one */
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

static void test_list_cycles(void **state)
{
	(void)state;
	check_cycle(0, 1);	/* first node points to itself */
	check_cycle(1, 1);
	check_cycle(3, 2);
	check_cycle(0, 7);
	check_cycle(100, 37);
	check_cycle(5, 150);
	/* a cycle longer than maxel ends with the limit */
	struct kd_addr_list l;
	make_list(50);
	nodes[49].link.next = &nodes[0].link;
	struct kd_error *err = walk(0, 20, &l);
	assert_int_equal(err->code, KD_ERR_LIMIT);
	assert_int_equal(l.n, 20);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

static void test_list_bad_links(void **state)
{
	(void)state;
	struct kd_addr_list l;
	/* unreadable: nodes[2] points into unmapped memory */
	make_list(5);
	nodes[2].link.next = (struct lh *)(uintptr_t)0x1230;
	struct kd_error *err = walk(0, 0, &l);
	assert_non_null(err);
	assert_true(kd_error_is_fault(err));
	assert_int_equal(err->addr, 0x1230);	/* the address tried */
	assert_int_equal(l.n, 3);		/* nodes 0..2 */
	assert_true(l.addrs[2] == A(&nodes[2]));
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* a NULL link in a list_head list is corruption */
	make_list(5);
	nodes[1].link.next = NULL;
	err = walk(0, 0, &l);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	assert_int_equal(l.n, 2);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* an unreadable head */
	memset(&l, 0, sizeof(l));
	err = kd_list_walk_src(&src, &lay, 0x2000, 0, 0, 0, &l);
	assert_true(kd_error_is_fault(err));
	assert_int_equal(l.n, 0);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

/* plain chains: NULL ends them, a stop address too */
struct chain {
	struct chain *next;
	long v;
};

static void test_chain(void **state)
{
	(void)state;
	static struct chain c[4];
	for (int i = 0; i < 3; i++)
		c[i].next = &c[i + 1];
	c[3].next = NULL;
	struct kd_walk_links w = { .first = A(&c[0]),
				   .link_off = offsetof(struct chain, next) };
	struct kd_addr_list l = { 0 };
	assert_null(kd_walk_links_src(&src, &w, &l));
	assert_int_equal(l.n, 4);
	kd_addr_list_free(&l);
	w.stop2 = A(&c[2]);	/* an explicit end */
	assert_null(kd_walk_links_src(&src, &w, &l));
	assert_int_equal(l.n, 2);
	kd_addr_list_free(&l);
	c[3].next = &c[1];	/* cycle */
	w.stop2 = 0;
	struct kd_error *err = kd_walk_links_src(&src, &w, &l);
	assert_int_equal(err->code, KD_ERR_CYCLE);
	assert_int_equal(l.n, 4);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

/* ---- rbtree ---- */

struct rbn {
	unsigned long parent_color;
	struct rbn *right, *left;
};

struct rbentry {
	long key;
	struct rbn node;
};

static const struct kd_rb_layout rblay = {
	.root_off = 0,
	.left_off = offsetof(struct rbn, left),
	.right_off = offsetof(struct rbn, right),
};

/*        e[3]
 *       /    \
 *    e[1]    e[5]
 *    /  \    /
 *  e[0] e[2] e[4]           */
static struct rbentry e[6];
static struct rbn *root;

static void make_tree(void)
{
	memset(e, 0, sizeof(e));
	e[3].node.left = &e[1].node;
	e[3].node.right = &e[5].node;
	e[1].node.left = &e[0].node;
	e[1].node.right = &e[2].node;
	e[5].node.left = &e[4].node;
	root = &e[3].node;
}

static void assert_order(const struct kd_addr_list *l, const int *want,
			 size_t n)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++)
		assert_true(l->addrs[i] == A(&e[want[i]]));
}

static struct kd_error *rbwalk(unsigned flags, size_t maxel,
			       struct kd_addr_list *l)
{
	memset(l, 0, sizeof(*l));
	return kd_rbtree_walk_src(&src, &rblay, A(&root),
				  offsetof(struct rbentry, node), flags, maxel,
				  l);
}

static void test_rbtree(void **state)
{
	(void)state;
	struct kd_addr_list l;
	make_tree();
	static const int pre[] = { 3, 1, 0, 2, 5, 4 };
	static const int in[] = { 0, 1, 2, 3, 4, 5 };
	assert_null(rbwalk(0, 0, &l));
	assert_order(&l, pre, 6);
	kd_addr_list_free(&l);
	assert_null(rbwalk(KD_WALK_INORDER, 0, &l));
	assert_order(&l, in, 6);
	kd_addr_list_free(&l);
	/* limit */
	struct kd_error *err = rbwalk(0, 4, &l);
	assert_int_equal(err->code, KD_ERR_LIMIT);
	assert_int_equal(l.n, 4);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* a cycle: a leaf pointing back to the root */
	e[4].node.right = &e[3].node;
	err = rbwalk(0, 0, &l);
	assert_int_equal(err->code, KD_ERR_CYCLE);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	err = rbwalk(KD_WALK_INORDER, 0, &l);
	assert_int_equal(err->code, KD_ERR_CYCLE);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* an unreadable child: partial result and the fault */
	make_tree();
	e[5].node.left = (struct rbn *)(uintptr_t)0x3000;
	err = rbwalk(0, 0, &l);
	assert_true(kd_error_is_fault(err));
	assert_int_equal(l.n, 5);	/* 3 1 0 2 5, then the bad node */
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* empty tree */
	root = NULL;
	assert_null(rbwalk(0, 0, &l));
	assert_int_equal(l.n, 0);
	kd_addr_list_free(&l);
}

/* ---- xarray ---- */

#define CHUNK 64

struct xnode {
	unsigned char shift;
	unsigned char pad[7];
	uint64_t slots[CHUNK];
};

struct xroot {
	uint64_t lock;
	uint64_t head;
};

static const struct kd_xa_layout xalay = {
	.head_off = offsetof(struct xroot, head),
	.shift_off = offsetof(struct xnode, shift),
	.slots_off = offsetof(struct xnode, slots),
	.chunk = CHUNK,
};

static struct xnode top, leaf;
static struct xroot xa;
static long obj[4];

static uint64_t node_entry(struct xnode *n)
{
	return A(n) | 2;	/* xa_mk_node */
}

static void make_xarray(void)
{
	memset(&top, 0, sizeof(top));
	memset(&leaf, 0, sizeof(leaf));
	top.shift = 6;
	leaf.shift = 0;
	top.slots[0] = A(&obj[0]);		/* multi-index entry at 0 */
	top.slots[1] = node_entry(&leaf);	/* indices 64..127 */
	leaf.slots[0] = A(&obj[1]);
	leaf.slots[5] = A(&obj[2]);
	leaf.slots[6] = (5 << 2) | 2;		/* sibling of slot 5 */
	leaf.slots[9] = (1234 << 1) | 1;	/* a value entry */
	top.slots[3] = A(&obj[3]);		/* index 192 */
	xa.head = node_entry(&top);
}

static struct kd_error *xawalk(size_t maxel, struct kd_addr_list *l)
{
	memset(l, 0, sizeof(*l));
	return kd_xarray_walk_src(&src, &xalay, A(&xa), maxel, l);
}

static void test_xarray(void **state)
{
	(void)state;
	struct kd_addr_list l;
	make_xarray();
	assert_null(xawalk(0, &l));
	assert_int_equal(l.n, 5);
	static const uint64_t idx[] = { 0, 64, 69, 73, 192 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(l.index[i], idx[i]);
	assert_true(l.addrs[0] == A(&obj[0]));
	assert_true(l.addrs[1] == A(&obj[1]));
	assert_true(l.addrs[2] == A(&obj[2]));
	assert_int_equal(l.addrs[3], (1234 << 1) | 1);
	assert_true(l.addrs[4] == A(&obj[3]));
	kd_addr_list_free(&l);
	/* limit */
	struct kd_error *err = xawalk(2, &l);
	assert_int_equal(err->code, KD_ERR_LIMIT);
	assert_int_equal(l.n, 2);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* a node pointing back up (shift does not decrease) */
	leaf.slots[10] = node_entry(&top);
	err = xawalk(0, &l);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* a leaf slot holding a node */
	make_xarray();
	leaf.slots[11] = node_entry(&leaf);
	err = xawalk(0, &l);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* the same node twice in one tree: a cycle */
	make_xarray();
	top.slots[2] = node_entry(&leaf);
	err = xawalk(0, &l);
	assert_int_equal(err->code, KD_ERR_CYCLE);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* an unreadable node */
	make_xarray();
	top.slots[2] = 0x4000 | 2;
	err = xawalk(0, &l);
	assert_true(kd_error_is_fault(err));
	assert_int_equal(l.n, 4);	/* everything before index 128 */
	kd_error_destroy(err);
	kd_addr_list_free(&l);
	/* a single entry in the head; an empty array */
	xa.head = A(&obj[0]);
	assert_null(xawalk(0, &l));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.index[0], 0);
	kd_addr_list_free(&l);
	xa.head = 0;
	assert_null(xawalk(0, &l));
	assert_int_equal(l.n, 0);
	kd_addr_list_free(&l);
}

/* ---- maple tree ---- */

/* 6.1's 64-bit node: 256 bytes; mr64 {parent; pivot[15]; slot[16]},
 * ma64 {parent; pivot[9]; slot[10]; gap[10]; meta}, dense {parent;
 * slot[31]}; types dense 0, leaf_64 1, range_64 2, arange_64 3. */
union mnode {
	struct { uint64_t parent, slot[31]; } dense;
	struct { uint64_t parent, pivot[15], slot[16]; } r64;
	struct { uint64_t parent, pivot[9], slot[10], gap[10], meta; } a64;
} __attribute__((aligned(256)));

static const struct kd_maple_layout mlay = {
	.root_off = 0,
	.node_size = 256, .node_mask = 255,
	.dense_slot = offsetof(union mnode, dense.slot), .dense_slots = 31,
	.r64_pivot = offsetof(union mnode, r64.pivot),
	.r64_slot = offsetof(union mnode, r64.slot), .r64_slots = 16,
	.a64_pivot = offsetof(union mnode, a64.pivot),
	.a64_slot = offsetof(union mnode, a64.slot), .a64_slots = 10,
	.type_dense = 0, .type_leaf = 1, .type_range = 2, .type_arange = 3,
};

static union mnode mn[8];
static uint64_t mtree;		/* struct maple_tree: ma_root at 0 */

static uint64_t enode(union mnode *n, unsigned type)
{
	return A(n) | (uint64_t)type << 3 | 4;
}

/* root arange [0, max]:
 *   [0, 199]   range  -> leaf [0, 99]: E1 0-9, NULL 10-19, E2 20-99
 *                        leaf [100, 199]: E3 100-149, E4 150-199
 *   [200, 299] leaf   E5
 *   [300, 330] dense  E6 at 300, E7 at 302
 *   [331, max] NULL */
static void make_maple(void)
{
	memset(mn, 0, sizeof(mn));
	union mnode *root = &mn[0], *range = &mn[1], *l1 = &mn[2],
		    *l2 = &mn[3], *l3 = &mn[4], *dense = &mn[5];
	l1->r64.slot[0] = 0xe1000; l1->r64.pivot[0] = 9;
	l1->r64.pivot[1] = 19;
	l1->r64.slot[2] = 0xe2000; l1->r64.pivot[2] = 99;
	l2->r64.slot[0] = 0xe3000; l2->r64.pivot[0] = 149;
	l2->r64.slot[1] = 0xe4000; l2->r64.pivot[1] = 199;
	range->r64.slot[0] = enode(l1, 1); range->r64.pivot[0] = 99;
	range->r64.slot[1] = enode(l2, 1); range->r64.pivot[1] = 199;
	l3->r64.slot[0] = 0xe5000; l3->r64.pivot[0] = 299;
	dense->dense.slot[0] = 0xe6000;
	dense->dense.slot[2] = 0xe7000;
	root->a64.slot[0] = enode(range, 2); root->a64.pivot[0] = 199;
	root->a64.slot[1] = enode(l3, 1); root->a64.pivot[1] = 299;
	root->a64.slot[2] = enode(dense, 0); root->a64.pivot[2] = 330;
	root->a64.pivot[3] = UINT64_MAX;
	mtree = enode(root, 3) | 2;	/* the root: an internal xa entry */
}

static void test_maple(void **state)
{
	(void)state;
	struct kd_addr_list l = { 0 };
	static const uint64_t want[][2] = {
		{ 0xe1000, 0 }, { 0xe2000, 20 }, { 0xe3000, 100 },
		{ 0xe4000, 150 }, { 0xe5000, 200 }, { 0xe6000, 300 },
		{ 0xe7000, 302 },
	};
	make_maple();
	assert_null(kd_maple_walk_src(&src, &mlay, A(&mtree), 0, &l));
	assert_int_equal(l.n, KD_ARRAY_SIZE(want));
	for (size_t i = 0; i < l.n; i++) {
		assert_int_equal(l.addrs[i], want[i][0]);
		assert_int_equal(l.index[i], want[i][1]);
	}
	kd_addr_list_free(&l);

	/* maxel: the first entries, then KD_ERR_LIMIT */
	struct kd_error *err = kd_maple_walk_src(&src, &mlay, A(&mtree), 3, &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_LIMIT);
	assert_int_equal(l.n, 3);
	kd_error_destroy(err);
	kd_addr_list_free(&l);

	/* a root that is one entry, and an empty tree */
	uint64_t one = 0xabc000;
	assert_null(kd_maple_walk_src(&src, &mlay, A(&one), 0, &l));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.addrs[0], 0xabc000);
	assert_int_equal(l.index[0], 0);
	kd_addr_list_free(&l);
	uint64_t none = 0;
	assert_null(kd_maple_walk_src(&src, &mlay, A(&none), 0, &l));
	assert_int_equal(l.n, 0);
	kd_addr_list_free(&l);
}

static void test_maple_corrupt(void **state)
{
	(void)state;
	struct kd_addr_list l = { 0 };
	struct kd_error *err;

	/* a node below itself: KD_ERR_CYCLE, the entries before it kept */
	make_maple();
	mn[1].r64.slot[1] = enode(&mn[1], 2);
	err = kd_maple_walk_src(&src, &mlay, A(&mtree), 0, &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CYCLE);
	assert_int_equal(l.n, 2);
	kd_error_destroy(err);
	kd_addr_list_free(&l);

	/* a pivot beyond the node's maximum */
	make_maple();
	mn[3].r64.pivot[0] = 500;
	err = kd_maple_walk_src(&src, &mlay, A(&mtree), 0, &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	kd_addr_list_free(&l);

	/* an unreadable child: the memory error, with the node named */
	make_maple();
	mn[0].a64.slot[1] = 0x1000 | 1 << 3 | 4;
	err = kd_maple_walk_src(&src, &mlay, A(&mtree), 0, &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_FAULT);
	assert_non_null(strstr(err->message, "maple node 1000"));
	assert_int_equal(l.n, 4);
	kd_error_destroy(err);
	kd_addr_list_free(&l);

	/* an unknown node type */
	make_maple();
	mn[0].a64.slot[1] = enode(&mn[4], 9);
	err = kd_maple_walk_src(&src, &mlay, A(&mtree), 0, &l);
	assert_non_null(err);
	assert_int_equal(err->code, KD_ERR_CORRUPT);
	kd_error_destroy(err);
	kd_addr_list_free(&l);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_list_basic),
	cmocka_unit_test(test_list_inchead),
	cmocka_unit_test(test_list_until),
	cmocka_unit_test(test_list_maxel),
	cmocka_unit_test(test_list_cycles),
	cmocka_unit_test(test_list_bad_links),
	cmocka_unit_test(test_chain),
	cmocka_unit_test(test_rbtree),
	cmocka_unit_test(test_xarray),
	cmocka_unit_test(test_maple),
	cmocka_unit_test(test_maple_corrupt),
};

int main(void)
{
	return cmocka_run_group_tests(tests, NULL, NULL);
}
