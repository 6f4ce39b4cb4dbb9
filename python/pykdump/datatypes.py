# SPDX-License-Identifier: GPL-2.0-or-later
"""Information about types, structs, enums and variables (PyKdump's
datatypes.py): TypeInfo, SUInfo, VarInfo, EnumInfo over the C engine's
type model (lib/types/types.c), seen through the extension's per-type readers
(crash.TypeReader).  Results are memoized with the type caches (dropped
when module debuginfo is loaded).
"""

from . import _crash
from .memocaches import MemoizeTI, MemoizeSU

# The type codes (GDB's values) TypeInfo.codetype is compared with.
for _n in dir(_crash):
    if _n.startswith("TYPE_CODE_"):
        globals()[_n] = getattr(_crash, _n)
del _n
TYPE_CODE_SU = (_crash.TYPE_CODE_STRUCT, _crash.TYPE_CODE_UNION)


def _reader(t):
    if isinstance(t, _crash.TypeReader):
        return t
    try:
        return _crash.type_reader(t)
    except KeyError:
        raise TypeError("no type {!r}".format(t))


class TypeInfo(object):
    """A C type: .stype (base type name), .size, .dims (list or None),
    .ptrlev (None or levels of pointers), .typedef, .codetype,
    .ptrbasetype, .elements."""

    def __init__(self, t, details=False):
        r = self.reader = _reader(t)
        self.typedef = r.typedef
        self.size = r.size
        dims = []
        while r.codetype == TYPE_CODE_ARRAY:  # noqa: F821
            dims.append(r.count)
            r = r.target
        ptrlev = 0
        while r is not None and r.codetype == TYPE_CODE_PTR:  # noqa: F821
            ptrlev += 1
            r = r.target
        self.dims = dims or None
        self.elements = 1
        for d in dims:
            self.elements *= d
        self.ptrlev = ptrlev or None
        self.base = r
        self.stype = r.name if r is not None else "void"
        base_code = r.codetype if r is not None else TYPE_CODE_VOID  # noqa
        self.codetype = TYPE_CODE_PTR if ptrlev else base_code  # noqa: F821
        self.ptrbasetype = base_code if ptrlev else None
        self.tcodetype = base_code
        self.details = None

    @property
    def fullname(self):
        return self.reader.name

    def getTargetType(self):
        return self.stype

    def getTargetCodeType(self):
        return self.tcodetype

    def __repr__(self):
        return "TypeInfo <{}> size={}".format(self.reader.name, self.size)

    __str__ = __repr__


class VarInfo(object):
    """A global variable or a struct member: .name .ti .addr .offset
    (bytes) .bitoffset .bitsize."""

    def __init__(self, name=None, ti=None, addr=None, offset=0,
                 bitoffset=0, bitsize=0):
        self.name = name
        self.ti = ti
        self.addr = addr
        self.offset = offset
        self.bitoffset = bitoffset
        self.bitsize = bitsize

    @property
    def size(self):
        return self.ti.size

    def cstmt(self):
        s = self.ti.reader.name
        if s.endswith("]") or "(" in s:
            return _declare(self.ti.reader, self.name)
        sep = "" if s.endswith("*") else " "
        decl = "{}{}{}".format(s, sep, self.name)
        if self.bitsize:
            decl += " : {}".format(self.bitsize)
        return decl + ";"

    def __str__(self):
        return self.cstmt()

    def __repr__(self):
        return "VarInfo <{}> offset={}".format(self.cstmt(), self.offset)


def _declare(r, name):
    """C declaration of name with the type of reader r (arrays, function
    pointers)."""
    s = r.name
    if "(*)" in s:
        return s.replace("(*)", "(*{})".format(name), 1) + ";"
    head, br, tail = s.partition("[")
    return "{} {}{}{};".format(head.rstrip(), name, br, tail)


class PseudoVarInfo(VarInfo):
    """A pseudo-member set by structSetAttr/AttrSetter."""


class SUInfo(dict, metaclass=MemoizeSU):
    """A struct or union: dict member name -> VarInfo (anonymous members
    flattened, offsets from the start), with attribute access,
    PYT_size, PYT_body (names in order), getFnames(); str() prints it
    C-like, fullstr() with offsets."""

    def __init__(self, sname):
        dict.__init__(self)
        r = _reader(sname)
        if r.codetype not in TYPE_CODE_SU:
            raise TypeError("{} is not a struct or union".format(sname))
        self.PYT_sname = self.PYT_symbol = r.name
        self.PYT_size = r.size
        self.PYT_body = []
        self.reader = r
        # the members of anonymous structs and unions come in their place
        for name, bits, bitsize, mr in r.members():
            self[name] = VarInfo(name, TypeInfo(mr), None, bits // 8,
                                 bits % 8 if bitsize else 0, bitsize)
            self.PYT_body.append(name)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def getFnames(self):
        return list(self.PYT_body)

    def fullstr(self, indent=0):
        pad = " " * indent
        out = [pad + self.PYT_sname + " {"]
        for n in self.PYT_body:
            vi = self[n]
            out.append("{}    [{}] {}".format(pad, vi.offset, vi.cstmt()))
        out.append(pad + "}")
        return "\n".join(out)

    def __str__(self):
        out = [self.PYT_sname + " {"]
        out += ["    " + self[n].cstmt() for n in self.PYT_body]
        out.append("}")
        return "\n".join(out)

    def __hash__(self):
        return id(self)


class ArtStructInfo(SUInfo):
    """An artificial struct built member by member (not read from DWARF):
    ArtStructInfo("struct foo"); .append(ctype, name)."""

    def __init__(self, stype):
        dict.__init__(self)
        self.PYT_sname = self.PYT_symbol = stype
        self.PYT_size = 0
        self.PYT_body = []

    def append(self, ftype, fname):
        ti = TypeInfo(ftype)
        vi = VarInfo(fname, ti, None, self.PYT_size)
        self.PYT_size += ti.size
        self[fname] = vi
        self.PYT_body.append(fname)


class EnumInfo(dict, metaclass=MemoizeTI):
    """An enum type: dict enumerator name -> value, attribute access,
    getnam(value) for the reverse."""

    def __init__(self, stype):
        dict.__init__(self)
        r = _reader(stype)
        self.stype = r.name
        self._byval = {}
        for n, v in r.enumerators():
            self[n] = v
            self._byval.setdefault(v, n)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def getnam(self, v):
        return self._byval.get(v)

    def __hash__(self):
        return id(self)


def enum_info_of_reader(reader):
    """The EnumInfo of an enum's reader (for tEnum), kept on the reader:
    a cache of its own would keep readers, and with them their dump,
    alive after pykdump.close()."""
    ei = reader.enuminfo
    if ei is None:
        ei = reader.enuminfo = EnumInfo(reader.name) \
            if not reader.name.startswith("enum {") else _anon_enum(reader)
    return ei


def _anon_enum(reader):
    ei = dict.__new__(EnumInfo)
    dict.__init__(ei)
    ei.stype = reader.name
    ei._byval = {}
    for n, v in reader.enumerators():
        ei[n] = v
        ei._byval.setdefault(v, n)
    return ei


def type_length(tname):
    """sizeof the type, -1 when there is no such type."""
    try:
        return _crash.type_reader(tname).size
    except KeyError:
        return -1


def gdb_typeinfo(tname):
    return TypeInfo(tname)


__all__ = ["TypeInfo", "VarInfo", "PseudoVarInfo", "SUInfo", "ArtStructInfo",
           "EnumInfo", "type_length", "TYPE_CODE_SU"] + \
    sorted(n for n in globals() if n.startswith("TYPE_CODE_"))
