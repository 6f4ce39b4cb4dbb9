// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory, symbols and list walks of the open dump: readmem, readPtr, the
 * fixed-width integer readers, sym2addr/addr2sym, the variable lookup
 * behind readSymbol/whatis, and the pointer-chasing loop under readList
 * (bounded, cycle-checked and cancellable, so a corrupt list can neither
 * hang nor exhaust memory).
 */
#include "_crash.h"

#include <stdlib.h>
#include <string.h>

#include <pykdump/cancel.h>
#include <pykdump/machine.h>
#include <pykdump/memory.h>
#include <pykdump/session.h>
#include <pykdump/symbols.h>
#include <pykdump/types.h>

enum { MT_KVADDR = 1, MT_UVADDR = 2, MT_PHYSADDR = 4 };

/* The user address space readmem(..., UVADDR) reads (set_readmem_task). */
static uint64_t uv_pgd;

int kdpy_read(uint64_t addr, void *buf, size_t len)
{
	struct kd_session *s = kdpy_require_session("readmem()");
	if (!s)
		return -1;
	struct kd_error *err = kd_read_kvaddr(s, addr, buf, len);
	if (err) {
		kdpy_raise(err);
		return -1;
	}
	return 0;
}

int kdpy_read_ptr(uint64_t addr, uint64_t *ret)
{
	*ret = 0;
	return kdpy_read(addr, ret, 8);
}

static int read_typed(uint64_t addr, void *buf, size_t len, long mtype)
{
	struct kd_session *s = kdpy_require_session("readmem()");
	if (!s)
		return -1;
	if (addr == 0 && mtype != MT_PHYSADDR) {
		PyErr_SetString(PyExc_IndexError, "readmem: address 0");
		return -1;
	}
	struct kd_error *err;
	if (mtype == MT_PHYSADDR)
		err = kd_read_paddr(s, addr, buf, len);
	else if (mtype == MT_UVADDR)
		err = uv_pgd ? kd_read_uvaddr(s, uv_pgd, addr, buf, len) :
			kd_error_create(KD_ERR_INVALID,
					"UVADDR read with no task set "
					"(set_readmem_task)");
	else
		err = kd_read_kvaddr(s, addr, buf, len);
	if (err) {
		kdpy_raise(err);
		return -1;
	}
	return 0;
}

static int parse_addr(PyObject *o, uint64_t *ret)
{
	*ret = PyLong_AsUnsignedLongLongMask(o);
	return *ret == (uint64_t)-1 && PyErr_Occurred() ? -1 : 0;
}

/* readmem(addr, size, mtype=KVADDR) -> bytes */
static PyObject *readmem(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *a;
	Py_ssize_t size;
	long mtype = MT_KVADDR;
	uint64_t addr;
	if (!PyArg_ParseTuple(args, "On|l", &a, &size, &mtype) ||
	    parse_addr(a, &addr) < 0)
		return NULL;
	if (size < 0) {
		PyErr_SetString(PyExc_ValueError, "readmem: negative size");
		return NULL;
	}
	PyObject *b = PyBytes_FromStringAndSize(NULL, size);
	if (b && read_typed(addr, PyBytes_AS_STRING(b), size, mtype) < 0)
		Py_CLEAR(b);
	return b;
}

/* The integer readers: one C function per width and signedness. */
static PyObject *read_int(PyObject *const *args, Py_ssize_t n, int size,
			  int is_signed)
{
	uint64_t addr, v = 0;
	long mtype = MT_KVADDR;
	if (n < 1 || n > 2) {
		PyErr_SetString(PyExc_TypeError, "read(addr[, mtype])");
		return NULL;
	}
	if (parse_addr(args[0], &addr) < 0)
		return NULL;
	if (n == 2 && (mtype = PyLong_AsLong(args[1])) == -1 &&
	    PyErr_Occurred())
		return NULL;
	if (read_typed(addr, &v, size, mtype) < 0)
		return NULL;
	if (!is_signed || size == 8)
		return is_signed ? PyLong_FromLongLong((int64_t)v)
				 : PyLong_FromUnsignedLongLong(v);
	int sh = 64 - 8 * size;
	return PyLong_FromLongLong((int64_t)(v << sh) >> sh);
}

#define INT_READER(fname, size, sgn)					\
	static PyObject *fname(PyObject *self, PyObject *const *args,	\
			       Py_ssize_t n)				\
	{								\
		(void)self;						\
		return read_int(args, n, size, sgn);			\
	}
INT_READER(readU8, 1, 0)
INT_READER(readU16, 2, 0)
INT_READER(readU32, 4, 0)
INT_READER(readU64, 8, 0)
INT_READER(readS8, 1, 1)
INT_READER(readS16, 2, 1)
INT_READER(readS32, 4, 1)
INT_READER(readS64, 8, 1)

static PyObject *set_uv_pgd(PyObject *self, PyObject *arg)
{
	(void)self;
	if (parse_addr(arg, &uv_pgd) < 0)
		return NULL;
	Py_RETURN_NONE;
}

/* ------------------------------------------------------------ symbols */

static struct kd_symtab *symtab(void)
{
	struct kd_session *s = kdpy_require_session("symbol lookup");
	if (!s)
		return NULL;
	struct kd_symtab *st = kd_session_symtab(s);
	if (!st)
		PyErr_SetString(kdpy_Error, "the dump was opened without vmlinux");
	return st;
}

/* sym2addr(name) -> address, 0 when missing. */
static PyObject *sym2addr(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	struct kd_symtab *st = name ? symtab() : NULL;
	if (!st)
		return NULL;
	struct kd_symbol sym;
	struct kd_error *err = kd_symtab_lookup(st, name, &sym);
	if (err) {
		kd_error_destroy(err);
		return PyLong_FromLong(0);
	}
	return PyLong_FromUnsignedLongLong(sym.value);
}

static PyObject *sym2alladdr(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	struct kd_symtab *st = name ? symtab() : NULL;
	if (!st)
		return NULL;
	struct kd_symbol syms[64];
	size_t n = kd_symtab_lookup_all(st, name, syms, 64);
	if (n > 64)
		n = 64;
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *v = PyLong_FromUnsignedLongLong(syms[i].value);
		if (!v) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, v);
	}
	return list;
}

/* _addr2sym(addr) -> (name, offset) or None */
static PyObject *addr2sym(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t addr, off;
	struct kd_symtab *st;
	if (parse_addr(arg, &addr) < 0 || !(st = symtab()))
		return NULL;
	struct kd_symbol sym;
	if (!kd_symtab_by_addr(st, addr, &sym, &off))
		Py_RETURN_NONE;
	return Py_BuildValue("(sK)", sym.name, (unsigned long long)off);
}

/* _var_info(name) -> (addr, reader, is_percpu) or None.  The address is
 * the symbol table's (relocated); the type comes from DWARF. */
static PyObject *var_info(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	struct kd_session *s = name ? kdpy_require_session("readSymbol()") : NULL;
	if (!s)
		return NULL;
	struct kd_types *types;
	struct kd_error *err = kd_session_types(s, &types);
	if (err)
		return kdpy_raise(err);
	struct kd_variable var;
	if ((err = kd_types_find_variable(types, name, &var))) {
		if (err->code != KD_ERR_NOT_FOUND)
			return kdpy_raise(err);
		kd_error_destroy(err);
		Py_RETURN_NONE;
	}
	uint64_t addr = var.address;
	if (!kd_symbol_try_addr(s, name, &addr) && !var.is_percpu)
		addr += kd_symtab_relocation(kd_session_symtab(s));
	kdpy_reader *r = kdpy_reader_for_type(var.type);
	if (!r)
		return NULL;
	return Py_BuildValue("(KOi)", (unsigned long long)addr, (PyObject *)r,
			     var.is_percpu);
}

/* _enumerator(name) -> value or None */
static PyObject *enumerator(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	struct kd_session *s = name ? kdpy_require_session("enumerator_value")
				    : NULL;
	if (!s)
		return NULL;
	struct kd_types *types;
	struct kd_error *err = kd_session_types(s, &types);
	if (err)
		return kdpy_raise(err);
	struct kd_enum_value ev;
	if ((err = kd_types_find_enumerator(types, name, &ev))) {
		if (err->code != KD_ERR_NOT_FOUND)
			return kdpy_raise(err);
		kd_error_destroy(err);
		Py_RETURN_NONE;
	}
	if (!kd_type_is_signed(ev.type))
		return PyLong_FromUnsignedLongLong((uint64_t)ev.value);
	return PyLong_FromLongLong(ev.value);
}

/* ---------------------------------------------------------- list walks */

/* Visited addresses, open addressing; grows at half full. */
struct seen {
	uint64_t *slot;
	size_t cap, n;
};

static int seen_add(struct seen *h, uint64_t a);

static int seen_grow(struct seen *h)
{
	struct seen bigger = { calloc(h->cap ? 2 * h->cap : 1024, 8),
			       h->cap ? 2 * h->cap : 1024, 0 };
	if (!bigger.slot)
		return -1;
	for (size_t i = 0; i < h->cap; i++)
		if (h->slot[i])
			seen_add(&bigger, h->slot[i]);
	free(h->slot);
	*h = bigger;
	return 0;
}

/* 1 if a was new, 0 if seen before, -1 out of memory.  a != 0. */
static int seen_add(struct seen *h, uint64_t a)
{
	if (2 * (h->n + 1) > h->cap && seen_grow(h) < 0)
		return -1;
	size_t i = (a * 0x9E3779B97F4A7C15ull >> 20) & (h->cap - 1);
	while (h->slot[i]) {
		if (h->slot[i] == a)
			return 0;
		i = (i + 1) & (h->cap - 1);
	}
	h->slot[i] = a;
	h->n++;
	return 1;
}

struct walk {
	uint64_t start, offset;
	Py_ssize_t maxel;
	int inchead;
	PyObject *list;
	const char *stop;	/* why the walk ended early, or NULL */
	uint64_t stop_addr;
};

static int walk_append(struct walk *w, uint64_t a)
{
	PyObject *v = PyLong_FromUnsignedLongLong(a);
	int rc = v ? PyList_Append(w->list, v) : -1;
	Py_XDECREF(v);
	return rc;
}

/* Follow *(p + offset) from start until 0, back at start, a cycle, a
 * fault or maxel elements. */
static int walk_run(struct walk *w)
{
	struct seen seen = { 0 };
	uint64_t p = w->start;
	int rc = 0;
	if (w->inchead && (rc = walk_append(w, p)) < 0)
		goto out_free;
	for (;;) {
		uint64_t next;
		struct kd_error *err = kd_cancel_check();
		if (err) {
			kdpy_raise(err);
			rc = -1;
			break;
		}
		if (kdpy_read_ptr(p + w->offset, &next) < 0) {
			PyErr_Clear();
			w->stop = "cannot read";
			w->stop_addr = p + w->offset;
			break;
		}
		if (next == 0 || next == w->start)
			break;
		int fresh = seen_add(&seen, next);
		if (fresh <= 0) {
			w->stop = fresh < 0 ? "out of memory" : "cycle";
			w->stop_addr = next;
			break;
		}
		if (PyList_GET_SIZE(w->list) >= w->maxel) {
			w->stop = "maxel";
			w->stop_addr = next;
			break;
		}
		if ((rc = walk_append(w, next)) < 0)
			break;
		p = next;
	}
out_free:
	free(seen.slot);
	return rc;
}

/* _walk(start, offset, maxel, inchead) -> (addresses, stop, stop_addr) */
static PyObject *walk(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *start_o;
	long long offset;
	struct walk w = { 0 };
	if (!PyArg_ParseTuple(args, "OLnp", &start_o, &offset, &w.maxel,
			      &w.inchead) || parse_addr(start_o, &w.start) < 0)
		return NULL;
	w.offset = (uint64_t)offset;
	if (!kdpy_require_session("readList"))
		return NULL;
	if (!(w.list = PyList_New(0)))
		return NULL;
	if (w.start == 0 || walk_run(&w) < 0) {
		if (PyErr_Occurred()) {
			Py_DECREF(w.list);
			return NULL;
		}
	}
	return Py_BuildValue("(NzK)", w.list, w.stop,
			     (unsigned long long)w.stop_addr);
}

/* ------------------------------------------------------- machine facts */

static int put_str(PyObject *d, const char *k, const char *v)
{
	PyObject *o = v ? PyUnicode_FromString(v) : Py_NewRef(Py_None);
	int rc = o ? PyDict_SetItemString(d, k, o) : -1;
	Py_XDECREF(o);
	return rc;
}

static int put_int(PyObject *d, const char *k, long long v)
{
	PyObject *o = PyLong_FromLongLong(v);
	int rc = o ? PyDict_SetItemString(d, k, o) : -1;
	Py_XDECREF(o);
	return rc;
}

/* _machine() -> dict of kd_session_machine's facts */
static PyObject *machine(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = kdpy_require_session("sys_info");
	if (!s)
		return NULL;
	const struct kd_machine *m;
	struct kd_error *err = kd_session_machine(s, &m);
	if (err)
		return kdpy_raise(err);
	PyObject *d = PyDict_New();
	if (!d)
		return NULL;
	int rc = put_str(d, "arch", m->arch) | put_int(d, "ptr_size", m->ptr_size) |
		put_int(d, "int_size", m->int_size) |
		put_int(d, "long_size", m->long_size) |
		put_int(d, "page_size", (long long)m->page_size) |
		put_int(d, "page_shift", m->page_shift) | put_int(d, "hz", m->hz) |
		put_int(d, "cpus_possible", m->cpus_possible) |
		put_int(d, "cpus_present", m->cpus_present) |
		put_int(d, "cpus_online", m->cpus_online) |
		put_int(d, "nr_cpu_ids", m->nr_cpu_ids) |
		put_str(d, "sysname", m->sysname) |
		put_str(d, "nodename", m->nodename) |
		put_str(d, "release", m->release) |
		put_str(d, "version", m->version) |
		put_str(d, "machine", m->machine) |
		put_str(d, "domainname", m->domainname) |
		put_str(d, "banner", m->banner) | put_int(d, "live", m->live) |
		put_str(d, "dump_path", m->dump_path) |
		put_str(d, "vmlinux_path", m->vmlinux_path) |
		put_int(d, "panic_cpu", m->panic_cpu) |
		put_int(d, "vmemmap_base", (long long)m->vmemmap_base);
	if (rc) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

static PyMethodDef mem_functions[] = {
	{ "readmem", readmem, METH_VARARGS,
	  "readmem(addr, size, mtype=KVADDR)\n--\n\nBytes of the dump." },
	{ "readU8", (PyCFunction)(void (*)(void))readU8, METH_FASTCALL, NULL },
	{ "readU16", (PyCFunction)(void (*)(void))readU16, METH_FASTCALL, NULL },
	{ "readU32", (PyCFunction)(void (*)(void))readU32, METH_FASTCALL, NULL },
	{ "readU64", (PyCFunction)(void (*)(void))readU64, METH_FASTCALL, NULL },
	{ "readS8", (PyCFunction)(void (*)(void))readS8, METH_FASTCALL, NULL },
	{ "readS16", (PyCFunction)(void (*)(void))readS16, METH_FASTCALL, NULL },
	{ "readS32", (PyCFunction)(void (*)(void))readS32, METH_FASTCALL, NULL },
	{ "readS64", (PyCFunction)(void (*)(void))readS64, METH_FASTCALL, NULL },
	{ "readPtr", (PyCFunction)(void (*)(void))readU64, METH_FASTCALL,
	  "readPtr(addr[, mtype]): a pointer-sized unsigned integer." },
	{ "_set_uv_pgd", set_uv_pgd, METH_O, NULL },
	{ "sym2addr", sym2addr, METH_O, "sym2addr(name): address or 0." },
	{ "sym2alladdr", sym2alladdr, METH_O, NULL },
	{ "_addr2sym", addr2sym, METH_O, NULL },
	{ "_var_info", var_info, METH_O, NULL },
	{ "_walk", walk, METH_VARARGS, NULL },
	{ "_enumerator", enumerator, METH_O, NULL },
	{ "_machine", machine, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_mem_init(PyObject *m)
{
	return PyModule_AddFunctions(m, mem_functions);
}
