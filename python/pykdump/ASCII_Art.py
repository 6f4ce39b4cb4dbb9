# SPDX-License-Identifier: GPL-2.0-or-later
"""pykdump.ASCII_Art: the original's name for the ASCII-art module
(frames, boxes, trees).  Programs import from it directly
(``from pykdump.ASCII_Art import AA_Node``); the classes live in Misc.py.
"""

from .Misc import (LineU, Array2u, Box, BoxContainer,  # noqa: F401
                   AA_Node, EmbeddedFrames,
                   _LU, _LL, _RU, _RL, _VB, _HB, _LOW_A, _RIGHT_A, _LEFT_A)
