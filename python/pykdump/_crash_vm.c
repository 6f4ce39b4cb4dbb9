// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Address-space helpers of the API: uvtop (a user virtual address of a
 * task's mm to physical, through its page tables) and get_pathname (a
 * dentry's path through the mount tree, as d_path() builds it: the
 * kernel layer's include/pykdump/vfs.h, as for the files and mount
 * commands).
 */
#include "_crash.h"

#include <string.h>

#include <pykdump/arch.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/vfs.h>

/* _uvtop(pgd, vaddr) -> paddr; pgd is mm->pgd (a kernel address). */
static PyObject *uvtop(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long pgd, va;
	if (!PyArg_ParseTuple(args, "KK", &pgd, &va))
		return NULL;
	struct kd_session *s = kdpy_require_session("uvtop()");
	if (!s)
		return NULL;
	uint64_t root, pa;
	struct kd_error *err = kd_kvtop(s, pgd, &root);
	if (!err && !kd_session_arch(s))
		err = kd_error_create(KD_ERR_INVALID, "uvtop: no kernel "
				      "page tables in this session");
	if (!err)
		err = kd_arch_walk(kd_session_arch(s), root, va, &pa, NULL);
	if (err) {
		return kdpy_raise(kd_error_prefix(err, "uvtop %#llx", va));
	}
	return PyLong_FromUnsignedLongLong(pa);
}

/* _get_pathname(dentry, vfsmount) -> str; a walk cut by unreadable
 * memory gives what was built, prefixed "?" as the files command does. */
static PyObject *get_pathname(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long dentry, mnt;
	if (!PyArg_ParseTuple(args, "KK", &dentry, &mnt))
		return NULL;
	struct kd_session *s = kdpy_require_session("get_pathname()");
	if (!s)
		return NULL;
	struct kd_vfs_layout l;
	struct kd_error *err = kd_vfs_layout_get(s, &l);
	if (err) {
		kd_error_destroy(err);
		return kdpy_raise(kd_error_create(KD_ERR_NOT_FOUND,
			"get_pathname: the kernel's dentry/mount types are "
			"not in the debuginfo"));
	}
	char buf[4096];
	kd_vfs_path(s, &l, mnt, dentry, buf, sizeof(buf));
	return PyUnicode_DecodeUTF8(buf, (Py_ssize_t)strlen(buf),
				    "backslashreplace");
}

static PyMethodDef vm_functions[] = {
	{ "_uvtop", uvtop, METH_VARARGS, NULL },
	{ "_get_pathname", get_pathname, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_vm_init(PyObject *m)
{
	return PyModule_AddFunctions(m, vm_functions);
}
