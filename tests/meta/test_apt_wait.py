# SPDX-License-Identifier: GPL-2.0-or-later
"""scripts/install-deps waits for the package manager's lock instead of
failing when another apt or dpkg runs (scripts/lib/apt-get-wait), with a
stand-in apt-get that reports the lock as held for its first tries."""
import os
import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
LOCKED = ("E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by "
          "process 4242 (apt-get)\nE: Unable to acquire the dpkg frontend "
          "lock (/var/lib/dpkg/lock-frontend), is another process using it?")


@pytest.fixture
def fake_apt(tmp_path):
    """fake_apt(busy_tries, final_rc=0, final_msg="") -> (env, calls file):
    an apt-get that fails with apt's lock message BUSY_TRIES times, then
    exits FINAL_RC."""
    def make(busy, final_rc=0, final_msg=""):
        calls = tmp_path / "calls"
        prog = tmp_path / "apt-get"
        prog.write_text(f"""#!/bin/sh
echo "$*" >> {calls}
n=$(wc -l < {calls})
if [ "$n" -le {busy} ]; then
    printf '%s\\n' "{LOCKED}" >&2
    exit 100
fi
[ -n "{final_msg}" ] && echo "{final_msg}" >&2
exit {final_rc}
""")
        prog.chmod(0o755)
        env = dict(os.environ, APT_GET=str(prog), APT_LOCK_POLL="0.05",
                   APT_LOCK_WAIT="60")
        return env, calls
    return make


def run(argv, env):
    return subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=60)


def test_waits_for_the_lock(fake_apt):
    env, calls = fake_apt(busy=3)
    r = run([str(SCRIPTS / "lib/apt-get-wait"), "install", "-y", "foo"], env)
    assert r.returncode == 0, r.stderr
    lines = calls.read_text().splitlines()
    assert len(lines) == 4
    assert all("DPkg::Lock::Timeout=60 install -y foo" in ln for ln in lines)
    assert r.stderr.count("waiting") == 1


def test_other_failures_are_not_retried(fake_apt):
    env, calls = fake_apt(busy=0, final_rc=100,
                          final_msg="E: Unable to locate package foo")
    r = run([str(SCRIPTS / "lib/apt-get-wait"), "install", "foo"], env)
    assert r.returncode == 100
    assert len(calls.read_text().splitlines()) == 1


def test_gives_up_at_the_deadline(fake_apt):
    env, calls = fake_apt(busy=10 ** 6)
    env["APT_LOCK_WAIT"] = "1"
    r = run([str(SCRIPTS / "lib/apt-get-wait"), "update"], env)
    assert r.returncode == 100
    assert "still locked after 1 s" in r.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="install-deps runs apt as root")
def test_install_deps_waits(fake_apt):
    """install-deps itself goes through the wait: a package that is not
    installed makes it call (the stand-in) apt-get while it is busy."""
    env, calls = fake_apt(busy=2)
    env["PYKDUMP_DEPS"] = "pykdump-no-such-package"
    r = run([str(SCRIPTS / "install-deps")], env)
    assert r.returncode == 0, r.stderr
    lines = calls.read_text().splitlines()
    assert lines[-1].endswith("install -y -q --no-install-recommends "
                              "pykdump-no-such-package")
    assert len(lines) >= 3
