# SPDX-License-Identifier: GPL-2.0-or-later
"""Containment (issue 20): nothing is written outside the cache
directory.  A zstd-compressed module is inflated under --cache-dir (it
went under $HOME, and failed on a fresh $HOME whose .cache did not
exist), a $HOME that does not exist is not created, and epython writes
no __pycache__ (beside the program, or in the build tree); the
interactive shell keeps its history in the cache directory."""

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"
TIMEOUT = 300


def files_under(d):
    d = Path(d)
    return sorted(str(p.relative_to(d)) for p in d.rglob("*")) \
        if d.exists() else None


def run(pykdump, sample, cmds, env, extra=()):
    argv = [str(pykdump.bin)]
    for c in cmds:
        argv += ["-c", c]
    argv += list(extra) + [str(sample.vmlinux), str(sample.dump(DUMP))]
    clean = {k: v for k, v in os.environ.items()
             if k not in ("PYKDUMP_CACHE_DIR", "XDG_CACHE_HOME",
                          "PYTHONDONTWRITEBYTECODE")}
    return subprocess.run(argv, capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT,
                          env={**clean, **env})


def dummy_ko(sample):
    kos = sorted(Path(sample.modules).rglob("dummy.ko"))
    assert kos, f"no dummy.ko under {sample.modules}"
    return kos[0]


def test_ko_zst_inflated_in_the_cache_dir(pykdump, sample, tmp_path):
    home = tmp_path / "home"
    home.mkdir()                         # fresh: no .cache in it
    cache = tmp_path / "cache"
    zst = tmp_path / "dummy.ko.zst"
    subprocess.run(["zstd", "-q", "-o", str(zst), str(dummy_ko(sample))],
                   check=True, timeout=60)
    r = run(pykdump, sample, [f"mod -s dummy {zst}"], {"HOME": str(home)},
            ["--cache-dir", str(cache)])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "dummy" in r.stdout and "(not loaded)" not in r.stdout, r.stdout
    assert files_under(home) == [], files_under(home)
    inflated = list((cache / "modules").glob("dummy-*.ko"))
    assert len(inflated) == 1, files_under(cache)


def test_missing_home_is_not_created(pykdump, sample, tmp_path):
    home = tmp_path / "no" / "such" / "home"
    r = run(pykdump, sample, ["sym jiffies"], {"HOME": str(home)})
    assert r.returncode == 0, r.stderr
    assert " jiffies" in r.stdout
    assert not (tmp_path / "no").exists(), files_under(tmp_path)


def test_epython_writes_no_bytecode(pykdump, sample, tmp_path):
    progs = tmp_path / "progs"
    progs.mkdir()
    (progs / "helper.py").write_text("VALUE = 42\n")
    (progs / "main.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(progs)!r})\n"
        "import helper\n"
        "from pykdump.API import *\n"
        "print('VALUE', helper.VALUE)\n")
    before = files_under(BUILD / "python")
    r = run(pykdump, sample, [f"epython {progs / 'main.py'}"],
            {"HOME": str(tmp_path)})
    assert "VALUE 42" in r.stdout, r.stdout + r.stderr
    assert files_under(progs) == ["helper.py", "main.py"], files_under(progs)
    assert files_under(BUILD / "python") == before


def test_unwritable_cache_dir_is_said(pykdump, sample, tmp_path):
    """A cache directory that cannot be made: the index is built in
    memory, and the run says the cache was not saved (it was silent, and
    the index rebuilt at every start)."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory\n")
    r = run(pykdump, sample, ["struct -o list_head"], {"HOME": str(tmp_path)},
            ["--cache-dir", str(blocker / "cache")])
    assert r.returncode == 0, r.stderr
    assert "struct list_head {" in r.stdout
    said = [ln for ln in r.stderr.splitlines()
            if "DWARF index cache not saved" in ln]
    assert len(said) == 1, r.stderr
    assert str(blocker) in said[0], said


def shell_on_a_terminal(argv, env, lines, timeout=TIMEOUT):
    """The interactive shell (stdin a terminal) given `lines`; its exit
    status and what it showed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    os.write(fd, "".join(ln + "\n" for ln in lines).encode())
    out, end = b"", time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def test_shell_history_in_the_cache_dir(pykdump, sample, tmp_path):
    """The interactive shell's readline history went to
    ~/.pykdump_history: it is kept in the cache directory, and nothing
    is written under a fresh $HOME."""
    home = tmp_path / "home"
    home.mkdir()
    cache = tmp_path / "cache"
    argv = [str(pykdump.bin), "--cache-dir", str(cache),
            str(sample.vmlinux), str(sample.dump(DUMP))]
    clean = {k: v for k, v in os.environ.items()
             if k not in ("PYKDUMP_CACHE_DIR", "XDG_CACHE_HOME")}
    env = {**clean, "HOME": str(home), "TERM": "dumb", "PAGER": "cat",
           "INPUTRC": "/dev/null"}
    rc, out = shell_on_a_terminal(argv, env, ["sym jiffies", "q"])
    assert rc == 0, out[-2000:]
    assert " jiffies" in out, out[-2000:]
    assert files_under(home) == [], files_under(home)
    assert "sym jiffies" in (cache / "history").read_text(), \
        files_under(cache)
