# SPDX-License-Identifier: GPL-2.0-or-later
"""The subroutines programs use (PyKdump's highlevel.py), all reachable
through ``from pykdump.API import *``:

  * reading memory and globals: readmem, readU8 ... readULong, readPtr,
    readSymbol, readSU, readSUArray, readProcessMem ...
  * lists and hashes: readList, readBadList, ListHead, readSUListFromHead,
    readStructNext, hlist_for_each_entry, getListSize, getFullBuckets ...
  * symbols and types: sym2addr, addr2sym, whatis, struct_size,
    member_offset, member_size, getStructInfo, container_of ...
  * built-in commands: exec_crash_command, exec_crash_command_bg,
    exec_gdb_command, exec_command

They read the dump through the C engine (lib/memory.c, lib/lists.c,
readers, commands).  Until the engine's session is wired to Python each
raises crash.NoDumpError naming itself, and the machine's sizes
(pointersize, INT_SIZE, LONG_MAX ...) raise it when read; the helpers that
need no dump (ALIGN, unsigned*, atomic_t, setListMaxel,
SuppressCrashErrors) work.
"""

from . import _crash
from ._pending import define_pending, module_getattr
from .Generic import (getCurrentModule, registerObjAttrHandler,  # noqa: F401
                      registerModuleAttr, patch_default_kw,
                      unsigned16, unsigned32, unsigned64)
from .logging import PyLog
from .lowlevel import (StructResult, tPtr, SmartString, tEnum,  # noqa: F401
                       Addr, Deref, structSetAttr, structSetProcAttr,
                       AttrSetter, printObject, readmem, readPtr, mem2long,
                       FD_ISSET)
from .datatypes import (TypeInfo, SUInfo, ArtStructInfo,  # noqa: F401
                        EnumInfo, type_length)

pylog = PyLog()

# The default number of elements a list walk returns (--maxel).
_MAXEL = 10000

# Set from API's --experimental.
experimental = 0

# The default command time budget in seconds (--timeout); the engine's
# commands read it from here when they run under exec_crash_command_bg.
_crash.default_timeout = 120


def ALIGN(addr, align):
    """addr rounded up to a multiple of align (a power of two)."""
    return (int(addr) + align - 1) & ~(align - 1)


def atomic_t(o):
    """o.counter for an atomic_t, o itself for a plain integer (kernels
    differ in which they use)."""
    try:
        return o.counter
    except AttributeError:
        return o


def setListMaxel(newval):
    """Set the default maxel of every list reader of this module."""
    global _MAXEL
    _MAXEL = newval
    patch_default_kw(getCurrentModule(), "maxel", newval)


class SuppressCrashErrors(object):
    """with SuppressCrashErrors(): ... -- in the original, crash's error
    messages went to outfile meanwhile.  The engine never prints errors
    outside a command's own output (they come back as exceptions), so
    there is nothing to redirect; kept for programs that use it."""

    def __init__(self, outfile="/dev/null"):
        self.newf = outfile

    def __enter__(self):
        return self.newf

    def __exit__(self, exc_type, exc_value, traceback):
        return False


_PENDING = [
    "readU8", "readU16", "readU32", "readS32", "readU64", "readS64",
    "readInt", "readUInt", "readLong", "readULong",
    "readSymbol", "readSU", "readSUArray", "readProcessMem",
    "sLong", "le32_to_cpu", "cpu_to_le32", "le16_to_cpu",
    "readList", "readBadList", "getListSize", "readListByHead",
    "list_for_each_entry", "ListHead", "LH_isempty", "hlist_for_each_entry",
    "readSUListFromHead", "readStructNext",
    "getStructInfo", "getFullBuckets", "getFullBucketsH",
    "struct_exists", "symbol_exists", "noncached_symbol_exists",
    "sym2addr", "addr2sym", "sym2alladdr", "addr2mod",
    "get_pathname", "is_task_active", "pid_to_task", "task_to_pid",
    "uvtop", "phys_to_page", "set_readmem_task",
    "struct_size", "union_size", "member_offset", "member_size",
    "enumerator_value", "getSizeOf", "container_of", "whatis", "funcargs",
    "exec_gdb_command", "exec_crash_command", "exec_crash_command_bg",
    "exec_crash_command_bg2", "exec_command",
]
define_pending(globals(), _PENDING)

# The dumped machine's sizes and masks, known once a dump is open.
_MACHINE = ["pointersize", "PTR_SIZE", "INT_MASK", "INT_SIZE",
            "BITS_PER_INT", "INT_MAX", "uInt", "LONG_MASK", "LONG_SIZE",
            "BITS_PER_LONG", "LONG_MAX", "uLong"]
__getattr__ = module_getattr(__name__, _MACHINE)

__all__ = _PENDING + [
    "TypeInfo", "SUInfo", "ArtStructInfo", "EnumInfo", "type_length",
    "ALIGN", "unsigned16", "unsigned32", "unsigned64", "setListMaxel",
    "Addr", "Deref", "tPtr", "SmartString", "StructResult", "tEnum",
    "readmem", "readPtr", "mem2long", "FD_ISSET", "printObject",
    "structSetAttr", "structSetProcAttr", "AttrSetter",
    "getCurrentModule", "registerObjAttrHandler", "registerModuleAttr",
    "atomic_t", "SuppressCrashErrors",
]
