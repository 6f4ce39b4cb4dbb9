# SPDX-License-Identifier: GPL-2.0-or-later
"""PyKdump: the Python API for Linux kernel crash dump analysis, over the
pykdump C engine (no crash, no GDB).

Programs import everything with ``from pykdump.API import *``.  Importing
this package only loads the C module, checks that it is recent enough for
this Python code, and makes it importable as ``crash`` too (its name in
the original PyKdump); it has no other side effect.
"""

import sys

# Version of this Python API; the C module carries the project version too
# (crash.version), both from meson's project() version.
__version__ = "0.1.0"

# The PyKdump API level programs may expect: the names and behaviour of
# PyKdump 3.5.3 (see docs/pykdump-api.md).
compat_version = "3.5.3"

# The oldest C module this Python code works with.  Raise it whenever
# the Python modules start using something new from pykdump._crash.
minimal_cmod_version = "0.1.0"

__copyright__ = """\
pykdump: GPL-2.0-or-later.  The API follows PyKdump by Alex Sidorenko
(Hewlett Packard Enterprise), GPL-2.0-or-later.
"""


class CModVersionError(ImportError):
    """The C module (pykdump._crash) is older than the Python code needs."""


def _split_version(vers):
    """ "1.2.3" -> (1, 2, 3); missing parts count as 0."""
    parts = []
    for p in str(vers).split("."):
        digits = ""
        for ch in p:
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits or 0))
    while len(parts) < 3:
        parts.append(0)
    return tuple(parts)


def require_cmod_version(vers, c_mod_version=None):
    """Refuse to run with a C module older than `vers`.

    The original printed a message and exited; here the message comes as a
    CModVersionError (an ImportError), which ends the program just as well
    but can be caught."""
    if c_mod_version is None:
        c_mod_version = _crash.version
    if _split_version(c_mod_version) >= _split_version(vers):
        return
    where = getattr(_crash, "__file__", "pykdump._crash")
    raise CModVersionError(
        "pykdump: the Python API {} needs the C module (pykdump._crash) "
        "version {} or newer, but {} is version {}.\n"
        "The C module is stale: rebuild it (ninja -C build) or put the "
        "matching build first on PYTHONPATH.".format(
            __version__, vers, where, c_mod_version))


from . import _crash  # noqa: E402  (the version check needs the constants above)

c_mod_version = _crash.version
require_cmod_version(minimal_cmod_version)

# The original's C module was called `crash`; programs import it by that name.
sys.modules["crash"] = _crash


def open(vmcore, vmlinux=None, debug_dirs=()):  # noqa: A001 (by design)
    """Open a dump for the API to work on, from any Python program:
    vmcore is a path (or a list of paths of a split dump); vmlinux is found
    from the dump's release and build-id when not given.  Replaces the
    dump opened before.  Then use the API as usual
    (from pykdump.API import *)."""
    files = [vmcore] if isinstance(vmcore, str) else list(vmcore)
    _crash._open([str(f) for f in files], vmlinux, list(debug_dirs))
    _dump_opened()
    global _close_registered
    if not _close_registered:
        # Closing at exit lets a DWARF index still being built in the
        # background finish and be saved for the next start.
        import atexit
        atexit.register(_close_at_exit)
        _close_registered = True


_close_registered = False


def _close_at_exit():
    try:
        _crash._close()
    except Exception:  # noqa: BLE001 (nothing to report to at exit)
        pass


def close():
    """Close the dump pykdump.open() opened, and forget what the imported
    modules derived from it (sys_info, the machine's sizes)."""
    _crash._close()
    from . import vmcorearch, highlevel
    vmcorearch.sys_info.clear()
    for mod, names in ((vmcorearch, vmcorearch._NAMES),
                       (highlevel, highlevel._MACHINE_NAMES)):
        for n in names:
            mod.__dict__.pop(n, None)
    api = sys.modules.get("pykdump.API")
    if api is not None:
        for n in highlevel._MACHINE_NAMES + tuple(vmcorearch._NAMES):
            api.__dict__.pop(n, None)


def _dump_opened():
    """Refresh what the already imported modules derived from the dump:
    sys_info, HZ/PAGESIZE, the machine's sizes (also in pykdump.API, for
    programs that did `from pykdump.API import *` before opening)."""
    from . import vmcorearch, highlevel
    vmcorearch.fill_sys_info()
    highlevel.set_machine_globals(_crash._machine())
    api = sys.modules.get("pykdump.API")
    if api is not None:
        for n in highlevel._MACHINE_NAMES:
            setattr(api, n, getattr(highlevel, n))
        for n in ("HZ", "PAGESIZE", "PAGE_CACHE_SHIFT"):
            setattr(api, n, getattr(vmcorearch, n))
