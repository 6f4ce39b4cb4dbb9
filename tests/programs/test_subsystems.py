# SPDX-License-Identifier: GPL-2.0-or-later
"""The subsystem programs on a dump without their subsystem: they say so
(or, mdadm, print nothing) and exit cleanly; crash agrees that the
subsystem is absent.  tslog (the log with wall-clock times) and dev
(mounts' super_operations, the module table) against crash's log, mount
and mod.  sctp.py is left out: it is not valid Python 3 (a TabError)."""

import re

import pytest

import facts
from progrun import DUMP, assert_ran

CRASH = ["mod", "log", "mount", "sym scsi_bus_type", "sym all_mddevs",
         "sym dm_table_create", "sym nfs_fs_type", "sym nfsd_serv"]


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CRASH, dump=DUMP)


def modules(ref):
    return [line.split()[1] for line in ref["mod"].splitlines()[1:]
            if len(line.split()) >= 2]


def absent(ref, sym):
    return "symbol not found" in ref["sym " + sym]


@pytest.mark.parametrize("args", [(), ("-d",), ("-s",), ("-T",),
                                  ("--check",)])
def test_scsishow(run_prog, ref, args):
    assert absent(ref, "scsi_bus_type") and "scsi_mod" not in modules(ref)
    run = run_prog("scsishow.py", *args)
    assert_ran(run)
    assert "Cannot find symbolic info for <scsi_device_types>" in run.out


@pytest.mark.parametrize("args", [(), ("--client",), ("--server",),
                                  ("--rpctasks",), ("--mounts",)])
def test_nfsshow(run_prog, ref, args):
    assert absent(ref, "nfs_fs_type") and absent(ref, "nfsd_serv")
    assert not {"nfs", "nfsd"} & set(modules(ref))
    run = run_prog("nfsshow.py", *args)
    assert_ran(run)
    assert "This host is not using NFS!" in run.out


@pytest.mark.parametrize("args", [(), ("-ll",), ("--table",), ("--lvs",)])
def test_dmshow(run_prog, ref, args):
    assert absent(ref, "dm_table_create") and "dm_mod" not in modules(ref)
    run = run_prog("dmshow.py", *args)
    assert_ran(run)
    assert "device-mapper not in use" in run.out


@pytest.mark.parametrize("args", [(), ("-l",), ("-c",)])
def test_nvme(run_prog, ref, args):
    """NVMe is built in here, but no NVMe module (the program's test)
    and no controller: "not in use"."""
    assert not {"nvme", "nvme_core"} & set(modules(ref))
    run = run_prog("nvme.py", *args)
    assert_ran(run)
    assert "nvme not in use" in run.out


@pytest.mark.parametrize("args", [(), ("-d",), ("-m",)])
def test_mdadm(run_prog, ref, args):
    """No md device: the program prints nothing (as the original does)."""
    assert absent(ref, "all_mddevs")
    run = run_prog("mdadm.py", *args)
    assert_ran(run)
    body = [line for line in run.out.splitlines()
            if line.strip() and "Execution took" not in line and
            not line.lstrip().startswith(("****", "/"))]
    assert not body, run.out


def test_tslog(run_prog, ref):
    """Every line of crash's log, after a wall-clock time stamp."""
    run = run_prog("tslog.py")
    assert_ran(run)
    lines = [line for line in run.out.splitlines()
             if re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", line)]
    want = facts.crash_log_lines(ref["log"])
    assert [line[20:].rstrip() for line in lines] == \
        [w for w in want if re.match(r"\s*\[", w)]


def test_dev(run_prog, ref):
    run = run_prog("dev.py")
    assert_ran(run)
    mods = re.search(r"mod=<(.*?)>\nAfter", run.out, re.S).group(1)
    ours = [line.split()[:4] for line in mods.splitlines() if line.strip()]
    want = [line.split()[:4] for line in ref["mod"].splitlines()
            if line.strip()]
    assert ours == want
    mounts = [m[4] for m in facts.crash_mount(ref["mount"])]
    got = re.findall(r"^(/\S*)\n<struct super_operations 0x[0-9a-f]+>$",
                     run.out, re.M)
    assert got == mounts


@pytest.mark.needs("gdb x/2i SYM")
def test_fregs(run_prog, ref):
    run = run_prog("fregs.py")
    assert_ran(run)
