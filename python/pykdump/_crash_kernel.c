// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel facts the original's C module answered from crash's own
 * routines, here from the library's kernel layer (lib/kernel):
 *   get_uptime()             jiffies since boot (crash's get_uptime)
 *   get_task_mem_usage(t)    (total_vm KB, rss KB) of a task
 *   get_NR_syscalls()        entries of sys_call_table
 */
#include "_crash.h"

#include <pykdump/clock.h>
#include <pykdump/mm.h>
#include <pykdump/syscalls.h>
#include <pykdump/tasks.h>

static PyObject *get_uptime(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = kdpy_require_session("get_uptime()");
	if (!s)
		return NULL;
	uint64_t j;
	if (!kd_uptime_jiffies(s, &j)) {
		PyErr_SetString(kdpy_Error,
				"get_uptime: jiffies cannot be read from "
				"this dump");
		return NULL;
	}
	return PyLong_FromUnsignedLongLong(j);
}

/* The original answered (VSZ, RSS) in kilobytes, crash's units. */
static PyObject *get_task_mem_usage(PyObject *self, PyObject *arg)
{
	(void)self;
	unsigned long long task = PyLong_AsUnsignedLongLongMask(arg);
	if (task == (unsigned long long)-1 && PyErr_Occurred())
		return NULL;
	struct kd_session *s = kdpy_require_session("get_task_mem_usage()");
	if (!s)
		return NULL;
	uint64_t rss, total_vm;
	struct kd_error *err = kd_task_mem_usage(s, task, &rss, &total_vm);
	if (err)
		return kdpy_raise(err);
	uint64_t kb = kd_page_size(s) / 1024;
	return Py_BuildValue("(KK)", (unsigned long long)(total_vm * kb),
			     (unsigned long long)(rss * kb));
}

static PyObject *get_NR_syscalls(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = kdpy_require_session("get_NR_syscalls()");
	if (!s)
		return NULL;
	return PyLong_FromLong(kd_nr_syscalls(s));
}

static PyMethodDef kernel_functions[] = {
	{ "get_uptime", get_uptime, METH_NOARGS,
	  "get_uptime()\n--\n\nJiffies since boot." },
	{ "get_task_mem_usage", get_task_mem_usage, METH_O,
	  "get_task_mem_usage(task)\n--\n\n(total_vm, rss) in KB." },
	{ "get_NR_syscalls", get_NR_syscalls, METH_NOARGS,
	  "get_NR_syscalls()\n--\n\nEntries of sys_call_table." },
	{ NULL, NULL, 0, NULL },
};

int kdpy_kernel_init(PyObject *m)
{
	return PyModule_AddFunctions(m, kernel_functions);
}
