# SPDX-License-Identifier: GPL-2.0-or-later
"""The original PyKdump API's names and semantics that its programs
(../shared/pykdump-original: crashinfo, xportshow, LinuxDump/ ...) rely
on, each pinned on the sample dump and, where crash can say, compared
with crash's answer at test time (issue 14):

  sys_info.pointersize/pointermask, crash.mem2long, crash.get_uptime,
  crash.get_task_mem_usage, crash.get_NR_syscalls, VarInfo.basetype/ctype,
  SUInfo.size, whatis(<function>) with ti.stype "(func)" and a prototype,
  type_reader("const struct X *"), StructResult["field"], explicit
  StructResult.__getattr__, flexible and one-element struct arrays as a
  StructResult, unsigned char arrays and pointers as numbers,
  tPtr(addr, ti)/.ptype, addr2sym/sym2addr/addr2mod with module symbols,
  get_nsproxy(), getFullBucketsH pairs, structSetAttr/AttrSetter
  pseudo-members (PYT_sinfo, member_offset, ListHead, same-name members,
  SKC. chains, resolution on the first struct), CDefine subclasses.
"""

import re
import sys

import pytest

from test_pyapi import BUILD, DUMP

SIZE_OF = "task_struct"


@pytest.fixture(scope="module")
def api(sample):
    sys.path.insert(0, str(BUILD / "python"))
    import pykdump
    pykdump.open(str(sample / DUMP), str(sample.vmlinux))
    import pykdump.API as api
    yield api
    pykdump.close()


# One crash session for the module (crash is slow to start).
CRASH_CMDS = [
    "sys", "ps", "whatis vfs_write", "whatis do_sys_open",
    "p sizeof(struct task_struct)", "sym -m loop", "sym -l",
    "p init_nsproxy", "p &init_nsproxy",
    "p/x init_net.loopback_dev->perm_addr",
    "show disassembly-flavor", "show output-radix", "x/s linux_banner",
    "gdb x/40i schedule", "gdb x/12i vfs_write+5", "gdb x/3i do_sys_open",
]


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CRASH_CMDS, dump=DUMP)


# ---------------------------------------------------------- names, sizes

def test_pointer_size_in_sys_info(api):
    assert api.sys_info.pointersize == api.pointersize == 8
    assert api.sys_info.pointermask == 2 ** 64 - 1


def test_modules_and_names(api):
    from pykdump import ASCII_Art
    assert ASCII_Art.AA_Node is api.AA_Node
    assert ASCII_Art.EmbeddedFrames is api.EmbeddedFrames
    import optparse
    assert api.OptionParser is optparse.OptionParser
    assert api.Option is optparse.Option


def test_mem2long(api):
    import crash
    assert crash.mem2long(b"\x01\x02\x03\x04") == 0x04030201
    assert crash.mem2long(b"\xff\xff", signed=True) == -1
    assert crash.mem2long(b"\x01\x00\x02\x00", array=2) == [1, 2]
    assert crash.mem2long(bytestr=b"\xfe", signed=1) == -2
    with pytest.raises(crash.error):
        crash.mem2long(b"\x01\x02\x03", array=2)


def test_uptime_matches_sys(api, ref):
    import crash
    up = re.search(r"UPTIME: (.*)", ref["sys"]).group(1).strip()
    secs = crash.get_uptime() // api.HZ
    d, rest = divmod(secs, 86400)
    hms = "%02d:%02d:%02d" % (rest // 3600, rest // 60 % 60, rest % 60)
    assert up == (("%d days, " % d) if d else "") + hms


def test_task_mem_usage_matches_ps(api, ref):
    """(VSZ, RSS) in KB, as crash's ps shows them, for every task."""
    import crash
    rows = 0
    for line in ref["ps"].splitlines()[1:]:
        f = line.lstrip(">").split()
        task, vsz, rss = int(f[3], 16), int(f[6]), int(f[7])
        assert crash.get_task_mem_usage(task) == (vsz, rss), line
        rows += 1
    assert rows > 20
    assert any(int(x.lstrip(">").split()[6]) for x in
               ref["ps"].splitlines()[1:])       # some user tasks
    # our API's name is crash's function (the original had none of its own)
    assert api.get_task_mem_usage is crash.get_task_mem_usage


def test_nr_syscalls_as_crash_counts(api, ref):
    """crash's rule: the distance from sys_call_table to the next symbol
    at a higher address (crash's sym -l, in address order), in pointers."""
    import crash
    table = nxt = None
    for line in ref["sym -l"].splitlines():
        m = re.match(r"^([0-9a-f]+) \(\w\) (\S+)", line)
        if not m:
            continue
        a = int(m.group(1), 16)
        if m.group(2) == "sys_call_table":
            table = a
        elif table is not None and a > table:
            nxt = a
            break
    assert table and nxt
    assert crash.get_NR_syscalls() == (nxt - table) // 8


def test_varinfo_and_suinfo(api, ref):
    vi = api.whatis("init_task")
    assert vi.ctype == vi.basetype == "struct task_struct"
    size = int(re.search(r"= (\d+)", ref["p sizeof(struct task_struct)"])
               .group(1))
    si = api.SUInfo("struct task_struct")
    assert si.size == si.PYT_size == size
    assert api.getStructInfo("struct task_struct").size == size
    # PYT_body as the original: (name, VarInfo) in declaration order
    name, fi = si.PYT_body[0]
    assert fi is si[name] and si.getFnames()[0] == name


def _crash_args(text):
    m = re.match(r"^(.*?)\s*(\w+)\((.*)\);$", text.strip())
    return m.group(1), [a.strip() for a in m.group(3).split(",")]


@pytest.mark.parametrize("fn", ["vfs_write", "do_sys_open"])
def test_whatis_function(api, ref, fn):
    vi = api.whatis(fn)
    ti = vi.ti
    assert ti.stype == "(func)" and vi.ctype == "(func)"
    ret, args = _crash_args(ref["whatis " + fn])
    proto = ti.prototype
    assert len(proto) == len(args) + 1
    # gdb (so the original) named types without their qualifiers
    assert proto[0].typestr() == ret
    want = [a.replace("const ", "") for a in args]
    assert [t.typestr() for t in proto[1:]] == want
    assert api.funcargs(fn) == want
    assert vi.addr == api.sym2addr(fn)
    assert api.funcargs("init_task") is None


def test_type_reader_with_qualifiers(api):
    import crash
    r = crash.type_reader("const struct file *")
    assert r is crash.type_reader("struct file *")
    assert crash.type_reader("struct file const *") is r
    assert crash.type_reader("volatile int") is crash.type_reader("int")


# ------------------------------------------------------------ StructResult

def test_struct_getitem_and_explicit_getattr(api):
    t = api.readSymbol("init_task")
    fi = t["tasks"]
    assert fi.offset == api.member_offset("struct task_struct", "tasks")
    assert fi.ti.stype == "struct list_head"
    assert t.__getattr__("pid") == t.pid == 0
    with pytest.raises(KeyError):
        t.__getattr__("no_such_member")
    # integers still index arrays of structs
    assert int(t[1]) == int(t) + len(t)


def test_flexible_and_one_element_struct_arrays(api):
    import crash
    pid = api.readSymbol("init_struct_pid")
    numbers = pid.numbers            # struct upid numbers[] (flexible)
    assert isinstance(numbers, api.StructResult)
    assert numbers.PYT_symbol == "struct upid"
    assert int(numbers) == int(pid) + api.member_offset("struct pid",
                                                        "numbers")
    assert numbers.nr == 0
    one = crash.type_reader("struct list_head [1]").read(
        api.Addr(api.readSymbol("init_task"), "tasks"))
    assert isinstance(one, api.StructResult)
    two = crash.type_reader("struct list_head [2]").read(int(pid))
    assert isinstance(two, list) and len(two) == 2


def test_unsigned_chars_are_numbers(api, ref):
    """unsigned char arrays read as lists of ints, unsigned char * as a
    tPtr; plain char arrays stay strings."""
    dev = api.readSymbol("init_net").loopback_dev
    perm = dev.perm_addr
    assert isinstance(perm, list) and len(perm) == 32
    text = ref["p/x init_net.loopback_dev->perm_addr"]
    m = re.search(r"\{(.*)\}", text, re.S)
    assert m, text
    want = []
    for item in m.group(1).split(","):      # "0x0", "0x0 <repeats 32 times>"
        r = re.match(r"\s*(0x[0-9a-f]+)(?: <repeats (\d+) times>)?",
                     item)
        want += [int(r.group(1), 16)] * int(r.group(2) or 1)
    assert perm == want
    addr = dev.dev_addr
    assert isinstance(addr, api.tPtr)
    assert isinstance(addr.Deref, int)
    assert isinstance(api.readSymbol("init_task").comm, str)


def test_tptr_from_ptype(api):
    t = api.readSymbol("init_task")
    p = t.stack                                   # void *
    assert isinstance(p, api.tPtr)
    ti = p.ptype
    assert ti.ptrlev == 1 and ti.stype == "void"
    q = api.tPtr(int(p) + 8, ti)
    assert isinstance(q, api.tPtr) and int(q) == int(p) + 8
    assert q.ptype.stype == "void"
    # a pointer to int: Deref reads through the TypeInfo's reader
    u = api.readSymbol("init_net").loopback_dev.dev_addr
    v = api.tPtr(int(u), u.ptype)
    assert v.Deref == u.Deref


# -------------------------------------------------------------- symbols

def test_module_symbols(api, ref):
    syms = {}
    for line in ref["sym -m loop"].splitlines():
        m = re.match(r"^([0-9a-f]+) \((\w|\?)\) (\S+)$", line)
        if m:
            syms.setdefault(m.group(3), int(m.group(1), 16))
    assert "loop_exit" in syms and "lo_release" in syms
    for name in ("lo_release", "loop_exit", "loop_add"):
        assert api.sym2addr(name) == syms[name]
        assert api.addr2sym(syms[name]) == name
        assert api.addr2mod(syms[name]) == "loop"
    assert api.addr2sym(syms["lo_release"] + 3, 1) == ("lo_release", 3)
    assert api.addr2mod(api.sym2addr("init_task")) is None


def test_get_nsproxy_is_a_struct(api, ref):
    ns = api.get_nsproxy()
    assert isinstance(ns, api.StructResult)
    m = re.search(r"\(struct nsproxy \*\) (0x[0-9a-f]+)",
                  ref["p &init_nsproxy"])
    assert int(ns) == int(m.group(1), 16)
    assert int(ns.net_ns) == int(api.readSymbol("init_net"))


def test_full_buckets_pairs(api):
    init = api.readSymbol("init_task")
    start = api.Addr(init, "tasks")     # next, prev: two non-NULL
    assert api.getFullBucketsH(start, 8, 2) == [
        (0, int(init.tasks.next)), (1, int(init.tasks.prev))]
    assert api.getFullBuckets(start, 16, 1, 8) == [int(init.tasks.prev)]


# ------------------------------------------------------- pseudo-members

def test_struct_set_attr_offsets(api):
    ok = api.structSetAttr("struct task_struct", "Xsched",
                           ["no_such", "se.run_node"])
    assert ok is True
    off = api.member_offset("struct task_struct", "se") + \
        api.member_offset("struct sched_entity", "run_node")
    si = api.SUInfo("struct task_struct")
    assert si["Xsched"].offset == off
    assert api.member_offset("struct task_struct", "Xsched") == off
    t = api.readSymbol("init_task")
    assert int(t.Xsched) == int(t) + off
    assert t.hasField("Xsched")
    assert api.structSetAttr("struct task_struct", "Xnone",
                             ["no_such", "also.not"]) is False
    assert api.structSetAttr("struct no_such_struct", "X", "pid") is False


def test_pseudo_member_list_walk(api):
    """ListHead over a pseudo-member (LinuxDump's D_child)."""
    assert api.structSetAttr("struct task_struct", "Xtasks", "tasks")
    init = api.readSymbol("init_task")
    via_pseudo = api.ListHead(api.Addr(init, "tasks"),
                              "struct task_struct").Xtasks
    direct = api.ListHead(api.Addr(init, "tasks"),
                          "struct task_struct").tasks
    assert [int(t) for t in via_pseudo] == [int(t) for t in direct]
    assert len(direct) > 10


def test_pseudo_member_named_like_a_member(api):
    """A pseudo-member may take a real member's name: it hides the
    member and is evaluated without recursion."""
    assert api.structSetAttr("struct list_head", "next", "prev")
    init = api.readSymbol("init_task")
    lh = init.tasks
    raw_prev = api.readPtr(int(lh) + 8)
    assert int(lh.next) == raw_prev


def test_pseudo_member_through_pointer(api):
    assert api.structSetAttr("struct task_struct", "Xmmcount",
                             "mm.mm_count.counter")
    t = api.readSU("struct task_struct", api.pid_to_task(1))
    assert t.Xmmcount == t.mm.mm_count.counter
    # through a pointer it has no offset: not listed, no member_offset
    assert api.member_offset("struct task_struct", "Xmmcount") == -1
    # "": the struct itself
    assert api.structSetAttr("struct task_struct", "Xself", "")
    assert int(t.Xself) == int(t)


def test_attr_setter(api):
    s = api.AttrSetter("struct inet_sock", "struct tcp_sock",
                       "struct udp_sock")
    s.Xfamily = ["no_such", "sk.__sk_common.skc_family"]
    s.Xnothing = "no.such.chain"
    s.Xnet = ["SKC.skc_net.net", "SKC.skc_net"]
    assert s.Xfamily is True and s.Xnothing is False and s.Xnet is True
    # resolved in inet_sock, set on all three (they start with one)
    off = api.member_offset("struct inet_sock", "sk.__sk_common.skc_family")
    for sn in ("struct inet_sock", "struct tcp_sock", "struct udp_sock"):
        assert api.member_offset(sn, "Xfamily") == off
        assert api.SUInfo(sn)["Xfamily"].offset == off
    # SKC.: in struct sock_common, here through no pointer
    assert api.member_offset("struct tcp_sock", "Xnet") == \
        api.member_offset("struct sock_common", "skc_net")
    # a struct that does not exist: False
    bad = api.AttrSetter("struct no_such_struct")
    bad.x = "pid"
    assert bad.x is False
    # a function: computed from the struct
    fn = api.AttrSetter("struct task_struct")
    fn.Xpid2 = lambda t: t.pid * 2
    t = api.readSU("struct task_struct", api.pid_to_task(1))
    assert t.Xpid2 == 2


def test_cdefine_subclass(api):
    """LinuxDump's Tasks._CDefine skips CDefine.__init__ and sets the
    private reverse dict itself."""
    class _CDefine(api.CDefine):
        def __init__(self):
            d = {}
            dict.__init__(self, d)
            self.__dict__.update(d)
            self.__reversedict = {}
    c = _CDefine()
    c["TASK_RUNNING"] = 0
    c["TASK_INTERRUPTIBLE"] = 1
    assert c.TASK_INTERRUPTIBLE == 1
    assert c.value2key(1) == "TASK_INTERRUPTIBLE"
    assert c.value2key(7) is None


def test_gdb_passthrough(api, ref):
    """What programs ask gdb through exec_gdb_command (fregs.py's
    DisasmFlavor, Dev.py's x/s) answers as crash's gdb does."""
    for cmd in ("show disassembly-flavor", "show output-radix",
                "x/s linux_banner"):
        assert api.exec_gdb_command(cmd) == ref[cmd], cmd
    api.exec_gdb_command("set disassembly-flavor intel")
    assert '"intel"' in api.exec_gdb_command("show disassembly-flavor")
    api.exec_gdb_command("set disassembly-flavor att")
    api.exec_gdb_command("set output-radix 16")
    assert "is 16." in api.exec_gdb_command("show output-radix")
    api.exec_gdb_command("set output-radix 10")
    import crash
    with pytest.raises(crash.error):
        api.exec_gdb_command("set output-radix 7")


@pytest.mark.parametrize("cmd", ["x/40i schedule", "x/12i vfs_write+5",
                                 "x/3i do_sys_open"])
def test_gdb_x_insn(api, ref, cmd):
    """x/Ni (fregs.py's disasm()): gdb's lines, names after branch
    targets and rip-relative operands, from an address inside a function
    too; the flavor we cannot disassemble in is an error, not AT&T text
    under an intel label."""
    assert api.exec_gdb_command(cmd) == ref["gdb " + cmd]
    import crash
    api.exec_gdb_command("set disassembly-flavor intel")
    try:
        with pytest.raises(crash.error):
            api.exec_gdb_command(cmd)
    finally:
        api.exec_gdb_command("set disassembly-flavor att")


def test_pseudo_members_after_reopen(api, sample):
    """A pseudo-member is compiled for the open dump's types: after the
    dump is closed and opened again it is compiled anew (and kept no
    closed session alive meanwhile: make asan-python's leak check)."""
    assert api.structSetAttr("struct task_struct", "Xre",
                             ["no_such", "se.run_node"])
    off = api.member_offset("struct task_struct", "Xre")
    import pykdump
    pykdump.close()
    pykdump.open(str(sample / DUMP), str(sample.vmlinux))
    t = api.readSymbol("init_task")
    assert int(t.Xre) == int(t) + off
    assert api.member_offset("struct task_struct", "Xre") == off


# The commands the programs run through exec_crash_command / exec_bt.
PROGRAM_COMMANDS = ["bt", "foreach bt", "kmem", "ps", "mod", "waitq", "ipcs",
                    "timer", "dev", "dis", "files", "net", "sym", "tree",
                    "mount", "log", "sys", "runq", "struct", "rd"]


@pytest.mark.parametrize("cmd", PROGRAM_COMMANDS)
def test_refusal_is_an_error(api, cmd):
    """A command asked for what it does not do raises crash.error (as
    crash's failures do) and never returns its usage, or nothing, as if
    that were the answer (crashinfo read kmem -s's usage as 'SLAB
    corruption')."""
    import crash
    with pytest.raises(crash.error) as e:
        out = api.exec_crash_command(cmd + " -Z")
        print(out)
    # the command's own words, as crash's error() puts them in the
    # output the original's exec_crash_command captured
    name = cmd.split()[-1]
    assert "%s: invalid option -- 'Z'" % name in str(e.value)
    with pytest.raises(crash.error):
        api.exec_crash_command("no_such_command_" + name)
