# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel objects from Python without parsing command text (crash.vm_areas,
irq_descs, irq_cpu_count, ipc_objects, waitq_entries, task_signals,
disassemble, swap_infos, search_memory), compared with crash 8.0.6's
commands on the sample."""

import os
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"
CMDS = ["vm 1", "irq", "irq -s", "ipcs", "waitq oom_reaper_wait",
        "ps oom_reaper", "sig 1", "dis schedule 8", "sym schedule",
        "sym oom_reaper_wait", "ps 1", "swap", "sym _sdata", "sym _edata",
        "sym init_task", "search -s _sdata -e _edata init_task",
        "search -p init_task"]


@pytest.fixture(scope="module")
def api(sample):
    sys.path.insert(0, str(BUILD / "python"))
    import pykdump
    pykdump.open(str(sample / DUMP), str(sample.vmlinux))
    import pykdump.API as api
    yield api
    pykdump.close()


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CMDS, dump=DUMP)


def init_task(ref):
    return int(re.search(r"^>?\s*1\s+0\s+\d+\s+([0-9a-f]{16})\s", ref["ps 1"],
                         re.M).group(1), 16)


def test_vm_areas(api, ref):
    crash = api.crash
    mm = crash.task_mm(init_task(ref))
    got = [(f"{a['addr']:x}", f"{a['start']:x}", f"{a['end']:x}",
            f"{a['flags']:x}", a["path"]) for a in crash.vm_areas(mm)]
    want = [tuple(ln.split()) + (("",) if len(ln.split()) == 4 else ())
            for ln in ref["vm 1"].splitlines()[4:]]
    assert got == want


def test_irq_descs_and_counts(api, ref):
    crash = api.crash
    descs = {d["irq"]: d for d in crash.irq_descs()}
    for ln in ref["irq"].splitlines()[1:]:
        f = ln.split()
        if not f[0].isdigit() or f[1] == "(unused)":
            continue
        d = descs[int(f[0])]
        assert f"{d['desc']:x}" == f[1]
        if f[2] != "(unused)":
            assert f"{d['actions'][0]['addr']:x}" == f[2]
            assert f'"{d["actions"][0]["name"]}"' == f[3]
    for ln in ref["irq -s"].splitlines()[1:]:
        f = ln.split()
        d = descs[int(f[0].rstrip(":"))]
        counts = [crash.irq_cpu_count(d["desc"], c) for c in range(2)]
        assert counts == [int(x) for x in f[1:3]]
        assert f"{d['chip_name']}-{d['flow_name']}" == f[3]


def test_ipc_and_waitq(api, ref):
    crash = api.crash
    assert ref["ipcs"].count("(none allocated)") == 3
    for kind in ("shm", "sem", "msg"):
        assert crash.ipc_objects(kind) == []
    with pytest.raises(ValueError):
        crash.ipc_objects("pipes")
    head = int(ref["sym oom_reaper_wait"].split()[0], 16)
    task = re.search(r"TASK: ([0-9a-f]{16})", ref["waitq oom_reaper_wait"])
    assert [e["private"] for e in crash.waitq_entries(head)] == \
        [int(task.group(1), 16)]


def test_task_signals(api, ref):
    sg = api.crash.task_signals(init_task(ref))
    assert f"SIGNAL_STRUCT: {sg['signal_struct']:x}  NR_THREADS: " \
           f"{sg['nr_threads']}" in ref["sig 1"]
    rows = re.findall(r"^\s*\[(\d+)\] ([0-9a-f]{16})\s+(\S+) ([0-9a-f]{16}) "
                      r"([0-9a-f]+) ", ref["sig 1"], re.M)
    assert len(rows) == 64 == len(sg["actions"])
    for (sig, addr, handler, mask, flags), a in zip(rows, sg["actions"]):
        assert f"{a['addr']:x}" == addr
        assert {"SIG_DFL": 0, "SIG_IGN": 1}.get(handler) == a["handler"] \
            or f"{a['handler']:x}" == handler
        assert (f"{a['mask']:016x}", f"{a['flags']:x}") == (mask, flags)
    assert sg["private_queue"] == [] and sg["shared_queue"] == []


def test_disassemble(api, ref):
    crash = api.crash
    start = int(ref["sym schedule"].split()[0], 16)
    got = crash.disassemble(start, 8)
    want = [ln.split(":", 1)[1].strip().replace(" [FTRACE NOP]", "")
            for ln in ref["dis schedule 8"].splitlines()]
    assert [re.sub(r"\s+", " ", t) for _, _, t in got] == \
        [re.sub(r"\s+", " ", t) for t in want]
    assert got[1][0] == got[0][0] + got[0][1]
    with pytest.raises(crash.error):
        crash.disassemble(0)
    with pytest.raises(crash.error):
        crash.vm_areas(0)
    with pytest.raises(ValueError):
        crash.disassemble(start, 10**9)


def hits(text):
    """[(address, value)] of search's "ADDR: VALUE" lines."""
    return [(int(a, 16), int(v, 16)) for a, v in
            re.findall(r"^([0-9a-f]+): ([0-9a-f]+)", text, re.M)]


def test_swap_and_search(api, ref):
    crash = api.crash
    # the sample has no swap: crash's swap is its header alone
    assert len(ref["swap"].strip().splitlines()) == 1
    assert crash.swap_infos() == []
    sym = {n: int(ref[f"sym {n}"].split()[0], 16)
           for n in ("_sdata", "_edata", "init_task")}
    # crash searches a range starting in the kernel image twice (see
    # test_cmd_search): each of its matches once
    want = sorted(set(hits(ref["search -s _sdata -e _edata init_task"])))
    assert want and {v for _, v in want} == {sym["init_task"]}
    got = crash.search_memory([sym["init_task"]], sym["_sdata"],
                              sym["_edata"])
    assert [(a, sym["init_task"]) for a, i in got] == want
    assert {i for _, i in got} == {0}
    # a mask: the low byte does not count (crash's -m), so every exact
    # hit is found with the low byte changed, and more (init_task+N)
    low = crash.search_memory([sym["init_task"] ^ 0x7f], sym["_sdata"],
                              sym["_edata"], mask=0xff)
    assert {a for a, _ in got} < {a for a, _ in low}
    # the same in physical memory; and a limit stops early
    want = hits(ref["search -p init_task"])
    got = crash.search_memory([sym["init_task"]], space="physical")
    assert want and [(a, sym["init_task"]) for a, _ in got] == want
    assert len(crash.search_memory([sym["init_task"]], space="physical",
                                   limit=2)) == 2
    for bad in ({"size": 3}, {"space": "user"}, {"start": 5, "end": 5}):
        with pytest.raises(ValueError):
            crash.search_memory([1], **bad)
