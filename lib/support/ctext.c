// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tokens of C text: see ctext.h.
 *
 * Two passes: splice() copies the text dropping backslash-newlines and
 * records where each physical line starts in the copy; lex() walks the
 * copy once.  Every scan is bounded by the buffer's end, and both passes
 * are linear in the text size.
 */
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "ctext.h"

struct lexer {
	struct ctext *ct;
	size_t pos;
	size_t line;		/* index in line_start of the last token's line */
	int space;
	size_t cap;
	unsigned mode;
	const char *who;
};

static int add_line(struct ctext *ct, size_t *cap, size_t off)
{
	if (kd_array_reserve(&ct->line_start, cap, ct->nlines + 1))
		return -1;
	ct->line_start[ct->nlines++] = off;
	return 0;
}

/* Length of a backslash-newline at text[i] (0 when there is none). */
static size_t splice_len(const char *text, size_t len, size_t i)
{
	if (text[i] != '\\' || i + 1 >= len)
		return 0;
	if (text[i + 1] == '\n')
		return 2;
	if (text[i + 1] == '\r' && i + 2 < len && text[i + 2] == '\n')
		return 3;
	return 0;
}

static int splice(const char *text, size_t len, struct ctext *ct)
{
	size_t cap = 0, o = 0;
	ct->buf = malloc(len + 1);
	if (!ct->buf || add_line(ct, &cap, 0) < 0)
		return -1;
	for (size_t i = 0; i < len;) {
		size_t sl = splice_len(text, len, i);
		if (sl) {
			i += sl;
			if (add_line(ct, &cap, o) < 0)
				return -1;
			continue;
		}
		ct->buf[o++] = text[i];
		if (text[i++] == '\n' && add_line(ct, &cap, o) < 0)
			return -1;
	}
	ct->buf[o] = '\0';
	ct->len = o;
	return 0;
}

/* Physical line of an offset in the spliced buffer: the last line that
 * starts at or before it. */
static unsigned line_of(const struct ctext *ct, size_t off)
{
	size_t lo = 0, hi = ct->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ct->line_start[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned)(lo + 1);
}

static int emit(struct lexer *lx, enum ctok_kind kind, size_t start,
		size_t end)
{
	struct ctext *ct = lx->ct;
	if (kd_array_reserve(&ct->toks, &lx->cap, ct->ntoks + 1))
		return -1;
	/* Tokens come in text order, so the line only moves forward. */
	while (lx->line + 1 < ct->nlines && ct->line_start[lx->line + 1] <= start)
		lx->line++;
	ct->toks[ct->ntoks++] = (struct ctok){
		.kind = kind, .s = ct->buf + start, .len = end - start,
		.line = (unsigned)(lx->line + 1), .space_before = lx->space,
	};
	lx->space = 0;
	return 0;
}

static int is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* End of a pp-number starting at p: digits, letters, '_', '.', and a
 * sign right after an exponent letter. */
static size_t scan_number(const char *b, size_t p, size_t end)
{
	while (p < end) {
		char c = b[p];
		char prev = b[p - 1];
		if ((c == '+' || c == '-') && prev && strchr("eEpP", prev))
			p++;
		else if (is_ident_char(c) || c == '.')
			p++;
		else
			break;
	}
	return p;
}

/* End of a quoted literal starting at p, or 0 when the line ends first. */
static size_t scan_quoted(const char *b, size_t p, size_t end)
{
	char q = b[p++];
	while (p < end && b[p] != '\n') {
		if (b[p] == '\\' && p + 1 < end && b[p + 1] != '\n')
			p += 2;
		else if (b[p++] == q)
			return p;
	}
	return 0;
}

static size_t punct_len(const char *b, size_t p, size_t end)
{
	static const struct {
		char s[4];
		size_t n;
	} multi[] = {
		{ "...", 3 }, { "<<=", 3 }, { ">>=", 3 }, { "<<", 2 },
		{ ">>", 2 }, { "<=", 2 }, { ">=", 2 }, { "==", 2 }, { "!=", 2 },
		{ "&&", 2 }, { "||", 2 }, { "->", 2 }, { "++", 2 }, { "--", 2 },
		{ "##", 2 }, { "+=", 2 }, { "-=", 2 }, { "*=", 2 }, { "/=", 2 },
		{ "%=", 2 }, { "&=", 2 }, { "|=", 2 }, { "^=", 2 },
	};
	if (end - p < 2)
		return 1;
	for (size_t i = 0; i < KD_ARRAY_SIZE(multi); i++)
		if (b[p] == multi[i].s[0] && multi[i].n <= end - p &&
		    memcmp(b + p, multi[i].s, multi[i].n) == 0)
			return multi[i].n;
	return 1;
}

static size_t skip_to_eol(const char *b, size_t p, size_t end)
{
	const char *nl = memchr(b + p, '\n', end - p);
	return nl ? (size_t)(nl - b) : end;
}

static struct kd_error *lex_error(struct lexer *lx, size_t off,
				  const char *what)
{
	return kd_error_create(KD_ERR_INVALID, "%s: line %u: %s", lx->who,
			       line_of(lx->ct, off), what);
}

/* Skip white space and comments at lx->pos; 1 if something was skipped,
 * 0 if not, -1 on an unterminated comment. */
static int skip_blank(struct lexer *lx)
{
	const char *b = lx->ct->buf;
	size_t p = lx->pos, end = lx->ct->len;
	if (b[p] && strchr(" \t\r\f\v", b[p]))
		p++;
	else if (b[p] == '/' && p + 1 < end && b[p + 1] == '/')
		p = skip_to_eol(b, p, end);
	else if ((lx->mode & CTEXT_HASH_COMMENTS) && b[p] == '#')
		p = skip_to_eol(b, p, end);
	else if (b[p] == '/' && p + 1 < end && b[p + 1] == '*') {
		const char *close = memmem(b + p + 2, end - p - 2, "*/", 2);
		if (!close)
			return -1;
		p = (size_t)(close - b) + 2;
	} else
		return 0;
	lx->pos = p;
	lx->space = 1;
	return 1;
}

/* One token at lx->pos (not blank). */
static struct kd_error *lex_one(struct lexer *lx)
{
	const char *b = lx->ct->buf;
	size_t p = lx->pos, end = lx->ct->len, q;
	enum ctok_kind kind = CTOK_PUNCT;
	if (b[p] == '\n') {
		kind = CTOK_NEWLINE;
		q = p + 1;
	} else if (is_ident_char(b[p]) && !is_digit(b[p])) {
		kind = CTOK_IDENT;
		for (q = p + 1; q < end && is_ident_char(b[q]); q++)
			;
	} else if (is_digit(b[p]) ||
		   (b[p] == '.' && p + 1 < end && is_digit(b[p + 1]))) {
		kind = CTOK_NUMBER;
		q = scan_number(b, p + 1, end);
	} else if (b[p] == '\'' || b[p] == '"') {
		kind = b[p] == '"' ? CTOK_STRING : CTOK_CHAR;
		q = scan_quoted(b, p, end);
		if (!q)
			return lex_error(lx, p, kind == CTOK_STRING ?
					 "unterminated string literal" :
					 "unterminated character literal");
	} else {
		q = p + punct_len(b, p, end);
	}
	if (kind == CTOK_NEWLINE && !(lx->mode & CTEXT_NEWLINES)) {
		lx->pos = q;
		lx->space = 1;
		return NULL;
	}
	if (emit(lx, kind, p, q) < 0)
		return &kd_error_nomem;
	lx->pos = q;
	return NULL;
}

static struct kd_error *lex(struct lexer *lx)
{
	while (lx->pos < lx->ct->len) {
		size_t at = lx->pos;
		int r = skip_blank(lx);
		if (r < 0)
			return lex_error(lx, at, "unterminated comment");
		if (r > 0)
			continue;
		struct kd_error *err = lex_one(lx);
		if (err)
			return err;
	}
	if (emit(lx, CTOK_EOF, lx->ct->len, lx->ct->len) < 0)
		return &kd_error_nomem;
	return NULL;
}

struct kd_error *ctext_tokenize(const char *text, size_t len, unsigned mode,
				const char *who, struct ctext *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct lexer lx = { .ct = ret, .mode = mode, .who = who };
	struct kd_error *err = &kd_error_nomem;
	if (splice(text, len, ret) == 0)
		err = lex(&lx);
	if (err)
		ctext_deinit(ret);
	return err;
}

void ctext_deinit(struct ctext *ct)
{
	free(ct->buf);
	free(ct->line_start);
	free(ct->toks);
	memset(ct, 0, sizeof(*ct));
}

int ctok_is(const struct ctok *t, const char *s)
{
	if ((t->kind != CTOK_PUNCT && t->kind != CTOK_IDENT) || !t->len ||
	    t->s[0] != s[0])
		return 0;
	return strlen(s) == t->len && memcmp(t->s, s, t->len) == 0;
}
