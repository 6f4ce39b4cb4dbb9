# SPDX-License-Identifier: GPL-2.0-or-later
"""Error paths free what they allocate (issue 20, item 3): a dump that
cannot be opened, `p` of a missing member, commands on a vmlinux with
damaged DWARF.  Each case checks the error the user sees; with
PYKDUMP_ASAN_BIN (make asan) it runs on the sanitized CLI too, with
LeakSanitizer on, and no sanitizer may report anything."""

import os
import re
import shutil
import struct
import subprocess

import pytest

DUMP = "vmcore.kdump"
SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


@pytest.fixture(params=["cli"] + (["asan"] if os.environ.get(
    "PYKDUMP_ASAN_BIN") else []))
def run(request, pykdump, tmp_path):
    binary = {"cli": str(pykdump.bin),
              "asan": os.environ.get("PYKDUMP_ASAN_BIN")}[request.param]

    def go(files, cmds=("sys",)):
        argv = [binary]
        for c in cmds:
            argv += ["-c", c]
        r = subprocess.run(argv + [str(f) for f in files],
                           capture_output=True, text=True, errors="replace",
                           timeout=600,
                           env={**os.environ,
                                "PYKDUMP_CACHE_DIR": str(tmp_path / "cache"),
                                "ASAN_OPTIONS": "detect_leaks=1",
                                "UBSAN_OPTIONS": "halt_on_error=1"})
        for s in SANITIZER:
            assert s not in r.stderr, r.stderr[-4000:]
        assert r.returncode < 128, r.stderr[-2000:]
        return r
    return go


def test_failed_open_of_a_missing_dump(run, sample, tmp_path):
    r = run([sample.vmlinux, tmp_path / "no-such-vmcore"])
    assert r.returncode == 1
    assert "no-such-vmcore: cannot open" in r.stderr


def test_failed_open_of_a_truncated_vmlinux(run, sample, tmp_path):
    cut = tmp_path / "vmlinux"
    with open(sample.vmlinux, "rb") as f:
        cut.write_bytes(f.read(4096))      # the ELF header, no sections
    r = run([cut, sample / DUMP])
    assert r.returncode == 1
    assert str(cut) in r.stderr and "truncated" in r.stderr, r.stderr


def test_p_of_a_missing_member(run, sample, crash):
    ref = crash(["p init_task.no_such_member"], dump=DUMP)
    r = run([sample.vmlinux, sample / DUMP],
            ["p init_task.no_such_member", "p init_task.pid"])
    assert "There is no member named no_such_member." in r.stdout + r.stderr
    # crash has no value for it either
    assert " = " not in ref["p init_task.no_such_member"]
    pid = crash(["p init_task.pid"], dump=DUMP)["p init_task.pid"]
    assert pid.split("=")[-1].strip() in r.stdout


def section(path, want):
    with open(path, "rb") as f:
        eh = f.read(64)
        shoff = struct.unpack_from("<Q", eh, 0x28)[0]
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", eh, 0x3a)
        f.seek(shoff)
        raw = f.read(shentsize * shnum)
        shdrs = [struct.unpack_from("<IIQQQQIIQQ", raw, i * shentsize)
                 for i in range(shnum)]
        f.seek(shdrs[shstrndx][4])
        names = f.read(shdrs[shstrndx][5])
    for sh in shdrs:
        if names[sh[0]:names.index(b"\0", sh[0])].decode() == want:
            return sh[4], sh[5]
    raise AssertionError(f"no {want} in {path}")


@pytest.fixture(scope="module")
def damaged_vmlinux(sample, tmp_path_factory):
    """The sample's vmlinux with garbage in ten units of .debug_info."""
    off, size = section(sample.vmlinux, ".debug_info")
    bad = tmp_path_factory.mktemp("dwarf") / "vmlinux"
    shutil.copyfile(sample.vmlinux, bad)
    with open(bad, "r+b") as f:
        for i in range(1, 11):
            f.seek(off + size * i // 11)
            f.write(b"\xff" * 2048)
    return bad


def test_commands_on_damaged_dwarf(run, sample, damaged_vmlinux):
    cmds = ["struct task_struct -o", "struct mm_struct -o", "ps",
            "p init_task.no_such_member", "p init_task.mm", "files 1",
            "mod", "bt", "sys"]
    r = run([damaged_vmlinux, sample / DUMP], cmds)
    assert re.search(r"units? of \.debug_info left out", r.stderr), r.stderr
    assert "There is no member named no_such_member." in r.stdout + r.stderr
    assert re.search(r"^ +RELEASE: \S+", r.stdout, re.M), r.stdout[-2000:]


def test_partial_index_saved_and_warned_again(pykdump, sample,
                                              damaged_vmlinux, tmp_path):
    """A DWARF index with units left out is saved marked partial: the
    next start loads it (no rebuild: the file is not written again) and
    warns again (it was never saved, so every start rebuilt it)."""
    cache = tmp_path / "cache"
    argv = [str(pykdump.bin), "--cache-dir", str(cache), "-c",
            "struct -o list_head", str(damaged_vmlinux), str(sample / DUMP)]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYKDUMP_CACHE_DIR", "XDG_CACHE_HOME")}
    r1 = subprocess.run(argv, capture_output=True, text=True, timeout=600,
                        env=env)
    assert "struct list_head {" in r1.stdout, r1.stderr[-2000:]
    assert re.search(r"units? of \.debug_info left out", r1.stderr)
    saved = [p for p in cache.rglob("*") if p.is_file() and
             p.parent.name == "index" and not p.suffix]
    assert saved, sorted(str(p) for p in cache.rglob("*"))
    stamps = {p: p.stat().st_mtime_ns for p in saved}
    r2 = subprocess.run(argv, capture_output=True, text=True, timeout=600,
                        env=env)
    assert "struct list_head {" in r2.stdout, r2.stderr[-2000:]
    assert re.search(r"units? of \.debug_info left out \(the index was "
                     r"saved partial", r2.stderr), r2.stderr
    assert {p: p.stat().st_mtime_ns for p in saved} == stamps
