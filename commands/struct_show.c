// SPDX-License-Identifier: GPL-2.0-or-later
/* -s struct[.member,...] display for list and tree (see struct_show.h). */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/readers.h>
#include <pykdump/types.h>
#include <pykdump/value_format.h>

#include "struct_show.h"

/* 1 when name is the last member of the (possibly anonymous) struct or
 * union holding it inside t; 0 when not last; -1 when not found here. */
static int last_in(struct kd_type *t, const char *name)
{
	const struct kd_member *m;
	size_t n;
	struct kd_error *err = kd_type_members(t, &m, &n);
	if (err) {
		kd_error_destroy(err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (m[i].name && !strcmp(m[i].name, name))
			return i + 1 == n;
		if (!m[i].name) {
			int r = last_in(kd_type_strip(m[i].type, KD_STRIP_ALL),
					name);
			if (r >= 0)
				return r;
		}
	}
	return -1;
}

static int member_is_last(struct kd_reader *r, const char *path)
{
	const char *dot = strrchr(path, '.');
	struct kd_type *container = kd_reader_type(r);
	if (dot) {
		char *prefix = strndup(path, (size_t)(dot - path));
		const struct kd_rmember *pm;
		struct kd_error *err = prefix ? kd_reader_member(r, prefix, &pm)
					      : &kd_error_nomem;
		free(prefix);
		if (err) {
			kd_error_destroy(err);
			return 0;
		}
		container = kd_type_strip(pm->type, KD_STRIP_ALL);
		if (kd_type_kind(container) == KD_TYPE_POINTER)
			container = kd_type_strip(kd_type_target(container),
						  KD_STRIP_ALL);
	}
	return last_in(container, dot ? dot + 1 : path) == 1;
}

/* A member crash cannot show (unknown, or through a pointer) is kept
 * with m NULL: list reports it at each entry, tree refuses it. */
static int add_member(struct kd_cmd_ctx *ctx, struct kd_show_spec *spec,
		      const char *path)
{
	struct kd_show_member *sm = &spec->members[spec->nmembers];
	if (spec->nmembers == KD_SHOW_MAX_MEMBERS) {
		fprintf(ctx->out, "%s: too many members\n", ctx->name);
		return -1;
	}
	sm->path = strdup(path);
	if (!sm->path)
		return -1;
	spec->nmembers++;
	struct kd_error *err = kd_reader_member(spec->reader, path, &sm->m);
	if (err || sm->m->nhops) {
		kd_error_destroy(err);
		sm->m = NULL;
		return 0;
	}
	sm->last = member_is_last(spec->reader, path);
	return 0;
}

/* "task_struct" -> the reader; tries struct then union like crash. */
static int find_reader(struct kd_cmd_ctx *ctx, struct kd_show_spec *spec,
		       const char *name, int quiet)
{
	static const char *const tags[] = { "struct ", "union ", "" };
	for (size_t i = 0; i < KD_ARRAY_SIZE(tags); i++) {
		char full[256];
		snprintf(full, sizeof(full), "%s%s", tags[i], name);
		struct kd_error *err = kd_reader_get(ctx->s, full,
						     &spec->reader);
		if (!err) {
			spec->type = kd_reader_type(spec->reader);
			spec->type_name = strdup(kd_reader_name(spec->reader));
			return spec->type_name ? 0 : -1;
		}
		kd_error_destroy(err);
	}
	if (!quiet)
		spec->bad_struct = strdup(name);
	return -1;
}

int kd_show_parse(struct kd_cmd_ctx *ctx, const char *arg,
		  struct kd_show_spec *ret)
{
	memset(ret, 0, sizeof(*ret));
	char *copy = strdup(arg);
	if (!copy)
		return -1;
	char *dot = strchr(copy, '.');
	if (dot)
		*dot = '\0';
	int rc = find_reader(ctx, ret, copy, 0);
	if (rc && ret->bad_struct) {
		free(copy);
		return 0;	/* reported when printing, as crash does */
	}
	char *save = NULL;
	for (char *tok = dot ? strtok_r(dot + 1, ",", &save) : NULL;
	     tok && rc == 0; tok = strtok_r(NULL, ",", &save))
		rc = add_member(ctx, ret, tok);
	free(copy);
	if (rc)
		kd_show_free(ret);
	return rc;
}

void kd_show_free(struct kd_show_spec *spec)
{
	for (size_t i = 0; i < spec->nmembers; i++)
		free(spec->members[i].path);
	free(spec->type_name);
	free(spec->bad_struct);
	memset(spec, 0, sizeof(*spec));
}

static void print_bitfield(struct kd_cmd_ctx *ctx, const struct kd_rmember *m,
			   uint64_t addr, unsigned vf_flags)
{
	struct kd_value v;
	struct kd_error *err = kd_member_read(ctx->s, m, addr, &v);
	if (err) {
		fprintf(ctx->out, "<error: %s>", err->message);
		kd_error_destroy(err);
	} else if (vf_flags & KD_VF_HEX) {
		fprintf(ctx->out, "0x%" PRIx64, m->is_signed ? v.u & m->mask
							     : v.u);
	} else if (m->is_signed) {
		fprintf(ctx->out, "%" PRId64, v.i);
	} else {
		fprintf(ctx->out, "%" PRIu64, v.u);
	}
}

static int print_member(struct kd_cmd_ctx *ctx, const struct kd_show_member *sm,
			uint64_t addr, unsigned vf_flags)
{
	uint64_t maddr;
	if (!sm->m) {
		fprintf(ctx->out, "%s: invalid data structure member "
			"reference: %s\n", ctx->name, sm->path);
		return 0;
	}
	struct kd_error *err = kd_member_addr(ctx->s, sm->m, addr, &maddr);
	fprintf(ctx->out, "  %s = ", sm->path);
	if (!err && sm->m->kind == KD_RK_BITFIELD)
		print_bitfield(ctx, sm->m, addr, vf_flags);
	else if (!err)
		err = kd_value_format(ctx->s, sm->m->type, maddr, NULL,
				      vf_flags, 1, ctx->out);
	if (err) {
		fprintf(ctx->out, "<error: %s>\n", err->message);
		kd_error_destroy(err);
		return -1;
	}
	fputs(sm->last ? "\n" : ",\n", ctx->out);
	return 0;
}

int kd_show_check(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec)
{
	if (spec->bad_struct) {
		fprintf(ctx->out, "%s: invalid structure name: %s\n",
			ctx->name, spec->bad_struct);
		return -1;
	}
	for (size_t i = 0; i < spec->nmembers; i++) {
		if (spec->members[i].m)
			continue;
		const char *sp = strchr(spec->type_name, ' ');
		fprintf(ctx->out, "%s: Can't get offset of '%s.%s'\n",
			ctx->name, sp ? sp + 1 : spec->type_name,
			spec->members[i].path);
		return -1;
	}
	return 0;
}

int kd_show_print(struct kd_cmd_ctx *ctx, const struct kd_show_spec *spec,
		  uint64_t addr, unsigned vf_flags)
{
	if (spec->bad_struct) {
		fprintf(ctx->out, "%s: invalid structure name: %s\n",
			ctx->name, spec->bad_struct);
		return -1;
	}
	if (spec->nmembers == 0) {
		fprintf(ctx->out, "%s ", spec->type_name);
		struct kd_error *err = kd_value_format(ctx->s, spec->type,
						       addr, NULL, vf_flags,
						       0, ctx->out);
		if (err) {
			fprintf(ctx->out, "<error: %s>\n", err->message);
			kd_error_destroy(err);
			return -1;
		}
		fputc('\n', ctx->out);
		return 0;
	}
	int rc = 0;
	for (size_t i = 0; i < spec->nmembers; i++)
		rc |= print_member(ctx, &spec->members[i], addr, vf_flags);
	return rc;
}

static int parse_hex(const char *arg, uint64_t *ret)
{
	const char *p = arg;
	char *end;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!isxdigit((unsigned char)*p))
		return 0;
	*ret = strtoull(p, &end, 16);
	return *end == '\0';
}

int kd_show_parse_addr(struct kd_cmd_ctx *ctx, const char *arg,
		       uint64_t *ret)
{
	if (parse_hex(arg, ret))
		return 1;
	return kd_symbol_try_addr(ctx->s, arg, ret);
}

int kd_show_parse_offset(struct kd_cmd_ctx *ctx, const char *arg,
			 uint64_t *ret)
{
	char *end;
	if (isdigit((unsigned char)*arg)) {
		*ret = strtoull(arg, &end, 0);
		if (*end == '\0')
			return 0;
	}
	const char *dot = strchr(arg, '.');
	if (dot) {
		struct kd_show_spec spec;
		char *type = strndup(arg, (size_t)(dot - arg));
		int rc = type ? find_reader(ctx, &spec, type, 1) : -1;
		free(type);
		if (rc == 0) {
			const struct kd_rmember *m;
			struct kd_error *err = kd_reader_member(spec.reader,
								dot + 1, &m);
			free(spec.type_name);
			if (!err && !m->nhops) {
				*ret = m->offset;
				return 0;
			}
			kd_error_destroy(err);
		}
	}
	fprintf(ctx->out, "%s: invalid offset: %s\n", ctx->name, arg);
	return -1;
}
