# SPDX-License-Identifier: GPL-2.0-or-later
"""pykdump triage's panic kinds from the kernel's own panic messages,
including the kinds no scenario dump plants (WARN with panic_on_warn,
BUG(), hard lockup, machine check): the message panic() printed and the
log lines before it, as the kernels print them (kernel/panic.c,
kernel/watchdog*.c, kernel/hung_task.c, mm/oom_kill.c,
arch/x86/kernel/cpu/mce/core.c, arch/x86/kernel/dumpstack.c)."""

import pytest

from pykdump import triage

OOPS_LOG = ["BUG: kernel NULL pointer dereference, address: 0000000000000000",
            "#PF: supervisor read access in kernel mode",
            "Oops: 0000 [#1] PREEMPT SMP PTI"]
BUG_LOG = ["------------[ cut here ]------------",
           "kernel BUG at mm/slub.c:432!",
           "invalid opcode: 0000 [#1] PREEMPT SMP PTI"]


@pytest.mark.parametrize("msg,before,kind", [
    ("sysrq triggered crash", [], "sysrq"),
    (None, ["sysrq: Trigger a crash"], "sysrq"),
    (None, ["SysRq : Trigger a crash"], "sysrq"),
    ("Fatal exception", OOPS_LOG, "oops"),
    ("Fatal exception in interrupt", OOPS_LOG, "oops"),
    ("Fatal exception", ["BUG: unable to handle page fault for address: "
                         "0000000000001000"], "oops"),
    ("Fatal exception", BUG_LOG, "bug"),
    ("panic_on_warn set ...", ["WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2"],
     "warn"),
    ("kernel: panic_on_warn set ...", [], "warn"),
    ("UBSAN: panic_on_warn set ...", [], "warn"),
    ("softlockup: hung tasks", [], "soft_lockup"),
    ("Hard LOCKUP", [], "hard_lockup"),
    ("Watchdog detected hard LOCKUP on cpu 3", [], "hard_lockup"),
    ("hung_task: blocked tasks", [], "hung_task"),
    ("Out of memory: system-wide panic_on_oom is enabled", [], "oom"),
    ("Out of memory: compulsory panic_on_oom is enabled", [], "oom"),
    ("Out of memory and no killable processes...", [], "oom"),
    ("System is deadlocked on memory", [], "oom"),
    ("Fatal machine check", ["mce: [Hardware Error]: CPU 0: Machine Check"],
     "mce"),
    ("Fatal local machine check", [], "mce"),
    ("Machine check from unknown source", [], "mce"),
    ("Timeout: Not all CPUs entered broadcast exception handler", [], "mce"),
    ("VFS: Unable to mount root fs on unknown-block(0,0)", [], "panic"),
    ("Attempted to kill init! exitcode=0x00000009", [], "panic"),
    (None, ["nothing of note"], "unknown"),
])
def test_panic_kind(msg, before, kind):
    assert triage._classify(msg, before) == kind
