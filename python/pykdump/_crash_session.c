// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump the API works on.  One session at a time, as in the original
 * (crash has one dump): the shell's epython hands it over, or a standalone
 * program opens one (pykdump.open).  Functions that read the dump get it
 * from kdpy_require_session(), which raises crash.NoDumpError when none
 * is open.
 *
 * The session is held through a reference-counted handle (struct
 * kdpy_session_ref): the module holds the current one, and every reader
 * built while it was current holds it too (_crash_reader.c), so the type
 * model a StructResult or tPtr points into stays valid as long as the
 * object lives, whatever pykdump.close() or a second pykdump.open() did
 * meanwhile.  Such an object is then refused with crash.NoDumpError when
 * used (kdpy_reader_check): its address means nothing in another dump.
 *
 * A session opened here (crash._open) is owned by its handle and closed
 * with the handle's last reference; one handed over by the shell stays
 * the shell's.  When the module lets go of an owned session that objects
 * still hold, the session's background work (the DWARF index build) is
 * finished and saved then, as closing would have done.
 */
#include "_crash.h"

#include <pykdump/debuginfo.h>
#include <pykdump/memocache.h>
#include <pykdump/session.h>

struct kdpy_session_ref {
	PyObject_HEAD
	struct kd_session *s;
	int owned;		/* opened by crash._open: closed with the handle */
};

static struct kdpy_session_ref *current;

static void ref_dealloc(PyObject *o)
{
	struct kdpy_session_ref *ref = (struct kdpy_session_ref *)o;
	if (ref->owned)
		kd_session_close(ref->s);
	Py_TYPE(o)->tp_free(o);
}

static PyTypeObject session_ref_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "pykdump._crash.SessionRef",
	.tp_basicsize = sizeof(struct kdpy_session_ref),
	.tp_dealloc = ref_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "A dump session, kept open while objects read from it live.",
};

static struct kdpy_session_ref *ref_new(struct kd_session *s, int owned)
{
	struct kdpy_session_ref *ref = PyObject_New(struct kdpy_session_ref,
						    &session_ref_type);
	if (!ref) {
		if (owned)
			kd_session_close(s);
		return NULL;
	}
	ref->s = s;
	ref->owned = owned;
	return ref;
}

/* The module lets go of ref.  If objects still hold an owned session, its
 * DWARF index build is finished (and saved) now rather than whenever the
 * last object goes, which may be never before the process exits. */
static void ref_release(struct kdpy_session_ref *ref)
{
	if (!ref)
		return;
	struct kd_debuginfo *di = ref->owned && Py_REFCNT(ref) > 1 ?
		kd_session_debuginfo(ref->s) : NULL;
	if (di) {
		struct kd_error *err;
		Py_BEGIN_ALLOW_THREADS
		err = kd_debuginfo_load_index(di, NULL);
		Py_END_ALLOW_THREADS
		kd_error_destroy(err);	/* the next lookup would report it */
	}
	Py_DECREF(ref);
}

struct kd_session *kdpy_session(void)
{
	return current ? current->s : NULL;
}

PyObject *kdpy_session_ref(void)
{
	return (PyObject *)current;
}

/* Make ref (a new reference, or NULL) the current session.  The Python
 * caches move to its memocache before the previous session may close:
 * unregistering from a closed session's memocache wrote to freed memory. */
static int switch_to(struct kdpy_session_ref *ref)
{
	struct kdpy_session_ref *old = current;
	current = ref;
	kdpy_readers_clear();
	kdpy_structbuf_invalidate();
	/* Python caches register with the session's memocache, so purges
	 * (module loads ...) reach C and Python caches alike. */
	int rc = kdpy_memocache_attach(ref ? kd_session_memocache(ref->s)
					   : NULL);
	ref_release(old);
	return rc;
}

int kdpy_session_set(struct kd_session *s)
{
	if (s == kdpy_session())
		return 0;
	struct kdpy_session_ref *ref = NULL;
	if (s && !(ref = ref_new(s, 0)))
		return -1;
	return switch_to(ref);
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
	struct kdpy_session_ref *ref = ref_new(s, 1);
	if (!ref || switch_to(ref) < 0)
		return NULL;
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
	if (current)
		return current->s;
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
	return PyBool_FromLong(current != NULL);
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
	if (PyType_Ready(&session_ref_type) < 0)
		return -1;
	return PyModule_AddFunctions(m, session_methods);
}
