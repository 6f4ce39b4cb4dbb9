# SPDX-License-Identifier: GPL-2.0-or-later
"""The dump layer on the real sample dump, differentially.

Every physical page readable from vmcore.elf (QEMU's ELF, the whole
machine) must read identically through every other variant wherever that
variant dumped the page (QEMU's flattened and rearranged kdump, the
makedumpfile -d 31 variants, and split / flattened sets made here with
makedumpfile), and identically to Debian's libkdumpfile on the files it can
open.  Pages are compared by a hash printed by build/tests/tools/dump_pages.
"""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP_PAGES = BUILD / "tests" / "tools" / "dump_pages"
PYKDUMP = Path(os.environ.get("PYKDUMP_BIN", BUILD / "pykdump"))
ZERO_PAGE_HASH = "4cc4f7c2d83ca454"     # dump_pages' hash of 4096 zero bytes
VARIANTS = ("vmcore.flat", "vmcore.kdump", "vmcore.d31.zlib", "vmcore.d31.lzo",
            "vmcore.d31.zstd", "vmcore.d31.elf")
FORMATS = {"vmcore.elf": "ELF", "vmcore.flat": "kdump (flattened)",
           "vmcore.kdump": "kdump", "vmcore.d31.zlib": "kdump",
           "vmcore.d31.lzo": "kdump", "vmcore.d31.zstd": "kdump",
           "vmcore.d31.elf": "ELF"}
COMPRESSION = {"vmcore.elf": "none", "vmcore.flat": "zlib",
               "vmcore.kdump": "zlib", "vmcore.d31.zlib": "zlib",
               "vmcore.d31.lzo": "lzo", "vmcore.d31.zstd": "zstd",
               "vmcore.d31.elf": "none"}


@pytest.fixture(scope="module")
def sample_dir(request):
    """The sample dump: conftest's `sample` fixture (which makes it)."""
    return Path(os.fspath(request.getfixturevalue("sample")))


@pytest.fixture(scope="module")
def tool():
    assert DUMP_PAGES.exists(), f"{DUMP_PAGES} is not built (ninja -C build)"
    return DUMP_PAGES


def run(args, **kw):
    r = subprocess.run([str(a) for a in args], capture_output=True,
                       text=True, timeout=600, **kw)
    assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stderr}"
    return r.stdout


def pages(tool, files, reader="ours"):
    """{pfn: (state, hash)} for every page not "not present"."""
    out = run([tool, "--reader", reader, "--max-pfn", str(1 << 20), *files])
    result = {}
    for line in out.splitlines()[1:]:
        pfn, state, h = line.split()
        result[int(pfn, 16)] = (state, h)
    return result


def dumped(p):
    return {pfn: h for pfn, (state, h) in p.items() if state == "D"}


_cache = {}


def pages_of(tool, sample_dir, name):
    if name not in _cache:
        _cache[name] = pages(tool, [sample_dir / name])
    return _cache[name]


def dumpinfo(path_list, *opts):
    out = run([PYKDUMP, "-c", " ".join(["dumpinfo", *opts]), *path_list])
    facts = {}
    for line in out.splitlines():
        if ": " in line:
            k, v = line.split(": ", 1)
            facts.setdefault(k, v)
    return out, facts


def present(sample_dir, names):
    names = [n for n in names if (sample_dir / n).exists()]
    assert names, f"no dump variants in {sample_dir}"
    return names


# ---------------------------------------------------------------- facts

@pytest.mark.parametrize("name", ("vmcore.elf",) + VARIANTS)
def test_dumpinfo_facts(sample_dir, name):
    path = sample_dir / name
    if not path.exists():
        pytest.fail(f"{path} missing: the sample is incomplete")
    manifest = dict(line.split("=", 1) for line in
                    (sample_dir / "MANIFEST").read_text().splitlines()
                    if "=" in line and not line.startswith("#"))
    out, f = dumpinfo([path], "--pages")
    assert f["FORMAT"] == FORMATS[name]
    assert f["COMPRESSION"] == COMPRESSION[name]
    assert f["ARCHITECTURE"].startswith("x86_64 (little-endian, 64-bit)")
    assert f["RELEASE"] == manifest["release"]
    assert f["PAGE SIZE"] == "4096"
    assert f["CPUS"] == manifest["cpus"]
    assert f["CPU NOTES"] == manifest["cpus"]
    assert re.match(r"\d+ bytes, \d+ keys", f["VMCOREINFO"])
    # QEMU's notes give every CPU's CR3; makedumpfile copies them along.
    cpus = re.findall(r"^CPU \d+: pid \d+ rip 0x[0-9a-f]+ rsp 0x[0-9a-f]+"
                      r" cr3 0x[0-9a-f]+$", out, re.M)
    assert len(cpus) == int(manifest["cpus"]), out
    level = "31" if ".d31." in name and name != "vmcore.d31.elf" else None
    if level:
        assert f["DUMP LEVEL"] == level
    counts = {k: int(v) for k, v in f.items() if k.startswith("pages_")}
    assert counts["pages_dumped"] > 0
    assert counts["pages_present"] == (counts["pages_dumped"]
                                       + counts["pages_excluded"]
                                       + counts["pages_lost"]
                                       + counts["pages_corrupt"])
    assert counts["pages_lost"] == counts["pages_corrupt"] == 0
    if ".d31." in name:
        assert counts["pages_excluded"] > 0, "-d 31 excludes pages"


def test_cpu_registers_agree(sample_dir):
    """Every variant carries the same CPU notes as QEMU's ELF."""
    ref, _ = dumpinfo([sample_dir / "vmcore.elf"])
    ref_cpus = re.findall(r"^CPU \d+: .*$", ref, re.M)
    assert ref_cpus
    for name in present(sample_dir, VARIANTS):
        out, _ = dumpinfo([sample_dir / name])
        assert re.findall(r"^CPU \d+: .*$", out, re.M) == ref_cpus, name


def test_vmcoreinfo_text(tool, sample_dir):
    """VMCOREINFO as make-sample-dump's independent ELF note reader saw it."""
    want = (sample_dir / "vmcoreinfo.txt").read_text().rstrip("\n")
    for name in present(sample_dir, ("vmcore.elf",) + VARIANTS):
        got = run([tool, "--vmcoreinfo", sample_dir / name]).rstrip("\n")
        assert got == want, name
    kaslr = re.search(r"^KERNELOFFSET=([0-9a-f]+)$", want, re.M).group(1)
    manifest = (sample_dir / "MANIFEST").read_text()
    assert f"kaslr_offset=0x{kaslr}" in manifest


def test_flattened_opens_fast(tool, sample_dir):
    """The flattened file is indexed in place: well under a second."""
    best = min(float(run([tool, "--time-open", sample_dir / "vmcore.flat"]))
               for _ in range(3))
    assert best < 0.25, f"opening vmcore.flat took {best:.3f}s"


# ---------------------------------------------------------------- pages

def test_reference_covers_memory(tool, sample_dir):
    ref = pages_of(tool, sample_dir, "vmcore.elf")
    d = dumped(ref)
    manifest_mem = (sample_dir / "MANIFEST").read_text()
    mb = int(re.search(r"^memory=(\d+)M$", manifest_mem, re.M).group(1))
    # QEMU's ELF holds all RAM (plus the BIOS ROM mapping).
    assert len(d) >= mb * 256
    assert all(state == "D" for state, _ in ref.values())


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_pages_match_elf(tool, sample_dir, name):
    if not (sample_dir / name).exists():
        pytest.fail(f"{name} missing: the sample is incomplete")
    ref = dumped(pages_of(tool, sample_dir, "vmcore.elf"))
    got = pages_of(tool, sample_dir, name)
    mine = dumped(got)
    assert mine, name
    wrong = [pfn for pfn, h in mine.items() if ref.get(pfn) != h]
    assert not wrong, (f"{name}: {len(wrong)} pages differ from vmcore.elf, "
                       f"first pfns {[hex(p) for p in wrong[:8]]}")
    assert not [s for s, _ in got.values() if s in "LC"], name
    if name in ("vmcore.flat", "vmcore.kdump"):
        # QEMU's kdump formats hold the whole machine, like its ELF.
        assert set(mine) == set(ref)
    else:
        excluded = [pfn for pfn, (s, _) in got.items() if s == "X"]
        assert excluded and all(pfn in ref for pfn in excluded)


def test_d31_variants_agree(tool, sample_dir):
    names = present(sample_dir, ("vmcore.d31.zlib", "vmcore.d31.lzo",
                                 "vmcore.d31.zstd"))
    first = pages_of(tool, sample_dir, names[0])
    for name in names[1:]:
        assert pages_of(tool, sample_dir, name) == first, name


@pytest.mark.parametrize("name", ("vmcore.elf",) + VARIANTS)
def test_matches_libkdumpfile(tool, sample_dir, name):
    path = sample_dir / name
    if name == "vmcore.flat":
        # libkdumpfile 0.5.1 has no flattened support: it must say so.
        r = subprocess.run([str(tool), "--reader", "libkdumpfile", str(path)],
                           capture_output=True, text=True)
        assert r.returncode == 2 and "Unknown file format" in r.stderr
        return
    theirs = pages(tool, [path], reader="libkdumpfile")
    assert not [p for p, (s, _) in theirs.items() if s == "E"], name
    theirs = dumped(theirs)
    mine = dumped(pages_of(tool, sample_dir, name))
    assert set(mine) <= set(theirs)
    differ = [p for p in mine if mine[p] != theirs[p]]
    assert not differ, f"{name}: {len(differ)} pages differ, e.g. {differ[:8]}"
    # libkdumpfile reads the page before an ELF segment as zeros; that
    # page is in no PT_LOAD, so it is "not present" for us.
    extra = {p: h for p, h in theirs.items() if p not in mine}
    if FORMATS[name] == "ELF":
        assert all(h == ZERO_PAGE_HASH for h in extra.values())
        assert len(extra) <= 16
    else:
        assert not extra


# --------------------------------------- sets made here with makedumpfile

def makedumpfile(*args, stdout=None):
    r = subprocess.run(["makedumpfile", *map(str, args)], stdout=stdout,
                       stderr=subprocess.PIPE, text=True, timeout=600)
    assert r.returncode == 0, f"makedumpfile {args}: {r.stderr}"


def assert_superset(got, ref, max_pfn):
    """makedumpfile -d 0 keeps every page of its input below the kernel's
    max_pfn (the BIOS ROM mapped under 4 GiB is above it), and writes the
    input's excluded pages (p_filesz < p_memsz) as the zeros it read."""
    wrong = [p for p in ref if p < max_pfn and got.get(p) != ref[p]]
    assert not wrong, f"{len(wrong)} pages differ, e.g. {wrong[:8]}"
    extra = [p for p in got if p not in ref]
    assert all(got[p] == ZERO_PAGE_HASH for p in extra)


@pytest.fixture(scope="module")
def made(sample_dir, tmp_path_factory):
    """Split and flattened files made from vmcore.d31.elf (unfiltered -d 0,
    so every page it holds is in them)."""
    src = sample_dir / "vmcore.d31.elf"
    out = tmp_path_factory.mktemp("makedumpfile")
    split = [out / f"split.{i}" for i in range(3)]
    makedumpfile("--split", "--splitblock-size", "1024", "-c", "-d", "0", src,
                 *split)
    with open(out / "kdump.flat", "w") as fp:
        makedumpfile("-F", "-l", "-d", "0", src, stdout=fp)
    with open(out / "elf.flat", "w") as fp:
        makedumpfile("-F", "-E", "-d", "0", src, stdout=fp)
    return {"split": split, "kdump.flat": out / "kdump.flat",
            "elf.flat": out / "elf.flat"}


def test_split_set(tool, sample_dir, made):
    ref = dumped(pages_of(tool, sample_dir, "vmcore.d31.elf"))
    _, f = dumpinfo(made["split"])
    assert f["FORMAT"] == "kdump (split, 3 files)"
    # any order, as crash accepts them
    got = dumped(pages(tool, list(reversed(made["split"]))))
    assert_superset(got, ref, int(f["MAX PFN"], 16))
    # one file alone: its own pages, the others' are lost, with a warning
    out, _ = dumpinfo(made["split"][:1])
    assert "give all its files" in out
    part = pages(tool, made["split"][:1])
    lost = [p for p, (s, _) in part.items() if s == "L"]
    assert lost and all(p in ref for p in lost)
    assert all(ref[p] == h for p, h in dumped(part).items())
    # the counts (a bitmap word at a time where no given file covers the
    # pfns) agree with each page's state
    _, f1 = dumpinfo(made["split"][:1], "--pages")
    states = [s for s, _ in part.values()]
    for key, letter in (("pages_lost", "L"), ("pages_dumped", "D"),
                        ("pages_excluded", "X")):
        assert int(f1[key]) == states.count(letter), (key, f1)
    assert int(f1["pages_present"]) == len(states), f1


@pytest.mark.parametrize("which,fmt", (("kdump.flat", "kdump (flattened)"),
                                       ("elf.flat", "ELF (flattened)")))
def test_makedumpfile_flattened(tool, sample_dir, made, which, fmt):
    ref = dumped(pages_of(tool, sample_dir, "vmcore.d31.elf"))
    _, f = dumpinfo([made[which]])
    assert f["FORMAT"] == fmt
    assert_superset(dumped(pages(tool, [made[which]])), ref,
                    int(f["MAX PFN"], 16))
