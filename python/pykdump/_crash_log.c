// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The problem log (include/pykdump/log.h) for pykdump/logging.py's PyLog.
 *
 * Python and C report into the same store, kd_log_default(), so a
 * warning a C walker logs (a list cycle, say) shows up in the program's
 * exit summary next to the program's own.  Warnings and errors are
 * printed as they are added, to the sys.stdout of that moment (which
 * --ofile may have redirected), under the GIL whoever adds them.
 *
 * Functions: log_add(kind, msg), log_add_onexit(msg), log_silent(msg),
 * log_getsilent(), log_silenterror(extra), log_entries(kind),
 * log_dropped(kind), log_cleanup(), log_summary(), log_set_echo(on);
 * exec_times() and exec_times_format(start, end=None) for the
 * "** Execution took" line.  Kinds: LOG_WARNING, LOG_ERROR, LOG_INFO,
 * LOG_TIMEOUT.
 */
#include "_crash.h"

#include <stdlib.h>
#include <string.h>

#include <pykdump/log.h>
#include <pykdump/session.h>

/* Write text to sys.stdout; a pending exception survives the call, and a
 * failing stdout (closed pipe) loses the text rather than the program. */
static void stdout_sink(void *arg, const char *text)
{
	(void)arg;
	PyGILState_STATE gil = PyGILState_Ensure();
	PyObject *type, *value, *tb;
	PyErr_Fetch(&type, &value, &tb);
	PyObject *out = PySys_GetObject("stdout");	/* borrowed */
	if (out && out != Py_None && PyFile_WriteString(text, out) < 0)
		PyErr_Clear();
	PyErr_Restore(type, value, tb);
	PyGILState_Release(gil);
}

static int echo_on = 1;

static int parse_kind(PyObject *arg, enum kd_log_kind *ret)
{
	long kind = PyLong_AsLong(arg);
	if (kind == -1 && PyErr_Occurred())
		return -1;
	if (kind < 0 || kind >= KD_LOG_NKINDS) {
		PyErr_Format(PyExc_ValueError, "bad log kind %ld", kind);
		return -1;
	}
	*ret = (enum kd_log_kind)kind;
	return 0;
}

/* The adders fail only with the static kd_error_nomem (see log.h). */
static PyObject *added(struct kd_error *err)
{
	if (err)
		return PyErr_NoMemory();
	Py_RETURN_NONE;
}

static PyObject *log_add(PyObject *self, PyObject *args)
{
	PyObject *kind_obj;
	const char *msg;
	enum kd_log_kind kind;
	(void)self;
	if (!PyArg_ParseTuple(args, "Os:log_add", &kind_obj, &msg) ||
	    parse_kind(kind_obj, &kind) < 0)
		return NULL;
	return added(kd_log_add(kd_log_default(), kind, msg));
}

static PyObject *log_add_onexit(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *msg = PyUnicode_AsUTF8(arg);
	if (!msg)
		return NULL;
	return added(kd_log_add_onexit(kd_log_default(), msg));
}

static PyObject *log_silent(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *msg = PyUnicode_AsUTF8(arg);
	if (!msg)
		return NULL;
	return added(kd_log_silent(kd_log_default(), msg));
}

static PyObject *log_getsilent(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	char *msg = kd_log_getsilent(kd_log_default());
	/* The original answers "" when nothing is held. */
	PyObject *s = PyUnicode_DecodeUTF8(msg ? msg : "",
					   msg ? (Py_ssize_t)strlen(msg) : 0,
					   "replace");
	free(msg);
	return s;
}

static PyObject *log_silenterror(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *extra = PyUnicode_AsUTF8(arg);
	if (!extra)
		return NULL;
	return added(kd_log_silenterror(kd_log_default(), extra));
}

static PyObject *entries_of(const struct kd_log *log, enum kd_log_kind kind);

static PyObject *log_entries(PyObject *self, PyObject *arg)
{
	enum kd_log_kind kind;
	(void)self;
	if (parse_kind(arg, &kind) < 0)
		return NULL;
	return entries_of(kd_log_default(), kind);
}

/* session_log_entries(kind): the open session's own problem log (what
 * the library found opening the dump: a truncated file, a corrected
 * KASLR offset, a forced vmlinux ...; and the commands' errors). */
static PyObject *session_log_entries(PyObject *self, PyObject *arg)
{
	enum kd_log_kind kind;
	(void)self;
	if (parse_kind(arg, &kind) < 0)
		return NULL;
	struct kd_session *s = kdpy_require_session("session_log_entries()");
	if (!s)
		return NULL;
	return entries_of(kd_session_log(s), kind);
}

static PyObject *entries_of(const struct kd_log *log, enum kd_log_kind kind)
{
	size_t n = kd_log_count(log, kind);
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		const char *msg = kd_log_entry(log, kind, i);
		PyObject *s = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg),
						   "replace");
		if (!s)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, (Py_ssize_t)i, s);
	}
	return list;
}

static PyObject *log_dropped(PyObject *self, PyObject *arg)
{
	enum kd_log_kind kind;
	(void)self;
	if (parse_kind(arg, &kind) < 0)
		return NULL;
	return PyLong_FromSize_t(kd_log_dropped(kd_log_default(), kind));
}

static PyObject *log_cleanup(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	kd_log_cleanup(kd_log_default());
	Py_RETURN_NONE;
}

static struct kd_error *print_summary(FILE *out, void *arg)
{
	(void)arg;
	kd_log_summary(kd_log_default(), out);
	return NULL;
}

static PyObject *log_summary(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	return kdpy_capture(print_summary, NULL);
}

static PyObject *log_set_echo(PyObject *self, PyObject *arg)
{
	(void)self;
	int on = PyObject_IsTrue(arg);
	if (on < 0)
		return NULL;
	int was = echo_on;
	echo_on = on;
	kd_log_set_sink(kd_log_default(), on ? stdout_sink : NULL, NULL);
	return PyBool_FromLong(was);
}

static PyObject *times_tuple(const struct kd_exec_times *t)
{
	return Py_BuildValue("(ddd)", t->real, t->cpu, t->child_cpu);
}

static int times_from(PyObject *obj, struct kd_exec_times *t)
{
	return PyArg_ParseTuple(obj, "ddd;exec times are (real, cpu, "
				"child_cpu) as exec_times() gives",
				&t->real, &t->cpu, &t->child_cpu);
}

static PyObject *exec_times(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_exec_times now;
	kd_exec_times_now(&now);
	return times_tuple(&now);
}

static PyObject *exec_times_format(PyObject *self, PyObject *args)
{
	PyObject *start_obj, *end_obj = Py_None;
	struct kd_exec_times start, end;
	char line[256];
	(void)self;
	if (!PyArg_ParseTuple(args, "O|O:exec_times_format", &start_obj,
			      &end_obj) ||
	    !times_from(start_obj, &start))
		return NULL;
	if (end_obj == Py_None)
		kd_exec_times_now(&end);
	else if (!times_from(end_obj, &end))
		return NULL;
	kd_exec_times_format(&start, &end, line, sizeof(line));
	return PyUnicode_FromString(line);
}

static PyMethodDef log_methods[] = {
	{ "log_add", log_add, METH_VARARGS,
	  "log_add(kind, msg)\n--\n\n"
	  "Keep msg under kind (LOG_*); warnings, errors and timeouts are "
	  "printed now, with their +++WARNING+++/+++ERROR+++ tag." },
	{ "log_add_onexit", log_add_onexit, METH_O,
	  "log_add_onexit(msg)\n--\n\nKeep a warning for the summary only." },
	{ "log_silent", log_silent, METH_O,
	  "log_silent(msg)\n--\n\nHold msg aside, unprinted and unkept." },
	{ "log_getsilent", log_getsilent, METH_NOARGS,
	  "log_getsilent()\n--\n\nTake the held message (\"\" when none)." },
	{ "log_silenterror", log_silenterror, METH_O,
	  "log_silenterror(extra)\n--\n\n"
	  "Keep the held message, if any, as the error \"extra msg\"." },
	{ "session_log_entries", session_log_entries, METH_O,
	  "session_log_entries(kind)\n--\n\nThe open session's problem log "
	  "(what opening the dump found) under kind." },
	{ "log_entries", log_entries, METH_O,
	  "log_entries(kind)\n--\n\nThe messages kept under kind, in order." },
	{ "log_dropped", log_dropped, METH_O,
	  "log_dropped(kind)\n--\n\nMessages of kind not kept (over the cap)." },
	{ "log_cleanup", log_cleanup, METH_NOARGS,
	  "log_cleanup()\n--\n\nForget every message (before each run)." },
	{ "log_summary", log_summary, METH_NOARGS,
	  "log_summary()\n--\n\nThe exit summary text (\"\" when nothing "
	  "was logged)." },
	{ "log_set_echo", log_set_echo, METH_O,
	  "log_set_echo(on)\n--\n\n"
	  "Print added warnings/errors to sys.stdout or not; returns the "
	  "previous setting." },
	{ "exec_times", exec_times, METH_NOARGS,
	  "exec_times()\n--\n\n(real, cpu, child_cpu) seconds, now." },
	{ "exec_times_format", exec_times_format, METH_VARARGS,
	  "exec_times_format(start, end=None)\n--\n\n"
	  "The \"** Execution took\" line for start..end (end: now)." },
	{ NULL, NULL, 0, NULL },
};

int kdpy_log_init(PyObject *m)
{
	if (PyModule_AddIntConstant(m, "LOG_WARNING", KD_LOG_WARNING) < 0 ||
	    PyModule_AddIntConstant(m, "LOG_ERROR", KD_LOG_ERROR) < 0 ||
	    PyModule_AddIntConstant(m, "LOG_INFO", KD_LOG_INFO) < 0 ||
	    PyModule_AddIntConstant(m, "LOG_TIMEOUT", KD_LOG_TIMEOUT) < 0 ||
	    PyModule_AddStringConstant(m, "WARNING", KD_LOG_WARNING_TAG) < 0)
		return -1;
	kd_log_set_sink(kd_log_default(), echo_on ? stdout_sink : NULL, NULL);
	return PyModule_AddFunctions(m, log_methods);
}
