// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel memory for Python programs, without parsing kmem's text: the
 * kernel layer's slab.h, page.h, zone.h and vmalloc.h as tuples and
 * lists of ints (pykdump.mm names them).  Nothing is decoded here.
 *
 *   _slab_caches() -> [(addr, name, object_size, size, objects, order,
 *                       offset, red_left_pad, flags, hardened)]
 *   _slab_counts(cache) -> (allocated, total, slabs)
 *   _slab_objects(cache, inuse_only) -> [addr]        (cache != 0)
 *                                    -> {cache: [addr]} (cache == 0)
 *   _slab_slab(slab) -> (addr, cache, mem, freelist, inuse, objects,
 *                        frozen, node)
 *   _slab_states(cache, slab, cpu_freelist) -> bytes (KD_SLAB_OBJ_*)
 *   _slab_find(addr) -> None | (cache, slab, object, state, cpu)
 *   _pfn_to_page(pfn), _page_to_pfn(page) -> int
 *   _page(page) -> (addr, pfn, flags, mapping, index, private,
 *                   refcount, mapcount, head)
 *   _page_flag_names(flags) -> [name]
 *   _mem_sections() -> [(nr, addr, raw, coded, mem_map, pfn)]
 *   _nodes() -> [(id, pgdat, start_pfn, spanned, present, mem_map)]
 *   _zones(node_id) -> [(index, addr, name, start_pfn, spanned, present,
 *                        managed, min, low, high)]
 *   _free_list(node_id, zone_index, order, migratetype) -> [page]
 *   _vmap_areas() -> [(vmap_area, vm_struct, start, end)]
 */
#include "_crash.h"

#include <stdlib.h>
#include <string.h>

#include <pykdump/highlevel.h>
#include <pykdump/page.h>
#include <pykdump/slab.h>
#include <pykdump/vmalloc.h>
#include <pykdump/zone.h>

static struct kd_session *session(const char *what)
{
	return kdpy_require_session(what);
}

static PyObject *u64(uint64_t v)
{
	return PyLong_FromUnsignedLongLong(v);
}

/* A list of ints from addresses; NULL with an exception on failure. */
static PyObject *int_list(const uint64_t *v, size_t n)
{
	PyObject *l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l && i < n; i++) {
		PyObject *x = u64(v[i]);
		if (!x) {
			Py_DECREF(l);
			return NULL;
		}
		PyList_SET_ITEM(l, (Py_ssize_t)i, x);
	}
	return l;
}

/* ---- slab ---- */

static PyObject *cache_tuple(const struct kd_slab_cache *c)
{
	return Py_BuildValue("(KsIIIIIIKi)", (unsigned long long)c->addr,
			     c->name, c->object_size, c->size, c->objects,
			     c->order, c->offset, c->red_left_pad,
			     (unsigned long long)c->flags, c->hardened);
}

static PyObject *slab_caches(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = session("slab_caches()");
	struct kd_addr_list l;
	if (!s)
		return NULL;
	struct kd_error *err = kd_slab_caches(s, &l);
	if (err) {
		kd_addr_list_free(&l);
		return kdpy_raise(err);
	}
	PyObject *res = PyList_New(0);
	for (size_t i = 0; res && i < l.n; i++) {
		struct kd_slab_cache c;
		if ((err = kd_slab_cache_read(s, l.addrs[i], &c))) {
			Py_DECREF(res);
			kd_addr_list_free(&l);
			return kdpy_raise(err);
		}
		PyObject *t = cache_tuple(&c);
		if (!t || PyList_Append(res, t)) {
			Py_XDECREF(t);
			Py_CLEAR(res);
			break;
		}
		Py_DECREF(t);
	}
	kd_addr_list_free(&l);
	return res;
}

static int read_cache(struct kd_session *s, unsigned long long addr,
		      struct kd_slab_cache *c)
{
	struct kd_error *err = kd_slab_cache_read(s, addr, c);
	if (err) {
		kdpy_raise(err);
		return -1;
	}
	return 0;
}

static PyObject *slab_counts(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long addr;
	struct kd_slab_cache c;
	struct kd_slab_counts n;
	if (!PyArg_ParseTuple(args, "K", &addr))
		return NULL;
	struct kd_session *s = session("slab_counts()");
	if (!s || read_cache(s, addr, &c))
		return NULL;
	struct kd_error *err = kd_slab_cache_counts(s, &c, &n);
	if (err)
		return kdpy_raise(err);
	return Py_BuildValue("(KKK)", (unsigned long long)n.allocated,
			     (unsigned long long)n.total,
			     (unsigned long long)n.slabs);
}

struct collect {
	PyObject *result;	/* list (one cache) or dict */
	uint64_t last_cache;
	PyObject *last_list;	/* borrowed, the dict's list of last_cache */
	int failed;
};

static PyObject *list_for(struct collect *c, uint64_t cache)
{
	if (PyList_Check(c->result))
		return c->result;
	if (c->last_list && c->last_cache == cache)
		return c->last_list;
	PyObject *key = u64(cache);
	if (!key)
		return NULL;
	PyObject *l = PyDict_GetItemWithError(c->result, key);
	if (!l && !PyErr_Occurred()) {
		l = PyList_New(0);
		if (l && PyDict_SetItem(c->result, key, l)) {
			Py_DECREF(l);
			l = NULL;
		} else if (l) {
			Py_DECREF(l);	/* the dict holds it */
		}
	}
	Py_DECREF(key);
	c->last_cache = cache;
	c->last_list = l;
	return l;
}

static int collect_object(void *arg, uint64_t cache, uint64_t obj, int state)
{
	struct collect *c = arg;
	(void)state;
	PyObject *l = list_for(c, cache), *x = l ? u64(obj) : NULL;
	if (!x || PyList_Append(l, x)) {
		Py_XDECREF(x);
		c->failed = 1;
		return 1;
	}
	Py_DECREF(x);
	return 0;
}

static PyObject *slab_objects(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long cache = 0;
	int inuse_only = 1;
	if (!PyArg_ParseTuple(args, "K|p", &cache, &inuse_only))
		return NULL;
	struct kd_session *s = session("slab_objects()");
	if (!s)
		return NULL;
	struct collect c = { cache ? PyList_New(0) : PyDict_New(), 0, NULL, 0 };
	if (!c.result)
		return NULL;
	struct kd_error *err = kd_slab_for_each_object(s, cache, inuse_only,
						       collect_object, NULL, &c);
	if (c.failed) {
		kd_error_destroy(err);
		Py_DECREF(c.result);
		return NULL;
	}
	if (err) {
		Py_DECREF(c.result);
		return kdpy_raise(err);
	}
	return c.result;
}

static PyObject *slab_slab(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long addr;
	struct kd_slab sl;
	if (!PyArg_ParseTuple(args, "K", &addr))
		return NULL;
	struct kd_session *s = session("slab()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_slab_read(s, addr, &sl);
	if (err)
		return kdpy_raise(err);
	return Py_BuildValue("(KKKKIIii)", (unsigned long long)sl.addr,
			     (unsigned long long)sl.cache,
			     (unsigned long long)sl.mem,
			     (unsigned long long)sl.freelist, sl.inuse,
			     sl.objects, sl.frozen, sl.node);
}

static PyObject *slab_states(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long cache, slab, cpu_freelist = 0;
	struct kd_slab_cache c;
	struct kd_slab sl;
	if (!PyArg_ParseTuple(args, "KK|K", &cache, &slab, &cpu_freelist))
		return NULL;
	struct kd_session *s = session("slab_states()");
	if (!s || read_cache(s, cache, &c))
		return NULL;
	struct kd_error *err = kd_slab_read(s, slab, &sl);
	if (err)
		return kdpy_raise(err);
	uint8_t *st = malloc(sl.objects ? sl.objects : 1);
	if (!st)
		return PyErr_NoMemory();
	err = kd_slab_object_states(s, &c, &sl, cpu_freelist, st);
	if (err) {
		free(st);
		return kdpy_raise(err);
	}
	PyObject *res = PyBytes_FromStringAndSize((const char *)st,
						  sl.objects);
	free(st);
	return res;
}

static PyObject *slab_find(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long addr;
	struct kd_slab_addr sa;
	int found;
	if (!PyArg_ParseTuple(args, "K", &addr))
		return NULL;
	struct kd_session *s = session("slab_find()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_slab_find(s, addr, &sa, &found);
	if (err)
		return kdpy_raise(err);
	if (!found)
		Py_RETURN_NONE;
	return Py_BuildValue("(KKKii)", (unsigned long long)sa.cache,
			     (unsigned long long)sa.slab,
			     (unsigned long long)sa.object, sa.state, sa.cpu);
}

/* ---- pages ---- */

static PyObject *pfn_to_page(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long pfn;
	uint64_t page;
	if (!PyArg_ParseTuple(args, "K", &pfn))
		return NULL;
	struct kd_session *s = session("pfn_to_page()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_pfn_to_page(s, pfn, &page);
	return err ? kdpy_raise(err) : u64(page);
}

static PyObject *page_to_pfn(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long page;
	uint64_t pfn;
	if (!PyArg_ParseTuple(args, "K", &page))
		return NULL;
	struct kd_session *s = session("page_to_pfn()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_page_to_pfn(s, page, &pfn);
	return err ? kdpy_raise(err) : u64(pfn);
}

static PyObject *page(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long addr;
	struct kd_page p;
	if (!PyArg_ParseTuple(args, "K", &addr))
		return NULL;
	struct kd_session *s = session("page()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_page_read(s, addr, &p);
	if (err)
		return kdpy_raise(err);
	return Py_BuildValue("(KKKKKKiiK)", (unsigned long long)p.addr,
			     (unsigned long long)p.pfn,
			     (unsigned long long)p.flags,
			     (unsigned long long)p.mapping,
			     (unsigned long long)p.index,
			     (unsigned long long)p.private, p.refcount,
			     p.mapcount, (unsigned long long)kd_page_head(&p));
}

static PyObject *page_flag_names(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long flags;
	const struct kd_page_flag *f;
	size_t n;
	if (!PyArg_ParseTuple(args, "K", &flags))
		return NULL;
	struct kd_session *s = session("page_flag_names()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_page_flag_names(s, &f, &n);
	if (err)
		return kdpy_raise(err);
	PyObject *res = PyList_New(0);
	for (size_t i = 0; res && i < n; i++) {
		if (!(flags & f[i].mask))
			continue;
		PyObject *name = PyUnicode_FromString(f[i].name);
		if (!name || PyList_Append(res, name))
			Py_CLEAR(res);
		Py_XDECREF(name);
	}
	return res;
}

static PyObject *mem_sections(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	const struct kd_memmap *m;
	struct kd_session *s = session("mem_sections()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_memmap_get(s, &m);
	if (err)
		return kdpy_raise(err);
	PyObject *res = PyList_New((Py_ssize_t)m->nsections);
	for (size_t i = 0; res && i < m->nsections; i++) {
		const struct kd_mem_section *x = &m->sections[i];
		PyObject *t = Py_BuildValue("(KKKKKK)",
			(unsigned long long)x->nr, (unsigned long long)x->addr,
			(unsigned long long)x->raw, (unsigned long long)x->coded,
			(unsigned long long)x->mem_map,
			(unsigned long long)x->pfn);
		if (!t)
			Py_CLEAR(res);
		else
			PyList_SET_ITEM(res, (Py_ssize_t)i, t);
	}
	return res;
}

/* ---- nodes, zones, free lists ---- */

static PyObject *nodes(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_node *nd;
	size_t n;
	struct kd_session *s = session("nodes()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_mm_nodes(s, &nd, &n);
	if (err)
		return kdpy_raise(err);
	PyObject *res = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; res && i < n; i++) {
		PyObject *t = Py_BuildValue("(iKKKKK)", nd[i].id,
			(unsigned long long)nd[i].pgdat,
			(unsigned long long)nd[i].start_pfn,
			(unsigned long long)nd[i].spanned,
			(unsigned long long)nd[i].present,
			(unsigned long long)nd[i].mem_map);
		if (!t)
			Py_CLEAR(res);
		else
			PyList_SET_ITEM(res, (Py_ssize_t)i, t);
	}
	free(nd);
	return res;
}

/* The zones of node id: *z malloc'd. */
static struct kd_error *zones_of(struct kd_session *s, int id,
				 struct kd_zone **z, size_t *nz)
{
	struct kd_node *nd;
	size_t n;
	struct kd_error *err = kd_mm_nodes(s, &nd, &n);
	if (err)
		return err;
	err = kd_error_create(KD_ERR_NOT_FOUND, "no online node %d", id);
	for (size_t i = 0; i < n; i++)
		if (nd[i].id == id) {
			kd_error_destroy(err);
			err = kd_node_zones(s, &nd[i], z, nz);
			break;
		}
	free(nd);
	return err;
}

static PyObject *zones(PyObject *self, PyObject *args)
{
	(void)self;
	int id;
	struct kd_zone *z;
	size_t nz;
	if (!PyArg_ParseTuple(args, "i", &id))
		return NULL;
	struct kd_session *s = session("zones()");
	if (!s)
		return NULL;
	struct kd_error *err = zones_of(s, id, &z, &nz);
	if (err)
		return kdpy_raise(err);
	PyObject *res = PyList_New((Py_ssize_t)nz);
	for (size_t i = 0; res && i < nz; i++) {
		PyObject *t = Py_BuildValue("(iKsKKKKKKK)", z[i].index,
			(unsigned long long)z[i].addr, z[i].name,
			(unsigned long long)z[i].start_pfn,
			(unsigned long long)z[i].spanned,
			(unsigned long long)z[i].present,
			(unsigned long long)z[i].managed,
			(unsigned long long)z[i].wmark_min,
			(unsigned long long)z[i].wmark_low,
			(unsigned long long)z[i].wmark_high);
		if (!t)
			Py_CLEAR(res);
		else
			PyList_SET_ITEM(res, (Py_ssize_t)i, t);
	}
	free(z);
	return res;
}

static PyObject *free_list(PyObject *self, PyObject *args)
{
	(void)self;
	int id, zi;
	unsigned order, type;
	struct kd_zone *z;
	size_t nz;
	struct kd_addr_list pages;
	if (!PyArg_ParseTuple(args, "iiII", &id, &zi, &order, &type))
		return NULL;
	struct kd_session *s = session("free_list()");
	if (!s)
		return NULL;
	struct kd_error *err = zones_of(s, id, &z, &nz);
	if (err)
		return kdpy_raise(err);
	if (zi < 0 || (size_t)zi >= nz) {
		free(z);
		return kdpy_raise(kd_error_create(KD_ERR_INVALID, "node %d has "
						  "no zone %d", id, zi));
	}
	err = kd_free_list_pages(s, &z[zi], order, type, KD_WALK_NOLOG, 0,
				 &pages);
	free(z);
	if (err) {
		kd_addr_list_free(&pages);
		return kdpy_raise(err);
	}
	PyObject *res = int_list(pages.addrs, pages.n);
	kd_addr_list_free(&pages);
	return res;
}

/* ---- vmalloc ---- */

static PyObject *vmap_areas(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_vmap_area *v;
	size_t n;
	struct kd_session *s = session("vmap_areas()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_vmap_areas(s, &v, &n);
	if (err) {
		free(v);
		return kdpy_raise(err);
	}
	PyObject *res = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; res && i < n; i++) {
		PyObject *t = Py_BuildValue("(KKKK)",
			(unsigned long long)v[i].va, (unsigned long long)v[i].vm,
			(unsigned long long)v[i].start,
			(unsigned long long)v[i].end);
		if (!t)
			Py_CLEAR(res);
		else
			PyList_SET_ITEM(res, (Py_ssize_t)i, t);
	}
	free(v);
	return res;
}

static PyMethodDef kmem_functions[] = {
	{ "_slab_caches", slab_caches, METH_NOARGS, NULL },
	{ "_slab_counts", slab_counts, METH_VARARGS, NULL },
	{ "_slab_objects", slab_objects, METH_VARARGS, NULL },
	{ "_slab_slab", slab_slab, METH_VARARGS, NULL },
	{ "_slab_states", slab_states, METH_VARARGS, NULL },
	{ "_slab_find", slab_find, METH_VARARGS, NULL },
	{ "_pfn_to_page", pfn_to_page, METH_VARARGS, NULL },
	{ "_page_to_pfn", page_to_pfn, METH_VARARGS, NULL },
	{ "_page", page, METH_VARARGS, NULL },
	{ "_page_flag_names", page_flag_names, METH_VARARGS, NULL },
	{ "_mem_sections", mem_sections, METH_NOARGS, NULL },
	{ "_nodes", nodes, METH_NOARGS, NULL },
	{ "_zones", zones, METH_VARARGS, NULL },
	{ "_free_list", free_list, METH_VARARGS, NULL },
	{ "_vmap_areas", vmap_areas, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_kmem_init(PyObject *m)
{
	return PyModule_AddFunctions(m, kmem_functions);
}
