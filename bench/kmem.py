#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kmem against crash 8.0.6 and drgn on the same dump, in one run.

  /usr/bin/python3 bench/kmem.py [BUILD_DIR] [SAMPLE_DIR]

  kmem -s, kmem -S (every cache)   pykdump vs crash (scripts/crash-ref,
                                   uncached) on vmcore.kdump: whole runs
                                   (start-up included) and the command's
                                   own time (whole run less start-up);
                                   pykdump best of 3, crash best of 2
  allocated objects of every cache pykdump.mm.slab_objects_all() (one
                                   scan of the memory map) vs drgn's
                                   slab_cache_for_each_allocated_object
                                   over for_each_slab_cache, on
                                   vmcore.d31.zlib (drgn 0.0.22 cannot
                                   translate the sample's ELF cores)

Nothing is asserted: the table is to read.  The object counts of both
sides are printed; where they differ, drgn 0.0.22 does not know the
CPU freelist of 5.17+ kernels (kmem_cache_cpu.slab, formerly .page), so
the free objects of the CPU slabs count as allocated there.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = Path(sys.argv[1] if len(sys.argv) > 1 else
             os.environ.get("PYKDUMP_BUILD", REPO / "build"))
SAMPLE = Path(sys.argv[2] if len(sys.argv) > 2 else
              os.environ.get("PYKDUMP_SAMPLE_DIR") or
              os.path.expanduser("~/.cache/pykdump/"
                                 "sample-6.1.0-56-cloud-amd64"))
PK = BUILD / "pykdump"
DUMP = SAMPLE / "vmcore.kdump"
VMLINUX = SAMPLE / "vmlinux"
DRGN_DUMP = SAMPLE / "vmcore.d31.zlib"


def best(argv, n):
    t = None
    for _ in range(n):
        t0 = time.monotonic()
        subprocess.run(argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        d = time.monotonic() - t0
        t = d if t is None else min(t, d)
    return t


def ours(cmd, n=3):
    return best([str(PK), "-c", cmd, str(VMLINUX), str(DUMP)], n)


def crash(cmd, n=2):
    return best(["/usr/bin/python3", str(REPO / "scripts" / "crash-ref"),
                 "--no-cache", str(DUMP), cmd], n)


def commands():
    base_o, base_c = ours("help"), crash("p jiffies")
    print(f"{'command':<22} {'pykdump':>9} {'crash':>9} {'ratio':>8}   "
          f"{'own time: pykdump':>17} {'crash':>8} {'ratio':>8}")
    print(f"{'start-up only':<22} {base_o:8.3f}s {base_c:8.3f}s")
    for cmd in ("kmem -s", "kmem -S"):
        o, c = ours(cmd), crash(cmd)
        oo, cc = max(o - base_o, 1e-4), max(c - base_c, 1e-4)
        print(f"{cmd:<22} {o:8.3f}s {c:8.3f}s {c / o:7.1f}x   "
              f"{oo:16.3f}s {cc:7.3f}s {cc / oo:7.1f}x")


OURS_PROG = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import pykdump
pykdump.open(sys.argv[2], vmlinux=sys.argv[3])
from pykdump import mm
t0 = time.monotonic()
objs = mm.slab_objects_all()
t = time.monotonic() - t0
print(sum(len(v) for v in objs.values()), t)
"""

DRGN_PROG = r"""
import sys, time
import drgn
from drgn.helpers.linux.slab import (for_each_slab_cache,
                                     slab_cache_for_each_allocated_object)
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
t0 = time.monotonic()
n = 0
for c in for_each_slab_cache(prog):
    for _o in slab_cache_for_each_allocated_object(c, "void"):
        n += 1
print(n, time.monotonic() - t0)
"""


def run_prog(prog, *args):
    r = subprocess.run(["/usr/bin/python3", "-c", prog, *map(str, args)],
                       capture_output=True, text=True)
    if r.returncode:
        return None, r.stderr.strip().splitlines()[-1:]
    n, t = r.stdout.split()
    return int(n), float(t)


def objects():
    on, ot = run_prog(OURS_PROG, BUILD / "python", DRGN_DUMP, VMLINUX)
    try:
        import drgn  # noqa: F401
        dn, dt = run_prog(DRGN_PROG, DRGN_DUMP, VMLINUX)
    except ImportError:
        dn, dt = None, "drgn is not installed"
    print(f"\nallocated objects of every cache ({DRGN_DUMP.name})")
    print(f"  pykdump.mm.slab_objects_all  {on} objects in {ot:.3f}s")
    if dn is None:
        print(f"  drgn: {dt}")
        return
    print(f"  drgn slab_cache_for_each_allocated_object  {dn} objects in "
          f"{dt:.3f}s")
    print(f"  ratio (drgn / pykdump time): {dt / max(ot, 1e-4):.0f}x")


def main():
    if not PK.exists():
        sys.exit(f"kmem.py: {PK} is not built")
    print(f"kmem bench on {DUMP}")
    commands()
    objects()


if __name__ == "__main__":
    main()
