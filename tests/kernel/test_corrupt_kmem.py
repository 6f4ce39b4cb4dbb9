# SPDX-License-Identifier: GPL-2.0-or-later
"""Bad input for kmem: corrupted copies of the sample (made as
test_corrupt.py makes them, with its fixtures) where a slab free list,
a node's partial list, the cache list, a buddy free list, the memory
sections or the vmalloc list is broken, cyclic or holds impossible
counts.  Each run must give kmem's output up to the problem and a clean
"kmem: ..." error naming it, in bounded time and memory, and `sys` must
still run after it (test_corrupt's run fixture checks the last three).

Every address patched is derived from the pristine dump with our own
commands (kmem -S, kmem -s list, struct -o, rd), never written here.
"""

import re
import struct

import pytest

from test_corrupt import (BAD_PTR, corrupter, error_lines,  # noqa: F401
                          pristine, q, run)


def swab64(v):
    return struct.unpack("<Q", struct.pack(">Q", v))[0]


class SlabFacts:
    """A cache's layout and its CPU freelists, from the pristine dump."""

    def __init__(self, p, name):
        self.name = name
        caches = dict((n, int(a, 16)) for a, n in re.findall(
            r"^([0-9a-f]+) (\S+)$", p.run(["kmem -s list"]), re.M))
        self.cache = caches[name]
        self.offset = p.u32(self.cache + p.offset("kmem_cache", "offset"))
        self.random = p.u64(self.cache + p.offset("kmem_cache", "random"))
        self.verbose = p.run([f"kmem -S {name}"])
        cpus = re.findall(r"^CPU \d+ KMEM_CACHE_CPU:\n  ([0-9a-f]+)",
                          self.verbose, re.M)
        fl = p.offset("kmem_cache_cpu", "freelist")
        self.cpu_freelists = [p.u64(int(c, 16) + fl) for c in cpus]

    def encode(self, ptr, at):
        """A free pointer as CONFIG_SLAB_FREELIST_HARDENED stores it
        (5.7+: ptr ^ random ^ swab(address it is stored at))."""
        return ptr ^ self.random ^ swab64(at)


@pytest.fixture(scope="session")
def dentry(pristine):
    return SlabFacts(pristine, "dentry")


def first_free(facts):
    heads = [f for f in facts.cpu_freelists if f]
    assert heads, "no CPU freelist in the sample's dentry cache"
    return heads[0]


@pytest.fixture(scope="session")
def freelist_garbage(corrupter, dentry):
    """The first object of a CPU freelist points to garbage."""
    obj = first_free(dentry)
    return corrupter.make("slab_fl_garbage",
                          [(obj + dentry.offset, q(0x4141414141414141))]), obj


@pytest.fixture(scope="session")
def freelist_cycle(corrupter, dentry):
    """The first object of a CPU freelist points to itself (encoded)."""
    obj = first_free(dentry)
    at = obj + dentry.offset
    return corrupter.make("slab_fl_cycle",
                          [(at, q(dentry.encode(obj, at)))]), obj


def partial_cache(p):
    """A cache with slabs on its node partial list, and the first one."""
    out = p.run(["kmem -S"])
    for block in out.split("\nCACHE "):
        m = re.search(r"NODE \d+ PARTIAL:\n  SLAB .*\n  ([0-9a-f]+)\s", block)
        if m:
            name = block.splitlines()[1].split()[-1]
            return name, int(m.group(1), 16)
    pytest.fail("no node partial slab in the sample")


@pytest.fixture(scope="session")
def partial_cycle(pristine, corrupter):
    """A node partial slab's slab_list.next points to itself."""
    name, slab = partial_cache(pristine)
    off = pristine.offset("slab", "slab_list")
    return corrupter.make("slab_partial_cycle",
                          [(slab + off, q(slab + off))]), name, slab


@pytest.fixture(scope="session")
def huge_counts(pristine, corrupter, dentry):
    """dentry's kmem_cache_node counts are 2^62 and its CPU slab claims
    32767 objects."""
    node = int(re.search(r"^KMEM_CACHE_NODE.*\n([0-9a-f]+)", dentry.verbose,
                         re.M).group(1), 16)
    slab = int(re.search(r"^CPU \d+ SLAB:\n  SLAB .*\n  ([0-9a-f]+)",
                         dentry.verbose, re.M).group(1), 16)
    counters = pristine.offset("slab", "counters")
    big = 1 << 62
    return corrupter.make("slab_huge", [
        (node + pristine.offset("kmem_cache_node", "nr_partial"), q(big)),
        (node + pristine.offset("kmem_cache_node", "nr_slabs"), q(big)),
        (node + pristine.offset("kmem_cache_node", "total_objects"), q(big)),
        # inuse 0, objects 0x7fff, frozen 1
        (slab + counters, q(0x7fff << 16 | 1 << 31)),
    ]), slab


@pytest.fixture(scope="session")
def caches_broken(pristine, corrupter):
    """A cache in the middle of slab_caches has a list.next into
    unmapped space."""
    rows = re.findall(r"^([0-9a-f]+) (\S+)$", pristine.run(["kmem -s list"]),
                      re.M)
    i = len(rows) // 2
    addr = int(rows[i][0], 16) + pristine.offset("kmem_cache", "list")
    return corrupter.make("slab_caches", [(addr, q(BAD_PTR))]), \
        [n for _, n in rows[:i + 1]], [n for _, n in rows[i + 1:]]


@pytest.fixture(scope="session")
def buddy_cycle(pristine, corrupter):
    """A free block's lru.next points to itself: a cycle on a buddy
    free list."""
    out = pristine.run(["kmem -F"])
    m = re.search(r"^AREA .*\n\s*\d+\s+\d+k\s+[0-9a-f]+\s*\n([0-9a-f]{16})\n",
                  out, re.M)
    page = int(m.group(1), 16)
    off = pristine.offset("page", "lru")
    return corrupter.make("buddy_cycle", [(page + off, q(page + off))])


@pytest.fixture(scope="session")
def sections_broken(pristine, corrupter):
    """The first mem_section root is garbage: no memory map at all."""
    roots = pristine.u64(pristine.symbol("mem_section"))
    return corrupter.make("mem_section", [(roots, q(0x4141414141414141))])


@pytest.fixture(scope="session")
def vmap_broken(pristine, corrupter):
    """The third vmap area's list.next points into unmapped space."""
    rows = re.findall(r"^([0-9a-f]{16})\s+[0-9a-f]+\s+([0-9a-f]+) - ",
                      pristine.run(["kmem -v"]), re.M)
    va = int(rows[2][0], 16)
    return corrupter.make("vmap", [
        (va + pristine.offset("vmap_area", "list"), q(BAD_PTR))]), rows


# ------------------------------------------------------------ the cases

def test_freelist_garbage(run, freelist_garbage):
    dump, obj = freelist_garbage
    out, err, rc = run(dump, ["kmem -S dentry"])
    errs = error_lines("kmem", out, err)
    assert any("dentry: slab:" in e and "invalid freepointer" in e
               for e in errs), out + err
    # the rest of the cache still shows
    assert "KMEM_CACHE_NODE" in out and "NODE 0 PARTIAL:" in out, out
    out, err, rc = run(dump, ["kmem -s"])
    row = re.search(r"^[0-9a-f]+\s+\d+\s+(\S+)\s+(\S+)\s+(\S+)\s+\d+k\s+"
                    r"dentry$", out, re.M)
    assert row and row.groups() == ("?", "?", "?"), out
    assert any("dentry: cannot gather relevant slab data" in e
               for e in error_lines("kmem", out, err)), out
    # the caches after it are listed
    assert re.search(r"\s+kmem_cache$", out, re.M), out
    out, err, rc = run(dump, [f"kmem {obj:x}"])
    assert re.search(r"^ +PAGE +PHYSICAL", out, re.M), out


def test_freelist_cycle(run, freelist_cycle):
    dump, obj = freelist_cycle
    for cmd in ("kmem -S dentry", f"kmem -S {obj:x}", "kmem -s dentry"):
        out, err, rc = run(dump, [cmd])
        assert any("duplicate freelist object" in e and f"{obj:x}" in e
                   for e in error_lines("kmem", out, err)), cmd + out + err


@pytest.mark.parametrize("run", ["cli"], indirect=True)  # epython
def test_freelist_cycle_pyapi(run, freelist_cycle, tmp_path):
    dump, obj = freelist_cycle
    prog = tmp_path / "slab.py"
    prog.write_text(
        "from pykdump.API import *\n"
        "from pykdump import mm\n"
        "n = len(mm.slab_objects('dentry'))\n"
        "print('OBJECTS', n)\n"
        "try:\n"
        "    print(mm.slab_counts('dentry'))\n"
        "except crash.error as e:\n"
        "    print('ERROR', e)\n")
    out, err, _rc = run(dump, [f"epython {prog}"])
    assert re.search(r"^OBJECTS \d+$", out, re.M), out + err
    assert re.search(r"^ERROR .*duplicate freelist object", out, re.M), out


def test_partial_cycle(run, partial_cycle):
    dump, name, slab = partial_cycle
    out, err, rc = run(dump, [f"kmem -S {name}"])
    rows = re.findall(rf"^  {slab:x}\s", out, re.M)
    assert len(rows) == 1, out
    assert any(f"{name}: partial list:" in e and "duplicate" in e
               for e in error_lines("kmem", out, err)), out + err
    out, err, rc = run(dump, ["kmem -s"])
    assert re.search(rf"\?\s+\?\s+\?\s+\d+k\s+{re.escape(name)}$", out,
                     re.M), out


def test_huge_counts(run, huge_counts):
    dump, slab = huge_counts
    out, err, rc = run(dump, ["kmem -s dentry", "kmem -S dentry"])
    assert str(1 << 62) in out, out
    assert any(f"slab: {slab:x} invalid objects count 32767" in e
               for e in error_lines("kmem", out, err)), out + err


def test_caches_broken(run, caches_broken):
    dump, before, after = caches_broken
    out, err, rc = run(dump, ["kmem -s"])
    names = re.findall(r"\d+k  (\S+)$", out, re.M)
    assert names == before, out
    assert any("slab_caches" in e and f"{BAD_PTR:x}" in e
               for e in error_lines("kmem", out, err)), out + err
    out, err, rc = run(dump, ["kmem -s list", f"kmem -s {after[0]}",
                              f"kmem -S {before[0]}"])
    assert any(f"invalid slab cache: {after[0]}" in e
               for e in error_lines("kmem", out, err)), out + err


def test_buddy_cycle(run, buddy_cycle):
    out, err, rc = run(buddy_cycle, ["kmem -f"])
    assert any("corrupted free list" in e and "duplicate" in e
               for e in error_lines("kmem", out, err)), out + err
    assert "nr_free_pages:" in out
    run(buddy_cycle, ["kmem -F", "kmem -i"])


def test_sections_broken(run, sections_broken, pristine):
    out, err, rc = run(sections_broken, ["kmem -n"])
    assert any("memory sections:" in e and "not a kernel address" in e
               for e in error_lines("kmem", out, err)), out + err
    out, err, rc = run(sections_broken, ["kmem -p", "kmem 1000000",
                                         "kmem -S dentry"])
    assert "1000000: physical address not found in mem map" in out, out


def test_vmap_broken(run, vmap_broken):
    dump, rows = vmap_broken
    out, err, rc = run(dump, ["kmem -v"])
    got = re.findall(r"^([0-9a-f]{16})\s", out, re.M)
    assert got == [r[0] for r in rows[:3]], out
    assert any("vmap_area_list" in e for e in error_lines("kmem", out, err))
    run(dump, [f"kmem {int(rows[-1][1], 16) + 0x10:x}"])


@pytest.mark.parametrize("cmd", ["kmem 0", "kmem -s 0", "kmem -p 0",
                                 "kmem -f 0", "kmem -v 0", "kmem -g 0",
                                 f"kmem {BAD_PTR:x}", f"kmem -S {BAD_PTR:x}",
                                 "kmem -p ffffffffffffffff",  # all ones
                                 "kmem -S=0-99999999 dentry",
                                 "kmem -g ffffffffffffffff"])
def test_bad_addresses(run, pristine, cmd):
    """Address 0, unmapped and absurd addresses on the pristine dump."""
    run(pristine.path, [cmd])
