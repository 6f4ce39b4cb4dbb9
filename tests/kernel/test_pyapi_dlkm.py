# SPDX-License-Identifier: GPL-2.0-or-later
"""Module debuginfo through the Python API (loadModule, delModule,
lsModules) on the sample, compared with crash 8.0.6 after its own
`mod -s loop FILE` (the crash fixture's prelude): sizes and offsets of
the module-only struct loop_device vs `struct -o`, a loop device's
members vs `struct loop_device ADDR`, a module global vs `p`, the loaded
list vs `mod`; unloading makes the type unknown again, and the Python
caches that depend on types (SUInfo classes, memoize_cond(CU_LOAD)) are
dropped on every load and unload."""

import os
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"
SCALARS = ("lo_number", "lo_offset", "lo_sizelimit", "lo_flags", "lo_state",
           "lo_backing_file", "lo_device", "old_gfp_mask", "workqueue",
           "use_dio", "sysfs_inited", "lo_queue", "lo_disk", "idr_visible")


@pytest.fixture(scope="module")
def api(sample):
    sys.path.insert(0, str(BUILD / "python"))
    import pykdump
    pykdump.open(str(sample / DUMP), str(sample.vmlinux))
    import pykdump.API as api
    yield api
    api.delModule("loop")
    pykdump.close()


@pytest.fixture(scope="module")
def prelude(sample):
    found = sorted(sample.modules.rglob("loop.ko"))
    assert found, f"loop.ko not under {sample.modules}"
    return [f"mod -s loop {found[0]}"]


def loop_devices(api):
    """struct loop_device addresses, from the block devices' gendisks
    (blockdev_superblock's inodes: struct bdev_inode)."""
    sb = api.readSymbol("blockdev_superblock")
    devs = {}
    for ino in api.ListHead(api.Addr(sb, "s_inodes"), "struct inode").i_sb_list:
        bdev = api.container_of(ino, "struct bdev_inode", "vfs_inode").bdev
        disk = bdev.bd_disk
        if disk and str(disk.disk_name).startswith("loop") and \
                bdev.bd_partno == 0:
            devs[str(disk.disk_name)] = (int(disk.private_data), int(disk))
    return devs


def crash_members(text):
    """Top-level `name = value` lines of crash's `struct T ADDR`."""
    res = {}
    for line in text.splitlines():
        m = re.match(r"^  (\w+) = (.*?),?$", line)
        if m:
            res[m.group(1)] = m.group(2)
    return res


def as_crash(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v.__class__.__name__ == "StructResult" or \
            v.__class__.__name__ == "tPtr":
        return "0x{:x}".format(int(v)) if int(v) else "0x0"
    return str(int(v))


def test_load_matches_crash_mod_s(api, crash, prelude):
    from test_pyapi import parse_struct_o
    assert api.getSizeOf("struct loop_device") == -1
    assert api.member_offset("struct loop_device", "lo_disk") == -1
    assert "loop" not in api.lsModules(debuginfo=True)
    assert "loop" in api.lsModules()   # the dump's modules, as the original
    assert api.loadModule("loop")      # found in the dump's directory

    ref = crash(["struct -o loop_device", "mod", "p max_loop"], dump=DUMP,
                prelude=prelude)
    text = ref["struct -o loop_device"]
    size = int(re.search(r"SIZE: (\d+)", text).group(1))
    assert api.getSizeOf("struct loop_device") == size
    assert api.struct_size("struct loop_device") == size
    offs = parse_struct_o(text)
    assert len(offs) >= 20
    for name, off in offs.items():
        assert api.member_offset("struct loop_device", name) == off, name

    loaded = [line.split()[1] for line in ref["mod"].splitlines()[1:]
              if "(not loaded)" not in line and len(line.split()) >= 5]
    assert api.lsModules(debuginfo=True) == loaded == ["loop"]
    every = [line.split()[1] for line in ref["mod"].splitlines()[1:]
             if len(line.split()) >= 5]
    assert api.lsModules() == every
    pm = re.search(r"\$\d+ = (\d+)", ref["p max_loop"])
    assert api.readSymbol("max_loop") == int(pm.group(1))


def test_loop_device_members_vs_struct(api, crash, prelude):
    assert api.loadModule("loop")
    devs = loop_devices(api)
    assert len(devs) >= 2
    names = sorted(devs)[:3]
    cmds = ["struct loop_device {:x}".format(devs[n][0]) for n in names]
    ref = crash(cmds, dump=DUMP, prelude=prelude)
    for n, c in zip(names, cmds):
        want = crash_members(ref[c])
        ld = api.readSU("struct loop_device", devs[n][0])
        assert int(ld.lo_disk) == devs[n][1]
        assert "loop{}".format(ld.lo_number) == n
        for f in SCALARS:
            assert as_crash(getattr(ld, f)) == want[f], (n, f)
        fname = re.match(r'"(.*?)(\\000.*)?"$', want["lo_file_name"]).group(1)
        assert str(ld.lo_file_name) == fname


def test_unload_forgets_type_and_caches(api):
    calls = []

    @api.memoize_cond(api.CU_LOAD)
    def loop_size(name):
        calls.append(name)
        return api.getSizeOf(name)

    assert api.loadModule("loop")
    info = api.SUInfo("struct loop_device")
    assert "lo_disk" in info.getFnames()
    assert api.SUInfo("struct loop_device") is info      # memoized
    size = loop_size("struct loop_device")
    assert size > 0 and loop_size("struct loop_device") == size
    assert len(calls) == 1

    api.delModule("loop")
    assert api.lsModules(debuginfo=True) == []
    assert api.getSizeOf("struct loop_device") == -1
    assert api.member_offset("struct loop_device", "lo_disk") == -1
    with pytest.raises(TypeError):
        api.SUInfo("struct loop_device")                 # not the old class
    assert loop_size("struct loop_device") == -1         # recomputed
    assert len(calls) == 2
    with pytest.raises(Exception):
        api.readSU("struct loop_device", api.sym2addr("init_task")).lo_disk

    assert api.loadModule("loop")
    again = api.SUInfo("struct loop_device")
    assert again is not info and again.PYT_size == size
    assert loop_size("struct loop_device") == size       # recomputed again
    assert len(calls) == 3


def test_load_errors_keep_session(api, tmp_path):
    bad = tmp_path / "loop.ko"
    bad.write_bytes(b"\x7fELF not really")
    assert not api.loadModule("loop", str(bad))
    assert not api.loadModule("no_such_module_here")
    assert api.readSymbol("max_loop") >= 0 and api.getSizeOf("struct task_struct") > 0
