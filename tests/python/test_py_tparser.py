# SPDX-License-Identifier: GPL-2.0-or-later
"""CDefine and CEnum: the forms programs copy from kernel headers."""

import pytest

import crash
from pykdump.tparser import CDefine, CEnum, parser_header_tabs

RTF_DEFS = '''
/* A comment */
#define RTF_UP          0x0001          /* route usable                 */
#define RTF_GATEWAY     0x0002          /* destination is a gateway     */
#define RTF_HOST        0x0004          /* host entry (net otherwise)   */
#define RTF_REINSTATE   0x0008          /* reinstate route after tmout  */
#define RTF_DYNAMIC     0x0010          /* created dyn. (by redirect)   */
#define RTF_MODIFIED    0x0020          /* modified dyn. (by redirect)  */
#define RTF_MTU         0x0040          /* specific MTU for this route  */
#define RTF_MSS         RTF_MTU         /* Compatibility :-(            */
#define RTF_WINDOW      0x0080          /* per route window clamping    */
#define RTF_IRTT        0x0100          /* Initial round trip time      */
#define RTF_REJECT      0x0200          /* Reject route                 */
'''


def test_cdefine_dict_and_attributes():
    d = CDefine(RTF_DEFS)
    assert isinstance(d, dict)
    assert list(d) == ["RTF_UP", "RTF_GATEWAY", "RTF_HOST", "RTF_REINSTATE",
                       "RTF_DYNAMIC", "RTF_MODIFIED", "RTF_MTU", "RTF_MSS",
                       "RTF_WINDOW", "RTF_IRTT", "RTF_REJECT"]
    assert d["RTF_GATEWAY"] == 2 and d.RTF_REJECT == 0x200
    assert d.RTF_MSS == d.RTF_MTU == 0x40
    assert d.skipped() == []


def test_cdefine_value2key():
    d = CDefine(RTF_DEFS)
    assert d.value2key(0x40) == "RTF_MSS"        # the last one defined
    assert d.oldvalue2key(0x40) == "RTF_MTU"     # the first one
    assert d.value2key(4) == "RTF_HOST"
    assert d.value2key(3) is None
    d["RTF_EXTRA"] = 3
    assert d.RTF_EXTRA == 3 and d.value2key(3) == "RTF_EXTRA"


def test_cdefine_expressions():
    d = CDefine('''
#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE-1))
#define NEG             (-5)
#define CH              'A'
#define OCT             017
#define BIN             0b101
#define COND            (PAGE_SHIFT > 10 ? 1 : 2)
#define LONG_LINE       (1 + \\
                         2)
#define CAST            ((unsigned int)-1)
''')
    assert d.PAGE_SIZE == 4096
    assert d.PAGE_MASK == 2**64 - 4096             # unsigned long, 8 bytes
    assert d.NEG == -5 and d.CH == 65 and d.OCT == 15 and d.BIN == 5
    assert d.COND == 1 and d.LONG_LINE == 3 and d.CAST == 0xffffffff


def test_cdefine_long_size():
    text = "#define ALL (~0UL)\n#define BIG 0xffffffffffffffff\n"
    assert CDefine(text).ALL == 2**64 - 1
    assert CDefine(text, long_size=8).ALL == 2**64 - 1
    assert CDefine(text, long_size=4).ALL == 2**32 - 1
    assert CDefine(text).BIG == 2**64 - 1
    with pytest.raises(ValueError, match="long_size 2"):
        CDefine(text, long_size=2)


def test_cdefine_skips_what_is_not_a_number():
    d = CDefine('''
#define A 1
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define NAME "string"
#define EMPTY
#define B (A + 1)
''')
    assert dict(d) == {"A": 1, "B": 2}
    names = [(n, line) for n, line, reason in d.skipped()]
    assert names == [("MAX", 3), ("NAME", 4), ("EMPTY", 5)]
    assert all(reason for _, _, reason in d.skipped())


def test_cdefine_errors_name_the_line():
    with pytest.raises(crash.InvalidError, match=r"line 3.*B.*division"):
        CDefine("#define A 1\n\n#define B (A / 0)\n")
    with pytest.raises(crash.error):
        CDefine("/* nothing numeric */\n#define S \"x\"\n")
    with pytest.raises(ValueError):             # InvalidError is one
        CDefine("#define B (1 / 0)\n")


ENUM_1 = '''
        enum aa {NETREG_UNINITIALIZED, NETREG_REGISTERING, NETREG_REGISTERED,
   NETREG_UNREGISTERING, NETREG_UNREGISTERED, NETREG_RELEASED} reg_state;
'''

ENUM_2 = '''
enum {
  TCP_ESTABLISHED = 1,
  TCP_SYN_SENT,
  TCP_SYN_RECV,
  TCP_FIN_WAIT1,
  TCP_FIN_WAIT2,
  TCP_TIME_WAIT,
  TCP_CLOSE,
  TCP_CLOSE_WAIT,
  TCP_LAST_ACK,
  TCP_LISTEN,
  TCP_CLOSING,   /* now a valid state */

  TCP_MAX_STATES /* Leave at the end! */
};
'''


def test_cenum_values_and_names():
    e = CEnum(ENUM_2)
    assert e.TCP_ESTABLISHED == 1 and e.TCP_MAX_STATES == 12
    assert e["TCP_LISTEN"] == 10             # by name
    assert e[10] == "TCP_LISTEN"             # by value, as the original
    assert e.value2key(11) == "TCP_CLOSING"
    assert e.value2key(99) is None
    assert e.getByName("TCP_CLOSE") == 7
    assert len(e) == 12
    assert list(e)[:2] == ["TCP_ESTABLISHED", "TCP_SYN_SENT"]
    assert "TCP_LISTEN" in e and "LISTEN" not in e
    assert e.getAllNames() == sorted(e.name2i)
    assert e.tag is None
    with pytest.raises(KeyError):
        e[99]


def test_cenum_str_and_tag():
    e = CEnum(ENUM_1)
    assert e.tag == "aa"
    assert e.NETREG_RELEASED == 5
    assert str(e) == str([("NETREG_UNINITIALIZED", 0),
                          ("NETREG_REGISTERING", 1),
                          ("NETREG_REGISTERED", 2),
                          ("NETREG_UNREGISTERING", 3),
                          ("NETREG_UNREGISTERED", 4),
                          ("NETREG_RELEASED", 5)])


def test_cenum_expressions_and_duplicates():
    e = CEnum('''typedef enum {
        A = 1 << 2,
        B,
        C = A | B,
        D = -1,
        E,
        F = 4,          /* same value as A */
    } flags_t;''')
    assert [e.A, e.B, e.C, e.D, e.E, e.F] == [4, 5, 5, -1, 0, 4]
    assert e[4] == "F" and e[5] == "C"          # the last declared
    assert dict(e.items())["B"] == 5


def test_cenum_errors():
    with pytest.raises(crash.InvalidError, match="CEnum: line 1"):
        CEnum("enum { A B };")
    with pytest.raises(crash.InvalidError):
        CEnum("not an enum")


def test_parser_header_tabs():
    txt = ("NAME\tSIZE\tFLAGS\n"
           "a\t1\tx\n"
           "\n"
           "b\t2\ty\tz\n"
           "c\t3\n")
    assert parser_header_tabs(txt) == [
        {"NAME": "a", "SIZE": "1", "FLAGS": "x"},
        {"NAME": "b", "SIZE": "2", "FLAGS": "y", "__extra": ["z"]},
        {"NAME": "c", "SIZE": "3"}]
    assert parser_header_tabs("A  B\n1  2\n", anyws=True) == \
        [{"A": "1", "B": "2"}]
    assert parser_header_tabs("junk\nA B\n1 2\n", anyws=True, skip=1) == \
        [{"A": "1", "B": "2"}]
