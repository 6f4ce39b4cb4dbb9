# SPDX-License-Identifier: GPL-2.0-or-later
"""Objects of the Python API outliving their dump (issue 20, item 1).

A StructResult, tPtr, tEnum or TypeReader points into its session's type
model.  Used after pykdump.close(), or after pykdump.open() of a second
dump, it once read freed memory (SIGSEGV); now the session stays alive as
long as such an object does, and using the object raises
crash.NoDumpError, naming the type and saying the dump is gone.  Reading
afresh from the new dump works and agrees with crash.

Each scenario runs in a fresh interpreter: a crash there must fail the
test, not take pytest down."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"
SECOND = "vmcore.elf"

PRELUDE = """\
import gc, os, sys
sys.path.insert(0, sys.argv[1])
import pykdump
dump, second, vmlinux = sys.argv[2:5]
pykdump.open(dump, vmlinux)
from pykdump.API import *
import crash

t = readSU("struct task_struct", sym2addr("init_task"))
print("COMM", t.comm)               # read once: cached field and bytes
objs = {
    "known field": lambda: t.comm,
    "new field": lambda: t.pid,
    "struct pointer": lambda: t.parent,
    "embedded struct": lambda: t.tasks,
    "castTo": lambda: t.castTo("struct list_head"),
    "tPtr deref": (lambda p: lambda: p.Deref)(t.stack),
    "tPtr ptype": (lambda p: lambda: p.ptype)(t.stack),
    "reader members": (lambda r: lambda: r.members())(t.PYT_reader),
    "pointer target": (lambda r: lambda: r.target)(
        crash.type_reader("struct task_struct *")),
}
addr = int(t)
# a value already read stays what it is, its name included (no dump read)
state = readSymbol("system_state")


def held(path):
    # descriptors and mappings of path in this process
    real = os.path.realpath(path)
    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            n += os.path.realpath(f"/proc/self/fd/{fd}") == real
        except OSError:
            pass
    with open("/proc/self/maps") as maps:
        return n + sum(line.rstrip().endswith(real) for line in maps)


def check_refused():
    for what, use in objs.items():
        try:
            v = use()
        except crash.NoDumpError as e:
            print("REFUSED", what, "|", e)
        else:
            print("ANSWERED", what, repr(v))
    print("INT", int(t) == addr)
    print("ENUM", repr(state))
"""

CLOSE = PRELUDE + """\
pykdump.close()
check_refused()
print("OPEN-WHILE-HELD", held(dump) > 0, held(vmlinux) > 0)
del t, objs, state
gc.collect()
print("OPEN-AFTER-DROP", held(dump) > 0, held(vmlinux) > 0)
"""

REOPEN = PRELUDE + """\
pykdump.open(second, vmlinux)
check_refused()
t2 = readSU("struct task_struct", sym2addr("init_task"))
print("FRESH", t2.pid, t2.comm, int(t2.tasks.next))
"""


def run(code, sample):
    r = subprocess.run(
        [sys.executable, "-c", code, str(BUILD / "python"),
         str(sample / DUMP), str(sample / SECOND), str(sample.vmlinux)],
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, \
        f"exit {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


def assert_all_refused(out):
    refused = [ln for ln in out.splitlines() if ln.startswith("REFUSED")]
    answered = [ln for ln in out.splitlines() if ln.startswith("ANSWERED")]
    assert not answered, "\n".join(answered)
    assert len(refused) == 9, out
    for ln in refused:
        assert "no longer open" in ln, ln
    assert "INT True" in out
    assert "ENUM SYSTEM_" in out        # the name of a value read before


def test_objects_after_close(sample, crash):
    out = run(CLOSE, sample)
    comm = crash(["p init_task.comm"], dump=DUMP)["p init_task.comm"]
    assert out.splitlines()[0].split()[1] in comm
    assert_all_refused(out)
    # the session is kept for the objects, and closed once they are gone
    assert "OPEN-WHILE-HELD True True" in out
    assert "OPEN-AFTER-DROP False False" in out


def test_objects_after_open_of_another_dump(sample, crash):
    out = run(REOPEN, sample)
    assert_all_refused(out)
    ref = crash(["p init_task.pid", "p init_task.comm",
                 "p init_task.tasks.next"], dump=SECOND)
    fresh = [ln for ln in out.splitlines() if ln.startswith("FRESH")][0]
    _, pid, comm, nxt = fresh.split()
    assert ref["p init_task.pid"].split("=")[-1].strip() == pid
    assert f'"{comm}' in ref["p init_task.comm"]
    assert int(nxt) == int(ref["p init_task.tasks.next"].split()[-1], 16)


@pytest.mark.parametrize("code", ["close", "reopen"])
def test_session_switch_leaves_no_error_behind(sample, code):
    """Switching sessions twice in a row, with objects of each alive, and
    then reading them, never crashes (valgrind and the ASan-built
    extension see the memory errors: make asan-python)."""
    body = PRELUDE + ("pykdump.close()\n" if code == "close" else
                      "pykdump.open(second, vmlinux)\n") + """\
u = readSU("struct task_struct", sym2addr("init_task")) \\
    if crash.dump_is_open() else None
pykdump.open(dump, vmlinux)
pykdump.open(second, vmlinux)
check_refused()
pykdump.close()
print("DONE", u is None or int(u) == addr)
"""
    out = run(body, sample)
    assert "DONE True" in out
    assert_all_refused(out)
