// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Library errors as Python exceptions: the one place that says which
 * exception a struct kd_error becomes.
 *
 * Every exception is a crash.error (programs written for PyKdump catch
 * that), and where Python has a natural class the exception is one of
 * those too, so that ordinary Python idioms work:
 *
 *   kd_error code                      exception             also a
 *   FAULT NOT_PRESENT EXCLUDED LOST    crash.FaultError      -
 *   NOT_FOUND                          crash.NotFoundError   KeyError,
 *                                                            AttributeError
 *   INVALID                            crash.InvalidError    ValueError
 *   OS                                 crash.FileError       OSError (.errno)
 *   TIMEOUT                            crash.CommandTimeout  TimeoutError
 *   INTERRUPTED                        KeyboardInterrupt     (Ctrl-C)
 *   NOMEM                              MemoryError
 *   anything else                      crash.error
 *   (no dump open)                     crash.NoDumpError     RuntimeError
 *
 * NotFoundError is both KeyError and AttributeError so that a missing
 * struct field raises what PyKdump raised (KeyError) while hasattr() and
 * getattr(o, name, default) still work.  Each exception carries .code (the
 * code's name, e.g. "FAULT"), .addr (the faulting address, or None) and
 * .errno (for OS errors, else None); str() is the library's message.
 */
#include "_crash.h"

#include <stdarg.h>
#include <string.h>

PyObject *kdpy_Error;
PyObject *kdpy_NoDumpError;
static PyObject *kdpy_FaultError;
static PyObject *kdpy_NotFoundError;
static PyObject *kdpy_InvalidError;
static PyObject *kdpy_FileError;
static PyObject *kdpy_CommandTimeout;

/* The classes, created in this order (crash.error first: the others
 * derive from it). */
static const struct exc_class {
	const char *name;		/* crash.<name> */
	PyObject **slot;
	PyObject **also;		/* a builtin base besides crash.error */
	PyObject **also2;
	const char *doc;
} exc_classes[] = {
	{ "error", &kdpy_Error, NULL, NULL,
	  "Base of every exception raised by the pykdump engine." },
	{ "FaultError", &kdpy_FaultError, NULL, NULL,
	  "Memory at .addr cannot be read (not mapped, not in the dump, "
	  "excluded by filtering, or lost)." },
	{ "NotFoundError", &kdpy_NotFoundError, &PyExc_KeyError,
	  &PyExc_AttributeError,
	  "A symbol, type, member or file does not exist." },
	{ "InvalidError", &kdpy_InvalidError, &PyExc_ValueError, NULL,
	  "A bad argument." },
	{ "FileError", &kdpy_FileError, &PyExc_OSError, NULL,
	  "A system call failed; .errno is set." },
	{ "CommandTimeout", &kdpy_CommandTimeout, &PyExc_TimeoutError, NULL,
	  "A command ran out of its time budget (--timeout)." },
	{ "NoDumpError", &kdpy_NoDumpError, &PyExc_RuntimeError, NULL,
	  "The call needs an open dump and none is open." },
};

/* kd_error code -> (name, exception). */
static const struct code_map {
	enum kd_error_code code;
	const char *name;
	PyObject **exc;
} code_map[] = {
	{ KD_ERR_NOMEM, "NOMEM", &PyExc_MemoryError },
	{ KD_ERR_OS, "OS", &kdpy_FileError },
	{ KD_ERR_CORRUPT, "CORRUPT", &kdpy_Error },
	{ KD_ERR_TRUNCATED, "TRUNCATED", &kdpy_Error },
	{ KD_ERR_FORMAT, "FORMAT", &kdpy_Error },
	{ KD_ERR_UNSUPPORTED, "UNSUPPORTED", &kdpy_Error },
	{ KD_ERR_FAULT, "FAULT", &kdpy_FaultError },
	{ KD_ERR_NOT_PRESENT, "NOT_PRESENT", &kdpy_FaultError },
	{ KD_ERR_EXCLUDED, "EXCLUDED", &kdpy_FaultError },
	{ KD_ERR_LOST, "LOST", &kdpy_FaultError },
	{ KD_ERR_NOT_FOUND, "NOT_FOUND", &kdpy_NotFoundError },
	{ KD_ERR_INVALID, "INVALID", &kdpy_InvalidError },
	{ KD_ERR_MISMATCH, "MISMATCH", &kdpy_Error },
	{ KD_ERR_TIMEOUT, "TIMEOUT", &kdpy_CommandTimeout },
	{ KD_ERR_INTERRUPTED, "INTERRUPTED", &PyExc_KeyboardInterrupt },
	{ KD_ERR_LIMIT, "LIMIT", &kdpy_Error },
	{ KD_ERR_CYCLE, "CYCLE", &kdpy_Error },
	{ KD_ERR_OTHER, "OTHER", &kdpy_Error },
};

static const struct code_map *find_code(enum kd_error_code code)
{
	for (size_t i = 0; i < sizeof(code_map) / sizeof(code_map[0]); i++)
		if (code_map[i].code == code)
			return &code_map[i];
	return &code_map[sizeof(code_map) / sizeof(code_map[0]) - 1];
}

/* Set exc.<name> = v, consuming v (which may be NULL after a failure). */
static int set_attr_new(PyObject *exc, const char *name, PyObject *v)
{
	if (!v)
		return -1;
	int r = PyObject_SetAttrString(exc, name, v);
	Py_DECREF(v);
	return r;
}

static int set_attrs(PyObject *exc, const struct kd_error *err,
		     const struct code_map *cm)
{
	if (set_attr_new(exc, "code", PyUnicode_FromString(cm->name)) < 0)
		return -1;
	PyObject *addr = kd_error_is_fault(err) ?
		PyLong_FromUnsignedLongLong(err->addr) : Py_NewRef(Py_None);
	if (set_attr_new(exc, "addr", addr) < 0)
		return -1;
	PyObject *errnum = err->code == KD_ERR_OS ?
		PyLong_FromLong(err->errnum) : Py_NewRef(Py_None);
	return set_attr_new(exc, "errno", errnum);
}

PyObject *kdpy_raise_as(struct kd_error *err, PyObject *exc_type)
{
	const struct code_map *cm = find_code(err->code);
	if (err->code == KD_ERR_NOMEM && exc_type == PyExc_MemoryError) {
		kd_error_destroy(err);
		return PyErr_NoMemory();
	}
	const char *msg = err->message ? err->message :
					 kd_error_code_name(err->code);
	PyObject *exc = PyObject_CallFunction(exc_type, "s", msg);
	if (exc && set_attrs(exc, err, cm) == 0)
		PyErr_SetObject(exc_type, exc);
	Py_XDECREF(exc);
	kd_error_destroy(err);
	return NULL;
}

PyObject *kdpy_raise(struct kd_error *err)
{
	return kdpy_raise_as(err, *find_code(err->code)->exc);
}

/* crash._raise_kd_error(code, message, addr=0, errno=0): raise what the
 * library's error would become; lets the mapping be tested without a
 * dump. */
static PyObject *raise_kd_error(PyObject *self, PyObject *args,
				PyObject *kwargs)
{
	static char *kwlist[] = { "code", "message", "addr", "errno", NULL };
	const char *name, *msg;
	unsigned long long addr = 0;
	int errnum = 0;
	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "ss|Ki", kwlist, &name,
					 &msg, &addr, &errnum))
		return NULL;
	for (size_t i = 0; i < sizeof(code_map) / sizeof(code_map[0]); i++) {
		if (strcmp(code_map[i].name, name) != 0)
			continue;
		struct kd_error *err =
			kd_error_fault(code_map[i].code, addr, "%s", msg);
		if (err == &kd_error_nomem)
			return PyErr_NoMemory();
		err->errnum = errnum;
		return kdpy_raise(err);
	}
	return PyErr_Format(PyExc_ValueError, "unknown error code '%s'", name);
}

static PyMethodDef error_methods[] = {
	{ "_raise_kd_error", KDPY_KWFUNC(raise_kd_error),
	  METH_VARARGS | METH_KEYWORDS,
	  "_raise_kd_error(code, message, addr=0, errno=0)\n--\n\n"
	  "Raise the exception a library error with this code name "
	  "(\"FAULT\", \"NOT_FOUND\" ...) becomes.  For tests." },
	{ NULL, NULL, 0, NULL },
};

static PyObject *make_bases(const struct exc_class *c)
{
	if (c->slot == &kdpy_Error)
		return Py_NewRef(PyExc_Exception);
	if (!c->also)
		return Py_NewRef(kdpy_Error);
	if (!c->also2)
		return PyTuple_Pack(2, kdpy_Error, *c->also);
	return PyTuple_Pack(3, kdpy_Error, *c->also, *c->also2);
}

/* str(e) is the message alone: KeyError would quote it. */
static PyObject *make_dict(void)
{
	PyObject *dict = PyDict_New();
	if (!dict)
		return NULL;
	PyObject *str = PyObject_GetAttrString(PyExc_BaseException, "__str__");
	if (!str || PyDict_SetItemString(dict, "__str__", str) < 0)
		Py_CLEAR(dict);
	Py_XDECREF(str);
	return dict;
}

static int add_class(PyObject *m, const struct exc_class *c)
{
	char qualname[64];
	snprintf(qualname, sizeof(qualname), "crash.%s", c->name);
	PyObject *bases = make_bases(c);
	PyObject *dict = bases ? make_dict() : NULL;
	if (dict)
		*c->slot = PyErr_NewExceptionWithDoc(qualname, c->doc, bases,
						     dict);
	Py_XDECREF(bases);
	Py_XDECREF(dict);
	if (!*c->slot)
		return -1;
	return PyModule_AddObjectRef(m, c->name, *c->slot);
}

int kdpy_error_init(PyObject *m)
{
	for (size_t i = 0; i < sizeof(exc_classes) / sizeof(exc_classes[0]);
	     i++) {
		if (add_class(m, &exc_classes[i]) < 0)
			return -1;
	}
	return PyModule_AddFunctions(m, error_methods);
}

PyObject *kdpy_not_found(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	PyObject *msg = PyUnicode_FromFormatV(fmt, ap);
	va_end(ap);
	if (!msg)
		return NULL;
	PyErr_SetObject(kdpy_NotFoundError, msg);
	Py_DECREF(msg);
	return NULL;
}
