# SPDX-License-Identifier: GPL-2.0-or-later
"""Loading debuginfo of kernel modules (PyKdump's dlkmload.py).

loadModule(name) finds name{.ko.debug,.o.debug,.ko,.o} (also with '_'
and '-' swapped, or altname's) in the debuginfo directories
(sys_info.debuginfo) and loads it through the engine's `mod -s`; without
a match there the engine searches its own path (the dump's directory,
$PYKDUMP_DEBUGDIR, /usr/lib/debug/lib/modules/<release>,
/lib/modules/<release>).  The engine checks that the file is that
module's (build-id, .modinfo name), relocates it to the module's section
addresses, and purges every CU_LOAD cache, C and Python alike (types,
readers, memoize_cond(CU_LOAD) results, per-struct classes): the
memocache calls memocaches._on_purge.

Everything goes through built-in commands (`mod -s`, `mod -d`, `mod`), so
these functions work wherever exec_crash_command does.
"""

import os

from . import _crash as crash
from . import highlevel
from ._pending import needs_dump
from .Generic import registerModuleAttr

registerModuleAttr("debugDLKM", default=0)

_MODULE_EXTS = (".ko.debug", ".o.debug", ".ko", ".o")


def _variants(name):
    return list(dict.fromkeys([name, name.replace("-", "_"),
                               name.replace("_", "-")]))


def possibleModuleNames(topdir, fbase):
    """The first file under topdir named fbase + one of .ko.debug,
    .o.debug, .ko, .o (in that order of preference within a directory),
    walking the tree; or None.  (loadModule tries '_' and '-' both.)"""
    if not topdir:
        return None
    names = {fbase + ext: i for i, ext in enumerate(_MODULE_EXTS)}
    for d, _dirs, files in os.walk(topdir):
        hits = sorted((names[f], f) for f in files if f in names)
        if hits:
            return os.path.join(d, hits[0][1])
    return None


def _debuginfo_dirs():
    try:
        from .vmcorearch import sys_info
        dirs = sys_info.get("debuginfo") if hasattr(sys_info, "get") \
            else getattr(sys_info, "debuginfo", None)
    except Exception:
        dirs = None
    if isinstance(dirs, str):
        dirs = [dirs]
    return list(dirs or [])


def _module_rows(text):
    """{name: object file or None} from `mod`'s table."""
    rows = {}
    for line in text.splitlines()[1:]:
        parts = line.split(None, 4)
        if len(parts) < 5:
            continue
        obj = parts[4].strip()
        rows[parts[1]] = None if obj.startswith("(not loaded)") else obj
    return rows


def _exec(cmd, what):
    try:
        return highlevel.exec_crash_command(cmd)
    except crash.NoDumpError:
        needs_dump(what + "()")


def loadModule(modname, ofile=None, altname=None):
    """Load module modname's debuginfo (from ofile when given); True when
    it is loaded afterwards.  False, without trying, when the dump has no
    such module (altname: its name in the module list when it differs
    from the file's), as in the original."""
    if debugDLKM:  # noqa: F821 (registerModuleAttr)
        print("loadModule", modname, ofile, altname)
    present = _module_rows(_exec("mod", "loadModule"))
    if not any(n in present for n in _variants(altname or modname)):
        return False
    for d in _debuginfo_dirs() if ofile is None else ():
        for base in _variants(altname or modname):
            ofile = possibleModuleNames(d, base)
            if ofile:
                break
        if ofile:
            break
    cmd = "mod -s {}".format(modname) + (" {}".format(ofile) if ofile else "")
    try:
        out = _exec(cmd, "loadModule")
    except crash.NoDumpError:
        raise
    except crash.error as e:    # not a module, a bad file ...
        if debugDLKM:  # noqa: F821
            print("loadModule:", e)
        return False
    obj = _module_rows(out).get(modname)
    if obj is None:
        obj = _module_rows(out).get(modname.replace("-", "_"))
    return obj is not None


def delModule(modname):
    """Unload module modname's debuginfo (nothing when none is loaded)."""
    _exec("mod -d {}".format(modname), "delModule")


def lsModules(debuginfo=False):
    """Names of the dump's modules (the kernel's module list), as the
    original gave them; with debuginfo=True only those whose debuginfo is
    loaded."""
    rows = _module_rows(_exec("mod", "lsModules"))
    return [n for n, obj in rows.items() if obj or not debuginfo]
