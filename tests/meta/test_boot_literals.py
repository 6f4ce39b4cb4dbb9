# SPDX-License-Identifier: GPL-2.0-or-later
"""The suite holds no boot-specific kernel address (see boot_literals.py),
and the check itself finds a planted one."""
import subprocess
import sys
from pathlib import Path

import boot_literals as B

TESTS = Path(__file__).resolve().parents[1]


def test_no_unexplained_literal_in_tests():
    hits = B.scan([TESTS])
    assert not hits, "\n".join(f"{f}:{n}: {lit}: {ln}" for f, n, lit, ln in hits)


# The planted literals are put together at run time, so that this file
# itself holds none.
TASK = "ffff" + "8974029e3000"
TEXT = "ffff" + "ffff81000000"
DIRECT = "ffff" + "888000003000"


def test_planted_literal_is_found(tmp_path):
    t = tmp_path / "test_planted.py"
    t.write_text(f'CMDS = ["files {TASK}"]\n'
                 f'TASK = 0x{TASK}  # x\n'
                 f'TEXT = 0x{TEXT}  # the unslid link address, fixed\n'
                 f'ALL = 0x{"f" * 16}\n'
                 f'OVER = "1{"f" * 16}"\n')
    hits = B.scan([tmp_path])
    assert [(n, lit) for _, n, lit, _ in hits] == [(1, TASK), (2, TASK)]
    r = subprocess.run([sys.executable, B.__file__, str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "test_planted.py:1:" in r.stdout


def test_c_comments(tmp_path):
    t = tmp_path / "t.c"
    t.write_text(f"#define A 0x{TEXT}ULL /* synthetic kernel text */\n"
                 f"#define B 0x{TEXT}ULL\n"
                 f"x = 0x{DIRECT}ULL; // direct map of the fake dump\n")
    assert [n for _, n, _, _ in B.scan([t])] == [2]
