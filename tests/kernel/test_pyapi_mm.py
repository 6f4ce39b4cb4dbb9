# SPDX-License-Identifier: GPL-2.0-or-later
"""pykdump.mm: the kernel memory knowledge kmem prints, from Python
without parsing text, against crash 8.0.6's kmem on the same dump.  The
crash sessions are test_cmd_kmem's (the same batches: answered from its
cache), the addresses come from crash's answers."""

import os
import re
import sys
from pathlib import Path

import pytest

from test_cmd_kmem import STATIC, Facts

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))


@pytest.fixture(scope="module")
def ref(crash):
    return crash(STATIC)


@pytest.fixture(scope="module")
def facts(ref):
    return Facts(ref)


@pytest.fixture(scope="module")
def ref2(crash, facts):
    return crash(facts.commands())


@pytest.fixture(scope="module")
def mm(sample):
    sys.path.insert(0, str(BUILD / "python"))
    import pykdump
    pykdump.open(str(sample.dump()), str(sample.vmlinux))
    from pykdump import mm
    yield mm
    pykdump.close()


def test_slab_caches_and_counts(mm, ref):
    rows = re.findall(r"^([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+"
                      r"(\d+)k\s+(\S+)$", ref["kmem -s"], re.M)
    caches = mm.slab_caches()
    assert rows and len(rows) == len(caches)
    objs = mm.slab_objects_all()
    for (addr, osize, alloc, total, slabs, ssize, name), c in \
            zip(rows, caches):
        assert (c.addr, c.name, c.object_size) == (int(addr, 16), name,
                                                   int(osize))
        assert 4096 << c.order == int(ssize) * 1024, name
        assert tuple(mm.slab_counts(c.addr)) == \
            (int(alloc), int(total), int(slabs)), name
        # one scan of the memory map finds what kmem -s counts
        assert len(objs.get(c.addr, [])) == int(alloc), name
    assert mm.slab_cache("dentry").addr == mm.slab_cache(
        mm.slab_cache("dentry").addr).addr


def test_slab_objects(mm, facts, ref):
    dentry = mm.slab_cache("dentry")
    alloc = set(mm.slab_objects("dentry"))
    every = set(mm.slab_objects(dentry.addr, allocated=False))
    assert set(facts.allocated) <= alloc
    assert not set(facts.free) & alloc
    assert set(facts.free) <= every and alloc <= every
    total = re.search(r"^[0-9a-f]+\s+\d+\s+\d+\s+(\d+)\s.*\bdentry$",
                      ref["kmem -s"], re.M).group(1)
    assert len(every) == int(total)
    sl = mm.slab(facts.slab)
    assert (sl.addr, sl.cache, sl.mem) == (facts.slab, dentry.addr,
                                           facts.slab_mem)
    assert len(mm.slab_object_states("dentry", facts.slab)) == sl.objects


def test_slab_find(mm, facts):
    dentry = mm.slab_cache("dentry")
    a, f = facts.allocated[0], facts.free[0]
    hit = mm.slab_find(a + 8)
    assert (hit.cache, hit.slab, hit.object, hit.state) == \
        (dentry.addr, facts.slab, a, mm.OBJ_INUSE)
    assert hit.cpu >= 0          # the dentry slab crash showed is a CPU's
    hit = mm.slab_find(f)
    # crash's "(cpu N cache)": on the CPU freelist, or freed by another
    # CPU onto the slab's own
    assert hit.object == f and hit.state in (mm.OBJ_CPU_FREE, mm.OBJ_FREE)
    assert mm.slab_find(facts.jiffies) is None


def test_pages(mm, facts, ref2):
    line = ref2[f"kmem -p {facts.slab:x}"].splitlines()[1].split()
    p = mm.page(facts.slab)
    assert p.pfn * 4096 == int(line[1], 16)
    assert (p.mapping, p.refcount, p.flags) == (int(line[2], 16),
                                                int(line[4]),
                                                int(line[5], 16))
    assert ",".join(mm.page_flags(p.flags)) == line[6]
    assert mm.page_to_pfn(facts.slab) == p.pfn
    assert mm.pfn_to_page(p.pfn) == facts.slab
    with pytest.raises(Exception, match="not a struct page"):
        mm.page_to_pfn(facts.slab + 1)
    with pytest.raises(Exception, match="nosuchcache"):
        mm.slab_cache("nosuchcache")


def test_zones_sections_vmalloc(mm, ref):
    zones = re.findall(r'NAME: "(\w+)"\n(?:  SIZE: (\d+).*MIN/LOW/HIGH: '
                       r'(\d+)/(\d+)/(\d+))?', ref["kmem -z"])
    got = mm.zones(mm.nodes()[0].id)
    assert [(n, int(s or 0)) for n, s, *_ in zones] == \
        [(z.name, z.spanned) for z in got]
    for (n, s, lo, mid, hi), z in zip(zones, got):
        if s:
            assert (z.wmark_min, z.wmark_low, z.wmark_high) == \
                (int(lo), int(mid), int(hi)), n
    secs = re.findall(r"^\s*(\d+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+"
                      r"\w+\s+(\d+)", ref["kmem -n"], re.M)
    assert [(int(n), int(m, 16), int(p)) for n, m, p in secs] == \
        [(s.nr, s.mem_map, s.pfn) for s in mm.mem_sections()]
    vm = [tuple(int(x, 16) for x in m) for m in re.findall(
        r"^([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+) - ([0-9a-f]+)",
        ref["kmem -v"], re.M)]
    assert vm == [tuple(v) for v in mm.vmap_areas() if v.vm_struct]


def test_free_list(mm, ref):
    """The first order-0 list of the first populated zone, as kmem -F
    lists it."""
    zone = [z for z in mm.zones(mm.nodes()[0].id) if z.spanned][0]
    first = re.search(r"AREA    SIZE  FREE_AREA_STRUCT\n  0       4k  "
                      r"[0-9a-f]+  \n((?:[0-9a-f]{16}\n)*)", ref["kmem -F"])
    assert [int(x, 16) for x in first.group(1).split()] == \
        mm.free_list(mm.nodes()[0].id, zone.index, 0, 0)
