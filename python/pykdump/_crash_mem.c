// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory, symbols and list walks of the open dump: readmem, readPtr, the
 * fixed-width integer readers, sym2addr/addr2sym, the variable lookup
 * behind readSymbol/whatis, and, from the library's kernel-object layer,
 * the chain walk under readList (bounded, cycle-checked and cancellable,
 * so a corrupt list can neither hang nor exhaust memory) and the per-CPU
 * offsets.
 */
#include "_crash.h"

#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/ksyms.h>
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
	struct kd_value val;
	if (read_typed(addr, &v, size, mtype) < 0)
		return NULL;
	struct kd_error *err = kd_value_decode(KD_RK_INT, (uint32_t)size,
					       is_signed, &v, &val);
	if (err)
		return kdpy_raise(err);
	return is_signed ? PyLong_FromLongLong(val.i)
			 : PyLong_FromUnsignedLongLong(val.u);
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

/* sym2addr(name) -> address, 0 when missing: the vmlinux symbols, then
 * those of the modules (their kallsyms), as crash's symbol_search. */
static PyObject *sym2addr(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	struct kd_symtab *st = name ? symtab() : NULL;
	if (!st)
		return NULL;
	struct kd_symbol sym;
	struct kd_error *err = kd_symtab_lookup(st, name, &sym);
	if (!err)
		return PyLong_FromUnsignedLongLong(sym.value);
	kd_error_destroy(err);
	struct kd_ksym ks;
	if ((err = kd_ksym_by_name(kdpy_session(), name, &ks))) {
		kd_error_destroy(err);
		return PyLong_FromLong(0);
	}
	return PyLong_FromUnsignedLongLong(ks.value);
}

static PyObject *sym2alladdr(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *name = PyUnicode_AsUTF8(arg);
	struct kd_symtab *st = name ? symtab() : NULL;
	if (!st)
		return NULL;
	struct kd_symbol *syms;
	size_t n;
	struct kd_error *err = kd_symtab_lookup_every(st, name, &syms, &n);
	if (err)
		return kdpy_raise(err);
	PyObject *list = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *v = PyLong_FromUnsignedLongLong(syms[i].value);
		if (!v) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, v);
	}
	free(syms);
	return list;
}

/* _addr2sym(addr) -> (name, offset, module or None) or None: the symbol
 * at or below addr in the kernel image or in a module (crash's
 * value_search). */
static PyObject *addr2sym(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t addr, off;
	if (parse_addr(arg, &addr) < 0 || !symtab())
		return NULL;
	const char *name, *module;
	if (!kd_ksym_lookup_addr(kdpy_session(), addr, &name, &off, &module))
		Py_RETURN_NONE;
	return Py_BuildValue("(sKz)", name, (unsigned long long)off, module);
}

/* mem2long(bytestr, signed=0, array=0): the little-endian integer of the
 * bytes, or a list of `array` integers (array > 1) of equal size; sizes
 * of 1 to 8 bytes. */
static PyObject *mem2long(PyObject *self, PyObject *args, PyObject *kw)
{
	(void)self;
	static char *kwlist[] = { "bytestr", "signed", "array", NULL };
	Py_buffer b;
	int is_signed = 0, array = 0;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|ii", kwlist, &b,
					 &is_signed, &array))
		return NULL;
	Py_ssize_t n = array > 1 ? array : 1;
	Py_ssize_t sz = b.len / n;
	PyObject *ret = NULL;
	if (sz < 1 || sz > 8 || sz * n != b.len) {
		PyErr_Format(kdpy_Error, "mem2long: bad size (%zd bytes%s)",
			     b.len, array > 1 ? " for the array" : "");
		goto out;
	}
	if (array <= 1) {
		ret = _PyLong_FromByteArray(b.buf, (size_t)sz, 1, is_signed);
		goto out;
	}
	ret = PyList_New(n);
	for (Py_ssize_t i = 0; ret && i < n; i++) {
		PyObject *v = _PyLong_FromByteArray(
			(const unsigned char *)b.buf + i * sz, (size_t)sz, 1,
			is_signed);
		if (!v)
			Py_CLEAR(ret);
		else
			PyList_SET_ITEM(ret, i, v);
	}
out:
	PyBuffer_Release(&b);
	return ret;
}

/* A function's (addr, reader of its function type, 0), or None: whatis()
 * of a function name answers with its type, as gdb's did. */
static PyObject *function_info(struct kd_session *s, struct kd_types *types,
			       const char *name)
{
	struct kd_function fn;
	struct kd_error *err = kd_types_find_function(types, name, &fn);
	if (err) {
		if (err->code != KD_ERR_NOT_FOUND)
			return kdpy_raise(err);
		kd_error_destroy(err);
		Py_RETURN_NONE;
	}
	uint64_t addr = fn.address;
	if (!kd_symbol_try_addr(s, name, &addr))
		addr += kd_symtab_relocation(kd_session_symtab(s));
	kdpy_reader *r = kdpy_reader_for_type(fn.type);
	if (!r)
		return NULL;
	return Py_BuildValue("(KOi)", (unsigned long long)addr, (PyObject *)r,
			     0);
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
		return function_info(s, types, name);
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

/* A Python list of the addresses, plus the entry whose link could not be
 * read when the walk was cut by unreadable memory: the original readList
 * ends such a list with it (its members then raise).  The library's walk
 * stops before it; it is what the last link read points to. */
static PyObject *walk_list(struct kd_session *s, const struct kd_addr_list *l,
			   uint64_t start, uint64_t offset, int cut)
{
	PyObject *list = PyList_New((Py_ssize_t)l->n);
	for (size_t i = 0; list && i < l->n; i++) {
		PyObject *v = PyLong_FromUnsignedLongLong(l->addrs[i]);
		if (!v)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, (Py_ssize_t)i, v);
	}
	uint64_t last = l->n ? l->addrs[l->n - 1] : start, bad;
	struct kd_error *err = cut && list ? kd_read_ptr(s, last + offset, &bad)
					   : NULL;
	if (!cut || !list || err || !bad || bad == start) {
		kd_error_destroy(err);	/* it was the start's own link */
		return list;
	}
	PyObject *v = PyLong_FromUnsignedLongLong(bad);
	if (!v || PyList_Append(list, v) < 0)
		Py_CLEAR(list);
	Py_XDECREF(v);
	return list;
}

/* _walk(start, offset, maxel, inchead) -> (addresses, error or None,
 * cut): the chain start, *(start + offset), ... until NULL or back at
 * start, walked by the library (kd_chain_walk: cycle-checked, bounded,
 * cancellable).  More than maxel entries end it with cut true (the
 * original's maxel: readList warns); a cycle or unreadable memory end it
 * with the library's message (readList logs it); Ctrl-C or a timeout
 * raise. */
static PyObject *walk(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *start_o;
	long long offset;
	Py_ssize_t maxel;
	int inchead;
	uint64_t start;
	if (!PyArg_ParseTuple(args, "OLnp", &start_o, &offset, &maxel,
			      &inchead) || parse_addr(start_o, &start) < 0)
		return NULL;
	struct kd_session *s = kdpy_require_session("readList");
	if (!s)
		return NULL;
	struct kd_addr_list l = { 0 };
	if (start == 0 || maxel <= 0) {	/* nothing to follow */
		uint64_t head = start;
		l.addrs = &head;
		l.n = start && inchead;
		return Py_BuildValue("(NOi)", walk_list(s, &l, start, 0, 0),
				     Py_None, 0);
	}
	unsigned flags = KD_WALK_NOLOG | (inchead ? KD_WALK_INCHEAD : 0);
	struct kd_error *err = kd_chain_walk(s, start, (uint64_t)offset, 0,
					     flags, (size_t)maxel, &l);
	int cut = err && err->code == KD_ERR_LIMIT;
	if (cut) {
		kd_error_destroy(err);
		err = NULL;
	}
	if (err && !kd_error_is_fault(err) && err->code != KD_ERR_CYCLE) {
		kd_addr_list_free(&l);
		return kdpy_raise(err);
	}
	PyObject *list = walk_list(s, &l, start, (uint64_t)offset,
				   kd_error_is_fault(err));
	kd_addr_list_free(&l);
	PyObject *ret = list ? Py_BuildValue("(Nzi)", list,
					     err ? err->message : NULL, cut)
			     : NULL;
	kd_error_destroy(err);
	return ret;
}

/* _percpu_offsets() -> [__per_cpu_offset[cpu] for each of nr_cpu_ids] */
static PyObject *percpu_offsets(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = kdpy_require_session("per-CPU variables");
	if (!s)
		return NULL;
	const uint64_t *offs;
	unsigned n;
	struct kd_error *err = kd_percpu_offsets(s, &offs, &n);
	if (err)
		return kdpy_raise(err);
	PyObject *list = PyList_New(n);
	for (unsigned i = 0; list && i < n; i++) {
		PyObject *v = PyLong_FromUnsignedLongLong(offs[i]);
		if (!v)
			Py_CLEAR(list);
		else
			PyList_SET_ITEM(list, i, v);
	}
	return list;
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
	{ "mem2long", KDPY_KWFUNC(mem2long), METH_VARARGS | METH_KEYWORDS,
	  "mem2long(bytestr, signed=0, array=0)\n--\n\n"
	  "The little-endian integer(s) of the bytes." },
	{ "_var_info", var_info, METH_O, NULL },
	{ "_walk", walk, METH_VARARGS, NULL },
	{ "_percpu_offsets", percpu_offsets, METH_NOARGS, NULL },
	{ "_enumerator", enumerator, METH_O, NULL },
	{ "_machine", machine, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_mem_init(PyObject *m)
{
	return PyModule_AddFunctions(m, mem_functions);
}
