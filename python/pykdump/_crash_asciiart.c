// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ASCII art (include/pykdump/asciiart.h) for pykdump/Misc.py.
 *
 * Misc.py keeps the original's Python objects (AA_Node with its children
 * set and tags dict, EmbeddedFrames ...) so programs can build and
 * inspect them as before; only drawing is done here.  The objects are
 * handed over as plain nested tuples:
 *
 *   tree   (tag, (tree, ...))       tag: an int (drawn in decimal, sorted
 *                                   as a number) or anything else (drawn
 *                                   and sorted as str(tag))
 *   frame  (title, (item, ...))     item: a str (a block of text) or a frame
 *
 *   aa_tree_str(tree)          str(AA_Node): the indented form
 *   aa_tree_boxes(tree)        AA_Node.HorTree(): boxes growing right
 *   aa_textbox(text, header=None)   Box.TextBox
 *   aa_frame_str(frame)        str(EmbeddedFrames)
 *
 * Trees and frames deeper than KD_AA_MAX_DEPTH raise crash.error.
 */
#include "_crash.h"

#include <pykdump/asciiart.h>

/* An int that prints as an int (not bool, not StructResult & co., whose
 * str() is their own) is tagged as a number. */
static int is_plain_int(PyObject *o)
{
	PyTypeObject *t = Py_TYPE(o);
	return PyLong_Check(o) && t->tp_repr == PyLong_Type.tp_repr &&
	       t->tp_str == PyLong_Type.tp_str;
}

static struct kd_error *node_for_tag(PyObject *tag, struct kd_aa_node *parent,
				     struct kd_aa_node **ret, int *pyerr)
{
	if (is_plain_int(tag)) {
		int overflow;
		long long num = PyLong_AsLongLongAndOverflow(tag, &overflow);
		if (num == -1 && PyErr_Occurred()) {
			*pyerr = 1;
			return NULL;
		}
		if (!overflow)
			return kd_aa_node_create_num(num, parent, ret);
	}
	PyObject *s = PyObject_Str(tag);
	const char *label = s ? PyUnicode_AsUTF8(s) : NULL;
	if (!label) {
		Py_XDECREF(s);
		*pyerr = 1;
		return NULL;
	}
	struct kd_error *err = kd_aa_node_create(label, parent, ret);
	Py_DECREF(s);
	return err;
}

/* Unpack a (first, (items...)) pair; items is a new reference to a tuple
 * or list (a fast sequence). */
static int unpack_pair(PyObject *spec, const char *what, PyObject **first,
		       PyObject **items)
{
	if (!PyTuple_Check(spec) || PyTuple_GET_SIZE(spec) != 2) {
		PyErr_Format(PyExc_TypeError, "a %s is a (%s, children) tuple",
			     what, what[0] == 't' ? "tag" : "title");
		return -1;
	}
	*first = PyTuple_GET_ITEM(spec, 0);
	*items = PySequence_Fast(PyTuple_GET_ITEM(spec, 1),
				 "children must be a sequence");
	return *items ? 0 : -1;
}

/* Build spec's node under parent (NULL: a root, returned in *ret). */
static int build_node(PyObject *spec, struct kd_aa_node *parent,
		      struct kd_aa_node **ret, int depth)
{
	PyObject *tag, *kids;
	if (depth > KD_AA_MAX_DEPTH) {
		PyErr_Format(kdpy_Error, "tree deeper than %d levels",
			     KD_AA_MAX_DEPTH);
		return -1;
	}
	if (unpack_pair(spec, "tree", &tag, &kids) < 0)
		return -1;
	int pyerr = 0, r = -1;
	struct kd_aa_node *node = NULL;
	struct kd_error *err = node_for_tag(tag, parent, &node, &pyerr);
	if (err)
		kdpy_raise(err);
	else if (!pyerr)
		r = 0;
	for (Py_ssize_t i = 0; r == 0 && i < PySequence_Fast_GET_SIZE(kids);
	     i++) {
		struct kd_aa_node *child;
		r = build_node(PySequence_Fast_GET_ITEM(kids, i), node, &child,
			       depth + 1);
	}
	Py_DECREF(kids);
	if (!parent && r < 0)
		kd_aa_node_destroy(node);
	if (ret)
		*ret = node;
	return r;
}

typedef struct kd_error *tree_print_fn(const struct kd_aa_node *root,
				       FILE *out);

struct tree_job {
	struct kd_aa_node *root;
	tree_print_fn *print;
};

static struct kd_error *print_tree(FILE *out, void *arg)
{
	struct tree_job *job = arg;
	return job->print(job->root, out);
}

static PyObject *draw_tree(PyObject *spec, tree_print_fn *print)
{
	struct tree_job job = { .print = print };
	if (build_node(spec, NULL, &job.root, 0) < 0)
		return NULL;
	PyObject *s = kdpy_capture(print_tree, &job);
	kd_aa_node_destroy(job.root);
	return s;
}

static PyObject *aa_tree_str(PyObject *self, PyObject *spec)
{
	(void)self;
	return draw_tree(spec, kd_aa_tree_print);
}

static PyObject *aa_tree_boxes(PyObject *self, PyObject *spec)
{
	(void)self;
	return draw_tree(spec, kd_aa_tree_print_boxes);
}

struct textbox_job {
	const char *text, *header;
};

static struct kd_error *print_textbox(FILE *out, void *arg)
{
	struct textbox_job *job = arg;
	return kd_aa_textbox_print(job->text, job->header, out);
}

static PyObject *aa_textbox(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "text", "header", NULL };
	struct textbox_job job = { NULL, NULL };
	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s|z:aa_textbox",
					 kwlist, &job.text, &job.header))
		return NULL;
	return kdpy_capture(print_textbox, &job);
}

static int build_frame(PyObject *spec, struct kd_aa_frame **ret, int depth);

/* Add one item of a frame: a str is text, anything else a nested frame. */
static int add_frame_item(struct kd_aa_frame *frame, PyObject *item, int depth)
{
	struct kd_error *err;
	if (PyUnicode_Check(item)) {
		const char *text = PyUnicode_AsUTF8(item);
		if (!text)
			return -1;
		err = kd_aa_frame_add_text(frame, text);
	} else {
		struct kd_aa_frame *child;
		if (build_frame(item, &child, depth + 1) < 0)
			return -1;
		err = kd_aa_frame_add_frame(frame, child);
	}
	if (err) {
		kdpy_raise(err);
		return -1;
	}
	return 0;
}

static int build_frame(PyObject *spec, struct kd_aa_frame **ret, int depth)
{
	PyObject *title_obj, *items;
	if (depth > KD_AA_MAX_DEPTH) {
		PyErr_Format(kdpy_Error, "frames nested deeper than %d",
			     KD_AA_MAX_DEPTH);
		return -1;
	}
	if (unpack_pair(spec, "frame", &title_obj, &items) < 0)
		return -1;
	PyObject *title_str = PyObject_Str(title_obj);
	const char *title = title_str ? PyUnicode_AsUTF8(title_str) : NULL;
	struct kd_aa_frame *frame = NULL;
	int r = -1;
	if (title) {
		struct kd_error *err = kd_aa_frame_create(title, &frame);
		if (err)
			kdpy_raise(err);
		else
			r = 0;
	}
	for (Py_ssize_t i = 0; r == 0 && i < PySequence_Fast_GET_SIZE(items);
	     i++)
		r = add_frame_item(frame, PySequence_Fast_GET_ITEM(items, i),
				   depth);
	Py_XDECREF(title_str);
	Py_DECREF(items);
	if (r < 0)
		kd_aa_frame_destroy(frame);
	else
		*ret = frame;
	return r;
}

static struct kd_error *print_frame(FILE *out, void *arg)
{
	return kd_aa_frame_print(arg, out);
}

static PyObject *aa_frame_str(PyObject *self, PyObject *spec)
{
	(void)self;
	struct kd_aa_frame *frame;
	if (build_frame(spec, &frame, 0) < 0)
		return NULL;
	PyObject *s = kdpy_capture(print_frame, frame);
	kd_aa_frame_destroy(frame);
	return s;
}

static PyMethodDef asciiart_methods[] = {
	{ "aa_tree_str", aa_tree_str, METH_O,
	  "aa_tree_str(tree)\n--\n\n"
	  "The indented drawing of a (tag, (subtree, ...)) tree." },
	{ "aa_tree_boxes", aa_tree_boxes, METH_O,
	  "aa_tree_boxes(tree)\n--\n\n"
	  "The boxed drawing of a tree, growing to the right." },
	{ "aa_textbox", KDPY_KWFUNC(aa_textbox), METH_VARARGS | METH_KEYWORDS,
	  "aa_textbox(text, header=None)\n--\n\nText in a box." },
	{ "aa_frame_str", aa_frame_str, METH_O,
	  "aa_frame_str(frame)\n--\n\n"
	  "The drawing of a (title, (text or frame, ...)) frame." },
	{ NULL, NULL, 0, NULL },
};

int kdpy_asciiart_init(PyObject *m)
{
	return PyModule_AddFunctions(m, asciiart_methods);
}
