# SPDX-License-Identifier: GPL-2.0-or-later
"""A StructResult decodes its members from a copy of its struct's bytes
read once (python/pykdump/_crash_structbuf.c).  Values must be exactly
those of a direct read (the first member read of a fresh object goes to
the dump) and of crash's `struct`, and errors those of a direct read, also
when the copied window would run into memory that cannot be read."""

import os
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"


@pytest.fixture(scope="module")
def api(sample):
    sys.path.insert(0, str(BUILD / "python"))
    import pykdump
    pykdump.open(str(sample / DUMP), str(sample.vmlinux))
    import pykdump.API as api
    yield api
    pykdump.close()     # later tests (tests/python) expect no dump open


def tasks_of(api):
    init = api.readSymbol("init_task")
    return [init] + list(api.ListHead(api.Addr(init, "tasks"),
                                      "struct task_struct").tasks)


def norm(v):
    """What a value is, type included, for comparing two reads."""
    if isinstance(v, list):
        return [norm(x) for x in v]
    kind = type(v).__name__
    if kind == "SmartString":
        return kind, str(v), v.ByteArray, v.addr, v.ptr
    if kind in ("StructResult", "tPtr"):
        return kind, int(v), str(v)
    return kind, str(v), int(v) if isinstance(v, int) else None


def member_names(api, stype):
    return [m[0] for m in api.crash.type_reader(stype).members() if m[0]]


@pytest.mark.parametrize("stype,where", [
    ("struct task_struct", "tasks"),
    ("struct module", "modules"),
    ("struct super_block", "super_blocks"),
])
def test_buffered_equals_direct(api, stype, where):
    if stype == "struct task_struct":
        objs = tasks_of(api)
    else:
        member = "list" if stype == "struct module" else "s_list"
        objs = list(api.ListHead(api.sym2addr(where), stype).__getattr__(
            member))
    assert len(objs) >= 3
    names = member_names(api, stype)
    assert len(names) > 20
    checked = 0
    for o in objs:
        s = api.readSU(stype, int(o))
        for rnd in range(2):        # the second round is all from the copy
            for n in names:
                direct = getattr(api.readSU(stype, int(o)), n)
                assert norm(getattr(s, n)) == norm(direct), (hex(o), n, rnd)
                checked += 1
    assert checked > 100


def test_task_members_vs_crash_struct(api, crash):
    tasks = tasks_of(api)
    ref = crash.structs("struct task_struct", tasks, dump=DUMP)
    for t in tasks:
        r = ref[int(t)]
        for _ in range(3):          # later rounds read the object's copy
            assert t.pid == int(r["pid"]) and t.tgid == int(r["tgid"])
            assert t.prio == int(r["prio"])
            assert t.flags == int(r["flags"], 0)
            assert t.in_iowait == int(r["in_iowait"])
            assert '"%s"' % t.comm == re.sub(r'\\000.*"$', '"', r["comm"])
            assert int(t.stack) == int(r["stack"], 16)
            assert int(t.real_parent) == int(r["real_parent"].split()[0], 16)


def unreadable_after(api, addr):
    """The first unreadable page after addr (vmalloc'd memory ends with
    a guard page), or None."""
    page = addr & ~0xfff
    for _ in range(4096):
        page += 0x1000
        try:
            api.readmem(page, 8)
        except api.crash.error:
            return page
    return None


def read_or_error(obj, name):
    try:
        return "value", norm(getattr(obj, name))
    except Exception as e:      # noqa: BLE001 - comparing what is raised
        return "error", type(e).__name__, str(e)


def test_errors_as_direct_reads_at_unreadable_memory(api):
    mods = list(api.ListHead(api.sym2addr("modules"), "struct module").list)
    guard = None
    for m in mods:
        guard = unreadable_after(api, int(m))
        if guard:
            break
    assert guard, "no unreadable page after any module"
    stype = "struct task_struct"
    names = member_names(api, stype)
    # a task_struct straddling the boundary: its first 128 bytes readable
    at = guard - 128
    s = api.readSU(stype, at)
    seen = set()
    for rnd in range(2):
        for n in names:
            direct = read_or_error(api.readSU(stype, at), n)
            assert read_or_error(s, n) == direct, (n, rnd)
            seen.add(direct[0])
    assert seen == {"value", "error"}
    # wholly unreadable
    s = api.readSU(stype, guard)
    for rnd in range(2):
        with pytest.raises(api.crash.error):
            s.pid
