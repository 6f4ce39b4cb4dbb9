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


def _code(r):
    """The TYPE_CODE_* of a reader (typedefs looked through); void for
    None (what a void * points to)."""
    return r.codetype if r is not None else TYPE_CODE_VOID  # noqa: F821


def _base_stype(r):
    """gdb's name of a base type, as the original reported it: "(func)"
    for functions, the name otherwise (typedefs and qualifiers looked
    through)."""
    if r is None:
        return "void"
    if r.codetype == TYPE_CODE_FUNC:  # noqa: F821
        return "(func)"
    return r.base_name


class TypeInfo(object):
    """A C type, described as the original API described it (from gdb):

      stype      the base type's name once arrays and pointers are taken
                 off: the typedef's name when the base is reached through
                 one ("u8", "atomic_t"), else the type's ("struct page",
                 "unsigned int", "(func)" for functions)
      size       bytes of one element: the pointer for pointers, the
                 element for arrays
      dims       array dimensions (a list) or None
      ptrlev     levels of pointers, or None
      codetype   TYPE_CODE_* of the element (TYPE_CODE_PTR for pointers)
      ptrbasetype  pointers: TYPE_CODE_* of what they point to
      typedef    the typedef's name the base was reached through, or None
      uint       integers: 1 unsigned, 0 signed; None for other types
      prototype  functions: [TypeInfo of the return type, of each
                 parameter...]
      elements   product of dims (1 for no array)
      tcodetype  TYPE_CODE_* of stype
    """

    def __init__(self, t, details=False):
        top = self.reader = _reader(t)
        r = top
        typedef = r.typedef
        dims = []
        while r is not None and r.codetype == TYPE_CODE_ARRAY:  # noqa: F821
            dims.append(r.count)
            r = r.target
            if r is not None and r.typedef:
                typedef = r.typedef
        ptrlev = 0
        size = r.size if r is not None else 0
        while r is not None and r.codetype == TYPE_CODE_PTR:  # noqa: F821
            ptrlev += 1
            r = r.target
            if r is not None and r.typedef:
                typedef = r.typedef
        self.base = r
        self.dims = dims or None
        self.ptrlev = ptrlev or None
        self.typedef = typedef
        self.size = size
        base_code = _code(r)
        self.codetype = TYPE_CODE_PTR if ptrlev else base_code  # noqa: F821
        if ptrlev:
            self.ptrbasetype = base_code
        self.tcodetype = base_code
        self.uint = (0 if r.is_signed else 1) \
            if base_code == TYPE_CODE_INT else None  # noqa: F821
        bstype = _base_stype(r)
        self.stype = typedef if typedef and bstype != "(func)" else bstype
        self.fake_SU = bstype.endswith("}")
        self.elements = 1
        for d in dims:
            self.elements *= d
        if base_code == TYPE_CODE_FUNC:  # noqa: F821
            self.prototype = [TypeInfo(x) for x in r.prototype()]
        self.details = None

    def getElements(self):
        return self.elements

    def getTargetType(self):
        """The TypeInfo of stype (the same type without pointers and
        arrays)."""
        if self.base is None:
            return TypeInfo("void")
        return TypeInfo(self.base)

    def getTargetCodeType(self):
        return self.tcodetype

    def fullname(self):
        """(stype, "*" * ptrlev, "[d1][d2]...")"""
        pref = "*" * self.ptrlev if self.ptrlev else ""
        suff = "".join("[%d]" % d for d in self.dims) if self.dims else ""
        return (self.stype, pref, suff)

    def typestr(self):
        """C type as in a prototype: "struct page *", "int"."""
        stype, pref, suff = self.fullname()
        if not pref and not suff:
            return stype
        return "{} {}{}".format(stype, pref, suff)

    def fullstr(self, indent=0):
        stype, pref, suff = self.fullname()
        return " " * indent + "%s %s%s;" % (stype, pref, suff)

    def __repr__(self):
        stype, pref, suff = self.fullname()
        if stype == "(func)" and getattr(self, "prototype", None):
            args = [a.typestr() for a in self.prototype]
            stype = args[0]
            suff = "(func)(" + ", ".join(args[1:]) + ")"
        return "TypeInfo <%s %s%s> size=%d" % (stype, pref, suff, self.size)

    __str__ = __repr__


class VarInfo(object):
    """A global variable or a struct member: .name .ti .addr .offset
    (bytes) .bitoffset (bits from the struct's start) .bitsize (None when
    not a bitfield); .size (all elements), .basetype and .ctype (the
    type's stype), .array (dimension), .ptrlev, .reader(addr) reads the
    value."""

    def __init__(self, name=None, ti=None, addr=None, offset=0,
                 bitoffset=None, bitsize=None):
        self.name = name
        self.ti = ti
        self.addr = addr
        self.offset = offset
        self.bitoffset = offset * 8 if bitoffset is None else bitoffset
        self.bitsize = bitsize or None
        self._field = None      # struct members: the extension's Field

    @property
    def size(self):
        return self.ti.size * self.ti.elements

    @property
    def basetype(self):
        return self.ti.stype

    @property
    def ctype(self):
        return self.ti.stype

    @property
    def ptrlev(self):
        return self.ti.ptrlev

    @property
    def array(self):
        dims = self.ti.dims
        if dims is None:
            return None
        return dims[0] if len(dims) == 1 else dims

    @property
    def reader(self):
        """reader(addr): the value at addr (a member: at the address of
        the member, bitfields included)."""
        f = self._field
        if f is not None:
            off = f.offset
            return lambda addr: f.read(int(addr) - off)
        r = self.ti.reader
        return lambda addr: r.read(int(addr))

    def cstmt(self):
        s = self.ti.reader.name
        if s.endswith("]") or "(" in s:
            return _declare(self.ti.reader, self.name)
        sep = "" if s.endswith("*") else " "
        decl = "{}{}{}".format(s, sep, self.name)
        if self.bitsize:
            decl += " : {}".format(self.bitsize)
        return decl + ";"

    def shortstr(self, indent=0):
        return " " * indent + self.cstmt()

    def fullstr(self, indent=0):
        return "{}{} | off={} size={}".format(" " * indent, self.cstmt(),
                                              self.offset, self.size)

    def __str__(self):
        return self.cstmt()

    def __repr__(self):
        addr = "" if self.addr is None else " addr={:#x}".format(self.addr)
        return "{} <{}>{}".format(self.__class__.__name__,
                                  self.cstmt().rstrip(";"), addr)


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


# Pseudo-members set by structSetAttr/AttrSetter, by struct name:
# {sname: {aname: (pseudo, always)}}.  SUInfo lists them as members (the
# original put them in PYT_sinfo), so member_offset and ListHead find
# them: pseudo.varinfo() is the PseudoVarInfo of one at a fixed offset
# (None through pointers); always: listed even then, with None, as the
# original's AttrSetter did.
_pseudo_members = {}


def add_pseudo_member(sname, aname, pseudo, always):
    """Record pseudo-member aname of struct sname, in its SUInfo now and
    in those made later."""
    _pseudo_members.setdefault(sname, {})[aname] = (pseudo, always)
    try:
        si = SUInfo(sname)
    except TypeError:
        return
    si._add_pseudo(aname, pseudo, always)


class SUInfo(dict, metaclass=MemoizeSU):
    """A struct or union: dict member name -> VarInfo (anonymous members
    flattened, offsets from the start), with attribute access;
    .size/.PYT_size its size, PYT_body [(name, VarInfo)] in order,
    getFnames(); str() prints it C-like, fullstr() with offsets.
    Pseudo-members (structSetAttr) are in the dict too."""

    def __init__(self, sname):
        dict.__init__(self)
        r = _reader(sname)
        if r.codetype not in TYPE_CODE_SU:
            raise TypeError("{} is not a struct or union".format(sname))
        self.PYT_sname = self.PYT_symbol = r.name
        self.PYT_size = self.size = r.size
        self.PYT_body = []
        self.PYT_fake = False
        self.reader = r
        # the members of anonymous structs and unions come in their place
        for name, bits, bitsize, mr in r.members():
            if name in self:
                continue        # a name used twice: the first one
            vi = VarInfo(name, TypeInfo(mr), None, bits // 8, bits,
                         bitsize)
            vi._field = r.field(name)
            self[name] = vi
            self.PYT_body.append((name, vi))
        for key in {sname, r.name}:
            for aname, (pseudo, always) in \
                    _pseudo_members.get(key, {}).items():
                self._add_pseudo(aname, pseudo, always)

    def _add_pseudo(self, aname, pseudo, always):
        vi = pseudo.varinfo()
        if vi is not None or always:
            dict.__setitem__(self, aname, vi)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def getFnames(self):
        return [n for n, _vi in self.PYT_body]

    def fullstr(self, indent=0):
        pad = " " * indent
        out = [pad + self.PYT_sname + " {"]
        for _n, vi in self.PYT_body:
            out.append("{}    [{}] {}".format(pad, vi.offset, vi.cstmt()))
        out.append(pad + "}")
        return "\n".join(out)

    def shortstr(self, indent=0):
        return str(self)

    def __str__(self):
        out = [self.PYT_sname + " {"]
        out += ["    " + vi.cstmt() for _n, vi in self.PYT_body]
        out.append("}")
        return "\n".join(out)

    __repr__ = fullstr

    def __hash__(self):
        return id(self)


class ArtStructInfo(SUInfo):
    """An artificial struct built member by member (not read from DWARF):
    ArtStructInfo("struct foo"); .append(ctype, name); .inline(suinfo)
    appends the members of another struct."""

    def __init__(self, stype):
        dict.__init__(self)
        self.PYT_sname = self.PYT_symbol = stype
        self.PYT_size = self.size = 0
        self.PYT_body = []
        self.PYT_fake = False

    def _add(self, vi):
        self[vi.name] = vi
        self.PYT_body.append((vi.name, vi))

    def append(self, ftype, fname):
        ti = TypeInfo(ftype)
        vi = VarInfo(fname, ti, None, self.PYT_size)
        self._add(vi)
        self.PYT_size += vi.size
        self.size = self.PYT_size

    def inline(self, si):
        base = self.PYT_size
        for name, tvi in si.PYT_body:
            vi = VarInfo(name, tvi.ti, None, tvi.offset + base,
                         tvi.bitoffset + 8 * base, tvi.bitsize)
            self._add(vi)
        self.PYT_size += si.PYT_size
        self.size = self.PYT_size


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
