// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * StructResult: readSU("struct T", addr).  An int (the address) that
 * carries its type's reader; s.field decodes the member from the struct's
 * bytes, read from the dump once per object (_crash_structbuf.c) — never
 * a decoded value, which is built anew on each access.
 *
 * Attribute lookup, in order:
 *   1. the type's member table (a field, a structSetAttr pseudo-member,
 *      or a remembered miss), filled lazily;
 *   2. the generic lookup: C methods below and int's attributes;
 *   3. methods written in Python (lowlevel.py puts Dump, Eval ... in
 *      crash._struct_methods);
 *   4. the type model: a member seen for the first time.
 * A name that is none of these raises crash.NotFoundError, which is both
 * KeyError (what PyKdump raised) and AttributeError (so hasattr works).
 */
#include "_crash.h"

#include <string.h>

static PyObject *py_methods;	/* crash._struct_methods: name -> function */

#define SR_READER(o) (kdpy_intsub_data(o)->r)

PyObject *kdpy_struct_new(uint64_t addr, kdpy_reader *r)
{
	return kdpy_intsub_new(&kdpy_struct_type, addr, r);
}

static uint64_t sr_addr(PyObject *o)
{
	return kdpy_intsub_data(o)->value;
}

static PyObject *sr_member_value(PyObject *self, PyObject *v)
{
	if (Py_TYPE(v) == &kdpy_field_type) {
		kdpy_field *f = (kdpy_field *)v;
		uint64_t addr = sr_addr(self);
		if (kdpy_reader_check(SR_READER(self)) < 0)
			return NULL;	/* before reading another dump */
		const unsigned char *pre = f->nbytes ?
			kdpy_structbuf_get(kdpy_intsub_data(self), addr,
					   f->m->offset, f->nbytes) : NULL;
		return kdpy_decode_field(f, addr, pre);
	}
	return PyObject_CallOneArg(v, self);	/* pseudo-member */
}

static PyObject *sr_python_method(PyObject *self, PyObject *name)
{
	PyObject *fn = py_methods ? PyDict_GetItemWithError(py_methods, name)
				  : NULL;
	if (!fn)
		return NULL;
	descrgetfunc get = Py_TYPE(fn)->tp_descr_get;
	if (!get)
		return Py_NewRef(fn);
	/* functions bind, properties compute */
	return get(fn, self, (PyObject *)Py_TYPE(self));
}

static PyObject *sr_getattro(PyObject *self, PyObject *name)
{
	kdpy_reader *r = SR_READER(self);
	PyObject *v = PyDict_GetItemWithError(r->fields, name);
	if (v && v != Py_None)
		return sr_member_value(self, v);
	if (PyErr_Occurred())
		return NULL;
	PyObject *a = PyObject_GenericGetAttr(self, name);
	if (a || !PyErr_ExceptionMatches(PyExc_AttributeError))
		return a;
	PyErr_Clear();
	if ((a = sr_python_method(self, name)) || PyErr_Occurred())
		return a;
	if (!v && (v = kdpy_reader_member(r, name)) && v != Py_None)
		return sr_member_value(self, v);
	if (PyErr_Occurred())
		return NULL;
	return kdpy_not_found("%U has no member %R", r->name, name);
}

static PyObject *sr_repr(PyObject *self)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "0x%llx",
		 (unsigned long long)sr_addr(self));
	return PyUnicode_FromFormat("<%U %s>", SR_READER(self)->name, buf);
}

static PyObject *sr_has_field(PyObject *self, PyObject *name)
{
	if (!PyUnicode_Check(name)) {
		PyErr_SetString(PyExc_TypeError, "hasField(name): a str");
		return NULL;
	}
	PyObject *v = kdpy_reader_member(SR_READER(self), name);
	if (!v)
		return NULL;
	return PyBool_FromLong(v != Py_None);
}

/* isNamed("struct T") or isNamed("T"). */
static PyObject *sr_is_named(PyObject *self, PyObject *name)
{
	PyObject *mine = SR_READER(self)->name;
	if (!PyUnicode_Check(name))
		Py_RETURN_FALSE;
	if (PyUnicode_Compare(mine, name) == 0)
		Py_RETURN_TRUE;
	const char *m = PyUnicode_AsUTF8(mine), *n = PyUnicode_AsUTF8(name);
	if (!m || !n)
		return NULL;
	const char *sp = strchr(m, ' ');
	return PyBool_FromLong(sp && strcmp(sp + 1, n) == 0);
}

static PyObject *sr_field_offset(PyObject *self, PyObject *name)
{
	PyObject *v = kdpy_reader_member(SR_READER(self), name);
	if (!v)
		return NULL;
	if (Py_TYPE(v) != &kdpy_field_type)
		return kdpy_not_found("%U has no member %R",
				      SR_READER(self)->name, name);
	return PyLong_FromUnsignedLongLong(((kdpy_field *)v)->m->offset);
}

static PyObject *sr_cast_to(PyObject *self, PyObject *name)
{
	const char *n = PyUnicode_AsUTF8(name);
	if (!n || kdpy_reader_check(SR_READER(self)) < 0)
		return NULL;
	kdpy_reader *r = kdpy_reader_for_name(n);
	if (!r)
		return NULL;
	if (r->desc.kind != KD_RK_STRUCT)
		return kdpy_read_value(r, sr_addr(self));
	return kdpy_struct_new(sr_addr(self), r);
}

static PyObject *sr_short_str(PyObject *self, PyObject *noargs)
{
	(void)noargs;
	return sr_repr(self);
}

static PyObject *sr_get_symbol(PyObject *self, void *c)
{
	(void)c;
	return Py_NewRef(SR_READER(self)->name);
}

static PyObject *sr_get_size(PyObject *self, void *c)
{
	(void)c;
	return PyLong_FromUnsignedLongLong(SR_READER(self)->desc.size);
}

static PyObject *sr_get_reader(PyObject *self, void *c)
{
	(void)c;
	return Py_NewRef((PyObject *)SR_READER(self));
}

static Py_ssize_t sr_len(PyObject *self)
{
	return (Py_ssize_t)SR_READER(self)->desc.size;
}

/* s[i]: the i-th struct of an array starting at s. */
static PyObject *sr_item(PyObject *self, Py_ssize_t i)
{
	kdpy_reader *r = SR_READER(self);
	return kdpy_struct_new(sr_addr(self) + (uint64_t)i * r->desc.size, r);
}

/* s + i steps by sizeof(T); anything else is int arithmetic. */
static PyObject *sr_add(PyObject *a, PyObject *b)
{
	if (Py_TYPE(a) == &kdpy_struct_type && PyLong_Check(b) &&
	    Py_TYPE(b) != &kdpy_struct_type) {
		Py_ssize_t i = PyLong_AsSsize_t(b);
		if (i == -1 && PyErr_Occurred())
			return NULL;
		return sr_item(a, i);
	}
	return PyLong_Type.tp_as_number->nb_add(a, b);
}

/* s["member"]: the member's VarInfo (PYT_sinfo["member"]), as the
 * original's StructResult.__getitem__ answered for a str; s[i]: the i-th
 * struct of an array starting at s. */
static PyObject *sr_subscript(PyObject *self, PyObject *key)
{
	if (PyUnicode_Check(key)) {
		PyObject *si = PyObject_GetAttrString(self, "PYT_sinfo");
		if (!si)
			return NULL;
		PyObject *v = PyObject_GetItem(si, key);
		Py_DECREF(si);
		return v;
	}
	Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
	if (i == -1 && PyErr_Occurred())
		return NULL;
	return sr_item(self, i);
}

/* s.__getattr__("name"): programs call it explicitly (snmpstats.py), as
 * the original defined it in Python. */
static PyObject *sr_getattr_method(PyObject *self, PyObject *name)
{
	if (!PyUnicode_Check(name)) {
		PyErr_SetString(PyExc_TypeError, "__getattr__(name): a str");
		return NULL;
	}
	return sr_getattro(self, name);
}

static PyObject *sr_dir(PyObject *self, PyObject *noargs)
{
	(void)noargs;
	PyObject *members = PyObject_CallMethod(
		(PyObject *)SR_READER(self), "members", NULL);
	if (!members)
		return NULL;
	PyObject *names = PyList_New(0);
	for (Py_ssize_t i = 0; names && i < PyList_GET_SIZE(members); i++) {
		PyObject *n = PyTuple_GET_ITEM(PyList_GET_ITEM(members, i), 0);
		if (n != Py_None && PyList_Append(names, n) < 0)
			Py_CLEAR(names);
	}
	Py_DECREF(members);
	return names;
}

static PyMethodDef sr_methods[] = {
	{ "hasField", sr_has_field, METH_O,
	  "hasField(name): True when the struct has that member." },
	{ "isNamed", sr_is_named, METH_O,
	  "isNamed(\"struct T\"): True when this is a struct T." },
	{ "fieldOffset", sr_field_offset, METH_O,
	  "fieldOffset(name): the member's offset in bytes." },
	{ "castTo", sr_cast_to, METH_O,
	  "castTo(\"struct U\"): the same address as another type." },
	{ "shortStr", sr_short_str, METH_NOARGS, NULL },
	{ "__getattr__", sr_getattr_method, METH_O, NULL },
	{ "__dir__", sr_dir, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef sr_getset[] = {
	{ "PYT_symbol", sr_get_symbol, NULL, "\"struct T\"", NULL },
	{ "PYT_size", sr_get_size, NULL, "sizeof(struct T)", NULL },
	{ "PYT_reader", sr_get_reader, NULL, "the type's reader", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PySequenceMethods sr_as_sequence = {
	.sq_length = sr_len,
	.sq_item = sr_item,
};

static PyMappingMethods sr_as_mapping = {
	.mp_length = sr_len,
	.mp_subscript = sr_subscript,
};

static PyNumberMethods sr_as_number = {
	.nb_add = sr_add,
};

static PyObject *read_su(PyObject *self, PyObject *args);

/* StructResult("struct T", addr) is readSU: a bare int(...) constructor
 * would make one without a type. */
static PyObject *sr_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	(void)type;
	if (kw && PyDict_GET_SIZE(kw)) {
		PyErr_SetString(PyExc_TypeError, "StructResult(stype, addr)");
		return NULL;
	}
	if (!kdpy_require_session("StructResult()"))
		return NULL;
	return read_su(NULL, args);
}

PyTypeObject kdpy_struct_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "pykdump._crash.StructResult",
	.tp_dealloc = kdpy_intsub_dealloc,
	.tp_repr = sr_repr,
	.tp_str = sr_repr,
	.tp_getattro = sr_getattro,
	.tp_new = sr_new,
	.tp_as_sequence = &sr_as_sequence,
	.tp_as_mapping = &sr_as_mapping,
	.tp_as_number = &sr_as_number,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A struct in the dump: an int (its address) whose "
		  "attributes are its members, read on access.",
	.tp_methods = sr_methods,
	.tp_getset = sr_getset,
};

/* The reader of a type named by a str: the by-name cache keyed by the
 * str object itself (no C string round trip) in front of
 * kdpy_reader_for_name. */
static kdpy_reader *reader_by_str(PyObject *name)
{
	static PyObject *last_name;
	static kdpy_reader *last;
	static unsigned last_gen;
	if (name == last_name && last_gen == kdpy_readers_generation())
		return last;
	const char *n = PyUnicode_AsUTF8(name);
	if (!n)
		return NULL;
	kdpy_reader *r = kdpy_reader_for_name(n);
	if (r) {
		Py_XSETREF(last_name, Py_NewRef(name));
		last = r;
		last_gen = kdpy_readers_generation();
	}
	return r;
}

/* readSU(stype, addr) */
static PyObject *read_su_fast(PyObject *self, PyObject *const *args,
			      Py_ssize_t n)
{
	(void)self;
	if (n != 2 || !PyUnicode_Check(args[0])) {
		PyErr_SetString(PyExc_TypeError, "readSU(stype: str, addr)");
		return NULL;
	}
	unsigned long long addr = PyLong_AsUnsignedLongLongMask(args[1]);
	if (addr == (unsigned long long)-1 && PyErr_Occurred())
		return NULL;
	kdpy_reader *r = reader_by_str(args[0]);
	if (!r)
		return NULL;
	if (r->desc.kind != KD_RK_STRUCT)
		return kdpy_read_value(r, addr);
	return kdpy_struct_new(addr, r);
}

static PyObject *read_su(PyObject *self, PyObject *args)
{
	return read_su_fast(self, &PyTuple_GET_ITEM(args, 0),
			    PyTuple_GET_SIZE(args));
}

/* _structs_at(reader, addrs, delta) -> [StructResult(a + delta)] */
static PyObject *structs_at(PyObject *self, PyObject *args)
{
	(void)self;
	kdpy_reader *r;
	PyObject *addrs;
	long long delta;
	if (!PyArg_ParseTuple(args, "O!OL", &kdpy_reader_type, &r, &addrs,
			      &delta))
		return NULL;
	PyObject *seq = PySequence_Fast(addrs, "addresses: a sequence");
	if (!seq)
		return NULL;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
	PyObject *list = PyList_New(n);
	for (Py_ssize_t i = 0; list && i < n; i++) {
		uint64_t a = PyLong_AsUnsignedLongLongMask(
			PySequence_Fast_GET_ITEM(seq, i));
		PyObject *o = PyErr_Occurred() ? NULL :
			kdpy_struct_new(a + (uint64_t)delta, r);
		if (!o) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, i, o);
	}
	Py_DECREF(seq);
	return list;
}

static PyMethodDef struct_functions[] = {
	{ "_structs_at", structs_at, METH_VARARGS, NULL },
	{ "readSU", KDPY_FASTFUNC(read_su_fast), METH_FASTCALL,
	  "readSU(stype, addr)\n--\n\nThe struct stype at addr." },
	{ NULL, NULL, 0, NULL },
};

int kdpy_struct_init(PyObject *m)
{
	if (kdpy_intsub_ready(&kdpy_struct_type) < 0)
		return -1;
	const char *dot = strrchr(kdpy_struct_type.tp_name, '.');
	if (PyModule_AddObjectRef(m, dot + 1, (PyObject *)&kdpy_struct_type) < 0)
		return -1;
	py_methods = PyDict_New();
	if (!py_methods || PyModule_AddObjectRef(m, "_struct_methods",
						 py_methods) < 0)
		return -1;
	return PyModule_AddFunctions(m, struct_functions);
}
