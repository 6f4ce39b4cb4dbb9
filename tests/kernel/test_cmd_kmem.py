# SPDX-License-Identifier: GPL-2.0-or-later
"""kmem, every option, against crash 8.0.6 on the sample (pykdump.mm,
the same knowledge from Python, is test_pyapi_mm.py).

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
            r = pykdump.run([cmd], merge=True)
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
    allow = []
    if cmd == "kmem -x":
        allow = [compare.Known(ours=r"^kmem: invalid option -- 'x'$",
                               reason="crash's getopt says it on crash's "
                               "stderr, which crash-ref does not keep")]
    compare(r.stdout, ref[cmd], allow, what=cmd, strict_allow=True)


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


# kmem -m: struct page members, a third crash session (the members'
# formats by kind: pointers, hex flags, decimal integers, atomic_t,
# list_head and callback_head as longs, spinlock_t as ints, u8/u16
# bitfield-free members, nested paths)
MEMBERS = ["lru,mapping,index,private,_mapcount,_refcount,memcg_data",
           "compound_head,compound_dtor,compound_order,compound_mapcount,"
           "callback_head,lru.next,ptl,ptl.rlock.raw_lock.locked,"
           "pp_frag_count.counter,page_type"]
M_FAILING = ["kmem -m nosuch", "kmem -m flags,", "kmem -m lru.",
             "kmem -m flags,_refcount,nosuch"]


@pytest.fixture(scope="module")
def m_cmds(facts):
    cmds = ["kmem -m flags,_refcount", f"kmem -m {MEMBERS[1]}"]
    for page in (facts.slab, facts.free_page):
        cmds += [f"kmem -m {m} {page:x}" for m in MEMBERS]
    cmds += [f"kmem -m flags,_refcount {facts.slab:x} {facts.free_page:x}",
             f"kmem -m {MEMBERS[0]} {facts.slab_phys:x}",
             f"kmem -p -m {MEMBERS[0]} {facts.free_virt:x}"]
    return cmds + M_FAILING


@pytest.fixture(scope="module")
def ref3(crash, m_cmds):
    return crash(m_cmds)


def test_members(m_cmds, ref3, ours, compare):
    """kmem -m, over the whole memory map and for addresses of each
    kind (struct page, physical, virtual), and its errors."""
    bad = []
    for cmd in m_cmds:
        r = ours(cmd)
        want_rc = 1 if cmd in M_FAILING else 0
        if r.returncode != want_rc:
            bad.append(f"{cmd}: exit {r.returncode}\n{r.stderr}")
            continue
        try:
            compare(r.stdout, ref3[cmd], what=cmd, strict_allow=True)
        except AssertionError as e:
            bad.append(str(e))
    assert not bad, "\n\n".join(bad)
    # what the test meant to ask: one line per address, a full map
    assert len(ref3[m_cmds[0]].splitlines()) > 1000
    assert len(ref3[m_cmds[2]].splitlines()) == 2, m_cmds[2]
