# SPDX-License-Identifier: GPL-2.0-or-later
"""Generic.py: the pure-Python helpers programs use."""

import sys
import types

import pytest

from pykdump import Generic as G
from pykdump.Generic import (Bunch, DCache, KernelRev, LazyEval, TrueOnce,
                             dbits2str, iterN, patch_default_kw,
                             print2columns)


def test_bunch():
    b = Bunch({"a": 1})
    assert b.a == 1 and b["a"] == 1
    b.x = 2
    b["y"] = 3
    assert b == {"a": 1, "x": 2, "y": 3} and b.x == 2 and b.y == 3
    del b["x"]
    assert "x" not in b and not hasattr(b, "x")
    c = b.copy()
    assert isinstance(c, Bunch) and c.y == 3 and c is not b
    assert str(Bunch({"zeta": 1, "alpha": "two"})) == \
        "   alpha        two\n   zeta         1"
    # the default dict is not shared between instances
    Bunch().q = 1
    assert "q" not in Bunch()


def test_lazyeval():
    calls = []

    class C:
        def compute(self):
            calls.append(1)
            return 42
        value = LazyEval("value", compute)
    c = C()
    assert c.value == 42 and c.value == 42
    assert calls == [1] and c.__dict__["value"] == 42
    assert isinstance(C.value, LazyEval)


def test_trueonce_and_iterN():
    twice = TrueOnce(2)
    assert [bool(twice) for _ in range(4)] == [True, True, False, False]
    assert list(iterN(iter(range(100)), 3)) == [0, 1, 2]
    assert list(iterN([1, 2], 5)) == [1, 2]          # no RuntimeError

    def endless():
        n = 0
        while True:
            yield n
            n += 1
    assert list(iterN(endless(), 4)) == [0, 1, 2, 3]


def test_dbits2str():
    flags = {"IFF_UP": 0x1, "IFF_BROADCAST": 0x2, "IFF_LOOPBACK": 0x8,
             "IFF_RUNNING": 0x40, "IFF_VOLATILE": 0x4b, "IFF_ZERO": 0}
    assert dbits2str(0x43, flags) == "IFF_UP|IFF_BROADCAST|IFF_RUNNING"
    assert dbits2str(0x43, flags, 4) == "UP|BROADCAST|RUNNING"
    assert dbits2str(0, flags) == ""


def test_print2columns(capsys):
    print2columns("a\nbb", "1\n2\n3")
    assert capsys.readouterr().out == \
        "a".ljust(38) + " 1\n" + "bb".ljust(38) + " 2\n" + " " * 38 + " 3\n"


def test_integer_helpers():
    assert G.hexl(255) == "0xff"
    assert G.unsigned16(-1) == 0xffff
    assert G.unsigned32(-2) == 0xfffffffe
    assert G.unsigned64(-1) == 2**64 - 1


def test_kernelrev():
    k = KernelRev("6.1.0")
    assert isinstance(k, str) and k == "6.1.0"
    assert k >= "5.14" and k > "5.14.21" and k < "6.2" and k <= "6.1"
    assert not k < "6.1.0" and k >= "6.1.0"
    assert KernelRev("4.18.0") < "5.0"
    assert KernelRev("6.1.0-56-cloud-amd64").ov == KernelRev("6.1").ov
    assert KernelRev("5.10") > "5.9"                 # numeric, not text
    assert {k: 1}["6.1.0"] == 1


def test_dcache():
    DCache.tmp.x = 1
    DCache.perm["y"] = 2
    assert DCache.tmp.x == 1 and DCache.perm.y == 2
    assert DCache.tmp.missing is None
    assert str(DCache) == "1 in tmp, 1 in perm"
    DCache.cleartmp()
    assert DCache.tmp.x is None and len(DCache.tmp) == 0
    assert DCache.perm.y == 2
    DCache.clearperm()
    assert len(DCache.perm) == 0


def test_register_module_attr():
    mod = types.ModuleType("fake_prog")
    sys.modules["fake_prog"] = mod
    try:
        exec("from pykdump.Generic import registerModuleAttr\n"
             "registerModuleAttr('debugFake', default=3, help='fake')\n",
             mod.__dict__)
        assert mod.debugFake == 3
        G.PyCtl.runfn("debugFake", 7)
        assert mod.debugFake == 7
        f, owner, kwargs, value = G.PyCtl.getDict()["debugFake"]
        assert owner is mod and value == 7 and kwargs["help"] == "fake"
        assert G.PyCtl.TypeConv("debugFake") is int
    finally:
        del sys.modules["fake_prog"]


def test_get_current_module():
    assert G.getCurrentModule() is sys.modules[__name__]


def test_patch_default_kw():
    mod = types.ModuleType("fake_lists")
    sys.modules["fake_lists"] = mod
    try:
        exec("def walk(start, *, maxel=10000):\n    return maxel\n"
             "def other(*, depth=1):\n    return depth\n"
             "class LH:\n"
             "    def __init__(self, a, *, maxel=10000):\n"
             "        self.maxel = maxel\n",
             mod.__dict__)
        patch_default_kw(mod, "maxel", 50)
        assert mod.walk(0) == 50 and mod.LH(0).maxel == 50
        assert mod.other.__kwdefaults__ == {"depth": 1}   # left alone
        assert mod.walk(0, maxel=3) == 3
    finally:
        del sys.modules["fake_lists"]


def test_setlistmaxel():
    from pykdump import highlevel
    old = highlevel._MAXEL
    try:
        highlevel.setListMaxel(123)
        assert highlevel._MAXEL == 123
    finally:
        highlevel.setListMaxel(old)


def test_highlevel_helpers():
    from pykdump import highlevel as H
    assert H.ALIGN(0x1001, 0x1000) == 0x2000 and H.ALIGN(0x1000, 8) == 0x1000

    class Atomic:
        counter = 5
    assert H.atomic_t(Atomic()) == 5 and H.atomic_t(7) == 7
    with H.SuppressCrashErrors() as f:
        assert f == "/dev/null"


@pytest.mark.parametrize("name", ["debugDCache", "debugMemoize",
                                  "debugMP_KW", "debugDeref"])
def test_tunables_registered(name):
    import pykdump.lowlevel  # noqa: F401 (registers debugDeref)
    import pykdump.memocaches  # noqa: F401
    assert name in G.PyCtl.getDict()


def test_fd_isset_past_the_set_given():
    """taskFds reads sizeof(fd_set) bytes and tests every fd below
    max_fds: past the bytes given, an fd is not in the set (the scale
    scenario's 10,000 open files made crashinfo die of an IndexError)."""
    from pykdump.lowlevel import FD_ISSET
    fds = bytes([0b101, 0]) + bytes(126)
    assert [FD_ISSET(i, fds) for i in range(4)] == [1, 0, 1, 0]
    assert FD_ISSET(1024, fds) == 0 and FD_ISSET(5000, fds) == 0
    assert FD_ISSET(65, 1 << 65) == 1
    with pytest.raises(ValueError):
        FD_ISSET(-1, fds)
