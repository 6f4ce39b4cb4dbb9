// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump the API works on.  One session at a time, as in the original
 * (crash has one dump): the shell's epython hands it over, or a standalone
 * program opens one (pykdump.open).  Functions that read the dump get it
 * from kdpy_require_session(), which raises crash.NoDumpError when none
 * is open.
 *
 * A session opened here (crash._open) is owned by the module and closed
 * when another replaces it or at exit; one handed over by the shell stays
 * the shell's.
 */
#include "_crash.h"

#include <pykdump/memocache.h>
#include <pykdump/session.h>

static struct kd_session *current_session;
static struct kd_session *owned_session;	/* opened by crash._open */

struct kd_session *kdpy_session(void)
{
	return current_session;
}

int kdpy_session_set(struct kd_session *s)
{
	if (s == current_session)
		return 0;
	current_session = s;
	kdpy_readers_clear();
	kdpy_structbuf_invalidate();
	if (owned_session && owned_session != s) {
		kd_session_close(owned_session);
		owned_session = NULL;
	}
	/* Python caches register with the session's memocache, so purges
	 * (module loads ...) reach C and Python caches alike. */
	return kdpy_memocache_attach(s ? kd_session_memocache(s) : NULL);
}

/* Strings of a sequence, for the session options. */
static const char **str_array(PyObject *seq, Py_ssize_t *n)
{
	*n = PySequence_Fast_GET_SIZE(seq);
	const char **v = PyMem_Calloc(*n + 1, sizeof(*v));
	if (!v)
		return (const char **)PyErr_NoMemory();
	for (Py_ssize_t i = 0; i < *n; i++) {
		v[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i));
		if (!v[i]) {
			PyMem_Free(v);
			return NULL;
		}
	}
	return v;
}

/* _open(files, vmlinux=None, debug_dirs=()): open a dump and make it the
 * one the API works on. */
static PyObject *open_dump(PyObject *self, PyObject *args, PyObject *kw)
{
	(void)self;
	static char *kwlist[] = { "files", "vmlinux", "debug_dirs", NULL };
	PyObject *files, *dirs = NULL;
	const char *vmlinux = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|zO", kwlist, &files,
					 &vmlinux, &dirs))
		return NULL;
	PyObject *fseq = PySequence_Fast(files, "files: a list of paths");
	PyObject *dseq = dirs && dirs != Py_None ?
		PySequence_Fast(dirs, "debug_dirs: a list of paths") :
		PyTuple_New(0);
	struct kd_session_options o = { 0 };
	struct kd_session *s = NULL;
	struct kd_error *err = NULL;
	Py_ssize_t nf = 0, nd = 0;
	const char **fv = fseq ? str_array(fseq, &nf) : NULL;
	const char **dv = dseq && fv ? str_array(dseq, &nd) : NULL;
	if (fv && dv) {
		o.files = fv;
		o.nfiles = nf;
		o.vmlinux = vmlinux;
		o.debug_dirs = dv;
		o.ndebug_dirs = nd;
		Py_BEGIN_ALLOW_THREADS
		err = kd_session_open(&o, &s);
		Py_END_ALLOW_THREADS
	}
	PyMem_Free(fv);
	PyMem_Free(dv);
	Py_XDECREF(fseq);
	Py_XDECREF(dseq);
	if (PyErr_Occurred()) {
		if (err)
			kd_error_destroy(err);
		return NULL;
	}
	if (err)
		return kdpy_raise(err);
	if (kdpy_session_set(s) < 0) {
		kd_session_close(s);
		return NULL;
	}
	owned_session = s;
	Py_RETURN_NONE;
}

static PyObject *close_dump(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	if (kdpy_session_set(NULL) < 0)
		return NULL;
	Py_RETURN_NONE;
}

struct kd_session *kdpy_require_session(const char *what)
{
	if (current_session)
		return current_session;
	PyErr_Format(kdpy_NoDumpError,
		     "%s needs an open dump: run the program with epython in "
		     "the pykdump shell, or open one with "
		     "pykdump.open(VMCORE)", what);
	return NULL;
}

static PyObject *dump_is_open(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	return PyBool_FromLong(current_session != NULL);
}

static PyObject *needs_dump(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *what = PyUnicode_AsUTF8(arg);
	if (!what)
		return NULL;
	if (!kdpy_require_session(what))
		return NULL;
	Py_RETURN_NONE;
}

static PyMethodDef session_methods[] = {
	{ "_open", KDPY_KWFUNC(open_dump), METH_VARARGS | METH_KEYWORDS,
	  "_open(files, vmlinux=None, debug_dirs=())\n--\n\n"
	  "Open a dump for the API (pykdump.open)." },
	{ "_close", close_dump, METH_NOARGS, NULL },
	{ "dump_is_open", dump_is_open, METH_NOARGS,
	  "dump_is_open()\n--\n\nTrue when the API has a dump to work on." },
	{ "_needs_dump", needs_dump, METH_O,
	  "_needs_dump(what)\n--\n\n"
	  "Raise crash.NoDumpError naming `what` unless a dump is open." },
	{ NULL, NULL, 0, NULL },
};

int kdpy_session_init(PyObject *m)
{
	return PyModule_AddFunctions(m, session_methods);
}
