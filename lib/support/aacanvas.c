// SPDX-License-Identifier: GPL-2.0-or-later
/* A growable grid of code points for ASCII art: see aacanvas.h. */
#include <stdlib.h>
#include <string.h>

#include <pykdump/vector.h>

#include "aacanvas.h"

#define REPLACEMENT 0xfffd

/* Length of the UTF-8 sequence at s (1..4) with its code point, or 0
 * when the bytes there are not valid UTF-8. */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;
	uint32_t c;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int aa_decode(const char *s, size_t len, uint32_t **ret, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t *c = malloc((len ? len : 1) * sizeof(*c));
	if (!c)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		size_t k = utf8_seq(u + i, len - i, &c[o]);
		if (!k) {
			c[o] = REPLACEMENT;
			k = 1;
		}
		i += k;
		o++;
	}
	*ret = c;
	*n = o;
	return 0;
}

size_t aa_width(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t w = 0;
	uint32_t cp;
	for (size_t i = 0; i < len; w++) {
		size_t k = utf8_seq(u + i, len - i, &cp);
		i += k ? k : 1;
	}
	return w;
}

void aa_put_utf8(FILE *out, const uint32_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t v = c[i];
		if (v < 0x80) {
			fputc((int)v, out);
		} else if (v < 0x800) {
			fputc((int)(0xc0 | (v >> 6)), out);
			fputc((int)(0x80 | (v & 0x3f)), out);
		} else if (v < 0x10000) {
			fputc((int)(0xe0 | (v >> 12)), out);
			fputc((int)(0x80 | ((v >> 6) & 0x3f)), out);
			fputc((int)(0x80 | (v & 0x3f)), out);
		} else {
			fputc((int)(0xf0 | (v >> 18)), out);
			fputc((int)(0x80 | ((v >> 12) & 0x3f)), out);
			fputc((int)(0x80 | ((v >> 6) & 0x3f)), out);
			fputc((int)(0x80 | (v & 0x3f)), out);
		}
	}
}

void aa_canvas_deinit(struct aa_canvas *cv)
{
	for (size_t i = 0; i < cv->h; i++)
		free(cv->rows[i].c);
	free(cv->rows);
	memset(cv, 0, sizeof(*cv));
}

static int grow_rows(struct aa_canvas *cv, size_t h)
{
	if (kd_array_reserve(&cv->rows, &cv->cap, h))
		return -1;
	for (; cv->h < h; cv->h++)
		cv->rows[cv->h] = (struct aa_row){ 0 };
	return 0;
}

/* Make row y at least len wide, padding with spaces. */
static int grow_row(struct aa_canvas *cv, size_t y, size_t len)
{
	if (grow_rows(cv, y + 1) < 0)
		return -1;
	struct aa_row *r = &cv->rows[y];
	if (kd_array_reserve(&r->c, &r->cap, len))
		return -1;
	for (; r->len < len; r->len++)
		r->c[r->len] = ' ';
	return 0;
}

int aa_canvas_put(struct aa_canvas *cv, const uint32_t *s, size_t n,
		  size_t x, size_t y)
{
	if (grow_row(cv, y, x + n) < 0)
		return -1;
	if (n)
		memcpy(cv->rows[y].c + x, s, n * sizeof(*s));
	return 0;
}

int aa_canvas_putc(struct aa_canvas *cv, uint32_t c, size_t x, size_t y)
{
	return aa_canvas_put(cv, &c, 1, x, y);
}

int aa_canvas_fill(struct aa_canvas *cv, uint32_t c, size_t n, size_t x,
		   size_t y)
{
	if (grow_row(cv, y, x + n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		cv->rows[y].c[x + i] = c;
	return 0;
}

int aa_canvas_put_canvas(struct aa_canvas *cv, const struct aa_canvas *src,
			 size_t x, size_t y)
{
	for (size_t r = 0; r < src->h; r++)
		if (aa_canvas_put(cv, src->rows[r].c, src->rows[r].len, x,
				  y + r) < 0)
			return -1;
	return 0;
}

uint32_t aa_canvas_get(const struct aa_canvas *cv, size_t x, size_t y)
{
	if (y >= cv->h || x >= cv->rows[y].len)
		return ' ';
	return cv->rows[y].c[x];
}

static int is_space(uint32_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

void aa_canvas_print(const struct aa_canvas *cv, FILE *out)
{
	for (size_t y = 0; y < cv->h; y++) {
		const struct aa_row *r = &cv->rows[y];
		size_t len = r->len;
		while (len && is_space(r->c[len - 1]))
			len--;
		aa_put_utf8(out, r->c, len);
		fputc('\n', out);
	}
}
