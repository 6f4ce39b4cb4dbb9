// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct / union [-o] [-x|-d] NAME[.member[,member...]] [address|symbol]
 *        [count]                                         (crash's struct)
 *
 * Without an address: the definition (gdb ptype), with -o the byte
 * offset of every member.  With one: the value as gdb prints it,
 * "struct NAME {\n  m = v,\n ...}", or for a member list each member as
 * "  m = v," (no comma after the type's last member: crash cuts these
 * lines out of the whole value).  count > 1 prints consecutive objects.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

#define MAX_MEMBERS 64

struct req {
	struct kd_cmd_ctx *ctx;
	struct kd_type *type;
	const char *kw;		/* "struct" or "union" */
	char *members[MAX_MEMBERS];
	int nmembers;
	unsigned vflags;
	int offsets;
};

static struct kd_error *find_type(struct kd_types *types, const char *kw,
				  const char *name, struct kd_type **ret)
{
	char full[512];
	snprintf(full, sizeof(full), "%s %s", kw, name);
	struct kd_error *err = kd_types_find(types, full, ret);
	if (!err)
		return NULL;
	kd_error_destroy(err);
	err = kd_types_find(types, name, ret);
	if (err)
		return err;
	enum kd_type_kind k = kd_type_kind(kd_type_strip(*ret, KD_STRIP_ALL));
	if (k != KD_TYPE_STRUCT && k != KD_TYPE_UNION)
		return kd_error_create(KD_ERR_NOT_FOUND, "not a %s: %s", kw, name);
	return NULL;
}

/* "name.m1,m2" -> type name and member list (modifies spec). */
static int split_members(struct req *r, char *spec)
{
	char *dot = strchr(spec, '.');
	if (!dot)
		return 0;
	*dot = '\0';
	for (char *m = strtok(dot + 1, ","); m; m = strtok(NULL, ",")) {
		if (r->nmembers == MAX_MEMBERS)
			return -1;
		r->members[r->nmembers++] = m;
	}
	return 0;
}

static int is_last_member(struct kd_type *t, const char *name)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return n && m[n - 1].name && strcmp(m[n - 1].name, name) == 0;
}

static struct kd_error *print_member(struct req *r, uint64_t addr,
				     const char *name)
{
	struct kd_type *st = kd_type_strip(r->type, KD_STRIP_ALL);
	struct kd_member_path mp;
	struct kd_error *err = kd_type_member_path(st, name, &mp);
	if (err)
		return err;
	FILE *out = r->ctx->out;
	fprintf(out, "  %s = ", name);
	if (mp.bit_size || mp.bit_offset % 8) {
		/* a bitfield: print it from its containing bytes */
		uint8_t buf[16] = { 0 };
		uint64_t first = mp.bit_offset / 8;
		err = kd_read_kvaddr(r->ctx->s, addr + first, buf,
				     (mp.bit_offset % 8 + mp.bit_size + 7) / 8);
		if (err)
			return err;
		uint64_t v = 0;
		memcpy(&v, buf, 8);
		v = (v >> (mp.bit_offset % 8)) & ((1ULL << mp.bit_size) - 1);
		fprintf(out, r->vflags & KD_VF_HEX ? "0x%" PRIx64 : "%" PRIu64, v);
	} else {
		err = kd_value_format(r->ctx->s, mp.type, addr + mp.bit_offset / 8,
				      NULL, r->vflags, 1, out);
		if (err)
			return err;
	}
	fprintf(out, "%s\n", is_last_member(st, name) ? "" : ",");
	return NULL;
}

static struct kd_error *print_object(struct req *r, uint64_t addr)
{
	if (r->nmembers == 0) {
		const char *name = kd_type_name(r->type);
		fprintf(r->ctx->out, "%s %s ", r->kw, name ? name : "");
		struct kd_error *err = kd_value_format(r->ctx->s, r->type, addr,
						       NULL, r->vflags, 0,
						       r->ctx->out);
		if (!err)
			fputc('\n', r->ctx->out);
		return err;
	}
	for (int i = 0; i < r->nmembers; i++) {
		struct kd_error *err = print_member(r, addr, r->members[i]);
		if (err)
			return err;
	}
	return NULL;
}

static int print_objects(struct req *r, const char *addr_arg,
			 const char *count_arg)
{
	uint64_t addr, count = 1;
	if (!kd_cmd_parse_addr(r->ctx->s, addr_arg, &addr)) {
		fprintf(r->ctx->out, "%s: invalid address: %s\n", r->ctx->name,
			addr_arg);
		return 1;
	}
	if (count_arg)
		count = strtoull(count_arg, NULL, 0);
	uint64_t size = kd_type_size(r->type);
	for (uint64_t i = 0; i < count; i++) {
		struct kd_error *err = print_object(r, addr + i * size);
		if (err && kd_error_is_fault(err)) {
			/* after the "struct NAME " already printed, as crash */
			fprintf(r->ctx->out, "%s: %s kernel virtual address: "
				"%" PRIx64 "  type: \"gdb_readmem_callback\"\n",
				r->ctx->name, err->code == KD_ERR_FAULT ?
				"invalid" : "read error:",
				err->addr ? err->addr : addr);
			kd_error_destroy(err);
			return 1;
		}
		if (err)
			return kd_cmd_fail(r->ctx, err);
		if (count > 1)
			fputc('\n', r->ctx->out);
	}
	return 0;
}

static int usage(struct kd_cmd_ctx *ctx)
{
	fprintf(ctx->out, "Usage:\n  %s %s_name[.member[,member]] [-o][-l offset]"
		"[-rfuxdp]\n         [address | symbol][:cpuspec] [count | -c count]\n"
		"Enter \"help %s\" for details.\n", ctx->name, ctx->name,
		ctx->name);
	return 1;
}

static int run_kw(struct kd_cmd_ctx *ctx, int argc, char **argv,
		  const char *kw)
{
	struct req r = { .ctx = ctx, .kw = kw };
	int c;
	while ((c = getopt(argc, argv, "oxd")) != -1) {
		switch (c) {
		case 'o': r.offsets = 1; break;
		case 'x': r.vflags |= KD_VF_HEX; break;
		case 'd': r.vflags &= ~KD_VF_HEX; break;
		default: return usage(ctx);
		}
	}
	if (optind >= argc)
		return usage(ctx);
	struct kd_types *types = kd_cmd_types(ctx);
	if (!types)
		return 1;
	char *spec = strdup(argv[optind]);
	if (!spec || split_members(&r, spec) < 0) {
		free(spec);
		return usage(ctx);
	}
	int rc = 0;
	struct kd_error *err = find_type(types, kw, spec, &r.type);
	if (err) {
		kd_error_destroy(err);
		kd_cmd_error(ctx, "invalid data structure reference: %s", spec);
		rc = 1;
	} else if (optind + 1 < argc) {
		rc = print_objects(&r, argv[optind + 1],
				   optind + 2 < argc ? argv[optind + 2] : NULL);
	} else {
		err = kd_cmd_print_definition(ctx->out, r.type, r.offsets);
		rc = err ? kd_cmd_fail(ctx, err) : 0;
	}
	free(spec);
	return rc;
}

static int run_struct(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	return run_kw(ctx, argc, argv, "struct");
}

static int run_union(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	return run_kw(ctx, argc, argv, "union");
}

const struct kd_command kd_cmd_struct = {
	.name = "struct",
	.summary = "structure contents",
	.usage = "struct [-o] [-x|-d] struct_name[.member[,member]] [address | symbol] [count]",
	.run = run_struct,
	.needs_vmlinux = 1,
};

const struct kd_command kd_cmd_union = {
	.name = "union",
	.summary = "union contents",
	.usage = "union [-o] [-x|-d] union_name[.member[,member]] [address | symbol] [count]",
	.run = run_union,
	.needs_vmlinux = 1,
};
