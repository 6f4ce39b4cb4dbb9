# SPDX-License-Identifier: GPL-2.0-or-later
"""sym with a very long name (issue 20, item 8): looking for it among the
symbols ("possible alternatives") once cost the name's length for every
symbol, so a 64,000-character name took 10 s on the sanitized build and
a million characters seconds on any.  Now a name longer than a symbol
is no candidate for it.  Forty one-million-character names, then a real
lookup compared with crash; a run that does not end within the
subprocess timeout fails (sanitized CLI too, with PYKDUMP_ASAN_BIN)."""

import os
import random
import re
import subprocess

import pytest

DUMP = "vmcore.kdump"
LIMIT = 60
NAMES = 40      # of a million characters: minutes of work before


@pytest.fixture(params=["cli"] + (["asan"] if os.environ.get(
    "PYKDUMP_ASAN_BIN") else []))
def binary(request, pykdump):
    return {"cli": str(pykdump.bin),
            "asan": os.environ.get("PYKDUMP_ASAN_BIN")}[request.param]


def test_sym_of_a_very_long_name(binary, sample, crash):
    rnd = random.Random(20)
    letters = str.maketrans("0123456789", "ghijklmnop")
    names = [rnd.randbytes(500_000).hex().translate(letters)
             for _ in range(NAMES)]
    script = "".join(f"sym {n}\n" for n in names) + "sym schedule\n"
    r = subprocess.run([binary, str(sample.vmlinux), str(sample / DUMP)],
                       input=script, capture_output=True, text=True,
                       timeout=LIMIT,
                       env={**os.environ, "ASAN_OPTIONS": "detect_leaks=1"})
    # a name not found is an error: on stderr, alternatives included
    errs = r.stderr.splitlines()
    for n in names:
        assert f"symbol not found: {n}" in errs
    assert errs.count("possible alternatives:") == NAMES
    assert errs.count("  (none found)") == NAMES
    ref = crash(["sym schedule"], dump=DUMP)["sym schedule"].split()[:3]
    assert r.stdout.split()[:3] == ref
    assert not re.search(r"Sanitizer|runtime error", r.stderr), \
        r.stderr[-3000:]
