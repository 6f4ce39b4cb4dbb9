// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Helpers shared by the type and memory commands: crash's address
 * arguments, and type definitions printed as gdb's ptype (which crash's
 * `struct`, `union` and `whatis` show): members indented by four per
 * level, anonymous struct/union members expanded in place, named types
 * by name, bitfields as "type name : bits;".  With offsets, each member
 * line starts with "[byte offset]" right-aligned in a column two wider
 * than "[SIZE]" (crash's layout), and expanded members are indented by
 * four per level after one blank.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>

#include "cmdutil.h"
#include "command.h"

int kd_cmd_parse_hex(const char *arg, uint64_t *ret)
{
	const char *p = arg;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p || strlen(p) > 16)
		return 0;
	for (const char *q = p; *q; q++)
		if (!isxdigit((unsigned char)*q))
			return 0;
	*ret = strtoull(p, NULL, 16);
	return 1;
}

int kd_cmd_parse_addr(struct kd_session *s, const char *arg, uint64_t *ret)
{
	if (kd_cmd_parse_hex(arg, ret))
		return 1;
	char name[256];
	const char *plus = strchr(arg, '+');
	size_t n = plus ? (size_t)(plus - arg) : strlen(arg);
	if (n == 0 || n >= sizeof(name))
		return 0;
	memcpy(name, arg, n);
	name[n] = '\0';
	uint64_t off = 0;
	if (plus) {
		char *end;
		off = strtoull(plus + 1, &end, 0);
		if (end == plus + 1 || *end)
			return 0;
	}
	if (!kd_symbol_try_addr(s, name, ret))
		return 0;
	*ret += off;
	return 1;
}

int kd_cmd_symbol_at(const struct kd_symtab *st, uint64_t addr,
		     struct kd_symbol *sym, uint64_t *offset)
{
	if (!st || !kd_symtab_by_addr(st, addr, sym, offset))
		return 0;
	struct kd_symbol next;
	while (*offset && kd_symtab_get(st, sym->index + 1, &next) &&
	       next.value == sym->value)
		*sym = next;
	return 1;
}

struct kd_types *kd_cmd_types(struct kd_cmd_ctx *ctx)
{
	struct kd_types *types;
	struct kd_error *err = kd_session_types(ctx->s, &types);
	if (err) {
		kd_cmd_fail(ctx, err);
		return NULL;
	}
	return types;
}

int kd_cmd_fail(struct kd_cmd_ctx *ctx, struct kd_error *err)
{
	fprintf(ctx->out, "%s: %s\n", ctx->name, err->message);
	kd_error_destroy(err);
	return 1;
}

/* ---------------------------------------------------------------- ptype */

struct layout {
	FILE *out;
	int offsets;
	struct kd_type *top;	/* the type printed */
	int width;	/* of the "[offset]" column */
};

/* crash shows the offset it finds by looking the member's name up in
 * the outer type (through anonymous members): members of a named
 * member of anonymous type ("} d_u;") get none unless their name is
 * reachable that way too. */
static int64_t lookup_offset(struct layout *l, const char *name)
{
	struct kd_member m;
	if (!name)
		return -1;
	struct kd_error *err = kd_type_find_member(l->top, name, &m);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	return (int64_t)(m.bit_offset / 8);
}

static void lead(struct layout *l, int level, int64_t off)
{
	if (!l->offsets) {
		fprintf(l->out, "%*s", 4 * (level + 1), "");
		return;
	}
	char col[32] = "";
	if (off >= 0)
		snprintf(col, sizeof(col), "[%" PRId64 "]", off);
	fprintf(l->out, "%*s %*s", l->width, col, 4 * level, "");
}

static int is_anonymous_aggregate(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_QUAL);
	enum kd_type_kind k = kd_type_kind(t);
	return (k == KD_TYPE_STRUCT || k == KD_TYPE_UNION) && !kd_type_name(t);
}

static struct kd_error *print_members(struct layout *l, struct kd_type *t,
				      uint64_t base, int level);

/* gdb spells an anonymous enum out: "enum {A, B} name". */
static struct kd_error *member_decl(const struct kd_member *m, char **ret)
{
	struct kd_type *st = kd_type_strip(m->type, KD_STRIP_QUAL);
	const struct kd_enumerator *e;
	size_t n;
	if (kd_type_kind(st) != KD_TYPE_ENUM || kd_type_name(st))
		return kd_type_format(m->type, m->name, ret);
	struct kd_error *err = kd_type_enumerators(st, &e, &n);
	if (err)
		return err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return &kd_error_nomem;
	fputs("enum {", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", e[i].name);
	fprintf(f, "} %s", m->name ? m->name : "");
	fclose(f);
	*ret = buf;
	return buf ? NULL : &kd_error_nomem;
}

static struct kd_error *print_member(struct layout *l, const struct kd_member *m,
				     uint64_t base, int level)
{
	uint64_t off = base + m->bit_offset;
	if (is_anonymous_aggregate(m->type)) {
		struct kd_type *st = kd_type_strip(m->type, KD_STRIP_QUAL);
		lead(l, level, -1);
		fprintf(l->out, "%s {\n", kd_type_kind(st) == KD_TYPE_UNION ?
			"union" : "struct");
		struct kd_error *err = print_members(l, st, off, level + 1);
		if (err)
			return err;
		lead(l, level, lookup_offset(l, m->name));
		fprintf(l->out, "}%s%s;\n", m->name ? " " : "",
			m->name ? m->name : "");
		return NULL;
	}
	char *decl;
	struct kd_error *err = member_decl(m, &decl);
	if (err)
		return err;
	lead(l, level, lookup_offset(l, m->name));
	if (m->bit_size)
		fprintf(l->out, "%s : %u;\n", decl, m->bit_size);
	else
		fprintf(l->out, "%s;\n", decl);
	free(decl);
	return NULL;
}

static struct kd_error *print_members(struct layout *l, struct kd_type *t,
				      uint64_t base, int level)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	for (size_t i = 0; !err && i < n; i++)
		err = print_member(l, &m[i], base, level);
	return err;
}

static struct kd_error *print_enum(FILE *out, struct kd_type *t)
{
	const struct kd_enumerator *e;
	size_t n;
	struct kd_error *err = kd_type_enumerators(t, &e, &n);
	if (err)
		return err;
	fprintf(out, "enum %s {\n", kd_type_name(t) ? kd_type_name(t) : "");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %s = %" PRId64 "\n", e[i].name, e[i].value);
	fprintf(out, "};\n");
	return NULL;
}

struct kd_error *kd_cmd_print_definition(FILE *out, struct kd_type *t,
					 int offsets)
{
	const char *tdname = NULL;
	if (kd_type_kind(t) == KD_TYPE_TYPEDEF) {
		tdname = kd_type_name(t);
		t = kd_type_strip(t, KD_STRIP_TYPEDEF);
	}
	enum kd_type_kind k = kd_type_kind(t);
	if (k == KD_TYPE_ENUM && !tdname)
		return print_enum(out, t);
	if (k != KD_TYPE_STRUCT && k != KD_TYPE_UNION) {
		if (tdname) {
			char *decl;
			struct kd_error *err = kd_type_format(t, tdname, &decl);
			if (err)
				return err;
			fprintf(out, "typedef %s;\n", decl);
			free(decl);
		}
		fprintf(out, "SIZE: %" PRIu64 "\n", kd_type_size(t));
		return NULL;
	}
	char sz[32];
	struct layout l = { .out = out, .offsets = offsets, .top = t,
			    .width = snprintf(sz, sizeof(sz), "[%" PRIu64 "]",
					      kd_type_size(t)) + 2 };
	const char *kw = k == KD_TYPE_UNION ? "union" : "struct";
	const char *name = kd_type_name(t);
	fprintf(out, "%s%s%s%s {\n", tdname ? "typedef " : "", kw,
		name ? " " : "", name ? name : "");
	struct kd_error *err = print_members(&l, t, 0, 0);
	if (err)
		return err;
	if (tdname)
		fprintf(out, "} %s;\n", tdname);
	else	/* crash prints a plain struct's "}" without ';' */
		fprintf(out, "}\n");
	fprintf(out, "SIZE: %" PRIu64 "\n", kd_type_size(t));
	return NULL;
}
