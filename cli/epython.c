// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shell's epython: CPython embedded in pykdump.  This file and the C
 * module pykdump._crash make the module pykdump-python.so, which
 * cli/pymod_loader.c loads on the first epython or triage, so that a
 * session that runs no Python does not load libpython (about 400 pages
 * of relocations and faults at every start).  The module takes the
 * engine from the program (one copy of it in the process, sharing the
 * shell's session); _crash is registered before the interpreter starts;
 * the package's Python modules come from the build tree (or the install
 * directory).  Each run is driven by pykdump/_epython.py: program lookup,
 * argv, the API's per-run hooks, SystemExit and tracebacks.
 *
 * The interpreter starts on the first epython and lives until exit, so
 * module and type caches carry over from one program to the next, as in
 * the original under crash.
 */
#include <Python.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pykdump/cancel.h>
#include <pykdump/mapguard.h>

#include "_crash.h"
#include "epython.h"
#include "pymod.h"
#include "shell.h"

PyMODINIT_FUNC PyInit__crash(void);

static int py_started;

/*
 * Ctrl-C in a program: the shell's SIGINT handler stays installed (it
 * cancels engine work), and while a program runs the cancel hook calls
 * PyErr_SetInterrupt(), async-signal-safe, so Python raises
 * KeyboardInterrupt at its next check.  The same hook is called when the
 * run's time budget (--timeout, epython --timeout=N) runs out, so a
 * program is stopped the same way; _epython.py tells the two apart.  Python only acts on that when
 * its own record of the SIGINT handler is a Python callable, so
 * default_int_handler is recorded there (signal.signal) and the shell's
 * handler put back at the OS level right after.
 */
static void interrupt_python(enum kd_cancel_reason why)
{
	PyErr_SetInterrupt();
	if (why == KD_CANCEL_DEADLINE) {
		/* From a thread other than the main one, Python notices the
		 * interrupt only when the main thread next takes the GIL
		 * (it re-checks pending signals then): make it hand the GIL
		 * over once. */
		PyGILState_STATE g = PyGILState_Ensure();
		PyGILState_Release(g);
	}
}

static int py_record_sigint(void)
{
	struct sigaction shell;
	sigaction(SIGINT, NULL, &shell);
	int rc = PyRun_SimpleString("import signal\n"
		"signal.signal(signal.SIGINT, signal.default_int_handler)\n");
	sigaction(SIGINT, &shell, NULL);
	return rc;
}

/* sys.path gets the build tree's package first, then the installed one;
 * sys.modules gets our built-in _crash under its package name. */
static int py_bootstrap(void)
{
	PyObject *m = PyImport_ImportModule("_pykdump_crash");
	if (!m)
		return -1;
	PyObject *mods = PyImport_GetModuleDict();
	int rc = PyDict_SetItemString(mods, "pykdump._crash", m);
	Py_DECREF(m);
	if (rc < 0)
		return -1;
	return PyRun_SimpleString(
		"import sys\n"
		"sys._pykdump_epython = True\n"
		"sys._pykdump_progs = '" KD_PROGS_DIR "'\n"
		"for _p in ('" KD_PY_INSTALLDIR "', '" KD_PY_BUILDDIR "'):\n"
		"    if _p and _p not in sys.path:\n"
		"        sys.path.insert(0, _p)\n"
		"del _p\n");
}

static int py_start(void)
{
	if (py_started)
		return 0;
	if (PyImport_AppendInittab("_pykdump_crash", PyInit__crash) < 0)
		return -1;
	PyConfig config;
	PyConfig_InitPythonConfig(&config);
	/* Ctrl-C stays the shell's (it cancels commands, not the shell). */
	config.install_signal_handlers = 0;
	config.parse_argv = 0;
	/* The C stdio is the shell's: Python setting stdin unbuffered would
	 * drop the commands the shell has read ahead from a pipe. */
	config.configure_c_stdio = 0;
	/* Nothing is written outside the cache directory: no __pycache__
	 * beside the programs or in the build tree's python/pykdump. */
	config.write_bytecode = 0;
	/* Debian's interpreter: its prefix and standard library. */
	PyStatus st = PyConfig_SetBytesString(&config, &config.program_name,
					      "/usr/bin/python3");
	if (!PyStatus_Exception(st))
		st = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(st))
		return -1;
	py_started = 1;
	/* PYTHONFAULTHANDLER=1 installs Python's SIGBUS handler over ours:
	 * a file shrinking under the session must not kill it either */
	kd_mapguard_rearm();
	if (py_bootstrap() < 0 || py_record_sigint() < 0) {
		PyErr_Print();
		return -1;
	}
	return 0;
}

static PyObject *argv_list(int argc, char **argv)
{
	PyObject *l = PyList_New(0);
	for (int i = 1; l && i < argc; i++) {
		PyObject *s = PyUnicode_DecodeFSDefault(argv[i]);
		if (!s || PyList_Append(l, s) < 0)
			Py_CLEAR(l);
		Py_XDECREF(s);
	}
	return l;
}

/* write(text) onto a stream with no descriptor (exec_crash_command's
 * memory stream): how a program run from Python gets its output captured. */
static PyObject *stream_write(PyObject *cap, PyObject *arg)
{
	FILE *f = PyCapsule_GetPointer(cap, "pykdump.FILE");
	Py_ssize_t n;
	const char *s = f ? PyUnicode_AsUTF8AndSize(arg, &n) : NULL;
	if (!s)
		return NULL;
	fwrite(s, 1, (size_t)n, f);
	return PyLong_FromSsize_t(n);
}

static PyMethodDef stream_write_def = { "write", stream_write, METH_O, NULL };

static PyObject *stream_writer(FILE *out)
{
	if (fileno(out) >= 0)
		Py_RETURN_NONE;		/* redirect_stdout handles it */
	PyObject *cap = PyCapsule_New(out, "pykdump.FILE", NULL);
	PyObject *fn = cap ? PyCFunction_New(&stream_write_def, cap) : NULL;
	Py_XDECREF(cap);
	return fn;
}

static int run_program(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (kdpy_session_set(ctx->s) < 0)
		return -1;
	PyObject *mod = PyImport_ImportModule("pykdump._epython");
	PyObject *args = mod ? argv_list(argc, argv) : NULL;
	PyObject *w = args ? stream_writer(ctx->out) : NULL;
	PyObject *rc = w ? PyObject_CallMethod(mod, "run", "OO", args, w)
			 : NULL;
	Py_XDECREF(mod);
	Py_XDECREF(args);
	Py_XDECREF(w);
	if (!rc)
		return -1;
	long status = PyLong_AsLong(rc);
	Py_DECREF(rc);
	return (int)status;
}

/* Python writes to fd 1: point it at the command's stream for
 * "epython x | grep" and "> file". */
static int redirect_stdout(FILE *out)
{
	fflush(stdout);
	fflush(out);
	int fd = fileno(out);
	if (out == stdout || fd < 0 || fd == STDOUT_FILENO)
		return -1;
	int saved = dup(STDOUT_FILENO);
	if (saved >= 0)
		dup2(fd, STDOUT_FILENO);
	return saved;
}

static void restore_stdout(int saved)
{
	if (saved < 0)
		return;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

int kd_pymod_run(struct kd_cmd_ctx *ctx, int argc, char **argv)
{
	if (py_start() < 0) {
		fprintf(ctx->out, "%s: cannot start Python\n", ctx->name);
		return 1;
	}
	int saved = redirect_stdout(ctx->out);
	/* The run is a command: the shell's budget covers it, and the
	 * commands it runs get theirs within it (exec_crash_command_bg). */
	PyGILState_STATE g = PyGILState_Ensure();
	/* depth > 0: run from a program (exec_crash_command("NAME")) */
	static int depth;
	if (depth++ == 0) {
		(void)PyOS_InterruptOccurred();	/* a Ctrl-C from before */
		kd_cancel_set_hook(interrupt_python);
	}
	int rc = run_program(ctx, argc, argv);
	if (--depth == 0)
		kd_cancel_set_hook(NULL);
	if (rc < 0) {
		PyErr_Print();
		rc = 1;
	}
	PyRun_SimpleString("import sys\nsys.stdout.flush()\n"
			   "sys.stderr.flush()\n");
	PyGILState_Release(g);
	restore_stdout(saved);
	return rc;
}

/* pykdump triage ARGS: the program is pykdump/triage.py, which opens its
 * dumps through pykdump.open() (one or many: --batch), so no session is
 * made here.  Ctrl-C raises KeyboardInterrupt as in a plain python. */
int kd_pymod_triage(int argc, char **argv)
{
	if (py_start() < 0) {
		fprintf(stderr, "pykdump triage: cannot start Python\n");
		return 2;
	}
	PyGILState_STATE g = PyGILState_Ensure();
	if (PyRun_SimpleString("import signal\n"
			       "signal.signal(signal.SIGINT, "
			       "signal.default_int_handler)\n") < 0) {
		PyGILState_Release(g);
		return 2;
	}
	signal(SIGINT, SIG_DFL);
	PyObject *mod = PyImport_ImportModule("pykdump.triage");
	PyObject *args = mod ? argv_list(argc, argv) : NULL;
	PyObject *rc = args ? PyObject_CallMethod(mod, "main", "O", args)
			    : NULL;
	long status = 1;
	if (rc) {
		status = rc == Py_None ? 0 : PyLong_AsLong(rc);
	} else if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
		PyObject *type, *value, *tb;
		PyErr_Fetch(&type, &value, &tb);
		PyErr_NormalizeException(&type, &value, &tb);
		PyObject *code = value ? PyObject_GetAttrString(value, "code")
				       : NULL;
		status = !code || code == Py_None ? 0
			 : PyLong_Check(code) ? PyLong_AsLong(code) : 1;
		Py_XDECREF(code);
		Py_XDECREF(type);
		Py_XDECREF(value);
		Py_XDECREF(tb);
	} else {
		PyErr_Print();
	}
	PyErr_Clear();
	Py_XDECREF(rc);
	Py_XDECREF(args);
	Py_XDECREF(mod);
	PyRun_SimpleString("import sys\nsys.stdout.flush()\n"
			   "sys.stderr.flush()\n");
	PyGILState_Release(g);
	return (int)status;
}

void kd_pymod_fini(void)
{
	if (!py_started)
		return;
	kdpy_session_set(NULL);
	/* Finalizing resets SIGINT to SIG_DFL; the shell's handler stays. */
	struct sigaction shell;
	sigaction(SIGINT, NULL, &shell);
	Py_FinalizeEx();
	sigaction(SIGINT, &shell, NULL);
	py_started = 0;
}
