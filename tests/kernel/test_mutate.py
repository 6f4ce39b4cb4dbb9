# SPDX-License-Identifier: GPL-2.0-or-later
"""Byte-level mutations of the real sample dump (issue 19, item 3).

A fixed-seed set of mutated copies of the sample's small dump files (the
kdump-compressed vmcore.d31.{zlib,lzo,zstd}, the flattened vmcore.flat and
the -d 31 ELF vmcore.d31.elf), each opened by the ASan/UBSan-built CLI
(PYKDUMP_ASAN_BIN, see the Makefile's asan target) which runs `sys`, `ps`,
`log`, `bt -a` and `dumpinfo` on it.  A run fails the test when it

  - is killed by a signal,
  - makes AddressSanitizer, LeakSanitizer or UBSan report anything,
  - spins past RUN_CPU_LIMIT seconds of CPU, or waits past RUN_TIMEOUT
    (a hang),
  - uses more than RSS_BOUND_MB of memory (ASan's hard_rss_limit_mb, and
    the child's max RSS from wait4), or a single allocation over
    MALLOC_LIMIT_MB (ASan's malloc_limit_mb: a size read from the dump
    and trusted),
  - exits non-zero without a word on stderr, or one of the commands
    prints nothing and does not say why (a silent empty answer).

A clear error and a non-zero status are the expected answer to most
mutations.  Every failure names the format, the mutation's number and
seed, the offset, the bytes before and after and the field they belong
to, and a shell command that rebuilds the copy and reruns it.

Where the bytes go: most mutations land where the parsers are, found from
the format's own header fields (never from offsets of one boot of the
sample): the kdump header and sub-header fields, the ELF notes (their
headers, the registers in PRSTATUS, VMCOREINFO's text), the bitmaps, the
page descriptors and the start of the compressed data of pages the
commands read (the pages of the kernel-image symbols VMCOREINFO names),
the flattened header and record headers, the ELF header and program
headers; some land anywhere in the file.  Pages of kernel memory that
decompress to garbage (lzo and zstd have no checksum) and the ELF dump's
kernel-image words exercise the walkers behind the commands.

Each worker thread has its own copy of each file (in tmp_path), patches
the mutation in, runs the CLI and puts the original bytes back: the
sample's files are never written, and the dumps are opened read-only.

Environment (for longer campaigns by hand; `make test` uses neither):
  PYKDUMP_MUTATE_SEED    the seed (default 19)
  PYKDUMP_MUTATE_SCALE   multiply the number of mutations of each format
  PYKDUMP_MUTATE_ONLY    "FMT:N[,N...]": only these mutations (reproduce)
  PYKDUMP_MUTATE_REPORT  append a JSON line of figures per format here
"""

import json
import os
import random
import resource
import re
import shlex
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

ASAN_BIN = os.environ.get("PYKDUMP_ASAN_BIN")
SEED = int(os.environ.get("PYKDUMP_MUTATE_SEED", "19"))
SCALE = float(os.environ.get("PYKDUMP_MUTATE_SCALE", "1"))
COMMANDS = ("sys", "ps", "log", "bt -a", "dumpinfo")
# Between two commands the shell prints a mark (help's output piped to a
# shell that drops it): each command's output is then known, and one that
# printed nothing must have said why on stderr.
MARK = "@@mutate-mark@@"
SEPARATOR = f"help help | cat >/dev/null; echo {MARK}"


def session_commands():
    cmds = []
    for c in COMMANDS:
        cmds += [c, SEPARATOR]
    return cmds[:-1]
# The pristine files take under a second of CPU each under ASan; a
# mutation may make a walk go to its limit, but not for half a minute.  A
# hang is CPU time (RLIMIT_CPU: SIGXCPU), or a wall-clock time no loaded
# machine reaches (a deadlock); never wall time alone, which a niced run
# on a busy machine can spend waiting for a core.
RUN_CPU_LIMIT = 30
RUN_TIMEOUT = 600
RSS_BOUND_MB = 1024
MALLOC_LIMIT_MB = 512
SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
             "ThreadSanitizer", "MemorySanitizer")
ASAN_OPTIONS = (f"detect_leaks=1:hard_rss_limit_mb={RSS_BOUND_MB}:"
                f"malloc_limit_mb={MALLOC_LIMIT_MB}:"
                "allocator_may_return_null=0:abort_on_error=0")
UBSAN_OPTIONS = "halt_on_error=1:print_stacktrace=1"

# x86_64's __START_KERNEL_map: a kernel-image address minus it, plus
# phys_base, is its physical address (arch/x86/include/asm/page_64_types.h).
START_KERNEL_MAP = 0xffffffff80000000  # the arch constant, not slid

# Mutations per format in `make test` (about 0.3-0.7 s of CPU each).
COUNTS = {"vmcore.d31.zlib": 80, "vmcore.d31.lzo": 70,
          "vmcore.d31.zstd": 70, "vmcore.flat": 60, "vmcore.d31.elf": 60}


# ---------------------------------------------------------------- helpers

def u(fmt, data, off):
    return struct.unpack_from(fmt, data, off)[0]


class Mutation:
    """Bytes `new` written at file offset `off` (in place of `old`)."""

    def __init__(self, fmt, n, where, off, old, new):
        self.fmt, self.n, self.where = fmt, n, where
        self.off, self.old, self.new = off, old, new

    def describe(self):
        return (f"{self.fmt} mutation #{self.n} (seed {SEED}): {self.where} "
                f"at offset {self.off:#x}: {self.old.hex()} -> "
                f"{self.new.hex()}")

    def reproduce(self, src, vmlinux):
        esc = "".join(f"\\x{b:02x}" for b in self.new)
        cmds = " ".join(f"-c {shlex.quote(c)}" for c in session_commands())
        return (f"cp {src} /tmp/m && printf '{esc}' | dd of=/tmp/m bs=1 "
                f"seek={self.off} conv=notrunc && "
                f"ASAN_OPTIONS={ASAN_OPTIONS} UBSAN_OPTIONS={UBSAN_OPTIONS} "
                f"{ASAN_BIN} {cmds} {vmlinux} /tmp/m")


class Maker:
    """Builds mutations of one file: field-aware ones (an integer field
    set to a value a parser must reject or bound) and byte-level ones."""

    def __init__(self, fmt, path, rng):
        self.fmt, self.rng = fmt, rng
        self.data = path.read_bytes()
        self.size = len(self.data)
        self.out = []

    def _add(self, where, off, new):
        old = self.data[off:off + len(new)]
        if len(old) < len(new) or old == new:
            return
        self.out.append(Mutation(self.fmt, len(self.out), where, off, old,
                                 bytes(new)))

    def field(self, where, off, width, endian="<"):
        """An integer field: an interesting value, or one byte changed."""
        if off + width > self.size:
            return
        code = {1: "B", 2: "H", 4: "I", 8: "Q"}[width]
        mask = (1 << (8 * width)) - 1
        orig = u(endian + code, self.data, off)
        r = self.rng.random()
        if r < 0.25:
            self.byte(where, off, width)
            return
        val = self.rng.choice([
            0, 1, mask, mask >> 1, (mask >> 1) + 1, orig + 1, orig - 1,
            orig * 2, orig ^ (1 << self.rng.randrange(8 * width)),
            orig << 8, orig >> 8, self.size, self.size + 1, self.size * 4,
            self.rng.getrandbits(8 * width)]) & mask
        self._add(f"{where} = {val:#x} (was {orig:#x})", off,
                  struct.pack(endian + code, val))

    def byte(self, where, lo, span, count=None):
        """1-4 bytes somewhere in [lo, lo + span): random, a flipped bit,
        0x00 or 0xff."""
        span = min(span, self.size - lo)
        if span <= 0:
            return
        n = count or self.rng.choice((1, 1, 1, 2, 4))
        off = lo + self.rng.randrange(span)
        n = min(n, lo + span - off)
        old = self.data[off:off + n]
        kind = self.rng.randrange(4)
        if kind == 0:
            new = bytes(self.rng.randrange(256) for _ in old)
        elif kind == 1:
            i = self.rng.randrange(len(old))
            new = bytearray(old)
            new[i] ^= 1 << self.rng.randrange(8)
        else:
            new = bytes([0x00 if kind == 2 else 0xff]) * n
        if new == old:
            new = bytes(b ^ 0xff for b in old)
        self._add(f"{where} +{off - lo:#x}", off, new)

    def vfield(self, vf, where, voff, width):
        """field() at virtual offset voff of vf."""
        f = vf.where(voff)
        if f is not None and vf.where(voff + width - 1) == f + width - 1:
            self.field(where, f, width)

    def vbyte(self, vf, where, voff, span):
        """byte() in [voff, voff + span) of vf, within the piece of the
        stream that holds voff."""
        if vf.pieces is None:
            self.byte(where, voff, span)
            return
        f = vf.where(voff)
        if f is None:
            return
        n = 1
        while n < span and vf.where(voff + n) == f + n and n < (1 << 24):
            n = min(span, n * 2)
        if vf.where(voff + n - 1) != f + n - 1:
            n = 1
        self.byte(where, f, n)

    def word(self, where, lo, span):
        """An aligned 8-byte word of kernel memory: a pointer the walkers
        follow gets a poisoned, NULL, self or neighbour value."""
        span = min(span, self.size - lo)
        if span < 8:
            return
        off = lo + (self.rng.randrange(span) & ~7)
        if off + 8 > self.size:
            return
        orig = u("<Q", self.data, off)
        val = self.rng.choice([0, 0xdead000000000100, 0xffffffffffffffff,
                               orig + 8, orig - 8, orig ^ 0x1000,
                               self.rng.getrandbits(64)]) & (2 ** 64 - 1)
        self._add(f"{where} word = {val:#x} (was {orig:#x})", off,
                  struct.pack("<Q", val))

    def pick(self, recipe, count):
        """count mutations, each from a recipe entry chosen by weight."""
        fns = [f for f, _ in recipe]
        weights = [w for _, w in recipe]
        tries = 0
        while len(self.out) < count and tries < 20 * count:
            tries += 1
            self.rng.choices(fns, weights)[0]()
        return self.out


def notes_in(data, lo, size):
    """[(header offset, namesz, descsz, type, name)] of an ELF note area."""
    notes, off, end = [], lo, min(lo + size, len(data))
    while off + 12 <= end:
        namesz, descsz, ntype = struct.unpack_from("<III", data, off)
        name = data[off + 12:off + 12 + namesz].rstrip(b"\0")
        notes.append((off, namesz, descsz, ntype, name))
        off += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return notes


def kernel_symbols(vmcoreinfo):
    """Kernel-image addresses VMCOREINFO names: pages the commands read
    (init_uts_ns for sys, prb for log, swapper_pg_dir for every page-table
    walk, node_data ...)."""
    return [int(v, 16) for v in
            re.findall(rb"^SYMBOL\([^)]*\)=([0-9a-f]+)$", vmcoreinfo, re.M)
            if int(v, 16) >= START_KERNEL_MAP]


def info_phys_base(info, default):
    """NUMBER(phys_base) of a VMCOREINFO text, or default."""
    m = re.search(rb"^NUMBER\(phys_base\)=(-?\d+)$", info, re.M)
    return int(m.group(1)) if m else default


def add_notes(m, vf, lo, size, tag):
    """Mutations of an ELF note area at virtual offset lo of vf: the note
    headers, the registers (PRSTATUS), VMCOREINFO's text."""
    data = vf.read(lo, min(size, 1 << 20))
    notes = notes_in(data, 0, len(data))
    if not notes:
        return []
    vmci = [n for n in notes if n[4] == b"VMCOREINFO"]

    def name(n):
        return n[4].decode(errors="replace")

    def header():
        n = m.rng.choice(notes)
        i = m.rng.randrange(3)
        m.vfield(vf, f"{tag} note {name(n)} "
                 f"{('namesz', 'descsz', 'type')[i]}", lo + n[0] + 4 * i, 4)

    def desc():
        n = m.rng.choice(notes)
        start = n[0] + 12 + (n[1] + 3) // 4 * 4
        m.vbyte(vf, f"{tag} note {name(n)} desc", lo + start, n[2])

    def vmcoreinfo_text():
        n = m.rng.choice(vmci or notes)
        start = n[0] + 12 + (n[1] + 3) // 4 * 4
        text = data[start:start + n[2]]
        # a value's first character, an '=' or a newline: the seams
        seams = [i for i, c in enumerate(text) if c in b"=\n" or
                 (i and text[i - 1:i] == b"=")]
        if seams and m.rng.random() < 0.6:
            i = m.rng.choice(seams)
            new = m.rng.choice([b"\n", b"=", b"\0", b"f", b"-", b"9", b"x",
                                b"(", b" "])
            f = vf.where(lo + start + i)
            if f is not None:
                m._add(f"{tag} VMCOREINFO text +{i:#x}", f, new)
        else:
            m.vbyte(vf, f"{tag} VMCOREINFO text", lo + start, n[2])
    return [(header, 3), (desc, 3), (vmcoreinfo_text, 2)]


# ------------------------------------------------------------------ kdump

class VirtualFile:
    """A kdump file read in place, or through a flattened stream's records
    (file offset = where the bytes of virtual offset voff are)."""

    def __init__(self, data, pieces=None):
        self.data, self.pieces = data, pieces

    def where(self, voff):
        if self.pieces is None:
            return voff
        for v, n, f in reversed(self.pieces):	# later records win
            if v <= voff < v + n:
                return f + voff - v
        return None

    def read(self, voff, n):
        if self.pieces is None:
            return self.data[voff:voff + n]
        out = bytearray(n)
        for v, size, f in self.pieces:	# in record order: later wins
            lo, hi = max(v, voff), min(v + size, voff + n)
            if lo < hi:
                out[lo - voff:hi - voff] = self.data[f + lo - v:f + hi - v]
        return bytes(out)


HEADER_FIELDS = (("signature", 0, 8), ("header_version", 8, 4),
                 ("timestamp", 408, 8), ("status", 424, 4),
                 ("block_size", 428, 4), ("sub_hdr_size", 432, 4),
                 ("bitmap_blocks", 436, 4), ("max_mapnr", 440, 4),
                 ("total_ram_blocks", 444, 4), ("written_blocks", 452, 4),
                 ("current_cpu", 456, 4), ("nr_cpus", 460, 4))
SUB_FIELDS = (("phys_base", 0, 8), ("dump_level", 8, 4), ("split", 12, 4),
              ("start_pfn", 16, 8), ("end_pfn", 24, 8),
              ("offset_vmcoreinfo", 32, 8), ("size_vmcoreinfo", 40, 8),
              ("offset_note", 48, 8), ("size_note", 56, 8),
              ("offset_eraseinfo", 64, 8), ("size_eraseinfo", 72, 8),
              ("start_pfn_64", 80, 8), ("end_pfn_64", 88, 8),
              ("max_mapnr_64", 96, 8))


def kdump_recipe(m, vf, walked, tag="kdump"):
    """The recipe for a kdump file (in place, or inside a flattened
    stream through vf.where)."""
    h = vf.read(0, 464)
    assert h[:8] in (b"KDUMP   ", b"DISKDUMP"), h[:8]
    bs, sub, bmb = u("<I", h, 428), u("<I", h, 432), u("<I", h, 436)
    version = u("<I", h, 8)
    s = vf.read(bs, 104)
    phys_base = u("<Q", s, 0)
    notes = (u("<Q", s, 48), u("<Q", s, 56)) if version >= 4 else (0, 0)
    vmci = (u("<Q", s, 32), u("<Q", s, 40)) if version >= 3 else (0, 0)
    bm_off = (1 + sub) * bs
    bm_len = bmb * bs
    bm2_off = bm_off + bm_len // 2
    bitmap2 = vf.read(bm2_off, bm_len // 2)
    data_off = bm_off + bm_len
    rank = [0]
    for b in bitmap2:
        rank.append(rank[-1] + bin(b).count("1"))
    ndescs = rank[-1]

    def desc_index(pfn):
        if pfn // 8 >= len(bitmap2) or not bitmap2[pfn // 8] >> (pfn % 8) & 1:
            return None
        return rank[pfn // 8] + bin(bitmap2[pfn // 8] &
                                    ((1 << (pfn % 8)) - 1)).count("1")

    # the pages the commands read: those of VMCOREINFO's kernel symbols
    # (its phys_base first: QEMU's kdump files carry a guess of it)
    info = vf.read(vmci[0], vmci[1]) if vmci[1] < (1 << 20) else b""
    phys_base = info_phys_base(info, phys_base)
    hot = []
    for v in kernel_symbols(info):
        pfn = ((v - START_KERNEL_MAP + phys_base) & (2 ** 64 - 1)) // bs
        i = desc_index(pfn)
        if i is not None:
            hot.append((pfn, i))
    assert hot, "no VMCOREINFO symbol's page is in the dump"
    # and those of the tasks, stacks and log the commands walk
    for _, phys in walked:
        i = desc_index(phys // bs)
        if i is not None:
            hot.append((phys // bs, i))

    def vfield(where, voff, width):
        m.vfield(vf, where, voff, width)

    def vbyte(where, voff, span):
        m.vbyte(vf, where, voff, span)

    def header():
        name, off, w = m.rng.choice(HEADER_FIELDS)
        if name == "signature":
            vbyte(f"{tag} header signature", off, w)
        else:
            vfield(f"{tag} header {name}", off, w)

    def utsname():
        vbyte(f"{tag} header utsname", 12, 6 * 65)

    def subheader():
        name, off, w = m.rng.choice(SUB_FIELDS)
        vfield(f"{tag} sub-header {name}", bs + off, w)

    def bitmap():
        second = m.rng.random() < 0.6
        base = bm2_off if second else bm_off
        if m.rng.random() < 0.5:	# near a page that is read
            pfn = m.rng.choice(hot)[0] + m.rng.randrange(-64, 64)
            pfn = max(0, min(pfn, 8 * (bm_len // 2) - 1))
            vbyte(f"{tag} bitmap{2 if second else 1} byte of pfn {pfn:#x}",
                  base + pfn // 8, 1)
        else:
            vbyte(f"{tag} bitmap{2 if second else 1}", base, bm_len // 2)

    def descriptor():
        r = m.rng.random()
        if r < 0.6:
            pfn, i = m.rng.choice(hot)
            what = f"pfn {pfn:#x}"
        elif r < 0.75:		# the ones checked at open
            i = m.rng.choice((0, ndescs - 1))
            what = f"#{i}"
        else:
            i = m.rng.randrange(ndescs)
            what = f"#{i}"
        name, off, w = m.rng.choice((("offset", 0, 8), ("size", 8, 4),
                                     ("flags", 12, 4), ("offset", 0, 8),
                                     ("size", 8, 4)))
        vfield(f"{tag} page descriptor {what} {name}",
               data_off + 24 * i + off, w)

    def page_data():
        pfn, i = m.rng.choice(hot)
        d = vf.read(data_off + 24 * i, 24)
        off, size = u("<q", d, 0), u("<I", d, 8)
        if 0 < off and size:
            vbyte(f"{tag} data of pfn {pfn:#x} (size {size:#x})", off,
                  min(size, 32 if m.rng.random() < 0.6 else size))

    def anywhere():
        m.byte("anywhere", 0, m.size)

    recipe = [(header, 8), (utsname, 1), (subheader, 6), (bitmap, 5),
              (descriptor, 7), (page_data, 8), (anywhere, 3)]
    if notes[1]:
        recipe += add_notes(m, vf, notes[0], notes[1], tag)
    return recipe


def kdump_mutations(fmt, path, count, rng, walked):
    m = Maker(fmt, path, rng)
    return m.pick(kdump_recipe(m, VirtualFile(m.data), walked), count)


# -------------------------------------------------------------- flattened

def flat_records(data):
    """[(header offset, voff, size)] of a flattened stream's records."""
    recs, pos = [], 4096
    while pos + 16 <= len(data):
        voff, size = struct.unpack_from(">qq", data, pos)
        recs.append((pos, voff, size))
        if voff == -1 and size == -1 or voff < 0 or size < 0:
            break
        pos += 16 + size
    return recs


def flat_mutations(fmt, path, count, rng, walked):
    m = Maker(fmt, path, rng)
    assert m.data[:12] == b"makedumpfile", m.data[:16]
    recs = flat_records(m.data)
    pieces = [(v, n, p + 16) for p, v, n in recs if v >= 0 and n >= 0]
    vf = VirtualFile(m.data, pieces)
    inner = kdump_recipe(m, vf, walked, tag="flattened kdump")

    def header():
        name, off, w = m.rng.choice((("signature", 0, 16), ("type", 16, 8),
                                     ("version", 24, 8), ("type", 16, 8)))
        if name == "signature":
            m.byte("flattened header signature", off, w)
        else:
            m.field(f"flattened header {name}", off, w, ">")

    def record():
        # the first records hold the headers, bitmaps and descriptors
        i = m.rng.randrange(len(recs)) if m.rng.random() < 0.4 else \
            m.rng.randrange(min(12, len(recs)))
        pos, voff, size = recs[i]
        which = m.rng.randrange(2)
        m.field(f"flattened record {i} {('offset', 'size')[which]}",
                pos + 8 * which, 8, ">")

    def end_marker():
        m.field("flattened end marker", recs[-1][0] + 8 * m.rng.randrange(2),
                8, ">")

    return m.pick([(header, 4), (record, 12), (end_marker, 1)] +
                  [(f, w) for f, w in inner], count)


# -------------------------------------------------------------------- ELF

def elf_mutations(fmt, path, count, rng, walked):
    m = Maker(fmt, path, rng)
    d = m.data
    assert d[:4] == b"\x7fELF" and d[4] == 2, "not an ELF64 core"
    phoff, = struct.unpack_from("<Q", d, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", d, 0x36)
    phdrs = [struct.unpack_from("<IIQQQQQQ", d, phoff + i * phentsize)
             for i in range(phnum)]
    loads = [(i, p) for i, p in enumerate(phdrs) if p[0] == 1]
    pnote = [p for p in phdrs if p[0] == 4]
    assert loads and pnote
    note_off, note_size = pnote[0][2], pnote[0][5]
    info = b""
    for off, namesz, descsz, _, name in notes_in(d, note_off, note_size):
        if name == b"VMCOREINFO":
            start = off + 12 + (namesz + 3) // 4 * 4
            info = d[start:start + descsz]
    phys_base = info_phys_base(info, 0)

    def phys_to_off(phys):
        for _, (_, _, off, _, paddr, filesz, _, _) in loads:
            if paddr <= phys < paddr + filesz:
                return off + phys - paddr
        return None
    hot = []
    for v in kernel_symbols(info):
        phys = (v - START_KERNEL_MAP + phys_base) & (2 ** 64 - 1)
        off = phys_to_off(phys)
        if off is not None:
            hot.append((f"near {v:#x}", off - off % 4096, 4096))
    assert hot, "no VMCOREINFO symbol's page is in the dump"
    walks = []
    for what, phys in walked:	# from the object to the end of its page
        off = phys_to_off(phys)
        if off is not None:
            walks.append((what, off, 4096 - phys % 4096))
    assert walks, "no task, stack or log page is in the dump"

    def ehdr():
        name, off, w = m.rng.choice((
            ("e_ident", 0, 16), ("e_type", 16, 2), ("e_machine", 18, 2),
            ("e_phoff", 0x20, 8), ("e_shoff", 0x28, 8),
            ("e_phentsize", 0x36, 2), ("e_phnum", 0x38, 2),
            ("e_shnum", 0x3c, 2), ("e_phnum", 0x38, 2)))
        if name == "e_ident":
            m.byte("ELF header e_ident", off, w)
        else:
            m.field(f"ELF header {name}", off, w)

    def phdr():
        if m.rng.random() < 0.3:
            i = next(i for i, p in enumerate(phdrs) if p[0] == 4)
        else:
            i = m.rng.choice(loads)[0]
        name, off, w = m.rng.choice((
            ("p_type", 0, 4), ("p_offset", 8, 8), ("p_vaddr", 16, 8),
            ("p_paddr", 24, 8), ("p_filesz", 32, 8), ("p_memsz", 40, 8),
            ("p_offset", 8, 8), ("p_filesz", 32, 8)))
        m.field(f"program header {i} {name}", phoff + i * phentsize + off, w)

    def kernel_memory():
        what, off, span = m.rng.choice(hot)
        m.word(f"kernel memory {what}", off, span)

    def walked_memory():
        what, off, span = m.rng.choice(walks)
        m.word(f"kernel memory of {what}", off, span)

    def anywhere():
        m.byte("anywhere", 0, m.size)

    recipe = [(ehdr, 5), (phdr, 8), (kernel_memory, 4), (walked_memory, 8),
              (anywhere, 2)]
    recipe += add_notes(m, VirtualFile(d), note_off, note_size, "ELF")
    return m.pick(recipe, count)


MAKERS = {"vmcore.d31.zlib": kdump_mutations,
          "vmcore.d31.lzo": kdump_mutations,
          "vmcore.d31.zstd": kdump_mutations,
          "vmcore.flat": flat_mutations,
          "vmcore.d31.elf": elf_mutations}


# ------------------------------------------------------------------ runner

class Run:
    """One session's exit code, stdout, stderr, hang, max RSS (MB) and
    CPU seconds."""

    def __init__(self, rc, out, err, hung, rss, cpu):
        self.rc, self.out, self.err = rc, out, err
        self.hung, self.rss, self.cpu = hung, rss, cpu


def run_cli(dump, vmlinux):
    """One session of COMMANDS on dump -> Run."""
    argv = [ASAN_BIN]
    for c in session_commands():
        argv += ["-c", c]
    argv += [str(vmlinux), str(dump)]
    env = {**os.environ, "ASAN_OPTIONS": ASAN_OPTIONS,
           "UBSAN_OPTIONS": UBSAN_OPTIONS}
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=err, env=env, start_new_session=True)
        try:
            resource.prlimit(p.pid, resource.RLIMIT_CPU,
                             (RUN_CPU_LIMIT, RUN_CPU_LIMIT + 5))
        except ProcessLookupError:
            pass	# already gone
        lock, state = threading.Lock(), {"done": False, "hung": False}

        def kill():
            with lock:
                if not state["done"]:
                    state["hung"] = True
                    os.killpg(p.pid, signal.SIGKILL)
        timer = threading.Timer(RUN_TIMEOUT, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            with lock:
                state["done"] = True
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and \
                ru.ru_utime + ru.ru_stime >= RUN_CPU_LIMIT:
            state["hung"] = True
        err.seek(0)
        out.seek(0)
        return Run(p.returncode, out.read().decode(errors="replace"),
                   err.read().decode(errors="replace"), state["hung"],
                   ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime)


def silent_commands(r):
    """Commands that printed nothing and said nothing on stderr."""
    if MARK not in r.out:
        return []		# the dump did not open: no command ran
    sections = r.out.split(MARK + "\n")
    if len(sections) != len(COMMANDS):
        return [f"{len(sections)} outputs for {len(COMMANDS)} commands"]
    said = {ln.split(":", 1)[0] for ln in r.err.splitlines()}
    return [c for c, text in zip(COMMANDS, sections)
            if not text.strip() and c.split()[0] not in said]


def problems(r):
    """What is wrong with a run (empty: a clean answer or a clean error)."""
    rc, err, hung, rss = r.rc, r.err, r.hung, r.rss
    out = []
    if hung:
        out.append(f"hang: killed after {RUN_CPU_LIMIT} s of CPU or "
                   f"{RUN_TIMEOUT} s")
    elif rc < 0:
        out.append(f"killed by signal {-rc} ({signal.Signals(-rc).name})")
    for s in SANITIZER:
        if s in err:
            i = err.index(s)
            out.append(f"sanitizer report:\n{err[max(0, i - 200):i + 2500]}")
            break
    if rss > RSS_BOUND_MB:
        out.append(f"max RSS {rss:.0f} MB > {RSS_BOUND_MB} MB")
    if rc > 0 and not err.strip() and not hung:
        out.append(f"exit status {rc} without an error message")
    if not hung and rc >= 0:
        for c in silent_commands(r):
            out.append(f"{c}: no output and no error on stderr")
    return out


LOG_SYMBOLS = ("__log_buf", "_printk_rb_static_descs",
               "_printk_rb_static_infos")


@pytest.fixture(scope="session")
def walked(sample, pykdump):
    """[(what, physical address)] of memory the commands walk: some
    tasks (ps), the stack frames of bt -a, the printk ring's static
    buffers; asked of the plain CLI on the pristine vmcore.d31.elf (the
    same memory as every other variant)."""
    dump = sample.dump("vmcore.d31.elf")
    out = pykdump(["ps", "bt -a"] + [f"sym {s}" for s in LOG_SYMBOLS],
                  dump=str(dump))
    tasks = sorted({int(t, 16) for t in re.findall(
        r"^>?\s*\d+\s+\d+\s+\d+\s+([0-9a-f]{16})\s", out, re.M)})
    frames = sorted({int(a, 16) for a in re.findall(
        r"^\s*#\d+ \[([0-9a-f]{16})\]", out, re.M)})
    syms = [int(a, 16) for a in re.findall(
        r"^([0-9a-f]{16}) \(\w\) (?:%s)$" % "|".join(LOG_SYMBOLS), out,
        re.M)]
    assert tasks and frames, out[-3000:]
    rng = random.Random(f"{SEED}:walked")
    want = [("task", t) for t in rng.sample(tasks, min(10, len(tasks)))]
    want += [("stack frame", f) for f in rng.sample(frames,
                                                    min(8, len(frames)))]
    want += [("printk ring", a) for a in syms]
    vtop = pykdump([f"vtop {v:x}" for _, v in want], dump=str(dump))
    phys = {int(a, 16): int(b, 16) for a, b in re.findall(
        r"^([0-9a-f]+)\s+([0-9a-f]+)\s*$", vtop, re.M)}
    got = [(f"{what} {v:#x}", phys[v]) for what, v in want if v in phys]
    assert len(got) >= len(want) // 2, vtop[-3000:]
    return got


def selected(fmt, muts):
    only = os.environ.get("PYKDUMP_MUTATE_ONLY")
    if not only:
        return muts
    name, _, nums = only.partition(":")
    if name != fmt:
        return []
    want = {int(n) for n in nums.split(",") if n}
    return [mu for mu in muts if mu.n in want]


def check_mutations(sample, walked, fmt, tmp_path):
    src = sample.dump(fmt)
    count = max(1, round(COUNTS[fmt] * SCALE))
    rng = random.Random(f"{SEED}:{fmt}")
    muts = selected(fmt, MAKERS[fmt](fmt, src, count, rng, walked))
    assert len(muts) >= min(count, 1) or os.environ.get("PYKDUMP_MUTATE_ONLY")

    # The pristine file first: it must open and answer (a test that
    # cannot fail proves nothing); this also warms the index cache.
    r = run_cli(src, sample.vmlinux)
    assert r.rc == 0 and not problems(r), r.err[-3000:]
    assert r.out.count(MARK) == len(COMMANDS) - 1, r.out[-3000:]

    local = threading.local()
    copies = []

    def copy():
        if not hasattr(local, "path"):
            d = tmp_path / f"w{threading.get_ident()}"
            d.mkdir()
            local.path = d / src.name
            shutil.copyfile(src, local.path)
            copies.append(local.path)
        return local.path

    def one(mu):
        path = copy()
        with open(path, "r+b") as f:
            f.seek(mu.off)
            f.write(mu.new)
        try:
            return mu, run_cli(path, sample.vmlinux)
        finally:
            with open(path, "r+b") as f:
                f.seek(mu.off)
                f.write(mu.old)

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(one, muts))
    wall = time.monotonic() - t0

    failures, figures = [], {"format": fmt, "seed": SEED, "mutations":
                             len(results), "signals": 0, "sanitizer": 0,
                             "hangs": 0, "rss_over": 0, "silent": 0,
                             "errors": 0, "max_rss_mb": 0.0,
                             "cpu_s": 0.0, "max_cpu_s": 0.0,
                             "wall_s": round(wall, 1)}
    for mu, r in results:
        figures["max_rss_mb"] = max(figures["max_rss_mb"], round(r.rss, 1))
        figures["max_cpu_s"] = max(figures["max_cpu_s"], round(r.cpu, 2))
        figures["cpu_s"] = round(figures["cpu_s"] + r.cpu, 1)
        figures["errors"] += r.rc != 0
        bad = problems(r)
        figures["hangs"] += r.hung
        figures["signals"] += r.rc < 0 and not r.hung
        figures["sanitizer"] += any(s in r.err for s in SANITIZER)
        figures["rss_over"] += r.rss > RSS_BOUND_MB
        figures["silent"] += any(b.startswith(("exit status", *COMMANDS))
                                 for b in bad)
        if bad:
            failures.append(f"{mu.describe()}\n  " + "\n  ".join(bad) +
                            f"\n  reproduce: {mu.reproduce(src, sample.vmlinux)}")
    report = os.environ.get("PYKDUMP_MUTATE_REPORT")
    if report:
        with open(report, "a") as f:
            f.write(json.dumps(figures) + "\n")
    for p in copies:	# every byte put back: the copies are still pristine
        with open(p, "rb") as a, open(src, "rb") as b:
            assert a.read(1 << 20) == b.read(1 << 20)
    assert not failures, (f"{len(failures)} of {len(results)} mutations "
                          f"failed:\n\n" + "\n\n".join(failures[:20]))


# Only on the sanitized CLI (make asan sets PYKDUMP_ASAN_BIN): without it
# the module defines no test (the plain pytest stage collects nothing here,
# rather than a skip).
if ASAN_BIN:
    @pytest.mark.parametrize("fmt", list(COUNTS))
    def test_mutations_asan(sample, walked, fmt, tmp_path):
        check_mutations(sample, walked, fmt, tmp_path)
