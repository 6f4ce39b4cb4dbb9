# SPDX-License-Identifier: GPL-2.0-or-later
"""Generic helpers that do not depend on a dump (PyKdump's Generic.py):
containers (Bunch), lazy attributes (LazyEval), the DCache data cache,
the PyCtl registry of tunable module attributes (registerModuleAttr),
small integer helpers and kernel release comparison (KernelRev).

Pure Python; imports nothing else from pykdump.
"""

import inspect
import sys
from itertools import zip_longest

# Set from API.py (--debug) and vmcorearch (live kernel or dump).
debug = 0
livedump = False

# hex() no longer appends 'L' to long integers; kept as an alias.
hexl = hex


def unsigned16(v):
    return v & 0xffff


def unsigned32(v):
    return v & 0xffffffff


def unsigned64(v):
    return v & 0xffffffffffffffff


class LazyEval(object):
    """A descriptor computing an attribute once: meth(obj) is called on
    first access and its result stored on the object under `name`, so
    later reads are plain attribute reads."""

    def __init__(self, name, meth):
        self.name = name
        self.meth = meth

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        val = self.meth(obj)
        setattr(obj, self.name, val)
        return val


class Bunch(dict):
    """A dict whose keys are also attributes: b["x"] is b.x."""

    def __init__(self, d=None):
        d = {} if d is None else d
        dict.__init__(self, d)
        self.__dict__.update(d)

    def __setattr__(self, name, value):
        dict.__setitem__(self, name, value)
        object.__setattr__(self, name, value)

    def __setitem__(self, name, value):
        dict.__setitem__(self, name, value)
        object.__setattr__(self, name, value)

    def __delitem__(self, name):
        dict.__delitem__(self, name)
        self.__dict__.pop(name, None)

    __delattr__ = __delitem__

    def copy(self):
        return type(self)(dict.copy(self))

    def __str__(self):
        return "\n".join("   {:<12s} {}".format(str(k), self[k])
                         for k in sorted(self.keys(), key=str))


def getCurrentModule(depth=1):
    """The module of the function `depth` frames up the stack (1: the
    caller of getCurrentModule)."""
    frame = sys._getframe(depth)
    return sys.modules[frame.f_globals["__name__"]]


def getFrameLocals(depth=1):
    """The local variables of the frame `depth` frames up the stack."""
    return sys._getframe(depth).f_locals


def formatargs(*args, **kwargs):
    """Format call arguments for printing: "1, 'x' = 2"."""
    out = [str(a) for a in args]
    out.extend("{!r} = {}".format(k, v) for k, v in kwargs.items())
    return ", ".join(out)


class _Bunch(Bunch):
    """DCache's store: a Bunch whose missing attributes read as None."""

    def clear(self):
        for name in list(self.keys()):
            self.__dict__.pop(name, None)
        dict.clear(self)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return None


class DataCache(object):
    """Data kept across program runs (perm) or for one run (tmp, cleared
    before each run by API.enter_epython)."""

    def __init__(self):
        self._tmp = _Bunch()
        self._perm = _Bunch()

    @property
    def tmp(self):
        return self._tmp

    @property
    def perm(self):
        return self._perm

    def cleartmp(self):
        self._tmp.clear()

    def clearperm(self):
        self._perm.clear()

    def __str__(self):
        return "{} in tmp, {} in perm".format(len(self._tmp), len(self._perm))

    def dump(self):
        if len(self.tmp):
            print("   ** DCache.tmp **")
            print(self.tmp)
        if len(self.perm):
            print("   ** DCache.perm **")
            print(self.perm)


DCache = DataCache()


class _Pyctl(object):
    """Registry of named setters (the pyctl program's tunables): each name
    maps to [setter, owner module, registration kwargs, current value]."""

    def __init__(self):
        self._names = {}

    def regfunc(self, name, f, mod=None, **kwargs):
        """Register setter f under name (replacing any), owned by module
        mod (default: the caller's)."""
        if mod is None:
            mod = getCurrentModule(2)
        self._names[name] = [f, mod, dict(kwargs), None]

    def runfn(self, name, *args, **kwargs):
        f = self._names[name][0]
        self.setCurentValue(name, f(*args, **kwargs))

    def Dump(self):
        for name, (f, mod, kwargs, value) in self._names.items():
            print("name={!r} {}\n\tfunc={}, kwargs={!r} value={!r}".format(
                name, mod.__name__, f.__name__, kwargs, value))

    def getDict(self):
        return self._names

    def setCurentValue(self, name, newval):
        self._names[name][3] = newval

    def TypeConv(self, name):
        return self._names[name][2]["type"]


PyCtl = _Pyctl()


def registerObjAttrHandler(o, attrname, pyctlname=None, default=None,
                           **kwargs):
    """Make o.<attrname> settable through PyCtl under pyctlname (default:
    attrname).  The attribute is set to `default`, or keeps its current
    value when default is None."""
    if pyctlname is None:
        pyctlname = attrname

    def setter(value):
        setattr(o, attrname, value)
        return value

    if default is None and hasattr(o, attrname):
        default = getattr(o, attrname)
    kwargs.update(pyctlname=pyctlname, default=default)
    kwargs.setdefault("type", int)
    kwargs.setdefault("help", "")
    owner = o if inspect.ismodule(o) else getCurrentModule(2)
    value = setter(default)
    PyCtl.regfunc(pyctlname, setter, mod=owner, **kwargs)
    PyCtl.setCurentValue(pyctlname, value)


def registerModuleAttr(attrname, pyctlname=None, default=None, help="",
                       type=int):
    """registerObjAttrHandler for an attribute of the calling module."""
    registerObjAttrHandler(getCurrentModule(2), attrname, pyctlname,
                           default, help=help, type=type)


_debugDCache = 0
registerModuleAttr("_debugDCache", "debugDCache")


class TrueOnce(object):
    """True for the first v truth tests, then False:
    twice = TrueOnce(2); [bool(twice) for i in range(3)] == [1, 1, 0]."""

    def __init__(self, v=1):
        self.v = v

    def __bool__(self):
        if self.v > 0:
            self.v -= 1
            return True
        return False


def iterN(seq, N):
    """At most N elements of seq (which may be endless)."""
    it = iter(seq)
    for _ in range(N):
        try:
            yield next(it)
        except StopIteration:
            return


def _is_single_bit(v):
    return v > 0 and (v & (v - 1)) == 0


def dbits2str(flags, d, offset=0):
    """Names of the single-bit values of d set in flags, joined by '|':
    "UP|BROADCAST|RUNNING".  offset strips that many leading characters
    of each name; names of multi-bit values are not considered."""
    return "|".join(name[offset:] for name, val in d.items()
                    if _is_single_bit(val) and flags & val)


def print2columns(left, right):
    """Print two multi-line strings side by side (left 38 wide)."""
    for lt, rt in zip_longest(left.split("\n"), right.split("\n"),
                              fillvalue=""):
        print(lt.ljust(38), rt)


def funcToMethod(func, clas, method_name=None):
    """Add func to clas as a method."""
    setattr(clas, method_name or func.__name__, func)


registerModuleAttr("debugMP_KW", default=0,
                   help="Debug monkey-patching of default keywords")


def _module_callables(mod):
    """Functions defined in mod, and the methods of classes defined there."""
    modname = mod.__name__
    for name in dir(mod):
        o = getattr(mod, name)
        if getattr(o, "__module__", None) != modname:
            continue
        if inspect.isclass(o):
            for mname, m in vars(o).items():
                if isinstance(m, (staticmethod, classmethod)):
                    m = m.__func__
                if inspect.isfunction(m):
                    yield m
        elif inspect.isfunction(o):
            yield o


def patch_default_kw(mod, kname, newval):
    """Change the default of keyword-only argument `kname` to newval in
    every function (and method) of module mod that has one, e.g.
    patch_default_kw(highlevel, "maxel", 20000)."""
    for co in _module_callables(mod):
        kwd = co.__kwdefaults__
        if kwd is None or kname not in kwd:
            continue
        if debugMP_KW:  # noqa: F821 (set by registerModuleAttr)
            print("-- patching  {}  {} -> {}".format(co, kname, newval))
        kwd[kname] = newval


class KernelRev(str):
    """A kernel release that compares as a version with strings:
    KernelRev("5.14.0") >= "5.4" is True.  Up to three numeric components
    count; anything after them ("-56-cloud-amd64") is ignored."""

    def __init__(self, s):
        self.ov = KernelRev.conv(s)

    @staticmethod
    def conv(s):
        a = [0, 0, 0]
        for i, v in enumerate(str(s).split(".")[:3]):
            digits = ""
            for ch in v:
                if not ch.isdigit():
                    break
                digits += ch
            a[i] = int(digits or 0)
            if len(digits) < len(v):
                break
        return a[0] * 100000 + a[1] * 1000 + a[2]

    def __lt__(self, s):
        return self.ov < KernelRev.conv(s)

    def __le__(self, s):
        return self.ov <= KernelRev.conv(s)

    def __gt__(self, s):
        return self.ov > KernelRev.conv(s)

    def __ge__(self, s):
        return self.ov >= KernelRev.conv(s)

    __hash__ = str.__hash__
