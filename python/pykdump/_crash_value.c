// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Values as Python objects.  The library describes and decodes a value
 * (lib/types/readers*.c: a descriptor per member or per type, decoded
 * from bytes already read or read from the dump); this file only says
 * what each kind of value becomes in Python:
 *
 *   INT, BITFIELD        int (a bitfield of a bool or enum type: bool,
 *                        tEnum)
 *   BOOL, FLOAT          bool, float
 *   ENUM                 tEnum
 *   PTR                  StructResult at the pointer when it points to a
 *                        struct or union, else tPtr
 *   CHARPTR              SmartString of the string, None for NULL
 *                        (plain char only: unsigned char *, u8 * are tPtr)
 *   FUNCPTR              int
 *   CHARARRAY            SmartString of its bytes (plain char only:
 *                        unsigned char[], u8[] are lists of ints)
 *   ARRAY                list of its elements (one dimension at a time);
 *                        struct x a[1] and a[]: the StructResult at a
 *   flexible arrays      intDimensionlessArray (T x[], T x[0])
 *   STRUCT               StructResult at the address
 *   VOID, FUNCTION       int (the address)
 *   OTHER                int of its bytes (__int128: the library has no
 *                        scalar that wide)
 *
 * Decoded values are never kept: each access builds a new object.
 */
#include "_crash.h"

#include <string.h>

#include <structmember.h>

#include <pykdump/memory.h>

PyObject *kdpy_SmartString, *kdpy_tEnum, *kdpy_ZeroArray;
PyObject *kdpy_TypeInfo;

/* The CHARPTR limit: the original stopped at 256 bytes; a sane bound. */
#define KDPY_CSTRING_MAX 4096
/* OTHER values: at most this many bytes (__int128, long double). */
#define KDPY_WIDE_MAX 16

static PyObject *to_python(kdpy_reader *r, const struct kd_rmember *m,
			   uint64_t base, const unsigned char *pre);

/* ---------------------------------------------------------- SmartString */

/* Where SmartString's __slots__ live in an instance (member descriptor
 * offsets), found once when lowlevel.py hands us the class: setting them
 * by name cost as much as building the string. */
static Py_ssize_t ss_slot_off[3];
static const char *const ss_slot_name[3] = { "ByteArray", "addr", "ptr" };

static int find_slots(PyObject *cls)
{
	for (int i = 0; i < 3; i++) {
		ss_slot_off[i] = 0;
		PyObject *d = PyObject_GetAttrString(cls, ss_slot_name[i]);
		if (!d)
			return -1;
		if (Py_TYPE(d) == &PyMemberDescr_Type &&
		    ((PyMemberDescrObject *)d)->d_member->type == T_OBJECT_EX)
			ss_slot_off[i] = ((PyMemberDescrObject *)d)->d_member->offset;
		Py_DECREF(d);
	}
	return 0;
}

/* Set slot i of a new SmartString to v (stolen). */
static int set_slot(PyObject *o, int i, PyObject *v)
{
	if (!v)
		return -1;
	if (!ss_slot_off[i]) {
		int rc = PyObject_SetAttrString(o, ss_slot_name[i], v);
		Py_DECREF(v);
		return rc;
	}
	Py_XSETREF(*(PyObject **)((char *)o + ss_slot_off[i]), v);
	return 0;
}

/* SmartString built here without its Python __new__ (the hot path of
 * char arrays): the text up to the first NUL, non-ASCII bytes escaped
 * as b2str does, then the slots. */
static PyObject *smart_string(PyObject *bytes, uint64_t addr, uint64_t ptr)
{
	if (!kdpy_SmartString)
		return Py_NewRef(bytes);
	const char *b = PyBytes_AS_STRING(bytes);
	const char *nul = memchr(b, 0, (size_t)PyBytes_GET_SIZE(bytes));
	Py_ssize_t n = nul ? nul - b : PyBytes_GET_SIZE(bytes);
	PyObject *text = PyUnicode_DecodeASCII(b, n, "backslashreplace");
	PyObject *args = text ? PyTuple_Pack(1, text) : NULL;
	Py_XDECREF(text);
	if (!args)
		return NULL;
	PyObject *o = PyUnicode_Type.tp_new((PyTypeObject *)kdpy_SmartString,
					    args, NULL);
	Py_DECREF(args);
	if (o && (set_slot(o, 0, Py_NewRef(bytes)) < 0 ||
		  set_slot(o, 1, PyLong_FromUnsignedLongLong(addr)) < 0 ||
		  set_slot(o, 2, PyLong_FromUnsignedLongLong(ptr)) < 0))
		Py_CLEAR(o);
	return o;
}

/* ---------------------------------------------------------------- bytes */

/* The bytes of a value: from pre when the caller already holds them (a
 * StructResult's copy of its struct), else from the dump. */
static int fetch(uint64_t addr, const unsigned char *pre, void *buf,
		 size_t len)
{
	if (pre) {
		memcpy(buf, pre, len);
		return 0;
	}
	return kdpy_read(addr, buf, len);
}

static PyObject *bytes_at(uint64_t addr, const unsigned char *pre,
			  uint64_t len)
{
	PyObject *b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
	if (b && fetch(addr, pre, PyBytes_AS_STRING(b), len) < 0)
		Py_CLEAR(b);
	return b;
}

/* ------------------------------------------------------------- scalars */

static PyObject *int_object(const struct kd_rmember *m,
			    const struct kd_value *v)
{
	return m->is_signed ? PyLong_FromLongLong(v->i)
			    : PyLong_FromUnsignedLongLong(v->u);
}

static PyObject *enum_object(kdpy_reader *r, PyObject *v)
{
	if (!v || !kdpy_tEnum)
		return v;
	PyObject *e = PyObject_CallFunctionObjArgs(kdpy_tEnum, v, r, NULL);
	Py_DECREF(v);
	return e;
}

/* A bitfield is an int, or what its declared type (r) makes of one. */
static PyObject *bitfield_object(kdpy_reader *r, const struct kd_rmember *m,
				 const struct kd_value *v)
{
	switch (r->desc.kind) {
	case KD_RK_BOOL:
		return PyBool_FromLong(v->u != 0);
	case KD_RK_ENUM:
		return enum_object(r, int_object(m, v));
	default:
		return int_object(m, v);
	}
}

static PyObject *pointer_object(kdpy_reader *r, uint64_t p)
{
	kdpy_reader *t = r->target ? r->target : kdpy_reader_target(r);
	if (!t)
		return NULL;
	if (t->desc.kind == KD_RK_STRUCT)
		return kdpy_struct_new(p, t);
	return kdpy_tptr_new(p, r);
}

/* char *p (stored at addr): the string, or None. */
static PyObject *string_object(uint64_t p, uint64_t addr)
{
	if (p == 0)
		Py_RETURN_NONE;
	struct kd_session *s = kdpy_require_session("reading a string");
	if (!s)
		return NULL;
	char buf[KDPY_CSTRING_MAX];
	size_t len;
	struct kd_error *err = kd_read_cstring(s, p, buf, sizeof(buf), &len);
	if (err)
		return kdpy_raise(err);
	PyObject *bytes = PyBytes_FromStringAndSize(buf, (Py_ssize_t)len);
	if (!bytes)
		return NULL;
	PyObject *str = smart_string(bytes, p, addr);
	Py_DECREF(bytes);
	return str;
}

static PyObject *value_object(kdpy_reader *r, const struct kd_rmember *m,
			      const struct kd_value *v, uint64_t addr)
{
	switch (v->kind) {
	case KD_RK_BITFIELD:
		return bitfield_object(r, m, v);
	case KD_RK_BOOL:
		return PyBool_FromLong(v->u != 0);
	case KD_RK_ENUM:
		return enum_object(r, int_object(m, v));
	case KD_RK_FLOAT:
		return PyFloat_FromDouble(v->f);
	case KD_RK_PTR:
		return pointer_object(r, v->u);
	case KD_RK_CHARPTR:
		if (!r->text)
			return pointer_object(r, v->u);	/* unsigned char * */
		return string_object(v->u, addr);
	case KD_RK_FUNCPTR:
		return PyLong_FromUnsignedLongLong(v->u);
	default:
		return int_object(m, v);
	}
}

/* A scalar member of the struct at base (m->offset from it), decoded by
 * the library from pre or from the dump. */
static PyObject *scalar(kdpy_reader *r, const struct kd_rmember *m,
			uint64_t base, const unsigned char *pre)
{
	struct kd_value v;
	struct kd_error *err;
	if (pre) {
		err = kd_member_decode(m, pre, &v);
	} else {
		struct kd_session *s = kdpy_require_session("readmem()");
		if (!s)
			return NULL;
		err = kd_member_read(s, m, base, &v);
	}
	if (err)
		return kdpy_raise(err);
	return value_object(r, m, &v, base + m->offset);
}

/* A value the library keeps as bytes (__int128 ...): an int of them. */
static PyObject *wide_int(const struct kd_rmember *m, uint64_t addr,
			  const unsigned char *pre)
{
	unsigned char buf[KDPY_WIDE_MAX];
	size_t n = m->size < sizeof(buf) ? m->size : sizeof(buf);
	if (fetch(addr, pre, buf, n) < 0)
		return NULL;
	return _PyLong_FromByteArray(buf, n, 1, m->is_signed);
}

/* ---------------------------------------------------------- aggregates */

static PyObject *char_array(const struct kd_rmember *m, uint64_t addr,
			    const unsigned char *pre)
{
	PyObject *bytes = bytes_at(addr, pre, m->size);
	if (!bytes)
		return NULL;
	PyObject *s = smart_string(bytes, addr, 0);
	Py_DECREF(bytes);
	return s;
}

static PyObject *elements(kdpy_reader *elem, uint64_t n, uint64_t addr,
			  const unsigned char *pre)
{
	uint64_t step = elem->desc.size;
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (uint64_t i = 0; list && i < n; i++) {
		uint64_t off = i * step;
		PyObject *v = to_python(elem, &elem->desc, addr + off,
					pre ? pre + off : NULL);
		if (!v)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, (Py_ssize_t)i, v);
	}
	return list;
}

/* r's outermost dimension: a list of its elements.  Elements made from
 * their bytes (numbers, strings ...) come from one read of the array
 * (up to KDPY_ARRAY_READ bytes), not one read each. */
#define KDPY_ARRAY_READ (1u << 20)

static PyObject *array(kdpy_reader *r, const struct kd_rmember *m,
		       uint64_t addr, const unsigned char *pre)
{
	kdpy_reader *elem = kdpy_reader_target(r);
	if (!elem)
		return NULL;
	if (pre || m->size > KDPY_ARRAY_READ ||
	    !kdpy_value_bytes(&elem->desc))
		return elements(elem, m->dims[0], addr, pre);
	unsigned char small[256];
	unsigned char *buf = m->size <= sizeof(small) ? small
						     : PyMem_Malloc(m->size);
	if (!buf)
		return PyErr_NoMemory();
	PyObject *list = fetch(addr, NULL, buf, m->size) < 0 ? NULL :
		elements(elem, m->dims[0], addr, buf);
	if (buf != small)
		PyMem_Free(buf);
	return list;
}

/* T x[] or T x[0]: the address, indexable (lowlevel.py). */
static PyObject *flexible_array(kdpy_reader *r, uint64_t addr)
{
	if (kdpy_ZeroArray)
		return PyObject_CallFunction(kdpy_ZeroArray, "KO",
					     (unsigned long long)addr,
					     (PyObject *)r);
	return PyLong_FromUnsignedLongLong(addr);
}

/* The value m describes (a member of the struct at base, or r's whole
 * value at base), r being the reader of its declared type. */
static PyObject *to_python(kdpy_reader *r, const struct kd_rmember *m,
			   uint64_t base, const unsigned char *pre)
{
	if (kdpy_reader_check(r) < 0)
		return NULL;	/* r's types are not those of the open dump */
	uint64_t addr = base + m->offset;
	switch (m->kind) {
	case KD_RK_CHARARRAY:
		if (!m->dims[0])
			return flexible_array(r, addr);
		if (!r->text)	/* unsigned char, u8 ...: numbers */
			return array(r, m, addr, pre);
		return char_array(m, addr, pre);
	case KD_RK_ARRAY:
		if (m->ndims == 1 && m->dims[0] <= 1 &&
		    m->elem_kind == KD_RK_STRUCT) {
			/* struct x a[1] and struct x a[]: the struct at
			 * the array's start, as the original read them */
			kdpy_reader *elem = kdpy_reader_target(r);
			return elem ? kdpy_struct_new(addr, elem) : NULL;
		}
		return m->dims[0] ? array(r, m, addr, pre)
				  : flexible_array(r, addr);
	case KD_RK_STRUCT:
		return kdpy_struct_new(addr, r);
	case KD_RK_VOID:
	case KD_RK_FUNCTION:
		return PyLong_FromUnsignedLongLong(addr);
	case KD_RK_OTHER:
		if (!m->bit_size)
			return wide_int(m, addr, pre);
		/* a bitfield too wide to decode: the library says so */
		/* fall through */
	default:
		return scalar(r, m, base, pre);
	}
}

uint64_t kdpy_value_bytes(const struct kd_rmember *m)
{
	switch (m->kind) {
	case KD_RK_STRUCT:
	case KD_RK_VOID:
	case KD_RK_FUNCTION:
		return 0;	/* the value is its address */
	case KD_RK_OTHER:
		return m->size > KDPY_WIDE_MAX ? KDPY_WIDE_MAX : m->size;
	default:
		return m->size;	/* 0 for flexible arrays */
	}
}

PyObject *kdpy_read_value(kdpy_reader *r, uint64_t addr)
{
	return to_python(r, &r->desc, addr, NULL);
}

/* Most fields are scalars: they go to scalar() directly (to_python's
 * frame costs as much as the rest). */
PyObject *kdpy_decode_field(kdpy_field *f, uint64_t addr,
			    const unsigned char *pre)
{
	if (kdpy_field_check(f) < 0)
		return NULL;	/* before reading the open dump with it */
	if (kd_rkind_is_scalar(f->m->kind))
		return scalar(f->r, f->m, addr, pre);
	return to_python(f->r, f->m, addr, pre);
}

/* ---------------------------------------------------- module functions */

static PyObject *set_classes(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *ss, *te, *za, *ti = NULL;
	if (!PyArg_ParseTuple(args, "OOO|O", &ss, &te, &za, &ti))
		return NULL;
	if (ti)
		Py_XSETREF(kdpy_TypeInfo, Py_NewRef(ti));
	if (find_slots(ss) < 0)
		return NULL;
	Py_XSETREF(kdpy_SmartString, Py_NewRef(ss));
	Py_XSETREF(kdpy_tEnum, Py_NewRef(te));
	Py_XSETREF(kdpy_ZeroArray, Py_NewRef(za));
	Py_RETURN_NONE;
}

static PyMethodDef value_functions[] = {
	{ "_set_classes", set_classes, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_value_init(PyObject *m)
{
	return PyModule_AddFunctions(m, value_functions);
}
