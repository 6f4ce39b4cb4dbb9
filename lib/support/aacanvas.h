/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable grid of Unicode code points for ASCII art (internal); the
 * original's Array2u.  Rows and columns grow as text is put past them,
 * padded with spaces.  Reading past a row's end gives a space.
 */
#ifndef PYKDUMP_AACANVAS_H
#define PYKDUMP_AACANVAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct aa_row {
	uint32_t *c;
	size_t len, cap;
};

struct aa_canvas {
	struct aa_row *rows;
	size_t h, cap;
};

/* Text as code points (caller frees *ret); invalid UTF-8 bytes become
 * U+FFFD one each.  -1 when out of memory. */
int aa_decode(const char *s, size_t len, uint32_t **ret, size_t *n);
/* Code points in s (the width the original's len() gives). */
size_t aa_width(const char *s, size_t len);
void aa_put_utf8(FILE *out, const uint32_t *c, size_t n);

void aa_canvas_deinit(struct aa_canvas *cv);
/* 0, or -1 when out of memory. */
int aa_canvas_put(struct aa_canvas *cv, const uint32_t *s, size_t n,
		  size_t x, size_t y);
int aa_canvas_putc(struct aa_canvas *cv, uint32_t c, size_t x, size_t y);
/* n copies of c from (x, y) rightwards. */
int aa_canvas_fill(struct aa_canvas *cv, uint32_t c, size_t n, size_t x,
		   size_t y);
/* Copy src's rows, whole (trailing spaces too), to (x, y). */
int aa_canvas_put_canvas(struct aa_canvas *cv, const struct aa_canvas *src,
			 size_t x, size_t y);
uint32_t aa_canvas_get(const struct aa_canvas *cv, size_t x, size_t y);
/* Rows with trailing white space removed, each ending in '\n'. */
void aa_canvas_print(const struct aa_canvas *cv, FILE *out);

#endif /* PYKDUMP_AACANVAS_H */
