/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ASCII art for tree-like structures (the seed's Misc.py: AA_Node,
 * Box, BoxContainer, EmbeddedFrames).
 *
 * Trees: a node has a tag (a label, or a number that sorts as a number)
 * and children.  Drawing follows the original:
 *   - children without children of their own are "leaves"; their tags are
 *     deduplicated, sorted and shown together: five per line joined by
 *     ',' (at most 20), else "N pids in this group";
 *   - the other children are "branches", drawn sorted by tag, below the
 *     leaves.
 * kd_aa_tree_print() indents by two spaces a level, the leaves between
 * "  -------" rules:
 *
 *   1
 *     -------
 *     2,3
 *     -------
 *     4
 *       -------
 *       5
 *       -------
 *
 * kd_aa_tree_print_boxes() draws the tree growing to the right, each tag
 * and each leaf group in a box (Unicode box-drawing characters), every
 * box joined to its parent's bottom by lines.
 *
 * Frames (EmbeddedFrames): a titled frame holding text blocks and other
 * frames, drawn " +---title---+" / " | text |" / " +-----+".
 *
 * Widths count Unicode code points of UTF-8 text (invalid bytes count one
 * each and print as U+FFFD).  Output goes to the stream given, each line
 * ending in '\n', as print(str(obj)) would show it.  Not thread-safe per
 * tree.
 */
#ifndef PYKDUMP_ASCIIART_H
#define PYKDUMP_ASCIIART_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pykdump/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Trees deeper than this are refused (KD_ERR_LIMIT) rather than drawn. */
#define KD_AA_MAX_DEPTH 1000

struct kd_aa_node;

/* A node tagged with a label (copied); parent may be NULL for a root, else
 * the node becomes its child. */
KD_PUBLIC struct kd_error *kd_aa_node_create(const char *label,
					     struct kd_aa_node *parent,
					     struct kd_aa_node **ret);
/* A node tagged with a number (e.g. a pid): shown in decimal, sorted as a
 * number, before any label-tagged sibling. */
KD_PUBLIC struct kd_error *kd_aa_node_create_num(int64_t num,
						 struct kd_aa_node *parent,
						 struct kd_aa_node **ret);
/* Free node and its subtree, detaching it from its parent. */
KD_PUBLIC void kd_aa_node_destroy(struct kd_aa_node *node);

KD_PUBLIC const char *kd_aa_node_label(const struct kd_aa_node *node);
KD_PUBLIC struct kd_aa_node *kd_aa_node_parent(const struct kd_aa_node *node);
KD_PUBLIC size_t kd_aa_node_nchildren(const struct kd_aa_node *node);
/* Children in the order they were added. */
KD_PUBLIC struct kd_aa_node *kd_aa_node_child(const struct kd_aa_node *node,
					      size_t i);

/*
 * AA_Node.glue(): put node in branch in place of branch's child that has
 * the same tag (the last one added).  node is first detached from any
 * parent.  Returns the child it replaced, now detached and owned by the
 * caller (to destroy), or NULL when branch has no such child (nothing
 * changes then).
 */
KD_PUBLIC struct kd_aa_node *kd_aa_node_glue(struct kd_aa_node *node,
					     struct kd_aa_node *branch);

/* The indented form (str(AA_Node)). */
KD_PUBLIC struct kd_error *kd_aa_tree_print(const struct kd_aa_node *root,
					    FILE *out);
/* The boxed form growing to the right (AA_Node.HorTree()). */
KD_PUBLIC struct kd_error *kd_aa_tree_print_boxes(const struct kd_aa_node *root,
						  FILE *out);
/* One box around text (Box.TextBox); header (may be NULL) is drawn above
 * a separator line inside the box. */
KD_PUBLIC struct kd_error *kd_aa_textbox_print(const char *text,
					       const char *header, FILE *out);

struct kd_aa_frame;

KD_PUBLIC struct kd_error *kd_aa_frame_create(const char *title,
					      struct kd_aa_frame **ret);
/* Frees the frame and the frames added to it. */
KD_PUBLIC void kd_aa_frame_destroy(struct kd_aa_frame *frame);
/* A block of text (trailing white space dropped, split at '\n'). */
KD_PUBLIC struct kd_error *kd_aa_frame_add_text(struct kd_aa_frame *frame,
						const char *text);
/* Nest child in frame, which takes ownership of it (also on error). */
KD_PUBLIC struct kd_error *kd_aa_frame_add_frame(struct kd_aa_frame *frame,
						 struct kd_aa_frame *child);
KD_PUBLIC struct kd_error *kd_aa_frame_print(const struct kd_aa_frame *frame,
					     FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* PYKDUMP_ASCIIART_H */
