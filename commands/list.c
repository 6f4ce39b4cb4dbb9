// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list [[-o] offset] [-e end] [-s struct[.member[,member]]] [-x|-d]
 *      [-r] [-h|-H] start
 *
 * crash's linked-list walker (lib/kernel/lists.c underneath):
 *   start          a chain through the pointer at offset in each struct,
 *                  from start until NULL, back at start, or at -e end;
 *   -H start       a list_head list headed by the list_head at start;
 *                  entries are (list_head address - offset);
 *   -h start       start is a struct with its list_head at offset, and
 *                  the first entry;
 *   -r             by prev instead of next (list_head lists).
 * An offset is a number of bytes or "struct.member"; a number is taken
 * as the start when it looks like a kernel address.  Each entry's
 * address is printed as "%lx", followed by its -s display.  A corrupt
 * list prints the entries before the problem, then the error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/memory.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

#define MAX_SPECS 8
/* x86_64: kernel addresses live in the upper half. */
#define KERNEL_SPACE_START 0xffff800000000000ull

struct list_args {
	uint64_t start, offset, end;
	int have_start, have_offset, head_ptr, head_struct, reverse;
	unsigned vf_flags;
	struct kd_show_spec specs[MAX_SPECS];
	int nspecs;
};

static int usage(struct kd_cmd_ctx *ctx)
{
	fflush(ctx->out);
	fprintf(kd_cmd_errfile(ctx), "Usage:\n  list [[-o] offset][-e end]"
		"[-s struct[.member[,member]]] -[x|d]] [-r] [-h|-H] start\n");
	return 1;
}

static int set_offset(struct kd_cmd_ctx *ctx, struct list_args *a,
		      const char *arg)
{
	if (kd_show_parse_offset(ctx, arg, &a->offset))
		return -1;
	a->have_offset = 1;
	return 0;
}

/* A positional argument: struct.member offset, number or symbol. */
static int positional(struct kd_cmd_ctx *ctx, struct list_args *a,
		      const char *arg)
{
	uint64_t v;
	if (strchr(arg, '.') && !a->have_offset &&
	    !kd_show_parse_offset(ctx, arg, &a->offset)) {
		a->have_offset = 1;
		return 0;
	}
	if (strchr(arg, '.')) {
		kd_cmd_error(ctx, "invalid argument: %s", arg);
		return -1;
	}
	char *end;
	errno = 0;
	v = strtoull(arg, &end, 16);
	if (errno == ERANGE) {	/* as rd: no clamping to ffffffffffffffff */
		kd_cmd_error(ctx, "invalid argument: %s (more than 64 bits)",
			     arg);
		return -1;
	}
	if (*arg && *end == '\0' && !a->have_start && v >= KERNEL_SPACE_START) {
		a->start = v;
		a->have_start = 1;
		return 0;
	}
	if (*arg && *end == '\0' && !a->have_offset && a->have_start) {
		a->offset = v;
		a->have_offset = 1;
		return 0;
	}
	if (!a->have_start && kd_show_parse_addr(ctx, arg, &a->start)) {
		a->have_start = 1;
		return 0;
	}
	kd_cmd_error(ctx, "invalid argument: %s", arg);
	return -1;
}

static int parse(struct kd_cmd_ctx *ctx, int argc, char **argv,
		 struct list_args *a)
{
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, "Hhrs:S:e:o:xd")) != -1) {
		switch (c) {
		case 'H': a->head_ptr = 1; break;
		case 'h': a->head_struct = 1; break;
		case 'r': a->reverse = 1; break;
		case 'x': a->vf_flags |= KD_VF_HEX; break;
		case 'd': a->vf_flags &= ~KD_VF_HEX; break;
		case 'o':
			if (set_offset(ctx, a, optarg))
				return -1;
			break;
		case 'e':
			if (!kd_show_parse_addr(ctx, optarg, &a->end)) {
				kd_cmd_error(ctx, "invalid end: %s", optarg);
				return -1;
			}
			break;
		case 's':
		case 'S':
			if (a->nspecs == MAX_SPECS ||
			    kd_show_parse(ctx, optarg, &a->specs[a->nspecs]))
				return -1;
			a->nspecs++;
			break;
		default:
			kd_cmd_error(ctx, "invalid option -- '%c'", optopt);
			usage(ctx);
			return -1;
		}
	}
	for (int i = optind; i < argc; i++)
		if (positional(ctx, a, argv[i]))
			return -1;
	if (!a->have_start) {
		usage(ctx);
		return -1;
	}
	return 0;
}

/*
 * -H with -e, as crash walks it: the first entry is the head's link;
 * the walk ends at the link end or back at the first entry, so a head
 * met on the way is shown as an entry (crash's end replaces the head as
 * the stop).  An empty list is the first link being end.
 */
static struct kd_error *walk_head_until(struct kd_cmd_ctx *ctx,
					const struct list_args *a,
					unsigned flags, struct kd_addr_list *l)
{
	uint64_t link_off, first;
	struct kd_error *err = kd_member_offset(ctx->s, "struct list_head",
						a->reverse ? "prev" : "next",
						&link_off);
	memset(l, 0, sizeof(*l));
	if (!err)
		err = kd_read_ptr(ctx->s, a->start + link_off, &first);
	if (err || first == a->end)
		return err;
	return kd_list_walk_until(ctx->s, first, a->offset, a->end,
				  flags | KD_WALK_INCHEAD, 0, l);
}

static struct kd_error *walk(struct kd_cmd_ctx *ctx, const struct list_args *a,
			     struct kd_addr_list *l)
{
	unsigned flags = KD_WALK_NOLOG | (a->reverse ? KD_WALK_REVERSE : 0);
	if (a->head_ptr && a->end)
		return walk_head_until(ctx, a, flags, l);
	if (a->head_ptr)
		return kd_list_walk(ctx->s, a->start, a->offset, flags, 0, l);
	/* -h: the walk starts at the link inside start and stops back
	 * there, or at -e's link */
	if (a->head_struct)
		return kd_list_walk_until(ctx->s, a->start + a->offset,
					  a->offset, a->end,
					  flags | KD_WALK_INCHEAD, 0, l);
	return kd_chain_walk(ctx->s, a->start, a->offset, a->end,
			     flags | KD_WALK_INCHEAD, 0, l);
}

static int print_entries(struct kd_cmd_ctx *ctx, const struct list_args *a,
			 const struct kd_addr_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		fprintf(ctx->out, "%" PRIx64 "\n", l->addrs[i]);
		for (int k = 0; k < a->nspecs; k++)
			if (a->specs[k].bad_struct &&
			    kd_show_print(ctx, &a->specs[k], 0, 0))
				return -1;	/* crash stops there */
			else
				kd_show_print(ctx, &a->specs[k], l->addrs[i],
					      a->vf_flags);
	}
	return 0;
}

/* crash validates the first entry of a list_head list before printing
 * it; any other entry is printed before its link is read. */
static void print_error(struct kd_cmd_ctx *ctx, const struct list_args *a,
			const struct kd_addr_list *l, const struct kd_error *err)
{
	if (!err)
		return;
	if (!kd_error_is_fault(err)) {
		kd_cmd_error(ctx, "%s", err->message);
		return;
	}
	int head = a->head_ptr || a->head_struct;
	int first = a->head_ptr && l->n == 0;
	uint64_t link_off = a->offset;
	if (head) {
		struct kd_error *e = NULL;
		link_off = 0;
		if (a->reverse)
			e = kd_member_offset(ctx->s, "struct list_head", "prev",
					     &link_off);
		kd_error_destroy(e);
		link_off += a->offset;
	}
	if (!first)
		fprintf(ctx->out, "%" PRIx64 "\n", err->addr - link_off);
	kd_cmd_error(ctx, "invalid kernel virtual address: %" PRIx64
		     "  type: \"%s\"", err->addr,
		     first ? "first list entry" : "list entry");
}

static int run_list(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	struct list_args a = { 0 };
	int rc = 1;
	if (parse(ctx, argc, argv, &a))
		goto out_specs;
	if (a.start == 0) {
		kd_cmd_error(ctx, "invalid kernel virtual address: 0");
		goto out_specs;
	}
	struct kd_addr_list l;
	struct kd_error *err = walk(ctx, &a, &l);
	if (a.head_ptr && !err && l.n == 0)
		fprintf(ctx->out, "(empty)\n");
	int printed = print_entries(ctx, &a, &l) == 0;
	if (printed)
		print_error(ctx, &a, &l, err);
	rc = err || !printed ? 1 : 0;
	kd_error_destroy(err);
	kd_addr_list_free(&l);
out_specs:
	for (int k = 0; k < a.nspecs; k++)
		kd_show_free(&a.specs[k]);
	return rc;
}

const struct kd_command kd_cmd_list = {
	.name = "list",
	.summary = "linked list",
	.usage =
	"list [[-o] offset][-e end][-s struct[.member[,member]]] -[x|d]]\n"
	"     [-r] [-h|-H] start\n"
	"  Walk a linked list and print the address of each entry.\n"
	"    offset     offset of the next pointer (bytes or struct.member)\n"
	"    -e end     stop at this address\n"
	"    -s struct  print each entry as struct, or some of its members\n"
	"    -x|-d      hexadecimal / decimal integers\n"
	"    -r         list_head lists: follow prev instead of next\n"
	"    -h start   start is a struct holding a list_head at offset\n"
	"    -H start   start is a standalone list_head (the head)\n"
	"  Walks stop after 1000000 entries and report cycles.\n",
	.run = run_list,
	.needs_vmlinux = 1,
};
