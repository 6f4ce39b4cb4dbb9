// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * C integer constant expressions: see cexpr.h.
 *
 * A recursive-descent parser that evaluates as it parses: conditional
 * expressions on top, binary operators by precedence climbing, then
 * unary operators and casts, then primaries.  Recursion is bounded by
 * CEXPR_MAX_DEPTH so hostile text ("((((...") cannot exhaust the stack.
 * Arithmetic is done on uint64_t and wrapped to the result type's width,
 * so no C operation here can overflow.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cexpr.h"

#define CEXPR_MAX_DEPTH 200

enum binop {
	OP_LOR, OP_LAND, OP_OR, OP_XOR, OP_AND, OP_EQ, OP_NE, OP_LT, OP_GT,
	OP_LE, OP_GE, OP_SHL, OP_SHR, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
};

static const struct {
	const char *s;
	enum binop op;
	int prec;
} binops[] = {
	{ "||", OP_LOR, 1 }, { "&&", OP_LAND, 2 }, { "|", OP_OR, 3 },
	{ "^", OP_XOR, 4 }, { "&", OP_AND, 5 }, { "==", OP_EQ, 6 },
	{ "!=", OP_NE, 6 }, { "<", OP_LT, 7 }, { ">", OP_GT, 7 },
	{ "<=", OP_LE, 7 }, { ">=", OP_GE, 7 }, { "<<", OP_SHL, 8 },
	{ ">>", OP_SHR, 8 }, { "+", OP_ADD, 9 }, { "-", OP_SUB, 9 },
	{ "*", OP_MUL, 10 }, { "/", OP_DIV, 10 }, { "%", OP_MOD, 10 },
};

/* Type words usable in casts.  Besides C's keywords, the fixed-width and
 * size typedefs the kernel's headers use in constant definitions
 * (e.g. "((__force gfp_t)0x01u)"); size 0 stands for long_size. */
static const struct {
	const char *name;
	unsigned size;
	int is_signed;
} typedefs[] = {
	{ "u8", 1, 0 }, { "u16", 2, 0 }, { "u32", 4, 0 }, { "u64", 8, 0 },
	{ "s8", 1, 1 }, { "s16", 2, 1 }, { "s32", 4, 1 }, { "s64", 8, 1 },
	{ "__u8", 1, 0 }, { "__u16", 2, 0 }, { "__u32", 4, 0 },
	{ "__u64", 8, 0 }, { "__s8", 1, 1 }, { "__s16", 2, 1 },
	{ "__s32", 4, 1 }, { "__s64", 8, 1 },
	{ "uint8_t", 1, 0 }, { "uint16_t", 2, 0 }, { "uint32_t", 4, 0 },
	{ "uint64_t", 8, 0 }, { "int8_t", 1, 1 }, { "int16_t", 2, 1 },
	{ "int32_t", 4, 1 }, { "int64_t", 8, 1 },
	{ "__le16", 2, 0 }, { "__le32", 4, 0 }, { "__le64", 8, 0 },
	{ "__be16", 2, 0 }, { "__be32", 4, 0 }, { "__be64", 8, 0 },
	{ "size_t", 0, 0 }, { "ssize_t", 0, 1 }, { "uintptr_t", 0, 0 },
	{ "intptr_t", 0, 1 }, { "ptrdiff_t", 0, 1 }, { "loff_t", 8, 1 },
	{ "gfp_t", 4, 0 }, { "slab_flags_t", 4, 0 }, { "fmode_t", 4, 0 },
	{ "__poll_t", 4, 0 }, { "vm_fault_t", 4, 0 },
};

static const char *const keywords[] = {
	"char", "short", "int", "long", "signed", "unsigned", "__signed__",
	"_Bool", "bool", "const", "volatile", "__force",
};

static int word_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

static int find_typedef(const char *s, size_t len)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(typedefs); i++)
		if (word_is(s, len, typedefs[i].name))
			return (int)i;
	return -1;
}

int cexpr_is_type_word(const char *s, size_t len)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(keywords); i++)
		if (word_is(s, len, keywords[i]))
			return 1;
	return find_typedef(s, len) >= 0;
}

struct cval cval_make(uint64_t bits, unsigned size, int is_signed)
{
	if (size < 8) {
		unsigned w = size * 8;
		uint64_t mask = (1ULL << w) - 1;
		bits &= mask;
		if (is_signed && ((bits >> (w - 1)) & 1))
			bits |= ~mask;
	}
	return (struct cval){ .bits = bits, .size = (uint8_t)size,
			      .is_signed = !!is_signed };
}

static struct cval promote(struct cval v)
{
	return v.size < 4 ? cval_make(v.bits, 4, 1) : v;
}

static int is_negative(struct cval v)
{
	return v.is_signed && (v.bits >> 63);
}

/* The usual arithmetic conversions, after promotion.  A signed type wins
 * over an unsigned one only when it is strictly wider. */
static struct cval common_type(struct cval a, struct cval b)
{
	a = promote(a);
	b = promote(b);
	if (a.is_signed == b.is_signed)
		return cval_make(0, a.size > b.size ? a.size : b.size,
				 a.is_signed);
	struct cval u = a.is_signed ? b : a, s = a.is_signed ? a : b;
	if (u.size >= s.size)
		return cval_make(0, u.size, 0);
	return cval_make(0, s.size, 1);
}

static struct cval convert(struct cval v, struct cval type)
{
	return cval_make(v.bits, type.size, type.is_signed);
}

/* ---- literals ---- */

static int fits(uint64_t v, unsigned size, int is_signed)
{
	unsigned w = size * 8 - (is_signed ? 1 : 0);
	return w >= 64 || v <= (1ULL << w) - 1;
}

/* The first type of C's list for this literal form that holds v. */
static struct cval literal_type(uint64_t v, int decimal, int u, int nl,
				unsigned long_size)
{
	/* int, unsigned int, long, unsigned long, long long, unsigned long
	 * long; min_l: how many L a suffix may have and still pick it. */
	static const struct {
		unsigned size;	/* 0 = long */
		int is_signed, min_l;
	} order[] = {
		{ 4, 1, 0 }, { 4, 0, 0 }, { 0, 1, 1 },
		{ 0, 0, 1 }, { 8, 1, 2 }, { 8, 0, 2 },
	};
	for (size_t i = 0; i < KD_ARRAY_SIZE(order); i++) {
		unsigned size = order[i].size ? order[i].size : long_size;
		if (order[i].min_l < nl)
			continue;
		if (u && order[i].is_signed)
			continue;
		if (!u && !order[i].is_signed && decimal)
			continue;	/* decimal literals stay signed */
		if (fits(v, size, order[i].is_signed))
			return cval_make(v, size, order[i].is_signed);
	}
	/* Too big for long long: gcc makes it unsigned long long. */
	return cval_make(v, 8, 0);
}

/* Parse an integer suffix: 0 on success with *u and *nl set. */
static int parse_suffix(const char *s, size_t len, int *u, int *nl)
{
	*u = *nl = 0;
	for (size_t i = 0; i < len;) {
		if ((s[i] == 'u' || s[i] == 'U') && !*u) {
			*u = 1;
			i++;
		} else if ((s[i] == 'l' || s[i] == 'L') && !*nl) {
			*nl = (i + 1 < len && s[i + 1] == s[i]) ? 2 : 1;
			i += *nl;
		} else {
			return -1;
		}
	}
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static int is_float_literal(const char *s, size_t len, unsigned base)
{
	if (memchr(s, '.', len))
		return 1;
	if (base == 16)
		return memchr(s, 'p', len) || memchr(s, 'P', len);
	return memchr(s, 'e', len) || memchr(s, 'E', len);
}

enum cexpr_num cexpr_parse_number(const char *s, size_t len,
				  unsigned long_size, struct cval *ret,
				  const char **why)
{
	unsigned base = 10;
	size_t p = 0;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, p = 2;
	else if (len >= 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2, p = 2;
	else if (s[0] == '0')
		base = 8;
	if (base != 2 && is_float_literal(s, len, base))
		return CEXPR_NUM_FLOAT;
	uint64_t v = 0;
	size_t first = p;
	for (; p < len && digit_value(s[p]) < (base == 8 ? 10 : (int)base); p++) {
		unsigned d = (unsigned)digit_value(s[p]);
		if (d >= base) {
			*why = "invalid digit in octal constant";
			return CEXPR_NUM_BAD;
		}
		if (v > (UINT64_MAX - d) / base) {
			*why = "integer constant is too large";
			return CEXPR_NUM_BAD;
		}
		v = v * base + d;
	}
	if (p == first && base != 8) {
		*why = "no digits in integer constant";
		return CEXPR_NUM_BAD;
	}
	int u, nl;
	if (parse_suffix(s + p, len - p, &u, &nl) < 0) {
		*why = "invalid suffix on integer constant";
		return CEXPR_NUM_BAD;
	}
	*ret = literal_type(v, base == 10, u, nl, long_size);
	return CEXPR_NUM_INT;
}

/* One (possibly escaped) character of a literal at s[*i]; -1 if bad. */
static int char_escape(const char *s, size_t end, size_t *i)
{
	if (s[*i] != '\\')
		return (unsigned char)s[(*i)++];
	if (++*i >= end)
		return -1;
	static const char simple[] = "n\nt\tr\ra\ab\bf\fv\v\\\\''\"\"??";
	for (size_t k = 0; simple[k]; k += 2)
		if (s[*i] == simple[k]) {
			(*i)++;
			return (unsigned char)simple[k + 1];
		}
	unsigned v = 0, n = 0;
	if (s[*i] == 'x') {
		for (++*i; *i < end && digit_value(s[*i]) < 16 && v <= 0xff; ++*i, n++)
			v = v * 16 + (unsigned)digit_value(s[*i]);
		return n && v <= 0xff ? (int)v : -1;
	}
	for (; *i < end && n < 3 && s[*i] >= '0' && s[*i] <= '7'; ++*i, n++)
		v = v * 8 + (unsigned)(s[*i] - '0');
	if (n)
		return v <= 0xff ? (int)v : -1;
	return (unsigned char)s[(*i)++];	/* unknown escape: the char */
}

/* 'c', '\n', '\x41', or up to four characters packed as gcc does.  A
 * single character's value is its byte, 0..255. */
static int parse_char(const char *s, size_t len, struct cval *ret,
		      const char **why)
{
	uint64_t v = 0;
	size_t i = 1, end = len - 1, n = 0;
	while (i < end) {
		int c = char_escape(s, end, &i);
		if (c < 0) {
			*why = "bad escape in character constant";
			return -1;
		}
		if (++n > 4) {
			*why = "character constant too long";
			return -1;
		}
		v = (v << 8) | (unsigned)c;
	}
	if (n == 0) {
		*why = "empty character constant";
		return -1;
	}
	*ret = cval_make(v, 4, 1);
	return 0;
}

/* ---- the parser ---- */

static int fail(struct cexpr *cx, const char *fmt, ...) KD_PRINTF(2, 3);
static int fail(struct cexpr *cx, const char *fmt, ...)
{
	if (!cx->errmsg) {
		va_list ap;
		va_start(ap, fmt);
		if (vasprintf(&cx->errmsg, fmt, ap) < 0)
			cx->errmsg = NULL;
		va_end(ap);
		if (!cx->errmsg)
			cx->errmsg = strdup("out of memory");
	}
	return -1;
}

/* A token as quoted text for messages: printable, at most 40 bytes. */
static const char *tok_text(const struct ctok *t, char *buf, size_t size)
{
	if (!t)
		return "end of expression";
	size_t o = 0;
	buf[o++] = '\'';
	for (size_t i = 0; i < t->len && i < 40 && o + 6 < size; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return buf;
}

static const struct ctok *peek_at(const struct cexpr *cx, size_t k)
{
	return cx->pos + k < cx->end ? &cx->toks[cx->pos + k] : NULL;
}

static const struct ctok *peek(const struct cexpr *cx)
{
	return peek_at(cx, 0);
}

static int next_is(const struct cexpr *cx, const char *s)
{
	const struct ctok *t = peek(cx);
	return t && ctok_is(t, s);
}

static int parse_cond(struct cexpr *cx, int eval, struct cval *out);
static int parse_unary(struct cexpr *cx, int eval, struct cval *out);

static int fail_unexpected(struct cexpr *cx, const char *what)
{
	char buf[64];
	return fail(cx, "%s %s", what, tok_text(peek(cx), buf, sizeof(buf)));
}

static int parse_number_tok(struct cexpr *cx, const struct ctok *t,
			    struct cval *out)
{
	const char *why = NULL;
	char buf[64];
	switch (cexpr_parse_number(t->s, t->len, cx->long_size, out, &why)) {
	case CEXPR_NUM_INT:
		return 0;
	case CEXPR_NUM_FLOAT:
		return fail(cx, "floating-point constant %s",
			    tok_text(t, buf, sizeof(buf)));
	default:
		return fail(cx, "%s %s", why, tok_text(t, buf, sizeof(buf)));
	}
}

static int parse_ident_tok(struct cexpr *cx, const struct ctok *t,
			   struct cval *out)
{
	char buf[64];
	if (cexpr_is_type_word(t->s, t->len))
		return fail(cx, "unexpected type name %s",
			    tok_text(t, buf, sizeof(buf)));
	if (cx->lookup && cx->lookup(cx->arg, t->s, t->len, out))
		return 0;
	return fail(cx, "unknown name %s", tok_text(t, buf, sizeof(buf)));
}

static int parse_primary(struct cexpr *cx, int eval, struct cval *out)
{
	const struct ctok *t = peek(cx);
	const char *why = NULL;
	if (!t)
		return fail(cx, "expected a value at the end");
	if (ctok_is(t, "(")) {
		cx->pos++;
		if (parse_cond(cx, eval, out) < 0)
			return -1;
		if (!next_is(cx, ")"))
			return fail_unexpected(cx, "expected ')' before");
		cx->pos++;
		return 0;
	}
	cx->pos++;
	switch (t->kind) {
	case CTOK_NUMBER:
		return parse_number_tok(cx, t, out);
	case CTOK_CHAR:
		if (parse_char(t->s, t->len, out, &why) == 0)
			return 0;
		return fail(cx, "%s", why);
	case CTOK_IDENT:
		return parse_ident_tok(cx, t, out);
	default:
		cx->pos--;
		return fail_unexpected(cx, "expected a value, found");
	}
}

struct cast_words {
	int n_signed, n_unsigned, n_long, n_short, n_char, n_int, n_bool;
	int n_typedef, n_ptr, td;
};

static int cast_word(struct cast_words *w, const struct ctok *t)
{
	static const struct {
		const char *s;
		size_t off;
	} counters[] = {
		{ "signed", offsetof(struct cast_words, n_signed) },
		{ "__signed__", offsetof(struct cast_words, n_signed) },
		{ "unsigned", offsetof(struct cast_words, n_unsigned) },
		{ "long", offsetof(struct cast_words, n_long) },
		{ "short", offsetof(struct cast_words, n_short) },
		{ "char", offsetof(struct cast_words, n_char) },
		{ "int", offsetof(struct cast_words, n_int) },
		{ "_Bool", offsetof(struct cast_words, n_bool) },
		{ "bool", offsetof(struct cast_words, n_bool) },
		{ "*", offsetof(struct cast_words, n_ptr) },
	};
	if (ctok_is(t, "const") || ctok_is(t, "volatile") ||
	    ctok_is(t, "__force"))
		return 0;
	for (size_t i = 0; i < KD_ARRAY_SIZE(counters); i++)
		if (ctok_is(t, counters[i].s)) {
			(*(int *)((char *)w + counters[i].off))++;
			return 0;
		}
	if (t->kind == CTOK_IDENT && (w->td = find_typedef(t->s, t->len)) >= 0) {
		w->n_typedef++;
		return 0;
	}
	return -1;
}

/* The type a cast's words name; size 0 when they name none. */
static struct cval cast_type(const struct cast_words *w, unsigned long_size)
{
	int sgn = !w->n_unsigned;
	int bad = (w->n_signed && w->n_unsigned) || w->n_long > 2 ||
		  w->n_short > 1 || w->n_char > 1 || w->n_int > 1 ||
		  (w->n_short && (w->n_long || w->n_char)) ||
		  (w->n_char && w->n_long);
	int kinds = w->n_typedef + w->n_bool +
		    (w->n_signed || w->n_unsigned || w->n_long ||
		     w->n_short || w->n_char || w->n_int);
	if (w->n_ptr)
		return cval_make(0, long_size, 0);
	if (bad || kinds != 1 || w->n_typedef > 1)
		return (struct cval){ 0 };
	if (w->n_typedef) {
		unsigned size = typedefs[w->td].size;
		return cval_make(0, size ? size : long_size,
				 typedefs[w->td].is_signed);
	}
	if (w->n_bool)
		return cval_make(0, 1, 0);
	if (w->n_char)
		return cval_make(0, 1, sgn);
	if (w->n_short)
		return cval_make(0, 2, sgn);
	if (w->n_long)
		return cval_make(0, w->n_long == 1 ? long_size : 8, sgn);
	return cval_make(0, 4, sgn);
}

/* "(type words) unary"; cx->pos is at '('. */
static int parse_cast(struct cexpr *cx, int eval, struct cval *out)
{
	struct cast_words w = { .td = -1 };
	int is_bool;
	cx->pos++;
	while (peek(cx) && !next_is(cx, ")")) {
		if (cast_word(&w, peek(cx)) < 0)
			return fail_unexpected(cx, "unexpected in a cast:");
		cx->pos++;
	}
	if (!peek(cx))
		return fail(cx, "expected ')' to close the cast");
	cx->pos++;
	struct cval type = cast_type(&w, cx->long_size);
	if (!type.size)
		return fail(cx, "invalid type in cast");
	is_bool = w.n_bool && !w.n_ptr;
	struct cval v;
	if (parse_unary(cx, eval, &v) < 0)
		return -1;
	*out = is_bool ? cval_make(v.bits != 0, 1, 0) : convert(v, type);
	return 0;
}

static int parse_unary(struct cexpr *cx, int eval, struct cval *out)
{
	const struct ctok *t = peek(cx);
	if (++cx->depth > CEXPR_MAX_DEPTH)
		return fail(cx, "expression nested too deeply");
	int r;
	struct cval v;
	if (t && (ctok_is(t, "-") || ctok_is(t, "+") || ctok_is(t, "~") ||
		  ctok_is(t, "!"))) {
		cx->pos++;
		if (parse_unary(cx, eval, &v) < 0)
			return -1;
		r = 0;
		v = promote(v);
		if (ctok_is(t, "-"))
			v = cval_make(0 - v.bits, v.size, v.is_signed);
		else if (ctok_is(t, "~"))
			v = cval_make(~v.bits, v.size, v.is_signed);
		else if (ctok_is(t, "!"))
			v = cval_make(v.bits == 0, 4, 1);
		*out = v;
	} else if (t && ctok_is(t, "(") && peek_at(cx, 1) &&
		   peek_at(cx, 1)->kind == CTOK_IDENT &&
		   cexpr_is_type_word(peek_at(cx, 1)->s, peek_at(cx, 1)->len)) {
		r = parse_cast(cx, eval, out);
	} else {
		r = parse_primary(cx, eval, out);
	}
	cx->depth--;
	return r;
}

/* Shifts: the result has the promoted left operand's type. */
static int do_shift(struct cexpr *cx, enum binop op, struct cval a,
		    struct cval b, int eval, struct cval *out)
{
	struct cval l = promote(a), r = promote(b);
	unsigned width = l.size * 8u;
	if (is_negative(r) || r.bits >= width) {
		*out = cval_make(0, l.size, l.is_signed);
		if (!eval)
			return 0;
		return fail(cx, "shift count %lld out of range for a %u-bit value",
			    (long long)r.bits, width);
	}
	unsigned n = (unsigned)r.bits;
	uint64_t bits;
	if (op == OP_SHL)
		bits = l.bits << n;
	else if (is_negative(l))
		bits = ~(~l.bits >> n);	/* arithmetic shift, as gcc */
	else
		bits = l.bits >> n;
	*out = cval_make(bits, l.size, l.is_signed);
	return 0;
}

static int do_divide(struct cexpr *cx, enum binop op, struct cval a,
		     struct cval b, int eval, struct cval *out)
{
	uint64_t q, r;
	if (b.bits == 0) {
		*out = a;
		return eval ? fail(cx, "division by zero") : 0;
	}
	if (a.is_signed && b.bits == UINT64_MAX) {	/* x / -1 */
		q = 0 - a.bits;
		r = 0;
	} else if (a.is_signed) {
		int64_t x = (int64_t)a.bits, y = (int64_t)b.bits;
		q = (uint64_t)(x / y);
		r = (uint64_t)(x % y);
	} else {
		q = a.bits / b.bits;
		r = a.bits % b.bits;
	}
	*out = cval_make(op == OP_DIV ? q : r, a.size, a.is_signed);
	return 0;
}

static int do_compare(enum binop op, struct cval a, struct cval b)
{
	int lt, eq = a.bits == b.bits;
	if (a.is_signed)
		lt = (int64_t)a.bits < (int64_t)b.bits;
	else
		lt = a.bits < b.bits;
	switch (op) {
	case OP_EQ: return eq;
	case OP_NE: return !eq;
	case OP_LT: return lt;
	case OP_GT: return !lt && !eq;
	case OP_LE: return lt || eq;
	default: return !lt;	/* OP_GE */
	}
}

static int apply_binop(struct cexpr *cx, enum binop op, struct cval a,
		       struct cval b, int eval, struct cval *out)
{
	if (op == OP_SHL || op == OP_SHR)
		return do_shift(cx, op, a, b, eval, out);
	if (op == OP_LAND || op == OP_LOR) {
		int v = op == OP_LAND ? (a.bits && b.bits) : (a.bits || b.bits);
		*out = cval_make((uint64_t)v, 4, 1);
		return 0;
	}
	struct cval t = common_type(a, b);
	a = convert(a, t);
	b = convert(b, t);
	uint64_t bits;
	switch (op) {
	case OP_DIV:
	case OP_MOD:
		return do_divide(cx, op, a, b, eval, out);
	case OP_ADD: bits = a.bits + b.bits; break;
	case OP_SUB: bits = a.bits - b.bits; break;
	case OP_MUL: bits = a.bits * b.bits; break;
	case OP_AND: bits = a.bits & b.bits; break;
	case OP_OR: bits = a.bits | b.bits; break;
	case OP_XOR: bits = a.bits ^ b.bits; break;
	default:
		*out = cval_make((uint64_t)do_compare(op, a, b), 4, 1);
		return 0;
	}
	*out = cval_make(bits, t.size, t.is_signed);
	return 0;
}

static int peek_binop(const struct cexpr *cx, int minprec)
{
	const struct ctok *t = peek(cx);
	if (!t || t->kind != CTOK_PUNCT)
		return -1;
	for (size_t i = 0; i < KD_ARRAY_SIZE(binops); i++)
		if (ctok_is(t, binops[i].s) && binops[i].prec >= minprec)
			return (int)i;
	return -1;
}

static int parse_binary(struct cexpr *cx, int minprec, int eval,
			struct cval *out)
{
	struct cval lhs, rhs;
	int i;
	if (parse_unary(cx, eval, &lhs) < 0)
		return -1;
	while ((i = peek_binop(cx, minprec)) >= 0) {
		enum binop op = binops[i].op;
		int reval = eval;
		cx->pos++;
		if (op == OP_LAND)
			reval = eval && lhs.bits;
		else if (op == OP_LOR)
			reval = eval && !lhs.bits;
		if (parse_binary(cx, binops[i].prec + 1, reval, &rhs) < 0 ||
		    apply_binop(cx, op, lhs, rhs, eval, &lhs) < 0)
			return -1;
	}
	*out = lhs;
	return 0;
}

static int parse_cond(struct cexpr *cx, int eval, struct cval *out)
{
	struct cval c, a, b;
	if (++cx->depth > CEXPR_MAX_DEPTH)
		return fail(cx, "expression nested too deeply");
	if (parse_binary(cx, 1, eval, &c) < 0)
		return -1;
	if (next_is(cx, "?")) {
		cx->pos++;
		if (parse_cond(cx, eval && c.bits, &a) < 0)
			return -1;
		if (!next_is(cx, ":"))
			return fail_unexpected(cx, "expected ':' before");
		cx->pos++;
		if (parse_cond(cx, eval && !c.bits, &b) < 0)
			return -1;
		c = convert(c.bits ? a : b, common_type(a, b));
	}
	cx->depth--;
	*out = c;
	return 0;
}

int cexpr_eval(struct cexpr *cx, struct cval *ret)
{
	cx->depth = 0;
	if (cx->pos >= cx->end)
		return fail(cx, "expected a value");
	if (parse_cond(cx, 1, ret) < 0)
		return -1;
	if (peek(cx))
		return fail_unexpected(cx, "unexpected");
	return 0;
}
