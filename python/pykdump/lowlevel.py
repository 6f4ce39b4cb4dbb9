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

import weakref

from . import _crash
from .datatypes import (TypeInfo, VarInfo, PseudoVarInfo, SUInfo,  # noqa: F401
                        ArtStructInfo, EnumInfo, TYPE_CODE_SU, TYPE_CODE_PTR,
                        type_length, enum_info_of_reader, add_pseudo_member)
from .Generic import registerModuleAttr
from . import memocaches
from .memocaches import CU_LOAD

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

_crash._set_classes(SmartString, tEnum, intDimensionlessArray, TypeInfo)

mem2long = _crash.mem2long

_READ_U = {1: _crash.readU8, 2: _crash.readU16, 4: _crash.readU32,
           8: _crash.readU64}
_READ_S = {1: _crash.readS8, 2: _crash.readS16, 4: _crash.readS32,
           8: _crash.readS64}


def readIntN(addr, n, signed=False):
    """An n-byte integer at addr (the original's crash.readInt)."""
    return (_READ_S if signed else _READ_U)[n](addr)


def FD_ISSET(n, fds):
    """Bit n of an fd_set read as bytes or an int; 0 past its end.

    Programs read sizeof(fd_set) bytes (1024 bits) of a task's open_fds
    and then test every fd below max_fds, which is larger for a process
    with more than 1024 files open (LinuxDump's taskFds; the scale
    scenario has one): the original's C read past its buffer there, we
    answer that those bits are not in the set given."""
    if n < 0:
        raise ValueError(f"FD_ISSET: negative fd {n}")
    if isinstance(fds, (bytes, bytearray)):
        return (fds[n // 8] >> (n % 8)) & 1 if n // 8 < len(fds) else 0
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

def _parse_path(path):
    """"a.b->c[2]" -> ["a", "b", "c[2]"] (for Eval)."""
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
    """s.Eval("a.b.c"): follow a chain of members (pointers to structs
    are followed, "x[i]" indexes an array)."""
    return _eval(self, _parse_path(path))


def _sr_Dump(self, indent=0):
    """Print every member (big arrays: their first 4 elements)."""
    sindent = " " * indent
    for fn, fi in SUInfo(self.PYT_symbol).PYT_body:
        try:
            val = getattr(self, fn)
            if not isinstance(val, SmartString) and fi.ti.elements > 3:
                val = str(list(val)[:4])[:-1] + ", ..."
            print(sindent, "    %18s " % fn, val)
        except (TypeError, _crash.error):
            print(sindent, "    %18s  unknown type" % fn)


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
#
# structSetAttr and AttrSetter give structs pseudo-members: a name that
# reads a member chain ("sk.__sk_common.skc_family"), the first of a
# list that exists in the struct, as in the original.  The chain is
# compiled to steps (follow a pointer, or add an offset) ending with the
# last member's VarInfo, and evaluated from the struct's address: it
# never goes through attribute lookup, so a pseudo-member may carry the
# name of a real member (it hides it, as the original's class attribute
# did).  What is compiled describes the open dump's types: it is dropped
# when they go (another dump, module debuginfo loaded) and compiled
# again on next use, so a pseudo-member keeps no dump alive.

def parseDerefString(sname, teststring):
    """Compile member chain teststring of struct sname: (fi, chain) where
    fi is the last member's VarInfo and chain [(is_pointer, offset)] the
    steps from the struct to it; False when the chain does not exist.
    A pointer to a struct or union leads on to its members; the last
    step is never a pointer step (the last member is read as it is)."""
    si = SUInfo(sname)
    out = []
    fi = None
    for f in teststring.split("."):
        f = f.strip()
        if si is None or f not in si:
            return False
        fi = si[f]
        if fi is None:                  # a pseudo-member through pointers
            return False
        ti = fi.ti
        isptr = False
        if ti.codetype == TYPE_CODE_PTR and ti.stype == "(func)":
            isptr = True
            si = None
        elif ti.codetype == TYPE_CODE_PTR:
            if ti.tcodetype in TYPE_CODE_SU:
                si = SUInfo(ti.base)
                isptr = True
            else:
                si = None
        elif ti.codetype in TYPE_CODE_SU:
            si = SUInfo(ti.base)
        else:
            si = None
        out.append((isptr, fi.offset))
    if not out:
        return False
    out[-1] = (False, out[-1][1])
    return (fi, out)


def pseudoAttrEvaluator(addr, vi, chain):
    """The value of compiled chain (parseDerefString) from addr."""
    addr = int(addr)
    for ptr, offset in chain:
        if ptr:
            addr = readPtr(addr + offset)
        else:
            addr += offset
    return vi.reader(addr)


# Every PseudoAttr in use, to drop what they compiled when the types go.
_pseudo_attrs = weakref.WeakSet()


def _forget_compiled(flags, type_name):
    if flags & CU_LOAD:
        for pa in _pseudo_attrs:
            pa._compiled = None


memocaches.purge_listeners.append(_forget_compiled)

_SKC = "SKC."
_SKC_STRUCT = "struct sock_common"


def _resolve(sname, estrings):
    """(fi, chain) of the first of estrings that exists in struct sname
    ("" is the struct itself: (None, None); "SKC.x" is x of struct
    sock_common), or None."""
    for s in estrings:
        if s == "":
            return (None, None)
        if s.startswith(_SKC):
            rc = parseDerefString(_SKC_STRUCT, s[len(_SKC):])
        else:
            rc = parseDerefString(sname, s)
        if rc:
            return rc
    return None


class PseudoAttr(object):
    """A pseudo-member: the first of a list of member chains that exists
    in struct sname (compiled for the open dump, again after a purge);
    chain "" is the struct itself."""

    def __init__(self, sname, estrings, aname=None):
        self.sname = sname
        self.estrings = list(estrings)
        self.aname = aname
        self._compiled = None
        _pseudo_attrs.add(self)

    def compiled(self):
        """(fi, steps), (None, None) for the struct itself, or None when
        no chain exists in this dump's types."""
        c = self._compiled
        if c is None:
            rc = _resolve(self.sname, self.estrings)
            if rc is None:
                c = (False,)
            elif rc[1] is None:
                c = (True, None, None, None)
            else:
                fi, chain = rc
                c = (True, fi, tuple(chain), fi.reader)
            self._compiled = c
        return c if c[0] else None

    @property
    def fi(self):
        c = self.compiled()
        return c[1] if c else None

    @property
    def chain(self):
        c = self.compiled()
        return list(c[2]) if c and c[2] is not None else None

    def varinfo(self):
        """A PseudoVarInfo when the chain is a fixed offset (no pointer
        on the way), else None."""
        c = self.compiled()
        if not c or c[2] is None:
            return None
        fi, steps = c[1], c[2]
        total = 0
        for ptr, off in steps:
            if ptr:
                return None
            total += off
        vi = PseudoVarInfo(self.aname, fi.ti, 0, total, None, fi.bitsize)
        vi._field = fi._field
        if fi._field is not None:
            # the last member's bits, from the start of the outer struct
            vi.bitoffset = total * 8 + (fi.bitoffset - fi.offset * 8)
        return vi

    def __call__(self, obj):
        c = self._compiled
        if c is None or not c[0]:
            c = self.compiled()
            if c is None:
                raise _crash.NotFoundError(
                    "{}: no member chain of pseudo-member {!r} ({}) exists "
                    "in this dump's types".format(self.sname, self.aname,
                                                  self.estrings))
        if c[2] is None:
            return obj
        addr = int(obj)
        for ptr, offset in c[2]:
            addr = readPtr(addr + offset) if ptr else addr + offset
        return c[3](addr)

    def __get__(self, obj, objtype=None):
        return self(obj)


class PseudoAttrProc(object):
    """A pseudo-member computed by a function of the struct."""

    def __init__(self, proc):
        self.proc = proc

    def __call__(self, obj):
        return self.proc(obj)

    def __get__(self, obj, objtype=None):
        return self.proc(obj)


def _struct_reader(sname):
    """The reader of struct sname, or None when there is no such struct."""
    try:
        r = _crash.type_reader(sname)
    except KeyError:
        return None
    return r if r.codetype in TYPE_CODE_SU else None


def _install(sname, aname, pa, always):
    r = _struct_reader(sname)
    if r is None:
        return False
    r.set_pseudo(aname, pa)
    if isinstance(pa, PseudoAttr):
        add_pseudo_member(sname, aname, pa, always)
    return True


def structSetAttr(sname, aname, estrings, sextra=[]):
    """Give struct sname (and the structs in sextra) a pseudo-member
    aname: the first of estrings (one string or a list of member chains
    "a.b.c"; "" means the struct itself) that exists in sname.  True
    when one did, False otherwise (or when sname does not exist)."""
    if isinstance(estrings, str):
        estrings = [estrings]
    if _struct_reader(sname) is None:
        return False
    estrings = [s for s in estrings if not s.startswith(_SKC)]
    pa = PseudoAttr(sname, estrings, aname)
    if pa.compiled() is None:
        return False
    for sn in [sname] + list(sextra):
        _install(sn, aname, pa, False)
    return True


def structSetProcAttr(sname, aname, meth):
    """s.aname calls meth(s) for every struct sname; False when there is
    no such struct."""
    if _struct_reader(sname) is None:
        return False
    _crash.type_reader(sname).set_pseudo(aname, PseudoAttrProc(meth))
    return True


class AttrSetter(object):
    """AttrSetter("struct a", "struct b", ...).alias = chains: the first
    chain (a string, or a list or tuple of them) that exists in the FIRST
    struct becomes pseudo-member alias of every struct listed (they are
    expected to start alike: inet_sock, tcp_sock ...).  A chain
    "SKC.x.y" is looked up in struct sock_common instead; "" is the
    struct itself; a function computes the value from the struct.
    Reading setter.alias afterwards says whether it was set."""
    specattr = _SKC
    speclen = len(_SKC)
    specstruct = _SKC_STRUCT

    def __init__(self, *args):
        object.__setattr__(self, "_ArgList_", args)

    def __setattr__(self, aname, rhs):
        if not isinstance(rhs, (list, tuple)):
            rhs = [rhs]
        basename = self._ArgList_[0]
        if _struct_reader(basename) is None:
            object.__setattr__(self, aname, False)
            return
        chains = [s for s in rhs if isinstance(s, str)]
        for s in rhs:
            if not isinstance(s, str):
                # a function (reached before any chain that exists)
                for sn in self._ArgList_:
                    if _struct_reader(sn) is not None:
                        _crash.type_reader(sn).set_pseudo(
                            aname, PseudoAttrProc(s))
                return
            if _resolve(basename, [s]) is None:
                continue
            pa = PseudoAttr(basename, chains, aname)
            for sn in self._ArgList_:
                # listed in PYT_sinfo even when it has no offset (None),
                # as the original did
                _install(sn, aname, pa, True)
            object.__setattr__(self, aname, True)
            return
        object.__setattr__(self, aname, False)


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
