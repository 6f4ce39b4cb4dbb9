# SPDX-License-Identifier: GPL-2.0-or-later
"""Task and log commands (sys, ps, task, log, kmem -i) on the sample
against crash 8.0.6 at test time, line by line after collapsing blanks.

The sample (see its MANIFEST): 2 CPUs, PID 1 (init) panicked via sysrq-c
(on either CPU, depending on the boot); fixture-sleeper / fixture-worker processes and their sleep
children; the marker line PYKDUMP-FIXTURE-MARKER in the kernel log.
Both a filtered kdump and the ELF dump are checked.
"""
import os
import re

import pytest

# <pid WHO> / <task WHO>: that task's pid / address on this boot, from
# crash's ps (pids and addresses change from boot to boot)
SLEEPER = "<pid fixture-sleeper>"
CMDS = ["sys", "ps", "ps -k", "ps -u", "ps -G", "ps 1", "ps sleep",
        f"ps 1 {SLEEPER}", "ps <task fixture-sleeper>", "log", "log -T",
        "log -m", "kmem -i", "task", "task 1", f"task {SLEEPER}"]
DUMPS = ["vmcore.kdump", "vmcore.elf"]
# crash-ref runs crash with TZ=UTC unless TZ is set; so do we
ENV = {"TZ": os.environ.get("TZ", "UTC")}


@pytest.fixture(scope="module")
def run(crash):
    """{dump: {command as listed: command as run}}"""
    return {d: {c: crash.resolve(c, d) for c in CMDS} for d in DUMPS}


@pytest.fixture(scope="module")
def ref(crash, run):
    crash.prefetch([(list(run[d].values()), d) for d in DUMPS])
    return {d: crash.symbolic(CMDS, dump=d)[1] for d in DUMPS}


@pytest.fixture(scope="module")
def ours(pykdump, run):
    out = {}
    for d in DUMPS:
        r = pykdump.run(CMDS[:1], dump=d, env=ENV)
        assert r.returncode == 0, r.stderr
        out[d] = {c: pykdump.run([r_], dump=d, env=ENV).stdout
                  for c, r_ in run[d].items()}
    return out


def allow_for(cmd, dump, compare):
    K = compare.Known
    allow = []
    if cmd == "sys":
        allow += [K(ref=rf"^{k}: \S*{n}( |$)", ours=rf"^{k}: \S*{n}( |$)",
                    reason="crash-ref gives crash base names; we are given "
                    "absolute paths (the rest of the line is checked in "
                    "test_sys_paths)")
                  for k, n in (("KERNEL", "vmlinux"),
                               ("DUMPFILE", re.escape(dump)))]
    return allow


@pytest.mark.parametrize("dump", DUMPS)
@pytest.mark.parametrize("cmd", CMDS)
def test_matches_crash(cmd, dump, ref, ours, compare):
    compare(ours[dump][cmd], ref[dump][cmd], allow=allow_for(cmd, dump, compare),
            what=f"{cmd} on {dump}")


@pytest.mark.parametrize("dump", DUMPS)
def test_sys_paths(dump, ref, ours):
    """KERNEL and DUMPFILE: same file names and the same [flags]."""
    for key in ("KERNEL", "DUMPFILE"):
        want = re.search(rf"^\s*{key}: (\S+)(.*)$", ref[dump]["sys"], re.M)
        got = re.search(rf"^\s*{key}: (\S+)(.*)$", ours[dump]["sys"], re.M)
        assert want and got, key
        assert os.path.basename(got.group(1)) == want.group(1)
        assert got.group(2).split() == want.group(2).split(), key
    assert ("[PARTIAL DUMP]" in ours[dump]["sys"]) == (dump != "vmcore.elf")


def test_fixture_facts(ours):
    """The sample's facts are visible (guards against two empty outputs
    comparing equal)."""
    o = ours["vmcore.kdump"]
    assert "PYKDUMP-FIXTURE-MARKER" in o["log"]
    assert re.search(r"^\s+PANIC: \"Kernel panic - not syncing: sysrq "
                     r"triggered crash\"$", o["sys"], re.M)
    init = re.search(r"^>\s+1\s+0\s+(\d+)\s+[0-9a-f]{16}\s+RU\s.*\sinit$",
                     o["ps"], re.M)
    assert init
    cpu = init.group(1)     # the panic CPU: its idle task is not active
    assert re.search(rf"^\s+0\s+0\s+{cpu}\s+[0-9a-f]{{16}}\s+RU\s.*"
                     rf"\[swapper/{cpu}\]$", o["ps"], re.M)
    assert len(re.findall(r"fixture-worker$", o["ps"], re.M)) == 2
    assert "[kthreadd]" in o["ps -k"] and "init" not in o["ps -k"]
    assert "[kthreadd]" not in o["ps -u"]
    assert re.search(r"^\s+TOTAL MEM\s+\d+\s", o["kmem -i"], re.M)
    assert o["task"].startswith('PID: 1 ')
    assert "struct task_struct {" in o[f"task {SLEEPER}"]
    assert "<4>" in o["log -m"] and re.search(r"^\[\w{3} \w{3} [ \d]\d ",
                                              o["log -T"], re.M)


def test_errors(pykdump):
    """Bad input prints crash-style messages on stderr, the shell keeps
    going and the exit status says whether any command failed."""
    r = pykdump.run(["ps 99999", "task 99999", "kmem -c", "log -z", "sys"],
                    dump="vmcore.kdump", env=ENV)
    assert "ps: invalid task or pid value: 99999" in r.stderr
    assert "task: invalid task or pid value: 99999" in r.stderr
    assert "kmem: -c option not supported or applicable" in r.stderr
    assert re.search(r"^Usage:\n  log \[", r.stderr, re.M), r.stderr
    assert re.search(r"RELEASE: \d+\.\d+\.\d+", r.stdout), r.stdout
    assert "invalid" not in r.stdout
    assert r.returncode == 1
    r = pykdump.run(["sys", "task 99999"], dump="vmcore.kdump", env=ENV)
    assert r.returncode != 0


def test_struct_task_struct_matches_crash(crash, pykdump, compare):
    """`struct task_struct ADDR` of the panic task as crash prints it,
    thread.fpu included: gdb cuts a char array (__padding) after 256
    characters with "...", escapes a digit after an octal escape
    ("\\000\\066"), and prints the flexible u8 extended_state_area as
    its address and the string there."""
    ps = crash(["ps 1"], dump="vmcore.kdump")["ps 1"]
    task = re.search(r"^>?\s*1\s+0\s+\d+\s+([0-9a-f]{16})\s", ps, re.M).group(1)
    cmd = f"struct task_struct {task}"
    ref = crash([cmd], dump="vmcore.kdump")[cmd]
    assert re.search(r'^\s+__padding = ".*"\.\.\.,?$', ref, re.M)
    assert re.search(r'^\s+extended_state_area = 0x[0-9a-f]+ ".*"$', ref,
                     re.M)
    compare(pykdump([cmd], dump="vmcore.kdump"), ref, what=cmd)
