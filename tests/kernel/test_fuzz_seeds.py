# SPDX-License-Identifier: GPL-2.0-or-later
"""The kernel-memory fuzz seeds (fuzz/corpus/, scripts/make-fuzz-seeds)
reach the code they were made for on this sample, whatever its boot.

The seeds hold the memory of the boot they were recorded on; a sample
booted elsewhere (CI, a fresh machine, make test-other-boot) has another
KASLR offset and direct map base, and its symbols missed every segment:
the printk seed then gave no record at all, and the walkers' seeds lost
a third of their coverage, silently.  fuzz/corpus/sample-layout keeps
the recording boot's layout and the targets take it
(PYKDUMP_FUZZ_LAYOUT, fuzz/session_fuzz.h).

Needs the fuzz build (PYKDUMP_FUZZ_BUILD, else build-fuzz/; make test's
fuzz-smoke stage builds it before pytest)."""
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "fuzz" / "corpus"
LAYOUT = CORPUS / "sample-layout"


def target(name):
    build = Path(os.environ.get("PYKDUMP_FUZZ_BUILD", REPO / "build-fuzz"))
    t = build / "fuzz" / f"fuzz_{name}"
    if not t.exists():
        pytest.fail(f"no fuzz target {t}: make fuzz-build")
    return t


def run_target(name, sample, inputs, layout=LAYOUT, show=False):
    env = dict(os.environ, PYKDUMP_FUZZ_SAMPLE=str(sample),
               PYKDUMP_FUZZ_LAYOUT=str(layout) if layout else "")
    if show:
        env["PYKDUMP_FUZZ_SHOW"] = "1"
    r = subprocess.run([str(target(name)), "-runs=0", *map(str, inputs)],
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stderr


def test_layout_file_is_well_formed():
    kaslr, pob, release = LAYOUT.read_text().split()
    assert int(kaslr, 16) % (2 << 20) == 0	# KASLR moves by 2 MB steps
    assert int(pob, 16) >> 63 == 1
    assert re.match(r"\d+\.\d+\.\d+", release), release


def same_kernel(sample):
    """The seeds fit the sample only on the kernel they were recorded on
    (its types); another kernel's sample (make test-older) is told so."""
    m = re.search(r"^OSRELEASE=(\S+)$",
                  (sample / "vmcoreinfo.txt").read_text(), re.M)
    assert m, "the sample's vmcoreinfo.txt has no OSRELEASE"
    return m.group(1) == LAYOUT.read_text().split()[2]


def test_seeds_of_another_kernel_are_said_to_be(sample):
    out = run_target("printk", sample, [CORPUS / "printk"])
    said = "fuzz: the seeds were recorded on" in out
    assert said == (not same_kernel(sample)), out[-2000:]


def test_printk_seed_is_a_small_well_formed_ring(sample):
    """The printk seed is the sample's latest records in a ring cut down
    to 32 descriptors and 4 KB of text: every descriptor is a record, in
    order, and the panic is among them."""
    seeds = sorted((CORPUS / "printk").iterdir())
    assert seeds and all(p.stat().st_size < 16384 for p in seeds), seeds
    if not same_kernel(sample):	# test_seeds_of_another_kernel_...
        return
    out = run_target("printk", sample, [CORPUS / "printk" / "small-ring"],
                     show=True)
    recs = re.findall(r"^record (\d+) \[ *(\d+\.\d+)\] <(\d)> (.*)$", out,
                      re.M)
    # libFuzzer may run a single input more than once: the first pass
    assert len(recs) >= 32 and len(recs) % 32 == 0, out[-2000:]
    recs = recs[:32]
    assert [int(r[0]) for r in recs] == list(range(32))
    ts = [float(r[1]) for r in recs]
    assert ts == sorted(ts)
    assert any("Kernel panic - not syncing" in r[3] for r in recs)
    # without the recording boot's layout, a sample of another boot
    # misses the seed; with it, any boot reads it (checked above)


def boot_kaslr(sample):
    m = re.search(r"^KERNELOFFSET=([0-9a-f]+)$",
                  (sample / "vmcoreinfo.txt").read_text(), re.M)
    assert m, "the sample's vmcoreinfo.txt has no KERNELOFFSET"
    return int(m.group(1), 16)


def test_seeds_reach_as_far_on_any_boot(sample):
    """Each kernel-memory target's first pass over its seeds: on the
    recording boot the layout changes nothing; on any other boot the
    seeds reach further with it than without (without it, the symbols
    miss the seeds' memory: on another boot of the sample, walkers 714
    edges instead of 1002, kallsyms 263 instead of 568)."""
    if not same_kernel(sample):	# test_seeds_of_another_kernel_...
        return
    same_boot = boot_kaslr(sample) == int(LAYOUT.read_text().split()[0], 16)
    for name in ("printk", "walkers", "kallsyms", "expr"):
        cov = []
        for layout in (LAYOUT, None):
            # the corpus directory: one initial pass over all its seeds
            out = run_target(name, sample, [CORPUS / name], layout=layout)
            m = re.search(r"INITED cov: (\d+)", out)
            assert m, out[-2000:]
            cov.append(int(m.group(1)))
        # (a target's coverage varies by an edge or two from run to run)
        if same_boot:
            assert abs(cov[0] - cov[1]) <= cov[1] // 50, (name, cov)
        else:
            assert cov[0] > cov[1] * 1.05, (name, cov)
