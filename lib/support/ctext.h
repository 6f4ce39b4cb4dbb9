/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tokens of C text, for the tparser (internal).
 *
 * ctext_tokenize() does translation phases 2 and 3 over untrusted text:
 * backslash-newlines are spliced, comments become white space (a comment
 * spanning lines does not end a directive line), and the rest is cut into
 * identifiers, pp-numbers, character and string literals, punctuators and
 * NEWLINE tokens.  Any other byte (NUL, control, non-ASCII) is a one-byte
 * punctuator, so the callers reject it with a message rather than the
 * tokenizer.  Each token knows the physical line it starts on (1-based, as
 * in the original text) and whether white space precedes it (to tell a
 * function-like macro "F(x)" from "F (x)").
 */
#ifndef PYKDUMP_CTEXT_H
#define PYKDUMP_CTEXT_H

#include <stddef.h>

#include <pykdump/error.h>

enum ctok_kind {
	CTOK_EOF,
	CTOK_NEWLINE,
	CTOK_IDENT,
	CTOK_NUMBER,		/* a pp-number: integer, float or malformed */
	CTOK_CHAR,		/* 'x' including the quotes */
	CTOK_STRING,		/* "x" including the quotes */
	CTOK_PUNCT,
};

struct ctok {
	enum ctok_kind kind;
	const char *s;		/* into the spliced buffer, not terminated */
	size_t len;
	unsigned line;
	int space_before;
};

struct ctext {
	char *buf;		/* the text with line continuations spliced */
	size_t len;
	size_t *line_start;	/* line_start[i]: offset in buf of line i+1 */
	size_t nlines;
	struct ctok *toks;	/* ends with one CTOK_EOF */
	size_t ntoks;
};

enum ctext_mode {
	CTEXT_NEWLINES = 1,	/* emit CTOK_NEWLINE (directive lines) */
	CTEXT_HASH_COMMENTS = 2,/* '#' to end of line is a comment */
};

/* who prefixes error messages ("CDefine: line 4: unterminated comment"). */
struct kd_error *ctext_tokenize(const char *text, size_t len, unsigned mode,
				const char *who, struct ctext *ret);
void ctext_deinit(struct ctext *ct);

/* 1 if t is the punctuator or identifier spelled s. */
int ctok_is(const struct ctok *t, const char *s);

#endif /* PYKDUMP_CTEXT_H */
