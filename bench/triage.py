#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/triage.py [BUILD_DIR] [SAMPLE_DIR]: `pykdump triage` on the scale
scenario dump (4 CPUs, 2 GB, 3,000+ tasks; scripts/make-sample-dump
--scenario scale, found as ~/.cache/pykdump/scenario-scale-RELEASE with
the sample's release, or $PYKDUMP_SCALE_DIR), in one run:

  triage     best wall time of 3 (start-up included), text and --json;
  crash      crash 8.0.6 (scripts/crash-ref --no-cache, one session, one
             run) running what a person types for the same facts: sys,
             bt, ps, foreach UN bt, kmem -i, log;
  crashinfo  the original PyKdump crashinfo.py (../shared/pykdump-
             original, patched with tests/programs/kernel-compat.diff when
             the repository has it) on our engine, best of 3; reported
             as n/a with the reason when it cannot run on our engine;
  batch      --batch over 10 dumps (the scenario dumps of the release in
             every format, then the sample's) with --jobs 1 and --jobs 2:
             wall time (Dask's start included), the CPU time the workers
             spent on the dumps, how many worker processes took dumps, and
             the share of the batch during which two workers were busy at
             once (from the reports' worker start/end times).

Nothing is asserted: these are measurements to read.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]
build = Path(sys.argv[1] if len(sys.argv) > 1 else TOP / "build").resolve()
sample = Path(sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else
              os.environ.get("PYKDUMP_SAMPLE_DIR") or
              Path.home() / ".cache/pykdump/sample-6.1.0-56-cloud-amd64"
              ).resolve()
pk = build / "pykdump"
CACHE = Path.home() / ".cache" / "pykdump"
CRASH_CMDS = ["sys", "bt", "ps", "foreach UN bt", "kmem -i", "log"]


def manifest(d):
    m = {}
    for ln in (Path(d) / "MANIFEST").read_text().splitlines():
        if "=" in ln and not ln.startswith("#"):
            k, v = ln.split("=", 1)
            m[k] = v
    return m


def run(argv, env=None, cwd=None):
    """(wall seconds, user+sys CPU seconds of the process tree, rc,
    stderr tail)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env, cwd=cwd)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return wall, ru.ru_utime + ru.ru_stime, p.returncode, tail[0]


def best(argv, n=3, **kw):
    rs = [run(argv, **kw) for _ in range(n)]
    return min(rs, key=lambda r: r[0])


def main():
    if not pk.exists():
        sys.exit(f"triage.py: {pk} not built")
    release = manifest(sample)["release"]
    scale = Path(os.environ.get("PYKDUMP_SCALE_DIR") or
                 CACHE / f"scenario-scale-{release}")
    if not (scale / "MANIFEST").exists():
        sys.exit(f"triage.py: no scale dump in {scale} (make it with "
                 f"scripts/make-sample-dump --scenario scale)")
    sm = manifest(scale)
    dump, vmlinux = scale / sm["dumps"].split()[0], scale / "vmlinux"
    print(f"scale dump: {dump} ({sm['cpus']} CPUs, {sm['memory']}, "
          f"{sm.get('scale_processes', '?')} processes)")

    # TRIAGE_BENCH_PARTS: a subset of "crash crashinfo batch"
    parts = os.environ.get("TRIAGE_BENCH_PARTS",
                           "crash crashinfo batch").split()
    ours = best([str(pk), "triage", str(dump), str(vmlinux)])
    ours_j = best([str(pk), "triage", "--json", str(dump), str(vmlinux)])
    ref = run(["/usr/bin/python3", str(TOP / "scripts" / "crash-ref"),
               "--no-cache", "--vmlinux", str(vmlinux), str(dump)]
              + CRASH_CMDS) if "crash" in parts else \
        (float("nan"), float("nan"), 0, "")
    print(f"\n{'what':<40} {'wall':>8} {'CPU':>8} {'crash/this':>11}"
          f" {'(CPU)':>7}")
    for name, r in (("pykdump triage", ours),
                    ("pykdump triage --json", ours_j),
                    ("crash: " + ", ".join(CRASH_CMDS), ref)):
        note = "" if r[2] == 0 else f"  (exit {r[2]}: {r[3]})"
        print(f"{name[:40]:<40} {r[0]:7.2f}s {r[1]:7.2f}s "
              f"{ref[0] / r[0]:10.1f}x {ref[1] / r[1]:6.1f}x{note}")

    if "crashinfo" in parts:
        crashinfo(dump, vmlinux, ours, ref)
    if "batch" in parts:
        batch(release)


def crashinfo(dump, vmlinux, ours, ref):
    """The original crashinfo on our engine."""
    orig = Path(os.environ.get("PYKDUMP_ORIGINAL",
                               TOP.parent / "shared" / "pykdump-original"))
    diff = TOP / "tests" / "programs" / "kernel-compat.diff"
    with tempfile.TemporaryDirectory() as tmp:
        if (orig / "progs" / "crashinfo.py").exists():
            for d in ("LinuxDump", "progs"):
                shutil.copytree(orig / d, Path(tmp) / d)
            if diff.exists():
                subprocess.run(["patch", "-s", "-p1",
                                "--no-backup-if-mismatch", "-i", str(diff)],
                               cwd=tmp, check=True)
            env = {**os.environ, "PYKDUMPPATH": tmp, "TZ": "UTC",
                   "LC_ALL": "C.UTF-8"}
            ci = best([str(pk), "run", str(vmlinux), str(dump),
                       "crashinfo.py"], env=env, cwd=Path(tmp) / "progs")
            if ci[2] == 0:
                print(f"{'crashinfo.py on our engine':<40} {ci[0]:7.2f}s "
                      f"{ci[1]:7.2f}s {ref[0] / ci[0]:10.1f}x "
                      f"{ref[1] / ci[1]:6.1f}x  (triage: "
                      f"{ci[0] / ours[0]:.1f}x less wall, "
                      f"{ci[1] / ours[1]:.1f}x less CPU)")
            else:
                print(f"{'crashinfo.py on our engine':<40} n/a (exit "
                      f"{ci[2]}: {ci[3]})")
        else:
            print(f"{'crashinfo.py on our engine':<40} n/a (no {orig})")


def batch(release):
    """--batch over 10 dumps, 1 and 2 workers."""
    dumps = []
    for name in ("hung", "oops", "lockup", "oom", "scale"):
        d = CACHE / f"scenario-{name}-{release}"
        if (d / "MANIFEST").exists():
            dumps += [d / f for f in manifest(d)["dumps"].split()]
    sm = manifest(sample)
    dumps += [sample / f for f in sm.get("dumps", sm["files"]).split()
              if f.startswith("vmcore.")]
    dumps = dumps[:10]
    print(f"\nbatch of {len(dumps)} dumps")
    print(f"{'jobs':>4} {'wall':>8} {'dumps CPU':>10} {'workers':>8} "
          f"{'both busy':>10} {'errors':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        lst = Path(tmp) / "dumps.txt"
        lst.write_text("".join(f"{d}\n" for d in dumps))
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}.jsonl"
            r = run([str(pk), "triage", "--batch", str(lst), "--jobs",
                     str(jobs), "--json-lines", str(out)])
            reps = [json.loads(x) for x in out.read_text().splitlines()] \
                if out.exists() else []
            w = [x["worker"] for x in reps]
            errors = sum(1 for x in reps if "error" in x) + \
                len(dumps) - len(reps)
            print(f"{jobs:>4} {r[0]:7.2f}s {sum(x['cpu_s'] for x in w):9.2f}s"
                  f" {len({x['pid'] for x in w}):>8} "
                  f"{both_busy(w):9.0%} {errors:>7}")


def both_busy(w):
    """The share of the time from the first dump taken to the last one
    finished during which two or more workers had a dump at once."""
    if not w:
        return 0.0
    ev = sorted([(x["start"], 1) for x in w] + [(x["end"], -1) for x in w])
    busy2, n, last = 0.0, 0, ev[0][0]
    for t, d in ev:
        if n >= 2:
            busy2 += t - last
        n, last = n + d, t
    span = ev[-1][0] - ev[0][0]
    return busy2 / span if span > 0 else 0.0


main()
