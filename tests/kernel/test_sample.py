# SPDX-License-Identifier: GPL-2.0-or-later
"""The sample dump exists, is sane, and crash 8.0.6 sees in it what the
guest did before it panicked.  (Comparisons of pykdump's own output with
crash's live in other test files.)"""

import re
import struct

import pytest

DUMP_NAMES = ("vmcore.elf", "vmcore.flat", "vmcore.kdump", "vmcore.d31.zlib",
              "vmcore.d31.lzo", "vmcore.d31.elf", "vmcore.d31.zstd")

# Commands the tests below need from crash on vmcore.elf, fetched in one run.
REF_CMDS = ["sys", "ps", "log", "mod", "net", "ps -A",
            "foreach fixture-sleeper files"]
KDUMP_STATUS = {"vmcore.kdump": 0x1, "vmcore.d31.zlib": 0x1,
                "vmcore.d31.lzo": 0x2, "vmcore.d31.zstd": 0x20}


@pytest.fixture(scope="module")
def ref(crash):
    return crash(REF_CMDS)


def sys_fields(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\s*([A-Z ]+[A-Z]):\s?(.*)$", line)
        if m:
            out[m.group(1).strip()] = m.group(2).strip()
    return out


# ------------------------------------------------------------ the sample

def test_manifest_complete(sample):
    m = sample.manifest
    for key in ("release", "kaslr_offset", "phys_base", "files",
                "makedumpfile", "makedumpfile_variants", "modules"):
        assert key in m, f"MANIFEST lacks {key}"
    assert re.fullmatch(r"0x[0-9a-f]+", m["kaslr_offset"])
    files = sample.files
    for name in ("vmcore.elf", "vmcore.flat", "vmcore.kdump",
                 "vmcore.d31.zlib", "vmcore.d31.lzo", "vmcore.d31.elf",
                 "vmlinux", "console.log"):
        assert name in files, f"{name} not listed in MANIFEST files="
    assert set(m["makedumpfile_variants"].split()) <= set(files)
    for name in files:
        assert (sample / name).is_file(), f"{name} missing"
        assert re.fullmatch(r"[0-9a-f]{64}", sample.sha256(name))
        assert (sample / name).stat().st_size == sample.size(name), \
            f"{name}: size differs from MANIFEST"
    if m.get("makedumpfile_zstd") == "yes":
        assert "vmcore.d31.zstd" in files


def test_vmlinux_and_modules(sample):
    with open(sample.vmlinux, "rb") as f:
        assert f.read(4) == b"\x7fELF"
    assert re.fullmatch(r"[0-9a-f]{40}", sample.manifest["vmlinux_build_id"])
    kos = list(sample.modules.glob("kernel/**/*.ko"))
    assert len(kos) > 100
    names = {p.name for p in kos}
    assert {"dummy.ko", "loop.ko", "qemu_fw_cfg.ko"} <= names


def test_console_log(sample):
    text = sample.console
    assert "PYKDUMP-FIXTURE-MARKER" in text
    assert "Kernel panic - not syncing: sysrq triggered crash" in text
    assert "end Kernel panic" in text
    assert "FAILED" not in text and "MISSING" not in text
    m = re.search(r"Kernel Offset: (0x[0-9a-f]+)", text)
    assert m and int(m.group(1), 16) == sample.kaslr_offset


def test_vmcoreinfo_matches_manifest(sample):
    vi = dict(ln.split("=", 1) for ln in
              (sample / "vmcoreinfo.txt").read_text().splitlines()
              if "=" in ln)
    assert vi["OSRELEASE"] == sample.release
    assert int(vi["KERNELOFFSET"], 16) == sample.kaslr_offset
    assert int(vi["NUMBER(phys_base)"]) & (2**64 - 1) == \
        int(sample.manifest["phys_base"], 16)


@pytest.mark.parametrize("name", DUMP_NAMES)
def test_dump_header(sample, name):
    p = sample.dump(name)
    with open(p, "rb") as f:
        head = f.read(512)
    if name.endswith(".elf"):
        assert head[:4] == b"\x7fELF" and head[4] == 2            # ELF64
        assert struct.unpack_from("<H", head, 16)[0] == 4          # ET_CORE
    elif name == "vmcore.flat":
        assert head[:16].rstrip(b"\0") == b"makedumpfile"
        assert struct.unpack_from(">qq", head, 16) == (1, 1)       # BE!
    else:
        assert head[:8] == b"KDUMP   "
        assert struct.unpack_from("<i", head, 8)[0] == 6          # version
        status, block_size = struct.unpack_from("<Ii", head, 424)
        assert status == KDUMP_STATUS[name]
        assert block_size == 4096


# ------------------------------------------------------------ crash on it

def test_crash_sys(sample, ref):
    f = sys_fields(ref["sys"])
    assert f["RELEASE"] == sample.release
    # the CPU stopped by the panicking one is reported offline:
    # "CPUS: 2 [OFFLINE: 1]"
    assert re.match(r"^2(\s|$)", f["CPUS"]), f["CPUS"]
    assert "sysrq triggered crash" in f["PANIC"]
    assert f["DUMPFILE"] == "vmcore.elf"


def test_crash_ps_fixture_processes(ref):
    comms = [ln.split()[-1] for ln in ref["ps"].splitlines()[1:]
             if ln.strip()]
    assert comms.count("fixture-worker") == 2
    assert comms.count("fixture-sleeper") == 1
    assert "init" in comms
    # crash 8.0.2 saw only 4 tasks here; the real number is ~60
    assert len(comms) > 40
    # the panicking task is init (pid 1), active on one of the two CPUs
    active = [ln for ln in ref["ps -A"].splitlines() if ln.startswith(">")]
    assert any(ln.split()[-1] == "init" and ln.split()[1] == "1"
               for ln in active)


def test_crash_log_marker(ref):
    assert "PYKDUMP-FIXTURE-MARKER" in ref["log"]
    assert "sysrq triggered crash" in ref["log"]


def test_crash_sees_modules_and_netdev(ref):
    mods = {ln.split()[1] for ln in ref["mod"].splitlines()[1:] if ln.strip()}
    assert {"qemu_fw_cfg", "dummy", "loop"} <= mods
    assert "fixture-dummy0" in ref["net"]
    assert "10.99.0.1" in ref["net"]


def test_crash_open_file(ref):
    out = ref["foreach fixture-sleeper files"]
    assert 'COMMAND: "fixture-sleeper"' in out
    assert re.search(r"^\s*3 .* REG\s+/tmp/fixture-open-file$", out, re.M)


@pytest.fixture(scope="module")
def variants_ref(sample, crash):
    crash.prefetch([(["sys", "ps"], n) for n in sample.dumps
                    if n != "vmcore.elf"])


@pytest.mark.parametrize("name", [n for n in DUMP_NAMES if n != "vmcore.elf"])
def test_crash_reads_every_variant(sample, crash, ref, variants_ref, name):
    sample.dump(name)
    out = crash(["sys", "ps"], dump=name)
    a, b = sys_fields(out["sys"]), sys_fields(ref["sys"])
    for k in ("RELEASE", "PANIC", "CPUS", "TASKS", "MEMORY", "DATE"):
        assert a[k] == b[k], k
    assert out["ps"] == ref["ps"]


# ------------------------------------------------------------ the helper

def test_compare_helper(compare):
    ref = "  KERNEL:  vmlinux\n    CPUS: 2 [OFFLINE: 1]\n\nX:  1\n"
    ours = "KERNEL: vmlinux\n    CPUS: 2\n\nX: 1\n\n"
    assert compare.normalize(ref)[0] == "KERNEL: vmlinux"
    problems, _ = compare.lines(ours, ref)
    assert len(problems) == 2
    with pytest.raises(AssertionError, match="2 unexplained"):
        compare(ours, ref, what="sys")
    allow = [compare.Known(ref=r"^CPUS: 2 \[OFFLINE", ours=r"^CPUS: 2$",
                           reason="offline CPUs")]
    problems, used = compare.lines(ours, ref, allow)
    assert problems == [] and used == set(allow)
    compare(ours, ref, allow, strict_allow=True)
    with pytest.raises(AssertionError, match="never needed"):
        compare(ref, ref, allow, strict_allow=True)
