# SPDX-License-Identifier: GPL-2.0-or-later
"""`pykdump triage` on the scenario dumps (make test-scenarios; the dumps
are made on first use, see test_scenarios.py): each planted cause must be
named, as the MANIFEST records it and crash 8.0.6 sees it where it can
read the kernel:

  hung    the ABBA deadlock cycle with both kthreads and both mutexes,
          the rwsem waiter and its owner, every UN task and how long it
          has not run (crash's ps -m);
  oops    the faulting function and module, the oopsing task;
  lockup  the stuck CPU, its task and the function it spins in;
  oom     the OOM killer's invoker and the victim it would have chosen;
  scale   a sysrq crash of a 3,000-task machine.

Every report validates against triage_schema.json; a batch of all the
selected scenario dumps (every format) runs on a local 2-worker Dask
cluster and groups each scenario's dumps under one signature.

On the newest kernel (PYKDUMP_SCENARIO_RELEASE=latest), where crash
cannot read the dump, the comparisons are with the guest's own console:
the hung-task detector's call traces, the oops and lockup RIP lines.
"""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from test_scenarios import (ENV, NAMES, ScenarioDump, build, hung,  # noqa: F401
                            lockup, oom, oops, ours, ref, scale, scen)

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
SCHEMA = BUILD / "python" / "pykdump" / "triage_schema.json"
_reports = {}


def triage(pykdump, *args):
    r = subprocess.run([str(pykdump.bin), "triage", *map(str, args)],
                       capture_output=True, text=True, timeout=1800,
                       env={**os.environ, **ENV})
    assert r.returncode == 0, f"triage {args}: exit {r.returncode}\n" \
        f"{r.stderr[-3000:]}"
    return r


def report(pykdump, sd):
    if sd.dump not in _reports:
        r = triage(pykdump, "--json", sd.dump, sd.vmlinux)
        _reports[sd.dump] = json.loads(r.stdout)
    return _reports[sd.dump]


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))


def task_of(t):
    return f"{t['comm']}:{t['pid']}"


def lock_name(lk):
    return lk["symbol"].split()[0] if lk["symbol"] else None


# ------------------------------------------------------------ every scenario

def test_triage_report_valid(scen, pykdump, validator):
    rep = report(pykdump, scen)
    errors = [f"{list(e.path)}: {e.message}"
              for e in validator.iter_errors(rep)]
    assert not errors, "\n".join(errors[:20])
    m = scen.manifest
    assert rep["panic"]["message"] == m["panic"]
    assert rep["dump"]["release"] == m["release"]
    assert rep["dump"]["cpus"] == int(m["cpus"])
    assert rep["panic"]["cpu"] == int(m["panic_cpu"])
    pt = rep["panic_task"]
    assert (pt["comm"], pt["pid"]) == (m["panic_comm"], int(m["panic_pid"]))
    assert pt["error"] is None, pt["error"]
    # the module is out of tree and unsigned, and the kernel says so
    if scen.ko:
        mods = {x["name"]: x for x in rep["taint"]["modules"]}
        assert mods["pykdump_scenario"]["out_of_tree"]
        assert {"OOT_MODULE", "UNSIGNED_MODULE"} <= \
            set(rep["taint"]["flags"])


def test_triage_uptime_matches_console(scen, pykdump):
    """Uptime and date from the dump's clocks (on 7.3 too): the panic's
    printk time is the uptime; the dump was taken after the crash."""
    rep = report(pykdump, scen)
    console = (scen.path / "console.log").read_text(errors="replace")
    m = re.search(r"^\[\s*(\d+)\.\d+\] Kernel panic - not syncing", console,
                  re.M)
    assert abs(rep["dump"]["uptime_s"] - int(m.group(1))) <= 1
    import calendar
    import time
    made = calendar.timegm(time.strptime(scen.manifest["created"],
                                         "%Y-%m-%dT%H:%M:%S+0000"))
    date = calendar.timegm(time.strptime(rep["dump"]["date"],
                                         "%Y-%m-%dT%H:%M:%SZ"))
    assert made - 3600 < date <= made


# ------------------------------------------------------------ the causes

def test_triage_hung_deadlock(hung, pykdump):
    rep = report(pykdump, hung)
    m = hung.manifest
    assert rep["panic"]["kind"] == "hung_task"
    assert (rep["panic"]["function"], rep["panic"]["module"]) == \
        ("pkd_abba_thread", "pykdump_scenario")
    # the deadlock: both kthreads, both mutexes, each waiting for the
    # lock the other holds
    assert len(rep["deadlocks"]) == 1
    dl = rep["deadlocks"][0]
    assert sorted(map(task_of, dl["tasks"])) == \
        sorted(m["deadlock_tasks"].split())
    locks = dict(x.split(":") for x in m["deadlock_locks"].split())
    assert {lock_name(lk): lk["addr"] for lk in dl["locks"]} == \
        {k: v for k, v in locks.items()}
    p = hung.planted
    for t, lk in zip(dl["tasks"], dl["locks"]):
        assert lk["kind"] == "mutex"
        assert lock_name(lk) == p[f"{t['comm']}.waits"]
    # every UN task, as the guest and the hung-task detector saw them
    un = {task_of(h): h for h in rep["hung_tasks"]}
    assert set(un) == set(m["uninterruptible_tasks"].split())
    assert {k for k, h in un.items() if h["reported"]} == \
        set(m["hung_reported"].split())
    for k in m["deadlock_tasks"].split():
        assert un[k]["deadlock"] == 0
        assert un[k]["stuck_in"] == "pkd_abba_thread [pykdump_scenario]"
    # the rwsem waiter: its lock and the owner that sleeps holding it
    w = un[m["rwsem_waiter"]]
    assert w["deadlock"] is None
    b = w["blocked_on"]
    assert (b["kind"], b["mode"], lock_name(b), b["addr"]) == \
        ("rw_semaphore", "read", "pkd_rwsem", m["rwsem"].split(":")[1])
    assert task_of(b["holder"]) == m["rwsem_owner"]
    assert [task_of(x) for x in w["chain"]] == \
        [m["rwsem_waiter"], m["rwsem_owner"]]
    assert f"deadlock: " in rep["summary"]


def test_triage_hung_matches_crash(hung, pykdump, crash):
    """How long each UN task has not run: crash's ps -m; the holders:
    crash's reading of the locks' owner fields."""
    rep = report(pykdump, hung)
    pids = [h["pid"] for h in rep["hung_tasks"]]
    locks = [h["blocked_on"]["addr"] for h in rep["hung_tasks"]]
    cmds = [f"ps -m {p}" for p in pids]
    out = ref(crash, hung, cmds + ["ps"])
    for h in rep["hung_tasks"]:
        m = re.search(r"\[(\d+) (\d+):(\d+):(\d+)\.(\d+)\] \[UN\]\s+PID: "
                      rf"{h['pid']}\s", out[f"ps -m {h['pid']}"])
        assert m, out[f"ps -m {h['pid']}"]
        d, hh, mm, ss, ms = map(int, m.groups())
        crash_s = ((d * 24 + hh) * 60 + mm) * 60 + ss + ms / 1000
        assert abs(h["blocked_s"] - crash_s) < 0.002, (h, m.group(0))
    ps = {int(p): t for p, t in re.findall(
        r"^\s*>?\s*(\d+)\s+\d+\s+\d+\s+([0-9a-f]+)\s", out["ps"], re.M)}
    for h in rep["hung_tasks"]:
        assert int(h["task"], 16) == int(ps[h["pid"]], 16)
        hold = h["blocked_on"]["holder"]
        assert int(hold["task"], 16) == int(ps[hold["pid"]], 16)
    assert len(locks) == 3


def test_triage_oops(oops, pykdump):
    rep = report(pykdump, oops)
    m = oops.manifest
    p = rep["panic"]
    assert p["kind"] == "oops"
    assert (p["function"], p["module"]) == (m["oops_function"],
                                            m["oops_module"])
    assert task_of(rep["panic_task"]) == m["oops_task"]
    assert p["detail"].startswith("BUG: kernel NULL pointer dereference")
    # the exception frame is the console's RIP line
    exc = [f for f in rep["panic_task"]["frames"] if f["exception"]]
    fn, off, mod = re.fullmatch(r"(\S+)\+0x([0-9a-f]+)/0x[0-9a-f]+ "
                                r"\[(\S+)\]", m["oops_rip"]).groups()
    assert (exc[0]["function"], exc[0]["offset"], exc[0]["module"]) == \
        (fn, int(off, 16), mod)
    assert int(exc[0]["regs"]["rip"], 16) == int(exc[0]["ip"], 16)
    assert rep["summary"].startswith(
        "oops in pkd_oops_deref [pykdump_scenario]")


def test_triage_lockup(lockup, pykdump):
    rep = report(pykdump, lockup)
    m = lockup.manifest
    p = rep["panic"]
    assert p["kind"] == "soft_lockup"
    assert p["lockup_cpu"] == int(m["lockup_cpu"])
    assert (p["function"], p["module"]) == (m["lockup_function"],
                                            "pykdump_scenario")
    assert task_of(rep["panic_task"]) == m["lockup_task"]
    assert p["detail"] == m["lockup_report"]
    cpu = {c["cpu"]: c for c in rep["cpus"]}[int(m["lockup_cpu"])]
    assert f"{cpu['comm']}:{cpu['pid']}" == m["lockup_task"]


def test_triage_oom(oom, pykdump):
    rep = report(pykdump, oom)
    m = oom.manifest
    assert rep["panic"]["kind"] == "oom"
    o = rep["oom"]
    assert o["invoker"]["comm"] == m["oom_invoker"]
    assert task_of(o["victim"]) == m["oom_victim"]
    assert o["victim"]["chosen"] == "largest_badness"
    # the rss the kernel's own OOM report printed for it
    assert o["victim"]["rss_pages"] == int(m["oom_victim_rss_pages"])
    assert o["reason"] == m["panic"]
    assert rep["memory"]["swap_total_kb"] == 0


def test_triage_scale(scale, pykdump):
    rep = report(pykdump, scale)
    assert rep["panic"]["kind"] == "sysrq"
    assert rep["dump"]["tasks"] >= int(scale.manifest["scale_processes"])
    assert len(rep["cpus"]) == 4
    assert rep["hung_tasks"] == [] and rep["deadlocks"] == []


# ------------------------------------------------------------ the console

TRACE_RE = re.compile(r"^\[\s*[\d.]+\]\s+(?:\? )?(\S+?)\+0x[0-9a-f]+/"
                      r"0x[0-9a-f]+")


def console_trace(console, comm, pid):
    """The function names of the hung-task detector's call trace of a
    task ("? " guesses left out)."""
    m = re.search(rf"task:{re.escape(comm)}\s+state:D.*?pid:\s*{pid}\s"
                  r".*?<TASK>\r?\n(.*?)</TASK>", console, re.S)
    assert m, f"no call trace of {comm}:{pid} on the console"
    return [TRACE_RE.match(ln).group(1) for ln in m.group(1).splitlines()
            if TRACE_RE.match(ln) and not re.search(r"\]\s+\? ", ln)]


def test_bt_matches_console_traces(hung, pykdump):
    """Our backtrace of each reported hung task is the kernel's own call
    trace of it (what to compare with where crash cannot read 7.3)."""
    console = (hung.path / "console.log").read_text(errors="replace")
    rep = report(pykdump, hung)
    for h in rep["hung_tasks"]:
        want = console_trace(console, h["comm"], h["pid"])
        assert h["stack"] == want
        out = ours(pykdump, hung, [f"bt {h['pid']}"])[f"bt {h['pid']}"]
        frames = re.findall(r"^\s*#\d+ \[[0-9a-f]+\] (\S+) at ", out, re.M)
        assert frames == h["stack"]


# ------------------------------------------------------------ fleets

def test_batch_on_local_dask_cluster(pykdump, validator, tmp_path):
    """Every selected scenario dump, every format, as one fleet on a
    2-worker local Dask cluster: each scenario's dumps get one signature,
    scenarios that die differently different ones (ipc and scale both die
    by the init script's sysrq, on the same stack: one signature), and
    both workers take part."""
    pytest.importorskip("distributed")
    sds = [build(n) for n in NAMES]
    dumps = [(sd.name, sd.path / d) for sd in sds for d in sd.dumps]
    lst = tmp_path / "fleet.txt"
    lst.write_text("".join(f"{p}\n" for _, p in dumps))
    out = tmp_path / "fleet.jsonl"
    r = triage(pykdump, "--batch", lst, "--jobs", "2", "--json-lines", out)
    reps = {x["dump"]["path"]: x for x in
            map(json.loads, out.read_text().splitlines())}
    assert set(reps) == {str(p) for _, p in dumps}
    sig = {}
    for name, p in dumps:
        x = reps[str(p)]
        assert not list(validator.iter_errors(x)), x.get("error")
        sig.setdefault(name, set()).add(x["panic"]["signature"])
    assert all(len(s) == 1 for s in sig.values()), sig
    sig = {name: s.pop() for name, s in sig.items()}
    how = {sd.name: sd.manifest["panic"] for sd in sds}
    for a in sds:
        for b in sds:
            assert (sig[a.name] == sig[b.name]) == \
                (how[a.name] == how[b.name]), (a.name, b.name, sig, how)
    groups = {}
    for sd in sds:
        groups[how[sd.name]] = groups.get(how[sd.name], 0) + len(sd.dumps)
    assert len({x["worker"]["pid"] for x in reps.values()}) == 2 or \
        len(dumps) < 2
    table = r.stdout.splitlines()
    assert table[-1].startswith(f"{len(dumps)} dumps, {len(groups)} "
                                "signatures"), r.stdout
    counts = sorted(int(ln.split()[0]) for ln in table[1:-1])
    assert counts == sorted(groups.values())
