# SPDX-License-Identifier: GPL-2.0-or-later
"""`pykdump triage` on the sample dump (a sysrq crash of an idle 6.1
machine), every fact compared with crash 8.0.6's answer on the same dump
at test time (sys, bt, ps, runq, kmem -i, log), the --json output checked
against python/pykdump/triage_schema.json, and a --batch run over the
sample's dump formats on a local Dask cluster.

A second batch goes to a Dask scheduler given with --scheduler, whose
workers are plain Debian python3 processes of their own (as on other
machines), not children of pykdump.

The scenario dumps (deadlock, oops, lockup, OOM, a big machine) are
triaged in test_scenarios_triage.py (make test-scenarios)."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
SCHEMA = BUILD / "python" / "pykdump" / "triage_schema.json"
CMDS = ["sys", "bt", "ps", "runq", "kmem -i", "log"]
ENV = {"TZ": "UTC"}


def triage(pykdump, *args, check=True):
    r = subprocess.run([str(pykdump.bin), "triage", *map(str, args)],
                       capture_output=True, text=True, timeout=600,
                       env={**os.environ, **ENV})
    if check:
        assert r.returncode == 0, f"triage {args}: exit {r.returncode}\n" \
            f"{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CMDS)


@pytest.fixture(scope="module")
def rep(sample, pykdump):
    r = triage(pykdump, "--json", sample / "vmcore.elf", sample.vmlinux)
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def sys_fields(text):
    return dict((k.strip(), v.strip()) for k, v in
                re.findall(r"^\s*([A-Z ]+): (.*)$", text, re.M))


def test_schema_checks_reports(rep, validator):
    errors = [f"{list(e.path)}: {e.message}"
              for e in validator.iter_errors(rep)]
    assert not errors, "\n".join(errors[:20])
    # and the schema does reject what is wrong
    bad = dict(rep, panic=dict(rep["panic"], kind="meltdown"))
    assert list(validator.iter_errors(bad))
    bad = dict(rep, panic_task=dict(rep["panic_task"], task=12345))
    assert list(validator.iter_errors(bad))
    bad = {k: v for k, v in rep.items() if k != "hung_tasks"}
    assert list(validator.iter_errors(bad))


def test_dump_facts_match_crash_sys(rep, ref):
    f = sys_fields(ref["sys"])
    d = rep["dump"]
    assert d["release"] == f["RELEASE"]
    assert d["version"] == f["VERSION"]
    assert d["tasks"] == int(f["TASKS"])
    assert d["cpus"] == int(f["CPUS"].split()[0])
    assert d["load"] == [float(x) for x in f["LOAD AVERAGE"].split(",")]
    h, m, s = map(int, f["UPTIME"].split(":")[-3:])
    assert d["uptime_s"] == h * 3600 + m * 60 + s
    # crash-ref runs crash with TZ=UTC: "Sun Dec  6 18:53:22 UTC 2026"
    import time
    t = time.strptime(f["DATE"].replace("UTC ", ""), "%a %b %d %H:%M:%S %Y")
    assert d["date"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", t)


def test_panic_is_sysrq(rep, ref):
    p = rep["panic"]
    f = sys_fields(ref["sys"])
    assert p["kind"] == "sysrq"
    assert f'"{p["line"]}"' == f["PANIC"]
    assert p["message"] == f["PANIC"].strip('"').split(": ", 1)[1]
    assert p["signature"] == "|".join(
        ["sysrq", p["function"] or "-", p["module"] or "-",
         p["stack_hash"]])


def test_panic_task_is_crash_bt(rep, ref):
    m = re.search(r'^PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)\s+'
                  r'COMMAND: "(.*)"', ref["bt"], re.M)
    pt = rep["panic_task"]
    assert (pt["pid"], int(pt["task"], 16), pt["cpu"], pt["comm"]) == \
        (int(m.group(1)), int(m.group(2), 16), int(m.group(3)), m.group(4))
    assert rep["panic"]["cpu"] == pt["cpu"]
    # crash starts at panic (found by a stack scan), we at the CPU's saved
    # registers: crash's frames are ours, in order, same stack addresses
    theirs = re.findall(r"^\s*#\d+ \[([0-9a-f]+)\] (\S+) at ", ref["bt"],
                        re.M)
    ours = [(f["sp"][2:].rjust(16, "0"), f["function"])
            for f in pt["frames"]]
    it = iter(ours)
    assert all(x in it for x in theirs), (theirs, ours)


def test_cpus_match_crash_runq(rep, ref):
    cur = {int(c): int(p) for c, p in re.findall(
        r"^CPU (\d+) RUNQUEUE: \S+\n\s+CURRENT: PID: (\d+)", ref["runq"],
        re.M)}
    assert cur and {c["cpu"]: c["pid"] for c in rep["cpus"]} == cur
    for c in rep["cpus"]:
        assert c["idle"] == (c["pid"] == 0)


def test_tasks_states_match_crash_ps(rep, ref):
    un = re.findall(r"^\s*>?\s*(\d+)\s+\d+\s+\d+\s+[0-9a-f]+\s+UN\s",
                    ref["ps"], re.M)
    assert sorted(h["pid"] for h in rep["hung_tasks"]) == \
        sorted(map(int, un))
    assert rep["deadlocks"] == []


def test_memory_matches_crash_kmem_i(rep, ref):
    pages = {k.strip(): int(v) for k, v in re.findall(
        r"^\s*([A-Z ]+?)\s+(\d+)\s", ref["kmem -i"], re.M)}
    m = rep["memory"]
    assert m["total_kb"] == pages["TOTAL MEM"] * 4
    assert m["free_kb"] == pages["FREE"] * 4
    assert m["slab_kb"] == pages["SLAB"] * 4
    assert m["swap_total_kb"] == pages["TOTAL SWAP"] * 4
    assert rep["dump"]["memory_kb"] == m["total_kb"]
    assert rep["oom"] is None


def test_taint_matches_crash(rep, ref):
    tainted = "[TAINTED]" in sys_fields(ref["sys"])["KERNEL"]
    t = rep["taint"]
    assert bool(t["mask"]) == tainted
    assert bool(t["letters"]) == tainted == bool(t["flags"])


def test_log_tail_is_crash_log(rep, ref):
    text = ref["log"]
    assert rep["log"], "no error or warning lines"
    for ln in rep["log"]:
        assert f"] {ln['text']}" in text or ln["text"] in text, ln
    assert rep["log"][-1]["ts"] >= rep["log"][0]["ts"]
    assert any("sysrq triggered crash" in ln["text"] for ln in rep["log"])


def test_text_screen(sample, pykdump, rep):
    out = triage(pykdump, sample / "vmcore.elf").stdout
    assert out.startswith("pykdump triage: ")
    assert f"WHY:   {rep['summary']}" in out
    assert f"PANIC: {rep['panic']['line']}" in out
    assert f"signature {rep['panic']['signature']}" in out
    pt = rep["panic_task"]
    assert f"PANIC TASK {pt['comm']}:{pt['pid']} on CPU {pt['cpu']}" in out
    assert len(out.splitlines()) < 70


def test_demo_starts_with_triage(sample, pykdump):
    """make demo (scripts/demo) opens with triage's screen of the sample,
    the vmlinux found by the dump's build-id."""
    r = subprocess.run(["sh", str(REPO / "scripts" / "demo"),
                        str(pykdump.bin), str(sample)], capture_output=True,
                       text=True, timeout=600, env={**os.environ, **ENV})
    assert r.returncode == 0, r.stderr[-3000:]
    screen = triage(pykdump, sample / "vmcore.elf").stdout
    first = r.stdout.split("\n", 1)[1]
    assert first.startswith(screen), first[:2000]
    assert r.stdout.startswith("$ pykdump triage ")


def test_bad_input(pykdump, tmp_path):
    r = triage(pykdump, tmp_path / "nothing", check=False)
    assert r.returncode == 1 and "nothing" in r.stderr and not r.stdout
    r = triage(pykdump, check=False)
    assert r.returncode == 2 and "usage" in r.stderr


def test_batch_on_local_dask_cluster(sample, pykdump, validator, tmp_path,
                                     rep):
    """The sample's formats as a fleet: every one finds its vmlinux, all
    share one signature (the same crash), the JSON lines validate."""
    pytest.importorskip("distributed")
    dumps = [p for n, p in sample.dumps.items()
             if n in ("vmcore.elf", "vmcore.kdump", "vmcore.d31.zlib",
                      "vmcore.flat")]
    assert len(dumps) >= 3
    lst = tmp_path / "dumps.txt"
    lst.write_text("# the sample in several formats\n" +
                   "".join(f"{p}\n" for p in dumps))
    out = tmp_path / "reports.jsonl"
    r = triage(pykdump, "--batch", lst, "--jobs", "2", "--json-lines", out)
    reports = [json.loads(ln) for ln in out.read_text().splitlines()]
    assert sorted(x["dump"]["path"] for x in reports) == \
        sorted(str(p) for p in dumps)
    for x in reports:
        assert not list(validator.iter_errors(x)), x.get("error")
        assert x["panic"]["signature"] == rep["panic"]["signature"]
        assert x["dump"]["vmlinux"] == str(sample.vmlinux)
    rows = [ln.split() for ln in r.stdout.splitlines()[1:-1]]
    assert len(rows) == 1 and rows[0][0] == str(len(dumps)), r.stdout
    assert rows[0][1] == "sysrq"
    assert r.stdout.splitlines()[-1].startswith(
        f"{len(dumps)} dumps, 1 signatures")


CLUSTER = """\
import json, os, sys
from dask.distributed import Client, LocalCluster
if __name__ == "__main__":
    cl = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None)
    c = Client(cl)
    print(json.dumps({"address": cl.scheduler_address,
                      "pids": sorted(c.run(os.getpid).values())}),
          flush=True)
    sys.stdin.read()
    c.close()
    cl.close()
"""


def test_batch_on_a_scheduler(sample, pykdump, validator, tmp_path, rep):
    """--scheduler ADDR: the dumps go to the workers of a cluster that
    pykdump did not start (Debian python3 with the build's Python
    package on PYTHONPATH, as a remote machine would have it)."""
    pytest.importorskip("distributed")
    script = tmp_path / "cluster.py"
    script.write_text(CLUSTER)
    helper = subprocess.Popen(
        ["/usr/bin/python3", str(script)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(BUILD / "python")})
    try:
        line = helper.stdout.readline()
        assert line, f"no Dask cluster: {helper.stderr.read()[-3000:]}"
        cluster = json.loads(line)
        dumps = [sample / "vmcore.elf", sample / "vmcore.kdump",
                 sample / "vmcore.d31.zlib"]
        lst = tmp_path / "dumps.txt"
        lst.write_text("".join(f"{p}\n" for p in dumps))
        out = tmp_path / "reports.jsonl"
        r = triage(pykdump, "--batch", lst, "--scheduler",
                   cluster["address"], "--json-lines", out)
    finally:
        helper.stdin.close()
        try:
            helper.wait(timeout=60)
        except subprocess.TimeoutExpired:
            helper.kill()
            helper.wait()
    reports = [json.loads(ln) for ln in out.read_text().splitlines()]
    assert sorted(x["dump"]["path"] for x in reports) == \
        sorted(str(p) for p in dumps)
    for x in reports:
        assert not list(validator.iter_errors(x)), x.get("error")
        assert x["panic"]["signature"] == rep["panic"]["signature"]
        assert x["worker"]["pid"] in cluster["pids"]
        assert x["worker"]["start"] <= x["worker"]["end"]
    assert r.stdout.splitlines()[-1].startswith(
        f"{len(dumps)} dumps, 1 signatures")
