// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tokens and literals of gdb's C expressions (expr_internal.h).
 *
 * The text is the user's (untrusted): every token is bounded by the
 * text, a character that belongs to no token is an error naming it.
 * pp-numbers are cut as C cuts them (digits, letters, '.', and a sign
 * after an exponent letter) and judged afterwards, so "08" or "1x" is
 * one malformed number rather than two tokens.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "expr_internal.h"

/* Longest first, so that "->" wins over "-". */
static const char *const puncts[] = {
	"<<=", ">>=", "->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"++", "--", "::", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "=", "?",
	":", ",", ".", "(", ")", "[", "]", "{", "}", "@",
};

int etok_is(const struct etok *t, const char *s)
{
	return t && (t->kind == ET_PUNCT || t->kind == ET_IDENT) &&
	       strlen(s) == t->len && memcmp(t->s, s, t->len) == 0;
}

static int is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static size_t number_len(const char *p)
{
	size_t n = 0;
	while (is_ident_char(p[n]) || p[n] == '.' ||
	       ((p[n] == '+' || p[n] == '-') && n &&
		(p[n - 1] == 'e' || p[n - 1] == 'E' || p[n - 1] == 'p' ||
		 p[n - 1] == 'P') &&
		!(p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		  (p[n - 1] == 'e' || p[n - 1] == 'E'))))
		n++;
	return n;
}

/* A quoted literal: its length with both quotes, 0 if unterminated. */
static size_t quoted_len(const char *p)
{
	char q = p[0];
	for (size_t n = 1; p[n]; n++) {
		if (p[n] == '\\' && p[n + 1])
			n++;
		else if (p[n] == q)
			return n + 1;
	}
	return 0;
}

static size_t dollar_len(const char *p)
{
	size_t n = 1;
	if (p[n] == '$')
		n++;
	while (is_ident_char(p[n]))
		n++;
	return n;
}

static size_t punct_len(const char *p)
{
	for (size_t i = 0; i < KD_ARRAY_SIZE(puncts); i++) {
		size_t l = strlen(puncts[i]);
		if (strncmp(p, puncts[i], l) == 0)
			return l;
	}
	return 0;
}

static struct kd_error *push(struct etok **v, size_t *n, size_t *cap,
			     enum etok_kind kind, const char *s, size_t len)
{
	struct kd_error *err = kd_array_reserve(v, cap, *n + 1);
	if (err)
		return err;
	(*v)[(*n)++] = (struct etok){ kind, s, len };
	return NULL;
}

struct kd_error *kd_expr_tokenize(const char *text, struct etok **toks,
				  size_t *ntoks)
{
	struct etok *v = NULL;
	size_t n = 0, cap = 0;
	const char *p = text;
	struct kd_error *err = NULL;
	while (!err) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p) {
			err = push(&v, &n, &cap, ET_END, p, 0);
			break;
		}
		enum etok_kind kind = ET_PUNCT;
		size_t len;
		if (isdigit((unsigned char)*p) ||
		    (*p == '.' && isdigit((unsigned char)p[1]))) {
			kind = ET_NUMBER;
			len = number_len(p);
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			kind = ET_IDENT;
			for (len = 1; is_ident_char(p[len]); len++)
				;
		} else if (*p == '\'' || *p == '"') {
			kind = *p == '\'' ? ET_CHAR : ET_STRING;
			if (!(len = quoted_len(p))) {
				err = kd_error_create(KD_ERR_INVALID,
						      "unterminated %s literal: %s",
						      kind == ET_CHAR ? "character" :
						      "string", p);
				break;
			}
		} else if (*p == '$') {
			kind = ET_DOLLAR;
			len = dollar_len(p);
		} else if (!(len = punct_len(p))) {
			err = kd_error_create(KD_ERR_INVALID,
					      isprint((unsigned char)*p) ?
					      "invalid character '%c' in the expression" :
					      "invalid character \\x%02x in the expression",
					      (unsigned char)*p);
			break;
		}
		err = push(&v, &n, &cap, kind, p, len);
		p += len;
	}
	if (err) {
		free(v);
		return err;
	}
	*toks = v;
	*ntoks = n;
	return NULL;
}

/* ---- literals ---- */

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

/* Digits of base into *v; the count, or -1 on overflow or a bad digit. */
static int parse_digits(const char *s, size_t len, unsigned base, uint64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)digit_value(s[i]);
		if (d >= base || *v > (UINT64_MAX - d) / base)
			return -1;
		*v = *v * base + d;
	}
	return (int)len;
}

int kd_expr_parse_int(const char *s, size_t len, struct eint *ret,
		      const char **why)
{
	unsigned base = 10;
	size_t p = 0;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, p = 2;
	else if (len > 1 && s[0] == '0')
		base = 8, p = 1;
	size_t end = len;
	int is_unsigned = 0, longs = 0;
	while (end > p && strchr("uUlL", s[end - 1])) {
		if (s[end - 1] == 'u' || s[end - 1] == 'U')
			is_unsigned++;
		else
			longs++;
		end--;
	}
	uint64_t n;
	if (is_unsigned > 1 || longs > 2 || end == p ||
	    parse_digits(s + p, end - p, base, &n) < 0) {
		*why = end == p ? "no digits in the number" :
		       "invalid number (a bad digit, suffix or more than 64 bits)";
		return -1;
	}
	/* gdb 10's parse_number: int if the value fits 32 bits, else long;
	 * unsigned when suffixed or when the type's top bit is set */
	uint64_t un = n >> 2;
	unsigned size = 8;
	if (longs == 0 && (un >> 30) == 0)
		size = 4;
	uint64_t high = 1ULL << (size * 8 - 1);
	ret->bits = n;
	ret->size = size;
	ret->is_signed = !(is_unsigned || (n & high));
	return 0;
}

int kd_expr_parse_crash_number(const char *s, size_t len, uint64_t *ret)
{
	uint64_t factor = 1, v;
	if (!len)
		return -1;
	switch (s[len - 1]) {
	case 'k': case 'K': factor = 1ULL << 10; len--; break;
	case 'm': case 'M': factor = 1ULL << 20; len--; break;
	case 'g': case 'G': factor = 1ULL << 30; len--; break;
	}
	if (!len)
		return -1;
	int decimal = 1;
	for (size_t i = 0; i < len; i++)
		decimal &= isdigit((unsigned char)s[i]) != 0;
	if (decimal) {
		if (parse_digits(s, len, 10, &v) < 0)
			return -1;
	} else {
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			s += 2, len -= 2;
		if (parse_digits(s, len, 16, &v) < 0)
			return -1;
	}
	*ret = v * factor;
	return 0;
}

/* One (possibly escaped) character at s[*i], before end; -1 if bad. */
static int one_char(const char *s, size_t end, size_t *i)
{
	static const char simple[] = "n\nt\tr\ra\ab\bf\fv\ve\033\\\\''\"\"??";
	if (s[*i] != '\\')
		return (unsigned char)s[(*i)++];
	if (++*i >= end)
		return -1;
	for (size_t k = 0; simple[k]; k += 2)
		if (s[*i] == simple[k]) {
			(*i)++;
			return (unsigned char)simple[k + 1];
		}
	unsigned v = 0, n = 0;
	if (s[*i] == 'x') {
		for (++*i; *i < end && digit_value(s[*i]) < 16 && v <= 0xff;
		     ++*i, n++)
			v = v * 16 + (unsigned)digit_value(s[*i]);
		return n && v <= 0xff ? (int)v : -1;
	}
	for (; *i < end && n < 3 && s[*i] >= '0' && s[*i] <= '7'; ++*i, n++)
		v = v * 8 + (unsigned)(s[*i] - '0');
	if (n)
		return v <= 0xff ? (int)v : -1;
	return -1;
}

int kd_expr_parse_char(const char *s, size_t len, int *ret)
{
	size_t i = 1;
	if (len < 3)
		return -1;
	int c = one_char(s, len - 1, &i);
	if (c < 0 || i != len - 1)
		return -1;
	*ret = c;
	return 0;
}

long kd_expr_parse_string(const char *s, size_t len, char *buf, size_t size)
{
	size_t i = 1, n = 0;
	if (len < 2)
		return -1;
	while (i < len - 1) {
		int c = one_char(s, len - 1, &i);
		if (c < 0 || n + 1 >= size)
			return -1;
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return (long)n;
}
