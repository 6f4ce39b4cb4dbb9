# SPDX-License-Identifier: GPL-2.0-or-later
"""Placeholders for the parts of the API that read a dump.

The modules that read dumps (datatypes, lowlevel, highlevel, dlkmload,
vmcorearch) already carry every name of the original API, so programs
import and the structure is in place; until the C engine's session and
readers are wired in, calling one raises crash.NoDumpError naming it,
never a made-up value.  This module goes away once nothing uses it.
"""

from . import _crash


def needs_dump(what):
    """Raise crash.NoDumpError for `what`."""
    _crash._needs_dump(what)
    # A dump is open but this part is not wired to it yet.
    raise _crash.NoDumpError(
        "{} is not wired to the engine yet".format(what))


def pending_function(name, doc=""):
    """A function called `name` that raises crash.NoDumpError."""
    def fn(*args, **kwargs):
        needs_dump(name + "()")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc or "{}(): needs an open dump.".format(name)
    return fn


def pending_class(name, doc="", base=object):
    """A class called `name` whose construction raises crash.NoDumpError."""
    def __new__(cls, *args, **kwargs):
        needs_dump(name + "()")
    return type(name, (base,), {
        "__new__": __new__,
        "__doc__": doc or "{}: needs an open dump.".format(name),
    })


def module_getattr(modname, names):
    """A module __getattr__ for values read from the dump (PAGESIZE,
    INT_SIZE ...): reading one raises crash.NoDumpError; other names raise
    AttributeError as usual."""
    names = frozenset(names)

    def __getattr__(attr):
        if attr in names:
            needs_dump("{}.{}".format(modname.rsplit(".", 1)[-1], attr))
        raise AttributeError("module {!r} has no attribute {!r}".format(
            modname, attr))
    return __getattr__


def define_pending(namespace, names, doc=""):
    """Put a pending function for each of `names` into namespace."""
    for n in names:
        namespace[n] = pending_function(n, doc)

