# SPDX-License-Identifier: GPL-2.0-or-later
"""Loading debuginfo of kernel modules (PyKdump's dlkmload.py).

loadModule(name) finds name{.ko.debug,.o.debug,.ko,.o} (also with '_'
and '-' swapped) in the debuginfo directories (sys_info.debuginfo) and
loads it; the type caches, and every cache derived from types, are purged
(the engine's memocache does that for C and Python caches alike).
Loading needs an open dump; until the engine is wired to Python,
loadModule, delModule and lsModules raise crash.NoDumpError.
"""

import os

from ._pending import pending_function
from .Generic import registerModuleAttr

registerModuleAttr("debugDLKM", default=0)

_MODULE_EXTS = (".ko.debug", ".o.debug", ".ko", ".o")


def possibleModuleNames(topdir, fbase):
    """The first file under topdir named fbase + one of .ko.debug,
    .o.debug, .ko, .o (walking the tree), or None."""
    if topdir is None:
        return None
    for d, _dirs, files in os.walk(topdir):
        for f in files:
            if f.startswith(fbase) and f[len(fbase):] in _MODULE_EXTS:
                return os.path.join(d, f)
    return None


loadModule = pending_function(
    "loadModule", "loadModule(modname, ofile=None, altname=None) -> bool")
delModule = pending_function("delModule", "delModule(modname)")
lsModules = pending_function("lsModules",
                             "lsModules(): names of the loaded modules")
