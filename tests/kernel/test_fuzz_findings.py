# SPDX-License-Identifier: GPL-2.0-or-later
"""What the fuzz targets found (fuzz/RESULTS.md), replayed through the
CLI on the sample, on the normal and (with PYKDUMP_ASAN_BIN, make asan)
the sanitized build, where undefined behaviour aborts
(UBSAN_OPTIONS=halt_on_error=1).  The crashing inputs themselves are in
fuzz/corpus/<target>/ (finding-*), which every fuzz-smoke run replays.

- fuzz_expr: a floating value turned into eval's 64-bit number was
  converted with a C cast, undefined for a negative or huge value
  ("eval (double)-3"), and so was p/x of a huge double (gdb converts
  to an integer first).  Both now give what C's conversion gives,
  saturated where C leaves it undefined.
"""

import os
import re
import subprocess

import pytest

DUMP = "vmcore.kdump"
LIMIT = 120


@pytest.fixture(params=["cli"] + (["asan"] if os.environ.get(
    "PYKDUMP_ASAN_BIN") else []))
def binary(request, pykdump):
    return {"cli": str(pykdump.bin),
            "asan": os.environ.get("PYKDUMP_ASAN_BIN")}[request.param]


def run(binary, sample, cmds):
    r = subprocess.run([binary, str(sample.vmlinux), str(sample / DUMP)],
                       input="".join(c + "\n" for c in cmds),
                       capture_output=True, text=True, timeout=LIMIT,
                       env={**os.environ,
                            "UBSAN_OPTIONS": "halt_on_error=1:"
                                             "print_stacktrace=1"})
    assert not re.search(r"Sanitizer|runtime error", r.stderr), r.stderr
    assert r.returncode >= 0, (r.returncode, r.stderr)
    return r


@pytest.mark.parametrize("expr,u64", [
    # eval's numbers are unsigned 64-bit: -3 is 2^64 - 3, which as a
    # double rounds to 2^64, past the range: saturated
    ("(double)-3", (1 << 64) - 1),
    ("(double)-1 * 2", (1 << 64) - 1),
    ("(double)7 / 2", 3),
    ("(double)10", 10),
])
def test_eval_of_a_floating_value(binary, sample, expr, u64):
    r = run(binary, sample, [f"eval {expr}", "eval 1 + 1"])
    out = r.stdout
    assert f"hexadecimal: {u64:x} " in out, (out, r.stderr)
    # the session goes on
    assert "hexadecimal: 2 " in out, out


@pytest.mark.parametrize("cmd,want", [
    # C's conversion (truncation toward zero), then the cast
    ("p (unsigned long)(double)-3", "= 18446744073709551613"),
    ("p (long)-2.5", "= -2"),
    # p/x of a double converts to an integer first (gdb); past the
    # range it saturates (this was undefined behaviour)
    ("p/x -1.5", "= 0xffffffffffffffff"),
    ("p/x 1e30", "= 0xffffffffffffffff"),
    ("p/x 2.75", "= 0x2"),
])
def test_p_of_a_floating_value(binary, sample, cmd, want):
    r = run(binary, sample, [cmd])
    assert want in r.stdout, (r.stdout, r.stderr)
