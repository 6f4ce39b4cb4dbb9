# SPDX-License-Identifier: GPL-2.0-or-later
"""Output that cannot be written (issue 20, items 7 and 17).

  * the reader of the output goes away (`pykdump ... | head -1`, or
    `CMD | head -1` in the shell): the command stops, as crash's does,
    instead of running on for minutes into the closed pipe; when that was
    pykdump's own stdout, nothing more is run and the exit status says
    the output is incomplete;
  * a full device (> /dev/full): a clear message and a non-zero status.

Each run repeats a command that writes hundreds of MB (rd of all physical
memory): a run that ignored the closed pipe would take many minutes and
fail through the timeout."""

import os
import re
import subprocess

import pytest

DUMP = "vmcore.kdump"
RD = "rd -p 0 99999999"
REPEAT = 10
LIMIT = 90      # seconds: a few RD runs at most


def argv(pykdump, sample, cmds):
    a = [str(pykdump.bin)]
    for c in cmds:
        a += ["-c", c]
    return a + [str(sample.vmlinux), str(sample / DUMP)]


def first_row(crash):
    """crash's first line of rd -p 0: the address and two words."""
    out = crash(["rd -p 0 2"], dump=DUMP)["rd -p 0 2"]
    return out.splitlines()[0].split()[:3]


def test_stdout_reader_goes_away(pykdump, sample, crash):
    p = subprocess.Popen(argv(pykdump, sample, [RD] * REPEAT + ["sys"]),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stdout.readline().decode()
    p.stdout.close()            # as head -1 does
    try:
        _, err = p.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        pytest.fail(f"still writing into a closed pipe after {LIMIT} s")
    assert line.split()[:3] == first_row(crash)
    assert p.returncode == 1        # the output is incomplete
    err = err.decode()
    assert "interrupted" not in err and "cannot write" not in err, err


def test_pipe_in_the_shell(pykdump, sample, crash):
    r = subprocess.run(argv(pykdump, sample,
                            [f"{RD} | head -1"] * REPEAT + ["sys"]),
                       capture_output=True, text=True, timeout=LIMIT)
    rows = r.stdout.splitlines()
    assert [ln.split()[:3] for ln in rows[:REPEAT]] == \
        [first_row(crash)] * REPEAT, r.stdout[:2000]
    release = re.search(r"RELEASE: (\S+)",
                        crash(["sys"], dump=DUMP)["sys"]).group(1)
    assert f"RELEASE: {release}" in r.stdout        # the shell went on
    assert "interrupted" not in r.stderr, r.stderr
    assert r.returncode == 0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_full_device(pykdump, sample):
    with open("/dev/full", "w") as full:
        r = subprocess.run(argv(pykdump, sample, ["sys", "p jiffies"]),
                           stdout=full, stderr=subprocess.PIPE, text=True,
                           timeout=LIMIT)
    assert r.returncode != 0
    assert "cannot write the output: No space left on device" in r.stderr


def test_redirect_to_a_full_device(pykdump, sample):
    r = subprocess.run(argv(pykdump, sample, ["sys > /dev/full"]),
                       capture_output=True, text=True, timeout=LIMIT)
    assert "sys: cannot write /dev/full: No space left on device" \
        in r.stderr, r.stdout + r.stderr
    assert r.returncode != 0
