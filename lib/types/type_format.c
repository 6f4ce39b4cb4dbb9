// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * C declarations of types, as gdb and crash print them: the declarator
 * is built inside-out ("comm" -> "comm[16]" -> "char comm[16]"), with
 * parentheses where a pointer meets an array or function
 * ("void (*fn)(int)", "int (*p)[4]").
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "types_internal.h"

struct buf {
	char *s;
	size_t len, cap;
	int nomem;
};

static void put_at(struct buf *b, size_t at, const char *text, size_t n)
{
	if (b->nomem)
		return;
	if (kd_array_reserve(&b->s, &b->cap, b->len + n + 1)) {
		b->nomem = 1;
		return;
	}
	memmove(b->s + at + n, b->s + at, b->len - at);
	memcpy(b->s + at, text, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void prepend(struct buf *b, const char *text)
{
	put_at(b, 0, text, strlen(text));
}

static void append(struct buf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put_at(b, b->len, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void append_str(struct buf *b, const char *s)
{
	put_at(b, b->len, s, strlen(s));
}

static void qualifier_words(struct buf *out, unsigned q)
{
	if (q & KD_QUAL_CONST)
		append_str(out, "const ");
	if (q & KD_QUAL_VOLATILE)
		append_str(out, "volatile ");
	if (q & KD_QUAL_RESTRICT)
		append_str(out, "restrict ");
	if (q & KD_QUAL_ATOMIC)
		append_str(out, "_Atomic ");
}

static void base_name(struct buf *out, const struct kd_type *t)
{
	const char *kw = t->kind == KD_TYPE_STRUCT ? "struct " :
			 t->kind == KD_TYPE_UNION ? "union " :
			 t->kind == KD_TYPE_ENUM ? "enum " : "";
	append_str(out, kw);
	append_str(out, t->name ? t->name : *kw ? "{...}" : "?");
}

static int needs_parens(const struct buf *decl)
{
	return decl->len && decl->s[0] == '*';
}

static struct kd_error *format(struct kd_type *t, struct buf *decl,
			       struct buf *out, int depth);

static struct kd_error *format_params(struct kd_type *t, struct buf *decl)
{
	const struct kd_param *p;
	size_t n;
	int variadic;
	struct kd_error *err = kd_type_params(t, &p, &n, &variadic);
	if (err)
		return err;
	append_str(decl, "(");
	for (size_t i = 0; i < n; i++) {
		char *s;
		if ((err = kd_type_format(p[i].type, NULL, &s)))
			return err;
		append(decl, "%s%s", i ? ", " : "", s);
		free(s);
	}
	if (variadic)
		append_str(decl, n ? ", ..." : "...");
	else if (n == 0)
		append_str(decl, "void");
	append_str(decl, ")");
	return NULL;
}

static struct kd_error *format(struct kd_type *t, struct buf *decl,
			       struct buf *out, int depth)
{
	unsigned quals = 0;
	for (; t && depth < 64; depth++) {
		if (t->kind == KD_TYPE_QUALIFIED) {
			quals |= t->qualifiers;
			t = t->target;
			continue;
		}
		if (t->kind == KD_TYPE_POINTER) {
			if (quals) {
				struct buf q = { 0 };
				qualifier_words(&q, quals);
				prepend(decl, q.s ? q.s : "");
				free(q.s);
				quals = 0;
			}
			prepend(decl, "*");
			t = t->target;
			continue;
		}
		if (t->kind == KD_TYPE_ARRAY || t->kind == KD_TYPE_FUNCTION) {
			if (needs_parens(decl)) {
				prepend(decl, "(");
				append_str(decl, ")");
			}
			if (t->kind == KD_TYPE_ARRAY && t->count_known)
				append(decl, "[%llu]", (unsigned long long)t->count);
			else if (t->kind == KD_TYPE_ARRAY)
				append_str(decl, "[]");
			else {
				struct kd_error *err = format_params(t, decl);
				if (err)
					return err;
			}
			t = t->target;
			continue;
		}
		qualifier_words(out, quals);
		base_name(out, kd_type_complete(t));
		break;
	}
	if (!t)
		append_str(out, "void");
	if (decl->len) {
		append_str(out, " ");
		append_str(out, decl->s);
	}
	return NULL;
}

struct kd_error *kd_type_format(struct kd_type *t, const char *name,
				char **ret)
{
	struct buf decl = { 0 }, out = { 0 };
	append_str(&decl, name ? name : "");
	append_str(&out, "");
	struct kd_error *err = format(t, &decl, &out, 0);
	if (!err && (decl.nomem || out.nomem))
		err = &kd_error_nomem;
	free(decl.s);
	if (err) {
		free(out.s);
		return err;
	}
	*ret = out.s;
	return NULL;
}
