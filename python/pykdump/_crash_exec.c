// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Built-in commands from Python: exec_crash_command runs one of our
 * commands in-process (commands/exec.c) with its output captured in
 * memory, under a time budget when asked (exec_crash_command_bg).
 */
#include "_crash.h"

#include <stdlib.h>

#include <pykdump/cancel.h>

#include "command.h"

/* _exec(cmdline, timeout) -> (status, output, timed_out); timeout <= 0:
 * no budget. */
static PyObject *exec_cmd(PyObject *self, PyObject *args)
{
	(void)self;
	const char *line;
	double timeout = 0;
	if (!PyArg_ParseTuple(args, "s|d", &line, &timeout))
		return NULL;
	struct kd_session *s = kdpy_require_session("exec_crash_command()");
	if (!s)
		return NULL;
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	if (!out)
		return PyErr_NoMemory();
	kd_cancel_begin(timeout);
	int rc = kd_command_exec(s, line, out);
	int timed_out = kd_cancel_pending() == KD_ERR_TIMEOUT;
	kd_cancel_end();
	fclose(out);
	PyObject *text = PyUnicode_DecodeUTF8(buf ? buf : "", (Py_ssize_t)size,
					      "backslashreplace");
	free(buf);
	if (!text)
		return NULL;
	return Py_BuildValue("(iNi)", rc, text, timed_out);
}

static PyObject *has_command(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name)
		return NULL;
	return PyBool_FromLong(kd_command_find(name) != NULL);
}

static PyMethodDef exec_functions[] = {
	{ "_exec", exec_cmd, METH_VARARGS, NULL },
	{ "_has_command", has_command, METH_O, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_exec_init(PyObject *m)
{
	return PyModule_AddFunctions(m, exec_functions);
}
