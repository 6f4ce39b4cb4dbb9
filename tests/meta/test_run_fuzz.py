# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/run-fuzz's cumulative budget (make fuzz, FUZZ_RESUME=1): each
target's executions and seconds add up over runs, a run spends only what
is left, a target whose budget is spent is not run again, and a failing
target fails the run.  The targets here are stand-ins that print
libFuzzer's final statistics and the -runs they were given."""
import os
import subprocess
from pathlib import Path

RUN_FUZZ = Path(__file__).resolve().parents[2] / "scripts" / "run-fuzz"

# A stand-in for a libFuzzer target: "executes" min(-runs, 600) inputs.
FAKE = """#!/bin/sh
runs=600
for a in "$@"; do
  case "$a" in -runs=*) r=${a#-runs=}; [ "$r" -ge 0 ] && [ "$r" -lt "$runs" ] && runs=$r;; esac
done
echo "given $*" >>"$0.calls"
echo "stat::number_of_executed_units: $runs"
echo "stat::average_exec_per_sec:     $runs"
exit ${FAKE_RC:-0}
"""


def make_build(tmp_path, names=("a", "b")):
    build = tmp_path / "build"
    (build / "fuzz").mkdir(parents=True)
    for n in names:
        t = build / "fuzz" / f"fuzz_{n}"
        t.write_text(FAKE)
        t.chmod(0o755)
    return build


def run(build, runs, resume=True, rc=0):
    env = dict(os.environ, FUZZ_RESUME="1" if resume else "0",
               PYKDUMP_FUZZ_SAMPLE="/nonexistent", FAKE_RC=str(rc))
    return subprocess.run([str(RUN_FUZZ), str(build), "3600", "2", str(runs)],
                          capture_output=True, text=True, env=env, timeout=60)


def ledger(build, name):
    return [int(x) for x in (build / "fuzz-ledger" / name).read_text().split()]


def test_budget_adds_up_over_runs(tmp_path):
    build = make_build(tmp_path)
    r = run(build, 1000)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ledger(build, "a")[0] == 600 and ledger(build, "a")[2] == 1
    # the second run is given what is left: 400 executions
    r = run(build, 1000)
    assert ledger(build, "a")[0] == 1000 and ledger(build, "a")[2] == 2
    calls = (build / "fuzz" / "fuzz_a.calls").read_text().splitlines()
    assert "-runs=1000" in calls[0] and "-runs=400" in calls[1]
    assert "in all:         1000 executions" in r.stdout
    # spent: not run again
    r = run(build, 1000)
    assert r.returncode == 0
    assert len((build / "fuzz" / "fuzz_a.calls").read_text().splitlines()) == 2
    assert "budget spent" in r.stdout


def test_without_resume_no_ledger(tmp_path):
    build = make_build(tmp_path, ("a",))
    r = run(build, 1000, resume=False)
    assert r.returncode == 0
    assert not (build / "fuzz-ledger").exists()
    assert "600 executions" in r.stdout and "in all" not in r.stdout


def test_a_failing_target_fails_the_run(tmp_path):
    build = make_build(tmp_path, ("a",))
    r = run(build, 1000, rc=1)
    assert r.returncode == 1
    assert "fuzz: a FAILED" in r.stdout
