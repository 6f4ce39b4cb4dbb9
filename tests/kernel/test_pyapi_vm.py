# SPDX-License-Identifier: GPL-2.0-or-later
"""Address-space helpers of the Python API on the sample, compared with
crash 8.0.6 at test time: uvtop and phys_to_page vs `vtop -c PID ADDR`,
get_pathname across mount points vs `mount` and `files`, and per-CPU
variables (readSymbol gives the per-CPU base object, get_cpu_var and
percpu_ptr the CPUs' copies) vs `p`."""

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
    pykdump.close()


def user_task(crash, comm="fixture-sleeper"):
    out = crash([f"ps {comm}"], dump=DUMP)[f"ps {comm}"]
    row = out.splitlines()[1].lstrip(">").split()
    return int(row[0]), int(row[3], 16)


def test_uvtop_and_phys_to_page_vs_vtop(api, crash):
    pid, task = user_task(crash)
    mm = api.readSU("struct task_struct", task).mm
    addrs = [int(mm.arg_start), int(mm.start_code), int(mm.start_code) + 0x123,
             int(mm.start_stack)]
    cmds = [f"vtop -c {pid} {a:x}" for a in addrs]
    out = crash(cmds, dump=DUMP)
    checked = 0
    for a, c in zip(addrs, cmds):
        text = out[c]
        m = re.search(r"^%x\s+(\S+)" % a, text, re.M)
        assert m, text
        if m.group(1) == "(not":
            with pytest.raises(api.crash.error):
                api.uvtop(task, a)
            continue
        pa = int(m.group(1), 16)
        assert api.uvtop(task, a) == pa, c
        page = re.search(r"^\s*PAGE\s+PHYSICAL.*\n\s*([0-9a-f]+)\s", text, re.M)
        assert page, text
        assert api.phys_to_page(pa) == int(page.group(1), 16), c
        checked += 1
    assert checked >= 3


def test_uvtop_kernel_thread_and_unmapped(api, crash):
    _pid, task = user_task(crash)
    with pytest.raises(api.crash.error):
        api.uvtop(task, 0x1000)        # below every user mapping
    kthread = api.readSymbol("init_task")   # swapper: no mm
    with pytest.raises(api.crash.error, match="no user address space"):
        api.uvtop(kthread, 0x400000)


def test_get_pathname_vs_mount(api, crash):
    rows = crash(["mount"], dump=DUMP)["mount"].splitlines()[1:]
    assert len(rows) >= 4
    for line in rows:
        f = line.split()
        mnt = api.readSU("struct mount", int(f[0], 16))
        vfs = mnt.mnt
        # the root of a mount seen through it is its mount point
        assert api.get_pathname(vfs.mnt_root, vfs) == f[-1], line


def test_get_pathname_vs_files(api, crash):
    pid = 1
    out = crash([f"files {pid}"], dump=DUMP)[f"files {pid}"]
    rows = [r.split() for r in out.splitlines()
            if re.match(r"^\s*\d+ [0-9a-f]{8,} ", r)]
    assert rows
    for r in rows:
        f = api.readSU("struct file", int(r[1], 16))
        assert api.get_pathname(f.f_path.dentry, f.f_path.mnt) == r[5], r


def test_percpu_symbol_vs_p(api, crash):
    out = crash(["p runqueues"], dump=DUMP)["p runqueues"]
    ref = [int(x, 16) for x in re.findall(r"^\s*\[\d+\]: ([0-9a-f]+)", out,
                                          re.M)]
    assert len(ref) == api.sys_info.CPUS
    base = api.readSymbol("runqueues")
    # the original's readSymbol: the object at the symbol's (per-CPU
    # offset) address, typed; the CPUs' copies through the per-CPU API
    assert isinstance(base, api.StructResult)
    assert int(base) == api.sym2addr("runqueues")
    assert base.PYT_symbol == "struct rq"
    assert api.get_cpu_var("runqueues") == ref
    for cpu, addr in enumerate(ref):
        rq = api.percpu_ptr(base, cpu)
        assert int(rq) == addr and rq.cpu == cpu
