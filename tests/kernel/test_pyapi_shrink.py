# SPDX-License-Identifier: GPL-2.0-or-later
"""The Python API on a dump that shrinks under it (issue 19): a program
that opened a copy of the dump with pykdump.open() cuts it short, then
reads across the machine's memory.  It must get crash.error naming the
file and an offset for what is gone (SIGBUS killed the interpreter
before), read what is left, and live on.  make asan-python runs it on the
ASan-built extension."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_shrink import PROG, check_program_output

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))

PRELUDE = """\
import sys
sys.path.insert(0, sys.argv[1])
import pykdump
pykdump.open(sys.argv[2], sys.argv[3])
sys.argv = [sys.argv[0], sys.argv[2]]
"""


def test_python_api_cuts_its_dump(sample, tmp_path):
    dump = tmp_path / "vmcore.d31.zlib"
    shutil.copyfile(sample / "vmcore.d31.zlib", dump)
    code = PRELUDE + PROG
    r = subprocess.run([sys.executable, "-c", code, str(BUILD / "python"),
                        str(dump), str(sample.vmlinux)],
                       capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, \
        f"exit {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    check_program_output(r.stdout, dump)
