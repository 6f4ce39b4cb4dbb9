# SPDX-License-Identifier: GPL-2.0-or-later
"""Names of the original API that programs import without a dump (issue
14): pykdump.ASCII_Art, OptionParser/Option from pykdump.API, CDefine's
private reverse dict for subclasses, crash.mem2long."""

import optparse

import crash


def test_ascii_art_module():
    from pykdump import ASCII_Art, Misc
    for name in ("AA_Node", "EmbeddedFrames", "Box", "BoxContainer",
                 "Array2u", "LineU"):
        assert getattr(ASCII_Art, name) is getattr(Misc, name)
    node = ASCII_Art.AA_Node("top")
    ASCII_Art.AA_Node(5, node)
    assert "top" in str(node) and "5" in str(node)


def test_optparse_names_in_api():
    import pykdump.API as api
    assert api.OptionParser is optparse.OptionParser
    assert api.Option is optparse.Option


def test_cdefine_reverse_dict_is_the_originals():
    from pykdump.tparser import CDefine
    c = CDefine("#define A 1\n#define B 2\n")
    assert c.value2key(2) == "B"
    assert "_CDefine__reversedict" in vars(c)


def test_mem2long_without_dump():
    assert crash.mem2long(b"\x10\x00\x00\x00\x00\x00\x00\x80",
                          signed=True) == -(2 ** 63) + 16
    assert crash.mem2long(b"\x01\x02", array=2) == [1, 2]
