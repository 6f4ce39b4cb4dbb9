# SPDX-License-Identifier: GPL-2.0-or-later
"""The subsystem programs on a dump without their subsystem: they say so
(or, mdadm, print nothing) and exit cleanly; crash agrees that the
subsystem is absent.  tslog (the log with wall-clock times) and dev
(mounts' super_operations, the module table) against crash's log, mount
and mod.  scsi.py (scsishow's predecessor), pyctl, repl (stdin) and
PyKdumpInit (the startup file).  fregs (registers from the callers'
code through gdb's x/Ni) against crash's bt, bt -l and foreach bt.
Left out: sctp.py is not valid Python 3 (a TabError), server.py is
Python 2 (SocketServer)."""

import re

import pytest

import facts
from progrun import DUMP, assert_ran

CRASH = ["mod", "log", "mount", "sym scsi_bus_type", "sym all_mddevs",
         "sym dm_table_create", "sym nfs_fs_type", "sym nfsd_serv",
         "bt", "bt -l", "foreach bt", "foreach UN bt"]


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


@pytest.mark.parametrize("args", [(), ("-v",), ("--iscsi",), ("--hosts",),
                                  ("--devices",), ("-a",)])
def test_scsi_obsolete(run_prog, ref, args):
    """scsi.py (scsishow's obsolete predecessor) says the same."""
    assert absent(ref, "scsi_bus_type") and "scsi_mod" not in modules(ref)
    run = run_prog("scsi.py", *args)
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


def fregs_stacks(text):
    """[(header, [(level, func, caller, return address, [lines])])] of
    fregs.py: "PID: ..." headers, "#N func called from 0xADDR <caller+off>"
    frames and the lines under each."""
    out = []
    for line in text.splitlines():
        if line.startswith("PID: "):
            out.append((line, []))
            continue
        m = re.match(r"^#(\d+) (\S+) (?:called from 0x([0-9a-f]+) "
                     r"<([^+>]+)(?:\+\d+)?>)?", line)
        if m and out:
            out[-1][1].append((int(m.group(1)), m.group(2), m.group(4),
                               int(m.group(3), 16) if m.group(3) else None,
                               []))
        elif line.strip() and out and out[-1][1]:
            out[-1][1][-1][4].append(line)
    return out


def crash_frames(text):
    """[(pid, [(func, address, [lines under the frame])])] of crash's
    bt / foreach bt."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^PID:\s+(\d+)\s", line)
        if m:
            out.append((int(m.group(1)), []))
            continue
        m = re.match(r"^\s*#\d+\s+\[[0-9a-f]+\]\s+(\S+)\s+at\s+"
                     r"([0-9a-f]+)", line)
        if m and out:
            out[-1][1].append((m.group(1), int(m.group(2), 16), []))
        elif line.strip() and out and out[-1][1]:
            out[-1][1][-1][2].append(line)
    return out


def check_fregs_stack(frames, theirs, lines=False):
    """fregs' frames against crash's bt of the same task: each frame's
    caller and return address are a frame of crash's (crash's frame
    "caller at ADDR"); the exception frame's registers are crash's;
    with -l, the source line under each frame is crash's bt -l line."""
    if not theirs:
        return      # crash cannot unwind it (facts.same_stack)
    at = {(f, a): rest for f, a, rest in theirs}
    funcs = [f for f, _a, _r in theirs]
    assert facts.same_stack([f[1] for f in frames], funcs), \
        (frames, theirs)
    checked = 0
    for level, func, caller, ret, below in frames:
        if caller is None or caller not in funcs:
            continue
        assert (caller, ret) in at, (func, caller, ret)
        checked += 1
    assert checked or len(theirs) < 2
    block = re.compile(r"^\s+[A-Z][A-Z0-9_]*: [0-9a-f]+(\s|$)")
    regs = [r.strip() for f in frames for r in f[4] if block.match(r)]
    want = [r.strip() for f in theirs for r in f[2] if block.match(r)]
    assert regs == want
    if lines:
        src = {f: [r for r in rest if re.match(r"^\s+\S+: \d+$", r)]
               for f, _a, rest in theirs}
        for _level, func, _caller, _ret, below in frames:
            if src.get(func):
                assert below[0].strip() == src[func][0].strip(), func


@pytest.mark.needs("gdb x/2i SYM")
@pytest.mark.parametrize("args", [
    (), ("-a",), ("-l",), ("-r", "vfs"), ("1",),
    pytest.param("-aa", marks=pytest.mark.needs("files -d ADDR"))])
def test_fregs(run_prog, ref, args):
    """fregs.py (registers from disassembly through exec_gdb_command's
    x/Ni) of the panic task (pid 1 is that task in the sample: sysrq's
    crash from init), its frames and exception frame against crash's
    bt."""
    args = (args,) if isinstance(args, str) else args
    run = run_prog("fregs.py", *args)
    assert_ran(run)
    stacks = fregs_stacks(run.out)
    theirs = crash_frames(ref["bt -l" if "-l" in args else "bt"])
    assert len(stacks) == 1 and len(theirs) == 1
    frames = stacks[0][1]
    if args[:1] == ("-r",):
        assert frames and all("vfs" in f[1] for f in frames)
        names = [f for f, _a, _r in theirs[0][1] if "vfs" in f]
        assert [f[1] for f in frames] == names
        return
    # Registers found in the callers' code: some in the sample's stack.
    assert re.search(r"^ \+R[A-Z0-9]+: 0x[0-9a-f]+$", run.out, re.M)
    check_fregs_stack(frames, theirs[0][1], lines="-l" in args)


@pytest.mark.needs("gdb x/2i SYM")
@pytest.mark.parametrize("opt,cmd", [("-A", "foreach bt"),
                                     ("-u", "foreach UN bt")])
def test_fregs_all(run_prog, ref, opt, cmd):
    """fregs.py -A: every task's stack (crash's foreach bt), in its
    order, each checked as the panic task's; -u: those of the tasks in
    D state (none in the sample: crash's foreach UN bt agrees)."""
    run = run_prog("fregs.py", opt)
    assert_ran(run)
    ours = fregs_stacks(run.out)
    theirs = crash_frames(ref[cmd])
    assert [int(h.split()[1]) for h, _f in ours] == [p for p, _f in theirs]
    for (_h, frames), (_pid, want) in zip(ours, theirs):
        check_fregs_stack(frames, want)


@pytest.mark.parametrize("args", [(), ("-a",), ("-v", "-a")])
def test_pyctl(run_prog, args):
    """pyctl.py: the API's debug switches (pykdump.Generic.PyCtl), all
    of them with -a (each with its current and default value)."""
    run = run_prog("pyctl.py", *args)
    assert_ran(run)
    if "-a" in args:
        assert re.search(r"^  debugMemoize\b", run.out, re.M)
        assert re.search(r"currentvalue=\S+ default=\S+", run.out)


def test_startup_registrations(run_prog):
    """PyKdumpInit.py (crash's startup file registering the programs as
    commands through crash.register_epython_prog) runs through."""
    run = run_prog("PyKdumpInit.py")
    assert run.rc == 0 and "Traceback" not in run.out + run.err, str(run)


def test_repl(run_prog, ref):
    """repl.py: Python's interactive console with the API imported,
    reading stdin; the release it prints is the kernel's (crash's log's
    "Linux version" line)."""
    run = run_prog("repl.py", stdin="print('R=' + sys_info.RELEASE)\n")
    assert_ran(run)
    release = re.search(r"R=(\S+)", run.out + run.err).group(1)
    assert re.search(r"Linux version %s " % re.escape(release), ref["log"])
