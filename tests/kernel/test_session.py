# SPDX-License-Identifier: GPL-2.0-or-later
"""Session set-up on the real sample: the vmlinux is found and checked,
KASLR and phys_base come out right (with and without VMCOREINFO), and
memory read through the translation equals what crash 8.0.6 reads."""

import mmap
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

SYMBOLS = ["init_task", "jiffies", "linux_banner", "init_uts_ns", "_stext",
           "page_offset_base", "vmemmap_base", "__per_cpu_offset",
           "init_mm", "modules", "_totalram_pages", "nr_cpu_ids"]
FORMATS = ["vmcore.elf", "vmcore.kdump", "vmcore.flat", "vmcore.d31.zlib",
           "vmcore.d31.elf"]


@pytest.fixture(scope="module")
def probe():
    build = Path(os.environ.get("PYKDUMP_BUILD",
                                Path(__file__).parents[2] / "build"))
    tool = build / "tests/tools/session_probe"
    if not tool.exists():
        pytest.fail(f"{tool} is not built")

    def run(*args):
        r = subprocess.run([str(tool), *map(str, args)], capture_output=True,
                           text=True, timeout=120)
        return r.returncode, r.stdout
    return run


def parse(out):
    facts, syms = {}, {}
    for line in out.splitlines():
        m = re.match(r"(\w+): ([0-9a-f]{16}) ([0-9a-f]{16})$", line)
        if m:
            syms[m[1]] = (int(m[2], 16), int(m[3], 16))
        elif ": " in line:
            k, v = line.split(": ", 1)
            facts[k] = v
    return facts, syms


def crash_symbols(crash, dump):
    """Address and first word of each symbol, as crash sees them."""
    out = crash([f"rd {s}" for s in SYMBOLS], dump=dump)
    ref = {}
    for s in SYMBOLS:
        m = re.match(r"([0-9a-f]{16}):\s+([0-9a-f]{16})", out[f"rd {s}"])
        assert m, f"crash rd {s}: {out[f'rd {s}']!r}"
        ref[s] = (int(m[1], 16), int(m[2], 16))
    return ref


@pytest.mark.parametrize("dump", FORMATS)
def test_reads_match_crash(sample, crash, probe, dump):
    if dump not in sample.dumps:
        pytest.fail(f"{dump} missing from the sample")
    rc, out = probe(sample.dump(dump), sample.vmlinux, "--", *SYMBOLS)
    assert rc == 0, out
    facts, syms = parse(out)
    assert int(facts["kaslr_offset"], 16) == sample.kaslr_offset
    assert syms == crash_symbols(crash, dump)
    banner = next(l for l in sample.console.splitlines()
                  if "Linux version" in l)
    assert facts["banner"] in banner


def test_finds_vmlinux_next_to_dump(sample, probe):
    rc, out = probe(sample.dump("vmcore.kdump"), "--", "init_task")
    assert rc == 0, out
    assert parse(out)[0]["vmlinux"] == str(sample.vmlinux)


def test_finds_vmlinux_in_debug_dir(sample, probe, tmp_path):
    (tmp_path / "vmcore").symlink_to(sample.dump("vmcore.kdump"))
    rc, out = probe(tmp_path / "vmcore", "--debug-dir", sample, "--",
                    "init_task")
    assert rc == 0, out
    assert parse(out)[0]["vmlinux"] == str(sample / "vmlinux")


def test_no_vmlinux_found(sample, probe, tmp_path):
    (tmp_path / "vmcore").symlink_to(sample.dump("vmcore.kdump"))
    rc, out = probe(tmp_path / "vmcore", "--", "init_task")
    installed = Path(f"/usr/lib/debug/boot/vmlinux-{sample.release}")
    if installed.exists():          # a machine with the debug package
        assert rc == 0 and str(installed) in out
    else:
        assert rc == 1
        assert f"none found for release {sample.release}" in out


def fixture_elf():
    build = Path(os.environ.get("PYKDUMP_BUILD",
                                Path(__file__).parents[2] / "build"))
    return build / "tests/unit/fixtures/types_fixture5"


def test_mismatched_vmlinux_refused(sample, probe):
    rc, out = probe(sample.dump("vmcore.kdump"), fixture_elf(), "--",
                    "init_task")
    assert rc == 1
    assert "does not match the dump" in out and "--force-vmlinux" in out
    # forced: opens, but the kernel's symbols are not there
    rc, out = probe(sample.dump("vmcore.kdump"), fixture_elf(), "--force",
                    "--", "init_task")
    assert rc == 0 and "init_task: error: symbol not found" in out


def test_cli_refuses_mismatch(sample, pykdump):
    r = pykdump.run(["sys"], dump="vmcore.kdump", vmlinux=fixture_elf())
    assert r.returncode != 0
    assert "does not match the dump" in r.stderr


def strip_vmcoreinfo(src, dst):
    """A copy of an ELF dump whose VMCOREINFO note is renamed, as if the
    guest had no vmcoreinfo device."""
    shutil.copyfile(src, dst)
    with open(dst, "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
        i = m.find(b"VMCOREINFO\0", 0, 1 << 20)
        assert i > 0
        m[i:i + 10] = b"XMCOREINFO"


def test_kaslr_without_vmcoreinfo(sample, crash, probe, tmp_path):
    """crash --kaslr auto's method: CR3 from QEMU's note + linux_banner."""
    dst = tmp_path / "vmcore.novmcoreinfo"
    strip_vmcoreinfo(sample.dump("vmcore.d31.elf"), dst)
    rc, out = probe(dst, sample.vmlinux, "--", *SYMBOLS)
    assert rc == 0, out
    facts, syms = parse(out)
    rc2, out2 = probe(sample.dump("vmcore.d31.elf"), sample.vmlinux, "--")
    ref_facts, _ = parse(out2)
    for k in ("kaslr_offset", "phys_base", "page_offset_base", "l5"):
        assert facts[k] == ref_facts[k], k
    assert syms == crash_symbols(crash, "vmcore.d31.elf")
