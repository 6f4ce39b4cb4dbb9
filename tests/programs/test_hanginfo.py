# SPDX-License-Identifier: GPL-2.0-or-later
"""hanginfo.py with each option of its --help, compared with crash's ps
and foreach bt: the UNINTERRUPTIBLE threads it classifies (the program's
test is the UN bit of the state, so crash's idle kernel threads, ID,
are among them) and their stacks."""

import re

import pytest

import facts
from progrun import DUMP, assert_ran

CRASH = ["ps", "foreach bt"]
NEEDS = ("foreach bt -t",)


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CRASH, dump=DUMP)


def groups(out):
    """[(functions, {pid})] of the "N stacks like that" groups."""
    res = []
    for block in re.split(r"^------- \d+ stacks like that: -+$", out,
                          flags=re.M)[1:]:
        funcs = re.findall(r"^\s+#\d+\s+(\S+)", block, re.M)
        pids = set()
        part = block.split("... PIDs ...", 1)
        if len(part) == 2:
            for line in part[1].splitlines()[1:]:
                if not re.match(r"^[\s\d]+$", line) or not line.strip():
                    break
                pids.update(int(p) for p in line.split())
        res.append((funcs, pids))
    return res


def check_classified(run, ref):
    assert_ran(run)
    ps = facts.crash_ps(ref["ps"])
    un = {r[0] for r in ps if r[4] in ("UN", "ID")}
    bts = {pid: funcs for (pid, _c), (_n, funcs) in
           facts.crash_bt(ref["foreach bt"]).items()}
    # classified by a function on their stack ("--- Doing F ---" then
    # "{pid, ...}"): crash's stack of each has F
    classified = set()
    for func, pids in re.findall(r"--- Doing (\S+) ---\n\{([\d, ]*)\}",
                                 run.out):
        for pid in (int(p) for p in pids.replace(",", " ").split()):
            assert func in bts[pid], (pid, func, bts[pid])
            classified.add(pid)
    m = re.search(r"Non-classified UN Threads \*+ (\d+) in total", run.out)
    assert int(m.group(1)) == len(un - classified)
    seen = set(classified)
    for funcs, pids in groups(run.out):
        for pid in pids:
            assert facts.same_stack(funcs, bts[pid]), (pid, funcs)
        seen |= pids
    assert seen == un


@pytest.mark.needs(*NEEDS)
@pytest.mark.parametrize("args", [(), ("-v",), ("--sortbypid",),
                                  ("--tree",), ("--maxpids=5",)])
def test_classified(run_prog, ref, args):
    check_classified(run_prog("hanginfo.py", *args), ref)


def test_syslogger(run_prog):
    """No process waits on an AF_UNIX socket in the sample."""
    run = run_prog("hanginfo.py", "--syslogger")
    assert_ran(run)
    assert "Socket we wait for" not in run.out


def test_saphana(run_prog):
    run = run_prog("hanginfo.py", "--saphana")
    assert_ran(run)
    assert "This host is _not_ running SAP HANA!" in run.out


def test_version(run_prog):
    run = run_prog("hanginfo.py", "--version")
    assert_ran(run)
    assert re.search(r"^HANGINFO version \d", run.out, re.M | re.I)
