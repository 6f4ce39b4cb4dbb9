// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Built-in commands from Python: exec_crash_command runs one of our
 * commands in-process (commands/exec.c) with its output captured in
 * memory, under a time budget when asked (exec_crash_command_bg).  The
 * budgets nest in the run's (include/pykdump/cancel.h): epython
 * --timeout=N sets the run's own (_cancel_limit), and _cancel_state says
 * why a run was stopped.
 */
#include "_crash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/vector.h>

#include "command.h"
#include "epython.h"

/*
 * The command's output, kept in memory up to a limit (the program's
 * exec_crash_command output limit): what is written past it is dropped,
 * and the command is stopped (kd_cancel_stop) instead of running on for
 * nothing.
 */
struct capture {
	char *buf;
	size_t len, cap, limit;
	int overflow;
};

static ssize_t capture_write(void *cookie, const char *p, size_t n)
{
	struct capture *c = cookie;
	size_t room = c->limit - c->len;
	size_t take = n < room ? n : room;
	if (c->len + take > c->cap) {
		/* doubling, but never past the limit */
		size_t cap = c->cap ? c->cap : 65536;
		while (cap < c->len + take)
			cap = cap > c->limit / 2 ? c->limit : 2 * cap;
		if (kd_array_resize(&c->buf, &c->cap, cap)) {
			errno = ENOMEM;
			return -1;
		}
	}
	memcpy(c->buf + c->len, p, take);
	c->len += take;
	if (take < n && !c->overflow) {
		c->overflow = 1;
		kd_cancel_stop();
	}
	if (take < n) {
		errno = EFBIG;
		return take ? (ssize_t)take : -1;
	}
	return (ssize_t)n;
}

/* _exec(cmdline, timeout, limit) -> (status, output, timed_out,
 * overflow): timeout <= 0: no budget of its own; limit: bytes of output
 * kept (the rest is dropped and the command stopped: overflow). */
static PyObject *exec_cmd(PyObject *self, PyObject *args)
{
	(void)self;
	const char *line;
	double timeout = 0;
	Py_ssize_t limit = PY_SSIZE_T_MAX;
	if (!PyArg_ParseTuple(args, "s|dn", &line, &timeout, &limit))
		return NULL;
	struct kd_session *s = kdpy_require_session("exec_crash_command()");
	if (!s)
		return NULL;
	struct capture c = { .limit = limit > 0 ? (size_t)limit : 0 };
	FILE *out = fopencookie(&c, "w", (cookie_io_functions_t){
		.write = capture_write });
	if (!out)
		return PyErr_NoMemory();
	kd_cancel_begin(timeout);
	/* errors in the output, where crash puts them for the original */
	int rc = kd_command_exec(s, line, out, out);
	int timed_out = kd_cancel_pending() == KD_ERR_TIMEOUT;
	fclose(out);	/* the last of it, before the level ends */
	kd_cancel_end();
	PyObject *text = PyUnicode_DecodeUTF8(c.buf ? c.buf : "",
					      (Py_ssize_t)c.len,
					      "backslashreplace");
	free(c.buf);
	if (!text)
		return NULL;
	return Py_BuildValue("(iNii)", rc, text, timed_out, c.overflow);
}

/*
 * Streaming: each piece of the command's output goes to a Python callable
 * as it is written (bytes), so nothing accumulates.  An exception from the
 * callable stops the command and is raised by _exec_stream.
 */
struct stream {
	PyObject *write;
	int failed;
};

static ssize_t stream_write(void *cookie, const char *p, size_t n)
{
	struct stream *st = cookie;
	if (st->failed) {
		errno = EPIPE;
		return -1;
	}
	PyObject *r = PyObject_CallFunction(st->write, "y#", p,
					    (Py_ssize_t)n);
	if (!r) {
		st->failed = 1;	/* the exception stays set */
		kd_cancel_stop();
		errno = EPIPE;
		return -1;
	}
	Py_DECREF(r);
	return (ssize_t)n;
}

/* _exec_stream(cmdline, write, timeout) -> (status, timed_out): write(b)
 * gets the output piece by piece (bytes). */
static PyObject *exec_stream(PyObject *self, PyObject *args)
{
	(void)self;
	const char *line;
	PyObject *write;
	double timeout = 0;
	if (!PyArg_ParseTuple(args, "sO|d", &line, &write, &timeout))
		return NULL;
	if (!PyCallable_Check(write)) {
		PyErr_SetString(PyExc_TypeError, "write must be callable");
		return NULL;
	}
	struct kd_session *s = kdpy_require_session("exec_crash_command()");
	if (!s)
		return NULL;
	struct stream st = { .write = write };
	FILE *out = fopencookie(&st, "w", (cookie_io_functions_t){
		.write = stream_write });
	if (!out)
		return PyErr_NoMemory();
	setvbuf(out, NULL, _IOFBF, 65536);
	kd_cancel_begin(timeout);
	int rc = kd_command_exec(s, line, out, out); /* errors in the text */
	int timed_out = kd_cancel_pending() == KD_ERR_TIMEOUT;
	fclose(out);
	kd_cancel_end();
	if (st.failed)
		return NULL;
	return Py_BuildValue("(ii)", rc, timed_out);
}

/* _cancel_limit(seconds): the current run may take at most that long. */
static PyObject *cancel_limit(PyObject *self, PyObject *arg)
{
	(void)self;
	double t = PyFloat_AsDouble(arg);
	if (t == -1 && PyErr_Occurred())
		return NULL;
	kd_cancel_limit(t);
	Py_RETURN_NONE;
}

/* _cancel_state() -> (None | "interrupted" | "timeout", budget seconds) */
static PyObject *cancel_state(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	int why = kd_cancel_pending();
	const char *s = why == KD_ERR_TIMEOUT ? "timeout" :
			why == KD_ERR_INTERRUPTED ? "interrupted" : NULL;
	return Py_BuildValue("(zd)", s, kd_cancel_budget());
}

static PyObject *has_command(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name)
		return NULL;
	return PyBool_FromLong(kd_command_find(name) != NULL);
}

/* register_epython_prog(cmd, help, shorthelp="", longhelp=""): program
 * cmd (found by name as epython finds it) becomes command cmd, listed
 * by help with `help` as its summary (the original's signature). */
static PyObject *register_prog(PyObject *self, PyObject *args)
{
	(void)self;
	const char *name, *help, *shorthelp = "", *longhelp = "";
	if (!PyArg_ParseTuple(args, "ss|ss", &name, &help, &shorthelp,
			      &longhelp))
		return NULL;
	size_t n = strlen(name) + strlen(shorthelp) + strlen(longhelp) + 32;
	char *usage = malloc(n);
	if (!usage)
		return PyErr_NoMemory();
	snprintf(usage, n, "SYNOPSIS\n  %s %s\n%s", name, shorthelp, longhelp);
	int rc = kd_epython_register_prog(name, help, usage);
	free(usage);
	if (rc < 0)
		return PyErr_NoMemory();
	return PyBool_FromLong(rc == 0);
}

static PyMethodDef exec_functions[] = {
	{ "register_epython_prog", register_prog, METH_VARARGS,
	  "register_epython_prog(cmd, help, shorthelp='', longhelp=''): "
	  "run program cmd as a command of that name." },
	{ "_exec", exec_cmd, METH_VARARGS, NULL },
	{ "_exec_stream", exec_stream, METH_VARARGS, NULL },
	{ "_has_command", has_command, METH_O, NULL },
	{ "_cancel_limit", cancel_limit, METH_O, NULL },
	{ "_cancel_state", cancel_state, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_exec_init(PyObject *m)
{
	/* In a python3 process nothing runs programs as commands (the
	 * shell's embedded Python installs its runner over this). */
	kd_epython_set_unavailable("programs run in the pykdump shell "
				   "(epython, pykdump run), not from a "
				   "python3 process: import the program "
				   "instead");
	return PyModule_AddFunctions(m, exec_functions);
}
