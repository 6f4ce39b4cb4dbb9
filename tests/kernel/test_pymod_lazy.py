# SPDX-License-Identifier: GPL-2.0-or-later
"""CPython is loaded on the first epython, not at every start
(cli/pymod_loader.c): a session that runs no Python has no libpython
mapped; the first program loads it and a second reuses it; a program
whose Python module cannot be found is an error that names it, and the
session goes on."""

import re
import shutil
import subprocess

import pytest

DUMP = "vmcore.d31.zlib"
# The program's own mappings, read by a shell its "!" escape starts.
MAPS = "!grep -c -e libpython -e pykdump-python /proc/$PPID/maps || true"


def mapped(out):
    """The counts MAPS printed, in order."""
    return [int(n) for n in re.findall(r"^(\d+)$", out, re.M)]


def test_python_is_loaded_on_first_use(pykdump, tmp_path):
    prog = tmp_path / "jiffies.py"
    prog.write_text("from pykdump.API import *\n"
                    "import math\n"
                    "print('jiffies', readSymbol('jiffies'), "
                    "math.isqrt(16))\n")
    r = pykdump.run(["sys", MAPS, f"epython {prog}", MAPS,
                     f"epython {prog}", MAPS], dump=DUMP)
    assert r.returncode == 0, r.stderr
    counts = mapped(r.stdout)
    assert len(counts) == 3, r.stdout
    assert counts[0] == 0, "libpython mapped before any Python ran"
    assert counts[1] > 0 and counts[2] == counts[1], counts
    # math is an extension module of Debian's lib-dynload: it takes
    # libpython's symbols from the global scope
    assert len(re.findall(r"^jiffies \d+ 4$", r.stdout, re.M)) == 2, \
        r.stdout


def test_missing_python_module_is_an_error(pykdump, tmp_path):
    """The program alone, without pykdump-python.so beside it (and none
    installed): epython fails and says why, other commands still run."""
    if not (pykdump.bin.parent / "pykdump-python.so").exists():
        pytest.fail("pykdump-python.so is not built beside the program")
    lone = tmp_path / "pykdump"
    shutil.copy2(pykdump.bin, lone)
    argv = pykdump.argv(["epython -c 'print(1)'", "sys"], dump=DUMP)
    r = subprocess.run([str(lone)] + argv[1:], capture_output=True,
                       text=True, errors="replace", timeout=300)
    assert r.returncode != 0
    assert re.search(r"^epython: cannot load Python support: "
                     r"pykdump-python\.so not found beside the program",
                     r.stderr, re.M), r.stderr
    assert re.search(r"^\s+KERNEL: ", r.stdout, re.M), r.stdout
