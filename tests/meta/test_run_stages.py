# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/run-stages, which runs make test's stages: in order, stopping at
the first failure, A+B side by side (both must pass), and a table of
each stage's wall and CPU time at the end."""
import subprocess
import time
from pathlib import Path

RUN_STAGES = Path(__file__).resolve().parents[2] / "scripts" / "run-stages"

MAKEFILE = """\
ok:
\t@echo ok-ran
slow:
\t@sleep 1; echo slow-ran
fail:
\t@echo fail-ran; exit 3
"""


def run(tmp_path, *stages):
    (tmp_path / "Makefile").write_text(MAKEFILE)
    # run-stages runs `MAKE -C <repo>`; a wrapper points it at tmp_path
    make = tmp_path / "make"
    make.write_text(f'#!/bin/sh\nexec make -f {tmp_path}/Makefile '
                    f'-C {tmp_path} "$@"\n')
    make.chmod(0o755)
    t0 = time.monotonic()
    r = subprocess.run([str(RUN_STAGES), str(make), *stages],
                       capture_output=True, text=True, timeout=60)
    return r, time.monotonic() - t0


def table(out):
    rows = out.split("== stage times", 1)[1].splitlines()[2:]
    return {ln.split()[0]: ln for ln in rows if ln.strip()}


def test_in_order_and_stops_at_the_first_failure(tmp_path):
    r, _ = run(tmp_path, "ok", "fail", "slow")
    assert r.returncode == 2	# make's status for a failed recipe
    assert "ok-ran" in r.stdout and "fail-ran" in r.stdout
    assert "slow-ran" not in r.stdout
    rows = table(r.stdout)
    assert rows["ok"].endswith("ok") and "FAILED (2)" in rows["fail"]
    assert "slow" not in rows and "total" in rows
    # wall, CPU and the share of the CPUs for each stage
    assert len(rows["ok"].split()) == 7, rows["ok"]


def test_side_by_side(tmp_path):
    r, took = run(tmp_path, "slow+slow", "ok")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("slow-ran") == 2
    assert "--- slow (run beside slow):" in r.stdout
    assert "slow+slow" in table(r.stdout)
    assert took < 1.9	# the two 1 s stages overlapped


def test_side_stage_failure_fails(tmp_path):
    r, _ = run(tmp_path, "ok+fail", "slow")
    assert r.returncode == 2	# make's status for a failed recipe
    assert "--- fail FAILED (2)" in r.stdout
    assert "FAILED (2)" in table(r.stdout)["ok+fail"]
    assert "slow-ran" not in r.stdout
