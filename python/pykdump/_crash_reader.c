// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-type readers: for each C type (struct kd_type *, interned by the
 * type model) one crash.TypeReader saying what a value of that type
 * becomes in Python (enum kdpy_rkind), built on first use and cached.  A
 * struct's reader also holds its members (crash.Field: byte offset, bit
 * position, member reader), filled lazily on first access by name, so an
 * attribute read is one dict lookup plus one memory read: no Python-level
 * dispatch on the type.
 *
 * The caches hold struct kd_type pointers of the current session: they
 * are dropped when the session changes and when module debuginfo is
 * loaded (the memocache's CU_LOAD purge reaches kdpy_readers_clear
 * through memocaches.py).  Each reader holds a reference to the session
 * its type belongs to (types live as long as the session), so a reader
 * kept by an object is never dangling; one of another session than the
 * current is refused where it would read the dump or make readers
 * (kdpy_reader_check), since those would mix two dumps.
 */
#include "_crash.h"

#include <string.h>

#include <structmember.h>

#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/types.h>

PyObject *kdpy_SmartString, *kdpy_tEnum, *kdpy_ZeroArray;

static PyObject *by_type;	/* PyLong(kd_type *) -> reader */
static PyObject *by_name;	/* "struct task_struct" -> reader */
static kdpy_reader *void_reader;
/* structSetAttr pseudo-members by type name: the same struct seen from
 * different compilation units has several readers, all must see them. */
static PyObject *pseudo_by_name;	/* name -> {alias: callable} */

/* The CHARPTR limit: the original stopped at 256 bytes; a sane bound. */
#define KDPY_CSTRING_MAX 4096

/* ------------------------------------------------------------ objects */

/*
 * Readers and fields form cycles (struct task_struct -> its member
 * `parent` -> struct task_struct * -> struct task_struct), so both take
 * part in the garbage collector: a reader dropped from the caches (a
 * session change, a module load) is freed with its cycle, and with it
 * its reference to the session.
 */
static int reader_traverse(PyObject *o, visitproc visit, void *arg)
{
	kdpy_reader *r = (kdpy_reader *)o;
	Py_VISIT(r->target);
	Py_VISIT(r->fields);
	Py_VISIT(r->enuminfo);
	return 0;
}

static int reader_clear(PyObject *o)
{
	kdpy_reader *r = (kdpy_reader *)o;
	Py_CLEAR(r->target);
	Py_CLEAR(r->fields);
	Py_CLEAR(r->enuminfo);
	return 0;
}

static void reader_dealloc(PyObject *o)
{
	kdpy_reader *r = (kdpy_reader *)o;
	PyObject_GC_UnTrack(o);
	reader_clear(o);
	Py_CLEAR(r->name);
	Py_CLEAR(r->session);
	Py_TYPE(o)->tp_free(o);
}

static int field_traverse(PyObject *o, visitproc visit, void *arg)
{
	Py_VISIT(((kdpy_field *)o)->r);
	return 0;
}

static int field_clear(PyObject *o)
{
	Py_CLEAR(((kdpy_field *)o)->r);
	return 0;
}

static void field_dealloc(PyObject *o)
{
	PyObject_GC_UnTrack(o);
	field_clear(o);
	Py_TYPE(o)->tp_free(o);
}

static struct kd_types *session_types(void)
{
	struct kd_session *s = kdpy_require_session("type information (TypeInfo, SUInfo, readSU ...)");
	if (!s)
		return NULL;
	struct kd_types *types;
	struct kd_error *err = kd_session_types(s, &types);
	if (err) {
		kdpy_raise(err);
		return NULL;
	}
	return types;
}

/* ------------------------------------------------------- classification */

static enum kdpy_rkind pointer_kind(struct kd_type *base)
{
	struct kd_type *tgt = kd_type_strip(kd_type_target(base), KD_STRIP_ALL);
	switch (kd_type_kind(tgt)) {
	case KD_TYPE_STRUCT:
	case KD_TYPE_UNION:
		return KDPY_R_SUPTR;
	case KD_TYPE_FUNCTION:
		return KDPY_R_FUNCPTR;
	case KD_TYPE_INT:
		return kd_type_is_char(tgt) && kd_type_size(tgt) == 1 ?
			KDPY_R_CHARPTR : KDPY_R_PTR;
	default:
		return KDPY_R_PTR;
	}
}

static enum kdpy_rkind array_kind(kdpy_reader *r)
{
	uint64_t count = 0;
	struct kd_type *elem = kd_type_strip(kd_type_target(r->base),
					     KD_STRIP_ALL);
	if (!kd_type_array_count(r->base, &count) || count == 0)
		return KDPY_R_ZEROARRAY;
	r->count = count;
	if (kd_type_kind(elem) == KD_TYPE_INT && kd_type_is_char(elem) &&
	    kd_type_size(elem) == 1)
		return KDPY_R_CHARARRAY;
	return KDPY_R_ARRAY;
}

static enum kdpy_rkind classify(kdpy_reader *r)
{
	switch (kd_type_kind(r->base)) {
	case KD_TYPE_INT:
		return KDPY_R_INT;
	case KD_TYPE_BOOL:
		return KDPY_R_BOOL;
	case KD_TYPE_FLOAT:
		return KDPY_R_FLOAT;
	case KD_TYPE_ENUM:
		return KDPY_R_ENUM;
	case KD_TYPE_POINTER:
		return pointer_kind(r->base);
	case KD_TYPE_ARRAY:
		return array_kind(r);
	case KD_TYPE_STRUCT:
	case KD_TYPE_UNION:
		return KDPY_R_SU;
	case KD_TYPE_FUNCTION:
		return KDPY_R_FUNC;
	default:
		return KDPY_R_VOID;
	}
}

static PyObject *type_name(struct kd_type *t)
{
	if (!t)
		return PyUnicode_FromString("void");
	char *text;
	struct kd_error *err = kd_type_format(t, NULL, &text);
	if (err)
		return kdpy_raise(err);
	PyObject *name = PyUnicode_FromString(text);
	free(text);
	return name;
}

int kdpy_reader_check(const kdpy_reader *r)
{
	if (!r->session || r->session == kdpy_session_ref())
		return 0;
	PyErr_Format(kdpy_NoDumpError,
		     "%U: this object was read from a dump that is no longer "
		     "open (pykdump.close(), or another pykdump.open() since): "
		     "read it again from the open dump", r->name);
	return -1;
}

static kdpy_reader *reader_create(struct kd_type *t)
{
	/* a type always comes from the current session's type model */
	if (t && !kdpy_require_session("a type reader"))
		return NULL;
	kdpy_reader *r = PyObject_GC_New(kdpy_reader, &kdpy_reader_type);
	if (!r)
		return NULL;
	r->session = t ? Py_NewRef(kdpy_session_ref()) : NULL;
	r->type = t;
	r->base = kd_type_strip(t, KD_STRIP_ALL);
	r->size = kd_type_size(r->base);
	r->is_signed = kd_type_is_signed(r->base);
	r->count = 0;
	r->target = NULL;
	r->fields = NULL;
	r->enuminfo = NULL;
	r->name = type_name(t);
	r->kind = t ? classify(r) : KDPY_R_VOID;
	PyObject_GC_Track(r);
	if (!r->name) {
		Py_DECREF(r);
		return NULL;
	}
	if (r->kind == KDPY_R_SU && !(r->fields = PyDict_New())) {
		Py_DECREF(r);
		return NULL;
	}
	return r;
}

/* ------------------------------------------------------------- caches */

static int caches_ready(void)
{
	if (!by_type && !(by_type = PyDict_New()))
		return -1;
	if (!by_name && !(by_name = PyDict_New()))
		return -1;
	return 0;
}

static unsigned readers_gen;

unsigned kdpy_readers_generation(void)
{
	return readers_gen;
}

void kdpy_readers_clear(void)
{
	readers_gen++;
	if (by_type)
		PyDict_Clear(by_type);
	if (by_name)
		PyDict_Clear(by_name);
}

kdpy_reader *kdpy_reader_for_type(struct kd_type *t)
{
	if (!t)
		return void_reader;
	if (caches_ready() < 0)
		return NULL;
	PyObject *key = PyLong_FromVoidPtr(t);
	if (!key)
		return NULL;
	PyObject *r = PyDict_GetItemWithError(by_type, key);
	if (!r && !PyErr_Occurred()) {
		r = (PyObject *)reader_create(t);
		if (r && PyDict_SetItem(by_type, key, r) < 0)
			Py_CLEAR(r);
		Py_XDECREF(r);	/* the dict holds it */
	}
	Py_DECREF(key);
	return (kdpy_reader *)r;
}

kdpy_reader *kdpy_reader_for_name(const char *name)
{
	if (caches_ready() < 0)
		return NULL;
	PyObject *r = PyDict_GetItemString(by_name, name);
	if (r)
		return (kdpy_reader *)r;
	struct kd_types *types = session_types();
	if (!types)
		return NULL;
	struct kd_type *t;
	struct kd_error *err = kd_types_find(types, name, &t);
	if (err)
		return (kdpy_reader *)kdpy_raise(err);
	kdpy_reader *rd = kdpy_reader_for_type(t);
	if (rd && PyDict_SetItemString(by_name, name, (PyObject *)rd) < 0)
		return NULL;
	return rd;
}

kdpy_reader *kdpy_reader_target(kdpy_reader *r)
{
	if (r->target)
		return r->target;
	if (kdpy_reader_check(r) < 0)
		return NULL;
	kdpy_reader *t = kdpy_reader_for_type(kd_type_target(r->base));
	Py_XINCREF(t);
	r->target = t;
	return t;
}

static uint64_t value_bytes(const kdpy_reader *r);

static kdpy_field *field_create(const struct kd_member *m)
{
	kdpy_reader *mr = kdpy_reader_for_type(m->type);
	if (!mr)
		return NULL;
	kdpy_field *f = PyObject_GC_New(kdpy_field, &kdpy_field_type);
	if (!f)
		return NULL;
	f->offset = m->bit_offset / 8;
	f->bit_shift = m->bit_size ? m->bit_offset % 8 : 0;
	f->bit_size = m->bit_size;
	f->nbytes = m->bit_size ? (f->bit_shift + f->bit_size + 7) / 8 :
		value_bytes(mr);
	f->r = (kdpy_reader *)Py_NewRef(mr);
	PyObject_GC_Track(f);
	return f;
}

/* Look the member up in the type model and remember what was found. */
static PyObject *member_resolve(kdpy_reader *r, PyObject *name)
{
	const char *cname = PyUnicode_AsUTF8(name);
	if (!cname)
		return NULL;
	struct kd_member m;
	struct kd_error *err = kd_type_find_member(r->base, cname, &m);
	PyObject *v;
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_error_destroy(err);
		PyObject *ps = pseudo_by_name ?
			PyDict_GetItemWithError(pseudo_by_name, r->name) : NULL;
		v = ps ? PyDict_GetItemWithError(ps, name) : NULL;
		if (!v && PyErr_Occurred())
			return NULL;
		v = Py_NewRef(v ? v : Py_None);
	} else if (err) {
		return kdpy_raise(err);
	} else if (!(v = (PyObject *)field_create(&m))) {
		return NULL;
	}
	int rc = PyDict_SetItem(r->fields, name, v);
	Py_DECREF(v);	/* the dict holds it */
	return rc < 0 ? NULL : v;
}

PyObject *kdpy_reader_member(kdpy_reader *r, PyObject *name)
{
	if (!r->fields) {
		PyErr_Format(PyExc_TypeError, "%U is not a struct or union",
			     r->name);
		return NULL;
	}
	PyObject *v = PyDict_GetItemWithError(r->fields, name);
	if (v || PyErr_Occurred())
		return v;
	if (kdpy_reader_check(r) < 0)
		return NULL;
	return member_resolve(r, name);
}

/* ------------------------------------------------------------ reading */

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

static PyObject *int_from_bytes(const unsigned char *b, uint64_t size,
				int is_signed)
{
	if (size > 8)
		return _PyLong_FromByteArray(b, size, 1, is_signed);
	uint64_t v = 0;
	memcpy(&v, b, size);	/* little-endian target (x86_64) */
	if (!is_signed || size == 0)
		return PyLong_FromUnsignedLongLong(v);
	int sh = 64 - 8 * (int)size;
	return PyLong_FromLongLong((int64_t)(v << sh) >> sh);
}

/* An int-like value as the reader's kind wants it (bool, tEnum, int). */
static PyObject *wrap_int(kdpy_reader *r, PyObject *v)
{
	if (!v)
		return NULL;
	if (r->kind == KDPY_R_BOOL) {
		PyObject *b = PyBool_FromLong(PyObject_IsTrue(v));
		Py_DECREF(v);
		return b;
	}
	if (r->kind == KDPY_R_ENUM && kdpy_tEnum) {
		PyObject *e = PyObject_CallFunctionObjArgs(kdpy_tEnum, v, r,
							   NULL);
		Py_DECREF(v);
		return e;
	}
	return v;
}

static PyObject *read_scalar(kdpy_reader *r, uint64_t addr,
			       const unsigned char *pre)
{
	unsigned char buf[16] = { 0 };
	uint64_t size = r->size > sizeof(buf) ? sizeof(buf) : r->size;
	if (fetch(addr, pre, buf, size) < 0)
		return NULL;
	if (r->kind == KDPY_R_FLOAT) {
		if (size == 4) {
			float f;
			memcpy(&f, buf, 4);
			return PyFloat_FromDouble(f);
		}
		if (size == 8) {
			double d;
			memcpy(&d, buf, 8);
			return PyFloat_FromDouble(d);
		}
		long double ld;
		memcpy(&ld, buf, sizeof(ld) < size ? sizeof(ld) : size);
		return PyFloat_FromDouble((double)ld);
	}
	return wrap_int(r, int_from_bytes(buf, size, r->is_signed));
}

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

static PyObject *read_char_array(kdpy_reader *r, uint64_t addr,
				  const unsigned char *pre)
{
	PyObject *bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)r->count);
	if (!bytes)
		return NULL;
	if (fetch(addr, pre, PyBytes_AS_STRING(bytes), r->count) < 0) {
		Py_DECREF(bytes);
		return NULL;
	}
	PyObject *s = smart_string(bytes, addr, 0);
	Py_DECREF(bytes);
	return s;
}

static PyObject *read_char_ptr(uint64_t addr, const unsigned char *pre)
{
	uint64_t p = 0;
	if (fetch(addr, pre, &p, 8) < 0)
		return NULL;
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

static PyObject *read_array(kdpy_reader *r, uint64_t addr,
			     const unsigned char *pre)
{
	kdpy_reader *elem = kdpy_reader_target(r);
	if (!elem)
		return NULL;
	PyObject *list = PyList_New((Py_ssize_t)r->count);
	if (!list)
		return NULL;
	for (uint64_t i = 0; i < r->count; i++) {
		uint64_t off = i * elem->size;
		PyObject *v = kdpy_decode_value(elem, addr + off,
						pre ? pre + off : NULL);
		if (!v) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, v);
	}
	return list;
}

static PyObject *read_pointer(kdpy_reader *r, uint64_t addr,
			       const unsigned char *pre)
{
	uint64_t p = 0;
	if (fetch(addr, pre, &p, 8) < 0)
		return NULL;
	switch (r->kind) {
	case KDPY_R_SUPTR: {
		kdpy_reader *t = kdpy_reader_target(r);
		return t ? kdpy_struct_new(p, t) : NULL;
	}
	case KDPY_R_PTR:
		return kdpy_tptr_new(p, r);
	default:
		return PyLong_FromUnsignedLongLong(p);
	}
}

PyObject *kdpy_read_value(kdpy_reader *r, uint64_t addr)
{
	return kdpy_decode_value(r, addr, NULL);
}

PyObject *kdpy_decode_value(kdpy_reader *r, uint64_t addr,
			    const unsigned char *pre)
{
	if (kdpy_reader_check(r) < 0)
		return NULL;
	switch (r->kind) {
	case KDPY_R_INT:
	case KDPY_R_BOOL:
	case KDPY_R_FLOAT:
	case KDPY_R_ENUM:
		return read_scalar(r, addr, pre);
	case KDPY_R_CHARARRAY:
		return read_char_array(r, addr, pre);
	case KDPY_R_ARRAY:
		return read_array(r, addr, pre);
	case KDPY_R_ZEROARRAY:
		if (kdpy_ZeroArray)
			return PyObject_CallFunction(kdpy_ZeroArray, "KO",
				(unsigned long long)addr, (PyObject *)r);
		return PyLong_FromUnsignedLongLong(addr);
	case KDPY_R_SU:
		return kdpy_struct_new(addr, r);
	case KDPY_R_CHARPTR:
		return read_char_ptr(addr, pre);
	case KDPY_R_SUPTR:
	case KDPY_R_PTR:
	case KDPY_R_FUNCPTR:
		return read_pointer(r, addr, pre);
	default:
		return PyLong_FromUnsignedLongLong(addr);
	}
}

static PyObject *read_bitfield(kdpy_field *f, uint64_t addr,
				const unsigned char *pre)
{
	unsigned nbytes = (f->bit_shift + f->bit_size + 7) / 8;
	uint64_t raw = 0;
	if (nbytes > 8) {
		PyErr_SetString(kdpy_Error, "bitfield wider than 64 bits");
		return NULL;
	}
	if (fetch(addr + f->offset, pre, &raw, nbytes) < 0)
		return NULL;
	uint64_t v = raw >> f->bit_shift;
	if (f->bit_size < 64)
		v &= (UINT64_C(1) << f->bit_size) - 1;
	PyObject *o;
	if (f->r->is_signed && f->bit_size < 64 &&
	    (v >> (f->bit_size - 1)) & 1) {
		int sh = 64 - (int)f->bit_size;
		o = PyLong_FromLongLong((int64_t)(v << sh) >> sh);
	} else {
		o = PyLong_FromUnsignedLongLong(v);
	}
	return wrap_int(f->r, o);
}

PyObject *kdpy_read_field(kdpy_field *f, uint64_t addr)
{
	return kdpy_decode_field(f, addr, NULL);
}

PyObject *kdpy_decode_field(kdpy_field *f, uint64_t addr,
			    const unsigned char *pre)
{
	if (kdpy_reader_check(f->r) < 0)
		return NULL;
	if (f->bit_size)
		return read_bitfield(f, addr, pre);
	return kdpy_decode_value(f->r, addr + f->offset, pre);
}

/* How many bytes of the struct decoding this value looks at (0: none,
 * the value is its address; arrays of structs need none either, but
 * asking for them is harmless). */
static uint64_t value_bytes(const kdpy_reader *r)
{
	switch (r->kind) {
	case KDPY_R_INT:
	case KDPY_R_BOOL:
	case KDPY_R_FLOAT:
	case KDPY_R_ENUM:
		return r->size > 16 ? 16 : r->size;
	case KDPY_R_CHARARRAY:
		return r->count;
	case KDPY_R_ARRAY:
		return r->size;
	case KDPY_R_CHARPTR:
	case KDPY_R_SUPTR:
	case KDPY_R_PTR:
	case KDPY_R_FUNCPTR:
		return 8;
	default:
		return 0;
	}
}

/* ------------------------------------------------- TypeReader in Python */

static const int codetypes[] = {
	[KD_TYPE_VOID] = 10, [KD_TYPE_INT] = 8, [KD_TYPE_BOOL] = 21,
	[KD_TYPE_FLOAT] = 9, [KD_TYPE_POINTER] = 1, [KD_TYPE_ARRAY] = 2,
	[KD_TYPE_STRUCT] = 3, [KD_TYPE_UNION] = 4, [KD_TYPE_ENUM] = 5,
	[KD_TYPE_TYPEDEF] = 23, [KD_TYPE_FUNCTION] = 7,
};

static PyObject *reader_get_codetype(PyObject *o, void *c)
{
	(void)c;
	kdpy_reader *r = (kdpy_reader *)o;
	if (!r->type)
		return PyLong_FromLong(10);
	enum kd_type_kind k = kd_type_kind(r->base);
	return PyLong_FromLong(k < (int)(sizeof(codetypes) /
					 sizeof(codetypes[0])) ? codetypes[k] : 0);
}

/* The name of the outermost typedef, or None. */
static PyObject *reader_get_typedef(PyObject *o, void *c)
{
	(void)c;
	struct kd_type *t = kd_type_strip(((kdpy_reader *)o)->type,
					  KD_STRIP_QUAL);
	if (kd_type_kind(t) != KD_TYPE_TYPEDEF || !kd_type_name(t))
		Py_RETURN_NONE;
	return PyUnicode_FromString(kd_type_name(t));
}

static PyObject *reader_get_target(PyObject *o, void *c)
{
	(void)c;
	kdpy_reader *r = (kdpy_reader *)o;
	enum kd_type_kind k = kd_type_kind(r->base);
	if (k != KD_TYPE_POINTER && k != KD_TYPE_ARRAY)
		Py_RETURN_NONE;
	kdpy_reader *t = kdpy_reader_target(r);
	return t ? Py_NewRef((PyObject *)t) : NULL;
}

static PyObject *reader_get_flexible(PyObject *o, void *c)
{
	(void)c;
	kdpy_reader *r = (kdpy_reader *)o;
	return PyBool_FromLong(kd_type_kind(r->base) == KD_TYPE_ARRAY &&
			       r->kind == KDPY_R_ZEROARRAY);
}

static PyObject *member_tuple(const struct kd_member *m)
{
	kdpy_reader *mr = kdpy_reader_for_type(m->type);
	if (!mr)
		return NULL;
	return Py_BuildValue("(zKIO)", m->name,
			     (unsigned long long)m->bit_offset,
			     (unsigned)m->bit_size, (PyObject *)mr);
}

/* [(name or None, bit_offset, bit_size, reader)] of the direct members. */
static PyObject *reader_members(PyObject *o, PyObject *noargs)
{
	(void)noargs;
	kdpy_reader *r = (kdpy_reader *)o;
	const struct kd_member *m;
	size_t n;
	if (r->kind != KDPY_R_SU)
		return PyList_New(0);
	if (kdpy_reader_check(r) < 0)
		return NULL;
	struct kd_error *err = kd_type_members(r->base, &m, &n);
	if (err)
		return kdpy_raise(err);
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *t = member_tuple(&m[i]);
		if (!t) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, t);
	}
	return list;
}

static PyObject *reader_enumerators(PyObject *o, PyObject *noargs)
{
	(void)noargs;
	kdpy_reader *r = (kdpy_reader *)o;
	const struct kd_enumerator *e;
	size_t n;
	if (kd_type_kind(r->base) != KD_TYPE_ENUM)
		return PyList_New(0);
	struct kd_error *err = kd_type_enumerators(r->base, &e, &n);
	if (err)
		return kdpy_raise(err);
	int uns = !r->is_signed;
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *t = uns ?
			Py_BuildValue("(sK)", e[i].name,
				      (unsigned long long)e[i].value) :
			Py_BuildValue("(sL)", e[i].name,
				      (long long)e[i].value);
		if (!t) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, t);
	}
	return list;
}

/* reader.read(addr): the value at addr. */
static PyObject *reader_read(PyObject *o, PyObject *arg)
{
	unsigned long long addr = PyLong_AsUnsignedLongLongMask(arg);
	if (PyErr_Occurred())
		return NULL;
	return kdpy_read_value((kdpy_reader *)o, addr);
}

/* reader.member(name): (offset, bit_shift, bit_size, reader) or None. */
static PyObject *reader_member(PyObject *o, PyObject *name)
{
	PyObject *v = kdpy_reader_member((kdpy_reader *)o, name);
	if (!v)
		return NULL;
	if (Py_TYPE(v) != &kdpy_field_type)
		Py_RETURN_NONE;
	kdpy_field *f = (kdpy_field *)v;
	return Py_BuildValue("(KIIO)", (unsigned long long)f->offset,
			     f->bit_shift, f->bit_size, (PyObject *)f->r);
}

/* reader.set_pseudo(alias, fn): s.alias calls fn(s) (structSetAttr). */
static PyObject *reader_set_pseudo(PyObject *o, PyObject *args)
{
	kdpy_reader *r = (kdpy_reader *)o;
	PyObject *alias, *fn;
	if (!PyArg_ParseTuple(args, "UO", &alias, &fn))
		return NULL;
	if (!r->fields) {
		PyErr_SetString(PyExc_TypeError, "not a struct or union");
		return NULL;
	}
	if (!pseudo_by_name && !(pseudo_by_name = PyDict_New()))
		return NULL;
	PyObject *ps = PyDict_GetItemWithError(pseudo_by_name, r->name);
	if (!ps) {
		if (PyErr_Occurred() || !(ps = PyDict_New()))
			return NULL;
		int rc = PyDict_SetItem(pseudo_by_name, r->name, ps);
		Py_DECREF(ps);	/* pseudo_by_name holds it */
		if (rc < 0)
			return NULL;
	}
	if (PyDict_SetItem(ps, alias, fn) < 0)
		return NULL;
	/* every reader of that struct already built */
	PyObject *key, *other;
	Py_ssize_t pos = 0;
	while (by_type && PyDict_Next(by_type, &pos, &key, &other)) {
		kdpy_reader *o = (kdpy_reader *)other;
		if (o->fields && PyUnicode_Compare(o->name, r->name) == 0 &&
		    PyDict_SetItem(o->fields, alias, fn) < 0)
			return NULL;
	}
	Py_RETURN_NONE;
}

static PyObject *reader_repr(PyObject *o)
{
	return PyUnicode_FromFormat("<TypeReader %U>", ((kdpy_reader *)o)->name);
}

static PyMemberDef reader_members_def[] = {
	{ "name", T_OBJECT, offsetof(kdpy_reader, name), READONLY, NULL },
	{ "size", T_ULONGLONG, offsetof(kdpy_reader, size), READONLY, NULL },
	{ "count", T_ULONGLONG, offsetof(kdpy_reader, count), READONLY, NULL },
	{ "kind", T_INT, offsetof(kdpy_reader, kind), READONLY, NULL },
	{ "is_signed", T_INT, offsetof(kdpy_reader, is_signed), READONLY,
	  NULL },
	/* tEnum's EnumInfo, kept here so that it goes with the reader */
	{ "enuminfo", T_OBJECT, offsetof(kdpy_reader, enuminfo), 0, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static PyGetSetDef reader_getset[] = {
	{ "codetype", reader_get_codetype, NULL, NULL, NULL },
	{ "typedef", reader_get_typedef, NULL, NULL, NULL },
	{ "target", reader_get_target, NULL, NULL, NULL },
	{ "flexible", reader_get_flexible, NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyMethodDef reader_methods[] = {
	{ "members", reader_members, METH_NOARGS, NULL },
	{ "enumerators", reader_enumerators, METH_NOARGS, NULL },
	{ "read", reader_read, METH_O, NULL },
	{ "member", reader_member, METH_O, NULL },
	{ "set_pseudo", reader_set_pseudo, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

PyTypeObject kdpy_reader_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "pykdump._crash.TypeReader",
	.tp_basicsize = sizeof(kdpy_reader),
	.tp_dealloc = reader_dealloc,
	.tp_repr = reader_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
	.tp_traverse = reader_traverse,
	.tp_clear = reader_clear,
	.tp_doc = "How values of one C type are read (one per type, cached).",
	.tp_members = reader_members_def,
	.tp_getset = reader_getset,
	.tp_methods = reader_methods,
};

PyTypeObject kdpy_field_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "pykdump._crash.Field",
	.tp_basicsize = sizeof(kdpy_field),
	.tp_dealloc = field_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
	.tp_traverse = field_traverse,
	.tp_clear = field_clear,
	.tp_doc = "A struct member: offset, bit position and reader.",
};

/* ---------------------------------------------------- module functions */

/* type_reader(name): the reader of a C type by name. */
static PyObject *type_reader(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name)
		return NULL;
	kdpy_reader *r = kdpy_reader_for_name(name);
	return r ? Py_NewRef((PyObject *)r) : NULL;
}

/* _member_path(tname, path) -> (bit_offset, bit_size, reader, rest) with
 * rest None when the path is complete, or None when there is no such
 * type or member. */
static PyObject *member_path(PyObject *self, PyObject *args)
{
	(void)self;
	const char *tname, *path;
	if (!PyArg_ParseTuple(args, "ss", &tname, &path))
		return NULL;
	kdpy_reader *r = kdpy_reader_for_name(tname);
	if (!r) {
		if (!PyErr_ExceptionMatches(PyExc_KeyError))
			return NULL;
		PyErr_Clear();
		Py_RETURN_NONE;
	}
	struct kd_member_path mp;
	struct kd_error *err = kd_type_member_path(r->base, path, &mp);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_error_destroy(err);
		Py_RETURN_NONE;
	}
	if (err)
		return kdpy_raise(err);
	kdpy_reader *mr = kdpy_reader_for_type(mp.type);
	if (!mr)
		return NULL;
	return Py_BuildValue("(KIOz)", (unsigned long long)mp.bit_offset,
			     (unsigned)mp.bit_size, (PyObject *)mr,
			     mp.stopped_at_pointer ? mp.rest : NULL);
}

static PyObject *set_classes(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *ss, *te, *za;
	if (!PyArg_ParseTuple(args, "OOO", &ss, &te, &za))
		return NULL;
	if (find_slots(ss) < 0)
		return NULL;
	Py_XSETREF(kdpy_SmartString, Py_NewRef(ss));
	Py_XSETREF(kdpy_tEnum, Py_NewRef(te));
	Py_XSETREF(kdpy_ZeroArray, Py_NewRef(za));
	Py_RETURN_NONE;
}

static PyObject *readers_clear(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	kdpy_readers_clear();
	Py_RETURN_NONE;
}

static PyMethodDef reader_functions[] = {
	{ "type_reader", type_reader, METH_O,
	  "type_reader(name)\n--\n\nThe TypeReader of a C type by name." },
	{ "_member_path", member_path, METH_VARARGS, NULL },
	{ "_set_classes", set_classes, METH_VARARGS, NULL },
	{ "_readers_clear", readers_clear, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_reader_init(PyObject *m)
{
	if (kdpy_add_type(m, &kdpy_reader_type) < 0 ||
	    kdpy_add_type(m, &kdpy_field_type) < 0)
		return -1;
	void_reader = reader_create(NULL);
	if (!void_reader)
		return -1;
	return PyModule_AddFunctions(m, reader_functions);
}
