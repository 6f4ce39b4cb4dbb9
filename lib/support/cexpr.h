/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C integer constant expressions, for the tparser (internal).
 *
 * Values carry their C type (size in bytes and signedness) and follow
 * C's rules: literal types from value and suffix, integer promotion,
 * the usual arithmetic conversions, wrap-around to the type's width (as
 * gcc does for signed overflow), arithmetic right shift of negatives.
 * int is 4 bytes, long long 8, long and pointers long_size.  Division by
 * zero and shift counts outside the type are errors, except in operands
 * that are not evaluated (the dead side of && || ?:).
 */
#ifndef PYKDUMP_CEXPR_H
#define PYKDUMP_CEXPR_H

#include <stddef.h>
#include <stdint.h>

#include "ctext.h"

struct cval {
	/* The value extended to 64 bits: sign-extended for signed types,
	 * zero-extended for unsigned ones. */
	uint64_t bits;
	uint8_t size;		/* 1, 2, 4 or 8 */
	uint8_t is_signed;
};

/* Find a name's value; 1 when found. */
typedef int cexpr_lookup_fn(void *arg, const char *name, size_t len,
			    struct cval *ret);

struct cexpr {
	const struct ctok *toks;
	size_t pos, end;		/* the expression is toks[pos..end) */
	unsigned long_size;
	cexpr_lookup_fn *lookup;
	void *arg;
	/* set on failure (caller frees); names the token if it can */
	char *errmsg;
	int depth;
};

/* Evaluate toks[pos..end) as one expression; 0 or -1 with errmsg set. */
int cexpr_eval(struct cexpr *cx, struct cval *ret);

enum cexpr_num {
	CEXPR_NUM_INT,		/* an integer literal; *ret set */
	CEXPR_NUM_FLOAT,	/* a floating-point literal */
	CEXPR_NUM_BAD,		/* malformed; *why says how */
};
enum cexpr_num cexpr_parse_number(const char *s, size_t len,
				  unsigned long_size, struct cval *ret,
				  const char **why);

/* 1 if the identifier can start or continue a type name in a cast. */
int cexpr_is_type_word(const char *s, size_t len);

/* A value of the given type, wrapped to its width. */
struct cval cval_make(uint64_t bits, unsigned size, int is_signed);

#endif /* PYKDUMP_CEXPR_H */
