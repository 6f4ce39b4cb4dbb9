// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump the API works on.  One session at a time, as in the original
 * (crash has one dump): the shell's epython hands it over, or a standalone
 * program opens one (pykdump.open).  Functions that read the dump get it
 * from kdpy_require_session(), which raises crash.NoDumpError when none
 * is open.
 *
 * Opening is not wired yet (the session layer is landing in lib/); until
 * then no session is ever set and every dump reader raises NoDumpError.
 */
#include "_crash.h"

static struct kd_session *current_session;

struct kd_session *kdpy_session(void)
{
	return current_session;
}

int kdpy_session_set(struct kd_session *s)
{
	if (s == current_session)
		return 0;
	current_session = s;
	/* Sessions will own a memocache; until then the module's own. */
	return kdpy_memocache_attach(NULL);
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
