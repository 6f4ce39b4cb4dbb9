// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gdb's C expression language (include/pykdump/expr.h): a recursive-
 * descent parser that evaluates as it parses.  Precedence, lowest first
 * (gdb's c-exp.y): ","  then "= op=" (refused), "?:", "||", "&&", "|",
 * "^", "&", "== !=", "< > <= >=", "<< >>", "@", "+ -", "* / %", then the
 * unary operators, casts, sizeof and {TYPE}, then the postfix ". -> []".
 *
 * Each parse function has an `eval` flag: 0 inside sizeof and on the
 * side of && || ?: that C does not evaluate, where the value's type is
 * worked out without reading the dump (a pointer read there is taken as
 * 0).  Recursion is bounded (EX_MAX_DEPTH) so hostile text cannot
 * exhaust the stack.
 *
 * Names (gdb's lookup order): a DWARF variable (vmlinux, then loaded
 * module debuginfo) at its symbol's address, a function, an enumerator,
 * then an ELF or module symbol without debuginfo (gdb's "no debug info"
 * symbols: an error unless cast, or taken the address of).  A per-CPU
 * variable is an lvalue at its per-CPU offset, as in gdb; the p command
 * handles crash's sym:cpu itself.
 *
 * Layering: names are resolved through the session's symbols and the
 * modules' kallsyms (ksyms.h), the exception README describes for
 * types/'s value printing.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/ksyms.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>

#include "expr_internal.h"

#define EX_MAX_DEPTH	200
#define EX_MAX_STRING	4096

static int parse_comma(struct ex *x, int eval, struct kd_value *out);
static int parse_assign(struct ex *x, int eval, struct kd_value *out);
static int parse_cond(struct ex *x, int eval, struct kd_value *out);
static int parse_unary(struct ex *x, int eval, struct kd_value *out);

static const struct etok *peek_at(const struct ex *x, size_t k)
{
	size_t i = x->pos + k;
	return i < x->ntoks ? &x->toks[i] : &x->toks[x->ntoks - 1];
}

static const struct etok *peek(const struct ex *x)
{
	return peek_at(x, 0);
}

static int next_is(const struct ex *x, const char *s)
{
	return peek(x)->kind == ET_PUNCT && etok_is(peek(x), s);
}

static const char *tok_text(const struct etok *t, char *buf, size_t size)
{
	if (t->kind == ET_END)
		snprintf(buf, size, "the end");
	else
		snprintf(buf, size, "\"%.*s\"", (int)t->len, t->s);
	return buf;
}

static int syntax_error(struct ex *x, const char *what)
{
	char tok[128];
	return ex_fail(x, KD_ERR_INVALID, "syntax error in \"%s\": %s, at %s",
		       x->text, what, tok_text(peek(x), tok, sizeof(tok)));
}

static int expect(struct ex *x, const char *s)
{
	char what[64];
	if (next_is(x, s)) {
		x->pos++;
		return 0;
	}
	snprintf(what, sizeof(what), "expected '%s'", s);
	return syntax_error(x, what);
}

static int enter(struct ex *x)
{
	if (++x->depth > EX_MAX_DEPTH)
		return ex_fail(x, KD_ERR_LIMIT, "the expression is nested too "
			       "deeply");
	return 0;
}

/* ---------------------------------------------------------------- types */

static const char *const type_keywords[] = {
	"struct", "union", "enum", "unsigned", "signed", "int", "char",
	"short", "long", "void", "float", "double", "_Bool", "const",
	"volatile", "__signed__",
};

static int is_keyword(const struct etok *t)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(type_keywords); i++)
		if (t->kind == ET_IDENT && etok_is(t, type_keywords[i]))
			return 1;
	return 0;
}

static int name_of(const struct etok *t, char *buf, size_t size)
{
	if (t->len >= size)
		return 0;
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	return 1;
}

/* Does the token start a type name?  A keyword, or a typedef that is not
 * also the name of an object (C's scopes keep them apart; gdb asks the
 * symbol first too). */
static int starts_type(struct ex *x, const struct etok *t)
{
	char name[256];
	struct kd_type *ty;
	struct kd_variable var;
	if (is_keyword(t))
		return 1;
	if (t->kind != ET_IDENT || !name_of(t, name, sizeof(name)) ||
	    (x->flags & KD_EXPR_CRASH_EVAL))
		return 0;
	struct kd_error *err = kd_types_find_typedef(x->ts, name, &ty);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	err = kd_types_find_variable(x->ts, name, &var);
	kd_error_destroy(err);
	return err != NULL;
}

/* A type name up to (not including) the closing token close: its words,
 * then '*'s and [N]s, looked up as kd_types_find spells it. */
static int parse_type_name(struct ex *x, const char *close,
			   struct kd_type **ret)
{
	char text[512] = "", span[256];
	size_t len = 0, from = x->pos;
	int prev_word = 0;
	while (!next_is(x, close)) {
		const struct etok *t = peek(x);
		if (t->kind == ET_END)
			return syntax_error(x, "unterminated type name");
		if (t->kind == ET_IDENT && (etok_is(t, "const") ||
					    etok_is(t, "volatile"))) {
			x->pos++;	/* qualifiers do not change a value */
			continue;
		}
		int word = t->kind == ET_IDENT || t->kind == ET_NUMBER;
		const char *sep = (word && prev_word) || etok_is(t, "*") ? " " : "";
		if (!word && !etok_is(t, "*") && !etok_is(t, "[") &&
		    !etok_is(t, "]"))
			return ex_fail(x, KD_ERR_UNSUPPORTED, "type name %s: only "
				       "names, '*' and [N] are understood here",
				       ex_span(x, from, x->pos + 1, span,
					       sizeof(span)));
		int n = snprintf(text + len, sizeof(text) - len, "%s%.*s", sep,
				 (int)t->len, t->s);
		if (n < 0 || (size_t)n >= sizeof(text) - len)
			return ex_fail(x, KD_ERR_LIMIT, "type name too long");
		len += (size_t)n;
		prev_word = word;
		x->pos++;
	}
	if (!len)
		return syntax_error(x, "expected a type name");
	struct kd_error *err = kd_types_find(x->ts, text, ret);
	if (err) {
		x->err = kd_error_prefix(err, "unknown type \"%s\"", text);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- names */

/* The running address of an ELF or module symbol. */
static int symbol_addr(struct ex *x, const char *name, uint64_t *addr,
		       int *is_text)
{
	struct kd_ksym ks;
	struct kd_symtab *st = kd_session_symtab(x->s);
	struct kd_symbol sym;
	struct kd_error *err = st ? kd_symtab_lookup(st, name, &sym) : NULL;
	if (st && !err) {
		*addr = sym.value;
		*is_text = sym.type == 'T' || sym.type == 't' ||
			   (sym.flags & KD_SYM_FUNC);
		return 1;
	}
	kd_error_destroy(err);	/* not in vmlinux: a module's, perhaps */
	err = kd_ksym_by_name(x->s, name, &ks);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	*addr = ks.value;
	*is_text = ks.type == 'T' || ks.type == 't';
	return 1;
}

static int crash_eval_name(struct ex *x, const struct etok *t,
			   struct kd_value *out)
{
	char name[256];
	uint64_t v;
	int is_text;
	struct kd_type *ul = ex_builtin(x, KD_BUILTIN_ULONG);
	if (name_of(t, name, sizeof(name)) && symbol_addr(x, name, &v, &is_text)) {
		ex_int_value(x, ul, v, out);
		return x->err ? -1 : 0;
	}
	if (kd_expr_parse_crash_number(t->s, t->len, &v) == 0) {
		ex_int_value(x, ul, v, out);
		return x->err ? -1 : 0;
	}
	return ex_fail(x, KD_ERR_INVALID, "invalid expression: %.*s is "
		       "neither a symbol nor a number", (int)t->len, t->s);
}

static int variable(struct ex *x, const char *name, const struct kd_variable *var,
		    struct kd_value *out)
{
	uint64_t addr;
	int is_text;
	if (!symbol_addr(x, name, &addr, &is_text)) {
		if (!var->has_address)
			return ex_fail(x, KD_ERR_NOT_FOUND, "%s has no address "
				       "(optimized out, or a module's variable "
				       "not loaded)", name);
		/* no symbol: the DWARF location, a link-time address */
		struct kd_symtab *st = kd_session_symtab(x->s);
		addr = var->address + (var->is_percpu || !st ? 0 :
				       kd_symtab_relocation(st));
	}
	*out = (struct kd_value){ .type = var->type, .flags = KD_VALUE_LVAL,
				  .addr = addr };
	return 0;
}

static int identifier(struct ex *x, const struct etok *t, struct kd_value *out)
{
	char name[256];
	struct kd_variable var;
	struct kd_function fn;
	struct kd_enum_value ev;
	uint64_t addr;
	int is_text;
	if (!name_of(t, name, sizeof(name)))
		return ex_fail(x, KD_ERR_INVALID, "name too long: %.40s...", t->s);
	if (is_keyword(t))
		return syntax_error(x, "a type name where a value is expected");
	struct kd_error *err = kd_types_find_variable(x->ts, name, &var);
	if (!err)
		return variable(x, name, &var, out);
	kd_error_destroy(err);
	if (!(err = kd_types_find_function(x->ts, name, &fn))) {
		if (!symbol_addr(x, name, &addr, &is_text))
			return ex_fail(x, KD_ERR_NOT_FOUND, "function %s has no "
				       "address in this kernel (inlined or "
				       "not loaded)", name);
		*out = (struct kd_value){ .type = fn.type,
					  .flags = KD_VALUE_LVAL, .addr = addr };
		return 0;
	}
	kd_error_destroy(err);
	if (!(err = kd_types_find_enumerator(x->ts, name, &ev))) {
		ex_int_value(x, ev.type, (uint64_t)ev.value, out);
		return x->err ? -1 : 0;
	}
	kd_error_destroy(err);
	if (symbol_addr(x, name, &addr, &is_text)) {
		*out = (struct kd_value){
			.type = ex_builtin(x, is_text ? KD_BUILTIN_NODEBUG_TEXT :
					   KD_BUILTIN_NODEBUG_DATA),
			.flags = KD_VALUE_LVAL, .addr = addr };
		return 0;
	}
	return ex_fail(x, KD_ERR_NOT_FOUND, "no symbol \"%s\" in the kernel or "
		       "its loaded modules", name);
}

/* $, $N, $$, $$N: the history; $name: an unset convenience variable. */
static int dollar(struct ex *x, const struct etok *t, struct kd_value *out)
{
	const char *p = t->s + 1;
	size_t n = t->len - 1;
	int back = n && *p == '$';
	if (back)
		p++, n--;
	int digits = 1;
	for (size_t i = 0; i < n; i++)
		digits &= isdigit((unsigned char)p[i]) != 0;
	if (digits && n <= 9) {
		long num = n ? strtol(p, NULL, 10) : 0;
		if (back)
			num = n ? -num : -1;
		else if (n == 0)
			num = 0;
		return ex_history(x, num, out);
	}
	if (back)
		return ex_fail(x, KD_ERR_INVALID, "invalid history reference %.*s",
			       (int)t->len, t->s);
	static const char *const regs[] = {
		"pc", "sp", "fp", "ps", "rip", "rsp", "rbp", "eflags", "rax",
		"rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		"r12", "r13", "r14", "r15", "cs", "ss", "ds", "es", "fs", "gs",
	};
	for (size_t i = 0; i < KD_ARRAY_SIZE(regs); i++)
		if (strlen(regs[i]) == n && memcmp(regs[i], p, n) == 0)
			return ex_fail(x, KD_ERR_UNSUPPORTED, "registers are not "
				       "available in expressions: %.*s (see bt "
				       "for a task's registers)", (int)t->len, t->s);
	/* gdb: a convenience variable never set is void */
	*out = (struct kd_value){ .type = kd_types_void(x->ts) };
	return 0;
}

/* ---------------------------------------------------------------- literals */

static int number(struct ex *x, const struct etok *t, struct kd_value *out)
{
	struct eint v;
	const char *why = "invalid number";
	if (x->flags & KD_EXPR_CRASH_EVAL)
		return crash_eval_name(x, t, out);
	if (kd_expr_parse_int(t->s, t->len, &v, &why) == 0) {
		enum kd_builtin b = v.size == 4 ?
			(v.is_signed ? KD_BUILTIN_INT : KD_BUILTIN_UINT) :
			(v.is_signed ? KD_BUILTIN_LONG : KD_BUILTIN_ULONG);
		ex_int_value(x, ex_builtin(x, b), v.bits, out);
		return x->err ? -1 : 0;
	}
	char buf[64], *end;
	if (t->len < sizeof(buf) && (memchr(t->s, '.', t->len) ||
				     (!(t->len > 1 && t->s[1] == 'x') &&
				      (memchr(t->s, 'e', t->len) ||
				       memchr(t->s, 'E', t->len))))) {
		memcpy(buf, t->s, t->len);
		buf[t->len] = '\0';
		struct escalar sc = { .kind = ES_FLOAT, .f = strtod(buf, &end) };
		int f = (*end == 'f' || *end == 'F') && !end[1];	/* 1.5f */
		if (*end == '\0' || f)
			return ex_from_scalar(x, ex_builtin(x, f ?
					      KD_BUILTIN_FLOAT :
					      KD_BUILTIN_DOUBLE), &sc, out);
	}
	return ex_fail(x, KD_ERR_INVALID, "%s: %.*s", why, (int)t->len, t->s);
}

static int string_literal(struct ex *x, const struct etok *t,
			  struct kd_value *out)
{
	char *buf = ex_alloc(x, EX_MAX_STRING);
	struct kd_type *at;
	if (!buf)
		return ex_fail(x, KD_ERR_NOMEM, "out of memory");
	long n = kd_expr_parse_string(t->s, t->len, buf, EX_MAX_STRING);
	if (n < 0)
		return ex_fail(x, KD_ERR_INVALID, "bad string literal %.*s",
			       (int)(t->len > 40 ? 40 : t->len), t->s);
	struct kd_error *err = kd_types_array_of(x->ts,
						 ex_builtin(x, KD_BUILTIN_CHAR),
						 (uint64_t)n + 1, &at);
	if (err) {
		x->err = err;
		return -1;
	}
	*out = (struct kd_value){ .type = at, .flags = KD_VALUE_BYTES,
				  .bytes = (uint8_t *)buf };
	return 0;
}

static int primary(struct ex *x, int eval, struct kd_value *out)
{
	const struct etok *t = peek(x);
	int c;
	switch (t->kind) {
	case ET_END:
		return syntax_error(x, "a value is missing");
	case ET_NUMBER:
		x->pos++;
		return number(x, t, out);
	case ET_CHAR:
		x->pos++;
		if (kd_expr_parse_char(t->s, t->len, &c) < 0)
			return ex_fail(x, KD_ERR_INVALID, "bad character literal "
				       "%.*s", (int)t->len, t->s);
		ex_int_value(x, ex_builtin(x, KD_BUILTIN_CHAR), (uint64_t)c, out);
		return x->err ? -1 : 0;
	case ET_STRING:
		x->pos++;
		return string_literal(x, t, out);
	case ET_IDENT:
		x->pos++;
		if (x->flags & KD_EXPR_CRASH_EVAL)
			return crash_eval_name(x, t, out);
		return identifier(x, t, out);
	case ET_DOLLAR:
		x->pos++;
		return dollar(x, t, out);
	default:
		break;
	}
	if (etok_is(t, "(")) {
		x->pos++;
		if (parse_comma(x, eval, out) < 0)
			return -1;
		return expect(x, ")");
	}
	return syntax_error(x, "expected a value");
}

/* ---------------------------------------------------------------- postfix */

/* Outside evaluation, a pointer's target is worked out without reading
 * the pointer (sizeof *p, the dead side of &&). */
static int deref_maybe(struct ex *x, int eval, struct kd_value *v,
		       struct kd_value *out, size_t from)
{
	struct kd_type *st = ex_strip(v->type);
	if (!eval && kd_type_kind(st) == KD_TYPE_POINTER &&
	    kd_type_target(st)) {
		*out = (struct kd_value){ .type = kd_type_target(st),
					  .flags = KD_VALUE_LVAL };
		return 0;
	}
	return ex_deref(x, v, out, from, x->pos);
}

static int member_step(struct ex *x, int eval, struct kd_value *v,
		       size_t from)
{
	const struct etok *name = peek(x);
	char buf[256];
	if (name->kind != ET_IDENT || !name_of(name, buf, sizeof(buf)))
		return syntax_error(x, "expected a member name");
	x->pos++;
	if (!eval) {
		/* follow pointers by type only */
		struct kd_type *st = ex_strip(v->type);
		while (kd_type_kind(st) == KD_TYPE_POINTER && kd_type_target(st)) {
			*v = (struct kd_value){ .type = kd_type_target(st),
						.flags = KD_VALUE_LVAL };
			st = ex_strip(v->type);
		}
	}
	return ex_member(x, v, buf, v, from, x->pos);
}

static int index_step(struct ex *x, int eval, struct kd_value *v,
		      size_t from)
{
	struct kd_value iv;
	struct escalar isc;
	char span[256];
	size_t ifrom = x->pos;
	if (parse_comma(x, eval, &iv) < 0)
		return -1;
	size_t ito = x->pos;
	if (expect(x, "]") < 0)
		return -1;
	if (ex_scalar(x, &iv, &isc, ifrom, ito) < 0)
		return -1;
	if (isc.kind != ES_INT)
		return ex_fail(x, KD_ERR_INVALID, "%s: an index must be an "
			       "integer", ex_span(x, ifrom, ito, span,
						  sizeof(span)));
	struct kd_type *st = ex_strip(v->type);
	if (kd_type_kind(st) == KD_TYPE_ARRAY) {
		struct kd_type *elem = kd_type_target(st);
		uint64_t esize = kd_type_size(elem), count = 0;
		struct kd_value e = { .type = elem,
				      .flags = v->flags & KD_VALUE_LVAL,
				      .addr = v->addr + isc.bits * esize };
		if ((v->flags & KD_VALUE_BYTES) &&
		    kd_type_array_count(st, &count) && isc.bits < count) {
			e.flags |= KD_VALUE_BYTES;
			e.bytes = v->bytes + isc.bits * esize;
		} else if (!(v->flags & KD_VALUE_LVAL)) {
			return ex_fail(x, KD_ERR_INVALID, "%s: index %" PRId64
				       " is outside the array",
				       ex_span(x, from, x->pos, span, sizeof(span)),
				       (int64_t)isc.bits);
		}
		*v = e;
		return 0;
	}
	if (kd_type_kind(st) != KD_TYPE_POINTER)
		return ex_fail(x, KD_ERR_INVALID, "%s cannot be indexed: it is "
			       "not an array or a pointer",
			       ex_span(x, from, ifrom - 1, span, sizeof(span)));
	struct kd_value sum;
	if (!eval)
		return deref_maybe(x, 0, v, v, from);
	if (ex_binary(x, "+", v, &iv, &sum, from, x->pos) < 0)
		return -1;
	return ex_deref(x, &sum, v, from, x->pos);
}

static int parse_postfix(struct ex *x, int eval, struct kd_value *out)
{
	size_t from = x->pos;
	if (primary(x, eval, out) < 0)
		return -1;
	for (;;) {
		int r = 0;
		if (next_is(x, ".")) {
			x->pos++;
			r = member_step(x, eval, out, from);
		} else if (next_is(x, "->")) {
			x->pos++;
			r = member_step(x, eval, out, from);
		} else if (next_is(x, "[")) {
			x->pos++;
			r = index_step(x, eval, out, from);
		} else if (next_is(x, "(")) {
			return ex_fail(x, KD_ERR_UNSUPPORTED, "function calls are "
				       "not possible in a dump");
		} else if (next_is(x, "++") || next_is(x, "--")) {
			return ex_fail(x, KD_ERR_UNSUPPORTED, "%.2s changes a "
				       "value: the dump is read-only",
				       peek(x)->s);
		} else {
			return 0;
		}
		if (r < 0)
			return -1;
	}
}

/* ---------------------------------------------------------------- unary */

static int address_of(struct ex *x, struct kd_value *v, struct kd_value *out,
		      size_t from)
{
	char span[256];
	if (v->bit_size)
		return ex_fail(x, KD_ERR_INVALID, "cannot take the address of "
			       "the bitfield %s",
			       ex_span(x, from, x->pos, span, sizeof(span)));
	if (!(v->flags & KD_VALUE_LVAL))
		return ex_fail(x, KD_ERR_INVALID, "cannot take the address of "
			       "%s: it is not in memory",
			       ex_span(x, from, x->pos, span, sizeof(span)));
	struct kd_type *pt;
	struct kd_error *err = kd_types_pointer_to(x->ts, v->type, &pt);
	if (err) {
		x->err = err;
		return -1;
	}
	ex_int_value(x, pt, v->addr, out);
	return x->err ? -1 : 0;
}

static int size_of(struct ex *x, struct kd_value *out)
{
	struct kd_type *t = NULL;
	struct kd_value v;
	size_t from = x->pos;
	if (next_is(x, "(") && starts_type(x, peek_at(x, 1))) {
		x->pos++;
		if (parse_type_name(x, ")", &t) < 0 || expect(x, ")") < 0)
			return -1;
	} else {
		if (parse_unary(x, 0, &v) < 0)
			return -1;
		t = v.type;
	}
	struct kd_type *st = ex_strip(t);
	uint64_t size = kd_type_size(st);
	enum kd_type_kind k = kd_type_kind(st);
	char span[256];
	if (k == KD_TYPE_VOID || k == KD_TYPE_FUNCTION)
		size = 1;	/* gdb's answer, as GNU C's */
	else if (!kd_type_is_complete(st))
		return ex_fail(x, KD_ERR_INVALID, "sizeof %s: incomplete type",
			       ex_span(x, from, x->pos, span, sizeof(span)));
	ex_int_value(x, ex_builtin(x, KD_BUILTIN_ULONG), size, out);
	return x->err ? -1 : 0;
}

static int unary_arith(struct ex *x, const char *op, struct kd_value *v,
		       struct kd_value *out, size_t from)
{
	struct escalar sc;
	char span[256];
	if (ex_scalar(x, v, &sc, from + 1, x->pos) < 0)
		return -1;
	ex_span(x, from, x->pos, span, sizeof(span));
	if (op[0] == '!') {
		int z = sc.kind == ES_FLOAT ? sc.f == 0 : sc.bits == 0;
		ex_int_value(x, ex_builtin(x, KD_BUILTIN_INT), (uint64_t)z, out);
		return x->err ? -1 : 0;
	}
	if (sc.kind == ES_PTR)
		return ex_fail(x, KD_ERR_INVALID, "%s: unary %s does not apply "
			       "to a pointer", span, op);
	if (sc.kind == ES_FLOAT) {
		if (op[0] == '~')
			return ex_fail(x, KD_ERR_INVALID, "%s: ~ needs an "
				       "integer", span);
		sc.f = op[0] == '-' ? -sc.f : sc.f;
		return ex_from_scalar(x, sc.type, &sc, out);	/* a float stays one */
	}
	/* promote as C does: the binary code knows how */
	struct kd_value zero;
	ex_int_value(x, ex_builtin(x, KD_BUILTIN_INT), 0, &zero);
	if (op[0] == '+')
		return ex_binary(x, "+", &zero, v, out, from, x->pos);
	if (op[0] == '-')
		return ex_binary(x, "-", &zero, v, out, from, x->pos);
	struct kd_value ones;
	ex_int_value(x, ex_builtin(x, KD_BUILTIN_INT), UINT64_MAX, &ones);
	return ex_binary(x, "^", v, &ones, out, from, x->pos);
}

static int parse_cast_or_paren(struct ex *x, int eval, struct kd_value *out)
{
	struct kd_type *t;
	struct kd_value v;
	x->pos++;	/* ( */
	if (parse_type_name(x, ")", &t) < 0 || expect(x, ")") < 0)
		return -1;
	size_t vfrom = x->pos;
	if (parse_unary(x, eval, &v) < 0)
		return -1;
	if (!eval) {
		*out = (struct kd_value){ .type = t };
		return 0;
	}
	return ex_cast(x, t, &v, out, vfrom, x->pos);
}

/* gdb's {TYPE} ADDR: the object of that type at that address. */
static int parse_brace(struct ex *x, int eval, struct kd_value *out)
{
	struct kd_type *t;
	struct kd_value v;
	struct escalar sc;
	char span[256];
	x->pos++;
	if (parse_type_name(x, "}", &t) < 0 || expect(x, "}") < 0)
		return -1;
	size_t from = x->pos;
	if (parse_unary(x, eval, &v) < 0)
		return -1;
	*out = (struct kd_value){ .type = t, .flags = KD_VALUE_LVAL };
	if (!eval)
		return 0;
	if (ex_scalar(x, &v, &sc, from, x->pos) < 0)
		return -1;
	if (sc.kind == ES_FLOAT)
		return ex_fail(x, KD_ERR_INVALID, "%s: an address must be an "
			       "integer or a pointer",
			       ex_span(x, from, x->pos, span, sizeof(span)));
	out->addr = sc.bits;
	return 0;
}

static int parse_unary_op(struct ex *x, int eval, struct kd_value *out)
{
	const struct etok *t = peek(x);
	size_t from = x->pos;
	struct kd_value v;
	x->pos++;
	if (parse_unary(x, eval, &v) < 0)
		return -1;
	if (etok_is(t, "*"))
		return deref_maybe(x, eval, &v, out, from + 1);
	if (etok_is(t, "&"))
		return address_of(x, &v, out, from + 1);
	if (!eval) {
		*out = v;	/* the type is all that matters here */
		if (etok_is(t, "!"))
			out->type = ex_builtin(x, KD_BUILTIN_INT);
		return 0;
	}
	return unary_arith(x, t->s[0] == '-' ? "-" : t->s[0] == '+' ? "+" :
			   t->s[0] == '~' ? "~" : "!", &v, out, from);
}

static int parse_unary(struct ex *x, int eval, struct kd_value *out)
{
	const struct etok *t = peek(x);
	int r;
	if (enter(x) < 0)
		return -1;
	if (t->kind == ET_PUNCT && (etok_is(t, "-") || etok_is(t, "+") ||
				    etok_is(t, "!") || etok_is(t, "~") ||
				    etok_is(t, "*") || etok_is(t, "&")))
		r = parse_unary_op(x, eval, out);
	else if (etok_is(t, "++") || etok_is(t, "--"))
		r = ex_fail(x, KD_ERR_UNSUPPORTED, "%.2s changes a value: the "
			    "dump is read-only", t->s);
	else if (t->kind == ET_IDENT && etok_is(t, "sizeof")) {
		x->pos++;
		r = size_of(x, out);
	} else if (etok_is(t, "(") && starts_type(x, peek_at(x, 1)))
		r = parse_cast_or_paren(x, eval, out);
	else if (etok_is(t, "{") && !(x->flags & KD_EXPR_CRASH_EVAL))
		r = parse_brace(x, eval, out);
	else
		r = parse_postfix(x, eval, out);
	x->depth--;
	return r;
}

/* ---------------------------------------------------------------- binary */

static const struct {
	const char *op;
	int prec;
} binops[] = {
	{ "||", 1 }, { "&&", 2 }, { "|", 3 }, { "^", 4 }, { "&", 5 },
	{ "==", 6 }, { "!=", 6 }, { "<", 7 }, { ">", 7 }, { "<=", 7 },
	{ ">=", 7 }, { "<<", 8 }, { ">>", 8 }, { "@", 9 }, { "+", 10 },
	{ "-", 10 }, { "*", 11 }, { "/", 11 }, { "%", 11 },
};

static int peek_binop(const struct ex *x, int minprec)
{
	const struct etok *t = peek(x);
	if (t->kind != ET_PUNCT)
		return -1;
	for (size_t i = 0; i < KD_ARRAY_SIZE(binops); i++)
		if (etok_is(t, binops[i].op) && binops[i].prec >= minprec)
			return (int)i;
	return -1;
}

static int truth(struct ex *x, struct kd_value *v, size_t from, int *ret)
{
	struct escalar sc;
	if (ex_scalar(x, v, &sc, from, x->pos) < 0)
		return -1;
	*ret = sc.kind == ES_FLOAT ? sc.f != 0 : sc.bits != 0;
	return 0;
}

/* gdb's ARRAY@COUNT: COUNT objects starting at the lvalue. */
static int artificial_array(struct ex *x, struct kd_value *a,
			    struct kd_value *b, struct kd_value *out,
			    size_t from)
{
	struct escalar sc;
	char span[256];
	if (!(a->flags & KD_VALUE_LVAL) || a->bit_size)
		return ex_fail(x, KD_ERR_INVALID, "%s: only values in memory "
			       "can be extended with '@'",
			       ex_span(x, from, x->pos, span, sizeof(span)));
	if (ex_scalar(x, b, &sc, from, x->pos) < 0)
		return -1;
	if (sc.kind != ES_INT || (int64_t)sc.bits <= 0 || sc.bits > (1u << 24))
		return ex_fail(x, KD_ERR_INVALID, "%s: the count after '@' "
			       "must be a positive integer",
			       ex_span(x, from, x->pos, span, sizeof(span)));
	struct kd_type *at;
	struct kd_error *err = kd_types_array_of(x->ts, a->type, sc.bits, &at);
	if (err) {
		x->err = err;
		return -1;
	}
	*out = (struct kd_value){ .type = at, .flags = KD_VALUE_LVAL,
				  .addr = a->addr };
	return 0;
}

static int parse_binary(struct ex *x, int minprec, int eval,
			struct kd_value *out)
{
	size_t from = x->pos;
	int i;
	if (parse_unary(x, eval, out) < 0)
		return -1;
	while ((i = peek_binop(x, minprec)) >= 0) {
		const char *op = binops[i].op;
		int reval = eval, l = 0;
		struct kd_value rhs;
		x->pos++;
		if (eval && (!strcmp(op, "&&") || !strcmp(op, "||"))) {
			if (truth(x, out, from, &l) < 0)
				return -1;
			reval = op[0] == '&' ? l : !l;
		}
		if (parse_binary(x, binops[i].prec + 1, reval, &rhs) < 0)
			return -1;
		if (!eval) {
			if (!strcmp(op, "@"))
				continue;	/* an array type: size unknown */
			if (binops[i].prec <= 7 && strcmp(op, "|") &&
			    strcmp(op, "^") && strcmp(op, "&"))
				out->type = ex_builtin(x, KD_BUILTIN_INT);
			continue;
		}
		int r;
		if (!strcmp(op, "@"))
			r = artificial_array(x, out, &rhs, out, from);
		else if (!reval && (!strcmp(op, "&&") || !strcmp(op, "||"))) {
			ex_int_value(x, ex_builtin(x, KD_BUILTIN_INT),
				     (uint64_t)l, out);
			r = x->err ? -1 : 0;
		} else {
			r = ex_binary(x, op, out, &rhs, out, from, x->pos);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

static int parse_cond(struct ex *x, int eval, struct kd_value *out)
{
	size_t from = x->pos;
	struct kd_value a, b;
	int c = 0;
	if (enter(x) < 0 || parse_binary(x, 1, eval, out) < 0)
		return -1;
	if (next_is(x, "?")) {
		if (eval && truth(x, out, from, &c) < 0)
			return -1;
		x->pos++;
		if (parse_comma(x, eval && c, &a) < 0 || expect(x, ":") < 0 ||
		    parse_cond(x, eval && !c, &b) < 0)
			return -1;
		*out = c || !eval ? a : b;
	}
	x->depth--;
	return 0;
}

static int parse_assign(struct ex *x, int eval, struct kd_value *out)
{
	size_t from = x->pos;
	char span[256];
	if (parse_cond(x, eval, out) < 0)
		return -1;
	const struct etok *t = peek(x);
	if (t->kind == ET_PUNCT && t->len >= 1 && t->s[t->len - 1] == '=' &&
	    !etok_is(t, "==") && !etok_is(t, "!=") && !etok_is(t, "<=") &&
	    !etok_is(t, ">="))
		return ex_fail(x, KD_ERR_UNSUPPORTED, "%s %.*s ...: assignment "
			       "is not possible, the dump is read-only",
			       ex_span(x, from, x->pos, span, sizeof(span)),
			       (int)t->len, t->s);
	return 0;
}

static int parse_comma(struct ex *x, int eval, struct kd_value *out)
{
	if (parse_assign(x, eval, out) < 0)
		return -1;
	while (next_is(x, ",")) {
		x->pos++;
		if (parse_assign(x, eval, out) < 0)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- entry */

struct kd_error *kd_expr_eval(struct kd_session *s, const char *text,
			      const struct kd_expr_options *opts,
			      struct kd_value *ret)
{
	struct kd_types *ts;
	struct kd_value v;
	memset(ret, 0, sizeof(*ret));
	struct kd_error *err = kd_session_types(s, &ts);
	if (err)
		return err;
	struct ex x = { .s = s, .ts = ts, .text = text,
			.flags = opts ? opts->flags : 0,
			.hist = opts ? opts->history : NULL };
	if ((err = kd_expr_tokenize(text, &x.toks, &x.ntoks)))
		return err;
	if (x.toks[0].kind == ET_END)
		ex_fail(&x, KD_ERR_INVALID, "an expression is missing");
	else if (parse_comma(&x, 1, &v) == 0) {
		if (peek(&x)->kind != ET_END)
			syntax_error(&x, "unexpected text after the expression");
		else
			ex_copy_out(&x, &v, ret);
	}
	ex_arena_free(&x);
	free(x.toks);
	return x.err;
}
