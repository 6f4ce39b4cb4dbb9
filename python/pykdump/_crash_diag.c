// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel facts for diagnosing a dump, as plain Python values (ints,
 * strings, tuples, dicts), from the library's kernel and unwind layers:
 * what `pykdump triage` (python/pykdump/triage.py) and any program can
 * build on without parsing command output.
 *
 *   task_table()               every task: tuples (task, pid, ppid,
 *                              tgid, cpu, active, kthread, comm, state,
 *                              mm, rss, total_vm), crash's order
 *   task_state_name(state)     "RU", "IN", "UN" ...
 *   backtrace(task[, max])     dict: pid, cpu, comm, active, panic,
 *                              error, frames [dict: sp, ip, function,
 *                              offset, module, stack, flags, exception,
 *                              regs_addr, regs {name: value}]
 *   task_blocked_on(task, frames)
 *                              which lock the task waits for: dict
 *                              (kind, mode, lock, waiter, how, frame) or
 *                              None; frames: [(sp, function)] innermost
 *                              first (the backtrace's)
 *   lock_state(kind, addr)     dict: locked, owner, reader_owned,
 *                              readers, last_reader, raw_owner,
 *                              raw_count, waiters_flag, waiters
 *                              [(waiter, task, mode)], problem
 *   nr_cpus(), panic_cpu(), panic_task()
 *   rq_info(cpu)               dict: rq, curr, idle, nr_running, clock
 *   task_sched(task)           dict of the scheduler's times (sched.h)
 *   task_since_run(task, cpu)  ns since it last ran (crash's ps -m)
 *   loadavg()                  the three load averages as printed
 *   printk_records()           [(ts_nsec, level, text)], oldest first
 *   panic_message()            crash's PANIC line
 *   taint()                    (mask, letters, [(bit, c_true, c_false,
 *                              module, name)])
 *   module_taints(module)      (taints, sig_ok)
 *   kmodules()                 [dict: addr, name, base, size, regions
 *                              [(base, size)]]
 *   ksym(addr)                 (name, offset, module or None) of the
 *                              symbol at or before addr (vmlinux and
 *                              modules), or None
 *   vmstat(item)               a vmstat counter (pages) or None
 *   crash_date(), uptime_jiffies(), hz()
 *   mm_counters(mm)            dict: file, anon, shmem, swapents,
 *                              pgtables_bytes (pages / bytes)
 */
#include "_crash.h"

#include <pykdump/clock.h>
#include <pykdump/dump.h>
#include <pykdump/kmodules.h>
#include <pykdump/ksyms.h>
#include <pykdump/locks.h>
#include <pykdump/mm.h>
#include <pykdump/panic.h>
#include <pykdump/printk.h>
#include <pykdump/sched.h>
#include <pykdump/tasks.h>
#include <pykdump/unwind.h>

#define U(x) ((unsigned long long)(x))

static const char *const reg_names[KD_NR_X86_64_REGS] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
};

/* A kernel string (comm, names) as str, undecodable bytes replaced. */
static PyObject *text(const char *p)
{
	return PyUnicode_DecodeUTF8(p, (Py_ssize_t)strlen(p), "replace");
}

static struct kd_session *need(const char *what)
{
	return kdpy_require_session(what);
}

static int get_addr(PyObject *arg, uint64_t *ret)
{
	unsigned long long v = PyLong_AsUnsignedLongLongMask(arg);
	if (v == (unsigned long long)-1 && PyErr_Occurred())
		return -1;
	*ret = v;
	return 0;
}

/* ---- tasks ---- */

static PyObject *task_table(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("task_table()");
	if (!s)
		return NULL;
	struct kd_task_table t;
	struct kd_error *err = kd_task_table_collect(s, &t);
	if (err)
		return kdpy_raise(err);
	PyObject *l = PyList_New((Py_ssize_t)t.n);
	for (size_t i = 0; l && i < t.n; i++) {
		const struct kd_task_info *x = &t.v[i];
		PyObject *o = Py_BuildValue("(KiiiiiiNKKKK)", U(x->task), x->pid,
					    x->ppid, x->tgid, x->cpu, x->active,
					    x->kthread, text(x->comm),
					    U(x->state),
					    U(x->mm), U(x->rss),
					    U(x->total_vm));
		if (!o)
			Py_CLEAR(l);
		else
			PyList_SET_ITEM(l, (Py_ssize_t)i, o);
	}
	kd_task_table_free(&t);
	return l;
}

static PyObject *task_state_name(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t st;
	if (get_addr(arg, &st) < 0)
		return NULL;
	return PyUnicode_FromString(kd_task_state_name(st));
}

static PyObject *panic_task(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("panic_task()");
	return s ? PyLong_FromUnsignedLongLong(kd_panic_task(s)) : NULL;
}

static PyObject *panic_cpu(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("panic_cpu()");
	return s ? PyLong_FromLong(kd_panic_cpu(s)) : NULL;
}

static PyObject *nr_cpus(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("nr_cpus()");
	return s ? PyLong_FromLong(kd_task_nr_cpus(s)) : NULL;
}

/* ---- backtraces ---- */

static PyObject *frame_dict(const struct kd_frame *f)
{
	PyObject *regs;
	if (f->flags & KD_FRAME_REGS) {
		regs = PyDict_New();
		for (int i = 0; regs && i < KD_NR_X86_64_REGS; i++) {
			PyObject *v = PyLong_FromUnsignedLongLong(f->regs[i]);
			if (!v || PyDict_SetItemString(regs, reg_names[i], v) < 0)
				Py_CLEAR(regs);
			Py_XDECREF(v);
		}
		if (!regs)
			return NULL;
	} else {
		regs = Py_NewRef(Py_None);
	}
	return Py_BuildValue("{s:K,s:K,s:z,s:K,s:z,s:s,s:I,s:O,s:K,s:N}",
			     "sp", U(f->sp), "ip", U(f->ip), "function",
			     f->function, "offset", U(f->offset), "module",
			     f->module, "stack", f->stack ? f->stack : "",
			     "flags", f->flags, "exception",
			     (f->flags & KD_FRAME_EXCEPTION) ? Py_True
							    : Py_False,
			     "regs_addr", U(f->regs_addr), "regs", regs);
}

static PyObject *backtrace(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long task;
	Py_ssize_t max = 0;
	if (!PyArg_ParseTuple(args, "K|n", &task, &max))
		return NULL;
	struct kd_session *s = need("backtrace()");
	if (!s)
		return NULL;
	struct kd_unwind_options o = { .max_frames = max > 0 ? (size_t)max : 0 };
	struct kd_backtrace *bt;
	struct kd_error *err = kd_unwind_task(s, task, &o, &bt);
	if (err)
		return kdpy_raise(err);
	PyObject *frames = PyList_New((Py_ssize_t)bt->nframes);
	for (size_t i = 0; frames && i < bt->nframes; i++) {
		PyObject *f = frame_dict(&bt->frames[i]);
		if (!f)
			Py_CLEAR(frames);
		else
			PyList_SET_ITEM(frames, (Py_ssize_t)i, f);
	}
	PyObject *d = frames ? Py_BuildValue(
		"{s:K,s:i,s:i,s:i,s:i,s:N,s:z,s:N}", "task", U(bt->task),
		"pid", bt->pid, "cpu", bt->cpu, "active", bt->active,
		"panic", bt->panic, "comm", text(bt->comm), "error", bt->error,
		"frames", frames) : NULL;
	kd_backtrace_destroy(bt);
	return d;
}

/* ---- locks ---- */

static int kind_of(const char *name, enum kd_lock_kind *k)
{
	static const enum kd_lock_kind kinds[] = {
		KD_LOCK_MUTEX, KD_LOCK_RWSEM, KD_LOCK_SEMAPHORE,
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(name, kd_lock_kind_name(kinds[i])) == 0) {
			*k = kinds[i];
			return 0;
		}
	PyErr_Format(PyExc_ValueError, "no lock kind '%s' (mutex, "
		     "rw_semaphore, semaphore)", name);
	return -1;
}

static const char *mode_name(enum kd_lock_mode m)
{
	return m == KD_LOCK_READ ? "read" : "exclusive";
}

static PyObject *task_blocked_on(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long task;
	PyObject *seq;
	if (!PyArg_ParseTuple(args, "KO", &task, &seq))
		return NULL;
	struct kd_session *s = need("task_blocked_on()");
	PyObject *fast = s ? PySequence_Fast(seq, "frames: a sequence of "
					     "(sp, function)") : NULL;
	if (!fast)
		return NULL;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
	struct kd_wait_frame *f = PyMem_Calloc(n ? (size_t)n : 1, sizeof(*f));
	PyObject *res = NULL;
	if (!f) {
		PyErr_NoMemory();
		goto out;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		unsigned long long sp;
		const char *fn;
		if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "Kz",
				      &sp, &fn))
			goto out;
		f[i].sp = sp;
		f[i].function = fn;
	}
	struct kd_blocked_on b;
	struct kd_error *err = kd_task_blocked_on(s, task, f, (size_t)n, &b);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_error_destroy(err);
		res = Py_NewRef(Py_None);
	} else if (err) {
		kdpy_raise(err);
	} else {
		res = Py_BuildValue("{s:s,s:s,s:K,s:K,s:s,s:i}", "kind",
				    kd_lock_kind_name(b.kind), "mode",
				    mode_name(b.mode), "lock", U(b.lock),
				    "waiter", U(b.waiter), "how", b.how,
				    "frame", b.frame);
	}
out:
	PyMem_Free(f);
	Py_DECREF(fast);
	return res;
}

static PyObject *lock_state(PyObject *self, PyObject *args)
{
	(void)self;
	const char *kname;
	unsigned long long addr;
	enum kd_lock_kind kind;
	if (!PyArg_ParseTuple(args, "sK", &kname, &addr) ||
	    kind_of(kname, &kind) < 0)
		return NULL;
	struct kd_session *s = need("lock_state()");
	if (!s)
		return NULL;
	struct kd_lock_state st;
	struct kd_error *err = kd_lock_read(s, kind, addr, &st);
	if (err)
		return kdpy_raise(err);
	PyObject *w = PyList_New((Py_ssize_t)st.nwaiters);
	for (size_t i = 0; w && i < st.nwaiters; i++) {
		PyObject *o = Py_BuildValue("(KKs)", U(st.waiters[i].waiter),
					    U(st.waiters[i].task),
					    mode_name(st.waiters[i].mode));
		if (!o)
			Py_CLEAR(w);
		else
			PyList_SET_ITEM(w, (Py_ssize_t)i, o);
	}
	PyObject *d = w ? Py_BuildValue(
		"{s:s,s:K,s:i,s:K,s:i,s:K,s:K,s:K,s:K,s:i,s:N,s:z}", "kind",
		kname, "addr", U(addr), "locked", st.locked, "owner",
		U(st.owner), "reader_owned", st.reader_owned, "readers",
		U(st.readers), "last_reader", U(st.last_reader), "raw_owner",
		U(st.raw_owner), "raw_count", U(st.raw_count), "waiters_flag",
		st.waiters_flag, "waiters", w, "problem", st.problem) : NULL;
	kd_lock_state_fini(&st);
	return d;
}

/* ---- scheduler ---- */

static PyObject *rq_info(PyObject *self, PyObject *arg)
{
	(void)self;
	long cpu = PyLong_AsLong(arg);
	if (cpu == -1 && PyErr_Occurred())
		return NULL;
	struct kd_session *s = need("rq_info()");
	if (!s)
		return NULL;
	struct kd_rq_info r;
	struct kd_error *err = cpu < 0 || cpu > INT32_MAX ?
		kd_error_create(KD_ERR_INVALID, "no CPU %ld", cpu) :
		kd_rq_info(s, (int)cpu, &r);
	if (err)
		return kdpy_raise(err);
	return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K,s:K}", "rq", U(r.rq),
			     "curr", U(r.curr), "idle", U(r.idle),
			     "nr_running", U(r.nr_running), "clock",
			     U(r.clock), "clock_task", U(r.clock_task));
}

static int put(PyObject *d, const char *k, uint64_t v, int have)
{
	PyObject *o = have ? PyLong_FromUnsignedLongLong(v)
			   : Py_NewRef(Py_None);
	int rc = o ? PyDict_SetItemString(d, k, o) : -1;
	Py_XDECREF(o);
	return rc;
}

static PyObject *task_sched(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t task;
	if (get_addr(arg, &task) < 0)
		return NULL;
	struct kd_session *s = need("task_sched()");
	if (!s)
		return NULL;
	struct kd_task_sched t;
	struct kd_error *err = kd_task_sched_info(s, task, &t);
	if (err)
		return kdpy_raise(err);
	PyObject *d = PyDict_New();
	unsigned h = t.have;
	if (d && (put(d, "last_arrival", t.last_arrival,
		      h & KD_SCHED_LAST_ARRIVAL) ||
		  put(d, "last_queued", t.last_queued,
		      h & KD_SCHED_LAST_ARRIVAL) ||
		  put(d, "last_switch_count", t.last_switch_count,
		      h & KD_SCHED_LAST_SWITCH) ||
		  put(d, "last_switch_time", t.last_switch_time,
		      h & KD_SCHED_LAST_SWITCH) ||
		  put(d, "exec_start", t.exec_start, h & KD_SCHED_EXEC) ||
		  put(d, "sum_exec_runtime", t.sum_exec_runtime,
		      h & KD_SCHED_EXEC) ||
		  put(d, "nvcsw", t.nvcsw, h & KD_SCHED_CSW) ||
		  put(d, "nivcsw", t.nivcsw, h & KD_SCHED_CSW)))
		Py_CLEAR(d);
	return d;
}

static PyObject *task_since_run(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned long long task;
	int cpu;
	if (!PyArg_ParseTuple(args, "Ki", &task, &cpu))
		return NULL;
	struct kd_session *s = need("task_since_run()");
	if (!s)
		return NULL;
	uint64_t ns;
	struct kd_error *err = kd_task_since_run(s, task, cpu, &ns);
	if (err && err->code == KD_ERR_NOT_FOUND) {
		kd_error_destroy(err);
		Py_RETURN_NONE;
	}
	if (err)
		return kdpy_raise(err);
	return PyLong_FromUnsignedLongLong(ns);
}

static PyObject *loadavg(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("loadavg()");
	if (!s)
		return NULL;
	uint64_t v[3];
	char b[3][32];
	if (!kd_loadavg(s, v))
		Py_RETURN_NONE;
	for (int i = 0; i < 3; i++)
		kd_loadavg_format(v[i], b[i], sizeof(b[i]));
	return Py_BuildValue("(sss)", b[0], b[1], b[2]);
}

/* ---- the log, the panic, taints ---- */

static int add_record(void *arg, const struct kd_printk_rec *r)
{
	PyObject *l = arg;
	PyObject *o = Py_BuildValue("(Kis#)", U(r->ts_nsec), r->level,
				    r->dataless ? "" : r->text,
				    (Py_ssize_t)(r->dataless ? 0 : r->len));
	if (!o) {	/* not UTF-8: keep what it says */
		PyErr_Clear();
		PyObject *t = PyUnicode_DecodeUTF8(r->text,
						   (Py_ssize_t)r->len,
						   "replace");
		o = t ? Py_BuildValue("(KiN)", U(r->ts_nsec), r->level, t)
		      : NULL;
	}
	int rc = o ? PyList_Append(l, o) : -1;
	Py_XDECREF(o);
	return rc ? 1 : 0;
}

static PyObject *printk_records(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("printk_records()");
	PyObject *l = s ? PyList_New(0) : NULL;
	if (!l)
		return NULL;
	struct kd_error *err = kd_printk_walk(s, add_record, l);
	if (PyErr_Occurred()) {
		kd_error_destroy(err);
		Py_DECREF(l);
		return NULL;
	}
	if (err) {
		Py_DECREF(l);
		return kdpy_raise(err);
	}
	return l;
}

static PyObject *panic_message(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("panic_message()");
	if (!s)
		return NULL;
	char *m;
	struct kd_error *err = kd_panic_message(s, &m);
	if (err)
		return kdpy_raise(err);
	PyObject *o = PyUnicode_DecodeUTF8(m, (Py_ssize_t)strlen(m),
					   "replace");
	free(m);
	return o;
}

static PyObject *taint(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("taint()");
	if (!s)
		return NULL;
	uint64_t mask = 0;
	char letters[KD_TAINT_MAX + 1];
	struct kd_taint_flag f[KD_TAINT_MAX];
	size_t n;
	if (!kd_taint_mask(s, &mask))
		Py_RETURN_NONE;
	kd_taint_letters(s, mask, letters, sizeof(letters));
	kd_taint_flags(s, f, &n);
	PyObject *l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l && i < n; i++) {
		PyObject *o = Py_BuildValue("(iCCis)", f[i].bit,
					    (int)(unsigned char)f[i].c_true,
					    (int)(unsigned char)f[i].c_false,
					    f[i].module, f[i].name);
		if (!o)
			Py_CLEAR(l);
		else
			PyList_SET_ITEM(l, (Py_ssize_t)i, o);
	}
	return l ? Py_BuildValue("(KsN)", U(mask), letters, l) : NULL;
}

static PyObject *module_taints(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t mod, taints;
	int sig_ok;
	if (get_addr(arg, &mod) < 0)
		return NULL;
	struct kd_session *s = need("module_taints()");
	if (!s)
		return NULL;
	struct kd_error *err = kd_kmodule_taints(s, mod, &taints, &sig_ok);
	if (err)
		return kdpy_raise(err);
	return Py_BuildValue("(Ki)", U(taints), sig_ok);
}

static PyObject *kmodules(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("kmodules()");
	if (!s)
		return NULL;
	const struct kd_kmodule *m;
	size_t n;
	struct kd_error *err = kd_kmodules_get(s, &m, &n, NULL);
	if (err)
		return kdpy_raise(err);
	PyObject *l = PyList_New((Py_ssize_t)n);
	for (size_t i = 0; l && i < n; i++) {
		PyObject *r = PyList_New(0);
		for (int k = 0; r && k < m[i].nregion; k++) {
			PyObject *t = Py_BuildValue("(KK)",
						    U(m[i].region[k].base),
						    U(m[i].region[k].size));
			if (!t || PyList_Append(r, t) < 0)
				Py_CLEAR(r);
			Py_XDECREF(t);
		}
		PyObject *o = r ? Py_BuildValue("{s:K,s:s,s:K,s:K,s:K,s:N}",
					    "addr", U(m[i].addr), "name",
					    m[i].name, "base", U(m[i].base),
					    "size", U(m[i].size), "text_size",
					    U(m[i].text_size), "regions", r)
				: NULL;
		if (!o)
			Py_CLEAR(l);
		else
			PyList_SET_ITEM(l, (Py_ssize_t)i, o);
	}
	return l;
}

static PyObject *ksym(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t addr, off;
	if (get_addr(arg, &addr) < 0)
		return NULL;
	struct kd_session *s = need("ksym()");
	if (!s)
		return NULL;
	struct kd_ksym k;
	if (!kd_ksym_by_addr(s, addr, &k, &off))
		Py_RETURN_NONE;
	return Py_BuildValue("(NKz)", text(k.name), U(off), k.module);
}

/* ---- memory, clocks ---- */

static PyObject *vmstat(PyObject *self, PyObject *arg)
{
	(void)self;
	const char *item = PyUnicode_AsUTF8(arg);
	if (!item)
		return NULL;
	struct kd_session *s = need("vmstat()");
	if (!s)
		return NULL;
	uint64_t v;
	if (!kd_vmstat(s, item, &v))
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(v);
}

static PyObject *mm_counters(PyObject *self, PyObject *arg)
{
	(void)self;
	uint64_t mm;
	if (get_addr(arg, &mm) < 0)
		return NULL;
	struct kd_session *s = need("mm_counters()");
	if (!s)
		return NULL;
	struct kd_mm_counters c;
	struct kd_error *err = kd_mm_counters_read(s, mm, &c);
	if (err)
		return kdpy_raise(err);
	return Py_BuildValue("{s:L,s:L,s:L,s:L,s:K}", "file", c.file, "anon",
			     c.anon, "shmem", c.shmem, "swapents",
			     c.swapents, "pgtables_bytes",
			     U(c.pgtables_bytes));
}

static PyObject *crash_date(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("crash_date()");
	return s ? PyLong_FromLongLong(kd_crash_date(s)) : NULL;
}

static PyObject *uptime_jiffies(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("uptime_jiffies()");
	uint64_t j;
	if (!s)
		return NULL;
	if (!kd_uptime_jiffies(s, &j))
		Py_RETURN_NONE;
	return PyLong_FromUnsignedLongLong(j);
}

static PyObject *hz(PyObject *self, PyObject *noargs)
{
	(void)self;
	(void)noargs;
	struct kd_session *s = need("hz()");
	return s ? PyLong_FromLong(kd_hz(s)) : NULL;
}

static PyMethodDef diag_functions[] = {
	{ "task_table", task_table, METH_NOARGS, NULL },
	{ "task_state_name", task_state_name, METH_O, NULL },
	{ "panic_task", panic_task, METH_NOARGS, NULL },
	{ "panic_cpu", panic_cpu, METH_NOARGS, NULL },
	{ "nr_cpus", nr_cpus, METH_NOARGS, NULL },
	{ "backtrace", backtrace, METH_VARARGS, NULL },
	{ "task_blocked_on", task_blocked_on, METH_VARARGS, NULL },
	{ "lock_state", lock_state, METH_VARARGS, NULL },
	{ "rq_info", rq_info, METH_O, NULL },
	{ "task_sched", task_sched, METH_O, NULL },
	{ "task_since_run", task_since_run, METH_VARARGS, NULL },
	{ "loadavg", loadavg, METH_NOARGS, NULL },
	{ "printk_records", printk_records, METH_NOARGS, NULL },
	{ "panic_message", panic_message, METH_NOARGS, NULL },
	{ "taint", taint, METH_NOARGS, NULL },
	{ "module_taints", module_taints, METH_O, NULL },
	{ "kmodules", kmodules, METH_NOARGS, NULL },
	{ "ksym", ksym, METH_O, NULL },
	{ "vmstat", vmstat, METH_O, NULL },
	{ "mm_counters", mm_counters, METH_O, NULL },
	{ "crash_date", crash_date, METH_NOARGS, NULL },
	{ "uptime_jiffies", uptime_jiffies, METH_NOARGS, NULL },
	{ "hz", hz, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

int kdpy_diag_init(PyObject *m)
{
	return PyModule_AddFunctions(m, diag_functions);
}
