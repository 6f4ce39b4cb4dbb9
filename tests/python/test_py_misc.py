# SPDX-License-Identifier: GPL-2.0-or-later
"""Misc.py: AA_Node trees (indented and boxed), Box.TextBox and
EmbeddedFrames, drawn by the engine in the original's layout."""

import pytest

import crash
from pykdump.Misc import AA_Node, Array2u, Box, BoxContainer, EmbeddedFrames


def small_tree():
    root = AA_Node(1)
    two = AA_Node(2, root)
    AA_Node(3, root)
    AA_Node(5, two)
    AA_Node(6, two)
    return root


def test_tree_indented():
    assert str(small_tree()) == "\n".join([
        "1",
        "  -------",
        "  3",
        "  -------",
        "  2",
        "    -------",
        "    5,6",
        "    -------"])


def test_tree_structure_as_original():
    root = small_tree()
    assert root.get_tag() == 1 and root.parent is None
    assert {c.node for c in root.children} == {2, 3}
    assert set(root.tags) == {2, 3}
    assert root.tags[2].parent is root


def test_leaves_sorted_dedup_and_wrapped():
    root = AA_Node("init")
    for pid in (12, 3, 7, 3, 100, 9, 1, 44):
        AA_Node(pid, root)
    # numbers sort as numbers; the duplicate 3 shows once; 5 per line
    assert str(root) == "\n".join([
        "init",
        "  -------",
        "  1,3,7,9,12",
        "  44,100",
        "  -------"])


def test_many_leaves_counted():
    root = AA_Node(1)
    for pid in range(100, 121):
        AA_Node(pid, root)
    assert str(root) == "1\n  -------\n  21 pids in this group\n  -------"
    root = AA_Node(1)
    for pid in range(100, 120):
        AA_Node(pid, root)
    assert str(root).count("\n") == 6           # 20 listed, on 4 lines


def test_branches_sorted_by_tag():
    root = AA_Node("systemd")
    for name in ("sshd", "cron", "agetty"):
        b = AA_Node(name, root)
        AA_Node(name + "-child", b)
    lines = str(root).splitlines()
    assert [ln.strip() for ln in lines if not ln.startswith("    ")
            and ln.strip() != "-------"][1:] == ["agetty", "cron", "sshd"]


def test_other_tags_drawn_with_str():
    class Task(int):
        def __str__(self):
            return "<task %d>" % int(self)
    root = AA_Node(Task(1))
    AA_Node(Task(2), root)
    AA_Node(True, root)
    assert str(root) == "<task 1>\n  -------\n  <task 2>,True\n  -------"


def test_glue():
    root = AA_Node(1)
    old = AA_Node(10, root)
    AA_Node(11, root)
    new = AA_Node(10)
    AA_Node(20, new)
    assert new.glue(root) is True
    assert new.parent is root and old not in root.children
    assert root.tags[10] is new
    assert str(root) == "1\n  -------\n  11\n  -------\n  10\n" \
        "    -------\n    20\n    -------"
    assert AA_Node(99).glue(root) is False


def test_hortree():
    assert str(small_tree().HorTree()) == "\n".join([
        " ┌─┐",
        " │1│",
        " └─┬",
        "   │ ┌─┐",
        "   ├─┤3│",
        "   │ └─┘",
        "   │ ┌─┐",
        "   └─┤2│",
        "     └─┬",
        "       │ ┌───┐",
        "       └─┤5,6│",
        "         └───┘"])
    assert isinstance(small_tree().HorTree(), BoxContainer)


def test_deep_trees():
    root = node = AA_Node(0)
    for i in range(1, 900):
        node = AA_Node(i, node)
    text = str(root)
    assert text.splitlines()[-2] == " " * (2 * 898 + 2) + "899"
    for i in range(900, 1100):
        node = AA_Node(i, node)
    with pytest.raises(crash.error, match="deeper than 1000"):
        str(root)


def test_cycle_refused():
    root = AA_Node(1)
    child = AA_Node(2, root)
    child.children.add(root)
    with pytest.raises(ValueError, match="appears twice"):
        str(root)


def test_textbox():
    box = Box.TextBox("abc\nde", "hdr")
    assert str(box) == "┌───┐\n│hdr│\n├───┤\n│abc│\n│de │\n└───┘"
    assert isinstance(box, Box) and (box.w, box.h) == (5, 6)
    assert str(Box.TextBox("x")) == "┌─┐\n│x│\n└─┘"
    assert str(Box.TextBox("ü")) == "┌─┐\n│ü│\n└─┘"   # width in characters


def test_box_and_canvas():
    b = Box(4, 3)
    assert str(b) == "┌──┐\n│  │\n└──┘"
    a = Array2u()
    a.putstr("ab", 2, 1)
    a.putobj(b, 0, 2)
    assert (b.x, b.y) == (0, 2)
    assert a.getc(3, 1) == "b" and a.getc(9, 1) == " "
    assert str(a) == "\n  ab\n┌──┐\n│  │\n└──┘"
    assert (a.w, a.h) == (4, 5)


def test_embedded_frames():
    f = EmbeddedFrames("Title")
    f.addText("hello\nworld\n")
    g = EmbeddedFrames("in")
    g.addText(["x"])
    f.addFrame(g)
    assert str(f) == "\n".join([
        " +----Title----+",
        " | hello       |",
        " | world       |",
        " |             |",
        " |  +---in---+ |",
        " |  | x      | |",
        " |  +--------+ |",
        " +-------------+"])
    assert f.getWH() == (16, 3)
    assert g.getWH() == (11, 1)
    assert f.getStrArr() == str(f).split("\n")


def test_empty_frame():
    # (The original dropped the title line of a frame with no children.)
    assert str(EmbeddedFrames("T")) == " +---T---+\n +-------+"
