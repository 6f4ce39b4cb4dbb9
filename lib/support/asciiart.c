// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ASCII art for trees and frames: see include/pykdump/asciiart.h.
 *
 * Box geometry, as the original's Box/BoxContainer lay it out:
 *
 *   - a text box is (widest line + 2) x (lines + 2), text at column 1;
 *   - a container holds its node's box at (1, 0), then below it its
 *     leaves' box at column 5 and its branches' containers at column 4
 *     (so their own boxes land at column 5);
 *   - a child is joined to its parent box from column parent.x + 2: a '┬'
 *     on the parent's bottom edge, '│' down (turning an earlier '└' into
 *     '├'), '└' at the child's middle row, '─' across, and '┤' on the
 *     child's left edge.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/asciiart.h>
#include <pykdump/vector.h>

#include "aacanvas.h"

#define BOX_LU 0x250c	/* ┌ */
#define BOX_LL 0x2514	/* └ */
#define BOX_RU 0x2510	/* ┐ */
#define BOX_RL 0x2518	/* ┘ */
#define BOX_VB 0x2502	/* │ */
#define BOX_HB 0x2500	/* ─ */
#define BOX_LOW_A 0x252c	/* ┬ */
#define BOX_RIGHT_A 0x251c	/* ├ */
#define BOX_LEFT_A 0x2524	/* ┤ */

/* Leaves shown one by one up to this many, LEAVES_PER_LINE a line. */
#define MAX_LISTED_LEAVES 20
#define LEAVES_PER_LINE 5

struct kd_aa_node {
	struct kd_aa_node *parent;
	struct kd_aa_node **children;
	size_t n, cap;
	int is_num;
	int64_t num;
	char label[];
};

/* ---- nodes ---- */

static int node_attach(struct kd_aa_node *parent, struct kd_aa_node *child)
{
	if (kd_array_reserve(&parent->children, &parent->cap, parent->n + 1))
		return -1;
	parent->children[parent->n++] = child;
	child->parent = parent;
	return 0;
}

static void node_detach(struct kd_aa_node *node)
{
	struct kd_aa_node *p = node->parent;
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		if (p->children[i] != node)
			continue;
		memmove(&p->children[i], &p->children[i + 1],
			(p->n - i - 1) * sizeof(*p->children));
		p->n--;
		break;
	}
	node->parent = NULL;
}

static struct kd_error *node_new(const char *label, int is_num, int64_t num,
				 struct kd_aa_node *parent,
				 struct kd_aa_node **ret)
{
	size_t len = strlen(label);
	struct kd_aa_node *node = calloc(1, sizeof(*node) + len + 1);
	if (!node)
		return &kd_error_nomem;
	memcpy(node->label, label, len + 1);
	node->is_num = is_num;
	node->num = num;
	if (parent && node_attach(parent, node) < 0) {
		free(node);
		return &kd_error_nomem;
	}
	*ret = node;
	return NULL;
}

struct kd_error *kd_aa_node_create(const char *label,
				   struct kd_aa_node *parent,
				   struct kd_aa_node **ret)
{
	return node_new(label, 0, 0, parent, ret);
}

struct kd_error *kd_aa_node_create_num(int64_t num, struct kd_aa_node *parent,
				       struct kd_aa_node **ret)
{
	char label[24];
	snprintf(label, sizeof(label), "%" PRId64, num);
	return node_new(label, 1, num, parent, ret);
}

/* Free a subtree without recursion, so depth cannot exhaust the stack:
 * always free a childless node, climbing to its parent afterwards. */
static void subtree_free(struct kd_aa_node *root)
{
	struct kd_aa_node *node = root;
	while (node) {
		if (node->n) {
			node = node->children[--node->n];
			continue;
		}
		struct kd_aa_node *up = node == root ? NULL : node->parent;
		free(node->children);
		free(node);
		node = up;
	}
}

void kd_aa_node_destroy(struct kd_aa_node *node)
{
	if (!node)
		return;
	node_detach(node);
	subtree_free(node);
}

const char *kd_aa_node_label(const struct kd_aa_node *node)
{
	return node->label;
}

struct kd_aa_node *kd_aa_node_parent(const struct kd_aa_node *node)
{
	return node->parent;
}

size_t kd_aa_node_nchildren(const struct kd_aa_node *node)
{
	return node->n;
}

struct kd_aa_node *kd_aa_node_child(const struct kd_aa_node *node, size_t i)
{
	return i < node->n ? node->children[i] : NULL;
}

static int tag_cmp(const struct kd_aa_node *a, const struct kd_aa_node *b)
{
	if (a->is_num != b->is_num)
		return a->is_num ? -1 : 1;
	if (a->is_num)
		return (a->num > b->num) - (a->num < b->num);
	return strcmp(a->label, b->label);
}

struct kd_aa_node *kd_aa_node_glue(struct kd_aa_node *node,
				   struct kd_aa_node *branch)
{
	for (size_t i = branch->n; i-- > 0;) {
		struct kd_aa_node *old = branch->children[i];
		if (old == node || tag_cmp(old, node) != 0)
			continue;
		node_detach(node);
		/* Detaching may have shifted branch's children. */
		for (i = 0; branch->children[i] != old; i++)
			;
		branch->children[i] = node;
		node->parent = branch;
		old->parent = NULL;
		return old;
	}
	return NULL;
}

/* ---- leaves and branches ---- */

static int node_cmp_qsort(const void *a, const void *b)
{
	const struct kd_aa_node *const *x = a, *const *y = b;
	int c = tag_cmp(*x, *y);
	if (c)
		return c;
	return (*x > *y) - (*x < *y);	/* any fixed order for equal tags */
}

/* Children that are leaves (leaves = 1, deduplicated by tag) or branches,
 * sorted by tag.  NULL with *n = 0 when there are none or on no memory
 * (*nomem set). */
static struct kd_aa_node **select_children(const struct kd_aa_node *node,
					   int leaves, size_t *n, int *nomem)
{
	struct kd_aa_node **v = malloc((node->n ? node->n : 1) * sizeof(*v));
	*n = 0;
	*nomem = !v;
	if (!v)
		return NULL;
	for (size_t i = 0; i < node->n; i++)
		if ((node->children[i]->n == 0) == leaves)
			v[(*n)++] = node->children[i];
	kd_qsort(v, *n, sizeof(*v), node_cmp_qsort);
	if (leaves) {	/* the original keeps a set of leaf tags */
		size_t k = 0;
		for (size_t i = 0; i < *n; i++)
			if (!k || tag_cmp(v[k - 1], v[i]) != 0)
				v[k++] = v[i];
		*n = k;
	}
	return v;
}

/* The leaves' text (_strleaves), or NULL with *nomem clear when there are
 * no leaves. */
static char *leaves_text(const struct kd_aa_node *node, int *nomem)
{
	size_t n;
	struct kd_aa_node **v = select_children(node, 1, &n, nomem);
	char *buf = NULL;
	size_t size = 0;
	if (!v || !n) {
		free(v);
		return NULL;
	}
	FILE *out = open_memstream(&buf, &size);
	if (out && n > MAX_LISTED_LEAVES)
		fprintf(out, "%zu pids in this group", n);
	for (size_t i = 0; out && n <= MAX_LISTED_LEAVES && i < n; i++) {
		const char *sep = i == 0 ? "" :
				  i % LEAVES_PER_LINE == 0 ? "\n" : ",";
		fprintf(out, "%s%s", sep, v[i]->label);
	}
	free(v);
	if (!out || fclose(out) != 0) {
		free(buf);
		*nomem = 1;
		return NULL;
	}
	return buf;
}

/* ---- the indented form ---- */

static int is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\f\v", s[i]))
			return 0;
	return 1;
}

/* Text at an indent, as textwrap.indent: blank lines stay unindented. */
static void put_indented(FILE *out, const char *text, size_t indent)
{
	for (;;) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		if (!is_blank(text, len))
			fprintf(out, "%*s", (int)indent, "");
		fprintf(out, "%.*s\n", (int)len, text);
		if (!nl)
			return;
		text = nl + 1;
	}
}

static struct kd_error *print_indented(const struct kd_aa_node *node,
				       FILE *out, size_t depth)
{
	int nomem;
	size_t n;
	if (depth > KD_AA_MAX_DEPTH)
		return kd_error_create(KD_ERR_LIMIT,
				       "tree deeper than %d levels",
				       KD_AA_MAX_DEPTH);
	put_indented(out, node->label, depth * 2);
	char *leaves = leaves_text(node, &nomem);
	if (leaves) {
		put_indented(out, "  -------", depth * 2);
		put_indented(out, leaves, depth * 2 + 2);
		put_indented(out, "  -------", depth * 2);
		free(leaves);
	}
	struct kd_aa_node **br = select_children(node, 0, &n, &nomem);
	struct kd_error *err = nomem ? &kd_error_nomem : NULL;
	for (size_t i = 0; !err && i < n; i++)
		err = print_indented(br[i], out, depth + 1);
	free(br);
	return err;
}

struct kd_error *kd_aa_tree_print(const struct kd_aa_node *root, FILE *out)
{
	return print_indented(root, out, 0);
}

/* ---- boxes ---- */

/* Lines of text as code points (str.splitlines(): a final '\n' ends the
 * last line rather than starting another; empty text is one empty line). */
struct lines {
	uint32_t **l;
	size_t *len;
	size_t n, width;
};

static void lines_free(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->l[i]);
	free(ls->l);
	free(ls->len);
	memset(ls, 0, sizeof(*ls));
}

static int lines_split(const char *text, struct lines *ls)
{
	size_t cap = 1;
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	memset(ls, 0, sizeof(*ls));
	ls->l = calloc(cap, sizeof(*ls->l));
	ls->len = calloc(cap, sizeof(*ls->len));
	if (!ls->l || !ls->len)
		goto out_nomem;
	do {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		if (aa_decode(text, len, &ls->l[ls->n], &ls->len[ls->n]) < 0)
			goto out_nomem;
		if (ls->len[ls->n] > ls->width)
			ls->width = ls->len[ls->n];
		ls->n++;
		text = nl ? nl + 1 : NULL;
	} while (text && *text);
	return 0;
out_nomem:
	lines_free(ls);
	return -1;
}

/* An empty box w x h (Box.__init__). */
static int draw_box(struct aa_canvas *cv, size_t w, size_t h)
{
	int r = aa_canvas_putc(cv, BOX_LU, 0, 0) |
		aa_canvas_putc(cv, BOX_RU, w - 1, 0) |
		aa_canvas_putc(cv, BOX_LL, 0, h - 1) |
		aa_canvas_putc(cv, BOX_RL, w - 1, h - 1) |
		aa_canvas_fill(cv, BOX_HB, w - 2, 1, 0) |
		aa_canvas_fill(cv, BOX_HB, w - 2, 1, h - 1);
	for (size_t y = 1; y + 1 < h; y++)
		r |= aa_canvas_putc(cv, BOX_VB, 0, y) |
		     aa_canvas_putc(cv, BOX_VB, w - 1, y);
	return r;
}

/* A box around text, with header lines above a separator (Box.TextBox). */
static int text_box(struct aa_canvas *cv, const char *text, const char *header)
{
	struct lines body, head = { 0 };
	if (lines_split(text, &body) < 0)
		return -1;
	if (header && lines_split(header, &head) < 0) {
		lines_free(&body);
		return -1;
	}
	size_t hh = header ? head.n + 1 : 0;
	size_t w = body.width > head.width ? body.width : head.width;
	int r = draw_box(cv, w + 2, body.n + hh + 2);
	if (header)
		r |= aa_canvas_putc(cv, BOX_RIGHT_A, 0, hh) |
		     aa_canvas_putc(cv, BOX_LEFT_A, w + 1, hh) |
		     aa_canvas_fill(cv, BOX_HB, w, 1, hh);
	for (size_t i = 0; i < head.n; i++)
		r |= aa_canvas_put(cv, head.l[i], head.len[i], 1, i + 1);
	for (size_t i = 0; i < body.n; i++)
		r |= aa_canvas_put(cv, body.l[i], body.len[i], 1, i + 1 + hh);
	lines_free(&body);
	lines_free(&head);
	return r ? -1 : 0;
}

struct container {
	struct aa_canvas cv;
	size_t top_x, top_y, top_h;	/* the node's own box */
	size_t y;			/* next free row */
};

/* Join a child box at (cx, cy) of height ch to the container's top box. */
static int connect(struct container *c, size_t cx, size_t cy, size_t ch)
{
	size_t px = c->top_x + 2, py = c->top_y + c->top_h - 1;
	size_t my = cy + ch / 2;
	int r = aa_canvas_putc(&c->cv, BOX_LOW_A, px, py) |
		aa_canvas_putc(&c->cv, BOX_LEFT_A, cx, my) |
		aa_canvas_putc(&c->cv, BOX_LL, px, my);
	if (cx > px + 1)
		r |= aa_canvas_fill(&c->cv, BOX_HB, cx - px - 1, px + 1, my);
	for (size_t y = py + 1; y < my; y++) {
		uint32_t under = aa_canvas_get(&c->cv, px, y);
		if (under == BOX_RIGHT_A)
			continue;
		r |= aa_canvas_putc(&c->cv, under == BOX_LL ? BOX_RIGHT_A :
					    BOX_VB, px, y);
	}
	return r;
}

static int add_leaves(struct container *c, const char *leaves)
{
	struct aa_canvas box = { 0 };
	int r = text_box(&box, leaves, NULL);
	if (r == 0) {
		size_t y = c->y;
		c->y += box.h;
		r = aa_canvas_put_canvas(&c->cv, &box, 5, y) |
		    connect(c, 5, y, box.h);
	}
	aa_canvas_deinit(&box);
	return r;
}

static int add_branch(struct container *c, const struct container *sub)
{
	size_t y = c->y;
	c->y += sub->cv.h;
	return aa_canvas_put_canvas(&c->cv, &sub->cv, 4, y) |
	       connect(c, sub->top_x + 4, sub->top_y + y, sub->top_h);
}

static struct kd_error *build_tree(const struct kd_aa_node *node,
				   struct container *c, size_t depth);

static struct kd_error *build_branches(const struct kd_aa_node *node,
				       struct container *c, size_t depth)
{
	int nomem;
	size_t n;
	struct kd_aa_node **br = select_children(node, 0, &n, &nomem);
	struct kd_error *err = nomem ? &kd_error_nomem : NULL;
	for (size_t i = 0; !err && i < n; i++) {
		struct container sub;
		err = build_tree(br[i], &sub, depth + 1);
		if (err)
			break;
		if (add_branch(c, &sub))
			err = &kd_error_nomem;
		aa_canvas_deinit(&sub.cv);
	}
	free(br);
	return err;
}

/* AA_Node.HorTree(): the node's box, its leaves, then its branches. */
static struct kd_error *build_tree(const struct kd_aa_node *node,
				   struct container *c, size_t depth)
{
	struct aa_canvas box = { 0 };
	int nomem = 0;
	memset(c, 0, sizeof(*c));
	if (depth > KD_AA_MAX_DEPTH)
		return kd_error_create(KD_ERR_LIMIT,
				       "tree deeper than %d levels",
				       KD_AA_MAX_DEPTH);
	if (text_box(&box, node->label, NULL) < 0 ||
	    aa_canvas_put_canvas(&c->cv, &box, 1, 0) < 0)
		nomem = 1;
	c->top_x = 1;
	c->top_h = c->y = box.h;
	aa_canvas_deinit(&box);
	char *leaves = nomem ? NULL : leaves_text(node, &nomem);
	if (leaves && add_leaves(c, leaves) < 0)
		nomem = 1;
	free(leaves);
	struct kd_error *err = nomem ? &kd_error_nomem :
				       build_branches(node, c, depth);
	if (err)
		aa_canvas_deinit(&c->cv);
	return err;
}

struct kd_error *kd_aa_tree_print_boxes(const struct kd_aa_node *root,
					FILE *out)
{
	struct container c;
	struct kd_error *err = build_tree(root, &c, 0);
	if (err)
		return err;
	aa_canvas_print(&c.cv, out);
	aa_canvas_deinit(&c.cv);
	return NULL;
}

struct kd_error *kd_aa_textbox_print(const char *text, const char *header,
				     FILE *out)
{
	struct aa_canvas box = { 0 };
	struct kd_error *err = NULL;
	if (text_box(&box, text, header) < 0)
		err = &kd_error_nomem;
	else
		aa_canvas_print(&box, out);
	aa_canvas_deinit(&box);
	return err;
}

/* ---- frames (EmbeddedFrames) ---- */

struct frame_item {
	struct kd_aa_frame *frame;	/* or NULL for text */
	struct lines text;
};

struct kd_aa_frame {
	uint32_t *title;
	size_t title_len;
	struct frame_item *items;
	size_t n, cap;
};

struct kd_error *kd_aa_frame_create(const char *title,
				    struct kd_aa_frame **ret)
{
	struct kd_aa_frame *f = calloc(1, sizeof(*f));
	if (!f)
		return &kd_error_nomem;
	if (aa_decode(title, strlen(title), &f->title, &f->title_len) < 0) {
		free(f);
		return &kd_error_nomem;
	}
	*ret = f;
	return NULL;
}

void kd_aa_frame_destroy(struct kd_aa_frame *frame)
{
	if (!frame)
		return;
	for (size_t i = 0; i < frame->n; i++) {
		kd_aa_frame_destroy(frame->items[i].frame);
		lines_free(&frame->items[i].text);
	}
	free(frame->items);
	free(frame->title);
	free(frame);
}

static struct frame_item *frame_new_item(struct kd_aa_frame *f)
{
	if (kd_array_reserve(&f->items, &f->cap, f->n + 1))
		return NULL;
	memset(&f->items[f->n], 0, sizeof(f->items[0]));
	return &f->items[f->n];
}

struct kd_error *kd_aa_frame_add_text(struct kd_aa_frame *frame,
				      const char *text)
{
	struct frame_item *it = frame_new_item(frame);
	size_t len = strlen(text);
	while (len && strchr(" \t\n\r\f\v", text[len - 1]))
		len--;			/* text.rstrip() */
	char *copy = strndup(text, len);
	if (!it || !copy || lines_split(copy, &it->text) < 0) {
		free(copy);
		return &kd_error_nomem;
	}
	free(copy);
	frame->n++;
	return NULL;
}

struct kd_error *kd_aa_frame_add_frame(struct kd_aa_frame *frame,
				       struct kd_aa_frame *child)
{
	struct frame_item *it = frame_new_item(frame);
	if (!it) {
		kd_aa_frame_destroy(child);
		return &kd_error_nomem;
	}
	it->frame = child;
	frame->n++;
	return NULL;
}

/* Outer width (getWH): widest of title + 4 and the children, plus 5 for
 * the " | " ... " |" around them. */
static size_t frame_width(const struct kd_aa_frame *f)
{
	size_t w = f->title_len + 4;
	for (size_t i = 0; i < f->n; i++) {
		const struct frame_item *it = &f->items[i];
		size_t cw = it->frame ? frame_width(it->frame) : it->text.width;
		if (cw > w)
			w = cw;
	}
	return w + 5;
}

/* The '|' on both sides of a row inside a frame at column x. */
static int frame_sides(struct aa_canvas *cv, size_t x, size_t width, size_t y)
{
	return aa_canvas_putc(cv, '|', x + 1, y) |
	       aa_canvas_putc(cv, '|', x + width - 1, y);
}

/* " +--title--+" or " +-------+" at (x, y). */
static int frame_rule(struct aa_canvas *cv, const struct kd_aa_frame *f,
		      size_t x, size_t width, size_t y, int with_title)
{
	size_t span = width - 3, tw = with_title ? f->title_len : 0;
	int r = aa_canvas_putc(cv, '+', x + 1, y) |
		aa_canvas_fill(cv, '-', span, x + 2, y) |
		aa_canvas_putc(cv, '+', x + width - 1, y);
	/* format(title, '-^span'): the spare '-' goes right */
	if (tw)
		r |= aa_canvas_put(cv, f->title, tw, x + 2 + (span - tw) / 2, y);
	return r;
}

/* Draw f with its top-left at (x, *y); *y ends below it.  Children sit at
 * x + 3, one empty framed row between two of them. */
static int frame_render(const struct kd_aa_frame *f, struct aa_canvas *cv,
			size_t x, size_t *y)
{
	size_t width = frame_width(f);
	int r = frame_rule(cv, f, x, width, (*y)++, 1);
	for (size_t i = 0; i < f->n; i++) {
		const struct frame_item *it = &f->items[i];
		size_t y0 = *y + (i ? 1 : 0);
		if (i)
			r |= frame_sides(cv, x, width, (*y)++);
		if (it->frame)
			r |= frame_render(it->frame, cv, x + 3, y);
		for (size_t k = 0; !it->frame && k < it->text.n; k++)
			r |= aa_canvas_put(cv, it->text.l[k], it->text.len[k],
					   x + 3, (*y)++);
		for (size_t row = y0; row < *y; row++)
			r |= frame_sides(cv, x, width, row);
	}
	return r | frame_rule(cv, f, x, width, (*y)++, 0);
}

struct kd_error *kd_aa_frame_print(const struct kd_aa_frame *frame, FILE *out)
{
	struct aa_canvas cv = { 0 };
	size_t y = 0;
	struct kd_error *err = NULL;
	if (frame_render(frame, &cv, 0, &y))
		err = &kd_error_nomem;
	else
		aa_canvas_print(&cv, out);
	aa_canvas_deinit(&cv);
	return err;
}
