// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Caches and their invalidation (include/pykdump/memocache.h) for
 * pykdump/memocaches.py.
 *
 * Python objects stay in Python dicts (memoize_cond, memoize_typeinfo ...);
 * what joins them to the C side is one registration: memocaches.py sets a
 * purge hook, registered here with the current memocache under every flag,
 * and every purge goes through the C memocache, whoever starts it:
 *
 *   purge_memoize_cache(flags) -> crash.purge(flags) -> kd_memocache_purge
 *   module debuginfo loaded (C) ----------------------> kd_memocache_purge
 *        -> C caches (types, readers, command outputs) drop what they hold
 *        -> hook(flags, type_name) drops the Python entries
 *
 * so Python and C caches never disagree about what is stale.  The
 * memocache is the session's once sessions own one (kdpy_memocache_attach
 * moves the hook there and empties the Python caches); until then, and
 * without a dump, the module's own.  The hook must not purge: a purge
 * started from inside it raises RuntimeError.
 */
#include "_crash.h"

#include <stdio.h>

#include <pykdump/memocache.h>

static struct kd_memocache *own_mc;	/* the module's, without a session */
static struct kd_memocache *cur_mc;	/* where the hook is registered */
static int hook_id = -1;
static PyObject *purge_hook;		/* callable(flags, type_name) */
static int in_hook;

struct kd_memocache *kdpy_memocache(void)
{
	return cur_mc;
}

/* Runs under whatever thread purges: take the GIL, keep any pending
 * exception, and report the hook's own failure as unraisable (a purge
 * cannot fail). */
static void purge_cb(void *owner, unsigned flags, const char *type_name)
{
	(void)owner;
	PyGILState_STATE gil = PyGILState_Ensure();
	if (purge_hook) {
		PyObject *type, *value, *tb;
		PyErr_Fetch(&type, &value, &tb);
		in_hook++;
		PyObject *r = PyObject_CallFunction(purge_hook, "Iz", flags,
						    type_name);
		in_hook--;
		if (!r)
			PyErr_WriteUnraisable(purge_hook);
		Py_XDECREF(r);
		PyErr_Restore(type, value, tb);
	}
	PyGILState_Release(gil);
}

int kdpy_memocache_attach(struct kd_memocache *mc)
{
	if (!mc)
		mc = own_mc;
	if (cur_mc)
		kd_memocache_unregister(cur_mc, hook_id);
	hook_id = -1;
	cur_mc = mc;
	struct kd_error *err = kd_memocache_register(mc, KD_CU_ALL, purge_cb,
						     NULL, &hook_id);
	if (err) {
		kdpy_raise(err);
		return -1;
	}
	/* What the Python caches hold describes the previous memocache's dump. */
	purge_cb(NULL, KD_CU_ALL, NULL);
	return 0;
}

static int parse_flags(PyObject *arg, unsigned *ret)
{
	unsigned long flags = PyLong_AsUnsignedLong(arg);
	if (flags == (unsigned long)-1 && PyErr_Occurred())
		return -1;
	if (flags & ~(unsigned long)KD_CU_ALL) {
		/* PyErr_Format has no %lx. */
		char msg[128];
		snprintf(msg, sizeof(msg), "cache flags 0x%lx: only CU_LIVE, "
			 "CU_LOAD, CU_PYMOD and CU_TIMEOUT exist", flags);
		PyErr_SetString(PyExc_ValueError, msg);
		return -1;
	}
	*ret = (unsigned)flags;
	return 0;
}

static int no_purge_in_hook(void)
{
	if (!in_hook)
		return 0;
	PyErr_SetString(PyExc_RuntimeError,
			"a cache purge hook must not start another purge");
	return -1;
}

static PyObject *set_purge_hook(PyObject *self, PyObject *hook)
{
	(void)self;
	if (hook != Py_None && !PyCallable_Check(hook))
		return PyErr_Format(PyExc_TypeError,
				    "the purge hook must be callable or None");
	Py_XSETREF(purge_hook, hook == Py_None ? NULL : Py_NewRef(hook));
	Py_RETURN_NONE;
}

static PyObject *purge(PyObject *self, PyObject *arg)
{
	unsigned flags;
	(void)self;
	if (no_purge_in_hook() < 0 || parse_flags(arg, &flags) < 0)
		return NULL;
	kd_memocache_purge(cur_mc, flags);
	Py_RETURN_NONE;
}

static PyObject *purge_type(PyObject *self, PyObject *args)
{
	const char *type_name = NULL;
	(void)self;
	if (!PyArg_ParseTuple(args, "|z:purge_type", &type_name) ||
	    no_purge_in_hook() < 0)
		return NULL;
	kd_memocache_purge_type(cur_mc, type_name);
	Py_RETURN_NONE;
}

static PyObject *memo_generation(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	return PyLong_FromUnsignedLongLong(kd_memocache_generation(cur_mc));
}

static PyObject *memo_may_cache(PyObject *self, PyObject *arg)
{
	unsigned flags;
	(void)self;
	if (parse_flags(arg, &flags) < 0)
		return NULL;
	return PyBool_FromLong(kd_memocache_may_cache(cur_mc, flags));
}

static PyObject *memo_is_live(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	return PyBool_FromLong(kd_memocache_is_live(cur_mc));
}

static PyObject *memo_put(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "key", "value", "flags", "type_name", NULL };
	const char *key, *type_name = NULL;
	Py_buffer value;
	PyObject *flags_obj;
	unsigned flags;
	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "sy*O|z:memo_put",
					 kwlist, &key, &value, &flags_obj,
					 &type_name))
		return NULL;
	struct kd_error *err = NULL;
	if (parse_flags(flags_obj, &flags) == 0)
		err = kd_memo_put_typed(cur_mc, type_name, key, value.buf,
					(size_t)value.len, flags);
	PyBuffer_Release(&value);
	if (PyErr_Occurred())
		return NULL;
	if (err)
		return kdpy_raise(err);
	Py_RETURN_NONE;
}

static PyObject *memo_get(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *key = PyUnicode_AsUTF8(arg);
	if (!key)
		return NULL;
	size_t len;
	const void *value = kd_memo_get(cur_mc, key, &len);
	if (!value)
		Py_RETURN_NONE;
	return PyBytes_FromStringAndSize(value, (Py_ssize_t)len);
}

static PyObject *memo_del(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *key = PyUnicode_AsUTF8(arg);
	if (!key)
		return NULL;
	return PyBool_FromLong(kd_memo_del(cur_mc, key));
}

static PyObject *memo_set_limit(PyObject *self, PyObject *arg)
{
	(void)self;
	size_t bytes = PyLong_AsSize_t(arg);
	if (bytes == (size_t)-1 && PyErr_Occurred())
		return NULL;
	kd_memo_set_limit(cur_mc, bytes);
	Py_RETURN_NONE;
}

static PyObject *memo_stats(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_memo_stats st;
	kd_memo_stats(cur_mc, &st);
	return Py_BuildValue("{snsnsnsKsKsKsKsn}",
			     "entries", (Py_ssize_t)st.entries,
			     "bytes", (Py_ssize_t)st.bytes,
			     "limit", (Py_ssize_t)st.limit,
			     "hits", (unsigned long long)st.hits,
			     "misses", (unsigned long long)st.misses,
			     "evictions", (unsigned long long)st.evictions,
			     "purged", (unsigned long long)st.purged,
			     "registered", (Py_ssize_t)st.registered);
}

/* Replace the module's own memocache by a fresh one, live or not (a live
 * kernel keeps nothing flagged CU_LIVE).  For tests, and for a future
 * live-kernel mode; the Python caches are emptied. */
static PyObject *memo_reset(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "live", NULL };
	int live = 0;
	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p:_memocache_reset",
					 kwlist, &live) ||
	    no_purge_in_hook() < 0)
		return NULL;
	struct kd_memocache *mc;
	struct kd_error *err = kd_memocache_create(live, &mc);
	if (err)
		return kdpy_raise(err);
	int was_current = cur_mc == own_mc;
	struct kd_memocache *old = own_mc;
	if (was_current) {
		kd_memocache_unregister(cur_mc, hook_id);
		cur_mc = NULL;
	}
	own_mc = mc;
	kd_memocache_destroy(old);
	if (was_current && kdpy_memocache_attach(own_mc) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyMethodDef memocache_methods[] = {
	{ "set_purge_hook", set_purge_hook, METH_O,
	  "set_purge_hook(hook)\n--\n\n"
	  "hook(flags, type_name) is called by every purge of the C memocache "
	  "(type_name None unless one type is purged); None removes it." },
	{ "purge", purge, METH_O,
	  "purge(flags)\n--\n\n"
	  "Drop every cache, C and Python, flagged with one of flags." },
	{ "purge_type", purge_type, METH_VARARGS,
	  "purge_type(type_name=None)\n--\n\n"
	  "Drop what was derived from one type (None: from every type)." },
	{ "memo_generation", memo_generation, METH_NOARGS,
	  "memo_generation()\n--\n\n"
	  "Increases whenever debuginfo-derived caches are purged." },
	{ "memo_may_cache", memo_may_cache, METH_O,
	  "memo_may_cache(flags)\n--\n\n"
	  "False when data with these flags must not be kept (live kernel "
	  "and CU_LIVE)." },
	{ "memo_is_live", memo_is_live, METH_NOARGS,
	  "memo_is_live()\n--\n\nTrue on a live kernel." },
	{ "memo_put", KDPY_KWFUNC(memo_put), METH_VARARGS | METH_KEYWORDS,
	  "memo_put(key, value, flags, type_name=None)\n--\n\n"
	  "Keep bytes under key in the C store (nothing when the flags "
	  "forbid it)." },
	{ "memo_get", memo_get, METH_O,
	  "memo_get(key)\n--\n\nThe bytes kept under key, or None." },
	{ "memo_del", memo_del, METH_O,
	  "memo_del(key)\n--\n\nDrop key; True if it was there." },
	{ "memo_set_limit", memo_set_limit, METH_O,
	  "memo_set_limit(nbytes)\n--\n\nByte budget of the C store." },
	{ "memo_stats", memo_stats, METH_NOARGS,
	  "memo_stats()\n--\n\nCounters of the C memocache, as a dict." },
	{ "_memocache_reset", KDPY_KWFUNC(memo_reset),
	  METH_VARARGS | METH_KEYWORDS,
	  "_memocache_reset(live=False)\n--\n\n"
	  "Start the module's own memocache afresh (live kernel or not)." },
	{ NULL, NULL, 0, NULL },
};

int kdpy_memocache_init(PyObject *m)
{
	if (PyModule_AddIntConstant(m, "CU_LIVE", KD_CU_LIVE) < 0 ||
	    PyModule_AddIntConstant(m, "CU_LOAD", KD_CU_LOAD) < 0 ||
	    PyModule_AddIntConstant(m, "CU_PYMOD", KD_CU_PYMOD) < 0 ||
	    PyModule_AddIntConstant(m, "CU_TIMEOUT", KD_CU_TIMEOUT) < 0)
		return -1;
	struct kd_error *err = kd_memocache_create(0, &own_mc);
	if (err) {
		kdpy_raise(err);
		return -1;
	}
	if (kdpy_memocache_attach(own_mc) < 0)
		return -1;
	return PyModule_AddFunctions(m, memocache_methods);
}
