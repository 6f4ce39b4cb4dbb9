# SPDX-License-Identifier: GPL-2.0-or-later
"""Damaged dumps are reported when they are opened (issue 20 items 13-16
and the open-time lines of "Misleading errors"): on stderr (the CLI's
"pykdump: warning: ...") and in the problem log, not only by dumpinfo,
and never with every address silently wrong.

Each copy is made at test time from a dump of the sample, its damage
placed from the file's own structures (ELF program headers, the kdump
header, the flattened records, VMCOREINFO text): nothing here depends
on one boot of the sample."""

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

TIMEOUT = 120


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("damaged")


def copy(sample, name, tmp, new, cut=None, patches=()):
    """sample's dump `name` copied to tmp/new, cut to `cut` bytes, with
    patches [(file offset, bytes)] applied."""
    dst = tmp / new
    src = sample.dump(name)
    if cut is None:
        shutil.copyfile(src, dst)
    else:
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read(cut))
    with open(dst, "r+b") as f:
        for off, data in patches:
            f.seek(off)
            f.write(data)
    return dst


def run(pykdump, sample, dump, cmds=("sys",), extra=()):
    argv = [str(pykdump.bin)]
    for c in cmds:
        argv += ["-c", c]
    argv += list(extra) + [str(sample.vmlinux), str(dump)]
    return subprocess.run(argv, capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT)


def warnings(r):
    return re.findall(r"^pykdump: warning: (.*)$", r.stderr, re.M)


def elf_layout(path):
    """(PT_NOTE (offset, size), [PT_LOAD (offset, filesz)])"""
    with open(path, "rb") as f:
        hdr = f.read(64)
        phoff, = struct.unpack_from("<Q", hdr, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", hdr, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    note, loads = None, []
    for i in range(phnum):
        ptype, _fl, off, _va, _pa, filesz = struct.unpack_from(
            "<IIQQQQ", table, i * phentsize)
        if ptype == 4:
            note = (off, filesz)
        elif ptype == 1 and filesz:
            loads.append((off, filesz))
    return note, loads


# ------------------------------------------------------------ 13 KASLR

def test_kerneloffset_lost_is_found_again(pykdump, sample, tmp):
    """A zero byte inside VMCOREINFO ends it before KERNELOFFSET: the
    offset is checked against linux_banner and found through CR3, with a
    warning; the commands then read the right memory (as the pristine
    dump's)."""
    src = sample.dump("vmcore.d31.elf")
    (noff, nsize), _ = elf_layout(src)
    with open(src, "rb") as f:
        f.seek(noff)
        notes = f.read(nsize)
    at = notes.find(b"\nKERNELOFFSET=")
    assert at > 0, "the sample's kernel is relocated (KASLR)"
    dump = copy(sample, "vmcore.d31.elf", tmp, "koff.elf",
                patches=[(noff + at, b"\0")])
    r = run(pykdump, sample, dump, ["sym jiffies", "sys"])
    ref = run(pykdump, sample, src, ["sym jiffies", "sys"])
    assert any("linux_banner is not at KASLR offset 0x0" in w and
               "KERNELOFFSET missing" in w and "found through CR3" in w
               for w in warnings(r)), r.stderr
    assert r.stdout.replace(str(dump), "D") == \
        ref.stdout.replace(str(src), "D")


# ------------------------------------------------------------ 14 bitmap

def kdump_bitmap2(path):
    with open(path, "rb") as f:
        h = f.read(448)
    assert h[:8] == b"KDUMP   ", h[:8]
    block, sub, bmblocks, _maxmap = struct.unpack_from("<iiiI", h, 428)
    off = (1 + sub) * block
    return off + bmblocks * block // 2, bmblocks * block // 2


@pytest.mark.parametrize("flip", ["set", "clear"])
def test_kdump_bitmap_against_descriptors(pykdump, sample, tmp, flip):
    """One byte of the kdump's bitmap of dumped pages changed (eight pfns
    more or fewer): every later page would be read from another page's
    data.  The open says the bitmap and the descriptors disagree."""
    src = sample.dump("vmcore.kdump")
    at, size = kdump_bitmap2(src)
    with open(src, "rb") as f:
        f.seek(at)
        bm = f.read(size)
    want, new = (0, 0xFF) if flip == "set" else (0xFF, 0)
    hits = [i for i, b in enumerate(bm) if b == want]
    i = hits[len(hits) // 2]
    dump = copy(sample, "vmcore.kdump", tmp, f"bm_{flip}.kdump",
                patches=[(at + i, bytes([new]))])
    r = run(pykdump, sample, dump)
    assert any("the bitmap and the page descriptors disagree" in w
               for w in warnings(r)) or \
        "the bitmap and the page descriptors disagree" in r.stderr, \
        r.stderr
    ok = run(pykdump, sample, src)
    assert not warnings(ok), ok.stderr


# ------------------------------------------------------------ 15 truncated

def test_truncated_elf_warned_at_open(pykdump, sample, tmp):
    src = sample.dump("vmcore.d31.elf")
    _, loads = elf_layout(src)
    end = max(o + s for o, s in loads)
    dump = copy(sample, "vmcore.d31.elf", tmp, "cut.elf", cut=end * 2 // 3)
    r = run(pykdump, sample, dump, ["sym jiffies"])
    assert any("truncated dump" in w and "MiB of memory lost" in w
               for w in warnings(r)), r.stderr


def test_truncated_kdump_warned_at_open(pykdump, sample, tmp):
    src = sample.dump("vmcore.kdump")
    dump = copy(sample, "vmcore.kdump", tmp, "cut.kdump",
                cut=os.path.getsize(src) // 2)
    r = run(pykdump, sample, dump, ["sym jiffies"])
    assert any("truncated dump" in w for w in warnings(r)), r.stderr


def test_elf_cut_inside_pt_note(pykdump, sample, tmp):
    """The error names the truncation first, not only the VMCOREINFO
    (and CPU notes) it took away."""
    src = sample.dump("vmcore.d31.elf")
    (noff, nsize), _ = elf_layout(src)
    dump = copy(sample, "vmcore.d31.elf", tmp, "cutnote.elf",
                cut=noff + nsize // 2)
    r = run(pykdump, sample, dump)
    assert r.returncode == 1
    last = r.stderr.strip().splitlines()[-1]
    assert re.match(rf"pykdump: {re.escape(str(dump))}: PT_NOTE segment "
                    r".* runs past the end of the file", last), r.stderr


def flat_records(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(b"makedumpfile"), data[:16]
    assert data[-16:] == b"\xff" * 16
    return data


def test_flattened_cut_in_first_record_header(pykdump, sample, tmp):
    """It said: not a vmcore ... it starts with \"\"."""
    dump = copy(sample, "vmcore.flat", tmp, "flatcut.flat", cut=4096 + 8)
    r = run(pykdump, sample, dump)
    assert r.returncode == 1
    assert 'starts with ""' not in r.stderr, r.stderr
    assert "flattened stream with no data (cut in its first record " \
        "header" in r.stderr, r.stderr


def test_flattened_record_far_out(pykdump, sample, tmp):
    """A record placing data at 2^62 was taken as a file of 4 EiB."""
    data = flat_records(sample.dump("vmcore.flat"))
    dump = tmp / "far.flat"
    dump.write_bytes(data[:-16] + struct.pack(">QQ", 1 << 62, 8) +
                     b"A" * 8 + b"\xff" * 16)
    r = run(pykdump, sample, dump)
    assert r.returncode == 1
    assert "has a bad offset 0x4000000000000000" in r.stderr, r.stderr


def test_flattened_without_end_marker_warned(pykdump, sample, tmp):
    """Once said only by dumpinfo."""
    data = flat_records(sample.dump("vmcore.flat"))
    dump = tmp / "noend.flat"
    dump.write_bytes(data[:-16])
    r = run(pykdump, sample, dump, ["sym jiffies"])
    assert any("ends without its end marker" in w for w in warnings(r)), \
        r.stderr


PROBLEMS = """\
import sys
sys.path.insert(0, sys.argv[1])
import pykdump
from pykdump import _crash
pykdump.open(sys.argv[2], sys.argv[3])
for w in _crash.session_log_entries(_crash.LOG_WARNING):
    print("WARNING", w)
"""


def test_open_warnings_in_the_problem_log(sample, tmp):
    """What the open found is in the session's problem log too (the
    Python API opens without the CLI's stderr)."""
    src = sample.dump("vmcore.kdump")
    dump = copy(sample, "vmcore.kdump", tmp, "cut-log.kdump",
                cut=os.path.getsize(src) // 2)
    logged = problem_log(dump, sample)
    assert re.search(r"^WARNING .*cut-log\.kdump: truncated dump",
                     logged, re.M), logged


def problem_log(dump, sample):
    """The warnings of the problem log after pykdump.open(dump)."""
    build = Path(os.environ.get("PYKDUMP_BUILD",
                                Path(__file__).resolve().parents[2] /
                                "build"))
    r = subprocess.run(["/usr/bin/python3", "-c", PROBLEMS,
                        str(build / "python"), str(dump),
                        str(sample.vmlinux)],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout + r.stderr


def kdump_sub_header(path):
    """(offset of the kdump sub-header, header version, max_mapnr)"""
    with open(path, "rb") as f:
        h = f.read(448)
    assert h[:8] == b"KDUMP   ", h[:8]
    version, = struct.unpack_from("<i", h, 8)
    block, _sub, _bm, max_mapnr = struct.unpack_from("<iiiI", h, 428)
    if version >= 6:                    # max_mapnr_64 @96 of the sub-header
        with open(path, "rb") as f:
            f.seek(block + 96)
            max_mapnr = struct.unpack("<Q", f.read(8))[0] or max_mapnr
    return block, version, max_mapnr


def test_split_flag_warned_at_open(pykdump, sample, tmp):
    """A kdump whose header says "one file of a split dump" (the split
    flag of sub-header version 2+, here set in a copy of the whole dump,
    covering the first half of the pfns): once said only by dumpinfo; the
    open says it, on stderr and in the problem log."""
    src = sample.dump("vmcore.kdump")
    sub, version, max_mapnr = kdump_sub_header(src)
    assert version >= 2, "the split flag is in header version 2+"
    half = max_mapnr // 2
    # split @12, start_pfn @16, end_pfn @24; from version 6 the 64-bit
    # start_pfn_64 @80 and end_pfn_64 @88 are the ones read
    patches = [(sub + 12, struct.pack("<iQQ", 1, 0, half))]
    if version >= 6:
        patches.append((sub + 80, struct.pack("<QQ", 0, half)))
    dump = copy(sample, "vmcore.kdump", tmp, "split.kdump", patches=patches)
    r = run(pykdump, sample, dump, ["sym jiffies"])
    said = f"{dump}: one file of a split dump (pfns 0x0-{half:#x})"
    assert any(w.startswith(said) for w in warnings(r)), r.stderr
    assert any("in a file of the split dump that was not given" in w
               for w in warnings(r)), r.stderr
    ok = run(pykdump, sample, src, ["sym jiffies"])
    assert "split" not in ok.stderr, ok.stderr
    logged = problem_log(dump, sample)
    assert re.search(rf"^WARNING {re.escape(said)}", logged, re.M), logged


# ------------------------------------------------------------ 16 forced

def test_force_vmlinux_warns(pykdump, sample, tmp):
    """A dump whose VMCOREINFO BUILD-ID differs from the vmlinux's: the
    vmlinux is refused, and with --force-vmlinux used with a warning
    (it used to be silent)."""
    src = sample.dump("vmcore.d31.elf")
    (noff, nsize), _ = elf_layout(src)
    with open(src, "rb") as f:
        f.seek(noff)
        notes = f.read(nsize)
    m = re.search(rb"\nBUILD-ID=([0-9a-f]+)\n", notes)
    assert m, "VMCOREINFO has BUILD-ID (5.9+)"
    at = noff + m.start(1)
    digit = b"0" if m.group(1)[:1] != b"0" else b"1"
    dump = copy(sample, "vmcore.d31.elf", tmp, "buildid.elf",
                patches=[(at, digit)])
    r = run(pykdump, sample, dump)
    assert r.returncode == 1 and "--force-vmlinux" in r.stderr, r.stderr
    r = run(pykdump, sample, dump, extra=["--force-vmlinux"])
    assert r.returncode == 0, r.stderr
    assert any("does not match the dump's" in w and
               "used anyway (--force-vmlinux)" in w
               for w in warnings(r)), r.stderr
