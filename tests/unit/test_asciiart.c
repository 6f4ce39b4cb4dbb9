// SPDX-License-Identifier: GPL-2.0-or-later
/* ASCII art: trees indented and boxed, text boxes and frames, drawn as
 * PyKdump's Misc.py draws them (expected texts checked against a
 * re-statement of its drawing rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pykdump/asciiart.h>

typedef struct kd_error *print_fn(const struct kd_aa_node *, FILE *);

static char *render(print_fn *fn, const struct kd_aa_node *root)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	struct kd_error *err = fn(root, out);
	fclose(out);
	if (err)
		fail_msg("unexpected error: %s", err->message);
	return buf;
}

static void assert_drawn(print_fn *fn, const struct kd_aa_node *root,
			 const char *want)
{
	char *got = render(fn, root);
	assert_string_equal(got, want);
	free(got);
}

static struct kd_aa_node *num(int64_t n, struct kd_aa_node *parent)
{
	struct kd_aa_node *node;
	assert_null(kd_aa_node_create_num(n, parent, &node));
	return node;
}

static struct kd_aa_node *lbl(const char *s, struct kd_aa_node *parent)
{
	struct kd_aa_node *node;
	assert_null(kd_aa_node_create(s, parent, &node));
	return node;
}

/* 1 -> {3, 2, 4 -> {5}, 6 -> {10..16, 7 -> {8}}}, added out of order. */
static struct kd_aa_node *pid_tree(void)
{
	struct kd_aa_node *r = num(1, NULL);
	num(3, r);
	num(2, r);
	num(5, num(4, r));
	struct kd_aa_node *n6 = num(6, r);
	for (int i = 16; i >= 10; i--)
		num(i, n6);
	num(8, num(7, n6));
	return r;
}

static const char pid_indent[] =
	"1\n"
	"  -------\n"
	"  2,3\n"
	"  -------\n"
	"  4\n"
	"    -------\n"
	"    5\n"
	"    -------\n"
	"  6\n"
	"    -------\n"
	"    10,11,12,13,14\n"
	"    15,16\n"
	"    -------\n"
	"    7\n"
	"      -------\n"
	"      8\n"
	"      -------\n"
;

static const char pid_boxes[] =
	" ┌─┐\n"
	" │1│\n"
	" └─┬\n"
	"   │ ┌───┐\n"
	"   ├─┤2,3│\n"
	"   │ └───┘\n"
	"   │ ┌─┐\n"
	"   ├─┤4│\n"
	"   │ └─┬\n"
	"   │   │ ┌─┐\n"
	"   │   └─┤5│\n"
	"   │     └─┘\n"
	"   │ ┌─┐\n"
	"   └─┤6│\n"
	"     └─┬\n"
	"       │ ┌──────────────┐\n"
	"       │ │10,11,12,13,14│\n"
	"       ├─┤15,16         │\n"
	"       │ └──────────────┘\n"
	"       │ ┌─┐\n"
	"       └─┤7│\n"
	"         └─┬\n"
	"           │ ┌─┐\n"
	"           └─┤8│\n"
	"             └─┘\n"
;

static void test_pid_tree(void **state)
{
	(void)state;
	struct kd_aa_node *r = pid_tree();
	assert_drawn(kd_aa_tree_print, r, pid_indent);
	assert_drawn(kd_aa_tree_print_boxes, r, pid_boxes);
	kd_aa_node_destroy(r);
}

/* Labels: multi-line, duplicate leaves, more than 20 leaves, sorting by
 * text. */
static struct kd_aa_node *proc_tree(void)
{
	struct kd_aa_node *r = lbl("systemd\n(pid 1)", NULL);
	lbl("cron", r);
	lbl("agetty", r);
	lbl("agetty", r);	/* same tag: shown once */
	struct kd_aa_node *sshd = lbl("sshd", r);
	for (int i = 100; i < 125; i++)
		num(i, sshd);
	struct kd_aa_node *k = lbl("kthreadd", r);
	lbl("kworker/0:1", k);
	lbl("rcu_gp", lbl("rcu", k));
	return r;
}

static const char proc_indent[] =
	"systemd\n"
	"(pid 1)\n"
	"  -------\n"
	"  agetty,cron\n"
	"  -------\n"
	"  kthreadd\n"
	"    -------\n"
	"    kworker/0:1\n"
	"    -------\n"
	"    rcu\n"
	"      -------\n"
	"      rcu_gp\n"
	"      -------\n"
	"  sshd\n"
	"    -------\n"
	"    25 pids in this group\n"
	"    -------\n"
;

static const char proc_boxes[] =
	" ┌───────┐\n"
	" │systemd│\n"
	" │(pid 1)│\n"
	" └─┬─────┘\n"
	"   │ ┌───────────┐\n"
	"   ├─┤agetty,cron│\n"
	"   │ └───────────┘\n"
	"   │ ┌────────┐\n"
	"   ├─┤kthreadd│\n"
	"   │ └─┬──────┘\n"
	"   │   │ ┌───────────┐\n"
	"   │   ├─┤kworker/0:1│\n"
	"   │   │ └───────────┘\n"
	"   │   │ ┌───┐\n"
	"   │   └─┤rcu│\n"
	"   │     └─┬─┘\n"
	"   │       │ ┌──────┐\n"
	"   │       └─┤rcu_gp│\n"
	"   │         └──────┘\n"
	"   │ ┌────┐\n"
	"   └─┤sshd│\n"
	"     └─┬──┘\n"
	"       │ ┌─────────────────────┐\n"
	"       └─┤25 pids in this group│\n"
	"         └─────────────────────┘\n"
;

static void test_proc_tree(void **state)
{
	(void)state;
	struct kd_aa_node *r = proc_tree();
	assert_drawn(kd_aa_tree_print, r, proc_indent);
	assert_drawn(kd_aa_tree_print_boxes, r, proc_boxes);
	kd_aa_node_destroy(r);
}

static void test_leaf_rows(void **state)
{
	(void)state;
	/* Exactly 20 leaves are listed, five a line; a lone root is a box. */
	struct kd_aa_node *r = lbl("p", NULL);
	assert_drawn(kd_aa_tree_print, r, "p\n");
	assert_drawn(kd_aa_tree_print_boxes, r, " ┌─┐\n │p│\n └─┘\n");
	for (int i = 1; i <= 20; i++)
		num(i, r);
	assert_drawn(kd_aa_tree_print, r,
		     "p\n"
		     "  -------\n"
		     "  1,2,3,4,5\n"
		     "  6,7,8,9,10\n"
		     "  11,12,13,14,15\n"
		     "  16,17,18,19,20\n"
		     "  -------\n");
	num(21, r);
	assert_drawn(kd_aa_tree_print, r,
		     "p\n"
		     "  -------\n"
		     "  21 pids in this group\n"
		     "  -------\n");
	kd_aa_node_destroy(r);

	/* Numbers sort as numbers, before labels; negative numbers too. */
	r = lbl("root", NULL);
	lbl("b", r);
	num(10, r);
	lbl("a", r);
	num(-3, r);
	num(9, r);
	assert_drawn(kd_aa_tree_print, r,
		     "root\n  -------\n  -3,9,10,a,b\n  -------\n");
	kd_aa_node_destroy(r);
}

static void test_unicode_and_blank_lines(void **state)
{
	(void)state;
	/* Widths count code points; blank label lines are not indented. */
	struct kd_aa_node *r = lbl("αβγ", NULL);
	struct kd_aa_node *c = lbl("x\n\ny", r);
	lbl("δ", c);
	assert_drawn(kd_aa_tree_print, r,
		     "αβγ\n  x\n\n  y\n    -------\n    δ\n    -------\n");
	assert_drawn(kd_aa_tree_print_boxes, r,
		     " ┌───┐\n"
		     " │αβγ│\n"
		     " └─┬─┘\n"
		     "   │ ┌─┐\n"
		     "   │ │x│\n"
		     "   └─┤ │\n"
		     "     │y│\n"
		     "     └─┬\n"
		     "       │ ┌─┐\n"
		     "       └─┤δ│\n"
		     "         └─┘\n");
	kd_aa_node_destroy(r);
	/* Invalid UTF-8 counts one column a byte and prints U+FFFD. */
	r = lbl("a\xff", NULL);
	assert_drawn(kd_aa_tree_print_boxes, r,
		     " ┌──┐\n │a\xef\xbf\xbd│\n └──┘\n");
	kd_aa_node_destroy(r);
}

static void test_node_api(void **state)
{
	(void)state;
	struct kd_aa_node *r = lbl("r", NULL), *a = lbl("a", r);
	struct kd_aa_node *b = num(7, r);
	assert_null(kd_aa_node_parent(r));
	assert_ptr_equal(kd_aa_node_parent(a), r);
	assert_int_equal(kd_aa_node_nchildren(r), 2);
	assert_ptr_equal(kd_aa_node_child(r, 0), a);
	assert_ptr_equal(kd_aa_node_child(r, 1), b);
	assert_null(kd_aa_node_child(r, 2));
	assert_string_equal(kd_aa_node_label(b), "7");
	kd_aa_node_destroy(a);		/* detaches from r */
	assert_int_equal(kd_aa_node_nchildren(r), 1);
	assert_ptr_equal(kd_aa_node_child(r, 0), b);
	kd_aa_node_destroy(r);
	kd_aa_node_destroy(NULL);
}

static void test_glue(void **state)
{
	(void)state;
	/* A branch built on its own replaces the leaf with its tag. */
	struct kd_aa_node *r = num(1, NULL);
	num(2, r);
	struct kd_aa_node *three = num(3, r);
	struct kd_aa_node *branch = num(3, NULL);
	num(30, branch);
	num(31, branch);
	struct kd_aa_node *old = kd_aa_node_glue(branch, r);
	assert_ptr_equal(old, three);
	assert_null(kd_aa_node_parent(old));
	assert_ptr_equal(kd_aa_node_parent(branch), r);
	assert_int_equal(kd_aa_node_nchildren(r), 2);
	assert_ptr_equal(kd_aa_node_child(r, 1), branch);
	kd_aa_node_destroy(old);
	assert_drawn(kd_aa_tree_print, r,
		     "1\n  -------\n  2\n  -------\n"
		     "  3\n    -------\n    30,31\n    -------\n");
	/* No child with that tag: nothing changes. */
	struct kd_aa_node *lone = num(99, NULL);
	assert_null(kd_aa_node_glue(lone, r));
	assert_null(kd_aa_node_parent(lone));
	assert_int_equal(kd_aa_node_nchildren(r), 2);
	kd_aa_node_destroy(lone);
	/* A node moved from elsewhere is detached from its old parent. */
	struct kd_aa_node *other = num(50, NULL);
	struct kd_aa_node *two = num(2, other);
	old = kd_aa_node_glue(two, r);
	assert_non_null(old);
	assert_int_equal(kd_aa_node_nchildren(other), 0);
	assert_ptr_equal(kd_aa_node_child(r, 0), two);
	kd_aa_node_destroy(old);
	kd_aa_node_destroy(other);
	kd_aa_node_destroy(r);
}

static void test_depth_limit(void **state)
{
	(void)state;
	/* A chain deeper than the limit is refused, not drawn, and frees
	 * without recursion. */
	struct kd_aa_node *r = num(0, NULL), *n = r;
	for (int i = 1; i <= KD_AA_MAX_DEPTH + 5; i++)
		n = num(i, n);
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	struct kd_error *err = kd_aa_tree_print(r, out);
	assert_int_equal(err->code, KD_ERR_LIMIT);
	kd_error_destroy(err);
	err = kd_aa_tree_print_boxes(r, out);
	assert_int_equal(err->code, KD_ERR_LIMIT);
	kd_error_destroy(err);
	fclose(out);
	free(buf);
	kd_aa_node_destroy(r);

	/* A long deep chain of 100000 frees fine too. */
	r = n = num(0, NULL);
	for (int i = 1; i < 100000; i++)
		n = num(i, n);
	kd_aa_node_destroy(r);
}

static const char textbox[] =
	"┌──────┐\n"
	"│Header│\n"
	"├──────┤\n"
	"│hello │\n"
	"│world!│\n"
	"└──────┘\n"
;

static const char frame[] =
	" +---------Top----------+\n"
	" | line one             |\n"
	" | line 2               |\n"
	" |                      |\n"
	" |  +---Inner frame---+ |\n"
	" |  | x               | |\n"
	" |  +-----------------+ |\n"
	" |                      |\n"
	" | tail                 |\n"
	" +----------------------+\n"
;

static void test_textbox(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	assert_null(kd_aa_textbox_print("hello\nworld!", "Header", out));
	assert_null(kd_aa_textbox_print("", NULL, out));
	assert_null(kd_aa_textbox_print("a\n", NULL, out));
	fclose(out);
	char want[1024];
	snprintf(want, sizeof(want), "%s%s%s", textbox,
		 "┌┐\n││\n└┘\n", "┌─┐\n│a│\n└─┘\n");
	assert_string_equal(buf, want);
	free(buf);
}

static void test_frames(void **state)
{
	(void)state;
	struct kd_aa_frame *f, *g, *e;
	assert_null(kd_aa_frame_create("Top", &f));
	assert_null(kd_aa_frame_add_text(f, "line one\nline 2\n"));
	assert_null(kd_aa_frame_create("Inner frame", &g));
	assert_null(kd_aa_frame_add_text(g, "x"));
	assert_null(kd_aa_frame_add_frame(f, g));
	assert_null(kd_aa_frame_add_text(f, "tail"));
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	assert_null(kd_aa_frame_print(f, out));
	/* An empty frame: its title line and its bottom line. */
	assert_null(kd_aa_frame_create("Empty", &e));
	assert_null(kd_aa_frame_print(e, out));
	fclose(out);
	char want[2048];
	snprintf(want, sizeof(want), "%s%s", frame,
		 " +---Empty---+\n +-----------+\n");
	assert_string_equal(buf, want);
	free(buf);
	kd_aa_frame_destroy(e);
	kd_aa_frame_destroy(f);
	kd_aa_frame_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pid_tree),
		cmocka_unit_test(test_proc_tree),
		cmocka_unit_test(test_leaf_rows),
		cmocka_unit_test(test_unicode_and_blank_lines),
		cmocka_unit_test(test_node_api),
		cmocka_unit_test(test_glue),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_textbox),
		cmocka_unit_test(test_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
