# SPDX-License-Identifier: GPL-2.0-or-later
"""What the mutation test (test_mutate.py) found, each case rebuilt on a
copy of the sample from the pristine dump's own facts (our commands on
vmcore.d31.elf and the kdump header's fields; nothing from one boot).

With PYKDUMP_ASAN_BIN (make asan) every case runs on the sanitized CLI
too."""

import os
import re
import shutil
import struct
import subprocess

import pytest

SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:")


@pytest.fixture(params=["cli"] + (["asan"] if os.environ.get(
    "PYKDUMP_ASAN_BIN") else []))
def run(request, pykdump, sample):
    binary = {"cli": str(pykdump.bin),
              "asan": os.environ.get("PYKDUMP_ASAN_BIN")}[request.param]

    def go(dump, cmds):
        argv = [binary]
        for c in cmds:
            argv += ["-c", c]
        r = subprocess.run(argv + [str(sample.vmlinux), str(dump)],
                           capture_output=True, text=True, errors="replace",
                           timeout=600,
                           env={**os.environ,
                                "ASAN_OPTIONS": "detect_leaks=1",
                                "UBSAN_OPTIONS": "halt_on_error=1"})
        for s in SANITIZER:
            assert s not in r.stderr, r.stderr[-4000:]
        assert r.returncode >= 0, r.stderr[-2000:]
        return r
    return go


def kdump_descriptor(path, pfn):
    """File offset of pfn's page descriptor in a kdump file: data_offset
    (after the header, sub-header and bitmap blocks) plus 24 bytes per
    page dumped before it (set bits of the 2nd bitmap)."""
    with open(path, "rb") as f:
        h = f.read(464)
        bs, sub, blocks = struct.unpack_from("<III", h, 428)
        f.seek((1 + sub) * bs + blocks * bs // 2)
        bitmap2 = f.read(blocks * bs // 2)
    assert bitmap2[pfn // 8] >> (pfn % 8) & 1, f"pfn {pfn:#x} not dumped"
    before = sum(bin(b).count("1") for b in bitmap2[:pfn // 8]) + \
        bin(bitmap2[pfn // 8] & ((1 << (pfn % 8)) - 1)).count("1")
    return (1 + sub + blocks) * bs + 24 * before


def test_ps_says_a_task_could_not_be_read_in_full(run, sample, pykdump,
                                                  tmp_path):
    """test_mutate seed 2, vmcore.d31.zstd #329: a page descriptor's data
    offset set to 1 made a page of mm_structs unreadable; ps printed
    every row (VSZ 0 for the tasks whose mm_struct.total_vm it could not
    read) and exited 1 with no word on stderr.  Here: the page of init's
    mm_struct."""
    elf = str(sample.dump("vmcore.d31.elf"))
    out = pykdump(["ps 1", "struct -o mm_struct"], dump=elf)
    task = int(re.search(r"^>?\s*1\s+0\s+\d+\s+([0-9a-f]{16})\s", out,
                         re.M).group(1), 16)
    total_vm = int(re.search(r"^\s*\[(\d+)\]\s.*\btotal_vm;$", out,
                             re.M).group(1))
    out = pykdump([f"struct task_struct.mm {task:x}"], dump=elf)
    mm = int(re.search(r"\bmm = 0x([0-9a-f]+)", out).group(1), 16)
    assert mm, out
    out = pykdump([f"vtop {mm + total_vm:x}"], dump=elf)
    phys = int(re.search(r"^[0-9a-f]+\s+([0-9a-f]+)\s*$", out,
                         re.M).group(1), 16)

    dump = tmp_path / "vmcore.d31.zlib"
    shutil.copyfile(sample.dump("vmcore.d31.zlib"), dump)
    with open(dump, "r+b") as f:
        f.seek(kdump_descriptor(dump, phys // 4096))
        f.write(struct.pack("<q", 1))		# data offset 1: corrupt

    r = run(dump, ["ps", "sys"])
    assert r.returncode == 1, r.stderr
    assert re.search(r"^ps: \d+ tasks? could not be read in full: fields "
                     r"that could not be read show as 0$", r.stderr,
                     re.M), r.stderr
    row = re.search(r"^>?\s*1\s+0\s+\d+\s+%016x\s.*$" % task, r.stdout, re.M)
    assert row and row.group(0).split()[-3] == "0", r.stdout[:3000]
    assert re.search(r"^ +RELEASE: \S+", r.stdout, re.M)	# sys ran
