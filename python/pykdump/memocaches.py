# SPDX-License-Identifier: GPL-2.0-or-later
"""Memoization with invalidation rules (PyKdump's memocaches.py).

Cached results carry flags saying when they must be dropped:

  CU_LIVE     time-varying: never cached on a live kernel
  CU_LOAD     depends on debuginfo: dropped when module debuginfo is
              loaded or unloaded (and by purge_typeinfo)
  CU_PYMOD    holds objects of Python modules: dropped on --reload
  CU_TIMEOUT  dropped when the command timeout is raised (--timeout)

memoize_cond(flags) caches a function's results under those flags;
memoize_typeinfo caches per type name (the first argument) so that
purge_typeinfo(name) drops what was derived from one type.

The Python objects live in the dicts here; the C engine's memocache
decides: every purge, from Python (purge_memoize_cache, purge_typeinfo)
or from C (loading module debuginfo), goes through it and comes back to
_on_purge below, so the C caches (types, readers, command outputs) and
these never disagree.  Whether CU_LIVE data may be kept comes from C too.
"""

import functools
import sys

from . import _crash
from .Generic import registerModuleAttr

registerModuleAttr("debugMemoize", default=0)

CU_LIVE = _crash.CU_LIVE              # 1: update on live
CU_LOAD = _crash.CU_LOAD              # 2: update on module debuginfo load
CU_PYMOD = _crash.CU_PYMOD            # 4: update on Python modules reload
CU_TIMEOUT = _crash.CU_TIMEOUT        # 8: update on timeout change

# Set by programs that know better (and by the original's API); the C
# memocache's own live flag is always honoured too.
livedump = False

# memoize_cond: (flags, module, qualname) + args [+ sorted kwargs] -> value
_memoize_cache = {}
# memoize_typeinfo & co.: (type name, function name) + args -> value
_typeinfo_cache = {}


def _may_cache(flags):
    if flags & CU_LIVE and livedump:
        return False
    return _crash.memo_may_cache(flags)


# Other modules' caches of what describes the dump's types (lowlevel's
# compiled pseudo-members): called with (flags, type_name) on each purge.
purge_listeners = []


def _on_purge(flags, type_name):
    """Called by the C memocache for every purge that concerns us."""
    for fn in purge_listeners:
        fn(flags, type_name)
    if type_name is None:
        for k in [k for k in _memoize_cache if k[0] & flags]:
            if debugMemoize > 1:  # noqa: F821 (registerModuleAttr)
                print("Purging cache entry", k)
            del _memoize_cache[k]
        if flags & CU_LOAD:
            _typeinfo_cache.clear()
            _crash._readers_clear()
        return
    # One type: what was derived from it (untagged CU_LOAD results stay,
    # as the C store keeps its untagged entries).
    for k in [k for k in _typeinfo_cache if k[0] == type_name]:
        del _typeinfo_cache[k]


_crash.set_purge_hook(_on_purge)


def memoize_cond(condition):
    """Cache fn's results per arguments, dropped by the rules of the
    CU_* flags in `condition`.  Call with MEMOIZE=False to bypass.

    As in the original, each call records its MEMOIZE argument in the
    wrapper's attribute `__memoize` (a plain attribute name: functions
    are not mangled), so fn can pass it on to what it memoizes itself
    (LinuxDump's exec_bt reads exec_bt.__memoize)."""
    def deco(fn):
        ident = (condition, getattr(fn, "__module__", None),
                 getattr(fn, "__qualname__", None) or
                 getattr(fn, "__name__", None) or id(fn))

        def newfunc(*args, **kwargs):
            memoize = kwargs.pop("MEMOIZE", True)
            setattr(newfunc, "__memoize", memoize)
            if not memoize or not _may_cache(condition):
                if debugMemoize > 2:  # noqa: F821
                    print("do not memoize", ident, args)
                return fn(*args, **kwargs)
            key = ident + args
            if kwargs:
                key += (tuple(sorted(kwargs.items())),)
            try:
                return _memoize_cache[key]
            except KeyError:
                pass
            except TypeError:            # unhashable arguments
                return fn(*args, **kwargs)
            if debugMemoize > 1:  # noqa: F821
                print("Memoizing", key)
            val = fn(*args, **kwargs)
            _memoize_cache[key] = val
            return val
        newfunc = functools.wraps(fn)(newfunc)
        setattr(newfunc, "__memoize", True)
        return newfunc
    return deco


def memoize_typeinfo(fn):
    """Cache fn(typename, ...) per arguments; purge_typeinfo(typename)
    drops the results for that type, module debuginfo loads drop all."""
    name = getattr(fn, "__name__", None) or id(fn)

    @functools.wraps(fn)
    def newfunc(*args, **kwargs):
        key = (args[0], name) + args[1:]
        try:
            return _typeinfo_cache[key]
        except KeyError:
            pass
        except TypeError:
            return fn(*args, **kwargs)
        val = fn(*args, **kwargs)
        _typeinfo_cache[key] = val
        return val
    return newfunc


def purge_typeinfo(sn=None):
    """Drop what is known about type sn, or about every type (and every
    other debuginfo-derived cache) when sn is None."""
    _crash.purge_type(sn)


def purge_memoize_cache(flags):
    """Drop every cached result, C or Python, flagged with one of flags."""
    _crash.purge(flags)


def print_memoize_cache():
    for k, v in list(_memoize_cache.items()):
        try:
            print(k, v)
        except Exception as val:
            print("\n\t", val, "key=", k)


class MemoizeTI(type):
    """Metaclass: instances memoized by their first constructor argument
    (a type name), kept with the typeinfo caches.  The instance is cached
    before its __init__ runs, so that what __init__ calls may ask for it
    (an SUInfo compiling its pseudo-members' chains looks at itself)."""

    def __call__(cls, *args):
        key = (args[0], cls)
        try:
            return _typeinfo_cache[key]
        except KeyError:
            pass
        rc = cls.__new__(cls, *args)
        _typeinfo_cache[key] = rc
        try:
            rc.__init__(*args)
        except BaseException:
            _typeinfo_cache.pop(key, None)
            raise
        return rc


class MemoizeSU(MemoizeTI):
    """The same for struct/union info classes (SUInfo)."""

    @staticmethod
    def purgecache(sn=None):
        purge_typeinfo(sn)


# PY_select("expr1", "expr2", ...): the value of the first expression that
# evaluates without a lookup error, in the caller's namespace.  Which one
# worked is remembered per call site, so the others are not tried again.
_PY_select_cache = {}


def PY_select(*expr):
    frame = sys._getframe(1)
    outglobals, outlocals = frame.f_globals, frame.f_locals
    key = ((frame.f_code.co_filename, frame.f_lineno), expr)
    hit = _PY_select_cache.get(key)
    if hit is not None:
        return eval(hit[0], outglobals, outlocals)
    for e in expr:
        code = compile(e, "<PY_select>", "eval")
        try:
            val = eval(code, outglobals, outlocals)
        except (KeyError, NameError, TypeError, AttributeError):
            continue
        _PY_select_cache[key] = (code, e)
        return val
    return None


def PY_select_stats():
    for k, v in sorted(_PY_select_cache.items(), key=lambda kv: kv[0][0]):
        print("{} -> {}".format(k[0], v[1]))


def PY_select_purge():
    _PY_select_cache.clear()
