// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Values of gdb expressions (expr_internal.h): reading an lvalue's
 * contents, scalars, C's conversions and arithmetic, casts, member
 * access, dereference, and the value history.
 *
 * C facts relied on (x86_64, LP64, as gdb 10 evaluates them):
 *   - integer promotion: types narrower than int (char, short, bool,
 *     enums of 4 bytes or less) become int, or unsigned int when the
 *     type is unsigned and as wide as int;
 *   - the usual arithmetic conversions: the wider type wins; of equal
 *     width, unsigned wins; a floating-point operand makes both of its
 *     type (the wider one's when both are);
 *   - results wrap to the result type's width (gdb computes in 64 bits
 *     and truncates, so "1 << 40" on ints is 0, INT_MAX + 1 is INT_MIN);
 *   - pointer + integer scales by the pointed-to size (1 for void and
 *     functions, as gdb does), pointer - pointer divides by it;
 *   - comparisons and ! && || give int 0 or 1.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/vector.h>

#include "expr_internal.h"

#define EX_MAX_VALUE	(16u << 20)	/* as value printing's limit */

struct ex_block {
	struct ex_block *next;
	max_align_t data[];
};

void *ex_alloc(struct ex *x, size_t size)
{
	struct ex_block *b = calloc(1, sizeof(*b) + (size ? size : 1));
	if (!b)
		return NULL;
	b->next = x->arena;
	x->arena = b;
	return b->data;
}

void ex_arena_free(struct ex *x)
{
	while (x->arena) {
		struct ex_block *next = x->arena->next;
		free(x->arena);
		x->arena = next;
	}
}

int ex_fail(struct ex *x, enum kd_error_code code, const char *fmt, ...)
{
	if (!x->err) {
		va_list ap;
		va_start(ap, fmt);
		x->err = kd_error_vcreate(code, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *ex_span(struct ex *x, size_t from, size_t to, char *buf,
		    size_t size)
{
	if (from >= to || to > x->ntoks) {
		snprintf(buf, size, "%s", x->text);
		return buf;
	}
	const char *a = x->toks[from].s;
	const char *b = x->toks[to - 1].s + x->toks[to - 1].len;
	snprintf(buf, size, "%.*s", (int)(b - a), a);
	return buf;
}

static int nomem(struct ex *x)
{
	if (!x->err)
		x->err = &kd_error_nomem;
	return -1;
}

struct kd_type *ex_builtin(struct ex *x, enum kd_builtin b)
{
	return kd_types_builtin(x->ts, b);
}

struct kd_type *ex_strip(struct kd_type *t)
{
	return kd_type_strip(t, KD_STRIP_ALL);
}

int ex_is_integral(struct kd_type *st)
{
	enum kd_type_kind k = kd_type_kind(st);
	return k == KD_TYPE_INT || k == KD_TYPE_BOOL || k == KD_TYPE_ENUM;
}

static const char *type_text(struct kd_type *t, char *buf, size_t size)
{
	char *s = NULL;
	struct kd_error *err = kd_type_format(t, NULL, &s);
	kd_error_destroy(err);
	snprintf(buf, size, "%s", s ? s : "?");
	free(s);
	return buf;
}

/* ---- contents ---- */

static uint64_t load(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	memcpy(&v, p, n > 8 ? 8 : n);	/* little-endian target */
	return v;
}

static uint64_t sign_extend(uint64_t v, unsigned bits)
{
	if (bits == 0 || bits >= 64)
		return v;
	uint64_t m = 1ULL << (bits - 1);
	v &= (1ULL << bits) - 1;
	return (v ^ m) - m;
}

/* The bitfield's bits from its containing bytes, as a full integer. */
static int fetch_bitfield(struct ex *x, struct kd_value *v, size_t from,
			  size_t to)
{
	uint8_t raw[16] = { 0 };
	size_t n = (v->bit_offset % 8 + v->bit_size + 7) / 8;
	size_t first = v->bit_offset / 8;
	char span[256];
	if (n > 9)
		return ex_fail(x, KD_ERR_INVALID, "%s: bitfield too wide",
			       ex_span(x, from, to, span, sizeof(span)));
	if (v->flags & KD_VALUE_BYTES) {
		memcpy(raw, v->bytes + first, n);
	} else {
		struct kd_error *err = kd_read_kvaddr(x->s, v->addr + first,
						      raw, n);
		if (err) {
			x->err = kd_error_prefix(err, "cannot read %s",
						 ex_span(x, from, to, span,
							 sizeof(span)));
			return -1;
		}
	}
	unsigned sh = v->bit_offset % 8;
	uint64_t bits = load(raw, 8) >> sh;
	if (sh && sh + v->bit_size > 64)
		bits |= (uint64_t)raw[8] << (64 - sh);
	if (v->bit_size < 64)
		bits &= (1ULL << v->bit_size) - 1;
	if (kd_type_is_signed(v->type))
		bits = sign_extend(bits, v->bit_size);
	ex_int_value(x, v->type, bits, v);
	return 0;
}

int ex_fetch(struct ex *x, struct kd_value *v, size_t from, size_t to)
{
	char span[256], tt[256];
	if (v->bit_size)
		return fetch_bitfield(x, v, from, to);
	if (v->flags & KD_VALUE_BYTES)
		return 0;
	struct kd_type *st = ex_strip(v->type);
	if (st && st->nodebug == KD_NODEBUG_DATA)
		return ex_fail(x, KD_ERR_INVALID, "'%s' has unknown type; cast "
			       "it to its declared type",
			       ex_span(x, from, to, span, sizeof(span)));
	if (kd_type_kind(st) == KD_TYPE_FUNCTION ||
	    (st && st->nodebug == KD_NODEBUG_TEXT))
		return 0;	/* its value is its address */
	if (kd_type_kind(st) == KD_TYPE_VOID)
		return ex_fail(x, KD_ERR_INVALID, "%s: a void value has no "
			       "contents", ex_span(x, from, to, span,
						     sizeof(span)));
	uint64_t size = kd_type_size(st);
	if (!kd_type_is_complete(st) && kd_type_kind(st) != KD_TYPE_ARRAY)
		return ex_fail(x, KD_ERR_INVALID, "%s: incomplete type %s",
			       ex_span(x, from, to, span, sizeof(span)),
			       type_text(v->type, tt, sizeof(tt)));
	if (size > EX_MAX_VALUE)
		return ex_fail(x, KD_ERR_LIMIT, "%s: a value of %" PRIu64
			       " bytes is too large to read",
			       ex_span(x, from, to, span, sizeof(span)), size);
	uint8_t *buf = ex_alloc(x, size);
	if (!buf)
		return nomem(x);
	struct kd_error *err = kd_read_kvaddr(x->s, v->addr, buf, size);
	if (err) {
		x->err = kd_error_prefix(err, "cannot read %s (%" PRIu64
					 " bytes at 0x%" PRIx64 ")",
					 ex_span(x, from, to, span, sizeof(span)),
					 size, v->addr);
		return -1;
	}
	v->bytes = buf;
	v->flags |= KD_VALUE_BYTES;
	return 0;
}

/* ---- scalars ---- */

void ex_int_value(struct ex *x, struct kd_type *t, uint64_t bits,
		  struct kd_value *out)
{
	size_t size = kd_type_size(t);
	uint8_t *b = ex_alloc(x, size > 8 ? size : 8);
	*out = (struct kd_value){ .type = t };
	if (!b) {
		nomem(x);
		return;
	}
	memcpy(b, &bits, 8);
	out->bytes = b;
	out->flags = KD_VALUE_BYTES;
}

static struct kd_type *pointer_to(struct ex *x, struct kd_type *t)
{
	struct kd_type *p = NULL;
	struct kd_error *err = kd_types_pointer_to(x->ts, t, &p);
	if (err) {
		if (!x->err)
			x->err = err;
		else
			kd_error_destroy(err);
		return NULL;
	}
	return p;
}

/* The address of an lvalue array or function (its decayed pointer). */
static int decay(struct ex *x, struct kd_value *v, struct kd_type *st,
		 struct escalar *out, size_t from, size_t to)
{
	char span[256];
	if (!(v->flags & KD_VALUE_LVAL))
		return ex_fail(x, KD_ERR_INVALID, "%s is not in memory: it has "
			       "no address to decay to",
			       ex_span(x, from, to, span, sizeof(span)));
	struct kd_type *pt = pointer_to(x, kd_type_kind(st) == KD_TYPE_ARRAY ?
					kd_type_target(st) : v->type);
	if (!pt)
		return -1;
	*out = (struct escalar){ .kind = ES_PTR, .bits = v->addr, .type = pt };
	return 0;
}

int ex_scalar(struct ex *x, struct kd_value *v, struct escalar *out,
	      size_t from, size_t to)
{
	char span[256], tt[256];
	struct kd_type *st = ex_strip(v->type);
	enum kd_type_kind k = kd_type_kind(st);
	if (k == KD_TYPE_ARRAY || k == KD_TYPE_FUNCTION ||
	    (st && st->nodebug == KD_NODEBUG_TEXT))
		return decay(x, v, st, out, from, to);
	if (k == KD_TYPE_STRUCT || k == KD_TYPE_UNION || k == KD_TYPE_VOID)
		return ex_fail(x, KD_ERR_INVALID, "%s is a %s, not a number or "
			       "pointer", ex_span(x, from, to, span, sizeof(span)),
			       type_text(v->type, tt, sizeof(tt)));
	if (ex_fetch(x, v, from, to) < 0)
		return -1;
	size_t size = kd_type_size(st);
	uint64_t raw = load(v->bytes, size);
	*out = (struct escalar){ .type = v->type, .bits = raw };
	if (k == KD_TYPE_FLOAT) {
		out->kind = ES_FLOAT;
		if (!kd_float_load(v->bytes, size, &out->f))
			return ex_fail(x, KD_ERR_UNSUPPORTED, "%s: a %zu-byte "
				       "floating-point value",
				       ex_span(x, from, to, span, sizeof(span)),
				       size);
		return 0;
	}
	if (k == KD_TYPE_POINTER) {
		out->kind = ES_PTR;
		return 0;
	}
	out->kind = ES_INT;
	if (kd_type_is_signed(st))
		out->bits = sign_extend(raw, (unsigned)size * 8);
	else if (size < 8)
		out->bits = raw & ((1ULL << (size * 8)) - 1);
	return 0;
}

int ex_from_scalar(struct ex *x, struct kd_type *t, const struct escalar *sc,
		   struct kd_value *out)
{
	struct kd_type *st = ex_strip(t);
	size_t size = kd_type_size(st);
	enum kd_type_kind k = kd_type_kind(st);
	uint64_t bits = sc->bits;
	if (k == KD_TYPE_FLOAT) {
		double d = sc->kind == ES_FLOAT ? sc->f :
			   kd_type_is_signed(sc->type) && sc->kind == ES_INT ?
			   (double)(int64_t)sc->bits : (double)sc->bits;
		uint8_t *b = ex_alloc(x, 8);
		if (!b)
			return nomem(x);
		if (size == 4) {
			float f = (float)d;
			memcpy(b, &f, 4);
		} else {
			memcpy(b, &d, 8);
		}
		*out = (struct kd_value){ .type = t, .flags = KD_VALUE_BYTES,
					  .bytes = b };
		return 0;
	}
	if (sc->kind == ES_FLOAT)
		bits = kd_float_to_bits(sc->f);
	if (k == KD_TYPE_BOOL)
		bits = sc->kind == ES_FLOAT ? sc->f != 0 : bits != 0;
	ex_int_value(x, t, bits, out);
	return x->err ? -1 : 0;
}

/* ---- arithmetic ---- */

/* The promoted type of an integral scalar. */
static struct kd_type *promoted(struct ex *x, struct kd_type *t)
{
	struct kd_type *st = ex_strip(t);
	size_t size = kd_type_size(st);
	if (size < 4 || kd_type_kind(st) == KD_TYPE_BOOL)
		return ex_builtin(x, KD_BUILTIN_INT);
	if (size == 4)
		return ex_builtin(x, kd_type_is_signed(st) ? KD_BUILTIN_INT :
				  KD_BUILTIN_UINT);
	if (kd_type_kind(st) == KD_TYPE_ENUM)
		return ex_builtin(x, kd_type_is_signed(st) ? KD_BUILTIN_LONG :
				  KD_BUILTIN_ULONG);
	return t;
}

static struct kd_type *common(struct ex *x, struct kd_type *a,
			      struct kd_type *b)
{
	a = promoted(x, a);
	b = promoted(x, b);
	size_t sa = kd_type_size(a), sb = kd_type_size(b);
	int ua = !kd_type_is_signed(a), ub = !kd_type_is_signed(b);
	if (sa > sb)
		return a;
	if (sb > sa)
		return b;
	if (ua == ub)
		return a;
	return ua ? a : b;
}

static int64_t as_signed(uint64_t v)
{
	return (int64_t)v;
}

static int compare(const char *op, int lt, int eq)
{
	if (!strcmp(op, "=="))
		return eq;
	if (!strcmp(op, "!="))
		return !eq;
	if (!strcmp(op, "<"))
		return lt;
	if (!strcmp(op, ">"))
		return !lt && !eq;
	if (!strcmp(op, "<="))
		return lt || eq;
	return !lt;	/* >= */
}

static int is_compare(const char *op)
{
	return !strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") ||
	       !strcmp(op, ">") || !strcmp(op, "<=") || !strcmp(op, ">=");
}

static int bool_result(struct ex *x, int v, struct kd_value *out)
{
	ex_int_value(x, ex_builtin(x, KD_BUILTIN_INT), (uint64_t)v, out);
	return x->err ? -1 : 0;
}

/* t: the result's type, the wider floating-point operand's (float op
 * int is a float, as in C and gdb). */
static int float_binary(struct ex *x, const char *op, double a, double b,
			struct kd_type *t, struct kd_value *out,
			const char *span)
{
	double r;
	if (is_compare(op))
		return bool_result(x, compare(op, a < b, a == b), out);
	if (!strcmp(op, "+"))
		r = a + b;
	else if (!strcmp(op, "-"))
		r = a - b;
	else if (!strcmp(op, "*"))
		r = a * b;
	else if (!strcmp(op, "/"))
		r = a / b;
	else
		return ex_fail(x, KD_ERR_INVALID, "%s: operator %s needs "
			       "integers, not floating-point values", span, op);
	struct escalar sc = { .kind = ES_FLOAT, .f = r };
	return ex_from_scalar(x, t, &sc, out);
}

static int int_binary(struct ex *x, const char *op, const struct escalar *a,
		      const struct escalar *b, struct kd_value *out,
		      const char *span)
{
	struct kd_type *t = common(x, a->type, b->type);
	int sgn = kd_type_is_signed(t);
	unsigned width = (unsigned)kd_type_size(t) * 8;
	uint64_t l = a->bits, r = b->bits, v;
	if (!strcmp(op, "<<") || !strcmp(op, ">>")) {
		t = promoted(x, a->type);	/* the left operand's type */
		sgn = kd_type_is_signed(t);
		width = (unsigned)kd_type_size(t) * 8;
		if (kd_type_is_signed(b->type) && as_signed(r) < 0)
			return ex_fail(x, KD_ERR_INVALID, "%s: negative shift "
				       "count", span);
		if (r >= 64)
			v = 0;
		else if (op[0] == '<')
			v = l << r;
		else if (sgn && as_signed(sign_extend(l, width)) < 0)
			v = ~(~sign_extend(l, width) >> r);
		else
			v = (width < 64 ? l & ((1ULL << width) - 1) : l) >> r;
		ex_int_value(x, t, v, out);
		return x->err ? -1 : 0;
	}
	if (width < 64) {	/* both converted to t */
		l = sgn ? sign_extend(l, width) : l & ((1ULL << width) - 1);
		r = sgn ? sign_extend(r, width) : r & ((1ULL << width) - 1);
	}
	if (is_compare(op))
		return bool_result(x, compare(op, sgn ? as_signed(l) < as_signed(r)
					      : l < r, l == r), out);
	switch (op[0]) {
	case '+': v = l + r; break;
	case '-': v = l - r; break;
	case '*': v = l * r; break;
	case '&': v = l & r; break;
	case '|': v = l | r; break;
	case '^': v = l ^ r; break;
	case '/':
	case '%':
		if (r == 0)
			return ex_fail(x, KD_ERR_INVALID, "%s: division by zero",
				       span);
		if (sgn && r == UINT64_MAX)	/* x / -1 wraps */
			v = op[0] == '/' ? 0 - l : 0;
		else if (sgn)
			v = (uint64_t)(op[0] == '/' ? as_signed(l) / as_signed(r)
				       : as_signed(l) % as_signed(r));
		else
			v = op[0] == '/' ? l / r : l % r;
		break;
	default:
		return ex_fail(x, KD_ERR_INVALID, "%s: unknown operator %s",
			       span, op);
	}
	ex_int_value(x, t, v, out);
	return x->err ? -1 : 0;
}

static uint64_t step_size(struct kd_type *ptr_type)
{
	struct kd_type *target = kd_type_target(ex_strip(ptr_type));
	struct kd_type *st = ex_strip(target);
	if (!st || kd_type_kind(st) == KD_TYPE_FUNCTION ||
	    kd_type_kind(st) == KD_TYPE_VOID || !kd_type_size(st))
		return 1;
	return kd_type_size(st);
}

static int pointer_binary(struct ex *x, const char *op, struct escalar *a,
			  struct escalar *b, struct kd_value *out,
			  const char *span)
{
	if (is_compare(op))
		return bool_result(x, compare(op, a->bits < b->bits,
					      a->bits == b->bits), out);
	if (a->kind == ES_PTR && b->kind == ES_PTR && !strcmp(op, "-")) {
		int64_t d = as_signed(a->bits - b->bits) /
			    (int64_t)step_size(a->type);
		ex_int_value(x, ex_builtin(x, KD_BUILTIN_LONG), (uint64_t)d, out);
		return x->err ? -1 : 0;
	}
	if (a->kind == ES_INT && b->kind == ES_PTR && !strcmp(op, "+")) {
		struct escalar *t = a;
		a = b;
		b = t;
	}
	if (a->kind == ES_PTR && b->kind == ES_INT &&
	    (!strcmp(op, "+") || !strcmp(op, "-"))) {
		uint64_t d = b->bits * step_size(a->type);
		struct escalar r = { .kind = ES_PTR, .type = a->type,
				     .bits = op[0] == '+' ? a->bits + d :
					     a->bits - d };
		return ex_from_scalar(x, a->type, &r, out);
	}
	return ex_fail(x, KD_ERR_INVALID, "%s: operator %s does not apply "
		       "to a pointer%s", span, op,
		       a->kind == ES_PTR && b->kind == ES_PTR ? "s" : "");
}

int ex_binary(struct ex *x, const char *op, struct kd_value *a,
	      struct kd_value *b, struct kd_value *out, size_t from, size_t to)
{
	struct escalar sa, sb;
	char span[256];
	if (ex_scalar(x, a, &sa, from, to) < 0 ||
	    ex_scalar(x, b, &sb, from, to) < 0)
		return -1;
	ex_span(x, from, to, span, sizeof(span));
	if (!strcmp(op, "&&") || !strcmp(op, "||")) {
		int l = sa.kind == ES_FLOAT ? sa.f != 0 : sa.bits != 0;
		int r = sb.kind == ES_FLOAT ? sb.f != 0 : sb.bits != 0;
		return bool_result(x, op[0] == '&' ? l && r : l || r, out);
	}
	if (sa.kind == ES_PTR || sb.kind == ES_PTR) {
		if (sa.kind == ES_FLOAT || sb.kind == ES_FLOAT)
			return ex_fail(x, KD_ERR_INVALID, "%s: a pointer and a "
				       "floating-point value", span);
		return pointer_binary(x, op, &sa, &sb, out, span);
	}
	if (sa.kind == ES_FLOAT || sb.kind == ES_FLOAT) {
		double l = sa.kind == ES_FLOAT ? sa.f :
			   kd_type_is_signed(sa.type) ? (double)as_signed(sa.bits) :
			   (double)sa.bits;
		double r = sb.kind == ES_FLOAT ? sb.f :
			   kd_type_is_signed(sb.type) ? (double)as_signed(sb.bits) :
			   (double)sb.bits;
		struct kd_type *t =
			sb.kind != ES_FLOAT ? sa.type :
			sa.kind != ES_FLOAT ? sb.type :
			kd_type_size(ex_strip(sa.type)) >=
			kd_type_size(ex_strip(sb.type)) ? sa.type : sb.type;
		return float_binary(x, op, l, r, t, out, span);
	}
	return int_binary(x, op, &sa, &sb, out, span);
}

/* ---- casts, dereference, members ---- */

int ex_cast(struct ex *x, struct kd_type *t, struct kd_value *v,
	    struct kd_value *out, size_t from, size_t to)
{
	char span[256], tt[256];
	struct kd_type *st = ex_strip(t), *sv = ex_strip(v->type);
	enum kd_type_kind k = kd_type_kind(st);
	if (k == KD_TYPE_VOID) {
		*out = (struct kd_value){ .type = t };
		return 0;
	}
	/* gdb: a symbol without debuginfo takes the type it is cast to */
	if (sv && sv->nodebug && (v->flags & KD_VALUE_LVAL)) {
		*out = (struct kd_value){ .type = t, .flags = KD_VALUE_LVAL,
					  .addr = v->addr };
		return 0;
	}
	if (k == KD_TYPE_STRUCT || k == KD_TYPE_UNION || k == KD_TYPE_ARRAY) {
		/* reinterpreting an object of the same size in memory */
		if (!(v->flags & KD_VALUE_LVAL) || v->bit_size ||
		    kd_type_size(st) != kd_type_size(sv))
			return ex_fail(x, KD_ERR_INVALID, "cannot cast %s to %s: "
				       "only an object in memory of the same "
				       "size can be", ex_span(x, from, to, span,
							      sizeof(span)),
				       type_text(t, tt, sizeof(tt)));
		*out = (struct kd_value){ .type = t, .flags = KD_VALUE_LVAL,
					  .addr = v->addr };
		return 0;
	}
	if (k == KD_TYPE_FUNCTION)
		return ex_fail(x, KD_ERR_INVALID, "cannot cast %s to a function "
			       "type", ex_span(x, from, to, span, sizeof(span)));
	struct escalar sc;
	if (ex_scalar(x, v, &sc, from, to) < 0)
		return -1;
	if (k == KD_TYPE_POINTER && sc.kind == ES_FLOAT)
		return ex_fail(x, KD_ERR_INVALID, "cannot cast the floating-"
			       "point %s to a pointer",
			       ex_span(x, from, to, span, sizeof(span)));
	if (ex_from_scalar(x, t, &sc, out) < 0)
		return -1;
	return 0;
}

int ex_deref(struct ex *x, struct kd_value *v, struct kd_value *out,
	     size_t from, size_t to)
{
	char span[256], tt[256];
	struct kd_type *st = ex_strip(v->type);
	enum kd_type_kind k = kd_type_kind(st);
	if (k == KD_TYPE_FUNCTION || (st && st->nodebug == KD_NODEBUG_TEXT)) {
		*out = *v;	/* *f is f */
		return 0;
	}
	if (k == KD_TYPE_ARRAY) {
		struct kd_type *elem = kd_type_target(st);
		*out = *v;
		out->type = elem;
		return 0;
	}
	if (k != KD_TYPE_POINTER)
		return ex_fail(x, KD_ERR_INVALID, "cannot dereference %s: it is "
			       "a %s, not a pointer",
			       ex_span(x, from, to, span, sizeof(span)),
			       type_text(v->type, tt, sizeof(tt)));
	struct kd_type *target = kd_type_target(st);
	if (!target)
		return ex_fail(x, KD_ERR_INVALID, "cannot dereference %s: it "
			       "is a %s (cast it to a pointer to a type)",
			       ex_span(x, from, to, span, sizeof(span)),
			       type_text(v->type, tt, sizeof(tt)));
	struct escalar sc;
	if (ex_scalar(x, v, &sc, from, to) < 0)
		return -1;
	*out = (struct kd_value){ .type = target, .flags = KD_VALUE_LVAL,
				  .addr = sc.bits };
	return 0;
}

int ex_member(struct ex *x, struct kd_value *v, const char *name,
	      struct kd_value *out, size_t from, size_t to)
{
	char span[256], tt[256];
	struct kd_value cur = *v;
	struct kd_type *st = ex_strip(cur.type);
	for (int hops = 0; kd_type_kind(st) == KD_TYPE_POINTER; hops++) {
		if (hops == 8 || ex_deref(x, &cur, &cur, from, to) < 0)
			return hops == 8 ? ex_fail(x, KD_ERR_INVALID,
						   "%s: too many pointers",
						   ex_span(x, from, to, span,
							   sizeof(span))) : -1;
		st = ex_strip(cur.type);
	}
	enum kd_type_kind k = kd_type_kind(st);
	if (k != KD_TYPE_STRUCT && k != KD_TYPE_UNION)
		return ex_fail(x, KD_ERR_INVALID, "%s is a %s, not a struct or "
			       "union: it has no member %s",
			       ex_span(x, from, to, span, sizeof(span)),
			       type_text(cur.type, tt, sizeof(tt)), name);
	struct kd_member m;
	struct kd_error *err = kd_type_find_member(st, name, &m);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		/* gdb's sentence (scripts look for it), then the part and type */
		kd_error_destroy(err);
		return ex_fail(x, KD_ERR_NOT_FOUND, "%s: There is no member "
			       "named %s. (%s has none)",
			       ex_span(x, from, to, span, sizeof(span)), name,
			       type_text(cur.type, tt, sizeof(tt)));
	}
	if (err) {
		x->err = kd_error_prefix(err, "%s",
					 ex_span(x, from, to, span, sizeof(span)));
		return -1;
	}
	/* the span now names the member too */
	*out = (struct kd_value){ .type = m.type,
				  .flags = cur.flags & KD_VALUE_LVAL,
				  .addr = cur.addr + m.bit_offset / 8 };
	if (m.bit_size) {
		out->bit_offset = (uint32_t)(m.bit_offset % 8);
		out->bit_size = m.bit_size;
	}
	if (cur.flags & KD_VALUE_BYTES) {
		out->flags |= KD_VALUE_BYTES;
		out->bytes = cur.bytes + m.bit_offset / 8;
	}
	return 0;
}

/* ---- the history ---- */

struct kd_value_history {
	struct kd_value *v;
	size_t n, cap;
};

struct kd_error *kd_value_history_create(struct kd_value_history **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? NULL : &kd_error_nomem;
}

void kd_value_history_destroy(struct kd_value_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].bytes);
	free(h->v);
	free(h);
}

unsigned kd_value_history_count(const struct kd_value_history *h)
{
	return h ? (unsigned)h->n : 0;
}

struct kd_error *kd_value_history_add(struct kd_value_history *h,
				      const struct kd_value *v, unsigned *num)
{
	struct kd_error *err = kd_array_reserve(&h->v, &h->cap, h->n + 1);
	if (err)
		return err;
	struct kd_value c = *v;
	c.bytes = NULL;
	if (v->flags & KD_VALUE_BYTES) {
		size_t size = kd_type_size(v->type);
		if (!(c.bytes = malloc(size ? size : 1)))
			return &kd_error_nomem;
		memcpy(c.bytes, v->bytes, size);
	}
	h->v[h->n++] = c;
	*num = (unsigned)h->n;
	return NULL;
}

int ex_history(struct ex *x, long num, struct kd_value *out)
{
	struct kd_value_history *h = x->hist;
	long asked = num;
	if (!h)
		return ex_fail(x, KD_ERR_INVALID, "there is no value history "
			       "here");
	if (num <= 0)
		num += (long)h->n;	/* $ is $0: the last; $$n counts back */
	if (asked <= 0 && num <= 0 && !h->n)
		return ex_fail(x, KD_ERR_INVALID, "the value history is empty");
	if (asked <= 0 && num <= 0)
		return ex_fail(x, KD_ERR_INVALID, "the value history does not "
			       "go back %ld values (it holds %zu)", 1 - asked,
			       h->n);
	if ((size_t)num > h->n)
		return ex_fail(x, KD_ERR_INVALID, "History has not yet reached "
			       "$%ld.", num);
	const struct kd_value *v = &h->v[num - 1];
	*out = *v;
	if (v->flags & KD_VALUE_BYTES) {
		size_t size = kd_type_size(v->type);
		if (!(out->bytes = ex_alloc(x, size)))
			return nomem(x);
		memcpy(out->bytes, v->bytes, size);
	}
	return 0;
}

/* ---- results ---- */

int ex_copy_out(struct ex *x, struct kd_value *v, struct kd_value *ret)
{
	struct kd_type *st = ex_strip(v->type);
	int no_contents = kd_type_kind(st) == KD_TYPE_FUNCTION ||
			  kd_type_kind(st) == KD_TYPE_VOID ||
			  (st && st->nodebug == KD_NODEBUG_TEXT) ||
			  (kd_type_kind(st) == KD_TYPE_ARRAY &&
			   !kd_type_is_complete(st));
	if (!no_contents && ex_fetch(x, v, 0, x->ntoks ? x->ntoks - 1 : 0) < 0)
		return -1;
	*ret = *v;
	ret->bytes = NULL;
	ret->flags &= ~KD_VALUE_BYTES;
	if (!no_contents) {
		size_t size = kd_type_size(v->type);
		if (!(ret->bytes = malloc(size ? size : 1)))
			return nomem(x);
		memcpy(ret->bytes, v->bytes, size);
		ret->flags |= KD_VALUE_BYTES;
	}
	return 0;
}

struct kd_error *kd_value_read(struct kd_session *s, const struct kd_value *v,
			       struct kd_value *ret)
{
	struct kd_types *ts;
	char text[64];
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_session_types(s, &ts);
	if (err)
		return err;
	snprintf(text, sizeof(text), "the object at 0x%" PRIx64, v->addr);
	struct ex x = { .s = s, .ts = ts, .text = text };
	struct kd_value c = *v;
	ex_copy_out(&x, &c, ret);
	ex_arena_free(&x);
	return x.err;
}

/* ---- for commands ---- */

void kd_value_release(struct kd_value *v)
{
	if (!v)
		return;
	free(v->bytes);
	v->bytes = NULL;
	v->flags &= ~KD_VALUE_BYTES;
}

struct kd_error *kd_value_as_u64(struct kd_session *s, const struct kd_value *v,
				 uint64_t *ret)
{
	struct kd_types *ts;
	struct kd_error *err = kd_session_types(s, &ts);
	if (err)
		return err;
	struct ex x = { .s = s, .ts = ts, .text = "" };
	struct kd_value c = *v;
	struct escalar sc;
	if (ex_scalar(&x, &c, &sc, 0, 0) == 0)
		*ret = sc.kind == ES_FLOAT ? kd_float_to_bits(sc.f) : sc.bits;
	ex_arena_free(&x);
	return x.err;
}
