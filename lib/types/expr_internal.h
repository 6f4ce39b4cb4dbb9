/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The expression evaluator's internals (include/pykdump/expr.h), shared
 * by expr_lex.c (tokens and literals), expr_value.c (values: reading,
 * scalars, arithmetic, conversions, the history) and expr.c (the parser,
 * which evaluates as it parses).
 *
 * During one evaluation, value contents live in an arena freed at the
 * end (struct ex); only the result is copied out to malloc'd memory, so
 * no error path has anything to free.
 */
#ifndef PYKDUMP_EXPR_INTERNAL_H
#define PYKDUMP_EXPR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/expr.h>

#include "types_internal.h"

/* ---- tokens (expr_lex.c) ---- */

enum etok_kind {
	ET_END,
	ET_NUMBER,	/* a pp-number: integer, float or malformed */
	ET_CHAR,	/* 'x' with its quotes */
	ET_STRING,	/* "x" with its quotes */
	ET_IDENT,
	ET_DOLLAR,	/* $, $N, $$, $$N, $name */
	ET_PUNCT,
};

struct etok {
	enum etok_kind kind;
	const char *s;		/* into the expression text */
	size_t len;
};

/* Cuts text into tokens ending with one ET_END; *toks is malloc'd. */
struct kd_error *kd_expr_tokenize(const char *text, struct etok **toks,
				  size_t *n) KD_WARN_UNUSED;
int etok_is(const struct etok *t, const char *s);

/* A C integer literal with gdb's types (c-exp.y parse_number): the
 * value, its size and signedness.  0, or -1 with *why. */
struct eint {
	uint64_t bits;
	unsigned size;
	int is_signed;
};
int kd_expr_parse_int(const char *s, size_t len, struct eint *ret,
		      const char **why);
/* crash's eval numbers (tools.c calculate): decimal when only digits,
 * else hexadecimal (0x optional), then an optional k/m/g factor. */
int kd_expr_parse_crash_number(const char *s, size_t len, uint64_t *ret);
/* A character literal's value ('A', '\n', '\377'); -1 if malformed. */
int kd_expr_parse_char(const char *s, size_t len, int *ret);
/* A string literal's bytes (escapes decoded) into buf; its length, or
 * -1 if malformed or longer than size - 1. */
long kd_expr_parse_string(const char *s, size_t len, char *buf, size_t size);

/* ---- one evaluation ---- */

struct ex_block;

struct ex {
	struct kd_session *s;
	struct kd_types *ts;
	unsigned flags;			/* KD_EXPR_* */
	struct kd_value_history *hist;
	const char *text;
	struct etok *toks;
	size_t ntoks, pos;
	int depth;
	struct kd_error *err;		/* the first error */
	struct ex_block *arena;
};

void *ex_alloc(struct ex *x, size_t size);
void ex_arena_free(struct ex *x);
/* Records the first error (always returns -1). */
int ex_fail(struct ex *x, enum kd_error_code code, const char *fmt, ...)
	KD_PRINTF(3, 4);
/* The text of tokens [from, to) for messages. */
const char *ex_span(struct ex *x, size_t from, size_t to, char *buf,
		    size_t size);

/* ---- values (expr_value.c) ---- */

/* A scalar as arithmetic sees it. */
struct escalar {
	enum { ES_INT, ES_FLOAT, ES_PTR } kind;
	uint64_t bits;		/* ES_INT: sign-extended when signed */
	double f;
	struct kd_type *type;	/* the (promoted) type */
};

struct kd_type *ex_builtin(struct ex *x, enum kd_builtin b);
struct kd_type *ex_strip(struct kd_type *t);
/* The contents of v in v->bytes (read from the dump when needed); a
 * bitfield becomes a plain integer of its type. */
int ex_fetch(struct ex *x, struct kd_value *v, size_t from, size_t to);
/* v's scalar value: integers, enums, bools, floats, pointers; arrays
 * decay to a pointer to their first element, functions to a pointer. */
int ex_scalar(struct ex *x, struct kd_value *v, struct escalar *out,
	      size_t from, size_t to);
/* A value of type t from a scalar (converted as C converts). */
int ex_from_scalar(struct ex *x, struct kd_type *t, const struct escalar *sc,
		   struct kd_value *out);
void ex_int_value(struct ex *x, struct kd_type *t, uint64_t bits,
		  struct kd_value *out);
int ex_is_integral(struct kd_type *st);
/* The binary operator op ("+", "<<", "==", ...) on two values. */
int ex_binary(struct ex *x, const char *op, struct kd_value *a,
	      struct kd_value *b, struct kd_value *out, size_t from,
	      size_t to);
/* A cast of v to t. */
int ex_cast(struct ex *x, struct kd_type *t, struct kd_value *v,
	    struct kd_value *out, size_t from, size_t to);
/* *v: the lvalue a pointer points to. */
int ex_deref(struct ex *x, struct kd_value *v, struct kd_value *out,
	     size_t from, size_t to);
/* v.name (through pointers, as gdb allows). */
int ex_member(struct ex *x, struct kd_value *v, const char *name,
	      struct kd_value *out, size_t from, size_t to);
/* The result: *ret gets v with its contents (read when needed) in
 * malloc'd bytes, outside the arena. */
int ex_copy_out(struct ex *x, struct kd_value *v, struct kd_value *ret);
/* The history's $num as a value. */
int ex_history(struct ex *x, long num, struct kd_value *out);

#endif /* PYKDUMP_EXPR_INTERNAL_H */
