# SPDX-License-Identifier: GPL-2.0-or-later
"""taskinfo.py with each option of its --help, compared with crash's ps,
ps -m and foreach bt on the same dump.

The program prints a task's state with LinuxDump's task_state_str(),
which masks the state with 0x7f (kernel-compat.diff): an idle kernel
thread, crash's ID, prints as UN, as it does under crash."""

import re

import pytest

import facts
from progrun import DUMP, assert_ran

CRASH = ["ps", "ps -m", "foreach bt", "ps -G"]

ROW = re.compile(r"^(>?)\s*(\d+)\s+(\S+)\s+(\d+)\s+(\d+)\s+([A-Z?]{2})\s+"
                 r"UID=(\d+)\s*$")


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CRASH, dump=DUMP)


def rows(out):
    """[(active, pid, comm, cpu, ran_ms, state)] of the task tables."""
    return [(m.group(1) == ">", int(m.group(2)), m.group(3),
             int(m.group(4)), int(m.group(5)), m.group(6))
            for m in map(ROW.match, out.splitlines()) if m]


def ran_ago(ps_m):
    """{(pid, cpu): ms} from crash's ps -m ("[0 00:00:03.089]")."""
    out = {}
    for m in re.finditer(r"\[(\d+) (\d+):(\d+):(\d+)\.(\d+)\] \[\w+\]\s+"
                         r"PID: (\d+)\s+TASK: [0-9a-f]+\s+CPU: (\d+)", ps_m):
        d, h, mi, s, ms = (int(x) for x in m.groups()[:5])
        out[(int(m.group(6)), int(m.group(7)))] = \
            (((d * 24 + h) * 60 + mi) * 60 + s) * 1000 + ms
    return out


def check_rows(got, ref, subset=False):
    ps = {(r[0], r[2]): r for r in facts.crash_ps(ref["ps"])}
    ago = ran_ago(ref["ps -m"])
    seen = set()
    for active, pid, comm, cpu, ms, state in got:
        key = (pid, cpu)
        row = ps[key]
        assert comm == row[7][:len(comm)], key       # COMM, cut to 15
        assert state == facts.state_as_program(row[4]), key
        # crash rounds to the millisecond, the program truncates
        assert abs(ms - ago[key]) <= 1, (key, ms, ago[key])
        seen.add(key)
    if not subset:
        assert seen == set(ps)
    return seen


def test_default(run_prog, ref):
    run = run_prog("taskinfo.py")
    assert_ran(run)
    got = rows(run.out)
    check_rows(got, ref)
    active = {(p, c) for a, p, _n, c, _m, _s in got if a}
    want = {(r[0], r[2]) for r in facts.crash_ps(ref["ps"])
            if r[2] is not None} & active
    assert len(active) == 2 and want == active


def test_verbose(run_prog, ref):
    run = run_prog("taskinfo.py", "-v")
    assert_ran(run)
    check_rows(rows(run.out), ref)
    want = facts.crash_bt(ref["foreach bt"])
    stacks = facts.program_stacks(run.out)
    assert len(stacks) == len(want)
    for pid, cpu, comm, funcs in stacks:
        assert facts.same_stack(funcs, want[(pid, cpu)][1]), (pid, funcs)


def test_summary(run_prog, ref):
    run = run_prog("taskinfo.py", "--summary")
    assert_ran(run)
    got = {}
    for value, n in facts.states_table(run.out).items():
        name = facts.state_as_crash(int(value))
        got[name] = got.get(name, 0) + n
    want = {}
    for r in facts.crash_ps(ref["ps"]):
        want[r[4]] = want.get(r[4], 0) + 1
    assert got == want
    ago = ran_ago(ref["ps -m"]).values()
    for secs, label in ((1, "last second"), (5, "last     5s"),
                        (60, "last    60s")):
        n = int(re.search(label + r"\s+(\d+)", run.out).group(1))
        assert n == sum(1 for ms in ago if ms / 1000 <= secs), label


def test_times(run_prog, ref):
    run = run_prog("taskinfo.py", "--times")
    assert_ran(run)
    got = re.findall(r"^>?\s*(\d+)\s+(\S+)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d",
                     run.out, re.M)
    assert sorted(int(p) for p, _c in got) == \
        sorted(r[0] for r in facts.crash_ps(ref["ps"]))


@pytest.mark.parametrize("args", [("--hang",), ("--maxpids=5", "--hang")])
def test_hang(run_prog, ref, args):
    run = run_prog("taskinfo.py", *args)
    assert_ran(run)
    got = rows(run.out)
    assert got and all(s == "UN" for _a, _p, _c, _cpu, _m, s in got)
    check_rows(got, ref, subset=True)
    ms = [m for _a, _p, _c, _cpu, m, _s in got]
    assert ms == sorted(ms)                 # scheduled recently first


def test_pidinfo(run_prog, ref):
    ps = facts.crash_ps(ref["ps"])
    init = [r for r in ps if r[7] == "init"][0]
    run = run_prog("taskinfo.py", "--pidinfo=%d" % init[0])
    assert_ran(run)
    assert re.search(r"^----\s+%d\(RU\) <struct task_struct 0x%x> init$"
                     % (init[0], init[3]), run.out, re.M)
    parent = [r for r in ps if r[0] == init[1]][0]
    assert "-- Parent: %d %s" % (parent[0], parent[7]) in run.out
    kids = sum(1 for r in ps if r[1] == init[0])
    assert "-- Children: %d" % kids in run.out
    assert re.search(r"^\s+cpu %d$" % init[2], run.out, re.M)


def test_taskfilter(run_prog, ref):
    run = run_prog("taskinfo.py", "--taskfilter=UN")
    assert_ran(run)
    got = rows(run.out)
    seen = check_rows(got, ref, subset=True)
    assert seen == {(r[0], r[2]) for r in facts.crash_ps(ref["ps"])
                    if r[4] in ("UN", "ID")}


def test_pstree(run_prog, ref):
    run = run_prog("taskinfo.py", "--pstree")
    assert_ran(run)
    nodes = [(c, int(p)) for c, p in
             re.findall(r"(?:-\+-|---|\|-|`-|^|\s)([^\s()|`+-][^\s()]*?)"
                        r"\((\d+)\)",
                        run.out, re.M)]
    ps = {r[0]: r for r in facts.crash_ps(ref["ps"])}
    users = {r[0] for r in ps.values() if r[5]}     # VSZ: user processes
    assert {p for _c, p in nodes} == users
    for comm, pid in nodes:
        assert ps[pid][7] == comm
    # each line's "a(1)-+-b(2)---c(3)": c's parent is b, b's is a
    for line in run.out.splitlines():
        chain = [int(p) for p in re.findall(r"\((\d+)\)", line)]
        for parent, child in zip(chain, chain[1:]):
            assert ps[child][1] == parent, line


def test_recent(run_prog, ref):
    """Every thread by pid: LinuxDump's TaskTable.allThreads() keys them
    by pid, so of the idle tasks (all pid 0) only the last CPU's is
    listed, as under crash."""
    run = run_prog("taskinfo.py", "-r")
    assert_ran(run)
    got = rows(run.out)
    seen = check_rows(got, ref, subset=True)
    ps = facts.crash_ps(ref["ps"])
    idle = max(r[2] for r in ps if r[0] == 0)
    assert seen == {(r[0], r[2]) for r in ps if r[0] or r[2] == idle}
    ms = [m for _a, _p, _c, _cpu, m, _s in got]
    assert ms == sorted(ms)


def test_cmd_files(run_prog, ref):
    run = run_prog("taskinfo.py", "--cmd=files")
    assert_ran(run)
    for r in facts.crash_ps(ref["ps"]):
        assert "crash> files %d" % r[0] in run.out
        assert re.search(r'^PID: %d\s+TASK: %x\s' % (r[0], r[3]), run.out,
                         re.M)


@pytest.mark.needs("ipcs -m")
def test_memory(run_prog, ref):
    run = run_prog("taskinfo.py", "--memory")
    assert_ran(run)


def test_ns(run_prog):
    run = run_prog("taskinfo.py", "--ns")
    assert_ran(run)
    assert "Non-standard Namespaces" in run.out


def test_version(run_prog):
    run = run_prog("taskinfo.py", "--version")
    assert_ran(run)
    assert re.search(r"^TASKINFO version \d", run.out, re.M)
