# SPDX-License-Identifier: GPL-2.0-or-later
"""_epython.run without a dump: a program run from another one (as
exec_crash_command("NAME") does) writes to the given writer, not stdout,
gets its own argv, and leaves the caller's sys.argv and sys.stdout; a
KeyboardInterrupt prints its traceback and gives status 130."""

CODE = r'''
import sys
from pykdump import _epython

inner = sys.argv[1]
outer = sys.argv[2]
got = []
rc = _epython.run([inner, "x", "y"], got.append)
print("RC", rc, repr("".join(got)), sys.argv[1:] == [inner, outer])
_epython._depth = 1          # as inside a running program
got2 = []
rc = _epython.run([outer], got2.append)
print("NESTED", rc, repr("".join(got2)))
'''


def test_nested_run_output_and_interrupt(run_python, tmp_path):
    inner = tmp_path / "inner.py"
    inner.write_text("import sys\nprint('INNER', sys.argv[1:])\n")
    outer = tmp_path / "intr.py"
    outer.write_text("raise KeyboardInterrupt\n")
    r = run_python(CODE, str(inner), str(outer))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "RC 0 \"INNER ['x', 'y']\\n\" True" in lines, r.stdout
    assert "NESTED 130 ''" in lines, r.stdout
    assert "INNER" not in "".join(l for l in lines if not l.startswith("RC"))
    assert "Traceback" in r.stderr and "KeyboardInterrupt" in r.stderr
