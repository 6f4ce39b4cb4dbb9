# SPDX-License-Identifier: GPL-2.0-or-later
"""Time budgets stop epython programs (issue 20, item 6): the shell's
--timeout covers an epython command like any other, and epython
--timeout=N (or pykdump run ... --timeout=N) bounds the program's run.
A program spinning in pure Python, or calling a command that would run
for minutes, is stopped as Ctrl-C stops it (the cancel hook), the timeout
is reported, and the shell goes on: `sys` after it answers as crash's
does, and a later program runs to its end.  A budget that does not stop
the program fails through the subprocess timeout."""

import os
import re
import subprocess
from pathlib import Path

import pytest

DUMP = "vmcore.kdump"
REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
LIMIT = 120     # seconds: far beyond any budget below

SPIN = """\
from pykdump.API import *
print("SPINNING", flush=True)
n = 0
while True:
    n += 1
"""

# rd of all physical memory, again and again (it fails at a hole)
SPIN_CMD = """\
from pykdump.API import *
print("COMMANDING", flush=True)
while True:
    try:
        exec_crash_command("rd -p 0 99999999")
    except crash.error:
        pass
"""

AFTER = """\
from pykdump.API import *
print("AFTER-RAN", sys_info.RELEASE)
"""


@pytest.fixture
def progs(tmp_path):
    for name, text in (("spin", SPIN), ("spincmd", SPIN_CMD),
                       ("after", AFTER)):
        (tmp_path / f"{name}.py").write_text(text)
    return tmp_path


def shell(sample, argv_opts, cmds):
    exe = os.environ.get("PYKDUMP_BIN", str(BUILD / "pykdump"))
    argv = [exe] + list(argv_opts)
    for c in cmds:
        argv += ["-c", c]
    return subprocess.run(argv + [str(sample.vmlinux), str(sample / DUMP)],
                          capture_output=True, text=True, errors="replace",
                          timeout=LIMIT)


def release(crash):
    out = crash(["sys"], dump=DUMP)["sys"]
    return re.search(r"RELEASE: (\S+)", out).group(1)


@pytest.mark.parametrize("prog", ["spin", "spincmd"])
def test_shell_timeout_stops_epython(sample, crash, progs, prog):
    r = shell(sample, ["--timeout", "2"],
              [f"epython {progs}/{prog}.py", "sys",
               f"epython {progs}/after.py"])
    assert "epython: timed out after 2 s" in r.stderr, r.stderr
    assert "*** timed out after 2 s" in r.stderr
    assert "KeyboardInterrupt" not in r.stderr     # not reported as Ctrl-C
    assert f"RELEASE: {release(crash)}" in r.stdout
    assert f"AFTER-RAN {release(crash)}" in r.stdout


@pytest.mark.parametrize("prog", ["spin", "spincmd"])
def test_epython_timeout_option(sample, crash, progs, prog):
    r = shell(sample, [], [f"epython --timeout=2 {progs}/{prog}.py", "sys",
                           f"epython {progs}/after.py"])
    assert "*** timed out after 2 s" in r.stderr, r.stderr
    assert "epython: timed out after 2 s" in r.stderr
    assert f"RELEASE: {release(crash)}" in r.stdout
    # the budget was that run's: the next program has none
    assert f"AFTER-RAN {release(crash)}" in r.stdout


def test_pykdump_run_timeout_option(sample, progs):
    exe = os.environ.get("PYKDUMP_BIN", str(BUILD / "pykdump"))
    r = subprocess.run([exe, "run", str(sample.vmlinux), str(sample / DUMP),
                        f"{progs}/spin.py", "--timeout=1"],
                       capture_output=True, text=True, timeout=LIMIT)
    assert "SPINNING" in r.stdout
    assert "*** timed out after 1 s" in r.stderr, r.stderr
    assert r.returncode == 124
