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
};

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
