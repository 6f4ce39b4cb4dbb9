# SPDX-License-Identifier: GPL-2.0-or-later
"""Reading C data from the dump (PyKdump's lowlevel.py): the objects
readers return (StructResult, tPtr, SmartString, tEnum ...), the per-type
reader factories and the pseudo-attribute machinery (structSetAttr,
AttrSetter).  Used by highlevel.py; programs get these through API.

The readers are built once per type by the C engine (lib/readers.c) and
the result types will be C types of pykdump._crash.  Until the engine's
session and readers are wired to Python, everything here that touches a
dump raises crash.NoDumpError; b2str needs no dump and works.
"""

from . import _crash
from ._pending import define_pending, module_getattr, pending_class
from .datatypes import (TypeInfo, VarInfo, PseudoVarInfo, SUInfo,  # noqa: F401
                        ArtStructInfo, EnumInfo, TYPE_CODE_SU, type_length)
from .Generic import registerModuleAttr

registerModuleAttr("debugDeref", default=0)


def b2str(s):
    """bytes -> str, non-ASCII bytes as backslash escapes."""
    return str(s, "ascii", errors="backslashreplace")


StructResult = pending_class(
    "StructResult", "readSU(\"struct T\", addr): an int (the address) "
    "whose attributes are the struct's members.", base=int)
tPtr = pending_class(
    "tPtr", "A typed pointer: an int with .Deref, p[i], .ptype, .ptrlev.",
    base=int)
SmartString = pending_class(
    "SmartString", "A C string: str cut at NUL, with .ByteArray and .addr.",
    base=str)
tEnum = pending_class(
    "tEnum", "An enum value: an int whose repr is its symbolic name.",
    base=int)
intDimensionlessArray = pending_class(
    "intDimensionlessArray", "An int array of unknown bound (T x[0]).",
    base=int)
tPtrDimensionlessArray = pending_class(
    "tPtrDimensionlessArray", "A pointer array of unknown bound.")
AttrSetter = pending_class(
    "AttrSetter", "Version-portable member aliases: the first chain that "
    "exists wins.")
PseudoAttr = pending_class("PseudoAttr")
PseudoAttrProc = pending_class("PseudoAttrProc")

define_pending(globals(), [
    "readmem", "readPtr", "readIntN", "mem2long", "FD_ISSET",
    "Addr", "Deref", "structSetAttr", "structSetProcAttr",
    "parseDerefString", "pseudoAttrEvaluator",
    "ti_intReader", "ti_boolReader", "ti_enumReader", "suReader",
    "ptrReader", "newDereferencer", "printObject",
])

# Sizes of the dumped machine.
__getattr__ = module_getattr(__name__, ["pointersize"])
