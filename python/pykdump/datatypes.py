# SPDX-License-Identifier: GPL-2.0-or-later
"""Information about types, structs, enums and variables (PyKdump's
datatypes.py): TypeInfo, SUInfo, VarInfo, EnumInfo ... over the C engine's
type model (lib/types.c).

The type codes (TYPE_CODE_*) are constants of the C module.  The classes
describe types of an open dump; until the engine's session and type model
are wired to Python, creating one raises crash.NoDumpError.
"""

from . import _crash
from ._pending import pending_class, pending_function

# The type codes TypeInfo.codetype is compared with (GDB's values).
for _n in dir(_crash):
    if _n.startswith("TYPE_CODE_"):
        globals()[_n] = getattr(_crash, _n)
del _n
TYPE_CODE_SU = (_crash.TYPE_CODE_STRUCT, _crash.TYPE_CODE_UNION)

TypeInfo = pending_class(
    "TypeInfo", "A C type: .stype .size .dims .ptrlev .typedef .codetype "
    ".elements .ptrbasetype ...")
VarInfo = pending_class(
    "VarInfo", "A global variable or a struct member: .name .addr .ti "
    ".offset .bitsize, and its reader.")
PseudoVarInfo = pending_class(
    "PseudoVarInfo", "A pseudo-member set by structSetAttr/AttrSetter.")
SUInfo = pending_class(
    "SUInfo", "A struct/union: dict member name -> VarInfo, with "
    "PYT_size, PYT_body, getFnames(), str() and fullstr().", base=dict)
ArtStructInfo = pending_class(
    "ArtStructInfo", "An artificial struct built member by member.",
    base=dict)
EnumInfo = pending_class(
    "EnumInfo", "An enum type: dict name -> value with attribute access "
    "and getnam(value).", base=dict)

gdb_typeinfo = pending_function("gdb_typeinfo")
type_length = pending_function(
    "type_length", "type_length(tname): sizeof the base type, -1 if none.")

__all__ = ["TypeInfo", "VarInfo", "PseudoVarInfo", "SUInfo", "ArtStructInfo",
           "EnumInfo", "type_length", "TYPE_CODE_SU"] + \
    sorted(n for n in globals() if n.startswith("TYPE_CODE_"))
