# SPDX-License-Identifier: GPL-2.0-or-later
"""Partial answers say so (issue 19, item 4): a command whose list was
cut by a cycle, a broken link or a limit, or whose values could not be
read, shows what it has, then says on stderr that the answer is partial,
and fails (status 1, crash.error through the Python API, the message in
the problem log).  Before, these printed the rows they had, "(none)",
a blank column or "[invalid rb_root]" and exited 0.

The corrupted copies are made as test_corrupt.py makes them (its
fixtures); every address patched is derived from the pristine dump with
our own commands, never written here.  Other walks (the task list, the
module list, printk, stacks, wait queues, IRQs, IPC, the slab and buddy
lists) have their own cases in test_corrupt*.py."""

import re
import subprocess
import sys

import pytest

from test_corrupt import (BAD_PTR, broken_stacks, corrupter,  # noqa: F401
                          ordinary_tasks, pristine, q, run)
from test_no_silent_answers import BUILD

TIMEOUT = 120


def pval(p, expr):
    """A value of our `p/x EXPR` on the pristine dump."""
    out = p.run([f"p/x {expr}"])
    return int(out.split("=")[-1].strip(), 16)


@pytest.fixture(scope="session")
def broken_ifa(pristine, corrupter):
    """The IPv4 address chain of the first device that has an address is
    broken after its first address.  Returns (dump, device name,
    address)."""
    out = pristine.run(["net"])
    m = re.search(r"^([0-9a-f]{16})\s+(\S+)\s+(\d+\.\d+\.\d+\.\d+)", out,
                  re.M)
    assert m, f"no device with an IPv4 address in the sample:\n{out}"
    dev = int(m.group(1), 16)
    ifa = pval(pristine, f"((struct net_device *){dev:#x})->ip_ptr->ifa_list")
    dump = corrupter.make("ifa_next", [
        (ifa + pristine.offset("in_ifaddr", "ifa_next"), q(BAD_PTR))])
    return dump, m.group(2), m.group(3)


@pytest.fixture(scope="session")
def chrdev_cycle(pristine, corrupter):
    """chrdevs' first chain goes on into another chain whose node points
    to itself: a cycle that does not come back to the chain's start."""
    base = pristine.symbol("chrdevs")
    heads = [h for h in pristine.u64(base, 255) if h]
    assert len(heads) >= 2, heads
    nxt = pristine.offset("char_device_struct", "next")
    a, b = heads[0], heads[1]
    return corrupter.make("chrdev_cycle", [(a + nxt, q(b)),
                                           (b + nxt, q(b))])


@pytest.fixture(scope="session")
def mount_devname(pristine, corrupter):
    """The second mount's device name pointer points nowhere.  Returns
    (dump, the mount's address)."""
    mounts = re.findall(r"^([0-9a-f]{16})\s", pristine.run(["mount"]), re.M)
    m = int(mounts[1], 16)
    dump = corrupter.make("mnt_devname", [
        (m + pristine.offset("mount", "mnt_devname"), q(BAD_PTR))])
    return dump, mounts[1]


@pytest.fixture(scope="session")
def rq_curr(pristine, corrupter):
    """CPU 0's rq->curr points nowhere."""
    rq = pristine.symbol("runqueues")
    off0 = pristine.u64(pristine.symbol("__per_cpu_offset"))
    return corrupter.make("rq_curr", [
        (rq + off0 + pristine.offset("rq", "curr"), q(BAD_PTR))])


@pytest.fixture(scope="session")
def truncated_tail(pristine, corrupter):
    """A copy of the dump without its last 5%: the highest pages of
    memory are lost, the kernel's own data (low memory) is still there."""
    dst = corrupter.tmpdir / "tail_cut.elf"
    size = pristine.path.stat().st_size
    with open(pristine.path, "rb") as src, open(dst, "wb") as out:
        out.write(src.read(size * 95 // 100))
    return dst


@pytest.fixture(scope="session")
def pmd_to_nowhere(pristine, corrupter):
    """The PMD entry over a task's (vmalloc) stack points to a page table
    far past the end of memory: that table cannot be read.  Returns
    (dump, the stack's address)."""
    sleeper = [t for t, _pid, comm in ordinary_tasks(pristine)
               if comm.startswith("fixture-")][0]
    stack = pristine.u64(sleeper + pristine.offset("task_struct", "stack"))
    out = pristine.run([f"vtop {stack:x}"])
    m = re.search(r"^\s*PMD:\s+([0-9a-f]+)\s+=>\s+([0-9a-f]+)", out, re.M)
    assert m and not int(m.group(2), 16) & 0x80, out     # no huge page
    dump = corrupter.make("pmd_nowhere", [
        (("phys", int(m.group(1), 16)), q(0x7ffffffff000 | 0x63))])
    return dump, stack


def says_partial(cmd, out, err, rc, name=None):
    """Failed, with an error line of the command (name: the command whose
    errors they are, foreach's are its command's)."""
    assert rc == 1, (cmd, out[-1000:], err[-1000:])
    name = name or cmd.split()[0]
    assert re.search(rf"^{name}: ", err, re.M), (cmd, err)


def test_net_addresses_cut(run, broken_ifa):
    dump, name, addr = broken_ifa
    out, err, rc = run(dump, ["net"])
    says_partial("net", out, err, rc)
    # the address before the break is shown, and the device named
    assert re.search(rf"\s{re.escape(name)}\s+{re.escape(addr)}", out), out
    assert f"net: {name}: addresses: " in err, err
    assert f"{BAD_PTR:x}" in err, err


def test_dev_chain_cycle(run, chrdev_cycle):
    out, err, rc = run(chrdev_cycle, ["dev"])
    says_partial("dev", out, err, rc)
    assert "dev: chrdevs: " in err, err
    assert "CHRDEV" in out


def test_mount_unreadable_name(run, mount_devname):
    dump, mnt = mount_devname
    out, err, rc = run(dump, ["mount"])
    says_partial("mount", out, err, rc)
    assert mnt in out
    assert "mount: the output is partial: 1 read failed" in err, err
    assert f"{BAD_PTR:x}" in err, err


@pytest.mark.parametrize("cmd", ["runq", "runq -t", "runq -m", "runq -g"])
def test_runq_current_unreadable(run, rq_curr, cmd):
    out, err, rc = run(rq_curr, [cmd])
    says_partial(cmd, out, err, rc)
    assert f"{cmd.split()[0]}: the output is partial: " in err, err


def test_bt_stopped_early(run, broken_stacks):
    """A backtrace the unwinder could not follow to the end of the stack
    shows its frames, then says why it stopped, and fails (so does
    foreach bt, which runs it for each task)."""
    dump, pids = broken_stacks
    stopped = 0
    for pid in pids:
        out, err, rc = run(dump, [f"bt {pid}"])
        assert re.search(rf"^PID: {pid}\b", out, re.M), out + err
        if re.search(r"^bt: ", err, re.M):
            assert rc == 1, (pid, out, err)
            stopped += 1
        else:       # unwound to an end the unwinder takes for the end
            assert rc == 0, (pid, out, err)
    assert stopped, "no broken stack stopped the unwinder"
    out, err, rc = run(dump, ["foreach bt"])
    says_partial("foreach bt", out, err, rc, name="bt")


def test_vtop_unreadable_table_is_not_unmapped(run, pmd_to_nowhere):
    """An entry not present is vtop's answer "(not mapped)"; a page table
    that cannot be read is no answer: an error, nothing on stdout."""
    dump, stack = pmd_to_nowhere
    out, err, rc = run(dump, [f"vtop {stack:x}"])
    says_partial("vtop", out, err, rc)
    assert "not mapped" not in out and f"{stack:x}" not in out, out


@pytest.mark.parametrize("cmd", ["search -k deadbeef"])
def test_search_says_what_it_could_not_read(run, truncated_tail, cmd):
    """Pages the machine did not have or makedumpfile filtered out are
    skipped, as crash does; pages the dump should hold but lost are not
    searched either, and the search says how many."""
    out, err, rc = run(truncated_tail, [cmd])
    says_partial(cmd, out, err, rc)
    assert re.search(r"^search: \d+ pages? the dump should hold could not "
                     r"be read and (was|were) not searched \(the first: "
                     r"physical [0-9a-f]+: ", err, re.M), err


PROG = """\
import sys
sys.path.insert(0, sys.argv[1])
import pykdump
pykdump.open(sys.argv[2], sys.argv[3])
from pykdump.API import *
for cmd in sys.argv[4:]:
    try:
        exec_crash_command(cmd)
        print("NO ERROR", cmd)
    except crash.error as e:
        print("ERROR", cmd, "|", str(e).splitlines()[0])
        # the session's problem log: the commands' errors
        print("LOGGED", cmd, any(str(e).splitlines()[0] == m for m in
                                 crash.session_log_entries(crash.LOG_ERROR)))
"""


def test_partial_through_the_api(sample, mount_devname, chrdev_cycle,
                                 rq_curr):
    """exec_crash_command raises crash.error for a partial answer, and
    the session's problem log holds the message."""
    cases = [(mount_devname[0], "mount"), (chrdev_cycle, "dev"),
             (rq_curr, "runq")]
    for dump, cmd in cases:
        r = subprocess.run([sys.executable, "-c", PROG, str(BUILD / "python"),
                            str(dump), str(sample.vmlinux), cmd],
                           capture_output=True, text=True, timeout=TIMEOUT)
        assert r.returncode == 0, r.stderr[-3000:]
        assert f"ERROR {cmd} | {cmd}: " in r.stdout, r.stdout
        assert f"LOGGED {cmd} True" in r.stdout, r.stdout


MAXEL_PROG = """\
import sys
sys.path.insert(0, sys.argv[1])
import pykdump
pykdump.open(sys.argv[2], sys.argv[3])
from pykdump.API import *
from pykdump.highlevel import pylog
head = sym2addr("init_task") + member_offset("task_struct", "tasks")
whole = readListByHead(head)
cut = readListByHead(head, maxel=3)
print("LEN", len(whole), len(cut))
print("WARNED", any("cut at maxel=3" in m for m in pylog.warnings()))
pylog.cleanup()
same = readListByHead(head, maxel=len(whole))
print("EXACT", len(same), any("maxel" in m for m in pylog.warnings()))
"""


def test_read_list_cut_at_maxel_warns(sample):
    """readList and the readers over it stop at maxel: the list they
    return is cut, and the problem log says so (the original's
    readList warns too); a list of exactly maxel entries is whole."""
    dump = sample.dump("vmcore.kdump")
    r = subprocess.run([sys.executable, "-c", MAXEL_PROG,
                        str(BUILD / "python"), str(dump), str(sample.vmlinux)],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr[-3000:]
    n = re.search(r"^LEN (\d+) (\d+)$", r.stdout, re.M)
    assert n and int(n.group(1)) > 3 and n.group(2) == "3", r.stdout
    assert "WARNED True" in r.stdout, r.stdout
    assert f"EXACT {n.group(1)} False" in r.stdout, r.stdout
