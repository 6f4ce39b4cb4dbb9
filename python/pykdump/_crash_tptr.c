// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tPtr: a typed pointer that is not a pointer to a struct (those read as
 * StructResult) nor to char (SmartString).  An int (the pointer value)
 * carrying the pointer type's reader: .Deref reads what it points to,
 * p[i] the i-th element, .ptype names the pointed-to type and .ptrlev
 * counts the levels of indirection.
 */
#include "_crash.h"

#include <string.h>

#define TP_READER(o) (kdpy_intsub_data(o)->r)

PyObject *kdpy_tptr_new(uint64_t addr, kdpy_reader *r)
{
	return kdpy_intsub_new(&kdpy_tptr_type, addr, r);
}

static uint64_t tp_value(PyObject *o)
{
	return kdpy_intsub_data(o)->value;
}

static PyObject *tp_item(PyObject *self, Py_ssize_t i)
{
	kdpy_reader *t = kdpy_reader_target(TP_READER(self));
	if (!t)
		return NULL;
	uint64_t p = tp_value(self);
	if (p == 0) {
		PyErr_SetString(PyExc_IndexError, "NULL pointer dereference");
		return NULL;
	}
	if (t->desc.kind == KD_RK_VOID) {
		PyErr_SetString(PyExc_TypeError, "cannot dereference void *");
		return NULL;
	}
	return kdpy_read_value(t, p + (uint64_t)i * t->desc.size);
}

static PyObject *tp_get_deref(PyObject *self, void *c)
{
	(void)c;
	return tp_item(self, 0);
}

/* The original's tPtr.ptype (and .ti): the TypeInfo of the pointer's
 * type, what tPtr(addr, ti) takes to make another pointer like it. */
static PyObject *tp_get_ptype(PyObject *self, void *c)
{
	(void)c;
	if (!kdpy_TypeInfo)
		return Py_NewRef(TP_READER(self)->name);
	return PyObject_CallOneArg(kdpy_TypeInfo,
				   (PyObject *)TP_READER(self));
}

static PyObject *tp_get_ptrlev(PyObject *self, void *c)
{
	(void)c;
	long lev = 0;
	for (kdpy_reader *r = TP_READER(self); r; r = kdpy_reader_target(r)) {
		enum kd_rkind k = r->desc.kind;
		if (k != KD_RK_PTR && k != KD_RK_CHARPTR && k != KD_RK_FUNCPTR)
			break;
		lev++;
	}
	if (PyErr_Occurred())
		return NULL;
	return PyLong_FromLong(lev);
}

static PyObject *tp_get_reader(PyObject *self, void *c)
{
	(void)c;
	return Py_NewRef((PyObject *)TP_READER(self));
}

static PyObject *tp_repr(PyObject *self)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)tp_value(self));
	return PyUnicode_FromFormat("<tPtr %U %s>", TP_READER(self)->name, buf);
}

static PyGetSetDef tp_getset[] = {
	{ "Deref", tp_get_deref, NULL, "the value pointed to", NULL },
	{ "ptype", tp_get_ptype, NULL, "the TypeInfo of the pointer's type",
	  NULL },
	{ "ti", tp_get_ptype, NULL, "the TypeInfo of the pointer's type",
	  NULL },
	{ "ptrlev", tp_get_ptrlev, NULL, "levels of indirection", NULL },
	{ "PYT_reader", tp_get_reader, NULL, "the pointer type's reader",
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PySequenceMethods tp_as_sequence = {
	.sq_item = tp_item,
};

static PyObject *make_tptr(PyObject *self, PyObject *args);

static PyObject *tp_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	(void)type;
	(void)kw;
	return make_tptr(NULL, args);
}

PyTypeObject kdpy_tptr_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "pykdump._crash.tPtr",
	.tp_dealloc = kdpy_intsub_dealloc,
	.tp_repr = tp_repr,
	.tp_new = tp_new,
	.tp_as_sequence = &tp_as_sequence,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A typed pointer: an int with .Deref, p[i], .ptype, "
		  ".ptrlev.",
	.tp_getset = tp_getset,
};

/* tPtr(value, type): type is the pointer type's TypeReader, or a
 * TypeInfo of it (the original's tPtr(addr, ti), ti from .ptype). */
static PyObject *make_tptr(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *v, *t;
	if (!PyArg_ParseTuple(args, "OO", &v, &t))
		return NULL;
	unsigned long long p = PyLong_AsUnsignedLongLongMask(v);
	if (p == (unsigned long long)-1 && PyErr_Occurred())
		return NULL;
	PyObject *r = Py_TYPE(t) == &kdpy_reader_type ? Py_NewRef(t) :
		PyObject_GetAttrString(t, "reader");
	if (!r)
		return NULL;
	if (Py_TYPE(r) != &kdpy_reader_type) {
		Py_DECREF(r);
		PyErr_SetString(PyExc_TypeError,
				"tPtr(addr, type): a TypeReader or a TypeInfo");
		return NULL;
	}
	PyObject *o = kdpy_tptr_new(p, (kdpy_reader *)r);
	Py_DECREF(r);
	return o;
}

static PyMethodDef tptr_functions[] = {
	{ "_make_tptr", make_tptr, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_tptr_init(PyObject *m)
{
	if (kdpy_intsub_ready(&kdpy_tptr_type) < 0)
		return -1;
	if (PyModule_AddObjectRef(m, "tPtr", (PyObject *)&kdpy_tptr_type) < 0)
		return -1;
	return PyModule_AddFunctions(m, tptr_functions);
}
