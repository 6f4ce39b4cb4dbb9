// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * p [-x|-d] EXPRESSION       (crash's print, for kernel globals)
 *
 * EXPRESSION is [&|*]symbol followed by any of .member, ->member, [N].
 * The value prints as gdb prints it inside crash: "NAME = $N = value"
 * for a plain symbol, "$N = value" otherwise; crash moves a value that
 * starts with "{" on the same line (arrays, functions) to a new line
 * indented by one.  A per-CPU symbol prints its type and the address
 * of each possible CPU's instance instead, as crash does.  $N counts
 * the values printed by this process (crash's value history).
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/ksyms.h>
#include <pykdump/memory.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "cmd_util.h"

static unsigned history;

struct lvalue {
	struct kd_type *type;
	uint64_t addr;
	uint32_t bit_size;	/* a bitfield: bits at addr + bit_shift */
	uint32_t bit_shift;
};

static struct kd_error *deref(struct kd_cmd_ctx *ctx, struct lvalue *v)
{
	struct kd_type *st = kd_type_strip(v->type, KD_STRIP_ALL);
	if (kd_type_kind(st) != KD_TYPE_POINTER)
		return kd_error_create(KD_ERR_INVALID,
				       "attempt to take contents of a non-pointer value.");
	uint64_t p;
	struct kd_error *err = kd_read_ptr(ctx->s, v->addr, &p);
	if (err)
		return err;
	v->addr = p;
	v->type = kd_type_target(st);
	if (!v->type)
		return kd_error_create(KD_ERR_INVALID,
				       "Attempt to take contents of a non-pointer value.");
	return NULL;
}

static struct kd_error *member(struct lvalue *v, const char *name)
{
	struct kd_type *st = kd_type_strip(v->type, KD_STRIP_ALL);
	struct kd_member m;
	struct kd_error *err = kd_type_find_member(st, name, &m);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_error_destroy(err);
		return kd_error_create(KD_ERR_NOT_FOUND,
				       "There is no member named %s.", name);
	}
	if (err)
		return err;	/* a damaged type says what it is */
	v->addr += m.bit_offset / 8;
	v->type = m.type;
	v->bit_size = m.bit_size;
	v->bit_shift = m.bit_offset % 8;
	return NULL;
}

static struct kd_error *element(struct kd_cmd_ctx *ctx, struct lvalue *v,
				uint64_t i)
{
	struct kd_type *st = kd_type_strip(v->type, KD_STRIP_ALL);
	if (kd_type_kind(st) == KD_TYPE_POINTER) {
		struct kd_error *err = deref(ctx, v);
		if (err)
			return err;
	} else if (kd_type_kind(st) == KD_TYPE_ARRAY) {
		v->type = kd_type_target(st);
	} else {
		return kd_error_create(KD_ERR_INVALID,
				       "cannot subscript something of that type");
	}
	v->addr += i * kd_type_size(v->type);
	return NULL;
}

/* Applies ".m", "->m" and "[N]" steps of path to v. */
static struct kd_error *walk(struct kd_cmd_ctx *ctx, struct lvalue *v,
			     const char *path)
{
	char name[256];
	struct kd_error *err = NULL;
	while (*path && !err) {
		int arrow = path[0] == '-' && path[1] == '>';
		if (*path == '[') {
			char *end;
			uint64_t i = strtoull(path + 1, &end, 0);
			if (*end != ']')
				return kd_error_create(KD_ERR_INVALID, "bad subscript");
			err = element(ctx, v, i);
			path = end + 1;
			continue;
		}
		if (*path != '.' && !arrow)
			return kd_error_create(KD_ERR_INVALID,
					       "A syntax error in expression, near `%s'.",
					       path);
		path += arrow ? 2 : 1;
		size_t n = strcspn(path, ".-[");
		if (n == 0 || n >= sizeof(name))
			return kd_error_create(KD_ERR_INVALID, "bad member name");
		memcpy(name, path, n);
		name[n] = '\0';
		path += n;
		if (arrow)
			err = deref(ctx, v);
		if (!err)
			err = member(v, name);
	}
	return err;
}

static int percpu(struct kd_cmd_ctx *ctx, struct kd_type *t, const char *name,
		  uint64_t off)
{
	const uint64_t *offs;
	unsigned n;
	char *decl;
	struct kd_error *err = kd_type_format(t, name, &decl);
	if (err)
		return kd_cmd_fail(ctx, err);
	fprintf(ctx->out, "PER-CPU DATA TYPE:\n  %s;\nPER-CPU ADDRESSES:\n", decl);
	free(decl);
	if ((err = kd_percpu_offsets(ctx->s, &offs, &n)))
		return kd_cmd_fail(ctx, err);
	for (unsigned cpu = 0; cpu < n; cpu++)
		fprintf(ctx->out, "  [%u]: %" PRIx64 "\n", cpu, offs[cpu] + off);
	return 0;
}

static void print_bitfield(FILE *out, struct kd_session *s,
			   const struct lvalue *v, unsigned flags)
{
	uint64_t raw = 0;
	struct kd_error *err = kd_read_kvaddr(s, v->addr, &raw,
					      (v->bit_shift + v->bit_size + 7) / 8);
	kd_error_destroy(err);
	raw = (raw >> v->bit_shift) & ((1ULL << v->bit_size) - 1);
	fprintf(out, flags & KD_VF_HEX ? "0x%" PRIx64 : "%" PRIu64, raw);
}

/* The value text, then crash's line break before a leading "{...". */
static int emit(struct kd_cmd_ctx *ctx, const char *prefix,
		const struct lvalue *v, int address_of, unsigned flags)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	struct kd_error *err = NULL;
	if (!mem)
		return 1;
	if (address_of) {
		struct kd_type *pt;
		struct kd_types *types = kd_cmd_types(ctx);
		err = types ? kd_types_pointer_to(types, v->type, &pt) : NULL;
		if (!err && types)
			err = kd_value_format(ctx->s, pt, 0, &v->addr,
					      flags | KD_VF_TOPLEVEL, 0, mem);
	} else if (v->bit_size) {
		print_bitfield(mem, ctx->s, v, flags);
	} else {
		err = kd_value_format(ctx->s, v->type, v->addr, NULL,
				      flags | KD_VF_TOPLEVEL, 0, mem);
	}
	fclose(mem);
	if (err) {
		free(text);
		if (kd_error_is_fault(err)) {
			kd_error_destroy(err);
			return kd_cmd_error(ctx, "invalid kernel virtual address: "
					    "%" PRIx64 "  type: "
					    "\"gdb_readmem_callback\"", v->addr);
		}
		return kd_cmd_fail(ctx, err);
	}
	int wrap = *prefix && text[0] == '{' && strncmp(text, "{\n", 2) != 0;
	fprintf(ctx->out, "%s$%u = %s%s\n", prefix, ++history,
		wrap ? "\n " : "", text);
	free(text);
	return 0;
}

/* A vmlinux symbol, else a module's (its kallsyms, include/pykdump/ksyms.h). */
static int symbol_addr(struct kd_session *s, const char *name, uint64_t *addr)
{
	struct kd_ksym ks;
	if (kd_symbol_try_addr(s, name, addr))
		return 1;
	struct kd_error *err = kd_ksym_by_name(s, name, &ks);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*addr = ks.value;
	return 1;
}

static int print_expr(struct kd_cmd_ctx *ctx, const char *expr, unsigned flags)
{
	struct kd_types *types = kd_cmd_types(ctx);
	if (!types)
		return 1;
	int address_of = *expr == '&', contents = *expr == '*';
	const char *p = expr + (address_of || contents);
	char name[256];
	size_t n = strcspn(p, ".-[");
	if (n == 0 || n >= sizeof(name))
		return kd_cmd_error(ctx, "invalid expression: %s", expr);
	memcpy(name, p, n);
	name[n] = '\0';
	struct lvalue v = { 0 };
	struct kd_variable var;
	struct kd_function fn;
	struct kd_error *err = kd_types_find_variable(types, name, &var);
	if (!err) {
		v.type = var.type;
		if (!symbol_addr(ctx->s, name, &v.addr))
			return kd_cmd_error(ctx, "no address for %s", name);
		if (var.is_percpu && !p[n] && !address_of && !contents)
			return percpu(ctx, var.type, name, v.addr);
	} else {
		kd_error_destroy(err);
		err = kd_types_find_function(types, name, &fn);
		if (err) {
			kd_error_destroy(err);
			return kd_cmd_error(ctx, "gdb request failed: p %s",
					    expr);
		}
		v.type = fn.type;
		if (!symbol_addr(ctx->s, name, &v.addr))
			return kd_cmd_error(ctx, "no address for %s", name);
	}
	err = walk(ctx, &v, p + n);
	if (!err && contents)
		err = deref(ctx, &v);
	if (err)
		return kd_cmd_fail(ctx, err);
	char prefix[300] = "";
	if (!p[n] && !address_of && !contents)
		snprintf(prefix, sizeof(prefix), "%s = ", name);
	return emit(ctx, prefix, &v, address_of, flags);
}

static int run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	unsigned flags = 0;
	int c, rc = 0;
	while ((c = getopt(argc, argv, "xdu")) != -1) {
		switch (c) {
		case 'x': flags |= KD_VF_HEX; break;
		case 'd': flags &= ~KD_VF_HEX; break;
		case 'u': break;
		default:
			fprintf(ctx->out, "Usage: p [-x|-d][-u] [expression | symbol[:cpuspec]]\n");
			return 1;
		}
	}
	if (optind >= argc) {
		fprintf(ctx->out, "Usage: p [-x|-d][-u] [expression | symbol[:cpuspec]]\n");
		return 1;
	}
	/* gdb sees the rest of the line as one expression */
	char expr[1024] = "";
	for (int i = optind; i < argc; i++)
		if (strlen(expr) + strlen(argv[i]) + 1 < sizeof(expr))
			strcat(expr, argv[i]);
	rc = print_expr(ctx, expr, flags);
	return rc;
}

const struct kd_command kd_cmd_p = {
	.name = "p",
	.summary = "print the value of an expression",
	.usage = "p [-x|-d] [expression | symbol]",
	.run = run,
	.needs_vmlinux = 1,
};
