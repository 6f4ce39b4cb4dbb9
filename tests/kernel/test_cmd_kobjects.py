# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel-object commands on the sample against crash 8.0.6: irq, ipcs,
waitq and sig, line by line after collapsing blanks.

The sample: two CPUs, the legacy IRQs (timer, i8042, ttyS0, rtc0, acpi)
on the IO-APIC; no System V IPC objects; kthreads sleeping on their
wait queues (oom_reaper, kauditd); fixture-sleeper (a busybox shell)
waiting for its sleep child on its signal_struct's wait_chldexit.
"""
import re

import pytest

DUMP = "vmcore.kdump"
SLEEPER = "<pid fixture-sleeper>"
CMDS = ["irq", "irq -u", "irq -s", "irq -s -c 1", "irq -s -c 0,1",
        "irq -a", "irq -b", "irq 0 1 4 16", "irq 99999",
        "ipcs", "ipcs -s", "ipcs -m", "ipcs -M", "ipcs -q",
        "ipcs -n 1", "ipcs 0", "ipcs -m 1",
        "waitq oom_reaper_wait", "waitq kauditd_wait",
        "waitq khugepaged_wait", "waitq log_wait", "waitq nosuchsym",
        "waitq task_struct.nosuch 1234", "waitq task_struct.signal",
        "waitq 0", "waitq 1234", "sym kauditd_wait",
        "sig", "sig 1", "sig 0", "sig -g 0", "sig 2", f"sig {SLEEPER}",
        f"sig -g {SLEEPER}", "sig <task fixture-sleeper>", "sig 1 2",
        "sig -l", "sig -s 800A000000000201", "sig -s 0",
        "sig -s ffffffffffffffff", "sig 99999", "sig abc", "sig -R x"]

# Where crash says nothing (or is wrong): what we print, and why.
KNOWN = {
    "waitq 0": (None, r"^waitq: 0: not a kernel virtual address$",
                "crash prints nothing at all for an address outside the "
                "kernel; we say why there is no answer"),
    "waitq 1234": (None, r"^waitq: 1234: not a kernel virtual address$",
                   "the same"),
    "irq 99999": (r"^irq: invalid IRQ value: 99999 \(\d+ max\)$",
                  r"^irq: invalid IRQ value: 99999 \(\d+ max\)$",
                  "crash prints the column header before the error"),
}


@pytest.fixture(scope="module")
def both(crash):
    return crash.symbolic(CMDS, dump=DUMP)


@pytest.fixture(scope="module")
def ours(pykdump, both):
    return {c: pykdump.run([r], dump=DUMP, merge=True)
            for c, r in both[0].items()}


def allow_for(cmd, compare):
    k = KNOWN.get(cmd)
    if not k:
        return []
    allow = [compare.Known(ref=k[0], ours=k[1], reason=k[2])]
    if cmd == "irq 99999":
        allow.append(compare.Known(ref=r"^IRQ IRQ_DESC/_DATA IRQACTION NAME$",
                                   reason="crash's header before the error"))
    return allow


@pytest.mark.parametrize("cmd", CMDS)
def test_matches_crash(cmd, both, ours, compare):
    compare(ours[cmd].stdout, both[1][cmd], allow=allow_for(cmd, compare),
            what=cmd)


def test_waitq_struct_member_and_address(crash, pykdump, both, compare):
    """waitq STRUCT.MEMBER ADDR: the shell waiting for its child, on its
    signal_struct (the address from crash's sig); waitq ADDR: kauditd's
    wait queue by its address (from crash's sym)."""
    sig = re.search(r"^SIGNAL_STRUCT: ([0-9a-f]+) ",
                    both[1][f"sig {SLEEPER}"], re.M).group(1)
    kauditd = both[1]["sym kauditd_wait"].split()[0]
    cmds = [f"waitq signal_struct.wait_chldexit {sig}", f"waitq {kauditd}"]
    ref = crash(cmds, dump=DUMP)
    outs = {c: pykdump([c], dump=DUMP) for c in cmds}
    for c in cmds:
        compare(outs[c], ref[c], what=c)
    assert re.search(r'^PID: \d+\s+TASK: [0-9a-f]{16}\s+CPU: \d+\s+'
                     r'COMMAND: "fixture-sleeper"$', outs[cmds[0]], re.M)
    assert '"kauditd"' in outs[cmds[1]]


def test_facts(ours):
    """What the comparisons rely on is there."""
    assert re.search(r'^\s+4\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+"ttyS0"$',
                     ours["irq"].stdout, re.M)
    assert re.search(r"^\s+0:\s+\d+\s+\d+\s+IO-APIC-edge\s+timer$",
                     ours["irq -s"].stdout, re.M)
    assert "<net_rx_action>" in ours["irq -b"].stdout
    assert '"oom_reaper"' in ours["waitq oom_reaper_wait"].stdout
    assert "(SA_RESTORER)" in ours[f"sig {SLEEPER}"].stdout
    assert ours["ipcs"].stdout.count("(none allocated)") == 3


def test_errors_keep_going(pykdump):
    """Bad input: an error each, non-zero status, the next one runs."""
    r = pykdump.run(["irq -d", "irq -c 1", "irq x", "ipcs -Z", "ipcs zz",
                     "ipcs -n 99999", "waitq", "waitq a b c",
                     "sig -s zz", "sig -Z", "irq 4"], dump=DUMP)
    out = r.stdout + r.stderr
    for msg in ("irq: option -d (the interrupt descriptor table) is not "
                "supported", "irq: -c is only usable with -s",
                "irq: invalid IRQ value: x", "ipcs: invalid option -- 'Z'",
                "ipcs: invalid id or address: zz",
                "ipcs: invalid task or pid value: 99999",
                "waitq: a wait queue is required",
                "sig: invalid sigset: zz", "sig: invalid option -- 'Z'"):
        assert msg in out, msg
    assert re.search(r'"ttyS0"\n\Z', r.stdout)
    assert r.returncode == 1     # some command failed


def test_help(pykdump):
    """help documents each of issue 16's commands (a SYNOPSIS line with
    the command's name, then what it shows)."""
    cmds = ["vm", "swap", "dis", "search", "ptov", "btop", "ptob", "vtop",
            "rd", "irq", "ipcs", "waitq", "sig"]
    out = pykdump([f"help {c}" for c in cmds], dump=DUMP)
    for c in cmds:
        assert re.search(rf"^NAME\n  {c} - .+\n\nSYNOPSIS\n  {c}\b", out,
                         re.M), c
