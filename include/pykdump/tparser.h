/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers for pieces of C text (the seed's tparser.py): when debuginfo
 * lacks a constant, a program copies its definition from the kernel
 * sources and turns it into a name -> value table.
 *
 * kd_cdefine_parse(): a block of "#define NAME value" lines (CDefine).
 *   Values are C integer constant expressions: decimal, hex, octal and
 *   binary literals with U/L/UL/LL/ULL suffixes, character literals,
 *   names defined earlier in the block, casts such as (unsigned long) or
 *   (u32), and the operators ( ) ~ ! unary + - * / % + - << >> < > <= >=
 *   == != & ^ | && || ?:, evaluated with C's types and conversions (int
 *   is 32 bits, long is long_size bytes; a one-character constant is its
 *   byte, 0..255, as with an unsigned plain char).  Comments, line
 *   continuations, blank lines and other directives (#ifdef, #include ...)
 *   are ignored.
 *   A define that is not numeric (function-like macro, no value, string,
 *   floating point, a name not defined above, anything outside the
 *   grammar) is skipped and listed by kd_cconsts_skipped(); it is an error
 *   only when no define at all is numeric.  (The original stops silently
 *   at the first define it cannot parse and drops the rest; we keep going.)
 *   A redefinition replaces the value and keeps the first position.
 *
 * kd_cenum_parse(): one "[typedef] enum [tag] { A, B = expr, ... } [x];"
 *   (CEnum).  Implicit values count on from the previous one; explicit
 *   values use the same expressions and may refer to earlier enumerators.
 *   '#' lines inside are ignored, as the original ignores them.
 *
 * Errors (KD_ERR_INVALID) name the line: "CDefine: line 3: FOO: division
 * by zero", "CEnum: line 4: expected ',' or '}', found 'C'".  Lines count
 * from 1 in the text given.
 *
 * Both give an ordered table (text order) with lookup by name and a
 * reverse lookup by value that, like the original's, answers the name
 * defined last with that value.
 */
#ifndef PYKDUMP_TPARSER_H
#define PYKDUMP_TPARSER_H

#include <stddef.h>
#include <stdint.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kd_cconst {
	const char *name;
	/* The number is value, or (uint64_t)value when is_unsigned.
	 * is_unsigned is set only for numbers above INT64_MAX, so two
	 * entries hold the same number iff both fields are equal. */
	int64_t value;
	int is_unsigned;
	unsigned line;		/* where it was (last) defined */
};

struct kd_cskip {
	const char *name;
	unsigned line;
	const char *reason;	/* e.g. "function-like macro" */
};

struct kd_cconsts;

/* long_size: sizeof(long) on the dumped machine (4 or 8; 0 means 8). */
KD_PUBLIC struct kd_error *kd_cdefine_parse(const char *text, size_t len,
					    unsigned long_size,
					    struct kd_cconsts **ret);
KD_PUBLIC struct kd_error *kd_cenum_parse(const char *text, size_t len,
					  unsigned long_size,
					  struct kd_cconsts **ret);
KD_PUBLIC void kd_cconsts_destroy(struct kd_cconsts *t);

KD_PUBLIC size_t kd_cconsts_count(const struct kd_cconsts *t);
/* i-th in text order, NULL past the end. */
KD_PUBLIC const struct kd_cconst *kd_cconsts_at(const struct kd_cconsts *t,
						size_t i);
KD_PUBLIC const struct kd_cconst *kd_cconsts_find(const struct kd_cconsts *t,
						  const char *name);
/* value2key(): the entry defined last with this number, or NULL. */
KD_PUBLIC const struct kd_cconst *
kd_cconsts_by_value(const struct kd_cconsts *t, int64_t value,
		    int is_unsigned);
/* The enum's tag ("enum tcp_state" -> "tcp_state"), or NULL. */
KD_PUBLIC const char *kd_cconsts_tag(const struct kd_cconsts *t);

/* Defines that were skipped as not numeric, in text order. */
KD_PUBLIC size_t kd_cconsts_nskipped(const struct kd_cconsts *t);
KD_PUBLIC const struct kd_cskip *kd_cconsts_skipped(const struct kd_cconsts *t,
						    size_t i);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_TPARSER_H */
