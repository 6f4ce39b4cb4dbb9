# SPDX-License-Identifier: GPL-2.0-or-later
"""kmem, every option, against crash 8.0.6 on the sample; and
pykdump.mm (the same kernel knowledge from Python) against crash's
answers.

Two crash sessions: the first asks the options without addresses (and
the facts the addresses are taken from: a slab of dentry, a task, its
stack, a vmalloc area, a free block, symbols); the second asks kmem
with those addresses.  Nothing boot-specific is written here: every
address comes from crash's first answers.

Where crash is wrong the test says why in an allow list (compare's
Known entries) and checks our answer on its own:
  - crash translates any address above the kernel image's start with
    the image's formula (vaddr - __START_KERNEL_map + phys_base), so for
    an unmapped fixmap address it names a physical address beyond memory;
    we say the address is not mapped;
  - crash warns that it ignores a cache name given with an address of
    that very cache (it compares the strings' addresses);
  - crash prints nothing for an unknown cache name (kmem -s NAME) and for
    an address past the memory map (kmem -p ADDR); we give an error.
"""

import re
import subprocess
from pathlib import Path

import pytest

# An address above the kernel image and below the top page: the fixmap
# area, unmapped on the sample's x86_64 kernel (not a KASLR address).
FIXMAP_HOLE = 0xffffffffffff0000   # boot-independent: fixed x86_64 fixmap range
# A non-canonical address (the kernel's list poison), never mapped.
POISON = 0xdead000000000100        # boot-independent: LIST_POISON1-like constant

STATIC = [
    "kmem -s", "kmem -S", "kmem -s list", "kmem -S dentry",
    "kmem -S=1 kmalloc-64", "kmem -S=0-1 kmem_cache_node",
    "kmem -s -I dentry,filp", "kmem -S dentry -I dentry",
    "kmem -z", "kmem -V", "kmem -o", "kmem -h", "kmem -n", "kmem -n -z",
    "kmem -g", "kmem -g 0", "kmem -g 200", "kmem -f", "kmem -F", "kmem -v",
    "kmem -p", "kmem 0", "kmem 1000000", "kmem -P 0",
    # bad input: crash's usage and errors
    "kmem", "kmem -x", "kmem -s -p", "kmem -z 1000", "kmem -c", "kmem -C",
    "kmem -r", "kmem -l a", "kmem -L i", "kmem -s kmalloc-64 dentry",
    "kmem -S=9 dentry", "kmem -S=x dentry", "kmem -s 0",
    f"kmem {POISON:x}", f"kmem -f {POISON:x}", "kmem -v 1000",
    # where the addresses come from
    "ps 1", "bt 1", "sym jiffies", "sym schedule", "mod", "struct page",
]

# the options each option's test compares, without addresses
OPTIONS = ["kmem -s", "kmem -S", "kmem -s list", "kmem -S dentry",
           "kmem -S=1 kmalloc-64", "kmem -S=0-1 kmem_cache_node",
           "kmem -s -I dentry,filp", "kmem -S dentry -I dentry",
           "kmem -z", "kmem -V", "kmem -o", "kmem -h", "kmem -n",
           "kmem -n -z", "kmem -g", "kmem -g 0", "kmem -g 200", "kmem -f",
           "kmem -F", "kmem -v", "kmem -p", "kmem 0", "kmem 1000000",
           "kmem -P 0", f"kmem {POISON:x}", "kmem -v 1000"]

# commands that fail in crash and here (status 1, crash's message)
FAILING = ["kmem", "kmem -x", "kmem -s -p", "kmem -z 1000", "kmem -c",
           "kmem -C", "kmem -r", "kmem -l a", "kmem -L i",
           "kmem -s kmalloc-64 dentry", "kmem -S=9 dentry",
           "kmem -S=x dentry", "kmem -s 0", f"kmem -f {POISON:x}"]


def hexes(text):
    return [int(x, 16) for x in text]


class Facts:
    """Addresses for the second session, from crash's first answers."""

    def __init__(self, ref):
        s = ref["kmem -S dentry"]
        cpu = re.search(r"^CPU \d+ SLAB:\n  SLAB .*\n  ([0-9a-f]+)\s+"
                        r"([0-9a-f]+)\s", s, re.M)
        assert cpu, s
        self.slab, self.slab_mem = hexes(cpu.groups())
        self.allocated = hexes(re.findall(r"^  \[([0-9a-f]+)\]$", s, re.M))
        self.free = hexes(re.findall(r"^   ([0-9a-f]+)  \(cpu", s, re.M))
        assert self.allocated and self.free, s
        self.kmalloc64 = int(re.search(r"^([0-9a-f]+) kmalloc-64$",
                                       ref["kmem -s list"], re.M).group(1),
                             16)
        self.task = int(re.search(r"^>?\s+1\s+\d+\s+\d+\s+([0-9a-f]+)",
                                  ref["ps 1"], re.M).group(1), 16)
        self.stack = int(re.search(r"#3 \[([0-9a-f]+)\]", ref["bt 1"]).group(1),
                         16)
        self.jiffies = int(ref["sym jiffies"].split()[0], 16)
        self.schedule = int(ref["sym schedule"].split()[0], 16)
        self.module = int(re.findall(r"^[0-9a-f]+\s+\S+\s+([0-9a-f]+)\s",
                                     ref["mod"], re.M)[0], 16)
        vm = re.search(r"^[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+) - ",
                       ref["kmem -v"], re.M)
        self.vmalloc = int(vm.group(1), 16)
        # a free block of order >= 2 (its first struct page)
        blocks = re.findall(r"^\s*(\d+)\s+\d+k\s+[0-9a-f]+\s*\n"
                            r"((?:[0-9a-f]{16}\n)+)", ref["kmem -F"], re.M)
        order, pages = next((int(o), p) for o, p in blocks if int(o) >= 2)
        self.free_page = int(pages.split()[0], 16)
        # physical addresses from the sections' memory maps
        psize = int(re.search(r"^SIZE: (\d+)", ref["struct page"],
                              re.M).group(1))
        secs = [(int(m, 16), int(p)) for m, p in re.findall(
            r"^\s*\d+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\w+\s+(\d+)",
            ref["kmem -n"], re.M)]

        def phys(page):
            base, pfn = max((b, p) for b, p in secs if b <= page)
            return ((page - base) // psize + pfn) * 4096
        self.free_phys = phys(self.free_page) + 3 * 4096 + 0x10
        self.slab_phys = phys(self.slab)
        self.direct = self.slab_mem - self.slab_phys    # page_offset_base
        self.free_virt = self.direct + self.free_phys

    def commands(self):
        a = self.allocated[0]
        f = self.free[0]
        return list(dict.fromkeys([
            f"kmem {a:x}", f"kmem {a + 8:x}", f"kmem {f:x}",
            f"kmem {self.slab:x}", f"kmem {self.slab_mem:x}",
            f"kmem {self.task:x}", f"kmem {self.task + 0x100:x}",
            f"kmem {self.stack:x}", f"kmem {self.vmalloc + 0x100:x}",
            f"kmem {self.jiffies:x}", f"kmem {self.schedule:x}",
            f"kmem {self.module + 0x100:x}", f"kmem {self.free_page:x}",
            f"kmem {self.free_phys:x}", f"kmem {self.free_virt:x}",
            f"kmem {self.kmalloc64:x}",
            f"kmem -p {self.slab:x}", f"kmem -p {self.slab_phys:x}",
            f"kmem -p {self.slab_mem:x}", f"kmem -P -p {self.slab_phys:x}",
            f"kmem -p {self.slab:x} {self.free_page:x}",
            f"kmem -s {a:x}", f"kmem -S {a:x}", f"kmem -s {f:x}",
            f"kmem -S {self.slab:x}", f"kmem -s {self.slab_phys:x}",
            f"kmem -s {self.kmalloc64:x}", f"kmem -S {self.kmalloc64:x}",
            f"kmem -s dentry {a:x}", f"kmem -v {self.vmalloc + 0x100:x}",
            f"kmem -f {self.free_page:x}", f"kmem -f {self.free_phys:x}",
            f"kmem -f {self.free_virt:x}", f"kmem -g 7ffffc0001000",
            f"kmem -S {FIXMAP_HOLE:x}", f"kmem {FIXMAP_HOLE:x}",
            f"kmem -s {a:x} {f:x}",
        ]))


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
def ours(pykdump):
    cache = {}

    def run(cmd):
        if cmd not in cache:
            r = pykdump.run([cmd])
            cache[cmd] = r
        return cache[cmd]
    return run


@pytest.mark.parametrize("cmd", OPTIONS)
def test_option(cmd, ref, ours, compare):
    r = ours(cmd)
    assert r.returncode == 0, r.stderr
    compare(r.stdout, ref[cmd], what=cmd, strict_allow=True)


@pytest.mark.parametrize("cmd", FAILING)
def test_failing(cmd, ref, ours, compare):
    """crash's error or usage, and a failure status: a PyKdump program
    gets crash.error, never usage text that looks like an answer."""
    r = ours(cmd)
    assert r.returncode == 1, (cmd, r.stdout, r.stderr)
    compare(r.stdout, ref[cmd], what=cmd, strict_allow=True)
    if cmd == "kmem -x":
        assert "invalid option -- 'x'" in r.stderr


def test_addresses(facts, ref2, ours, compare):
    known = {
        # crash: image translation of a fixmap address -> a bogus
        # physical address beyond memory, named as a virtual one
        f"kmem {FIXMAP_HOLE:x}": [
            compare.Known(ref=r"^WARNING: cannot find mem_map page for "
                          r"address: ", ours=r"^WARNING: cannot make "
                          r"virtual-to-physical translation: ",
                          reason="the address is not mapped"),
            compare.Known(ref=r"^kmem: cannot determine page for ",
                          reason="not mapped: no page to look for"),
            compare.Known(ref=r"^[0-9a-f]{1,12}: kernel virtual address "
                          r"not found in mem map$",
                          ours=rf"^{FIXMAP_HOLE:x}: kernel virtual address "
                          r"not found in mem map$",
                          reason="we name the address asked for"),
        ],
        f"kmem -S {FIXMAP_HOLE:x}": [
            compare.Known(ref=r"^WARNING: cannot find mem_map page for "
                          r"address: ", ours=r"^WARNING: cannot make "
                          r"virtual-to-physical translation: ",
                          reason="the address is not mapped"),
        ],
    }
    # crash compares the name's and the cache's string pointers, not the
    # strings: it warns that it ignores the name even when they match
    known[f"kmem -s dentry {facts.allocated[0]:x}"] = [compare.Known(
        ref=r"^kmem: ignoring pre-selected dentry cache for address: ",
        reason="crash compares pointers: the name is the cache's")]
    failing = {f"kmem -S {FIXMAP_HOLE:x}"}
    bad = []
    for cmd in facts.commands():
        r = ours(cmd)
        want_rc = 1 if cmd in failing else 0
        if r.returncode != want_rc:
            bad.append(f"{cmd}: exit {r.returncode}\n{r.stderr}")
            continue
        try:
            compare(r.stdout, ref2[cmd], known.get(cmd, ()), what=cmd,
                    strict_allow=True)
        except AssertionError as e:
            bad.append(str(e))
    assert not bad, "\n\n".join(bad)


def test_address_kinds(facts, ref2):
    """What the second session shows is what the test meant to ask:
    guards the address derivation (crash's own answers)."""
    c = facts.commands
    a, f = facts.allocated[0], facts.free[0]
    assert f"[{a:x}]" in ref2[f"kmem {a + 8:x}"]
    assert re.search(rf"^   {f:x}  \(cpu \d+ cache\)$", ref2[f"kmem {f:x}"],
                     re.M)
    assert "PID: 1\n" in ref2[f"kmem {facts.stack:x}"]
    assert "VMAP_AREA" in ref2[f"kmem {facts.vmalloc + 0x100:x}"]
    assert "(D) jiffies" in ref2[f"kmem {facts.jiffies:x}"]
    assert re.search(r"is (in )?\d+\w\w of \d+ pages\)",
                     ref2[f"kmem {facts.free_phys:x}"])
    assert len(c()) > 30


def test_unknown_cache(ours, crash):
    """crash prints nothing for an unknown cache: we fail, saying so."""
    assert crash.alone("kmem -s nosuchcache") == ""
    r = ours("kmem -s nosuchcache")
    assert r.returncode == 1
    assert r.stdout == "kmem: invalid slab cache: nosuchcache\n"


def test_page_past_memory(ours, ref, facts):
    """kmem -p ADDR past the memory map: crash prints nothing, we fail;
    kmem ADDR says it is not in the memory map (as crash does)."""
    r = ours("kmem -p 7000000000")
    assert r.returncode == 1
    assert "7000000000: physical address not found in mem map" in r.stdout


def test_help(pykdump):
    out = pykdump(["help kmem"])
    for opt in ("-s", "-S", "-S=cpus", "-I", "-f", "-F", "-p", "-m", "-g",
                "-v", "-V", "-z", "-n", "-o", "-h", "-P", "-i"):
        assert re.search(rf"^  {re.escape(opt)}\b", out, re.M), opt
    assert re.search(r"^  address ", out, re.M)


def test_dump_formats(ref, pykdump, sample, compare):
    """The same answers from the compressed and split-free formats."""
    for name in ("vmcore.kdump", "vmcore.d31.zstd"):
        if name not in sample.dumps:
            continue
        out = pykdump(["kmem -s", "kmem -f"], dump=name)
        compare(out, ref["kmem -s"] + ref["kmem -f"], what=name)


# ------------------------------------------------------------ Python

PYPROG = r"""
import sys
sys.path.insert(0, {build!r})
import pykdump
pykdump.open({dump!r}, vmlinux={vmlinux!r})
from pykdump import mm
import json
res = {{}}
caches = mm.slab_caches()
res["caches"] = [[c.addr, c.name, c.object_size, c.order] for c in caches]
res["counts"] = {{c.name: list(mm.slab_counts(c.addr)) for c in caches}}
objs = mm.slab_objects_all()
res["objects"] = {{c.name: len(objs.get(c.addr, [])) for c in caches}}
dentry = set(mm.slab_objects("dentry"))
res["dentry_alloc"] = {alloc!r}
res["dentry_alloc_in"] = all(a in dentry for a in {alloc!r})
res["dentry_free_in"] = any(f in dentry for f in {free!r})
allobj = set(mm.slab_objects("dentry", allocated=False))
res["dentry_all_has_free"] = all(f in allobj for f in {free!r})
h = mm.slab_find({alloc0})
res["find_alloc"] = [h.cache, h.object, h.state] if h else None
h = mm.slab_find({free0} + 4)
res["find_free"] = [h.cache, h.object, h.state] if h else None
res["find_none"] = mm.slab_find({jiffies})
sl = mm.slab({slab})
res["slab"] = [sl.addr, sl.mem, sl.objects]
st = mm.slab_object_states("dentry", {slab})
res["states_len"] = len(st)
p = mm.page({slab})
res["page"] = [p.pfn, p.flags, mm.page_flags(p.flags)]
res["pfn"] = mm.page_to_pfn({slab})
res["back"] = mm.pfn_to_page(res["pfn"])
res["zones"] = [[z.name, z.spanned, z.wmark_min, z.wmark_low, z.wmark_high]
                for z in mm.zones(0)]
res["vmap"] = [[v.vmap_area, v.vm_struct, v.start, v.end]
               for v in mm.vmap_areas() if v.vm_struct]
res["sections"] = [[s.nr, s.mem_map, s.pfn] for s in mm.mem_sections()]
zone = [z for z in mm.zones(0) if z.spanned][0]
res["free_list"] = mm.free_list(0, zone.index, 0, 0)
try:
    mm.page_to_pfn({slab} + 1)
    res["bad_page"] = "no error"
except pykdump._crash.error as e:
    res["bad_page"] = str(e)
try:
    mm.slab_cache("nosuchcache")
    res["bad_cache"] = "no error"
except pykdump._crash.error as e:
    res["bad_cache"] = str(e)
print(json.dumps(res))
"""


@pytest.fixture(scope="module")
def py(facts, sample, pykdump):
    import json
    build = Path(pykdump.bin).parent / "python"
    prog = PYPROG.format(build=str(build), dump=str(sample.dump()),
                         vmlinux=str(sample.vmlinux),
                         alloc=facts.allocated, free=facts.free,
                         alloc0=facts.allocated[0], free0=facts.free[0],
                         jiffies=facts.jiffies, slab=facts.slab)
    r = subprocess.run(["/usr/bin/python3", "-c", prog], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def test_py_slab_caches(py, ref):
    rows = re.findall(r"^([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+"
                      r"(\d+)k\s+(\S+)$", ref["kmem -s"], re.M)
    assert rows
    assert [[int(a, 16), n, int(o)] for a, o, *_x, n in rows] == \
        [c[:3] for c in py["caches"]]
    for a, o, alloc, total, slabs, ssize, name in rows:
        assert py["counts"][name] == [int(alloc), int(total), int(slabs)], \
            name
        # the memory map scan finds what kmem -s counts
        assert py["objects"][name] == int(alloc), name


def test_py_slab_objects(py, facts):
    assert py["dentry_alloc_in"] and not py["dentry_free_in"]
    assert py["dentry_all_has_free"]
    cache = py["counts"] and [c for c in py["caches"] if c[1] == "dentry"][0]
    assert py["find_alloc"] == [cache[0], facts.allocated[0], 0]
    assert py["find_free"][:2] == [cache[0], facts.free[0]]
    assert py["find_free"][2] in (1, 2)
    assert py["find_none"] is None
    assert py["slab"][:2] == [facts.slab, facts.slab_mem]
    assert py["states_len"] == py["slab"][2]


def test_py_pages(py, ref2, facts):
    line = ref2[f"kmem -p {facts.slab:x}"].splitlines()[1].split()
    assert py["page"][0] * 4096 == int(line[1], 16)
    assert py["page"][1] == int(line[5], 16)
    assert ",".join(py["page"][2]) == line[6]
    assert py["back"] == facts.slab
    assert "not a struct page" in py["bad_page"]
    assert "nosuchcache" in py["bad_cache"]


def test_py_zones_vmalloc(py, ref):
    zones = re.findall(r'NAME: "(\w+)"\n(?:  SIZE: (\d+).*MIN/LOW/HIGH: '
                       r'(\d+)/(\d+)/(\d+))?', ref["kmem -z"])
    assert [[n, int(s or 0)] for n, s, *_ in zones] == \
        [z[:2] for z in py["zones"]]
    for (n, s, lo, mid, hi), z in zip(zones, py["zones"]):
        if s:
            assert z[2:] == [int(lo), int(mid), int(hi)], n
    vm = [[int(x, 16) for x in m] for m in re.findall(
        r"^([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+) - ([0-9a-f]+)",
        ref["kmem -v"], re.M)]
    assert vm == py["vmap"]
    secs = re.findall(r"^\s*(\d+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+"
                      r"\w+\s+(\d+)", ref["kmem -n"], re.M)
    assert [[int(n), int(m, 16), int(p)] for n, m, p in secs] == \
        py["sections"]
    # the first order-0 list of the first populated zone, as -F lists it
    first = re.search(r"AREA    SIZE  FREE_AREA_STRUCT\n  0       4k  "
                      r"[0-9a-f]+  \n((?:[0-9a-f]{16}\n)*)", ref["kmem -F"])
    assert hexes(first.group(1).split()) == py["free_list"]
