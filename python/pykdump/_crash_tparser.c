// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * C text parsers (include/pykdump/tparser.h) for pykdump/tparser.py's
 * CDefine and CEnum:
 *
 *   parse_cdefine(text, long_size=0) -> (entries, skipped)
 *   parse_cenum(text, long_size=0)   -> (tag or None, entries)
 *
 * entries: [(name, value, line), ...] in text order; skipped: the
 * defines that are not numeric, [(name, line, reason), ...].  long_size
 * is sizeof(long) of the dumped machine (0: 8, the x86_64 value).  A text
 * that cannot be parsed raises crash.InvalidError naming the line.
 */
#include "_crash.h"

#include <pykdump/tparser.h>

typedef struct kd_error *parse_fn(const char *text, size_t len,
				  unsigned long_size,
				  struct kd_cconsts **ret);

static PyObject *const_value(const struct kd_cconst *c)
{
	if (c->is_unsigned)
		return PyLong_FromUnsignedLongLong((unsigned long long)c->value);
	return PyLong_FromLongLong(c->value);
}

static PyObject *entries_list(const struct kd_cconsts *t)
{
	size_t n = kd_cconsts_count(t);
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		const struct kd_cconst *c = kd_cconsts_at(t, i);
		PyObject *value = const_value(c);
		PyObject *item = value ? Py_BuildValue("(sNI)", c->name, value,
						       c->line) : NULL;
		if (!item)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, (Py_ssize_t)i, item);
	}
	return list;
}

static PyObject *skipped_list(const struct kd_cconsts *t)
{
	size_t n = kd_cconsts_nskipped(t);
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		const struct kd_cskip *s = kd_cconsts_skipped(t, i);
		PyObject *item = Py_BuildValue("(sIs)", s->name, s->line,
					       s->reason);
		if (!item)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, (Py_ssize_t)i, item);
	}
	return list;
}

static struct kd_cconsts *parse(PyObject *args, PyObject *kwargs,
				const char *fmt, parse_fn *fn)
{
	static char *kwlist[] = { "text", "long_size", NULL };
	const char *text;
	Py_ssize_t len;
	unsigned int long_size = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, fmt, kwlist, &text,
					 &len, &long_size))
		return NULL;
	if (long_size != 0 && long_size != 4 && long_size != 8) {
		PyErr_Format(PyExc_ValueError,
			     "long_size %u: sizeof(long) is 4 or 8", long_size);
		return NULL;
	}
	struct kd_cconsts *t;
	struct kd_error *err = fn(text, (size_t)len, long_size, &t);
	if (err) {
		kdpy_raise(err);
		return NULL;
	}
	return t;
}

static PyObject *parse_cdefine(PyObject *self, PyObject *args,
			       PyObject *kwargs)
{
	(void)self;
	struct kd_cconsts *t = parse(args, kwargs, "s#|I:parse_cdefine",
				     kd_cdefine_parse);
	if (!t)
		return NULL;
	PyObject *entries = entries_list(t);
	PyObject *skipped = entries ? skipped_list(t) : NULL;
	kd_cconsts_destroy(t);
	if (!skipped) {
		Py_XDECREF(entries);
		return NULL;
	}
	return Py_BuildValue("(NN)", entries, skipped);
}

static PyObject *parse_cenum(PyObject *self, PyObject *args, PyObject *kwargs)
{
	(void)self;
	struct kd_cconsts *t = parse(args, kwargs, "s#|I:parse_cenum",
				     kd_cenum_parse);
	if (!t)
		return NULL;
	PyObject *entries = entries_list(t);
	PyObject *r = entries ? Py_BuildValue("(zN)", kd_cconsts_tag(t),
					      entries) : NULL;
	kd_cconsts_destroy(t);
	return r;
}

static PyMethodDef tparser_methods[] = {
	{ "parse_cdefine", KDPY_KWFUNC(parse_cdefine),
	  METH_VARARGS | METH_KEYWORDS,
	  "parse_cdefine(text, long_size=0)\n--\n\n"
	  "A block of #define lines -> ([(name, value, line)], "
	  "[(name, line, reason)] of the non-numeric ones)." },
	{ "parse_cenum", KDPY_KWFUNC(parse_cenum),
	  METH_VARARGS | METH_KEYWORDS,
	  "parse_cenum(text, long_size=0)\n--\n\n"
	  "One C enum declaration -> (tag or None, [(name, value, line)])." },
	{ NULL, NULL, 0, NULL },
};

int kdpy_tparser_init(PyObject *m)
{
	return PyModule_AddFunctions(m, tparser_methods);
}
