# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel memory for PyKdump programs, from the C library's knowledge
(lib/kernel: slab.h, page.h, zone.h, vmalloc.h) rather than from kmem's
text:

    from pykdump import mm
    for c in mm.slab_caches():
        print(c.name, mm.slab_counts(c.addr))
    objs = mm.slab_objects("dentry")            # allocated objects
    hit = mm.slab_find(addr)                     # None or SlabAddr
    mm.page_flags(mm.page(mm.pfn_to_page(0x1000)).flags)

Addresses are ints.  Errors (no such cache, an address that is no struct
page, unreadable memory, a corrupt structure) raise crash.error.
"""

from collections import namedtuple

from . import _crash

__all__ = [
    "SlabCache", "Slab", "SlabAddr", "Page", "Zone", "Node", "MemSection",
    "VmapArea", "OBJ_INUSE", "OBJ_FREE", "OBJ_CPU_FREE",
    "slab_caches", "slab_cache", "slab_counts", "slab_objects",
    "slab_objects_all", "slab", "slab_object_states", "slab_find",
    "pfn_to_page", "page_to_pfn", "page", "page_flags", "mem_sections",
    "nodes", "zones", "free_list", "vmap_areas",
]

# object states (slab.h KD_SLAB_OBJ_*)
OBJ_INUSE, OBJ_FREE, OBJ_CPU_FREE = 0, 1, 2

SlabCache = namedtuple("SlabCache", "addr name object_size size objects "
                       "order offset red_left_pad flags hardened")
SlabCounts = namedtuple("SlabCounts", "allocated total slabs")
Slab = namedtuple("Slab", "addr cache mem freelist inuse objects frozen node")
SlabAddr = namedtuple("SlabAddr", "cache slab object state cpu")
Page = namedtuple("Page", "addr pfn flags mapping index private refcount "
                  "mapcount head")
MemSection = namedtuple("MemSection", "nr addr raw coded mem_map pfn")
Node = namedtuple("Node", "id pgdat start_pfn spanned present mem_map")
Zone = namedtuple("Zone", "index addr name start_pfn spanned present "
                  "managed wmark_min wmark_low wmark_high")
VmapArea = namedtuple("VmapArea", "vmap_area vm_struct start end")


def slab_caches():
    """Every SLUB cache on slab_caches (newest first)."""
    return [SlabCache(*t) for t in _crash._slab_caches()]


def slab_cache(which):
    """A cache by name or by its struct kmem_cache address."""
    for c in slab_caches():
        if c.name == which or c.addr == which:
            return c
    raise _crash.error("no slab cache {!r}".format(which))


def _addr(cache):
    return cache if isinstance(cache, int) else slab_cache(cache).addr


def slab_counts(cache):
    """(allocated, total, slabs) as kmem -s counts them."""
    return SlabCounts(*_crash._slab_counts(_addr(cache)))


def slab_objects(cache, allocated=True):
    """The objects of a cache (name or address), in memory order: the
    allocated ones (allocated=True) or all of them, found by a scan of
    the memory map for the cache's slabs."""
    return _crash._slab_objects(_addr(cache), bool(allocated))


def slab_objects_all(allocated=True):
    """{cache address: [objects]} of every cache, in one memory map scan
    (the counterpart of drgn's slab_cache_for_each_allocated_object over
    all caches)."""
    return _crash._slab_objects(0, bool(allocated))


def slab(addr):
    """The struct slab (struct page before 5.17) at addr."""
    return Slab(*_crash._slab_slab(int(addr)))


def slab_object_states(cache, slab_addr, cpu_freelist=0):
    """bytes: the OBJ_* state of each object of a slab (cpu_freelist: the
    CPU freelist when it is a CPU slab)."""
    return _crash._slab_states(_addr(cache), int(slab_addr),
                               int(cpu_freelist))


def slab_find(addr):
    """The cache, slab and object holding addr (SlabAddr), or None."""
    t = _crash._slab_find(int(addr))
    return SlabAddr(*t) if t else None


def pfn_to_page(pfn):
    return _crash._pfn_to_page(int(pfn))


def page_to_pfn(page_addr):
    return _crash._page_to_pfn(int(page_addr))


def page(page_addr):
    """The struct page at page_addr, decoded (head: its compound head)."""
    return Page(*_crash._page(int(page_addr)))


def page_flags(flags):
    """The names of the page flags set in flags (pageflag_names[])."""
    return _crash._page_flag_names(int(flags))


def mem_sections():
    return [MemSection(*t) for t in _crash._mem_sections()]


def nodes():
    return [Node(*t) for t in _crash._nodes()]


def zones(node_id=0):
    return [Zone(*t) for t in _crash._zones(int(node_id))]


def free_list(node_id, zone_index, order, migratetype):
    """The first struct page of each free block on one buddy list."""
    return _crash._free_list(int(node_id), int(zone_index), int(order),
                             int(migratetype))


def vmap_areas():
    return [VmapArea(*t) for t in _crash._vmap_areas()]
