# SPDX-License-Identifier: GPL-2.0-or-later
"""Backtraces (bt, foreach bt) on the sample against crash 8.0.6.

- every task crash unwinds: our frames (stack address, function, return
  address) and exception-frame registers equal crash's `foreach bt`;
- the panic task: crash finds `panic` by scanning and then jumps to the
  user-mode registers; ours must go from panic through sysrq_handle_crash
  to the syscall entry, contain crash's frames in order, and end with the
  same user registers;
- the task crash cannot unwind (the other CPU): each return address must
  follow a call instruction (the bytes before it read from memory by
  crash's rd) and each stack address must lie in that task's stack or one of
  the CPU stacks crash reports (hardirq_stack_ptr, cea_exception_stacks);
- bt -f / bt -l / bt PID errors as crash prints them.
"""
import re
import struct
import subprocess

import pytest

DUMP = "vmcore.kdump"
FRAME = re.compile(r"^\s*#(\d+) \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)")
HEADER = re.compile(r"^PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)")


def per_task(text):
    """{task address: [lines]} in output order (header line first)."""
    out, cur = {}, None
    for ln in text.splitlines():
        m = HEADER.match(ln)
        if m:
            cur = m.group(2)
            out[cur] = [ln]
        elif cur is not None and ln.strip():
            out[cur].append(ln)
    return out


def frames(lines):
    return [(m.group(2), m.group(3), m.group(4))
            for m in map(FRAME.match, lines) if m]


def regs(lines):
    return [ln for ln in lines if re.match(r"\s+(RIP|RAX|RDX|RBP|R10|R13|ORIG_RAX):", ln)]


# <pid WHO>: that task's pid on this boot, from crash's ps
SLEEPER = "<pid fixture-sleeper>"
BT = ["foreach bt", "bt", "bt -a", f"bt -f {SLEEPER}", f"bt -l {SLEEPER}",
      "bt -f 2", "bt -l 2", "bt 99999"]


@pytest.fixture(scope="module")
def both(crash):
    return crash.symbolic(BT + [
        "p hardirq_stack_ptr:a", "p cea_exception_stacks:a",
        "struct cea_exception_stacks", "sym init_stack", "sym __end_init_task",
        "sym _sinittext", "sym _einittext"], dump=DUMP)


@pytest.fixture(scope="module")
def ref(both):
    return both[1]


@pytest.fixture(scope="module")
def ours(pykdump, both):
    # "bt 99999" fails (no such pid): its status is checked on its own
    return {c: pykdump(both[0][c], dump=DUMP, check=c != "bt 99999")
            for c in BT}


def test_bt_bad_pid_fails(pykdump):
    r = pykdump.run(["bt 99999"], dump=DUMP)
    assert r.returncode != 0
    assert "invalid task or pid value: 99999" in r.stdout + r.stderr


def panic_task(ref):
    return per_task(ref["bt"]) and next(iter(per_task(ref["bt"])))


def crash_failed(lines):
    return not frames(lines) and any(ln.startswith("bt:") for ln in lines)


def test_foreach_bt_matches_crash(ref, ours, compare):
    theirs, mine = per_task(ref["foreach bt"]), per_task(ours["foreach bt"])
    assert list(mine) == list(theirs), "task order or set differs"
    panic = panic_task(ref)
    checked = 0
    for task, lines in theirs.items():
        if task == panic or crash_failed(lines):
            continue
        compare("\n".join(mine[task]), "\n".join(lines), what=f"bt of {task}")
        checked += 1
    assert checked >= len(theirs) - 2 and checked > 50


def test_panic_task(ref, ours):
    panic = panic_task(ref)
    theirs = per_task(ref["foreach bt"])[panic]
    mine = per_task(ours["foreach bt"])[panic]
    assert mine[0] == theirs[0]
    names = [f[1] for f in frames(mine)]
    assert "panic" in names and "sysrq_handle_crash" in names
    assert names.index("panic") < names.index("sysrq_handle_crash")
    assert names[-2:] == ["do_syscall_64", "entry_SYSCALL_64_after_hwframe"]
    # crash's frames (it stops after panic) appear in ours, in order
    it = iter(frames(mine))
    assert all(f in it for f in frames(theirs))
    assert regs(mine) == regs(theirs) and regs(mine)
    assert not [ln for ln in mine if ln.startswith("bt:")]
    # `bt` with no argument is the panic task, in both
    assert per_task(ours["bt"])[panic] == mine


def elf_text_reader(path):
    """Bytes at a link-time address of the vmlinux file (section headers
    parsed here, independently of pykdump)."""
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
    secs = []
    for i in range(shnum):
        _, typ, _, addr, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize)
        if typ == 1 and addr:
            secs.append((addr, off, size))

    def read(addr, n):
        for a, off, size in secs:
            if a <= addr and addr + n <= a + size:
                return data[off + addr - a: off + addr - a + n]
        raise KeyError(hex(addr))
    return read


def memory_bytes(crash, addrs):
    """8 bytes before each address, read from the dump's memory by crash
    (`rd -8`): the text as patched at boot (alternatives, paravirt), which
    the vmlinux file does not have."""
    cmds = {a: f"rd -8 {a - 8:x} 8" for a in addrs}
    out = crash(list(cmds.values()), dump=DUMP)
    res = {}
    for a, c in cmds.items():
        m = re.match(r"[0-9a-f]+:\s+((?:[0-9a-f]{2} ){7}[0-9a-f]{2})", out[c])
        assert m, out[c]
        res[a] = bytes(int(x, 16) for x in m.group(1).split())
    return res


def modrm_len(modrm, sib):
    mod, rm = modrm >> 6, modrm & 7
    if (modrm >> 3) & 7 != 2:
        return 0
    if mod == 3:
        return 2
    n = 2 + (rm == 4)
    if mod == 0 and rm == 4 and sib & 7 == 5:
        n += 4
    n += {0: 4 if rm == 5 else 0, 1: 1, 2: 4}[mod]
    return n


def follows_call(b):
    if b[3] == 0xE8:
        return True
    return any(b[8 - n] == 0xFF and modrm_len(b[9 - n], b[10 - n] if n > 2 else 0) == n
               for n in range(2, 8))


def hexes(text):
    return [int(x, 16) for x in re.findall(r"= (?:\$\d+ = )?\([^)]*\) (0x[0-9a-f]+)", text)]


def test_task_crash_cannot_unwind(ref, ours, crash, sample):
    theirs, mine = per_task(ref["foreach bt"]), per_task(ours["foreach bt"])
    failed = [t for t, lines in theirs.items() if crash_failed(lines)]
    assert failed, "crash unwinds every task now: compare them instead"
    thread_size = (int(ref["sym __end_init_task"].split()[0], 16)
                   - int(ref["sym init_stack"].split()[0], 16))
    cea_size = int(re.search(r"SIZE: (\d+)", ref["struct cea_exception_stacks"]).group(1))
    stacks = [(p + 8 - thread_size, p + 8) for p in hexes(ref["p hardirq_stack_ptr:a"])]
    stacks += [(p, p + cea_size) for p in hexes(ref["p cea_exception_stacks:a"])]
    assert len(stacks) == 4
    init = [int(ref[f"sym {s}"].split()[0], 16) for s in ("_sinittext", "_einittext")]
    elf = elf_text_reader(sample.vmlinux)
    crash_ras = {f[2] for lines in theirs.values() for f in frames(lines)}
    for task in failed:
        base = int(crash(f"struct task_struct.stack {task}", dump=DUMP)
                   [f"struct task_struct.stack {task}"].split("0x")[1].rstrip(",\n"), 16)
        own = (base, base + thread_size)
        fr = frames(mine[task])
        assert len(fr) >= 5, mine[task]
        assert not [ln for ln in mine[task] if ln.startswith("bt:")], mine[task]
        # init text is freed after boot (zeroed in the dump): its calls are
        # checked in the vmlinux file; the rest in memory, as patched
        # (return addresses crash itself reports for other tasks are
        # taken as checked: e.g. the one head_64.S pushes before lretq)
        ras = [int(ra, 16) for _, _, ra in fr[1:] if ra not in crash_ras]
        code = memory_bytes(crash, [a for a in ras if not init[0] <= a < init[1]])
        for a in ras:
            if init[0] <= a < init[1]:
                code[a] = elf(a - sample.kaslr_offset - 8, 8)
        for sp, _, ra in fr[1:]:
            sp = int(sp, 16)
            assert any(lo <= sp < hi for lo, hi in [own] + stacks), hex(sp)
        for ra in ras:
            assert follows_call(code[ra]), f"{ra:x} follows no call"
        assert len(ras) >= 5
        # frame 0 is where the registers were: on some known stack too
        assert any(lo <= int(fr[0][0], 16) < hi for lo, hi in [own] + stacks)


def test_bt_a_headers(ref, ours):
    assert [ln for ln in ours["bt -a"].splitlines() if HEADER.match(ln)] == \
        [ln for ln in ref["bt -a"].splitlines() if HEADER.match(ln)]


@pytest.mark.parametrize("cmd", [f"bt -f {SLEEPER}", f"bt -l {SLEEPER}",
                                 "bt -f 2", "bt -l 2", "bt 99999"])
def test_bt_options_match_crash(ref, ours, compare, cmd):
    compare(ours[cmd], ref[cmd], what=cmd)


def test_bt_other_formats(pykdump, ours):
    """The same backtraces from every dump format."""
    for dump in ("vmcore.elf", "vmcore.d31.zstd"):
        assert pykdump("foreach bt", dump=dump) == ours["foreach bt"]


def test_bt_through_shell(pykdump):
    out = subprocess.run([str(pykdump.bin), "--help"], capture_output=True,
                         text=True).stdout
    assert re.search(r"^\s+bt\s", out, re.M) and re.search(r"^\s+foreach\s", out, re.M)


def test_module_frames_named_as_crash(crash, sample):
    """Module text addresses named by bt's code path (kd_unwind_frame_symbol
    + the frame printer, through tests/tools/btframe: no stack in the
    sample holds a module frame) as crash names them: `sym ADDR` gives
    name+off [module], and bt prints "func at addr [module]" (-s:
    func+off).  Addresses: a few bytes into every text symbol of every
    loaded module (crash's `sym -m`), and a vmlinux one."""
    import os
    from pathlib import Path
    build = Path(os.environ.get("PYKDUMP_BUILD",
                                Path(__file__).parents[2] / "build"))
    tool = build / "tests/tools/btframe"
    assert tool.exists(), f"{tool} not built"
    mods = re.findall(r"^[0-9a-f]+\s+(\S+)\s+[0-9a-f]+\s+\d+",
                      crash(["mod"], dump=DUMP)["mod"], re.M)
    assert len(mods) >= 3
    syms = crash([f"sym -m {m}" for m in mods], dump=DUMP)
    addrs = []
    for m in mods:
        text = re.findall(r"^([0-9a-f]+) \([tT]\) (\S+)$", syms[f"sym -m {m}"],
                          re.M)
        assert text, f"crash lists no text symbols for {m}"
        addrs += sorted({f"{int(a, 16) + 3:x}" for a, _ in text})
    sched = crash(["sym schedule"], dump=DUMP)["sym schedule"]
    addrs.append(f"{int(sched.split()[0], 16) + 3:x}")
    ref = crash([f"sym {a}" for a in addrs], dump=DUMP)
    out = subprocess.run([str(tool), str(sample.vmlinux),
                          str(sample.dump(DUMP))] + addrs,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 2 * len(addrs)
    for i, a in enumerate(addrs):
        m = re.match(r"^[0-9a-f]+ \(.\) (\S+?)(\+(\d+))?( \[(\S+)\])?(\s.*)?$",
                     ref[f"sym {a}"])
        assert m, ref[f"sym {a}"]
        name, off, mod = m.group(1), m.group(3), m.group(5)
        tail = f" at {int(a, 16):016x}" + (f" [{mod}]" if mod else "")
        assert lines[2 * i] == f" #0 [{0:016x}] {name}{tail}"
        plus = f"+{off}" if off else ""
        assert lines[2 * i + 1] == f" #0 [{0:016x}] {name}{plus}{tail}"


def test_sym_module_addresses_match_crash(crash, pykdump, compare):
    """`sym ADDR` a few bytes into (and at) every module text symbol: the
    same name as crash, also where two symbols share an address (crash
    names an exact address by the first, an address past it by the last:
    loop_exit, cleanup_module+3) and for GCC clones (.isra./.part. cut)."""
    mods = re.findall(r"^[0-9a-f]+\s+(\S+)\s+[0-9a-f]+\s+\d+",
                      crash(["mod"], dump=DUMP)["mod"], re.M)
    syms = crash([f"sym -m {m}" for m in mods], dump=DUMP)
    addrs = []
    for m in mods:
        for a in sorted(set(re.findall(r"^([0-9a-f]+) \([tT]\) ",
                                       syms[f"sym -m {m}"], re.M))):
            addrs += [a, f"{int(a, 16) + 3:x}"]
    cmds = [f"sym {a}" for a in addrs]
    ref = crash(cmds, dump=DUMP)
    ours = pykdump(cmds, dump=DUMP)
    compare(ours, "".join(ref[c] for c in cmds), what="sym ADDR (modules)")
