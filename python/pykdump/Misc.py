# SPDX-License-Identifier: GPL-2.0-or-later
"""ASCII art for tree-like structures (PyKdump's Misc.py).

  AA_Node        a tree of tagged nodes (e.g. processes by pid), drawn
                 indented by str(node) or as boxes growing to the right
                 by node.HorTree()
  Box.TextBox    text in a box
  EmbeddedFrames titled frames holding text and other frames

The objects are plain Python, as in the original, so programs build and
inspect them the same way (node.children, node.tags, node.glue());
drawing is done by the C engine (include/pykdump/asciiart.h).
"""

from . import _crash

# Box-drawing characters, for programs drawing their own.
_LU = "\u250c"      # ┌
_LL = "\u2514"      # └
_RU = "\u2510"      # ┐
_RL = "\u2518"      # ┘
_VB = "\u2502"      # │
_HB = "\u2500"      # ─
_LOW_A = "\u252c"   # ┬
_RIGHT_A = "\u251c"  # ├
_LEFT_A = "\u2524"  # ┤


class LineU(object):
    """A line of characters that grows as text is put past its end."""

    def __init__(self, initline=""):
        self._line = list(initline)

    def clear(self):
        self._line = []

    def putstr(self, s, pos):
        extra = pos + len(s) - len(self._line)
        if extra > 0:
            self._line.extend(" " * extra)
        self._line[pos:pos + len(s)] = list(s)

    def __getitem__(self, x):
        try:
            return self._line[x]
        except IndexError:
            return " "

    def width(self):
        return len(self._line)

    def __str__(self):
        return "".join(self._line)


class Array2u(object):
    """A 2-D canvas of characters, growing as text is put on it; x and y
    are where it was placed on another canvas."""

    def __init__(self):
        self._lines = []
        self.x = 0
        self.y = 0

    def setHeight(self, height):
        while len(self._lines) < height:
            self._lines.append(LineU())

    @property
    def h(self):
        return len(self._lines)

    @property
    def w(self):
        return max((line.width() for line in self._lines), default=0)

    def putstr(self, s, x, y):
        if y > self.h - 1:
            self.setHeight(y + 1)
        self._lines[y].putstr(s, x)

    def putobj(self, o, x, y):
        for row, line in enumerate(o._lines):
            self.putstr(str(line), x, y + row)
        o.x = x
        o.y = y

    def getc(self, x, y):
        return self._lines[y][x]

    def _load(self, text):
        for row, line in enumerate(text.splitlines()):
            self.putstr(line, 0, row)
        return self

    def __str__(self):
        return "\n".join(str(line).rstrip() for line in self._lines)


class Box(Array2u):
    """A w x h frame of box-drawing characters."""

    def __init__(self, w, h):
        super().__init__()
        self.putstr(_LU + _HB * (w - 2) + _RU, 0, 0)
        for row in range(1, h - 1):
            self.putstr(_VB, 0, row)
            self.putstr(_VB, w - 1, row)
        self.putstr(_LL + _HB * (w - 2) + _RL, 0, h - 1)

    @classmethod
    def TextBox(cls, s, header=None):
        """A box sized to hold text s (lines split at newlines), with an
        optional header above a rule."""
        box = Array2u.__new__(cls)
        Array2u.__init__(box)
        return box._load(_crash.aa_textbox(str(s), header))

    def __repr__(self):
        return " A box: w={} h={} x={} y={}".format(self.w, self.h,
                                                    self.x, self.y)


class BoxContainer(Array2u):
    """What AA_Node.HorTree() returns: the boxed tree, printable."""

    def __init__(self, text=""):
        super().__init__()
        self._load(text)


class AA_Node(object):
    """A tree node tagged with any object (usually a pid or a name).

    Children without children of their own are "leaves": drawn together,
    deduplicated and sorted, five to a line (or "N pids in this group"
    past twenty); the other children are drawn below them, sorted by tag.
    """

    def __init__(self, o, parent=None):
        self.parent = parent
        self.node = o
        self.children = set()
        self.tags = {}          # tag -> child, for glue()
        if parent is not None:
            parent.children.add(self)
            parent.tags[o] = self

    def get_tag(self):
        return self.node

    def glue(self, anotherbranch):
        """Put this node in anotherbranch in place of its child with the
        same tag; False when there is none."""
        mytag = self.get_tag()
        pnode = anotherbranch.tags.get(mytag)
        if pnode is None:
            return False
        anotherbranch.children.discard(pnode)
        anotherbranch.children.add(self)
        anotherbranch.tags[mytag] = self
        self.parent = anotherbranch
        return True

    def _spec(self):
        """The tree as nested (tag, children) tuples for the engine,
        without recursion (trees may be deep)."""
        built, seen = {}, set()
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                built[id(node)] = (node.node, tuple(
                    built.pop(id(c)) for c in node.children))
                continue
            if id(node) in seen:
                # A cycle (the original recursed until RecursionError).
                raise ValueError("AA_Node {!r} appears twice in the "
                                 "tree".format(node.node))
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in node.children)
        return built[id(self)]

    def __str__(self):
        return _crash.aa_tree_str(self._spec()).rstrip("\n")

    def HorTree(self):
        """The tree drawn as boxes growing to the right."""
        return BoxContainer(_crash.aa_tree_boxes(self._spec()))


class EmbeddedFrames(object):
    """A titled frame holding blocks of text and other frames:

      +---title---+
      | text      |
      |           |
      | +-inner-+ |
      | | ...   | |
      | +-------+ |
      +-----------+
    """

    class SimpleText(object):
        def __init__(self, strarr):
            if not isinstance(strarr, list):
                strarr = strarr.rstrip().split("\n")
            self.strarr = strarr
            self.h = len(strarr)
            self.w = max((len(s) for s in strarr), default=0)

        def getWH(self):
            return (self.w, self.h)

        def getStrArr(self):
            return self.strarr

        def _spec(self):
            return "\n".join(self.strarr)

    def __init__(self, title):
        self.title = title
        self.children = []
        self.width = 1
        self.height = 1

    def addText(self, strarr):
        self.children.append(EmbeddedFrames.SimpleText(strarr))

    def addFrame(self, f):
        self.children.append(f)

    def getWH(self):
        """(width, height): the width as drawn, the height counting the
        lines of text (as the original)."""
        w = len(self.title) + 4
        h = 0
        for c in self.children:
            cw, ch = c.getWH()
            h += ch
            w = max(w, cw)
        return (w + 5, h)

    def _spec(self):
        return (str(self.title), tuple(c._spec() for c in self.children))

    def getStrArr(self):
        return str(self).split("\n")

    def __str__(self):
        return _crash.aa_frame_str(self._spec()).rstrip("\n")
