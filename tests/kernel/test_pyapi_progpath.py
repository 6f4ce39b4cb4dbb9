# SPDX-License-Identifier: GPL-2.0-or-later
"""How programs run (issue 14): the directories of $PYKDUMPPATH are on
sys.path, as the original put them there (the programs import their
library, LinuxDump/, from them); a command that fails under
exec_crash_command_bg raises crash.error instead of returning its error
text as if it were an answer."""

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("PYKDUMP_BIN", REPO / "build" / "pykdump"))
DUMP = "vmcore.kdump"

PROG = """\
from pykdump.API import *
import mylib
print("LIB", mylib.VALUE)
try:
    out = exec_crash_command_bg("no_such_command_anywhere")
    print("NO ERROR", repr(out))
except crash.error as e:
    print("ERROR", str(e).splitlines()[0])
print("SYS", "RELEASE" in exec_crash_command_bg("sys"))
"""


def test_pykdumppath_and_bg_errors(sample, tmp_path):
    lib = tmp_path / "lib"
    (lib / "mylib").mkdir(parents=True)
    (lib / "mylib" / "__init__.py").write_text("VALUE = 42\n")
    progs = tmp_path / "progs"
    progs.mkdir()
    (progs / "prog.py").write_text(PROG)
    env = dict(os.environ, PYKDUMPPATH=str(lib))
    r = subprocess.run([str(BIN), "run", str(sample.vmlinux),
                        str(sample / DUMP), "prog.py"], cwd=progs, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "LIB 42" in r.stdout
    assert "ERROR pykdump: command not found: no_such_command_anywhere" \
        in r.stdout, r.stdout
    assert "SYS True" in r.stdout
    assert "Traceback" not in r.stderr
