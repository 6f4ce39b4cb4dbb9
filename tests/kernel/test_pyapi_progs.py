# SPDX-License-Identifier: GPL-2.0-or-later
"""PyKdump programs as commands of their own name, as the original
registers its shipped programs: every progs/NAME.py is a shell command
(help lists it), exec_crash_command("NAME args") runs it with its output
captured, and crash.register_epython_prog adds more.  The shipped
taskinfo is checked against crash 8.0.6's `ps` at test time."""

import os
import subprocess
from collections import Counter
from pathlib import Path

DUMP = "vmcore.kdump"
REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))


def run(sample, cmds, env=None, cwd=None):
    exe = os.environ.get("PYKDUMP_BIN", str(BUILD / "pykdump"))
    argv = [exe]
    for c in cmds:
        argv += ["-c", c]
    r = subprocess.run(argv + [str(sample.vmlinux), str(sample / DUMP)],
                       capture_output=True, text=True, timeout=120,
                       env=env, cwd=cwd)
    return r


def crash_ps(crash):
    rows = {}
    for line in crash(["ps"], dump=DUMP)["ps"].splitlines()[1:]:
        f = line.lstrip(">").split()
        comm = " ".join(f[8:])
        rows[int(f[3], 16)] = (int(f[0]), int(f[1]), int(f[2]), f[4],
                               comm.strip("[]") if comm.startswith("[")
                               else comm)
    return rows


def test_shipped_programs_are_commands(sample):
    progs = sorted(p.stem for p in (REPO / "progs").glob("*.py")
                   if not p.name.startswith("_"))
    assert "taskinfo" in progs
    r = run(sample, ["help", "help taskinfo"])
    assert r.returncode == 0, r.stderr
    listed = r.stdout.split("PyKdump programs")[1]
    for name in progs:
        assert any(line.split()[:1] == [name] for line in listed.splitlines()), name
    assert "taskinfo - Tasks of the dump" in r.stdout


def test_taskinfo_vs_ps(sample, crash):
    ref = crash_ps(crash)
    r = run(sample, ["taskinfo"])
    assert r.returncode == 0, r.stderr
    ours = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) >= 6 and f[0].isdigit() and len(f[3]) == 16:
            ours[int(f[3], 16)] = (int(f[0]), int(f[1]), int(f[2]), f[4],
                                   " ".join(f[5:]))
    assert ours == ref
    counts = Counter(v[3] for v in ref.values())
    want = "TASKS: {}  ".format(len(ref)) + "  ".join(
        "{}: {}".format(k, counts[k]) for k in sorted(counts))
    assert want in r.stdout.splitlines()
    # the same by its epython name, with a COMM filter
    r2 = run(sample, ["epython taskinfo fixture-sleeper"])
    rows = [line.split() for line in r2.stdout.splitlines()
            if line.split()[-1:] == ["fixture-sleeper"]]
    assert rows and all(int(x[3], 16) in ref for x in rows)


PROG = """\
from pykdump.API import *
import crash
out = exec_crash_command("taskinfo --summary")
print("CAPTURED", repr(out.strip().splitlines()[0]))
crash.register_epython_prog("mytool", "a test tool", "-x", "long help")
"""

MYTOOL = """\
import sys
from pykdump.API import *
print("MYTOOL", sys.argv[1:], sys_info.CPUS)
"""


def test_exec_crash_command_runs_program_and_register(sample, crash,
                                                      tmp_path):
    (tmp_path / "caller.py").write_text(PROG)
    (tmp_path / "mytool.py").write_text(MYTOOL)
    env = dict(os.environ, PYKDUMPPATH=str(tmp_path))
    r = run(sample, ["epython caller", "mytool a b", "help"], env=env,
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    ref = crash_ps(crash)
    cap = [line for line in lines if line.startswith("CAPTURED")]
    assert len(cap) == 1, r.stdout + r.stderr
    assert cap[0].startswith("CAPTURED 'TASKS: {}  ".format(len(ref)))
    # the nested run's text went into the returned string, not stdout
    assert not any(line.startswith("TASKS:") for line in lines)
    assert "MYTOOL ['a', 'b'] {}".format(len(
        {v[2] for v in ref.values()})) in lines
    assert any(line.split()[:1] == ["mytool"] and "a test tool" in line
               for line in lines)
