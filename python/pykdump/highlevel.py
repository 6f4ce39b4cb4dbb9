# SPDX-License-Identifier: GPL-2.0-or-later
"""The subroutines programs use (PyKdump's highlevel.py), all reachable
through ``from pykdump.API import *``:

  * reading memory and globals: readmem, readU8 ... readULong, readPtr,
    readSymbol, readSU, readSUArray, readProcessMem ...
  * lists and hashes: readList, readBadList, ListHead, readSUListFromHead,
    readStructNext, hlist_for_each_entry, getListSize, getFullBuckets ...
  * symbols and types: sym2addr, addr2sym, whatis, struct_size,
    member_offset, member_size, getStructInfo, container_of ...
  * built-in commands: exec_crash_command, exec_crash_command_bg,
    exec_gdb_command, exec_command
  * per-CPU data: get_cpu_var, percpu_ptr, percpu_counter_sum

Reading goes through the C extension (per-type readers, the C list walk);
this module is thin glue.  The machine's sizes (INT_SIZE, LONG_MAX ...)
become module globals when a dump is open (set_machine_globals).
"""

import re

from . import _crash
from .Generic import (getCurrentModule, registerObjAttrHandler,  # noqa: F401
                      registerModuleAttr, patch_default_kw,
                      unsigned16, unsigned32, unsigned64)
from .logging import PyLog
from .lowlevel import (StructResult, tPtr, SmartString, tEnum,  # noqa: F401
                       Addr, Deref, structSetAttr, structSetProcAttr,
                       AttrSetter, printObject, readmem, readPtr, mem2long,
                       FD_ISSET)
from .datatypes import (TypeInfo, SUInfo, ArtStructInfo,  # noqa: F401
                        EnumInfo, VarInfo, PseudoVarInfo, type_length)
from .memocaches import memoize_typeinfo, memoize_cond, CU_LIVE, CU_LOAD

pylog = PyLog()

# The default number of elements a list walk returns (--maxel).
_MAXEL = 10000

# Set from API's --experimental.
experimental = 0

# The default command time budget in seconds (--timeout).
_crash.default_timeout = 120

# exec_crash_command and exec_crash_command_bg keep at most this many
# bytes of a command's output in memory: a command that writes more is
# stopped and crash.error raised (its .output holds what was kept).
# Programs that need more may raise it, or read the dump themselves.
EXEC_OUTPUT_LIMIT = 256 << 20

# The text of the exception for a failed command: its error lines, or its
# last lines, this many at most (the whole output is in its .output).
_ERROR_LINES = 10

readU8 = _crash.readU8
readU16 = _crash.readU16
readU32 = _crash.readU32
readU64 = _crash.readU64
readS8 = _crash.readS8
readS16 = _crash.readS16
readS32 = _crash.readS32
readS64 = _crash.readS64
readSU = _crash.readSU
sym2addr = _crash.sym2addr
sym2alladdr = _crash.sym2alladdr


def ALIGN(addr, align):
    """addr rounded up to a multiple of align (a power of two)."""
    return (int(addr) + align - 1) & ~(align - 1)


def atomic_t(o):
    """o.counter for an atomic_t, o itself for a plain integer."""
    try:
        return o.counter
    except AttributeError:
        return o


def setListMaxel(newval):
    """Set the default maxel of every list reader of this module."""
    global _MAXEL
    _MAXEL = newval
    patch_default_kw(getCurrentModule(), "maxel", newval)


class SuppressCrashErrors(object):
    """with SuppressCrashErrors(): ... -- the engine never prints errors
    outside a command's own output, so there is nothing to redirect."""

    def __init__(self, outfile="/dev/null"):
        self.newf = outfile

    def __enter__(self):
        return self.newf

    def __exit__(self, exc_type, exc_value, traceback):
        return False


# ------------------------------------------------------- machine sizes

def set_machine_globals(m):
    """Module globals for the dumped machine (called when a dump opens)."""
    g = globals()
    isz, lsz = m["int_size"], m["long_size"]
    g.update(pointersize=m["ptr_size"], PTR_SIZE=m["ptr_size"],
             INT_SIZE=isz, BITS_PER_INT=8 * isz, INT_MASK=(1 << 8 * isz) - 1,
             INT_MAX=(1 << (8 * isz - 1)) - 1,
             LONG_SIZE=lsz, BITS_PER_LONG=8 * lsz,
             LONG_MASK=(1 << 8 * lsz) - 1, LONG_MAX=(1 << (8 * lsz - 1)) - 1)
    g["uInt"] = lambda v: v & g["INT_MASK"]
    g["uLong"] = lambda v: v & g["LONG_MASK"]
    ri = {4: readS32, 8: readS64}
    ru = {4: readU32, 8: readU64}
    g.update(readInt=ri[isz], readUInt=ru[isz], readLong=ri[lsz],
             readULong=ru[lsz])


def _sized_reader(name, signed, which):
    def read(addr, mtype=_crash.KVADDR):
        _crash._needs_dump(name + "()")
        set_machine_globals(_crash._machine())
        return globals()[name](addr, mtype)
    read.__name__ = name
    return read


# Until a dump is open (then set_machine_globals puts the C readers here).
readInt = _sized_reader("readInt", True, "int")
readUInt = _sized_reader("readUInt", False, "int")
readLong = _sized_reader("readLong", True, "long")
readULong = _sized_reader("readULong", False, "long")


def sLong(v):
    """An unsigned long reinterpreted as signed."""
    bits = 8 * globals().get("LONG_SIZE", 8)
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def le32_to_cpu(v):
    return v & 0xffffffff


cpu_to_le32 = le32_to_cpu


def le16_to_cpu(v):
    return v & 0xffff


# ------------------------------------------------------ symbols, types

def whatis(name):
    """VarInfo of a global variable or a function (.ti, .addr, .ctype);
    TypeError when there is none.  A function's ti.stype is "(func)" and
    ti.prototype the TypeInfos of its return type and parameters."""
    info = _crash._var_info(name)
    if info is None:
        raise TypeError("There's no symbol {!r}".format(name))
    addr, reader, percpu = info
    vi = VarInfo(name, TypeInfo(reader), addr)
    vi.is_percpu = percpu
    return vi


def readSymbol(symbol, art=None):
    """The typed value of a global variable."""
    info = _crash._var_info(symbol)
    if info is None:
        raise TypeError("There's no symbol {!r}".format(symbol))
    addr, reader, _percpu = info
    return reader.read(addr)


def symbol_exists(name):
    return 1 if sym2addr(name) else 0


noncached_symbol_exists = symbol_exists


def addr2sym(addr, loose_match=0):
    """Exact: the symbol at addr or None.  Loose: (name, offset) of the
    nearest symbol at or below addr, or (None, 0)."""
    hit = _crash._addr2sym(int(addr))
    if loose_match:
        return hit[:2] if hit is not None else (None, None)
    if hit is None or hit[1] != 0:
        return None
    return hit[0]


def addr2mod(addr):
    """The name of the module whose symbol is at or below addr, or None
    (an address of the kernel image, or of nothing)."""
    hit = _crash._addr2sym(int(addr))
    return hit[2] if hit is not None else None


def struct_exists(sname):
    return 1 if type_length(sname) > 0 else 0


def struct_size(sname):
    return type_length(sname)


union_size = getSizeOf = struct_size


def _pseudo_member(sname, member):
    """A pseudo-member at a fixed offset (structSetAttr), or None."""
    try:
        vi = SUInfo(sname).get(member)
    except TypeError:
        return None
    return vi if isinstance(vi, PseudoVarInfo) else None


def member_offset(sname, member):
    """Offset in bytes of a member ("a.b.c" through embedded members),
    or of a pseudo-member at a fixed offset; -1 when there is none."""
    vi = _pseudo_member(sname, member) if "." not in member else None
    if vi is not None:
        return vi.offset
    mp = _crash._member_path(sname, member)
    return -1 if mp is None else mp[0]


def member_size(sname, member):
    """Bytes of a member (all its elements), -1 when there is none."""
    vi = _pseudo_member(sname, member) if "." not in member else None
    if vi is not None:
        return vi.size
    mp = _crash._member_path(sname, member)
    return -1 if mp is None else mp[1].size


def enumerator_value(name):
    return _crash._enumerator(name)


@memoize_typeinfo
def getStructInfo(sname):
    return SUInfo(sname)


def container_of(ptr, ctype, member):
    """The ctype that contains member at ptr."""
    off = member_offset(ctype, member)
    if off < 0:
        raise KeyError("{} has no member {}".format(ctype, member))
    return readSU(ctype, int(ptr) - off)


def funcargs(fname):
    """The C types of a function's parameters as strings, or None when
    fname is no function with debuginfo."""
    try:
        ti = whatis(fname).ti
    except TypeError:
        return None
    if ti.stype != "(func)":
        return None
    return [a.typestr() for a in ti.prototype[1:]]


# -------------------------------------------------------------- lists

def _walk(start, offset, maxel, inchead, warn):
    """(addresses, error or None) of the chain from start; a list longer
    than maxel is cut there and, with warn, the cut is logged as a
    warning (as the original's readList does): a partial answer is
    never silent."""
    if maxel is None:
        maxel = _MAXEL
    addrs, err, cut = _crash._walk(int(start), offset, maxel, inchead)
    if cut and warn:
        pylog.warning("list from 0x{:x} cut at maxel={} entries (it has "
                      "more)".format(int(start), maxel))
    return addrs, err


def readBadList(start, offset=0, maxel=None, inchead=True):
    """(addresses, error or None): follow *(p + offset) from start until
    NULL or back at start (more than maxel entries: a logged warning)."""
    return _walk(start, offset, maxel, inchead, True)


def readList(start, offset=0, maxel=None, inchead=True, warn=True):
    """Addresses of a list linked through *(p + offset); a cycle or an
    unreadable pointer ends it with a logged error, maxel with a logged
    warning (unless not warn)."""
    addrs, err = _walk(start, offset, maxel, inchead, warn)
    if err and warn:
        pylog.error("readList from 0x{:x}: {}".format(int(start), err))
    return addrs


def getListSize(addr, offset, maxel=None):
    return len(readList(addr, offset, maxel, inchead=False, warn=False))


def readListByHead(start, offset=0, maxel=None):
    """Addresses of the list_heads on the list headed at start (the
    containers are not computed)."""
    return readList(start, offset, maxel, inchead=False)


list_for_each_entry = readListByHead


def LH_isempty(lh):
    return int(lh.next) == int(lh) or int(lh.next) == 0


class ListHead(list):
    """ListHead(addr, "struct T"): the list headed at addr.  lh.field is
    the list of struct T linked through their member `field`; without a
    type the elements are the list_heads themselves."""

    def __init__(self, lhaddr, sname=None, maxel=None):
        self.sname = sname
        self.lhaddr = int(lhaddr)
        addrs = readList(self.lhaddr, 0, maxel, inchead=False)
        if sname is None:
            list.__init__(self, (readSU("struct list_head", a)
                                 for a in addrs))
        else:
            list.__init__(self, addrs)

    def __getattr__(self, field):
        if field.startswith("__") or self.sname is None:
            raise AttributeError(field)
        off = member_offset(self.sname, field)
        if off < 0:
            raise KeyError("{} has no member {}".format(self.sname, field))
        return _crash._structs_at(_crash.type_reader(self.sname), self,
                                  -off)


def readSUListFromHead(headaddr, listfieldname, mystruct, maxel=None,
                       inchead=False, warn=True):
    """The structs mystruct linked through listfieldname on the list
    headed at headaddr (an address or a symbol name)."""
    off = member_offset(mystruct, listfieldname)
    if off < 0:
        raise KeyError("{} has no member {}".format(mystruct, listfieldname))
    if isinstance(headaddr, str):
        # a symbol names the struct holding the head, not the head
        headaddr = sym2addr(headaddr) + off
    addrs = readList(headaddr, 0, maxel, inchead, warn)
    return _crash._structs_at(_crash.type_reader(mystruct), addrs, -off)


def readStructNext(shead, namefield, maxel=None, inchead=True):
    """Structs linked through a plain `namefield` pointer, from shead."""
    sname = shead.PYT_symbol
    off = member_offset(sname, namefield)
    addrs = readList(int(shead), off, maxel, inchead)
    return [readSU(sname, a) for a in addrs]


def hlist_for_each_entry(emtype, head, member, maxel=None):
    """Generator of the emtype linked through their hlist_node member on
    the hlist headed at head."""
    off = member_offset(emtype, member)
    first = readPtr(int(head))
    if not first:
        return
    for a in readList(first, 0, maxel, inchead=True):
        yield readSU(emtype, a - off)


def _buckets(start, bsize, items, chain_off):
    """(index, pointer) of the non-NULL chain pointers of a hash table of
    `items` buckets of bsize bytes at start (read at once)."""
    if items <= 0:
        return []
    psize = PTR_SIZE if "PTR_SIZE" in globals() else 8
    m = readmem(int(start), bsize * items)
    out = []
    for i in range(items):
        o = i * bsize + chain_off
        p = int.from_bytes(m[o:o + psize], "little")
        if p:
            out.append((i, p))
    return out


def getFullBuckets(start, bsize, items, chain_off=0):
    """The non-NULL chain pointers of a hash table of `items` buckets of
    bsize bytes at start."""
    return [p for _i, p in _buckets(start, bsize, items, chain_off)]


def getFullBucketsH(start, bsize, items, chain_off=0):
    """The same as (bucket index, pointer) pairs."""
    return _buckets(start, bsize, items, chain_off)


def readSUArray(suname, startaddr, dim=0):
    """dim structs suname at startaddr: a list, or a generator without
    end when dim is 0."""
    r = _crash.type_reader(suname)
    size = r.size
    if dim:
        return [readSU(suname, int(startaddr) + i * size)
                for i in range(dim)]

    def gen():
        i = 0
        while True:
            yield readSU(suname, int(startaddr) + i * size)
            i += 1
    return gen()


# ------------------------------------------------------------- per-CPU

# __per_cpu_offset[0 .. nr_cpu_ids-1], read by the library once per dump.
_percpu_offsets = _crash._percpu_offsets


def get_cpu_var(varname):
    """The per-CPU addresses of a per-CPU variable, one per CPU."""
    base = sym2addr(varname)
    return [base + o for o in _percpu_offsets()]


def percpu_ptr(ptr, cpu):
    """A __percpu pointer's address on one CPU (same type)."""
    addr = int(ptr) + _percpu_offsets()[cpu]
    if isinstance(ptr, StructResult):
        return readSU(ptr.PYT_symbol, addr)
    return addr


def percpu_counter_sum(c):
    """A struct percpu_counter's value: count plus every CPU's delta."""
    total = int(c.count)
    counters = int(c.counters)
    for o in _percpu_offsets():
        total += readS32(counters + o)
    return total


# --------------------------------------------------------------- tasks

def _tasks():
    init = readSymbol("init_task")
    return [init] + ListHead(Addr(init, "tasks"), "struct task_struct").tasks


def pid_to_task(pid):
    """The task_struct address of a thread-group leader's pid, or 0."""
    for t in _tasks():
        if t.pid == pid:
            return int(t)
    return 0


def task_to_pid(task):
    return readSU("struct task_struct", int(task)).pid


def is_task_active(task):
    """True when the task is the current one on some CPU."""
    try:
        return any(int(readSU("struct rq", a).curr) == int(task)
                   for a in get_cpu_var("runqueues"))
    except Exception:
        return False


def set_readmem_task(taskaddr):
    """readmem(..., UVADDR) reads this task's user space (0: none)."""
    if not taskaddr:
        _crash._set_uv_pgd(0)
        return
    mm = readSU("struct task_struct", int(taskaddr)).mm
    _crash._set_uv_pgd(int(mm.pgd) if mm else 0)


def readProcessMem(taskaddr, uvaddr, size):
    """size bytes of a task's user memory at uvaddr."""
    set_readmem_task(taskaddr)
    try:
        return readmem(uvaddr, size, _crash.UVADDR)
    finally:
        set_readmem_task(0)


def get_pathname(dentry, vfsmnt):
    """The path of a dentry seen through a struct vfsmount *, across
    mount points up to the root of the mount tree (as d_path() and
    crash's `files` build it).  Without vfsmnt (0): up to the dentry's
    own root only."""
    return _crash._get_pathname(int(dentry), int(vfsmnt or 0))


# ------------------------------------------------------------ commands

def _command_error(cmd, out, text):
    e = _crash.error(text)
    e.output = out
    return e


def _error_text(cmd, out):
    """What a failed command says went wrong: its error lines ("NAME:
    ...", as crash prints them), else its last lines; a few lines, so that
    the exception stays readable whatever the output's size."""
    name = cmd.split()[0] if cmd.split() else cmd
    lines = [ln for ln in out.splitlines() if ln.strip()]
    errs = [ln for ln in lines if ln.startswith(name + ": ")]
    pick = errs[:_ERROR_LINES] if errs else lines[-_ERROR_LINES:]
    text = "\n".join(ln[:500] for ln in pick)
    return text or "{}: failed".format(cmd)


def _exec_checked(cmd, timeout):
    rc, out, timed_out, overflow = _crash._exec(cmd, timeout,
                                                EXEC_OUTPUT_LIMIT)
    if overflow:
        raise _command_error(cmd, out, (
            "{}: stopped: its output exceeds {} bytes, the limit of "
            "exec_crash_command (pykdump.highlevel.EXEC_OUTPUT_LIMIT)"
        ).format(cmd, EXEC_OUTPUT_LIMIT))
    return rc, out, timed_out


def exec_crash_command(cmd, no_stdout=0):
    """The output of one of our built-in commands; crash.error when it
    fails (empty output is not a failure), with its error lines as the
    message and the whole output as .output.  At most EXEC_OUTPUT_LIMIT
    bytes of output are kept: a command that writes more is stopped, and
    crash.error raised."""
    rc, out, _to = _exec_checked(cmd, 0)
    if rc != 0:
        raise _command_error(cmd, out, _error_text(cmd, out))
    return out


def exec_crash_command_stream(cmd, write, timeout=None):
    """Run one of our built-in commands with its output going to
    write(text) piece by piece as it is produced: nothing is kept, so
    there is no size limit (a 1.7 GB `rd` costs no memory here).  Returns
    nothing; crash.error when the command fails, its error lines (from
    the last 64 KiB of output) as the message.  An exception raised by
    write stops the command and is raised here.  timeout: seconds (None:
    no budget of its own)."""
    import codecs
    decoder = codecs.getincrementaldecoder("utf-8")("backslashreplace")
    tail = []
    kept = [0]

    def piece(data):
        text = decoder.decode(data)
        if text:
            tail.append(text)
            kept[0] += len(text)
            while kept[0] > 65536 and len(tail) > 1:
                kept[0] -= len(tail.pop(0))
            write(text)

    rc, timed_out = _crash._exec_stream(cmd, piece,
                                        float(timeout or 0))
    rest = decoder.decode(b"", final=True)
    if rest:
        tail.append(rest)
        write(rest)
    if timed_out:
        pylog.timeout("<{}> failed to complete within the timeout "
                      "period of {}s".format(cmd, timeout))
    elif rc != 0:
        out = "".join(tail)
        raise _command_error(cmd, out, _error_text(cmd, out))


def exec_crash_command_bg(cmd, timeout=None):
    """The same under a time budget (--timeout by default); on timeout the
    problem is logged and the partial output returned.  A command that
    fails raises crash.error as exec_crash_command does (the original
    logged a warning and returned the error text, which programs then
    took for an answer)."""
    if timeout is None:
        timeout = _crash.default_timeout
    rc, out, timed_out = _exec_checked(cmd, float(timeout))
    if timed_out:
        pylog.timeout("<{}> failed to complete within the timeout "
                      "period of {}s".format(cmd, timeout))
    elif rc != 0:
        raise _command_error(cmd, out, _error_text(cmd, out))
    return out


exec_crash_command_bg2 = exec_crash_command_bg


# The gdb settings programs read and change through exec_gdb_command
# (LinuxDump's DisasmFlavor: "show"/"set disassembly-flavor",
# "output-radix"), kept per process as gdb kept them.
_gdb_settings = {"disassembly-flavor": "att", "output-radix": "10"}
_GDB_SHOW = {
    "disassembly-flavor": 'The disassembly flavor is "{}".',
    "output-radix": "Default output radix for printing of values is {}.",
}
_GDB_VALUES = {"disassembly-flavor": ("att", "intel"),
               "output-radix": ("8", "10", "16")}


def _gdb_address(expr):
    """The address of an x command's operand: a number or a symbol."""
    expr = expr.strip()
    try:
        return int(expr, 0)
    except ValueError:
        pass
    name, _plus, off = expr.partition("+")
    addr = sym2addr(name.strip())
    if not addr:
        raise _crash.error('No symbol "{}" in current context.'.format(
            name.strip()))
    return addr + (int(off, 0) if off.strip() else 0)


def _gdb_symbolic(addr):
    """gdb's " <sym+off>" for an address ("" when none)."""
    hit = _crash._addr2sym(addr)
    if hit is None:
        return ""
    return " <{}>".format(hit[0] if not hit[1] else
                          "{}+{}".format(hit[0], hit[1]))


def _gdb_x_string(count, addr):
    out = []
    for _i in range(count or 1):
        raw = _read_cstring(addr)
        text = _gdb_escape(raw)
        out.append("0x{:x}{}:\t\"{}\"".format(addr, _gdb_symbolic(addr),
                                               text))
        addr += len(raw) + 1
    return "\n".join(out) + "\n"


_GDB_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v",
                12: "\\f", 13: "\\r", 27: "\\033", 34: '\\"',
                92: "\\\\"}


def _gdb_escape(raw):
    """Bytes as gdb prints them in a string: C escapes, octal for the
    rest of what is not printable ASCII."""
    return "".join(_GDB_ESCAPES.get(b) or (chr(b) if 32 <= b < 127
                                           else "\\%o" % b) for b in raw)


def _read_cstring(addr, limit=4096):
    """The bytes at addr up to the first NUL (at most limit), reading
    page by page so that the end of mapped memory is no error."""
    out = b""
    while len(out) < limit:
        chunk = min(256, 4096 - (addr + len(out)) % 4096)
        data = readmem(addr + len(out), chunk)
        nul = data.find(b"\0")
        if nul >= 0:
            return out + data[:nul]
        out += data
    return out[:limit]


# Mnemonics (with prefixes) and no operand: operands start with %, $,
# a digit, "(", "*" or "-".
_GDB_NO_OPERANDS = re.compile(r"^[a-z][a-z0-9]*( [a-z][a-z0-9]*)*$")


def _gdb_x_insn(count, addr):
    """gdb's x/Ni: one line per instruction, "   ADDR <sym+off>:\tTEXT"
    (three spaces where gdb would put "=> " for the pc of a live
    process), over the engine's disassembler (lib/disasm, libopcodes as
    in gdb).  Only AT&T: the one flavor lib/disasm speaks."""
    if _gdb_settings["disassembly-flavor"] != "att":
        raise _crash.error("x/i: disassembly-flavor {} is not supported "
                           "(only att)".format(
                               _gdb_settings["disassembly-flavor"]))
    out = []
    for iaddr, _length, text in _crash.disassemble(addr, count or 1):
        if _GDB_NO_OPERANDS.match(text):
            # crash 8.0.6's gdb (10.2) has the libopcodes of its time,
            # which padded the mnemonic of an instruction without
            # operands as of the others ("%-6s "): "ret    ", "int3   ".
            # binutils 2.39+ ends the line at the mnemonic.
            text = text.ljust(6) + " "
        out.append("   0x{:x}{}:\t{}".format(iaddr, _gdb_symbolic(iaddr),
                                              text))
    return "\n".join(out) + "\n"


def exec_gdb_command(cmd):
    """What gdb answered inside crash, for the commands the programs pass
    to it: show/set of disassembly-flavor and output-radix, x/Ns and
    x/Ni ADDR; other requests (p, ptype, whatis) are our commands'."""
    words = cmd.split()
    if len(words) == 2 and words[0] == "show" and words[1] in _GDB_SHOW:
        return _GDB_SHOW[words[1]].format(_gdb_settings[words[1]]) + "\n"
    if len(words) == 3 and words[0] == "set" and words[1] in _GDB_SHOW:
        if words[2] not in _GDB_VALUES[words[1]]:
            raise _crash.error('Undefined item: "{}".'.format(words[2]))
        _gdb_settings[words[1]] = words[2]
        return ""
    m = re.match(r"^x/(\d*)([is])\s+(.+)$", cmd.strip())
    if m:
        count = int(m.group(1)) if m.group(1) else 1
        addr = _gdb_address(m.group(3))
        if m.group(2) == "s":
            return _gdb_x_string(count, addr)
        return _gdb_x_insn(count, addr)
    return exec_crash_command(cmd)


def exec_command(cmdline):
    """Run a command and print its output."""
    print(exec_crash_command(cmdline), end="")


def uvtop(taskaddr, vaddr):
    """The physical address of user address vaddr of a task (through its
    mm's page tables); crash.error when it is not mapped, or the task
    has no mm (a kernel thread)."""
    mm = readSU("struct task_struct", int(taskaddr)).mm
    if not mm:
        raise _crash.error("uvtop: task {:#x} has no user address "
                           "space".format(int(taskaddr)))
    return _crash._uvtop(int(mm.pgd), int(vaddr))


def phys_to_page(paddr):
    """The struct page address of the frame holding physical address
    paddr: the vmemmap array (SPARSEMEM_VMEMMAP), else the flat mem_map."""
    m = _crash._machine()
    pfn = int(paddr) >> m["page_shift"]
    size = struct_size("struct page")
    base = m.get("vmemmap_base", 0) & 0xffffffffffffffff
    if not base:
        mem_map = sym2addr("mem_map")
        base = readPtr(mem_map) if mem_map else 0
    if not base or size <= 0:
        raise _crash.error("phys_to_page: no vmemmap or mem_map in "
                           "this kernel's debuginfo")
    return base + pfn * size


if _crash.dump_is_open():
    set_machine_globals(_crash._machine())

_MACHINE_NAMES = (
    "pointersize", "PTR_SIZE", "INT_MASK", "INT_SIZE", "BITS_PER_INT",
    "INT_MAX", "uInt", "LONG_MASK", "LONG_SIZE", "BITS_PER_LONG",
    "LONG_MAX", "uLong")
# Without a dump the machine's names are absent from `import *` (reading
# one raises crash.NoDumpError); pykdump.open() puts them in place.
__all__ = [n for n in list(globals()) if not n.startswith("_") and n not in (
    "getCurrentModule", "patch_default_kw", "memoize_typeinfo",
    "memoize_cond", "CU_LIVE", "CU_LOAD", "PyLog")]


def __getattr__(name):
    if name in _MACHINE_NAMES:
        _crash._needs_dump(name)
        set_machine_globals(_crash._machine())
        return globals()[name]
    raise AttributeError("module {!r} has no attribute {!r}".format(
        __name__, name))
