// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tree [-t rbtree|radix|xarray|maple] [-r offset] [-o offset]
 *      [-s struct[.member[,member]]] [-l] [-x|-d] start
 *
 * crash's tree walker (lib/kernel/trees.c and maple.c underneath):
 *   rbtree  start (+ -r offset) is an rb_root; entries are (rb_node
 *           address - -o offset), in crash's order: pre-order (node,
 *           left subtree, right subtree), or in-order with -l;
 *   xarray  start (+ -r offset) is a struct xarray; entries are the
 *           stored pointers in index order;
 *   radix   the same on a radix_tree_root (kernels before 4.20: from 4.20
 *           radix trees are xarrays and crash refuses -t radix);
 *   maple   start (+ -r offset) is a struct maple_tree (6.1+); entries
 *           are the stored pointers in index order (-l and -o do not
 *           apply, as crash says).
 * Not supported: -N (start at a node), -p (positions), -v (node dumps).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/readers.h>
#include <pykdump/session.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

#define MAX_SPECS 8

enum tree_type { TREE_RBTREE, TREE_RADIX, TREE_XARRAY, TREE_MAPLE };

struct tree_args {
	enum tree_type type;
	uint64_t start, root_off, node_off;
	int inorder, have_node_off;
	int have_root_off;	/* -r: start is a container of the root */
	unsigned vf_flags;
	struct kd_show_spec specs[MAX_SPECS];
	int nspecs;
};

static int usage(struct kd_cmd_ctx *ctx)
{
	fflush(ctx->out);
	fprintf(kd_cmd_errfile(ctx), "Usage:\n  tree [-t [radix|xarray|"
		"rbtree]] [-r offset] [-[s|S] struct[.member[,member]]] \n"
		"       -[x|d] [-o offset] [-l] start\n");
	return 1;
}

static int parse_type(struct kd_cmd_ctx *ctx, const char *arg,
		      enum tree_type *ret)
{
	static const struct { const char *name, *abbrev; enum tree_type t; }
	types[] = {
		{ "rbtree", "rb", TREE_RBTREE },
		{ "radix", "ra", TREE_RADIX },
		{ "xarray", "x", TREE_XARRAY },
		{ "maple", "m", TREE_MAPLE },
	};
	for (size_t i = 0; i < KD_ARRAY_SIZE(types); i++) {
		if (!strcmp(arg, types[i].name) || !strcmp(arg, types[i].abbrev)) {
			*ret = types[i].t;
			return 0;
		}
	}
	kd_cmd_error(ctx, "invalid tree type: %s", arg);
	return -1;
}

static int parse_opt(struct kd_cmd_ctx *ctx, int c, struct tree_args *a)
{
	switch (c) {
	case 't': return parse_type(ctx, optarg, &a->type);
	case 'r':
		a->have_root_off = 1;
		return kd_show_parse_offset(ctx, optarg, &a->root_off);
	case 'o':
		a->have_node_off = 1;
		return kd_show_parse_offset(ctx, optarg, &a->node_off);
	case 'l': a->inorder = 1; return 0;
	case 'x': a->vf_flags |= KD_VF_HEX; return 0;
	case 'd': a->vf_flags &= ~KD_VF_HEX; return 0;
	case 's':
	case 'S':
		if (a->nspecs == MAX_SPECS ||
		    kd_show_parse(ctx, optarg, &a->specs[a->nspecs]))
			return -1;
		a->nspecs++;
		return 0;
	case 'N':
	case 'p':
		kd_cmd_error(ctx, "option -%c is not supported", c);
		return -1;
	default:
		kd_cmd_error(ctx, "invalid option -- '%c'", optopt);
		usage(ctx);
		return -1;
	}
}

static int parse(struct kd_cmd_ctx *ctx, int argc, char **argv,
		 struct tree_args *a)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "t:r:o:s:S:lxdNp")) != -1)
		if (parse_opt(ctx, c, a))
			return -1;
	if (optind != argc - 1) {
		usage(ctx);
		return -1;
	}
	if (a->type == TREE_MAPLE && (a->inorder || a->have_node_off)) {
		kd_cmd_error(ctx, "-%c option is not applicable to maple "
			     "trees", a->inorder ? 'l' : 'o');
		return -1;
	}
	if (!kd_show_parse_addr(ctx, argv[optind], &a->start)) {
		kd_cmd_error(ctx, "invalid start argument: %s", argv[optind]);
		return -1;
	}
	return 0;
}

/* crash refuses a tree type the kernel does not have. */
static int type_exists(struct kd_cmd_ctx *ctx, enum tree_type t)
{
	static const char *const types[] = {
		[TREE_RADIX] = "struct radix_tree_root",
		[TREE_XARRAY] = "struct xarray",
		[TREE_MAPLE] = "struct maple_tree",
	};
	static const char *const names[] = {
		[TREE_RADIX] = "radix trees",
		[TREE_XARRAY] = "xarrays",
		[TREE_MAPLE] = "maple trees",
	};
	const char *type = types[t];
	struct kd_reader *r;
	if (t == TREE_RBTREE)
		return 1;
	struct kd_error *err = kd_reader_get(ctx->s, type, &r);
	if (!err)
		return 1;
	kd_error_destroy(err);
	kd_cmd_error(ctx, "%s do not exist or have changed their format",
		     names[t]);
	return 0;
}

/* A start given as a variable whose debuginfo type is a scalar (an
 * integer, pointer, enum ...) or another struct holds no tree root:
 * walking its bytes as one gives an answer about nothing ("tree -t
 * xarray jiffies" printed an empty tree).  With -r the start is a
 * container: not checked. */
static int scalar_start(struct kd_cmd_ctx *ctx, const struct tree_args *a,
			const char *arg)
{
	struct kd_types *types;
	struct kd_variable v;
	if (a->have_root_off || !*arg || strspn(arg, "abcdefghijklmnopqrstuvwxyz"
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789_") != strlen(arg))
		return 0;
	struct kd_error *err = kd_session_types(ctx->s, &types);
	if (!err)
		err = kd_types_find_variable(types, arg, &v);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	/* the roots each type of tree starts at */
	static const char *const roots[][3] = {
		[TREE_RBTREE] = { "rb_root", "rb_root_cached" },
		[TREE_RADIX] = { "radix_tree_root", "xarray" },
		[TREE_XARRAY] = { "xarray", "radix_tree_root" },
		[TREE_MAPLE] = { "maple_tree" },
	};
	struct kd_type *t = kd_type_strip(v.type, KD_STRIP_ALL);
	enum kd_type_kind k = kd_type_kind(t);
	if (!t || k == KD_TYPE_UNION || k == KD_TYPE_ARRAY ||
	    k == KD_TYPE_VOID)
		return 0;
	if (k == KD_TYPE_STRUCT) {
		const char *name = kd_type_name(t);
		for (int i = 0; i < 3 && roots[a->type][i]; i++)
			if (!name || !strcmp(name, roots[a->type][i]))
				return 0;
	}
	char *decl = NULL;
	err = kd_type_format(v.type, NULL, &decl);
	kd_error_destroy(err);
	kd_cmd_error(ctx, "%s is %s, not a struct %s (use -r for a member "
		     "of a containing struct)", arg, decl ? decl : "a scalar",
		     roots[a->type][0]);
	free(decl);
	return 1;
}

static struct kd_error *walk(struct kd_cmd_ctx *ctx, const struct tree_args *a,
			     struct kd_addr_list *l)
{
	uint64_t root = a->start + a->root_off;
	if (a->type == TREE_RBTREE)
		return kd_rbtree_walk(ctx->s, root, a->node_off,
				      KD_WALK_NOLOG |
				      (a->inorder ? KD_WALK_INORDER : 0),
				      0, l);
	if (a->type == TREE_MAPLE)
		return kd_maple_walk(ctx->s, root, KD_WALK_NOLOG, 0, l);
	return kd_xarray_walk(ctx->s, root, KD_WALK_NOLOG, 0, l);
}

static int run_tree(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct tree_args a = { .type = TREE_RBTREE };
	int rc = 1;
	if (parse(ctx, argc, argv, &a) || !type_exists(ctx, a.type) ||
	    scalar_start(ctx, &a, argv[argc - 1]))
		goto out_specs;
	for (int k = 0; k < a.nspecs; k++)
		if (kd_show_check(ctx, &a.specs[k]))
			goto out_specs;
	struct kd_addr_list l;
	struct kd_error *err = walk(ctx, &a, &l);
	for (size_t i = 0; i < l.n; i++) {
		fprintf(ctx->out, "%" PRIx64 "\n", l.addrs[i]);
		for (int k = 0; k < a.nspecs; k++)
			kd_show_print(ctx, &a.specs[k], l.addrs[i], a.vf_flags);
	}
	if (err)
		kd_cmd_error(ctx, "%s", err->message);
	rc = err ? 1 : 0;
	kd_error_destroy(err);
	kd_addr_list_free(&l);
out_specs:
	for (int k = 0; k < a.nspecs; k++)
		kd_show_free(&a.specs[k]);
	return rc;
}

const struct kd_command kd_cmd_tree = {
	.name = "tree",
	.summary = "display radix tree, XArray, red-black tree or maple tree",
	.usage =
	"tree [-t [radix|xarray|rbtree|maple]] [-r offset] [-[s|S] struct[.member"
	"[,member]]]\n     -[x|d] [-o offset] [-l] start\n"
	"  Print the entries of a tree.\n"
	"    -t type    rbtree (default), radix, xarray or maple\n"
	"    -r offset  offset of the root in the struct at start\n"
	"    -o offset  rbtree: offset of the rb_node in each entry\n"
	"    -s struct  print each entry as struct, or some of its members\n"
	"    -l         rbtree: in linear (sorted) order\n"
	"    -x|-d      hexadecimal / decimal integers\n"
	"  Offsets are bytes or struct.member.  -N, -p and -v are not\n"
	"  supported.\n",
	.run = run_tree,
	.needs_vmlinux = 1,
};
