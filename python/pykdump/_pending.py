# SPDX-License-Identifier: GPL-2.0-or-later
"""What a part of the API that is not wired to the engine raises.

needs_dump(what) raises crash.NoDumpError naming it, never a made-up
value (dlkmload uses it when no command can answer).  This module goes
away once nothing uses it.
"""

from . import _crash


def needs_dump(what):
    """Raise crash.NoDumpError for `what`."""
    _crash._needs_dump(what)
    # A dump is open but this part is not wired to it yet.
    raise _crash.NoDumpError(
        "{} is not wired to the engine yet".format(what))

