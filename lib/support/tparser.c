// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CDefine and CEnum: see include/pykdump/tparser.h.
 *
 * The text goes through ctext (splicing, comments, tokens) and each value
 * through cexpr (typed C arithmetic).  This file holds the two grammars
 * and the result table:
 *
 *   entries   array in text order; a #define of a name already present
 *             updates that entry in place (and its sequence number)
 *   by name   hash table (<pykdump/hash_table.h>): name -> entry
 *             position + 1
 *   by value  the same by number, built once parsing is over, mapping
 *             each number to the entry with the highest sequence number
 *             (the name defined last with it, as the original's reverse
 *             dict does)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/hash_table.h>
#include <pykdump/tparser.h>
#include <pykdump/vector.h>

#include "cexpr.h"
#include "ctext.h"

struct centry {
	struct kd_cconst pub;
	struct cval cv;		/* the C-typed value, for later expressions */
	uint64_t seq;		/* when (last) defined */
};

/* ---- the two indexes ---- */

/* A name as the tokens give it: not NUL-terminated. */
struct name_key {
	const char *s;
	size_t len;
};

static uint64_t name_key_hash(struct name_key k)
{
	return kd_name_hash(k.s, k.len);
}

struct name_ent {
	const char *name;	/* the entry's own copy */
	uint32_t i;		/* entry position + 1 */
};

KD_HASH_TABLE_DEFINE_BY(name_index, struct name_ent, struct name_key,
			name_key_hash,
			((struct name_key){ e->name, strlen(e->name) }),
			strncmp(e->name, key.s, key.len) == 0 &&
			e->name[key.len] == '\0',
			!e->i)

struct value_key {
	int64_t value;
	int is_unsigned;
};

static uint64_t value_key_hash(struct value_key k)
{
	return kd_hash_mix(kd_hash_u64((uint64_t)k.value),
			   (uint64_t)k.is_unsigned);
}

struct value_ent {
	struct value_key v;
	uint32_t i;		/* entry position + 1 */
};

KD_HASH_TABLE_DEFINE_BY(value_index, struct value_ent, struct value_key,
			value_key_hash, e->v,
			e->v.value == key.value &&
			e->v.is_unsigned == key.is_unsigned,
			!e->i)

struct kd_cconsts {
	struct centry *e;
	size_t n, cap;
	struct name_index by_name;
	struct value_index by_value;
	struct kd_cskip *skips;
	size_t nskips, capskips;
	char *tag;
	uint64_t seq;
	unsigned long_size;
};

/* ---- the table ---- */

static struct centry *table_lookup(const struct kd_cconsts *t, const char *s,
				   size_t len)
{
	struct name_key k = { s, len };
	const struct name_ent *ne = name_index_find(&t->by_name, k,
						    name_index_key_hash(k));
	return ne ? &t->e[ne->i - 1] : NULL;
}

static void cval_number(struct cval v, int64_t *value, int *is_unsigned)
{
	*value = (int64_t)v.bits;
	*is_unsigned = !v.is_signed && v.bits > (uint64_t)INT64_MAX;
}

/* Define or redefine name (tok) as v. */
static struct kd_error *table_set(struct kd_cconsts *t, const struct ctok *tok,
				  struct cval v, unsigned line)
{
	struct centry *e = table_lookup(t, tok->s, tok->len);
	if (!e) {
		struct kd_error *err;
		if ((err = kd_array_reserve(&t->e, &t->cap, t->n + 1)) ||
		    (err = name_index_reserve(&t->by_name, t->n + 1)))
			return err;
		char *name = strndup(tok->s, tok->len);
		if (!name)
			return &kd_error_nomem;
		e = &t->e[t->n++];
		memset(e, 0, sizeof(*e));
		e->pub.name = name;
		struct name_ent ne = { name, (uint32_t)t->n };
		struct name_key k = { name, tok->len };
		name_index_fill(&t->by_name,
				name_index_slot(&t->by_name, k,
						name_index_key_hash(k)),
				&ne);
	}
	e->cv = v;
	e->seq = ++t->seq;
	e->pub.line = line;
	cval_number(v, &e->pub.value, &e->pub.is_unsigned);
	return NULL;
}

/* By value: each number to the entry with the highest sequence number
 * (the name defined last with it). */
static struct kd_error *table_index_values(struct kd_cconsts *t)
{
	struct kd_error *err = value_index_reserve(&t->by_value, t->n);
	if (err)
		return err;
	for (size_t i = 0; i < t->n; i++) {
		struct value_ent ve = { { t->e[i].pub.value,
					  t->e[i].pub.is_unsigned },
					(uint32_t)(i + 1) };
		uint64_t hash = value_index_key_hash(ve.v);
		struct value_ent *s = value_index_slot(&t->by_value, ve.v, hash);
		if (!s->i)
			value_index_fill(&t->by_value, s, &ve);
		else if (t->e[s->i - 1].seq < t->e[i].seq)
			s->i = ve.i;
	}
	return NULL;
}

static struct kd_error *table_skip(struct kd_cconsts *t, const struct ctok *tok,
				   unsigned line, char *reason)
{
	if (!reason)
		return &kd_error_nomem;
	struct kd_error *err = kd_array_reserve(&t->skips, &t->capskips,
						t->nskips + 1);
	char *name = err ? NULL : strndup(tok->s, tok->len);
	if (!name) {
		free(reason);
		return err ? err : &kd_error_nomem;
	}
	t->skips[t->nskips++] = (struct kd_cskip){
		.name = name, .line = line, .reason = reason,
	};
	return NULL;
}

static int table_lookup_cb(void *arg, const char *name, size_t len,
			   struct cval *ret)
{
	struct centry *e = table_lookup(arg, name, len);
	if (e)
		*ret = e->cv;
	return e != NULL;
}

void kd_cconsts_destroy(struct kd_cconsts *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free((char *)t->e[i].pub.name);
	for (size_t i = 0; i < t->nskips; i++) {
		free((char *)t->skips[i].name);
		free((char *)t->skips[i].reason);
	}
	free(t->e);
	name_index_deinit(&t->by_name);
	value_index_deinit(&t->by_value);
	free(t->skips);
	free(t->tag);
	free(t);
}

size_t kd_cconsts_count(const struct kd_cconsts *t)
{
	return t ? t->n : 0;
}

const struct kd_cconst *kd_cconsts_at(const struct kd_cconsts *t, size_t i)
{
	return t && i < t->n ? &t->e[i].pub : NULL;
}

const struct kd_cconst *kd_cconsts_find(const struct kd_cconsts *t,
					const char *name)
{
	if (!t || !name)
		return NULL;
	struct centry *e = table_lookup(t, name, strlen(name));
	return e ? &e->pub : NULL;
}

const struct kd_cconst *kd_cconsts_by_value(const struct kd_cconsts *t,
					    int64_t value, int is_unsigned)
{
	if (!t)
		return NULL;
	struct value_key k = { value, !!is_unsigned };
	const struct value_ent *ve = value_index_find(&t->by_value, k,
						      value_index_key_hash(k));
	return ve ? &t->e[ve->i - 1].pub : NULL;
}

const char *kd_cconsts_tag(const struct kd_cconsts *t)
{
	return t ? t->tag : NULL;
}

size_t kd_cconsts_nskipped(const struct kd_cconsts *t)
{
	return t ? t->nskips : 0;
}

const struct kd_cskip *kd_cconsts_skipped(const struct kd_cconsts *t, size_t i)
{
	return t && i < t->nskips ? &t->skips[i] : NULL;
}

/* ---- shared helpers ---- */

static struct kd_error *parse_error(const char *who, unsigned line,
				    const struct ctok *name, const char *fmt,
				    ...) KD_PRINTF(4, 5);
static struct kd_error *parse_error(const char *who, unsigned line,
				    const struct ctok *name, const char *fmt,
				    ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return &kd_error_nomem;
	struct kd_error *err;
	if (name)
		err = kd_error_create(KD_ERR_INVALID, "%s: line %u: %.*s: %s",
				      who, line, (int)name->len, name->s, msg);
	else
		err = kd_error_create(KD_ERR_INVALID, "%s: line %u: %s", who,
				      line, msg);
	free(msg);
	return err;
}

/* A token for messages, printable and cut short. */
static void tok_show(const struct ctok *t, char *buf, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < t->len && i < 32 && o + 5 < size; i++) {
		unsigned char c = (unsigned char)t->s[i];
		if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	if (t->kind == CTOK_EOF)
		snprintf(buf, size, "end of text");
}

static struct kd_error *eval_value(struct kd_cconsts *t, const char *who,
				   const struct ctok *toks, size_t from,
				   size_t to, const struct ctok *name,
				   unsigned line, struct cval *ret)
{
	struct cexpr cx = {
		.toks = toks, .pos = from, .end = to,
		.long_size = t->long_size,
		.lookup = table_lookup_cb, .arg = t,
	};
	if (cexpr_eval(&cx, ret) == 0)
		return NULL;
	struct kd_error *err = parse_error(who, line, name, "%s", cx.errmsg);
	free(cx.errmsg);
	return err;
}

static struct kd_error *table_create(unsigned long_size,
				     struct kd_cconsts **ret)
{
	if (long_size == 0)
		long_size = 8;
	if (long_size != 4 && long_size != 8)
		return kd_error_create(KD_ERR_INVALID,
				       "tparser: long size %u is neither 4 nor 8",
				       long_size);
	struct kd_cconsts *t = calloc(1, sizeof(*t));
	if (!t)
		return &kd_error_nomem;
	t->long_size = long_size;
	*ret = t;
	return NULL;
}

static struct kd_error *table_finish(struct kd_cconsts *t,
				     struct kd_cconsts **ret)
{
	struct kd_error *err = table_index_values(t);
	if (err) {
		kd_cconsts_destroy(t);
		return err;
	}
	*ret = t;
	return NULL;
}

/* ---- CDefine ---- */

static const char *const expr_puncts[] = {
	"(", ")", "+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "~",
	"!", "<", ">", "<=", ">=", "==", "!=", "&&", "||", "?", ":",
};

static int is_expr_punct(const struct ctok *tok)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(expr_puncts); i++)
		if (ctok_is(tok, expr_puncts[i]))
			return 1;
	return 0;
}

/* 1 if a token keeps a define from being numeric, with *reason set (NULL
 * when it could not be allocated); *operand set when the token is a
 * value. */
static int token_skip(const struct kd_cconsts *t, const struct ctok *tok,
		      int *operand, char **reason)
{
	char buf[64];
	struct cval v;
	const char *why;
	*reason = NULL;
	switch (tok->kind) {
	case CTOK_STRING:
		*reason = strdup("string literal");
		return 1;
	case CTOK_NUMBER:
		if (cexpr_parse_number(tok->s, tok->len, t->long_size, &v,
				       &why) == CEXPR_NUM_FLOAT) {
			*reason = strdup("floating-point value");
			return 1;
		}
		*operand = 1;
		return 0;
	case CTOK_CHAR:
		*operand = 1;
		return 0;
	case CTOK_IDENT:
		if (cexpr_is_type_word(tok->s, tok->len))
			return 0;
		if (table_lookup(t, tok->s, tok->len)) {
			*operand = 1;
			return 0;
		}
		tok_show(tok, buf, sizeof(buf));
		if (asprintf(reason, "unknown name '%s'", buf) < 0)
			*reason = NULL;
		return 1;
	default:
		if (is_expr_punct(tok))
			return 0;
		tok_show(tok, buf, sizeof(buf));
		if (asprintf(reason, "not an expression: '%s'", buf) < 0)
			*reason = NULL;
		return 1;
	}
}

/* 1 if the value toks[from..to) is not numeric, with *reason set as
 * token_skip() sets it. */
static int value_skip(const struct kd_cconsts *t, const struct ctok *toks,
		      size_t from, size_t to, char **reason)
{
	int operand = 0;
	*reason = NULL;
	if (from == to) {
		*reason = strdup("no value");
		return 1;
	}
	/* "F(x)" with no space before '(' is a function-like macro. */
	if (ctok_is(&toks[from], "(") && !toks[from].space_before) {
		*reason = strdup("function-like macro");
		return 1;
	}
	for (size_t i = from; i < to; i++)
		if (token_skip(t, &toks[i], &operand, reason))
			return 1;
	if (operand)
		return 0;
	*reason = strdup("no number in the value");
	return 1;
}

static size_t line_end(const struct ctok *toks, size_t i)
{
	while (toks[i].kind != CTOK_NEWLINE && toks[i].kind != CTOK_EOF)
		i++;
	return i;
}

/* "#define NAME value" at toks[i] ('#'), the line ending at end. */
static struct kd_error *define_one(struct kd_cconsts *t,
				   const struct ctok *toks, size_t i,
				   size_t end)
{
	static const char who[] = "CDefine";
	unsigned line = toks[i].line;
	const struct ctok *name = &toks[i + 2];
	if (i + 2 >= end || name->kind != CTOK_IDENT)
		return parse_error(who, line, NULL,
				   "expected a name after #define");
	char *reason;
	if (value_skip(t, toks, i + 3, end, &reason))
		return table_skip(t, name, line, reason);
	struct cval v;
	struct kd_error *err = eval_value(t, who, toks, i + 3, end, name,
					  line, &v);
	return err ? err : table_set(t, name, v, line);
}

/* One logical line toks[i..end): a #define, another directive
 * (ignored), or nothing. */
static struct kd_error *define_line(struct kd_cconsts *t,
				    const struct ctok *toks, size_t i,
				    size_t end)
{
	char buf[64];
	if (i == end)
		return NULL;
	if (!ctok_is(&toks[i], "#")) {
		tok_show(&toks[i], buf, sizeof(buf));
		return parse_error("CDefine", toks[i].line, NULL,
				   "expected #define, found '%s'", buf);
	}
	if (i + 1 < end && ctok_is(&toks[i + 1], "define"))
		return define_one(t, toks, i, end);
	return NULL;	/* #ifdef, #endif, #include, "#" ... */
}

static struct kd_error *define_none(const struct kd_cconsts *t)
{
	if (!t->nskips)
		return kd_error_create(KD_ERR_INVALID,
				       "CDefine: no #define found");
	const struct kd_cskip *s = &t->skips[0];
	return kd_error_create(KD_ERR_INVALID,
			       "CDefine: no numeric #define found (line %u: %s: %s%s)",
			       s->line, s->name, s->reason,
			       t->nskips > 1 ? ", ..." : "");
}

struct kd_error *kd_cdefine_parse(const char *text, size_t len,
				  unsigned long_size, struct kd_cconsts **ret)
{
	struct ctext ct;
	struct kd_cconsts *t;
	struct kd_error *err = table_create(long_size, &t);
	if (err)
		return err;
	err = ctext_tokenize(text, len, CTEXT_NEWLINES, "CDefine", &ct);
	if (err) {
		kd_cconsts_destroy(t);
		return err;
	}
	for (size_t i = 0; !err && i < ct.ntoks; i++) {
		size_t end = line_end(ct.toks, i);
		err = define_line(t, ct.toks, i, end);
		i = end;
	}
	if (!err && t->n == 0)
		err = define_none(t);
	ctext_deinit(&ct);
	if (err) {
		kd_cconsts_destroy(t);
		return err;
	}
	return table_finish(t, ret);
}

/* ---- CEnum ---- */

struct enum_parser {
	struct kd_cconsts *t;
	const struct ctok *toks;
	size_t pos;
	struct cval next;	/* the value an enumerator without '=' gets */
	int have_next;		/* 0 after the largest possible value */
};

static const char enum_who[] = "CEnum";

static const struct ctok *ep_peek(const struct enum_parser *p)
{
	return &p->toks[p->pos];
}

static int ep_accept(struct enum_parser *p, const char *s)
{
	if (!ctok_is(ep_peek(p), s))
		return 0;
	p->pos++;
	return 1;
}

static struct kd_error *ep_unexpected(const struct enum_parser *p,
				      const char *expected)
{
	char buf[64];
	tok_show(ep_peek(p), buf, sizeof(buf));
	return parse_error(enum_who, ep_peek(p)->line, NULL,
			   "expected %s, found '%s'", expected, buf);
}

/* The type an enumerator with this value has: int when it fits, else the
 * first of long long / unsigned long long that does (as gcc widens). */
static struct cval enumerator_type(struct cval v)
{
	int64_t x = (int64_t)v.bits;
	if ((v.is_signed || v.bits <= (uint64_t)INT64_MAX) &&
	    x >= INT32_MIN && x <= INT32_MAX)
		return cval_make(v.bits, 4, 1);
	if (v.is_signed || v.bits <= (uint64_t)INT64_MAX)
		return cval_make(v.bits, 8, 1);
	return cval_make(v.bits, 8, 0);
}

/* The value after v, in the widest type; have_next = 0 past 2^64-1. */
static void enum_successor(struct enum_parser *p, struct cval v)
{
	p->have_next = v.is_signed || v.bits != UINT64_MAX;
	if (v.is_signed && v.bits == (uint64_t)INT64_MAX)
		p->next = cval_make(v.bits + 1, 8, 0);
	else
		p->next = enumerator_type(cval_make(v.bits + 1, 8,
						    v.is_signed));
}

/* Tokens of "= expr" up to the ',' or '}' that ends it at depth 0. */
static size_t expr_end(const struct ctok *toks, size_t i)
{
	int depth = 0;
	for (; toks[i].kind != CTOK_EOF; i++) {
		if (ctok_is(&toks[i], "("))
			depth++;
		else if (ctok_is(&toks[i], ")"))
			depth--;
		else if (depth <= 0 &&
			 (ctok_is(&toks[i], ",") || ctok_is(&toks[i], "}")))
			break;
	}
	return i;
}

static struct kd_error *enum_value(struct enum_parser *p,
				   const struct ctok *name, struct cval *v)
{
	if (!ep_accept(p, "=")) {
		if (!p->have_next)
			return parse_error(enum_who, name->line, name,
					   "value overflows");
		*v = p->next;
		return NULL;
	}
	size_t end = expr_end(p->toks, p->pos);
	struct kd_error *err = eval_value(p->t, enum_who, p->toks, p->pos, end,
					  name, name->line, v);
	p->pos = end;
	if (!err)
		*v = enumerator_type(*v);
	return err;
}

static struct kd_error *enum_one(struct enum_parser *p)
{
	const struct ctok *name = ep_peek(p);
	struct cval v;
	if (name->kind != CTOK_IDENT)
		return ep_unexpected(p, "an enumerator name");
	const struct centry *old = table_lookup(p->t, name->s, name->len);
	if (old)
		return parse_error(enum_who, name->line, name,
				   "redeclared (first at line %u)",
				   old->pub.line);
	p->pos++;
	struct kd_error *err = enum_value(p, name, &v);
	if (err)
		return err;
	enum_successor(p, v);
	return table_set(p->t, name, v, name->line);
}

/* "{ A, B = 2, ... [,] }" with p->pos after '{'. */
static struct kd_error *enum_list(struct enum_parser *p)
{
	struct kd_error *err;
	if (ctok_is(ep_peek(p), "}"))
		return ep_unexpected(p, "an enumerator name");
	do {
		if (ep_accept(p, "}"))
			return NULL;	/* after a trailing comma */
		if ((err = enum_one(p)))
			return err;
	} while (ep_accept(p, ","));
	if (ep_accept(p, "}"))
		return NULL;
	return ep_unexpected(p, "',' or '}'");
}

/* "[typedef] enum [tag]" up to and including '{'. */
static struct kd_error *enum_head(struct enum_parser *p)
{
	ep_accept(p, "typedef");
	if (!ep_accept(p, "enum"))
		return ep_unexpected(p, "'enum'");
	const struct ctok *tag = ep_peek(p);
	if (tag->kind == CTOK_IDENT) {
		p->t->tag = strndup(tag->s, tag->len);
		if (!p->t->tag)
			return &kd_error_nomem;
		p->pos++;
	}
	if (ep_accept(p, ":")) {	/* C23 fixed underlying type */
		while (ep_peek(p)->kind == CTOK_IDENT &&
		       cexpr_is_type_word(ep_peek(p)->s, ep_peek(p)->len))
			p->pos++;
	}
	if (!ep_accept(p, "{"))
		return ep_unexpected(p, "'{'");
	return NULL;
}

/* "[declarator] [;]" and then the end of the text. */
static struct kd_error *enum_tail(struct enum_parser *p)
{
	if (ep_peek(p)->kind == CTOK_IDENT)
		p->pos++;
	ep_accept(p, ";");
	if (ep_peek(p)->kind != CTOK_EOF)
		return ep_unexpected(p, "the end of the enum");
	return NULL;
}

struct kd_error *kd_cenum_parse(const char *text, size_t len,
				unsigned long_size, struct kd_cconsts **ret)
{
	struct ctext ct;
	struct kd_cconsts *t;
	struct kd_error *err = table_create(long_size, &t);
	if (err)
		return err;
	err = ctext_tokenize(text, len, CTEXT_HASH_COMMENTS, enum_who, &ct);
	if (err) {
		kd_cconsts_destroy(t);
		return err;
	}
	struct enum_parser p = {
		.t = t, .toks = ct.toks, .next = cval_make(0, 4, 1),
		.have_next = 1,
	};
	err = enum_head(&p);
	if (!err)
		err = enum_list(&p);
	if (!err)
		err = enum_tail(&p);
	ctext_deinit(&ct);
	if (err) {
		kd_cconsts_destroy(t);
		return err;
	}
	return table_finish(t, ret);
}
