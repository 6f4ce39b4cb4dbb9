// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel objects for Python programs, from lib/kernel (and lib/disasm)
 * without parsing command text: a task's VM areas, the IRQ descriptors,
 * System V IPC objects, wait queue entries, a task's signal state, and
 * disassembly.  Each answer is a list of dicts (or a dict) of plain
 * ints and strings; errors of the library raise through kdpy_raise().
 *
 *   task_mm(task) -> mm address (0 for a kernel thread)
 *   vm_areas(mm) -> [{addr, start, end, flags, pgoff, file, path}]
 *   irq_descs() -> [{irq, desc, action, chip, chip_name, flow_name,
 *                    actions: [{addr, handler, dev_id, flags, name}]}]
 *   irq_cpu_count(desc, cpu) -> how often cpu took the IRQ
 *   ipc_objects(kind, task=0) -> [{addr, key, id, uid, mode, deleted,
 *                    ...}] for kind "shm", "sem" or "msg"
 *   waitq_entries(head) -> [{addr, private, func, flags}]
 *   task_signals(task) -> {signal_struct, sighand, nr_threads,
 *                    sigpending, blocked, pending, shared, actions:
 *                    [{addr, handler, flags, mask}] (signal 1 first),
 *                    private_queue / shared_queue: [{addr, signo, info}]}
 *   disassemble(addr, count=1) -> [(addr, length, text)], text with
 *                    "<symbol+off>" after branch targets and rip-relative
 *                    operands, as gdb shows them
 *   swap_infos() -> [{addr, type, flags, is_device, prio, pages,
 *                    inuse_pages, path}] (the swap areas in use)
 *   search_memory(values, start=0, end=2**64-1, size=8, mask=0,
 *                 space="kernel", limit=10000) -> [(addr, value index)]
 *                    space "kernel" (crash's kernel ranges clipped to
 *                    [start, end)) or "physical"; at most limit hits
 */
#include "_crash.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <pykdump/disasm.h>
#include <pykdump/ipc.h>
#include <pykdump/irq.h>
#include <pykdump/ksyms.h>
#include <pykdump/search.h>
#include <pykdump/signal.h>
#include <pykdump/vma.h>
#include <pykdump/waitq.h>

#define MAX_DISASM_COUNT 1000000

/* dict[key] = v, consuming v; -1 on failure. */
static int put(PyObject *d, const char *key, PyObject *v)
{
	if (!v)
		return -1;
	int rc = PyDict_SetItemString(d, key, v);
	Py_DECREF(v);
	return rc;
}

static int put_u64(PyObject *d, const char *key, uint64_t v)
{
	return put(d, key, PyLong_FromUnsignedLongLong(v));
}

static int put_str(PyObject *d, const char *key, const char *s)
{
	return put(d, key, PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s),
						"backslashreplace"));
}

/* list.append(v), consuming v. */
static int append(PyObject *list, PyObject *v)
{
	if (!v)
		return -1;
	int rc = PyList_Append(list, v);
	Py_DECREF(v);
	return rc;
}

static PyObject *task_mm(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t task = PyLong_AsUnsignedLongLong(arg), mm;
	struct kd_session *s;
	if (PyErr_Occurred() || !(s = kdpy_require_session("task_mm()")))
		return NULL;
	struct kd_error *err = kd_task_mm(s, task, &mm);
	return err ? kdpy_raise(err) : PyLong_FromUnsignedLongLong(mm);
}

static PyObject *vma_dict(struct kd_session *s, const struct kd_vma *v)
{
	char path[4096];
	PyObject *d = PyDict_New();
	if (!d)
		return NULL;
	kd_vma_file_path(s, v, path, sizeof(path));
	if (put_u64(d, "addr", v->addr) || put_u64(d, "start", v->start) ||
	    put_u64(d, "end", v->end) || put_u64(d, "flags", v->flags) ||
	    put_u64(d, "pgoff", v->pgoff) || put_u64(d, "file", v->file) ||
	    put_str(d, "path", path)) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

static PyObject *vm_areas(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t mm = PyLong_AsUnsignedLongLong(arg);
	struct kd_session *s;
	struct kd_vma *v;
	size_t n;
	if (PyErr_Occurred() || !(s = kdpy_require_session("vm_areas()")))
		return NULL;
	struct kd_error *err = kd_mm_vma_array(s, mm, &v, &n);
	if (err) {
		free(v);
		return kdpy_raise(err);
	}
	PyObject *list = PyList_New(0);
	for (size_t i = 0; list && i < n; i++)
		if (append(list, vma_dict(s, &v[i])) < 0)
			Py_CLEAR(list);
	free(v);
	return list;
}

static PyObject *irq_dict(struct kd_session *s, unsigned irq, uint64_t desc)
{
	struct kd_irq_desc d;
	struct kd_irq_action *acts = NULL;
	size_t n = 0;
	struct kd_error *err = kd_irq_desc_read(s, desc, &d);
	if (!err)
		err = kd_irq_actions(s, d.action, &acts, &n);
	if (err) {
		free(acts);
		return kdpy_raise(err);
	}
	PyObject *r = PyDict_New(), *list = PyList_New(0);
	int bad = !r || !list || put_u64(r, "irq", irq) ||
		  put_u64(r, "desc", desc) || put_u64(r, "action", d.action) ||
		  put_u64(r, "chip", d.chip) ||
		  put_str(r, "chip_name", d.chip_name) ||
		  put_str(r, "flow_name", d.flow_name);
	for (size_t i = 0; !bad && i < n; i++) {
		PyObject *a = PyDict_New();
		bad = !a || put_u64(a, "addr", acts[i].addr) ||
		      put_u64(a, "handler", acts[i].handler) ||
		      put_u64(a, "dev_id", acts[i].dev_id) ||
		      put_u64(a, "flags", acts[i].flags) ||
		      put_str(a, "name", acts[i].name) || append(list, a) < 0;
		if (bad)
			Py_XDECREF(a);
	}
	free(acts);
	if (!bad) {
		Py_INCREF(list);
		bad = put(r, "actions", list);
	}
	Py_XDECREF(list);
	if (bad) {
		Py_XDECREF(r);
		return NULL;
	}
	return r;
}

static PyObject *irq_descs(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = kdpy_require_session("irq_descs()");
	uint64_t *v;
	unsigned n;
	if (!s)
		return NULL;
	struct kd_error *err = kd_irq_descs(s, &v, &n);
	if (err) {
		free(v);
		return kdpy_raise(err);
	}
	PyObject *list = PyList_New(0);
	for (unsigned i = 0; list && i < n; i++)
		if (v[i] && append(list, irq_dict(s, i, v[i])) < 0)
			Py_CLEAR(list);
	free(v);
	return list;
}

static PyObject *irq_cpu_count(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long desc;
	unsigned cpu;
	struct kd_irq_desc d;
	uint64_t count;
	if (!PyArg_ParseTuple(args, "KI", &desc, &cpu))
		return NULL;
	struct kd_session *s = kdpy_require_session("irq_cpu_count()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_irq_desc_read(s, desc, &d);
	if (!err)
		err = kd_irq_cpu_count(s, &d, cpu, &count);
	return err ? kdpy_raise(err) : PyLong_FromUnsignedLongLong(count);
}

static PyObject *ipc_dict(const struct kd_ipc_object *o)
{
	PyObject *d = PyDict_New();
	if (!d || put_u64(d, "addr", o->addr) ||
	    put(d, "key", PyLong_FromLong(o->key)) ||
	    put(d, "id", PyLong_FromLong(o->id)) || put_u64(d, "uid", o->uid) ||
	    put_u64(d, "mode", o->mode) ||
	    put(d, "deleted", PyBool_FromLong(o->deleted)) ||
	    (o->kind == KD_IPC_SHM &&
	     (put_u64(d, "segsz", o->segsz) || put_u64(d, "nattch", o->nattch) ||
	      put_u64(d, "inode", o->inode) || put_u64(d, "rss", o->rss) ||
	      put_u64(d, "swap", o->swap))) ||
	    (o->kind == KD_IPC_SEM && put_u64(d, "nsems", o->nsems)) ||
	    (o->kind == KD_IPC_MSG &&
	     (put_u64(d, "cbytes", o->cbytes) || put_u64(d, "qnum", o->qnum)))) {
		Py_XDECREF(d);
		return NULL;
	}
	return d;
}

static PyObject *ipc_objects(PyObject *self, PyObject *args)
{
	(void)self;
	const char *kind_name;
	unsigned long long task = 0;
	uint64_t ns;
	struct kd_ipc_object *v;
	size_t n;
	if (!PyArg_ParseTuple(args, "s|K", &kind_name, &task))
		return NULL;
	enum kd_ipc_kind kind;
	if (!strcmp(kind_name, "shm"))
		kind = KD_IPC_SHM;
	else if (!strcmp(kind_name, "sem"))
		kind = KD_IPC_SEM;
	else if (!strcmp(kind_name, "msg"))
		kind = KD_IPC_MSG;
	else
		return PyErr_Format(PyExc_ValueError, "ipc_objects(): kind "
				    "must be \"shm\", \"sem\" or \"msg\", not "
				    "\"%s\"", kind_name);
	struct kd_session *s = kdpy_require_session("ipc_objects()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_ipc_namespace(s, task, &ns);
	if (err)
		return kdpy_raise(err);
	if ((err = kd_ipc_objects(s, ns, kind, &v, &n))) {
		free(v);
		return kdpy_raise(err);
	}
	PyObject *list = PyList_New(0);
	for (size_t i = 0; list && i < n; i++)
		if (append(list, ipc_dict(&v[i])) < 0)
			Py_CLEAR(list);
	free(v);
	return list;
}

static PyObject *waitq_entries(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t head = PyLong_AsUnsignedLongLong(arg);
	struct kd_session *s;
	struct kd_waitq_entry *v;
	size_t n;
	if (PyErr_Occurred() || !(s = kdpy_require_session("waitq_entries()")))
		return NULL;
	struct kd_error *err = kd_waitq_entries(s, head, &v, &n);
	if (err) {
		free(v);
		return kdpy_raise(err);
	}
	PyObject *list = PyList_New(0);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *d = PyDict_New();
		if (!d || put_u64(d, "addr", v[i].addr) ||
		    put_u64(d, "private", v[i].private) ||
		    put_u64(d, "func", v[i].func) ||
		    put_u64(d, "flags", v[i].flags) || append(list, d) < 0) {
			Py_XDECREF(d);
			Py_CLEAR(list);
		}
	}
	free(v);
	return list;
}

static PyObject *sigqueue_list(const struct kd_sigqueue_entry *q, size_t n)
{
	PyObject *list = PyList_New(0);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *d = PyDict_New();
		if (!d || put_u64(d, "addr", q[i].addr) ||
		    put(d, "signo", PyLong_FromLong(q[i].signo)) ||
		    put_u64(d, "info", q[i].info) || append(list, d) < 0) {
			Py_XDECREF(d);
			Py_CLEAR(list);
		}
	}
	return list;
}

static PyObject *signals_dict(const struct kd_task_signals *sg)
{
	PyObject *d = PyDict_New(), *acts = PyList_New(0);
	int bad = !d || !acts ||
		  put_u64(d, "signal_struct", sg->signal_struct) ||
		  put_u64(d, "sighand", sg->sighand) ||
		  put(d, "nr_threads", PyLong_FromLong(sg->nr_threads)) ||
		  put(d, "sigpending", PyBool_FromLong(sg->sigpending)) ||
		  put_u64(d, "blocked", sg->blocked) ||
		  put_u64(d, "pending", sg->pending) ||
		  put_u64(d, "shared", sg->shared) ||
		  put(d, "private_queue", sigqueue_list(sg->private_queue,
							 sg->nprivate)) ||
		  put(d, "shared_queue", sigqueue_list(sg->shared_queue,
							sg->nshared));
	for (int i = 0; !bad && sg->have_actions && i < KD_NSIG; i++) {
		PyObject *a = PyDict_New();
		bad = !a || put_u64(a, "addr", sg->action[i].addr) ||
		      put_u64(a, "handler", sg->action[i].handler) ||
		      put_u64(a, "flags", sg->action[i].flags) ||
		      put_u64(a, "mask", sg->action[i].mask) ||
		      append(acts, a) < 0;
		if (bad)
			Py_XDECREF(a);
	}
	if (!bad) {
		Py_INCREF(acts);
		bad = put(d, "actions", acts);
	}
	Py_XDECREF(acts);
	if (bad) {
		Py_XDECREF(d);
		return NULL;
	}
	return d;
}

static PyObject *task_signals(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t task = PyLong_AsUnsignedLongLong(arg);
	struct kd_session *s;
	struct kd_task_signals sg;
	if (PyErr_Occurred() || !(s = kdpy_require_session("task_signals()")))
		return NULL;
	struct kd_error *err = kd_task_signals(s, task, &sg);
	PyObject *r = err ? kdpy_raise(err) : signals_dict(&sg);
	kd_task_signals_free(&sg);
	return r;
}

/* gdb's naming: the kernel and module symbols. */
static int name_address(void *arg, uint64_t addr, const char *text,
			char *buf, size_t size)
{
	const char *name;
	uint64_t off;
	(void)text;
	if (!kd_ksym_lookup_addr(arg, addr, &name, &off, NULL))
		return 0;
	if (off)
		snprintf(buf, size, "%s+%" PRIu64, name, off);
	else
		snprintf(buf, size, "%s", name);
	return 1;
}

static PyObject *disassemble(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long addr, count = 1;
	struct kd_disasm *d;
	if (!PyArg_ParseTuple(args, "K|K", &addr, &count))
		return NULL;
	if (count > MAX_DISASM_COUNT)
		return PyErr_Format(PyExc_ValueError, "disassemble(): at most "
				    "%d instructions", MAX_DISASM_COUNT);
	struct kd_session *s = kdpy_require_session("disassemble()");
	if (!s)
		return NULL;
	struct kd_disasm_options o = { .symbolize = name_address,
				       .symbolize_arg = s };
	struct kd_error *err = kd_disasm_create(s, &o, &d);
	if (err)
		return kdpy_raise(err);
	PyObject *list = PyList_New(0);
	for (unsigned long long i = 0; list && i < count; i++) {
		struct kd_insn in;
		if ((err = kd_disasm_insn(d, addr, &in))) {
			Py_CLEAR(list);
			kdpy_raise(err);
			break;
		}
		if (append(list, Py_BuildValue("(KIs)", (unsigned long long)in.addr,
					       in.len, in.text)) < 0)
			Py_CLEAR(list);
		addr += in.len;
	}
	kd_disasm_destroy(d);
	return list;
}

static PyObject *swap_infos(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_swap_info *v = NULL;
	size_t n = 0;
	struct kd_session *s = kdpy_require_session("swap_infos()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_swap_infos(s, &v, &n);
	if (err) {
		free(v);
		return kdpy_raise(err);
	}
	PyObject *list = PyList_New(0);
	for (size_t i = 0; list && i < n; i++) {
		PyObject *d = PyDict_New();
		if (d && (put_u64(d, "addr", v[i].addr) ||
			  put_u64(d, "type", v[i].type) ||
			  put_u64(d, "flags", v[i].flags) ||
			  put(d, "is_device",
			      PyBool_FromLong(v[i].is_device)) ||
			  put(d, "prio", PyLong_FromLong(v[i].prio)) ||
			  put_u64(d, "pages", v[i].pages) ||
			  put_u64(d, "inuse_pages", v[i].inuse_pages) ||
			  put_str(d, "path", v[i].path)))
			Py_CLEAR(d);
		if (append(list, d) < 0)	/* consumes d */
			Py_CLEAR(list);
	}
	free(v);
	return list;
}

struct hits {
	PyObject *list;
	size_t limit;
	int failed;
};

static int search_hit(void *arg, uint64_t addr, size_t index,
		      const uint8_t *data, size_t avail)
{
	struct hits *h = arg;
	(void)data;
	(void)avail;
	if (append(h->list, Py_BuildValue("(Kn)", (unsigned long long)addr,
					  (Py_ssize_t)index)) < 0) {
		h->failed = 1;
		return 1;
	}
	return (size_t)PyList_GET_SIZE(h->list) >= h->limit;
}

static PyObject *search_memory(PyObject *self, PyObject *args,
			       PyObject *kw)
{
	(void)self;
	static char *names[] = { "values", "start", "end", "size", "mask",
				 "space", "limit", NULL };
	PyObject *values;
	unsigned long long start = 0, end = UINT64_MAX, mask = 0;
	unsigned long long limit = 10000;
	int size = 8;
	const char *space = "kernel";
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|KKiKsK", names, &values,
					 &start, &end, &size, &mask, &space,
					 &limit))
		return NULL;
	struct kd_search_spec spec;
	memset(&spec, 0, sizeof(spec));
	switch (size) {
	case 8: spec.kind = KD_SEARCH_LONG; break;
	case 4: spec.kind = KD_SEARCH_INT; break;
	case 2: spec.kind = KD_SEARCH_SHORT; break;
	default:
		return PyErr_Format(PyExc_ValueError, "search_memory(): size "
				    "is 8, 4 or 2, not %d", size);
	}
	int phys = !strcmp(space, "physical");
	if (!phys && strcmp(space, "kernel"))
		return PyErr_Format(PyExc_ValueError, "search_memory(): space "
				    "is \"kernel\" or \"physical\", not "
				    "\"%s\"", space);
	if (start >= end || !limit)
		return PyErr_Format(PyExc_ValueError, "search_memory(): empty "
				    "range or limit");
	PyObject *seq = PySequence_Fast(values, "search_memory(): values is "
					"a sequence of ints");
	if (!seq)
		return NULL;
	Py_ssize_t nv = PySequence_Fast_GET_SIZE(seq);
	if (nv < 1 || nv > KD_SEARCH_MAX_VALUES) {
		Py_DECREF(seq);
		return PyErr_Format(PyExc_ValueError, "search_memory(): 1 to "
				    "%d values", KD_SEARCH_MAX_VALUES);
	}
	for (Py_ssize_t i = 0; i < nv; i++)
		spec.values[i] = PyLong_AsUnsignedLongLongMask(
			PySequence_Fast_GET_ITEM(seq, i));
	Py_DECREF(seq);
	if (PyErr_Occurred())
		return NULL;
	spec.nvalues = (size_t)nv;
	spec.mask = mask;
	struct kd_session *s = kdpy_require_session("search_memory()");
	if (!s)
		return NULL;
	struct hits h = { PyList_New(0), limit, 0 };
	if (!h.list)
		return NULL;
	spec.hit = search_hit;
	spec.arg = &h;
	struct kd_error *err = NULL;
	if (phys) {
		err = kd_search_phys(s, start, end, &spec);
	} else {
		struct kd_krange r[KD_MAX_KRANGES];
		size_t n = 0;
		err = kd_kernel_ranges(s, r, KD_MAX_KRANGES, &n);
		for (size_t i = 0; !err && !h.failed && i < n; i++) {
			if ((size_t)PyList_GET_SIZE(h.list) >= limit)
				break;
			if (start >= r[i].end || end <= r[i].start)
				continue;
			struct kd_krange c = r[i];
			c.start = start > c.start ? start : c.start;
			c.end = end < c.end ? end : c.end;
			err = kd_search_krange(s, &c, &spec);
		}
	}
	if (h.failed) {
		kd_error_destroy(err);
		Py_DECREF(h.list);
		return NULL;
	}
	if (err) {
		Py_DECREF(h.list);
		return kdpy_raise(err);
	}
	return h.list;
}

static PyMethodDef kobj_functions[] = {
	{ "task_mm", task_mm, METH_O, "task_mm(task) -> mm (0: none)" },
	{ "vm_areas", vm_areas, METH_O,
	  "vm_areas(mm) -> [{addr, start, end, flags, pgoff, file, path}]" },
	{ "irq_descs", irq_descs, METH_NOARGS,
	  "irq_descs() -> the IRQs that have a descriptor, with their "
	  "actions" },
	{ "irq_cpu_count", irq_cpu_count, METH_VARARGS,
	  "irq_cpu_count(desc, cpu) -> how often cpu took the IRQ" },
	{ "ipc_objects", ipc_objects, METH_VARARGS,
	  "ipc_objects(kind, task=0) -> System V IPC objects of kind "
	  "\"shm\", \"sem\" or \"msg\"" },
	{ "waitq_entries", waitq_entries, METH_O,
	  "waitq_entries(head) -> [{addr, private, func, flags}]" },
	{ "task_signals", task_signals, METH_O,
	  "task_signals(task) -> a task's signal state" },
	{ "disassemble", disassemble, METH_VARARGS,
	  "disassemble(addr, count=1) -> [(addr, length, text)]" },
	{ "swap_infos", swap_infos, METH_NOARGS,
	  "swap_infos() -> the swap areas in use" },
	{ "search_memory", (PyCFunction)(void (*)(void))search_memory,
	  METH_VARARGS | METH_KEYWORDS,
	  "search_memory(values, start=0, end=2**64-1, size=8, mask=0, "
	  "space=\"kernel\", limit=10000) -> [(addr, value index)]" },
	{ NULL, NULL, 0, NULL },
};

int kdpy_kobj_init(PyObject *m)
{
	return PyModule_AddFunctions(m, kobj_functions);
}
