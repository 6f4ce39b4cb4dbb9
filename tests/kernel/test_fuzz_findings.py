# SPDX-License-Identifier: GPL-2.0-or-later
"""What the fuzz targets found (fuzz/RESULTS.md), replayed through the
CLI on the sample, on the normal and (with PYKDUMP_ASAN_BIN, make asan)
the sanitized build, where undefined behaviour aborts
(UBSAN_OPTIONS=halt_on_error=1).  The crashing inputs themselves are in
fuzz/corpus/<target>/ (finding-*), which every fuzz-smoke run replays.

- fuzz_expr (stop 25): a cast to a C base type the kernel's DWARF does
  not have ("(float)x", "{float} x") leaked the error of the first of
  the two lookups (the canonical spelling, then the one given): found by
  LeakSanitizer, now an error that leaks nothing (float is now one of
  gdb's built-in types, so the test casts to long double).
- fuzz_expr: a floating value turned into eval's 64-bit number was
  converted with a C cast, undefined for a negative or huge value
  ("eval (double)-3"), and so was p/x of a huge double (gdb converts
  to an integer first).  Both now convert as gdb does: C's truncation
  in range, saturated outside it, a NaN the largest.
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


# eval's numbers are unsigned 64-bit: -3 is 2^64 - 3, which as a double
# rounds to 2^64, past the range: the largest, as gdb converts (crash's
# eval has no casts; test_cmds_types::test_floats compares p with crash)
EVALS = [("(double)-3", (1 << 63) - 1),
         ("(double)-1 * 2", (1 << 63) - 1),
         ("(double)7 / 2", 3),
         ("(double)10", 10)]

PRINTS = [
    # C's conversion (truncation toward zero), then the cast
    ("p (unsigned long)(double)-3", "$1 = 18446744073709551613"),
    ("p (long)-2.5", "$2 = -2"),
    # p/x of a double converts to an integer first (gdb); past the
    # range it saturates (this was undefined behaviour): what crash says
    ("p/x -1.5", "$3 = 0xffffffffffffffff"),
    ("p/x 1e30", "$4 = 0x7fffffffffffffff"),
    ("p/x 2.75", "$5 = 0x2"),
]


def test_floating_values(binary, sample):
    """One session (each run of the sanitized CLI costs seconds)."""
    r = run(binary, sample, [f"eval {e}" for e, _ in EVALS] +
            [c for c, _ in PRINTS])
    hexes = [ln.split()[1] for ln in r.stdout.splitlines()
             if ln.startswith("hexadecimal:")]
    assert hexes == [f"{u:x}" for _, u in EVALS], (r.stdout, r.stderr)
    lines = r.stdout.splitlines()
    for cmd, want in PRINTS:
        assert want in lines, (cmd, want, r.stdout, r.stderr)


def test_cast_to_a_missing_base_type(binary, sample):
    """The leak fuzz_expr found (finding-leak-float-cast): the sanitized
    CLI reports leaks at exit, which run() fails on.  float is now one of
    gdb's built-in types; long double is still missing."""
    r = run(binary, sample, ["p (long double)jiffies",
                             "p {long double} jiffies",
                             "p (float)jiffies", "p (unsigned long)jiffies"])
    assert r.stderr.count('unknown type "long double"') == 2, r.stderr
    assert re.search(r"^\$1 = \d\.\d+e\+\d+$", r.stdout, re.M), r.stdout
    assert re.search(r"^\$2 = \d+$", r.stdout, re.M), r.stdout
