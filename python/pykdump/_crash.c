// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module pykdump._crash, also importable as `crash` (the original C
 * module's name; pykdump/__init__.py and build/python/crash.py alias it).
 * This file only creates the module and sets up its parts in order (see
 * _crash.h for how to add one); the parts live in _crash_<part>.c.
 */
#include "_crash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct kdpy_part {
	const char *name;
	int (*init)(PyObject *m);
} parts[] = {
	/* error first: every other part may raise. */
	{ "error", kdpy_error_init },
	{ "consts", kdpy_consts_init },
	{ "session", kdpy_session_init },
	{ "log", kdpy_log_init },
	{ "memocache", kdpy_memocache_init },
	{ "tparser", kdpy_tparser_init },
	{ "asciiart", kdpy_asciiart_init },
	{ "reader", kdpy_reader_init },
	{ "value", kdpy_value_init },
	{ "struct", kdpy_struct_init },
	{ "tptr", kdpy_tptr_init },
	{ "mem", kdpy_mem_init },
	{ "vm", kdpy_vm_init },
	{ "kobj", kdpy_kobj_init },
	{ "kmem", kdpy_kmem_init },
	{ "exec", kdpy_exec_init },
	{ "kernel", kdpy_kernel_init },
	{ "diag", kdpy_diag_init },
};

/* Where the C data of an int subclass sits: after room for the digits of
 * any value up to 2**90 (we store 64-bit addresses). */
static Py_ssize_t intsub_offset(void)
{
	Py_ssize_t off = PyLong_Type.tp_basicsize + 3 * PyLong_Type.tp_itemsize;
	return (off + 7) & ~(Py_ssize_t)7;
}

Py_ssize_t kdpy_intsub_offset;

int kdpy_intsub_ready(PyTypeObject *type)
{
	kdpy_intsub_offset = intsub_offset();
	type->tp_base = &PyLong_Type;
	type->tp_basicsize = intsub_offset() + sizeof(struct kdpy_intsub_data);
	type->tp_itemsize = PyLong_Type.tp_itemsize;
	return PyType_Ready(type);
}

/* A new instance of int subclass type holding v.  CPython <= 3.11 ints
 * are a signed digit count plus PyLong_SHIFT-bit digits, least
 * significant first: we fill them directly (this is the hot path of list
 * walks and readSU).  Later layouts go through int's constructor. */
static PyObject *intsub_alloc(PyTypeObject *type, uint64_t v)
{
#if PY_VERSION_HEX < 0x030C0000
	_Static_assert(3 * PyLong_SHIFT >= 64, "3 digits hold an address");
	digit d[3];
	Py_ssize_t n = 0;
	for (; v; v >>= PyLong_SHIFT)
		d[n++] = (digit)(v & PyLong_MASK);
	PyObject *o = type->tp_alloc(type, n);
	if (!o)
		return NULL;
	Py_SET_SIZE(o, n);
	memcpy(((PyLongObject *)o)->ob_digit, d, (size_t)n * sizeof(digit));
	return o;
#else
	PyObject *val = PyLong_FromUnsignedLongLong(v);
	if (!val)
		return NULL;
	PyObject *args = PyTuple_Pack(1, val);
	Py_DECREF(val);
	if (!args)
		return NULL;
	PyObject *o = PyLong_Type.tp_new(type, args, NULL);
	Py_DECREF(args);
	return o;
#endif
}

PyObject *kdpy_intsub_new(PyTypeObject *type, uint64_t v,
			  struct kdpy_reader *r)
{
	PyObject *o = intsub_alloc(type, v);
	if (!o)
		return NULL;
	Py_XINCREF(r);
	struct kdpy_intsub_data *d = kdpy_intsub_data(o);
	d->r = r;
	d->buf = NULL;
	d->value = v;
	d->reads = 0;
	return o;
}

void kdpy_intsub_dealloc(PyObject *o)
{
	kdpy_structbuf_free(kdpy_intsub_data(o));
	Py_CLEAR(kdpy_intsub_data(o)->r);
	Py_TYPE(o)->tp_free(o);
}

int kdpy_add_type(PyObject *m, PyTypeObject *type)
{
	if (PyType_Ready(type) < 0)
		return -1;
	const char *dot = strrchr(type->tp_name, '.');
	return PyModule_AddObjectRef(m, dot ? dot + 1 : type->tp_name,
				     (PyObject *)type);
}

PyObject *kdpy_capture(kdpy_print_fn *print_fn, void *arg)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	if (!out)
		return PyErr_NoMemory();
	struct kd_error *err = print_fn(out, arg);
	int close_failed = fclose(out) != 0;
	if (err) {
		free(buf);
		return kdpy_raise(err);
	}
	if (close_failed) {
		free(buf);
		return PyErr_NoMemory();
	}
	PyObject *s = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)size, "replace");
	free(buf);
	return s;
}

PyDoc_STRVAR(module_doc,
"The C part of the PyKdump API over the pykdump engine.\n"
"\n"
"Also importable as `crash`, the name programs written for PyKdump use.\n"
"crash.error is the base of every exception raised here.");

static struct PyModuleDef crash_module = {
	PyModuleDef_HEAD_INIT,
	.m_name = "pykdump._crash",
	.m_doc = module_doc,
	.m_size = -1,
};

PyMODINIT_FUNC PyInit__crash(void)
{
	PyObject *m = PyModule_Create(&crash_module);
	if (!m)
		return NULL;
	if (PyModule_AddStringConstant(m, "version", KDPY_VERSION) < 0)
		goto out_module;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i].init(m) == 0)
			continue;
		if (!PyErr_Occurred())
			PyErr_Format(PyExc_ImportError,
				     "pykdump._crash: setting up %s failed",
				     parts[i].name);
		goto out_module;
	}
	return m;

out_module:
	Py_DECREF(m);
	return NULL;
}
