# SPDX-License-Identifier: GPL-2.0-or-later
"""memoize_cond, memoize_typeinfo and their purge rules, with every purge
going through the C memocache (so C-started purges reach Python caches)."""

import pytest

import crash
from pykdump import memocaches as M
from pykdump.memocaches import (CU_LIVE, CU_LOAD, CU_PYMOD, CU_TIMEOUT,
                                memoize_cond, memoize_typeinfo,
                                purge_memoize_cache, purge_typeinfo)


@pytest.fixture(autouse=True)
def fresh_caches():
    crash._memocache_reset(live=False)
    yield
    crash._memocache_reset(live=False)


class Counter:
    def __init__(self):
        self.calls = []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return (len(self.calls), args)


def memoized(flags):
    c = Counter()
    return memoize_cond(flags)(c), c


def test_memoize_cond_caches_per_args():
    f, c = memoized(CU_LOAD)
    assert f(1) == (1, (1,))
    assert f(1) == (1, (1,))
    assert f(2) == (2, (2,))
    assert f(1, x=3) == (3, (1,))           # keyword args are part of the key
    assert f(1, x=3) == (3, (1,))
    assert len(c.calls) == 3
    assert c.calls[2] == ((1,), {"x": 3})


def test_memoize_bypass_and_unhashable():
    f, c = memoized(CU_LOAD)
    f(1)
    assert f(1, MEMOIZE=False) == (2, (1,))
    assert c.calls[-1] == ((1,), {})        # MEMOIZE is not passed on
    f([1])
    f([1])                                  # unhashable: not cached
    assert len(c.calls) == 4


def test_memoize_keeps_function_identity():
    @memoize_cond(CU_LIVE)
    def named(x):
        "doc"
        return x
    assert named.__name__ == "named" and named.__doc__ == "doc"
    assert named.__wrapped__(5) == 5


def test_same_name_different_functions_do_not_collide():
    """The original keyed on fn.__name__ alone: A.get() and B.get() with
    the same arguments shared one entry."""
    class A:
        @staticmethod
        @memoize_cond(CU_LOAD)
        def get():
            return "A"

    class B:
        @staticmethod
        @memoize_cond(CU_LOAD)
        def get():
            return "B"
    assert (A.get(), B.get(), A.get()) == ("A", "B", "A")


def test_purge_by_flags():
    ft, ct = memoized(CU_TIMEOUT)
    fl, cl = memoized(CU_LOAD)
    fp, cp = memoized(CU_PYMOD | CU_TIMEOUT)
    for f in (ft, fl, fp):
        f("x")
    purge_memoize_cache(CU_TIMEOUT)
    for f in (ft, fl, fp):
        f("x")
    assert (len(ct.calls), len(cl.calls), len(cp.calls)) == (2, 1, 2)
    purge_memoize_cache(CU_PYMOD)
    for f in (ft, fl, fp):
        f("x")
    assert (len(ct.calls), len(cl.calls), len(cp.calls)) == (2, 1, 3)
    purge_memoize_cache(CU_LOAD | CU_LIVE)
    fl("x")
    assert len(cl.calls) == 2


def test_purge_flags_checked():
    with pytest.raises(ValueError, match="cache flags 0x10"):
        purge_memoize_cache(0x10)
    with pytest.raises(OverflowError):
        purge_memoize_cache(-1)


def test_live_kernel_caches_nothing_time_varying():
    crash._memocache_reset(live=True)
    assert crash.memo_is_live()
    assert not crash.memo_may_cache(CU_LIVE)
    assert crash.memo_may_cache(CU_LOAD)
    flive, clive = memoized(CU_LIVE | CU_TIMEOUT)
    fload, cload = memoized(CU_LOAD)
    for _ in range(3):
        flive(1)
        fload(1)
    assert (len(clive.calls), len(cload.calls)) == (3, 1)
    crash._memocache_reset(live=False)
    flive(1)
    flive(1)
    assert len(clive.calls) == 4


def test_livedump_variable_is_honoured(monkeypatch):
    monkeypatch.setattr(M, "livedump", True)
    f, c = memoized(CU_LIVE)
    f(1)
    f(1)
    assert len(c.calls) == 2


def typeinfo_counter():
    calls = []

    @memoize_typeinfo
    def member_offset(sname, fname):
        calls.append((sname, fname))
        return len(calls)
    return member_offset, calls


def test_memoize_typeinfo_and_purge_one_type():
    mo, calls = typeinfo_counter()
    fl, cl = memoized(CU_LOAD)
    assert mo("struct a", "x") == 1
    assert mo("struct a", "x") == 1
    assert mo("struct b", "x") == 2
    fl(1)
    gen = crash.memo_generation()
    purge_typeinfo("struct a")
    assert crash.memo_generation() > gen
    assert mo("struct a", "x") == 3           # recomputed
    assert mo("struct b", "x") == 2           # kept
    fl(1)
    assert len(cl.calls) == 1                 # untagged CU_LOAD results kept


def test_purge_all_types_drops_every_debuginfo_cache():
    mo, calls = typeinfo_counter()
    fl, cl = memoized(CU_LOAD)
    ft, ct = memoized(CU_TIMEOUT)
    mo("struct a", "x")
    fl(1)
    ft(1)
    purge_typeinfo()
    mo("struct a", "x")
    fl(1)
    ft(1)
    assert (len(calls), len(cl.calls), len(ct.calls)) == (2, 2, 1)


def test_c_and_python_caches_purged_together():
    """One purge in the C memocache drops C store entries and Python
    entries alike: a C-side purge (module debuginfo loaded) reaches
    Python."""
    mo, calls = typeinfo_counter()
    fl, cl = memoized(CU_LOAD)
    mo("struct task_struct", "pid")
    fl(1)
    crash.memo_put("cmd:mod", b"MODULE NAME", CU_LOAD)
    crash.memo_put("ti:task", b"typed", CU_TIMEOUT,
                   type_name="struct task_struct")
    crash.memo_put("cmd:sys", b"KERNEL: vmlinux", CU_TIMEOUT)
    assert crash.memo_get("cmd:mod") == b"MODULE NAME"

    crash.purge_type("struct task_struct")    # C: kd_memocache_purge_type
    assert crash.memo_get("ti:task") is None
    assert crash.memo_get("cmd:mod") == b"MODULE NAME"
    mo("struct task_struct", "pid")
    assert len(calls) == 2

    crash.purge(CU_LOAD)                      # C: kd_memocache_purge
    assert crash.memo_get("cmd:mod") is None
    assert crash.memo_get("cmd:sys") == b"KERNEL: vmlinux"
    fl(1)
    mo("struct task_struct", "pid")
    assert (len(cl.calls), len(calls)) == (2, 3)


def test_hook_sees_every_purge():
    seen = []
    crash.set_purge_hook(lambda flags, t: seen.append((flags, t)))
    try:
        crash.purge(CU_TIMEOUT | CU_PYMOD)
        crash.purge_type("struct page")
        crash.purge_type()
    finally:
        crash.set_purge_hook(M._on_purge)
    assert seen == [(CU_TIMEOUT | CU_PYMOD, None), (CU_LOAD, "struct page"),
                    (CU_LOAD, None)]


def test_hook_errors_do_not_stop_purges():
    reports = []

    def bad_hook(flags, t):
        raise RuntimeError("hook failed")

    def purging_hook(flags, t):
        crash.purge(CU_LOAD)

    import sys
    old = sys.unraisablehook
    sys.unraisablehook = lambda u: reports.append(u.exc_value)
    try:
        crash.set_purge_hook(bad_hook)
        crash.memo_put("k", b"v", CU_TIMEOUT)
        crash.purge(CU_TIMEOUT)
        assert crash.memo_get("k") is None       # the purge went through
        crash.set_purge_hook(purging_hook)
        crash.purge(CU_TIMEOUT)
    finally:
        sys.unraisablehook = old
        crash.set_purge_hook(M._on_purge)
    assert [str(e) for e in reports] == [
        "hook failed", "a cache purge hook must not start another purge"]
    with pytest.raises(TypeError):
        crash.set_purge_hook(42)


def test_memo_store():
    assert crash.memo_get("nope") is None
    crash.memo_put("a", b"12345", CU_TIMEOUT)
    crash.memo_put("a", bytearray(b"678"), CU_TIMEOUT)      # replaces
    assert crash.memo_get("a") == b"678"
    st = crash.memo_stats()
    assert st["entries"] == 1 and st["registered"] == 1
    assert st["hits"] >= 1 and st["misses"] >= 1
    assert crash.memo_del("a") and not crash.memo_del("a")
    crash._memocache_reset(live=True)
    crash.memo_put("t", b"x", CU_LIVE)                      # not kept
    assert crash.memo_get("t") is None
    crash.memo_set_limit(0)
    crash.memo_put("u", b"x", CU_LOAD)
    assert crash.memo_get("u") is None


def test_reset_empties_python_caches():
    f, c = memoized(CU_TIMEOUT)
    f(1)
    crash._memocache_reset()
    f(1)
    assert len(c.calls) == 2


def test_memoize_metaclasses():
    class TI(metaclass=M.MemoizeSU):
        made = 0

        def __init__(self, sname):
            TI.made += 1
            self.sname = sname
    a = TI("struct a")
    assert TI("struct a") is a and TI("struct b") is not a
    M.MemoizeSU.purgecache("struct a")
    assert TI("struct a") is not a
    assert TI.made == 3


def test_py_select():
    class S:
        def __init__(self):
            self.b = 2
    s = S()

    def pick(s):
        return M.PY_select("s.a", "s.b", "s.c")
    assert pick(s) == 2
    s.b = 5
    assert pick(s) == 5                       # cached choice, fresh value
    assert len(M._PY_select_cache) == 1
    assert M.PY_select("s.nothing", "undefined_name") is None
    M.PY_select_purge()
    assert M._PY_select_cache == {}
    assert pick(s) == 5


def test_memoize_flag_seen_by_the_function():
    """The wrapper records each call's MEMOIZE in its `__memoize`
    attribute, which the function reads to pass it on (LinuxDump's
    exec_bt does `inner(cmd, MEMOIZE=exec_bt.__memoize)`)."""
    inner_calls = []

    @memoize_cond(CU_LOAD)
    def inner(x):
        inner_calls.append(x)
        return x

    @memoize_cond(CU_LOAD)
    def outer(x):
        return inner(x, MEMOIZE=getattr(outer, "__memoize"))

    assert getattr(outer, "__memoize") is True
    outer(1)
    outer(1)
    assert inner_calls == [1]
    outer(1, MEMOIZE=False)
    assert getattr(outer, "__memoize") is False
    assert inner_calls == [1, 1]            # passed on: not from the cache
    outer(2)
    assert getattr(outer, "__memoize") is True
