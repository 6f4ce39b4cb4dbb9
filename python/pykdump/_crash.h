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
 *      take the name from _crash instead of _pending.
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

struct kd_session;
struct kd_memocache;

/* The version of this C module (crash.version); pykdump/__init__.py
 * refuses to run with one older than it needs. */
#define KDPY_VERSION PYKDUMP_VERSION

/* For METH_VARARGS | METH_KEYWORDS entries of a PyMethodDef table. */
#define KDPY_KWFUNC(f) ((PyCFunction)(void (*)(void))(f))

/* ---- parts, set up in this order by PyInit__crash ---- */
int kdpy_error_init(PyObject *m);	/* _crash_error.c: exceptions */
int kdpy_consts_init(PyObject *m);	/* _crash_consts.c: KVADDR, TYPE_CODE_* */
int kdpy_session_init(PyObject *m);	/* _crash_session.c: the open dump */
int kdpy_log_init(PyObject *m);		/* _crash_log.c: problem log */
int kdpy_memocache_init(PyObject *m);	/* _crash_memocache.c: caches */
int kdpy_tparser_init(PyObject *m);	/* _crash_tparser.c: CDefine/CEnum */
int kdpy_asciiart_init(PyObject *m);	/* _crash_asciiart.c: Misc trees */

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
/* Make s (NULL: none) the session the API works on.  The caller keeps
 * ownership; the Python caches are emptied (they describe the previous
 * dump).  For pykdump.open() and the shell's epython. */
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

#endif /* PYKDUMP_CRASH_H */
