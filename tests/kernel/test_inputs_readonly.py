# SPDX-License-Identifier: GPL-2.0-or-later
"""What a session reads, it does not change (issue 19, item 5).

A full session (many commands, a module's debuginfo loaded, a Python
program) on the sample's dump and vmlinux and a module .ko: while it waits
for its next command, every descriptor it holds on those files and on the
DWARF index cache is open read-only and every mapping of them is read-only
or private; after it, their size, mtime, inode and checksum are what they
were.  Two processes starting cold on one cache directory at once both
answer, and leave one valid cache for the next."""

import hashlib
import os
import re
import shutil
import subprocess
import time

import pytest

DUMP = "vmcore.kdump"
TIMEOUT = 300

PROG = """\
from pykdump.API import *
head = sym2addr("init_task") + member_offset("task_struct", "tasks")
ts = readSUListFromHead(head, "tasks", "struct task_struct")
print("PROG tasks", len(ts), readSymbol("init_task").comm)
print("PROG jiffies", readSymbol("jiffies") > 0)
print("PROG ps", len(exec_crash_command("ps").splitlines()))
"""


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def identity(path, ctime=True):
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino,
            st.st_ctime_ns if ctime else None)


def held(pid, paths):
    """[(what, flags or perms)] of pid's descriptors and mappings of
    paths."""
    real = {os.path.realpath(p) for p in paths}
    fds, maps = [], []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target in real:
            info = open(f"/proc/{pid}/fdinfo/{fd}").read()
            flags = int(re.search(r"^flags:\s+(\d+)", info, re.M).group(1),
                        8)
            fds.append((target, flags))
    for ln in open(f"/proc/{pid}/maps"):
        parts = ln.split(None, 5)
        if len(parts) == 6 and parts[5].strip() in real:
            maps.append((parts[5].strip(), parts[1]))
    return fds, maps


def test_a_full_session_changes_nothing(pykdump, sample, tmp_path):
    ko = tmp_path / "dummy.ko"
    shutil.copy2(sample.modules / "kernel/drivers/net/dummy.ko", ko)
    cache = tmp_path / "cache"
    env = {**os.environ, "PYKDUMP_CACHE_DIR": str(cache)}
    argv = [str(pykdump.bin), str(sample.vmlinux), str(sample / DUMP)]
    warm = subprocess.run(argv, input="sys\n", capture_output=True,
                          text=True, timeout=TIMEOUT, env=env)
    assert warm.returncode == 0, warm.stderr
    caches = sorted((cache / "index").iterdir())
    assert len(caches) == 2, caches			# index and symbols
    prog = tmp_path / "prog.py"
    prog.write_text(PROG)
    shared = [sample.vmlinux, sample / DUMP]	# the sample's own
    private = [ko, *caches]
    before = {p: identity(p, ctime=False) for p in shared}
    before.update({p: identity(p) for p in private})
    sums = {p: digest(p) for p in private}
    cmds = ["sys", "ps", "bt -a", "log", "mod", f"mod -s dummy {ko}",
            "sym dummy_validate", "whatis struct net_device", "files 1",
            "net", "mount", "dev", "runq", "timer", "rd -p 0x1000 8",
            "dumpinfo", "p jiffies", "task 1", "sym schedule",
            f"epython {prog}", "help | echo READY"]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    try:
        p.stdin.write("".join(c + "\n" for c in cmds))
        p.stdin.flush()
        out = []
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            ln = p.stdout.readline()
            assert ln, "the session ended early:\n" + "".join(out[-50:])
            out.append(ln)
            if ln.strip() == "READY":
                break
        # waiting for its next command: what does it hold, and how?
        fds, maps = held(p.pid, shared + private)
    finally:
        rest, err = p.communicate("", timeout=TIMEOUT)
    out = "".join(out) + rest
    assert p.returncode == 0 or "PROG ps" in out, err[-3000:]
    assert "PROG tasks" in out and "PROG ps" in out, out[-3000:]
    assert "dummy_validate" in out
    assert maps, "nothing mapped?"
    for path, flags in fds:
        assert flags & os.O_ACCMODE == os.O_RDONLY, (path, oct(flags))
    for path, perms in maps:
        # read-only, or private (a module's relocations are ours alone)
        assert "w" not in perms or perms[3] == "p", (path, perms)
    # /proc names the files by their real paths (a sample directory may be
    # a symbolic link)
    assert {m for m, _ in maps} >= {os.path.realpath(sample.vmlinux),
                                    os.path.realpath(sample / DUMP)}
    for path in shared:
        assert identity(path, ctime=False) == before[path], path
    for path in private:
        assert identity(path) == before[path], path
        assert digest(path) == sums[path], path
    # the sample's files against their manifest (the sample is never
    # written by anyone: a mismatch is a damaged sample)
    for path in shared:
        assert digest(path) == sample.manifest[f"{path.name}.sha256"], path


def test_two_cold_starts_at_once(pykdump, sample, tmp_path):
    """Both build the index at the same moment into one cache directory:
    both answer alike, one valid cache stays, which the next start
    uses."""
    cache = tmp_path / "cache"
    env = {**os.environ, "PYKDUMP_CACHE_DIR": str(cache)}
    cmds = "".join(c + "\n" for c in
                   ["sys", "whatis struct sk_buff", "sym schedule",
                    "p max_threads", "ps | tail -3"])
    argv = [str(pykdump.bin), str(sample.vmlinux), str(sample / DUMP)]
    procs = [subprocess.Popen(argv, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
    outs = [p.communicate(cmds, timeout=TIMEOUT) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "sk_buff" in out and "RELEASE:" in out
    assert outs[0][0] == outs[1][0]
    names = sorted(p.name for p in (cache / "index").iterdir())
    assert len(names) == 2 and names[1] == names[0] + ".symtab", names
    files = sorted((cache / "index").iterdir())
    stamps = [f.stat().st_mtime_ns for f in files]
    third = subprocess.run(argv, input=cmds, capture_output=True, text=True,
                           timeout=TIMEOUT, env=env)
    assert third.returncode == 0 and third.stdout == outs[0][0]
    assert not third.stderr.strip(), third.stderr	# no "rebuilt" note
    assert [f.stat().st_mtime_ns for f in files] == stamps, \
        "the next start did not use the cache"
