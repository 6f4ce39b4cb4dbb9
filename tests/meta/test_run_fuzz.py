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
if [ -n "${FAKE_SLEEP:-}" ]; then
  # as libFuzzer on SIGTERM (-handle_term=1): statistics, then exit
  trap 'echo "stat::number_of_executed_units: 7"; exit 72' TERM
  sleep "$FAKE_SLEEP" & wait
fi
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


def run_fuzz(build, runs, jobs=2, **env):
    """run-fuzz over build's stand-in targets: an hour and RUNS
    executions each, JOBS at a time, ENV over the test's environment."""
    env = dict(os.environ, PYKDUMP_FUZZ_SAMPLE="/nonexistent", **env)
    return subprocess.run([str(RUN_FUZZ), str(build), "3600", str(jobs),
                           str(runs)], capture_output=True, text=True,
                          env=env, timeout=60)


def run(build, runs, resume=True, rc=0):
    # FUZZ_SLICE=0: one libFuzzer run per target (the stand-in ignores
    # -max_total_time, so its 600 executions stand for a spent slice)
    return run_fuzz(build, runs, FUZZ_RESUME="1" if resume else "0",
                    FAKE_RC=str(rc), FUZZ_SLICE="0")


def calls(build, name="a"):
    """How the stand-in target NAME was called, a line a call."""
    return (build / "fuzz" / f"fuzz_{name}.calls").read_text().splitlines()


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
    assert runs_given(build) == ["1000", "400"]
    assert "in all:         1000 executions" in r.stdout
    # spent: not run again
    r = run(build, 1000)
    assert r.returncode == 0
    assert len(calls(build)) == 2
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


def test_interrupted_run_keeps_what_it_ran(tmp_path):
    """make fuzz stopped (kill or Ctrl-C): the targets stop and print
    their statistics, and the ledger has them, so the next run goes on."""
    import signal
    import time
    build = make_build(tmp_path, ("a",))
    env = dict(os.environ, FUZZ_RESUME="1", FAKE_SLEEP="30",
               PYKDUMP_FUZZ_SAMPLE="/nonexistent")
    p = subprocess.Popen([str(RUN_FUZZ), str(build), "3600", "2", "1000"],
                         stdout=subprocess.PIPE, text=True, env=env)
    called = build / "fuzz" / "fuzz_a.calls"
    deadline = time.monotonic() + 20
    while not called.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=20)
    assert p.returncode != 0, out	# an interrupted run is no pass
    # the lone target ran as two processes (both slots): each stopped
    # and printed its 7 executions, and the slice booked both
    assert ledger(build, "a")[0] == 14 and ledger(build, "a")[2] == 1


def test_pool_starts_the_next_when_one_ends(tmp_path):
    """Two at a time: a quick target's slot goes to the next target while
    a slow one still runs."""
    import time
    build = make_build(tmp_path, ("a", "b", "c"))
    slow = build / "fuzz" / "fuzz_a"
    slow.write_text(FAKE.replace('echo "given', 'sleep 2; echo "given'))
    t0 = time.monotonic()
    r = run(build, 1000)
    took = time.monotonic() - t0
    assert r.returncode == 0, r.stdout
    assert took < 3.5, took	# c did not wait for a


def test_chosen_targets_in_order(tmp_path):
    build = make_build(tmp_path, ("a", "b", "c"))
    r = run_fuzz(build, 10, jobs=1, FUZZ_TARGETS="c a")
    assert r.returncode == 0, r.stdout
    started = [ln.split()[1] for ln in r.stdout.splitlines()
               if ln.startswith("fuzz: ") and " for " in ln]
    assert started == ["c", "a"]
    assert not (build / "fuzz" / "fuzz_b.calls").exists()
    r = run_fuzz(build, 10, jobs=1, FUZZ_TARGETS="nosuch")
    assert r.returncode == 2 and "no target nosuch" in r.stdout


# make fuzz's settings, with slices of 5 s
SLICED = dict(FUZZ_RESUME="1", FUZZ_SLICE="5")


def runs_given(build):
    return [c.split("-runs=")[1].split()[0] for c in calls(build)]


def test_slices_book_as_they_go(tmp_path):
    """make fuzz runs each target in slices of FUZZ_SLICE seconds and
    books each slice when it ends (a session killed outright loses one
    slice at most); the slices together spend the budget, no more."""
    build = make_build(tmp_path, ("a",))
    t = build / "fuzz" / "fuzz_a"
    # 300 executions a slice: a slice ends as libFuzzer's time runs out
    t.write_text(FAKE.replace("runs=600", "runs=300"))
    r = run_fuzz(build, 1000, jobs=1, **SLICED)
    assert r.returncode == 0, r.stdout + r.stderr
    assert runs_given(build) == ["1000", "700", "400", "100"]
    assert all("-max_total_time=5 " in c for c in calls(build))
    assert ledger(build, "a")[0] == 1000 and ledger(build, "a")[2] == 4
    # the summary gives this run's executions, all slices together
    assert "a                          1000 executions" in r.stdout
    # a slice that ran nothing ends the target (no spinning)
    t.write_text(FAKE.replace("runs=600", "runs=0"))
    (build / "fuzz" / "fuzz_a.calls").unlink()
    run_fuzz(build, 2000, jobs=1, **SLICED)
    assert len(calls(build)) == 1


def test_a_lone_target_takes_the_free_slots(tmp_path):
    """The last target to run gets the pool's free slots: a slice runs
    as two libFuzzer processes (distinct seeds, the runs left split
    between them), and the ledger books their sum as one slice."""
    build = make_build(tmp_path, ("a",))
    r = run_fuzz(build, 1001, jobs=2, **SLICED)
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(runs_given(build)) == ["500", "501"]
    assert len({c.split("-seed=")[1].split()[0] for c in calls(build)}) == 2
    assert ledger(build, "a")[0] == 1001 and ledger(build, "a")[2] == 1
    assert not list((build / "fuzz-running").iterdir())
    # one slot: one process
    (build / "fuzz" / "fuzz_a.calls").unlink()
    run_fuzz(build, 1501, jobs=1, **SLICED)
    assert runs_given(build) == ["500"]
