// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-type readers: for each C type (struct kd_type *, interned by the
 * type model) one crash.TypeReader holding the library's descriptor of a
 * value of that type (kd_rmember_of_type), built on first use and
 * cached.  A struct's reader also holds the library's member table
 * (kd_reader_of_type) and its members as crash.Field objects (the
 * library's member descriptor and the reader of the member's type),
 * filled lazily on first access by name, so an attribute read is one
 * dict lookup plus one memory read.  What kind a value is, where a
 * member is and how its bytes decode is the library's answer; this file
 * only caches it for Python (the values themselves: _crash_value.c).
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

#include <pykdump/session.h>
#include <pykdump/types.h>

static PyObject *by_type;	/* PyLong(kd_type *) -> reader */
static PyObject *by_name;	/* "struct task_struct" -> reader */
static kdpy_reader *void_reader;
/* structSetAttr pseudo-members by type name: the same struct seen from
 * different compilation units has several readers, all must see them. */
static PyObject *pseudo_by_name;	/* name -> {alias: callable} */

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

/* The session goes last: f->m points into its member tables. */
static void field_dealloc(PyObject *o)
{
	PyObject_GC_UnTrack(o);
	field_clear(o);
	Py_CLEAR(((kdpy_field *)o)->session);
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

static int refuse(PyObject *name)
{
	PyErr_Format(kdpy_NoDumpError,
		     "%U: this object was read from a dump that is no longer "
		     "open (pykdump.close(), or another pykdump.open() since): "
		     "read it again from the open dump", name);
	return -1;
}

int kdpy_reader_check(const kdpy_reader *r)
{
	if (!r->session || r->session == kdpy_session_ref())
		return 0;
	return refuse(r->name);
}

int kdpy_field_check(const kdpy_field *f)
{
	if (f->session == kdpy_session_ref())
		return 0;
	return refuse(f->r->name);
}

/* The original API read an array or a pointer of chars as a string only
 * when the element's type was `char` itself (gdb's name of the type,
 * qualifiers aside): `unsigned char`, `signed char` and typedefs (u8,
 * __u8) are numbers. */
static int plain_char(struct kd_type *t)
{
	t = kd_type_strip(t, KD_STRIP_QUAL);
	const char *n = kd_type_name(t);
	return kd_type_kind(t) == KD_TYPE_INT && kd_type_is_char(t) && n &&
	       strcmp(n, "char") == 0;
}

static int text_kind(struct kd_type *t, enum kd_rkind kind)
{
	if (kind != KD_RK_CHARARRAY && kind != KD_RK_CHARPTR)
		return 0;
	return plain_char(kd_type_target(kd_type_strip(t, KD_STRIP_ALL)));
}

static kdpy_reader *reader_create(struct kd_type *t)
{
	/* a type always comes from the current session's type model */
	if (t && !kdpy_require_session("a type reader"))
		return NULL;
	kdpy_reader *r = PyObject_GC_New(kdpy_reader, &kdpy_reader_type);
	if (!r)
		return NULL;
	kd_rmember_of_type(t, &r->desc);
	r->su = NULL;
	r->session = t ? Py_NewRef(kdpy_session_ref()) : NULL;
	r->target = NULL;
	r->fields = NULL;
	r->enuminfo = NULL;
	r->name = type_name(t);
	r->text = (uint8_t)text_kind(t, r->desc.kind);
	PyObject_GC_Track(r);
	if (!r->name) {
		Py_DECREF(r);
		return NULL;
	}
	if (r->desc.kind == KD_RK_STRUCT && !(r->fields = PyDict_New())) {
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
	/* const/volatile make no difference to reading a value, and the
	 * original named types without them (a `const struct x *` member
	 * reads as a StructResult of "struct x") */
	t = kd_type_strip(t, KD_STRIP_QUAL);
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
	/* checked even when known: a tPtr's target is looked up as the
	 * pointer is read (is it a struct?), and Deref after close must
	 * still be refused */
	if (kdpy_reader_check(r) < 0)
		return NULL;
	if (r->target)
		return r->target;
	struct kd_rmember t;
	struct kd_error *err = kd_rmember_target(&r->desc, &t);
	if (err)
		return (kdpy_reader *)kdpy_raise(err);
	kdpy_reader *tr = kdpy_reader_for_type(t.type);
	Py_XINCREF(tr);
	r->target = tr;
	return tr;
}

/* --------------------------------------------------------------- fields */

/* The library's member table of a struct reader, built on first use;
 * NULL with *err set, or with an exception and *err NULL (no dump, or r
 * is of a dump no longer open).  The table belongs to r's session, which
 * r keeps open, and is built only while that session is the current one:
 * what is made of its members (their readers) goes into the current
 * session's caches. */
static struct kd_reader *reader_su(kdpy_reader *r, struct kd_error **err)
{
	*err = NULL;
	if (kdpy_reader_check(r) < 0)
		return NULL;
	if (r->su)
		return r->su;
	struct kd_session *s = kdpy_require_session("struct members");
	if (!s)
		return NULL;
	*err = kd_reader_of_type(s, r->desc.type, &r->su);
	return *err ? NULL : r->su;
}

/* A field for m, a member of owner's struct: m points into owner's
 * member table, so the field keeps owner's session (the table's owner)
 * open itself, whatever its member's type. */
static kdpy_field *field_create(kdpy_reader *owner, const struct kd_rmember *m)
{
	kdpy_reader *mr = kdpy_reader_for_type(m->type);
	if (!mr)
		return NULL;
	kdpy_field *f = PyObject_GC_New(kdpy_field, &kdpy_field_type);
	if (!f)
		return NULL;
	f->m = m;
	f->nbytes = kdpy_value_bytes(m);
	f->r = (kdpy_reader *)Py_NewRef(mr);
	f->session = Py_NewRef(owner->session);
	PyObject_GC_Track(f);
	return f;
}

/* The library's descriptor of member `name`; NULL without an exception
 * when there is none.  Only plain names: a path ("a.b", "x[1]") would
 * be compiled into a chain, and is no attribute. */
static int member_lookup(kdpy_reader *r, PyObject *name,
			 const struct kd_rmember **ret)
{
	*ret = NULL;
	if (!PyUnicode_IsIdentifier(name))
		return 0;
	const char *cname = PyUnicode_AsUTF8(name);
	if (!cname)
		return -1;
	struct kd_error *err;
	struct kd_reader *su = reader_su(r, &err);
	if (!su && !err)
		return -1;
	if (su)
		err = kd_reader_member(su, cname, ret);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_error_destroy(err);	/* no such member (or no definition) */
		return 0;
	}
	if (err) {
		kdpy_raise(err);
		return -1;
	}
	return 0;
}

/* Look the member up and remember what was found: a structSetAttr
 * pseudo-member (it hides a real member of the same name, as the
 * original's class attribute did), else a field, else None. */
static PyObject *member_resolve(kdpy_reader *r, PyObject *name)
{
	const struct kd_rmember *m = NULL;
	PyObject *ps = pseudo_by_name ?
		PyDict_GetItemWithError(pseudo_by_name, r->name) : NULL;
	PyObject *v = ps ? PyDict_GetItemWithError(ps, name) : NULL;
	if (!v && PyErr_Occurred())
		return NULL;
	if (v) {
		Py_INCREF(v);
	} else {
		if (member_lookup(r, name, &m) < 0)
			return NULL;
		v = m ? (PyObject *)field_create(r, m) : Py_NewRef(Py_None);
		if (!v)
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

/* ------------------------------------------------- TypeReader in Python */

/* The type, typedefs and qualifiers looked through (TypeInfo's view). */
static struct kd_type *reader_base(const kdpy_reader *r)
{
	return kd_type_strip(r->desc.type, KD_STRIP_ALL);
}

static int has_target(const kdpy_reader *r)
{
	switch (r->desc.kind) {
	case KD_RK_PTR:
	case KD_RK_CHARPTR:
	case KD_RK_FUNCPTR:
	case KD_RK_ARRAY:
	case KD_RK_CHARARRAY:
		return 1;
	default:
		return 0;
	}
}

static int is_array(const kdpy_reader *r)
{
	return r->desc.kind == KD_RK_ARRAY || r->desc.kind == KD_RK_CHARARRAY;
}

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
	if (!r->desc.type)
		return PyLong_FromLong(10);
	enum kd_type_kind k = kd_type_kind(reader_base(r));
	return PyLong_FromLong(k < (int)(sizeof(codetypes) /
					 sizeof(codetypes[0])) ? codetypes[k] : 0);
}

/* The name of the outermost typedef, or None. */
static PyObject *reader_get_typedef(PyObject *o, void *c)
{
	(void)c;
	struct kd_type *t = kd_type_strip(((kdpy_reader *)o)->desc.type,
					  KD_STRIP_QUAL);
	if (kd_type_kind(t) != KD_TYPE_TYPEDEF || !kd_type_name(t))
		Py_RETURN_NONE;
	return PyUnicode_FromString(kd_type_name(t));
}

/* The name of the type with typedefs and qualifiers looked through:
 * "unsigned char" for a u8, "struct x" for a typedef of one. */
static PyObject *reader_get_base_name(PyObject *o, void *c)
{
	(void)c;
	kdpy_reader *r = (kdpy_reader *)o;
	if (!r->desc.type)
		return PyUnicode_FromString("void");
	if (kdpy_reader_check(r) < 0)
		return NULL;
	return type_name(reader_base(r));
}

static PyObject *reader_get_target(PyObject *o, void *c)
{
	(void)c;
	kdpy_reader *r = (kdpy_reader *)o;
	if (!has_target(r))
		Py_RETURN_NONE;
	kdpy_reader *t = kdpy_reader_target(r);
	return t ? Py_NewRef((PyObject *)t) : NULL;
}

static PyObject *reader_get_flexible(PyObject *o, void *c)
{
	(void)c;
	kdpy_reader *r = (kdpy_reader *)o;
	return PyBool_FromLong(is_array(r) && r->desc.dims[0] == 0);
}

static PyObject *reader_get_count(PyObject *o, void *c)
{
	(void)c;
	kdpy_reader *r = (kdpy_reader *)o;
	return PyLong_FromUnsignedLongLong(is_array(r) ? r->desc.dims[0] : 0);
}

static PyObject *member_tuple(const struct kd_rmember *m)
{
	kdpy_reader *mr = kdpy_reader_for_type(m->type);
	if (!mr)
		return NULL;
	return Py_BuildValue("(sKIO)", m->name,
			     (unsigned long long)(m->offset * 8 + m->bit_shift),
			     (unsigned)m->bit_size, (PyObject *)mr);
}

/* [(name, bit_offset, bit_size, reader)] of the members in declaration
 * order, those of anonymous structs and unions in their place (the
 * library's member table). */
static PyObject *reader_members(PyObject *o, PyObject *noargs)
{
	(void)noargs;
	kdpy_reader *r = (kdpy_reader *)o;
	struct kd_error *err;
	if (r->desc.kind != KD_RK_STRUCT)
		return PyList_New(0);
	struct kd_reader *su = reader_su(r, &err);
	if (!su)
		return err ? kdpy_raise(err) : NULL;
	size_t n = kd_reader_nmembers(su);
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *t = member_tuple(kd_reader_member_at(su, i));
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
	if (r->desc.kind != KD_RK_ENUM)
		return PyList_New(0);
	struct kd_error *err = kd_type_enumerators(reader_base(r), &e, &n);
	if (err)
		return kdpy_raise(err);
	int uns = !r->desc.is_signed;
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
	return Py_BuildValue("(KIIO)", (unsigned long long)f->m->offset,
			     (unsigned)f->m->bit_shift,
			     (unsigned)f->m->bit_size, (PyObject *)f->r);
}

/* reader.prototype(): a function type's [return reader, parameter
 * readers...] (a pointer to function: its target's); None for other
 * types.  What the original's whatis() gave as TypeInfo.prototype. */
static PyObject *reader_prototype(PyObject *o, PyObject *noargs)
{
	(void)noargs;
	kdpy_reader *r = (kdpy_reader *)o;
	struct kd_type *t = reader_base(r);
	if (kd_type_kind(t) == KD_TYPE_POINTER)
		t = kd_type_strip(kd_type_target(t), KD_STRIP_ALL);
	if (kd_type_kind(t) != KD_TYPE_FUNCTION)
		Py_RETURN_NONE;
	if (kdpy_reader_check(r) < 0)
		return NULL;
	const struct kd_param *p;
	size_t n;
	int variadic;
	struct kd_error *err = kd_type_params(t, &p, &n, &variadic);
	if (err)
		return kdpy_raise(err);
	PyObject *list = PyList_New(0);
	kdpy_reader *ret = list ? kdpy_reader_for_type(kd_type_target(t)) : NULL;
	if (!ret || PyList_Append(list, (PyObject *)ret) < 0) {
		Py_XDECREF(list);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		kdpy_reader *pr = kdpy_reader_for_type(p[i].type);
		if (!pr || PyList_Append(list, (PyObject *)pr) < 0) {
			Py_DECREF(list);
			return NULL;
		}
	}
	return list;
}

/* reader.field(name): the Field of a real member (never a pseudo-member
 * of the same name), or None.  structSetAttr chains end in one. */
static PyObject *reader_field(PyObject *o, PyObject *name)
{
	kdpy_reader *r = (kdpy_reader *)o;
	if (!r->fields) {
		PyErr_Format(PyExc_TypeError, "%U is not a struct or union",
			     r->name);
		return NULL;
	}
	if (!PyUnicode_Check(name)) {
		PyErr_SetString(PyExc_TypeError, "field(name): a str");
		return NULL;
	}
	if (kdpy_reader_check(r) < 0)
		return NULL;
	PyObject *v = PyDict_GetItemWithError(r->fields, name);
	if (v && Py_TYPE(v) == &kdpy_field_type)
		return Py_NewRef(v);
	if (PyErr_Occurred())
		return NULL;
	const struct kd_rmember *m;
	if (member_lookup(r, name, &m) < 0)
		return NULL;
	if (!m)
		Py_RETURN_NONE;
	return (PyObject *)field_create(r, m);
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

_Static_assert(sizeof(enum kd_rkind) == sizeof(int), "kind is a T_INT");

static PyMemberDef reader_members_def[] = {
	{ "name", T_OBJECT, offsetof(kdpy_reader, name), READONLY, NULL },
	{ "size", T_UINT, offsetof(kdpy_reader, desc.size), READONLY, NULL },
	{ "kind", T_INT, offsetof(kdpy_reader, desc.kind), READONLY,
	  "the library's kind (crash.RK_*)" },
	{ "is_signed", T_UBYTE, offsetof(kdpy_reader, desc.is_signed),
	  READONLY, NULL },
	/* tEnum's EnumInfo, kept here so that it goes with the reader */
	{ "enuminfo", T_OBJECT, offsetof(kdpy_reader, enuminfo), 0, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static PyGetSetDef reader_getset[] = {
	{ "count", reader_get_count, NULL, "arrays: elements", NULL },
	{ "codetype", reader_get_codetype, NULL, NULL, NULL },
	{ "typedef", reader_get_typedef, NULL, NULL, NULL },
	{ "target", reader_get_target, NULL, NULL, NULL },
	{ "base_name", reader_get_base_name, NULL,
	  "the type's name, typedefs and qualifiers looked through", NULL },
	{ "flexible", reader_get_flexible, NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyMethodDef reader_methods[] = {
	{ "members", reader_members, METH_NOARGS, NULL },
	{ "enumerators", reader_enumerators, METH_NOARGS, NULL },
	{ "read", reader_read, METH_O, NULL },
	{ "member", reader_member, METH_O, NULL },
	{ "set_pseudo", reader_set_pseudo, METH_VARARGS, NULL },
	{ "prototype", reader_prototype, METH_NOARGS, NULL },
	{ "field", reader_field, METH_O, NULL },
	{ NULL, NULL, 0, NULL },
};

/* field.read(addr): the member's value in the struct at addr. */
static PyObject *field_read(PyObject *o, PyObject *arg)
{
	unsigned long long addr = PyLong_AsUnsignedLongLongMask(arg);
	if (addr == (unsigned long long)-1 && PyErr_Occurred())
		return NULL;
	return kdpy_decode_field((kdpy_field *)o, addr, NULL);
}

static PyObject *field_get_offset(PyObject *o, void *c)
{
	(void)c;
	return PyLong_FromUnsignedLongLong(((kdpy_field *)o)->m->offset);
}

static PyObject *field_get_reader(PyObject *o, void *c)
{
	(void)c;
	return Py_NewRef((PyObject *)((kdpy_field *)o)->r);
}

static PyMethodDef field_methods[] = {
	{ "read", field_read, METH_O, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef field_getset[] = {
	{ "offset", field_get_offset, NULL, "bytes from the struct's start",
	  NULL },
	{ "reader", field_get_reader, NULL, "the member type's reader", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
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
	.tp_doc = "A struct member: the library's descriptor and the reader "
		  "of its type.",
	.tp_methods = field_methods,
	.tp_getset = field_getset,
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

/* _member_path(tname, path) -> (offset, reader) of a member or a path of
 * members ("se.run_node", "pids[1].node") in the struct or union tname;
 * None when there is no such type or member, or when the path goes
 * through a pointer (no offset then). */
static PyObject *member_path(PyObject *self, PyObject *args)
{
	(void)self;
	const char *tname, *path;
	if (!PyArg_ParseTuple(args, "ss", &tname, &path))
		return NULL;
	struct kd_session *s = kdpy_require_session("member_offset()");
	if (!s)
		return NULL;
	const struct kd_rmember *m;
	struct kd_error *err = kd_member_get(s, tname, path, &m);
	if (err && (err->code == KD_ERR_NOT_FOUND ||
		    err->code == KD_ERR_INVALID)) {
		kd_error_destroy(err);
		Py_RETURN_NONE;
	}
	if (err)
		return kdpy_raise(err);
	if (m->nhops)
		Py_RETURN_NONE;
	kdpy_reader *mr = kdpy_reader_for_type(m->type);
	if (!mr)
		return NULL;
	return Py_BuildValue("(KO)", (unsigned long long)m->offset,
			     (PyObject *)mr);
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
	{ "_readers_clear", readers_clear, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

/* TypeReader.kind values, as crash.RK_<NAME>. */
static const struct {
	const char *name;
	enum kd_rkind kind;
} kind_consts[] = {
	{ "RK_INT", KD_RK_INT },		{ "RK_BITFIELD", KD_RK_BITFIELD },
	{ "RK_BOOL", KD_RK_BOOL },		{ "RK_ENUM", KD_RK_ENUM },
	{ "RK_FLOAT", KD_RK_FLOAT },		{ "RK_CHARARRAY", KD_RK_CHARARRAY },
	{ "RK_CHARPTR", KD_RK_CHARPTR },	{ "RK_PTR", KD_RK_PTR },
	{ "RK_FUNCPTR", KD_RK_FUNCPTR },	{ "RK_ARRAY", KD_RK_ARRAY },
	{ "RK_STRUCT", KD_RK_STRUCT },		{ "RK_OTHER", KD_RK_OTHER },
	{ "RK_VOID", KD_RK_VOID },		{ "RK_FUNCTION", KD_RK_FUNCTION },
};

int kdpy_reader_init(PyObject *m)
{
	if (kdpy_add_type(m, &kdpy_reader_type) < 0 ||
	    kdpy_add_type(m, &kdpy_field_type) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(kind_consts) / sizeof(kind_consts[0]);
	     i++)
		if (PyModule_AddIntConstant(m, kind_consts[i].name,
					    kind_consts[i].kind) < 0)
			return -1;
	void_reader = reader_create(NULL);
	if (!void_reader)
		return -1;
	return PyModule_AddFunctions(m, reader_functions);
}
