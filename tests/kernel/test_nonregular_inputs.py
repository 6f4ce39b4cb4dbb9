# SPDX-License-Identifier: GPL-2.0-or-later
"""Inputs that are not regular files (issue 20, item 5): a FIFO given as
the dump, the vmlinux, a module file (mod -s) or sitting at the cache
path once blocked forever in open().  Each is refused before it is read,
with a message saying what it is; a directory likewise.  A hang fails
through the subprocess timeout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"
TIMEOUT = 60


@pytest.fixture
def fifo(tmp_path):
    def make(name="fifo"):
        p = tmp_path / name
        os.mkfifo(p)
        return p
    return make


def cli(pykdump, files, cmds=("sys",), env=None):
    argv = [str(pykdump.bin)]
    for c in cmds:
        argv += ["-c", c]
    return subprocess.run(argv + [str(f) for f in files],
                          capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT, env={**os.environ, **(env or {})})


def test_cli_fifo_as_dump(pykdump, sample, fifo):
    f = fifo()
    r = cli(pykdump, [sample.vmlinux, f])
    assert r.returncode == 1
    assert f"{f}: is a FIFO" in r.stderr, r.stderr


def test_cli_fifo_as_vmlinux(pykdump, sample, fifo):
    f = fifo("vmlinux")
    r = cli(pykdump, [f, sample / DUMP])
    assert r.returncode == 1
    assert f"{f}: is a FIFO" in r.stderr, r.stderr


def test_cli_directory_as_dump(pykdump, sample, tmp_path):
    r = cli(pykdump, [sample.vmlinux, tmp_path])
    assert r.returncode == 1
    assert f"{tmp_path}: is a directory" in r.stderr, r.stderr


def test_python_open_fifo(sample, fifo):
    f = fifo()
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "import pykdump, crash\n"
            "for args in ((sys.argv[2], sys.argv[3]),"
            " (sys.argv[4], sys.argv[2])):\n"
            "    try:\n"
            "        pykdump.open(*args)\n"
            "    except crash.error as e:\n"
            "        print('REFUSED', e)\n")
    r = subprocess.run([sys.executable, "-c", code, str(BUILD / "python"),
                        str(f), str(sample.vmlinux), str(sample / DUMP)],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("REFUSED")]
    assert len(lines) == 2, r.stdout
    assert all(f"{f}: is a FIFO" in ln for ln in lines), lines


@pytest.mark.parametrize("suffix", ["", ".ko", ".ko.zst"])
def test_mod_s_fifo(pykdump, sample, fifo, tmp_path, suffix):
    module = sample.manifest["guest_modules"].split()[-1]
    f = fifo(module + suffix)
    r = cli(pykdump, [sample.vmlinux, sample / DUMP],
            [f"mod -s {module} {f}", "sys"],
            env={"PYKDUMP_CACHE_DIR": str(tmp_path / "cache")})
    assert f"{f}: is a FIFO" in r.stdout + r.stderr, r.stdout + r.stderr
    assert "RELEASE: " + sample.release in r.stdout      # went on


def test_fifo_at_the_cache_path(pykdump, sample, fifo, tmp_path):
    """The DWARF index and symbol table caches are FIFOs: the session
    does without them (and answers as with a cache)."""
    cache = tmp_path / "cache"
    (cache / "index").mkdir(parents=True)
    bid = sample.manifest["vmlinux_build_id"]
    for name in (bid, bid + ".symtab"):
        os.mkfifo(cache / "index" / name)
    r = cli(pykdump, [sample.vmlinux, sample / DUMP],
            ["whatis struct list_head", "sys"],
            env={"PYKDUMP_CACHE_DIR": str(cache)})
    assert r.returncode == 0, r.stderr
    assert "struct list_head *next;" in r.stdout, r.stdout + r.stderr
    assert "RELEASE: " + sample.release in r.stdout
