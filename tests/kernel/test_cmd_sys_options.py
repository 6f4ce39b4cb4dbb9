# SPDX-License-Identifier: GPL-2.0-or-later
"""Options of net, dev, runq, timer and mod (issue 17 item 4) against
crash 8.0.6 on the sample, line by line after collapsing blanks.

What the sample cannot show: it has no block device (dev -d / -D give
crash's header only), no task with an open socket (net -s / -S give
crash's "No open sockets."), an empty ARP cache (net -a prints nothing in
both) and no tainted module (mod -t: see test_scenarios.py's oops
scenario, whose module is OE, and the 7.3 scenario dumps).  The options
crash has and we refuse fail with a message naming them.
"""
import re

import pytest

DUMP = "vmcore.elf"
SEP = "eval 0x5eb5eb5eb5eb5eb"
SEP_RE = r"hexadecimal: 5eb5eb5eb5eb5eb.*\n.*\n.*\n.*binary: .*\n"
SLEEPER = "<pid fixture-sleeper>"

SAME = [
    "net -a", "net -n", "net -n 1", f"net -s {SLEEPER}", "net -s 1",
    f"net -S {SLEEPER}", "net -s",
    "dev -d", "dev -D", "dev -i", "dev -p",
    "runq -t", "runq -T", "runq -m", "runq -g", "runq -c 0", "runq -c 1",
    "runq -t -c 1",
    "timer -r", "timer -C 0", "timer -r -C 1",
    "mod -t",
]


def run_ours(pykdump, cmds):
    argv = []
    for c in cmds:
        argv += [c, SEP]
    out = pykdump.run(argv, dump=DUMP).stdout
    parts = re.split(SEP_RE, out)
    assert len(parts) == len(cmds) + 1, out[-3000:]
    return dict(zip(cmds, parts))


@pytest.fixture(scope="module")
def both(crash, pykdump):
    run, ref = crash.symbolic(SAME, dump=DUMP)
    ours = run_ours(pykdump, [run[c] for c in SAME])
    return ref, {c: ours[run[c]] for c in SAME}


@pytest.mark.parametrize("cmd", SAME)
def test_option_matches_crash(both, compare, cmd):
    ref, ours = both
    compare(ours[cmd], ref[cmd], what=cmd)



@pytest.mark.parametrize("cmd,words", [
    ("net -R 1", ["-R", "not supported"]),
    ("runq -d", ["-d", "not supported"]),
    ("mod -r", ["-r", "not supported"]),
    ("mod -g", ["-g", "not supported"]),
    ("timer -q", ["invalid option"]),
    ("dev -x", ["invalid option"]),
    ("runq -c 9", ["invalid cpu specification"]),
    ("net -n 99999", ["invalid task or pid value"]),
    # the rest of docs/crash-options-missing.md
    ("mod -R", ["-R", "not supported"]), ("mod -o", ["-o", "not supported"]),
    ("dev -V", ["-V", "not supported"]), ("dev -v 0", ["-v", "not supported"]),
    ("bt -I 0", ["-I", "not supported"]), ("bt -S 0", ["-S", "not supported"]),
    ("bt -O", ["-O", "not supported"]),
    ("struct -u list_head 0", ["-u", "not supported"]),
    ("struct -v list_head 0", ["-v", "not supported"]),
])
def test_refused_options_fail(pykdump, cmd, words):
    r = pykdump.run([cmd], dump=DUMP)
    text = r.stdout + r.stderr
    assert r.returncode != 0, text
    for w in words:
        assert w in text, (w, text)
