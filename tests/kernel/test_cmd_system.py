# SPDX-License-Identifier: GPL-2.0-or-later
"""System commands (mod, files, mount, net, dev, runq, timer) on the sample
against crash 8.0.6, line by line after collapsing blanks.

The sample (see its MANIFEST): PID 1 (init) panicked via sysrq-c with
/proc/sysrq-trigger open; fixture-sleeper (PID 103) holds
/tmp/fixture-open-file open twice on the fixture tmpfs; the modules
qemu_fw_cfg, dummy and loop are loaded; fixture-dummy0 has an IPv4 and
an IPv6 address.
"""
import re

import pytest

DUMP = "vmcore.kdump"
CMDS = ["mod", "files", "files 1", "files 103", "files 0",
        "files ffff8974029e3000", "files 99999", "mount", "net", "dev",
        "runq", "timer"]


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CMDS, dump=DUMP)


@pytest.fixture(scope="module")
def ours(pykdump):
    return {c: pykdump(c, dump=DUMP, check=False) for c in CMDS}


@pytest.mark.parametrize("cmd", CMDS)
def test_matches_crash(cmd, ref, ours, compare):
    if cmd == "files ffff8974029e3000":
        # the task address of PID 103 in this sample; look it up from
        # crash's own answer so the test stays honest on other dumps
        m = re.search(r"TASK: ([0-9a-f]+)", ref["files 103"])
        assert m and m.group(1) == "ffff8974029e3000"
    compare(ours[cmd], ref[cmd], what=cmd)


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
    assert "runq: unknown struct rq / scheduler layout" in r.stdout
    assert "RUNQUEUE" not in r.stdout


def test_fixture_facts_present(ours):
    """The sample's fixtures are visible (guards against comparing two
    empty outputs)."""
    assert "/tmp/fixture-open-file" in ours["files 103"]
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
    next command still runs; the exit status reports the last one."""
    r = pykdump.run(["files 99999", "mount -x", "mod"], dump=DUMP)
    assert "files: invalid task or pid value: 99999" in r.stdout
    assert "Enter \"help mount\" for details." in r.stdout
    assert "mount: invalid option -- 'x'" in r.stderr
    assert "qemu_fw_cfg" in r.stdout
    assert r.returncode == 0
    r = pykdump.run(["mod", "files 99999"], dump=DUMP)
    assert r.returncode != 0
