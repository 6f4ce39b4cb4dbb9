# SPDX-License-Identifier: GPL-2.0-or-later
"""bt options (issue 17 item 4) against crash 8.0.6 on the sample.

BT_SAME: tasks crash unwinds (kthreadd, the sleeper): -t -T -e -r -o -s
-sx -sd -x -d -l -f -R -g -v give crash's lines exactly.  The panic task:
our frame 0 is where the CPU was (delay_tsc, from its saved registers)
while crash starts at panic, so -t differs in its START line only and -o
by that one frame.  The CPU stopped by the reboot IPI: crash cannot
unwind it ("invalid size request ... read of stack failed"); ours shows
the IRQ stack and the [exception RIP: ...] block of the interrupted idle
loop, checked against crash's own view of that CPU (its idle task, its
IRQ stack base, the pt_regs words it reads with rd).
"""
import re

import pytest

DUMP = "vmcore.elf"
SEP = "eval 0x5eb5eb5eb5eb5eb"
SEP_RE = r"hexadecimal: 5eb5eb5eb5eb5eb.*\n.*\n.*\n.*binary: .*\n"
SLEEPER = "<pid fixture-sleeper>"
WORKER = "<pid fixture-worker>"

BT_SAME = [
    "bt -t 2", "bt -T 2", "bt -e 2", "bt -r 2", "bt -o 2", "bt -s 2",
    "bt -sx 2", "bt -sd 2", "bt -x 2", "bt -d 2", "bt -l 2", "bt -f 2",
    "bt -R schedule 2", "bt -R kthreadd 2", "bt -v", "bt -e",
    f"bt -t {SLEEPER}", f"bt -T {SLEEPER}", f"bt -e {SLEEPER}",
    f"bt -o {SLEEPER}", f"bt -r {SLEEPER}", f"bt -g {WORKER}",
    f"bt -sx {SLEEPER}", "bt -g 2",
]
PANIC = ["bt -t", "bt -o", "bt", "bt -a", "bt -c 0", "bt -c 1", "bt -c 0,1",
         "bt -c 0-1", "bt -E", "bt -g"]
HEADER = re.compile(r"^PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)")
FRAME = re.compile(r"^\s*#\d+ \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)")


def run_ours(pykdump, cmds):
    argv = []
    for c in cmds:
        argv += [c, SEP]
    out = pykdump.run(argv, dump=DUMP).stdout
    parts = re.split(SEP_RE, out)
    assert len(parts) == len(cmds) + 1, out[-3000:]
    return dict(zip(cmds, parts))


@pytest.fixture(scope="module")
def both(crash, pykdump):
    run, ref = crash.symbolic(BT_SAME + PANIC, dump=DUMP)
    ours = run_ours(pykdump, [run[c] for c in BT_SAME + PANIC])
    return ref, {c: ours[run[c]] for c in BT_SAME + PANIC}


@pytest.mark.parametrize("cmd", BT_SAME)
def test_bt_option_matches_crash(both, compare, cmd):
    ref, ours = both
    compare(ours[cmd], ref[cmd], what=cmd)


def headers(text):
    return [HEADER.match(ln).groups() for ln in text.splitlines()
            if HEADER.match(ln)]


@pytest.mark.parametrize("cmd", ["bt -c 0", "bt -c 1", "bt -c 0,1",
                                 "bt -c 0-1", "bt -a", "bt -g"])
def test_bt_selects_crash_tasks(both, cmd):
    """-c / -a / -g choose the tasks crash chooses (their trace may be one
    crash cannot unwind: see test_ipi_cpu_exception_block)."""
    ref, ours = both
    mine, theirs = headers(ours[cmd]), headers(ref[cmd])
    if cmd.startswith("bt -c "):
        # crash's -c stops at the first CPU it cannot unwind (the one the
        # reboot IPI stopped: "read of stack failed"): when that CPU comes
        # first (the panic on CPU 1), the rest is missing.  The tasks are
        # those crash's bt -a shows for these CPUs, in CPU order.
        spec = cmd.split()[2]
        lo, _, hi = spec.partition("-")
        cpus = ({str(c) for c in range(int(lo), int(hi) + 1)} if hi else
                set(spec.split(",")))
        assert mine[:len(theirs)] == theirs
        assert mine == [h for h in headers(ref["bt -a"]) if h[2] in cpus]
    else:
        assert mine == theirs


def test_bt_t_panic_task(both, compare):
    """The words on the stack are crash's; START names where the CPU
    was (delay_tsc in panic's delay loop, the saved RIP), not crash's
    guess (panic, found on the stack)."""
    ref, ours = both
    allow = [compare.Known(ref=r"^START: panic at ", ours=r"^START: delay_tsc at ",
                           reason="START is the saved RIP, in delay_tsc")]
    compare(ours["bt -t"], ref["bt -t"], allow=allow, what="bt -t")


def test_bt_o_panic_task(both):
    """-o: crash's return addresses, after our frame 0 at the saved RIP."""
    ref, ours = both
    ofr = [FRAME.match(ln).groups() for ln in ours["bt -o"].splitlines()
           if FRAME.match(ln)]
    rfr = [FRAME.match(ln).groups() for ln in ref["bt -o"].splitlines()
           if FRAME.match(ln)]
    assert ofr[0][1] == "delay_tsc" and ofr[1:] == rfr
    assert ours["bt -o"].splitlines()[-7:] == ref["bt -o"].splitlines()[-7:]


def test_ipi_cpu_exception_block(both, crash):
    """The CPU stopped by the reboot IPI (the one not panicking): crash
    fails; ours must leave its IRQ stack through asm_sysvec_reboot and
    show crash's exception-frame block for the interrupted context, whose
    registers are the pt_regs words on the idle task's stack (read by
    crash's rd) and whose RIP is in the idle loop."""
    ref, ours = both
    cpus = {h[2]: h for h in headers(ref["bt -a"])}
    panic_cpu = headers(ref["bt"])[0][2]
    other = next(c for c in cpus if c != panic_cpu)
    text = ours[f"bt -c {other}"] if f"bt -c {other}" in ours else None
    assert text, ours.keys()
    ref_text = ref[f"bt -c {other}"]
    assert "read of stack" in ref_text or "invalid size request" in ref_text, \
        "crash unwinds this CPU now: compare the trace line by line"
    lines = text.splitlines()
    assert any(" --- <IRQ stack> ---" == ln for ln in lines), text
    i = next(k for k, ln in enumerate(lines) if "asm_sysvec_reboot" in ln)
    assert re.match(r"\s+\[exception RIP: \w+\+\d+\]", lines[i + 1]), text
    rip = int(re.search(r"RIP: ([0-9a-f]+)", lines[i + 2]).group(1), 16)
    rsp = int(re.search(r"RSP: ([0-9a-f]+)", lines[i + 2]).group(1), 16)
    # the registers are the pt_regs that ends where RSP and SS were saved
    ptregs = rsp - 168  # sizeof(struct pt_regs) on x86_64, a constant
    words = crash.alone(f"rd -x -64 {ptregs:x} 21", dump=DUMP)
    vals = []
    for ln in words.splitlines():
        vals += [int(w, 16) for w in ln.split(":", 1)[1].split()]
    assert rip in vals[:21] and rsp in vals[:21], (hex(rip), words)
    sym = crash.alone(f"sym {rip:x}", dump=DUMP)
    assert re.search(r"(native_safe_halt|default_idle|mwait|idle)", sym), sym


def test_bt_E_stacks(both):
    """-E: crash lists each CPU's IRQ stack and exception stacks until it
    trips on one ("(unknown) EXCEPTION STACK", "unrecognized stack
    address"); ours lists the same stacks first, then all the others."""
    ref, ours = both
    rl = [ln for ln in ref["bt -E"].splitlines() if ln.strip()]
    cut = next((i for i, ln in enumerate(rl) if "(unknown)" in ln), len(rl))
    ol = [ln for ln in ours["bt -E"].splitlines() if ln.strip()]
    assert ol[:cut] == rl[:cut]
    assert all(re.match(r"CPU \d+ .* STACK:$", ln) or ln == "(none found)" or
               ln.startswith(("  ", "    ")) for ln in ol), ol


@pytest.mark.parametrize("cmd,words", [
    ("bt -F", ["-F", "not supported"]),
    ("bt -n idle -a", ["-n", "not supported"]),
    ("bt -c 9", ["invalid cpu specification"]),
    ("bt -t -e", ["exclude"]),
    ("bt -sx -d", ["mutually exclusive"]),
    ("bt -q", ["invalid option"]),
    ("bt -c", ["-c", "argument"]),
])
def test_bt_errors(pykdump, cmd, words):
    r = pykdump.run([cmd], dump=DUMP)
    text = r.stdout + r.stderr
    assert r.returncode != 0, text
    for w in words:
        assert w in text, (w, text)
