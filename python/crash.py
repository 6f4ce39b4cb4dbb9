# SPDX-License-Identifier: GPL-2.0-or-later
"""`import crash`: the C module of the PyKdump API under the name programs
written for PyKdump use.  It is pykdump._crash itself, not a copy:
importing this module replaces it in sys.modules by pykdump._crash, so
`crash is pykdump._crash` and `crash.error` is the one exception class.
"""
import sys

import pykdump._crash as _crash

sys.modules[__name__] = _crash
