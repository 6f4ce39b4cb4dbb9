# SPDX-License-Identifier: GPL-2.0-or-later
"""System commands (mod, files, mount, net, dev, runq, timer) on the sample
against crash 8.0.6, line by line after collapsing blanks.

The sample (see its MANIFEST): PID 1 (init) panicked via sysrq-c with
/proc/sysrq-trigger open; fixture-sleeper holds
/tmp/fixture-open-file open twice on the fixture tmpfs; the modules
qemu_fw_cfg, dummy and loop are loaded; fixture-dummy0 has an IPv4 and
an IPv6 address.
"""
import re

import pytest

DUMP = "vmcore.kdump"
# <pid WHO> / <task WHO>: that task's pid / address on this boot, from
# crash's ps (pids and addresses change from boot to boot)
SLEEPER = "<pid fixture-sleeper>"
CMDS = ["mod", "files", "files 1", f"files {SLEEPER}", "files 0",
        "files <task fixture-sleeper>", "files 99999", "mount", "net", "dev",
        "runq", "timer"]


@pytest.fixture(scope="module")
def both(crash):
    return crash.symbolic(CMDS, dump=DUMP)


@pytest.fixture(scope="module")
def run(both):
    """{command as listed: command as run}"""
    return both[0]


@pytest.fixture(scope="module")
def ref(both):
    return both[1]


@pytest.fixture(scope="module")
def ours(pykdump, run):
    """our output, then our error stream (files 99999 fails)"""
    out = {}
    for c, r in run.items():
        p = pykdump.run(r, dump=DUMP)
        out[c] = p.stdout + p.stderr
    return out


@pytest.mark.parametrize("cmd", CMDS)
def test_matches_crash(cmd, ref, ours, compare):
    compare(ours[cmd], ref[cmd], what=cmd)


def test_task_address_form(run, ref, compare):
    """`files TASK` is the same task as `files PID` (crash says so too)."""
    task = run["files <task fixture-sleeper>"].split()[1]
    assert re.search(rf"TASK: {task}\b", ref[f"files {SLEEPER}"])
    assert compare.normalize(ref["files <task fixture-sleeper>"]) == \
        compare.normalize(ref[f"files {SLEEPER}"])


# Members only some kernels have: hidden (PYKDUMP_HIDE_MEMBERS makes them
# absent, as on a kernel without them), the command takes its other way
# and must still agree with crash.
#   char_device_struct.cdev  every major's cdev is looked up in cdev_map
#                            (an absent member once made dev read the
#                            byte before the struct);
#   file.f_inode             the inode comes from the dentry (before 3.9);
#   task_struct.cpu          the CPU from thread_info.cpu (before 5.16).
HIDDEN = [("dev", "struct char_device_struct.cdev"),
          ("files 1", "struct file.f_inode"),
          ("files 0", "struct task_struct.cpu")]


@pytest.mark.parametrize("cmd,hide", HIDDEN)
def test_matches_crash_without_members(cmd, hide, ref, pykdump, compare):
    r = pykdump.run(cmd, dump=DUMP, env={"PYKDUMP_HIDE_MEMBERS": hide})
    assert r.returncode == 0, r.stdout + r.stderr
    compare(r.stdout, ref[cmd], what=f"{cmd} without {hide}")


def test_hidden_members_are_absent(pykdump):
    """The switch the test above relies on works: a member a command
    cannot do without, hidden, gives the command's error, not output."""
    r = pykdump.run("runq", dump=DUMP,
                    env={"PYKDUMP_HIDE_MEMBERS": "struct rq.curr"})
    assert "runq: unknown struct rq / scheduler layout" in r.stderr
    assert "RUNQUEUE" not in r.stdout and r.returncode == 1


def test_fixture_facts_present(ours):
    """The sample's fixtures are visible (guards against comparing two
    empty outputs)."""
    assert "/tmp/fixture-open-file" in ours[f"files {SLEEPER}"]
    assert "/proc/sysrq-trigger" in ours["files 1"]
    assert re.search(r"tmpfs\s+fixture-tmpfs\s+/tmp", ours["mount"])
    assert "fixture-dummy0 10.99.0.1, fe80::" in ours["net"]
    for mod in ("qemu_fw_cfg", "dummy", "loop"):
        assert re.search(rf"^[0-9a-f]{{16}}\s+{mod}\s", ours["mod"], re.M)
    assert re.search(r"^\s+7\s+loop\s+[0-9a-f]{16}\s+lo_fops$", ours["dev"],
                     re.M), "module symbol (lo_fops) not resolved"
    assert ours["timer"].count("TIMER_BASES[") == 4
    assert "<process_timeout>" in ours["timer"]


def test_bad_input_keeps_going(pykdump):
    """An invalid pid and a bad option print crash's messages and the
    next command still runs; errors and the usage after them go to
    stderr, and the exit status reports that one failed."""
    r = pykdump.run(["files 99999", "mount -x", "mod"], dump=DUMP)
    assert "files: invalid task or pid value: 99999" in r.stderr
    assert "Enter \"help mount\" for details." in r.stderr
    assert "mount: invalid option -- 'x'" in r.stderr
    assert "qemu_fw_cfg" in r.stdout and "invalid" not in r.stdout
    assert r.returncode == 1
    r = pykdump.run(["mod", "files 99999"], dump=DUMP)
    assert r.returncode != 0
