# SPDX-License-Identifier: GPL-2.0-or-later
"""Parsers for pieces of C text (PyKdump's tparser.py).

When debuginfo lacks a constant, copy its definition from the kernel
sources and turn it into a table:

    RTF = CDefine('''
    #define RTF_UP       0x0001   /* route usable */
    #define RTF_GATEWAY  0x0002
    #define RTF_MSS      RTF_MTU  /* names defined above work */
    ''')
    RTF.RTF_UP, RTF["RTF_GATEWAY"], RTF.value2key(2)

    TCP = CEnum("enum { TCP_ESTABLISHED = 1, TCP_SYN_SENT, ... };")
    TCP.TCP_SYN_SENT == 2, TCP[2] == "TCP_SYN_SENT"

The parsing is the C engine's (full C integer constant expressions,
comments, casts, line continuations); a define that is not a number
(a function-like macro, a string) is skipped and listed in skipped().
"""

import re

from . import _crash


def _long_size():
    # sizeof(long) of the dumped machine; 0 lets the engine use the x86_64
    # value (8) until a dump is open.
    return 0


class CDefine(dict):
    """A block of #define lines as a dict name -> value whose names are
    also attributes; value2key(v) is the name defined last with value v.

    The reverse dict is the original's private self.__reversedict: a
    subclass that skips this __init__ (LinuxDump's Tasks._CDefine) sets
    it itself and then fills the dict with [] assignments."""

    def __init__(self, cdecl, long_size=None):
        dict.__init__(self)
        object.__setattr__(self, "_CDefine__reversedict", {})
        entries, skipped = _crash.parse_cdefine(
            cdecl, _long_size() if long_size is None else long_size)
        object.__setattr__(self, "_CDefine__skipped", skipped)
        for name, value, line in entries:
            self[name] = value

    def __setitem__(self, name, value):
        dict.__setitem__(self, name, value)
        object.__setattr__(self, name, value)
        self.__reversedict[value] = name

    def value2key(self, value):
        """The name with this value (the last defined), or None."""
        return self.__reversedict.get(value)

    def oldvalue2key(self, value):
        """The first name with this value, or None."""
        for k, v in self.items():
            if v == value:
                return k
        return None

    def skipped(self):
        """The defines that are not numbers: [(name, line, reason)]."""
        return list(getattr(self, "_CDefine__skipped", ()))


class CEnum(object):
    """A C enum declaration.  enum.NAME and enum["NAME"] are values;
    enum[value] is the name (as the original's CEnum), value2key(value)
    too; iteration and len() go over the names in declaration order."""

    def __init__(self, cdecl, long_size=None):
        tag, entries = _crash.parse_cenum(
            cdecl, _long_size() if long_size is None else long_size)
        self.tag = tag
        self.vals = []          # [(name, value)] in order, for printing
        self.lookup = {}        # value -> name (the last declared)
        self.name2i = {}        # name -> value
        for name, value, line in entries:
            self.vals.append((name, value))
            self.lookup[value] = name
            self.name2i[name] = value
            self.__dict__[name] = value

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.name2i[key]
        return self.lookup[key]

    def __contains__(self, name):
        return name in self.name2i

    def __iter__(self):
        return iter(self.name2i)

    def __len__(self):
        return len(self.vals)

    def __str__(self):
        return str(self.vals)

    def __repr__(self):
        return "CEnum({}{})".format(
            "enum " + self.tag + " " if self.tag else "", self.vals)

    def getByName(self, name):
        return self.name2i[name]

    def getAllNames(self):
        return sorted(self.name2i.keys())

    def value2key(self, value):
        return self.lookup.get(value)

    def keys(self):
        return self.name2i.keys()

    def items(self):
        return self.name2i.items()

    def values(self):
        return self.name2i.values()


def parser_header_tabs(txt, anyws=False, skip=0):
    """Parse a table of crash command output: a header line of field names
    then lines of values, separated by TABs (or any white space with
    anyws).  Returns a list of dicts; blank lines are skipped; values
    beyond the header's names go under '__extra'."""
    lines = txt.splitlines()[skip:]
    if not lines:
        return []
    ws = r"\s+" if anyws else r"\t+"
    hnames = re.split(ws, lines[0])
    out = []
    for line in lines[1:]:
        if not line.strip():
            continue
        fields = re.split(ws, line)
        d = dict(zip(hnames, fields))
        if len(fields) > len(hnames):
            d["__extra"] = fields[len(hnames):]
        out.append(d)
    return out
