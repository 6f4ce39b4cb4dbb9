# SPDX-License-Identifier: GPL-2.0-or-later
"""Reading C data from the dump (PyKdump's lowlevel.py): the objects
readers return (StructResult, tPtr, SmartString, tEnum ...) and the
pseudo-attribute machinery (structSetAttr, AttrSetter).  Used by
highlevel.py; programs get these through API.

The readers are built once per C type by the C extension (one
crash.TypeReader per type, members resolved lazily); StructResult and
tPtr are C types, so `s.field` costs a dict lookup and a memory read.
SmartString, tEnum and the flexible-array int are small Python classes the
C readers instantiate.
"""

from . import _crash
from .datatypes import (TypeInfo, VarInfo, PseudoVarInfo, SUInfo,  # noqa: F401
                        ArtStructInfo, EnumInfo, TYPE_CODE_SU, type_length,
                        enum_info_of_reader)
from .Generic import registerModuleAttr

registerModuleAttr("debugDeref", default=0)

StructResult = _crash.StructResult
tPtr = _crash.tPtr
readmem = _crash.readmem
readPtr = _crash.readPtr


def b2str(s):
    """bytes -> str, non-ASCII bytes as backslash escapes."""
    return str(s, "ascii", errors="backslashreplace")


class SmartString(str):
    """A C string: the text up to the first NUL; .ByteArray holds all the
    bytes read, .addr where they are, .ptr the char * they came through
    (0 for char arrays)."""
    __slots__ = ("ByteArray", "addr", "ptr")

    def __new__(cls, s, addr=None, ptr=None):
        if isinstance(s, (bytes, bytearray)):
            text = b2str(bytes(s).split(b"\0", 1)[0])
        else:
            text = str(s)
        o = str.__new__(cls, text)
        o.ByteArray = s
        o.addr = addr
        o.ptr = ptr
        return o

    def __int__(self):
        return self.addr or 0


class tEnum(int):
    """An enum value: an int whose str()/repr() is its enumerator name
    (the number when no enumerator has that value)."""

    def __new__(cls, value, reader=None):
        o = int.__new__(cls, value)
        o.einfo = enum_info_of_reader(reader) if reader is not None else {}
        return o

    def __repr__(self):
        name = self.einfo.getnam(int(self)) if self.einfo else None
        return name if name is not None else int.__repr__(self)

    __str__ = __repr__


class intDimensionlessArray(int):
    """A flexible array (T x[0] or T x[]): the int is its address; x[i]
    reads element i."""

    def __new__(cls, addr, reader):
        o = int.__new__(cls, addr)
        o.reader = reader
        o.elem = reader.target
        return o

    def __getitem__(self, i):
        return self.elem.read(int(self) + i * self.elem.size)


tPtrDimensionlessArray = intDimensionlessArray

_crash._set_classes(SmartString, tEnum, intDimensionlessArray)


def mem2long(s, signed=0, array=0):
    """bytes -> int (little-endian); a list of `array` ints when array > 1
    (the bytes split evenly)."""
    if array > 1:
        n = len(s) // array
        return [int.from_bytes(s[i * n:(i + 1) * n], "little",
                               signed=bool(signed)) for i in range(array)]
    return int.from_bytes(s, "little", signed=bool(signed))


def readIntN(addr, n):
    """An unsigned n-byte integer at addr."""
    return {1: _crash.readU8, 2: _crash.readU16, 4: _crash.readU32,
            8: _crash.readU64}[n](addr)


def FD_ISSET(n, fds):
    """Bit n of an fd_set read as bytes or an int."""
    if isinstance(fds, (bytes, bytearray)):
        return (fds[n // 8] >> (n % 8)) & 1
    return (int(fds) >> n) & 1


def Addr(obj, field=None):
    """The address of a struct (or of one of its fields)."""
    if field is not None:
        return int(obj) + obj.fieldOffset(field)
    if isinstance(obj, SmartString):
        return obj.addr
    return int(obj)


def Deref(obj):
    """What a pointer points to."""
    if isinstance(obj, tPtr):
        return obj.Deref
    if isinstance(obj, StructResult):
        return obj
    raise TypeError("Deref: {!r} is not a typed pointer".format(obj))


# ------------------------------------------------- StructResult methods

def parseDerefString(path):
    """"a.b->c" -> ["a", "b", "c"]."""
    return [p for p in path.replace("->", ".").split(".") if p]


def _eval(obj, chain):
    for part in chain:
        idx = None
        if part.endswith("]") and "[" in part:
            part, _, rest = part.partition("[")
            idx = int(rest[:-1], 0)
        obj = getattr(obj, part)
        if idx is not None:
            obj = obj[idx]
    return obj


def _sr_Eval(self, path):
    """s.Eval("a.b.c"): follow a chain of members."""
    return _eval(self, parseDerefString(path))


def _sr_Dump(self, indent=0):
    """Print every member, like crash's struct command (roughly)."""
    pad = " " * indent
    print(pad + "{} {{".format(self))
    for name in SUInfo(self.PYT_symbol).PYT_body:
        try:
            v = getattr(self, name)
        except _crash.error as e:
            v = "<{}>".format(e)
        if isinstance(v, int) and not isinstance(v, (StructResult, tEnum)):
            v = hex(v) if v > 0xffff else v
        print(pad + "  {} = {},".format(name, v))
    print(pad + "}")


def _sr_getDeref(self):
    return self


def _sr_GDBStr(self):
    return "{} 0x{:x}".format(self.PYT_symbol, int(self))


_crash._struct_methods.update({
    "Eval": _sr_Eval, "Dump": _sr_Dump, "getDeref": _sr_getDeref,
    "GDBStr": _sr_GDBStr,
    "PYT_sinfo": property(lambda self: SUInfo(self.PYT_symbol)),
})


# ------------------------------------------------------ pseudo-members

def _through(r):
    """A pointer to a struct or an array of fixed size leads on to its
    target in a member chain."""
    if r.kind == _crash.RK_PTR:
        return r.target.kind == _crash.RK_STRUCT
    return r.kind == _crash.RK_ARRAY and r.count > 0


def _chain_exists(reader, chain):
    """True when the member chain exists in the type (through embedded
    structs, pointers to structs and arrays)."""
    r = reader
    for part in chain:
        part = part.partition("[")[0]
        while _through(r):
            r = r.target
        if r.kind != _crash.RK_STRUCT:
            return False
        m = r.member(part)
        if m is None:
            return False
        r = m[3]
    return True


def structSetAttr(sname, aname, estrings, sextra=[]):
    """Give struct sname a pseudo-member aname: the first of estrings (one
    string or a list of member chains "a.b.c") that exists in this
    kernel.  Returns True when one did, False otherwise."""
    if isinstance(estrings, str):
        estrings = [estrings]
    snames = [sname] + list(sextra)
    ok = False
    for sn in snames:
        try:
            r = _crash.type_reader(sn)
        except KeyError:
            continue
        for e in estrings:
            chain = parseDerefString(e)
            if _chain_exists(r, chain):
                r.set_pseudo(aname, lambda s, c=chain: _eval(s, c))
                ok = True
                break
    return ok


def structSetProcAttr(sname, aname, meth):
    """s.aname calls meth(s) for every struct sname."""
    _crash.type_reader(sname).set_pseudo(aname, meth)
    return True


class AttrSetter(object):
    """AttrSetter("struct a", "struct b").alias = ["x.y", "z"]: set the
    pseudo-member on each of the structs (first chain that exists)."""

    def __init__(self, *snames):
        object.__setattr__(self, "snames", snames)

    def __setattr__(self, aname, estrings):
        for sn in self.snames:
            structSetAttr(sn, aname, estrings)


class PseudoAttr(object):
    """A descriptor-like holder for a member chain (original API)."""

    def __init__(self, fi, chain):
        self.fi = fi
        self.chain = parseDerefString(chain)

    def __get__(self, obj, objtype=None):
        return _eval(obj, self.chain)


class PseudoAttrProc(object):
    def __init__(self, proc):
        self.proc = proc

    def __get__(self, obj, objtype=None):
        return self.proc(obj)


def pseudoAttrEvaluator(obj, chain):
    return _eval(obj, parseDerefString(chain))


def printObject(obj):
    """Print an object's attributes (debugging aid)."""
    if isinstance(obj, StructResult):
        obj.Dump()
    else:
        print(repr(obj))


def ti_intReader(ti, bitoffset=None, bitsize=None):
    return lambda addr: _crash.type_reader(ti.stype).read(addr)


ti_boolReader = ti_enumReader = suReader = ptrReader = ti_intReader


def newDereferencer(obj):
    return lambda: Deref(obj)


def __getattr__(name):
    if name == "pointersize":
        _crash._needs_dump("lowlevel.pointersize")
        return _crash._machine()["ptr_size"]
    raise AttributeError("module {!r} has no attribute {!r}".format(
        __name__, name))
