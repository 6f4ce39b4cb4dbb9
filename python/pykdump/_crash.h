/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pykdump._crash (importable as `crash`): the C extension of the PyKdump
 * API.  Internal header shared by its C files.
 *
 * Layout: one Python type, or one topic of module functions, per C file;
 * each file exports one `kdpy_<part>_init(module)` that adds its types,
 * functions and constants to the module, and _crash.c lists the parts in
 * the order they are set up.  To add a type (StructResult, tPtr,
 * SmartString, tEnum ...):
 *   1. python/pykdump/_crash_<name>.c with its PyTypeObject and
 *      kdpy_<name>_init(), which adds it with kdpy_add_type();
 *   2. declare kdpy_<name>_init() below and list it in parts[] in _crash.c;
 *   3. add the file to crash_sources in python/pykdump/meson.build;
 *   4. in the Python module that owned the placeholder (lowlevel.py ...),
 *      take the name from _crash.
 * Errors from the library (struct kd_error *) become Python exceptions
 * only through kdpy_raise() (the code -> exception table is in
 * _crash_error.c); functions that need a dump get it from
 * kdpy_require_session().
 *
 * The module is single-phase and keeps its state in file-scope statics:
 * one interpreter per process, as in the original.
 */
#ifndef PYKDUMP_CRASH_H
#define PYKDUMP_CRASH_H

#include <Python.h>

#include <pykdump/error.h>
#include <pykdump/readers.h>

struct kd_session;
struct kd_memocache;

/* The version of this C module (crash.version); pykdump/__init__.py
 * refuses to run with one older than it needs. */
#define KDPY_VERSION PYKDUMP_VERSION

/* For METH_VARARGS | METH_KEYWORDS entries of a PyMethodDef table. */
#define KDPY_KWFUNC(f) ((PyCFunction)(void (*)(void))(f))
/* For METH_FASTCALL entries. */
#define KDPY_FASTFUNC(f) ((PyCFunction)(void (*)(void))(f))

/* ---- parts, set up in this order by PyInit__crash ---- */
int kdpy_error_init(PyObject *m);	/* _crash_error.c: exceptions */
int kdpy_consts_init(PyObject *m);	/* _crash_consts.c: KVADDR, TYPE_CODE_* */
int kdpy_session_init(PyObject *m);	/* _crash_session.c: the open dump */
int kdpy_log_init(PyObject *m);		/* _crash_log.c: problem log */
int kdpy_memocache_init(PyObject *m);	/* _crash_memocache.c: caches */
int kdpy_tparser_init(PyObject *m);	/* _crash_tparser.c: CDefine/CEnum */
int kdpy_asciiart_init(PyObject *m);	/* _crash_asciiart.c: Misc trees */
int kdpy_reader_init(PyObject *m);	/* _crash_reader.c: per-type readers */
int kdpy_value_init(PyObject *m);	/* _crash_value.c: values as objects */
int kdpy_struct_init(PyObject *m);	/* _crash_struct.c: StructResult */
int kdpy_tptr_init(PyObject *m);	/* _crash_tptr.c: tPtr */
int kdpy_mem_init(PyObject *m);		/* _crash_mem.c: memory, symbols, lists */
int kdpy_vm_init(PyObject *m);		/* _crash_vm.c: uvtop, get_pathname */
int kdpy_kobj_init(PyObject *m);	/* _crash_kobj.c: vm areas, irqs, ipc,
					   wait queues, signals, disassembly */
int kdpy_kmem_init(PyObject *m);	/* _crash_kmem.c: slab, pages, zones */
int kdpy_exec_init(PyObject *m);	/* _crash_exec.c: built-in commands */
int kdpy_kernel_init(PyObject *m);	/* _crash_kernel.c: uptime, task mem */
int kdpy_diag_init(PyObject *m);	/* _crash_diag.c: triage's facts */

/* ---- errors (_crash_error.c) ---- */

/* crash.error, the base of every exception the module raises. */
extern PyObject *kdpy_Error;
/* crash.NoDumpError: a function that needs an open dump was called
 * without one. */
extern PyObject *kdpy_NoDumpError;

/* Set the Python exception for err and destroy err.  Returns NULL so a
 * caller can `return kdpy_raise(err);`.  err must not be NULL. */
PyObject *kdpy_raise(struct kd_error *err);
/* The same with an explicit exception class (a call site that must raise
 * e.g. TypeError for a missing symbol, as the original does); the
 * exception still carries .code, .addr and .errno. */
PyObject *kdpy_raise_as(struct kd_error *err, PyObject *exc_type);

/* ---- the open dump (_crash_session.c) ---- */

/* The session the API works on, or NULL. */
struct kd_session *kdpy_session(void);
/* Its handle (borrowed; NULL when none): a reader keeps a reference to
 * the handle current when it was built, so what it points into (types)
 * outlives pykdump.close() and the next pykdump.open(). */
PyObject *kdpy_session_ref(void);
/* Make s (NULL: none) the session the API works on.  The caller keeps
 * ownership and keeps s open while the module or any object read from it
 * may use it (the shell: until after kd_cli_epython_fini); the Python
 * caches are emptied (they describe the previous dump).  For the shell's
 * epython (pykdump.open() hands its own sessions over to the handle). */
int kdpy_session_set(struct kd_session *s);
/* The session, or NULL with crash.NoDumpError set: "<what> needs an open
 * dump ...". */
struct kd_session *kdpy_require_session(const char *what);

/* ---- caches (_crash_memocache.c) ---- */

/* The memocache Python-side caches are registered with: the session's
 * once sessions own one, until then the module's own.  Never NULL after
 * kdpy_memocache_init(). */
struct kd_memocache *kdpy_memocache(void);
/* Move the Python caches' registration to mc (a new session's), purging
 * everything they hold: their contents describe another dump.  NULL goes
 * back to the module's own memocache. */
int kdpy_memocache_attach(struct kd_memocache *mc);

/* ---- small helpers (_crash.c) ---- */

/* Ready a static type and add it to the module under its tp_name's last
 * component (the usual body of a type file's kdpy_<name>_init()). */
int kdpy_add_type(PyObject *m, PyTypeObject *type);

/* Capture what print_fn writes to a FILE * as a str.  print_fn returns a
 * kd_error (NULL on success); on error the exception is set and NULL
 * returned. */
typedef struct kd_error *kdpy_print_fn(FILE *out, void *arg);
PyObject *kdpy_capture(kdpy_print_fn *print_fn, void *arg);

/* crash.NotFoundError (KeyError and AttributeError): a missing member. */
PyObject *kdpy_not_found(const char *fmt, ...);

/* ---- int subclasses with C data (_crash.c) ----
 * StructResult and tPtr are ints (the address) carrying a pointer to
 * their type's reader.  CPython ints are variable-size, so a C subclass
 * cannot simply append fields; ours reserve room for the digits of any
 * 64-bit value (3 digits of 30 bits) and keep their data at a fixed offset
 * after that.  kdpy_intsub_ready() sizes the type before PyType_Ready. */
struct kdpy_reader;
struct kdpy_structbuf;
struct kdpy_intsub_data {
	struct kdpy_reader *r;	/* owned reference */
	struct kdpy_structbuf *buf;	/* StructResult: bytes read, or NULL */
	uint64_t value;			/* the int's value, as a C integer
					 * (every member read needs it) */
	uint32_t reads;			/* StructResult: member reads (to 1) */
};
int kdpy_intsub_ready(PyTypeObject *type);
/* Where the data sits in an instance (set by kdpy_intsub_ready). */
extern Py_ssize_t kdpy_intsub_offset;
static inline struct kdpy_intsub_data *kdpy_intsub_data(PyObject *o)
{
	return (struct kdpy_intsub_data *)((char *)o + kdpy_intsub_offset);
}
/* A new instance of type with value v and reader r (a new reference to
 * r is taken). */
PyObject *kdpy_intsub_new(PyTypeObject *type, uint64_t v,
			  struct kdpy_reader *r);
void kdpy_intsub_dealloc(PyObject *o);

/* ---- readers (_crash_reader.c) ---- */

/* One per C type (interned by struct kd_type *), built on first use: the
 * library's descriptor of a value of that type (kd_rmember_of_type: its
 * kind, size, signedness, array dimensions) and, for structs and unions,
 * the library's member table with the members resolved so far.  What a
 * value becomes in Python follows from desc.kind (_crash_value.c). */
typedef struct kdpy_reader {
	PyObject_HEAD
	struct kd_rmember desc;		/* desc.type: the type as declared */
	struct kd_reader *su;		/* KD_RK_STRUCT: the library's member
					 * table (filled lazily, lives as long
					 * as the session) */
	struct kdpy_reader *target;	/* pointers: pointee; arrays: element
					 * (filled lazily, may stay NULL) */
	PyObject *fields;		/* STRUCT: dict name -> field, pseudo or None */
	PyObject *name;			/* str: "struct task_struct", "int *" */
	PyObject *enuminfo;		/* ENUM: for tEnum, set lazily */
	PyObject *session;		/* the session handle type points into
					 * (NULL: the void reader) */
	/* CHARARRAY, CHARPTR: 1 when the characters are plain `char`
	 * (read as a string, SmartString), 0 for unsigned/signed char and
	 * typedefs of them (u8 ...: a list of ints, a tPtr), as the
	 * original API decided by the element's type name */
	uint8_t text;
} kdpy_reader;

/* A struct member: the library's descriptor (in the member table of the
 * struct's library reader) and the reader of the member's type. */
typedef struct kdpy_field {
	PyObject_HEAD
	const struct kd_rmember *m;
	uint64_t nbytes;		/* bytes from m->offset decoding it
					 * looks at (0: none, the value is its
					 * address) */
	kdpy_reader *r;
	PyObject *session;		/* the handle of the session that owns
					 * the member table m points into */
} kdpy_field;

extern PyTypeObject kdpy_reader_type;
extern PyTypeObject kdpy_field_type;

/* 0 when r belongs to the session the API works on; else -1 with
 * crash.NoDumpError: the object was read from a dump that has since been
 * closed or replaced.  Every use of a reader that reads the dump or makes
 * further readers checks this first. */
int kdpy_reader_check(const kdpy_reader *r);
/* The same for a field: its member table is of the open session. */
int kdpy_field_check(const kdpy_field *f);
/* Borrowed references, valid while the session and caches last. */
kdpy_reader *kdpy_reader_for_type(struct kd_type *t);
kdpy_reader *kdpy_reader_for_name(const char *name);
/* The reader of what r points to or holds (lazily), or NULL with an
 * exception (crash.NoDumpError when r's dump is no longer the open one,
 * even once known). */
kdpy_reader *kdpy_reader_target(kdpy_reader *r);
/* The member `name` of a struct/union reader: a field (borrowed), or
 * Py_None when there is none, or a pseudo-attribute callable; NULL with
 * an exception on errors. */
PyObject *kdpy_reader_member(kdpy_reader *r, PyObject *name);
/* Drop every cached reader (session change, module debuginfo loaded). */
void kdpy_readers_clear(void);
/* Changes whenever the readers are dropped: a reader pointer kept by a
 * caller is valid while this stays the same. */
unsigned kdpy_readers_generation(void);

/* ---- values (_crash_value.c): library values as Python objects ---- */

/* The value of r's type at addr, as a Python object. */
PyObject *kdpy_read_value(kdpy_reader *r, uint64_t addr);
/* The value of a member of the struct at addr: decoded from pre, the
 * field's nbytes bytes from its offset, or, when pre is NULL, read from
 * the dump. */
PyObject *kdpy_decode_field(kdpy_field *f, uint64_t addr,
			    const unsigned char *pre);
/* Bytes of the struct a member's value is made from (the field's
 * nbytes). */
uint64_t kdpy_value_bytes(const struct kd_rmember *m);
/* Python classes the values are built with (set by lowlevel.py);
 * TypeInfo(reader) describes a type as the original did (tPtr.ptype). */
extern PyObject *kdpy_SmartString, *kdpy_tEnum, *kdpy_ZeroArray;
extern PyObject *kdpy_TypeInfo;

/* ---- memory (_crash_mem.c) ---- */
int kdpy_read(uint64_t addr, void *buf, size_t len);	/* -1 + exception */
int kdpy_read_ptr(uint64_t addr, uint64_t *ret);

/* ---- a StructResult's copy of its struct (_crash_structbuf.c) ---- */

/* The len bytes at off in the struct d describes (at addr), from the
 * object's copy, read now if need be; NULL (no exception) when the caller
 * must read the dump itself: the first member read of an object, a live
 * kernel, a large member, or a window that could not be read. */
const unsigned char *kdpy_structbuf_get(struct kdpy_intsub_data *d,
					uint64_t addr, uint64_t off,
					uint64_t len);
void kdpy_structbuf_free(struct kdpy_intsub_data *d);
/* Forget every copy (another dump is open). */
void kdpy_structbuf_invalidate(void);

extern PyTypeObject kdpy_struct_type;
extern PyTypeObject kdpy_tptr_type;
PyObject *kdpy_struct_new(uint64_t addr, kdpy_reader *r);
PyObject *kdpy_tptr_new(uint64_t addr, kdpy_reader *r);

#endif /* PYKDUMP_CRASH_H */
