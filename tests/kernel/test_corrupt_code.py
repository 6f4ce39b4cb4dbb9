# SPDX-License-Identifier: GPL-2.0-or-later
"""Bad input for vm, vtop -c, waitq, irq, ipcs, sig, search and dis:
corrupted copies of the sample (made as test_corrupt.py makes them, with
its fixtures) where a wait queue or an IRQ's action chain is cyclic or
broken, a task's mm, maple tree, sighand or signal pointer is garbage,
an IPC namespace holds an impossible count, nr_irqs is huge, or a page
table entry is garbage.  Each run must give a clean "CMD: ..." error (or
the entries up to the problem and the error), in bounded time and
memory, and `sys` must still run after it (test_corrupt's run fixture
checks the last three).

Every address patched is derived from the pristine dump with our own
commands (ps, irq, struct -o, rd, sym), never written here.
"""

import re

import pytest

from test_corrupt import (BAD_PTR, broken_ptes, broken_stacks,  # noqa: F401
                          corrupter, error_lines, ordinary_tasks, pristine,
                          q, run)



def fixture_tasks(p):
    """[(task, pid)] of the sample's fixture tasks and their sleeps."""
    return [(t, pid) for t, pid, comm in ordinary_tasks(p)
            if comm.startswith("fixture-") or comm == "sleep"]


@pytest.fixture(scope="session")
def broken_objects(pristine, corrupter):
    """One copy with every object below broken.  Returns (dump, facts)."""
    p = pristine
    tasks = fixture_tasks(p)
    assert len(tasks) >= 4, tasks
    (t_mm, pid_mm), (t_mt, pid_mt), (t_sh, pid_sh), (t_sg, pid_sg) = \
        tasks[:4]
    mm_off = p.offset("task_struct", "mm")
    root_off = p.offset("mm_struct", "mm_mt") + \
        p.offset("maple_tree", "ma_root")
    mm = p.u64(t_mt + mm_off)
    root = p.u64(mm + root_off)
    assert root & 3 == 2, f"mm {mm:x}: ma_root {root:x} is not a node"
    # the maple tree's root node: an internal node's first slot is the
    # root itself (a cycle); a leaf's (a small mm) is an unmapped VMA
    mtype = (root >> 3) & 0xF
    slots = p.offset("maple_arange_64" if mtype == 3 else "maple_range_64",
                     "slot")
    maple_patch = ((root & ~0xFF) + slots,
                   q(BAD_PTR if mtype == 1 else root))
    # waitq: oom_reaper_wait's first entry points to itself (a cycle that
    # never comes back to the head); kauditd_wait's into unmapped space
    wq_head = p.offset("wait_queue_head", "head")
    cyc = p.u64(p.symbol("oom_reaper_wait") + wq_head)
    brk = p.u64(p.symbol("kauditd_wait") + wq_head)
    # irq 4's action chain: the action's next is itself
    m = re.search(r"^\s*4\s+[0-9a-f]{16}\s+([0-9a-f]{16})\s",
                  p.run(["irq 4"]), re.M)
    assert m, "irq 4 has no action in the sample"
    action = int(m.group(1), 16)
    # ipcs: the semaphore ids claim 2^31-1 objects on a garbage tree
    ids = p.symbol("init_ipc_ns") + p.offset("ipc_namespace", "ids")
    xa_head = ids + p.offset("ipc_ids", "ipcs_idr") + \
        p.offset("idr", "idr_rt") + p.offset("xarray", "xa_head")
    dump = corrupter.make("code_objects", [
        (t_mm + mm_off, q(BAD_PTR)),
        maple_patch,
        (t_sh + p.offset("task_struct", "sighand"), q(BAD_PTR)),
        (t_sg + p.offset("task_struct", "signal"), q(BAD_PTR)),
        (cyc, q(cyc)),
        (brk, q(BAD_PTR)),
        (action + p.offset("irqaction", "next"), q(action)),
        (ids + p.offset("ipc_ids", "in_use"),
         (0x7fffffff).to_bytes(4, "little")),
        (xa_head, q(BAD_PTR | 2)),
    ])
    return dump, dict(pid_mm=pid_mm, pid_mt=pid_mt, pid_sh=pid_sh,
                      pid_sg=pid_sg, cyc=cyc, action=action)


@pytest.mark.parametrize("cmd", ["vm {pid_mm}", "vm -p {pid_mm}",
                                 "vtop -c {pid_mm} 400000", "vm {pid_mt}",
                                 "vm -p {pid_mt}", "vtop -c {pid_mt} 400000",
                                 "sig {pid_sh}", "sig {pid_sg}",
                                 "sig -g {pid_sg}"])
def test_broken_task_objects(run, broken_objects, cmd):
    """A task whose mm, maple tree, sighand or signal is garbage: an
    error naming the problem."""
    dump, facts = broken_objects
    c = cmd.format(**facts)
    out, err, _rc = run(dump, [c])
    assert error_lines(c.split()[0], out, err), out + err
    # nothing shown as if it had been read
    assert "SIGPENDING:" not in out and "(not accessible)" not in out, out


def test_cyclic_waitq(run, broken_objects):
    """The cycle: the entry before it once, then the error."""
    dump, facts = broken_objects
    out, err, _rc = run(dump, ["waitq oom_reaper_wait"])
    assert len(re.findall(r"^PID: ", out, re.M)) == 1, out
    assert error_lines("waitq", out, err), out + err


def test_broken_waitq(run, broken_objects):
    dump, _facts = broken_objects
    out, err, _rc = run(dump, ["waitq kauditd_wait"])
    errs = error_lines("waitq", out, err)
    assert errs and f"{BAD_PTR:x}" in out + err, out + err


@pytest.fixture(scope="session")
def huge_nr_irqs(pristine, corrupter):
    """nr_irqs is 2^31-1."""
    return corrupter.make("code_nr_irqs", [
        (pristine.symbol("nr_irqs"), (0x7fffffff).to_bytes(4, "little"))])


@pytest.mark.parametrize("cmd", ["irq", "irq 4", "irq -s", "irq -a"])
def test_irq_cycle(run, broken_objects, cmd):
    """IRQ 4's action chain is a cycle: an error naming its action, the
    other IRQs as they are."""
    dump, facts = broken_objects
    out, err, _rc = run(dump, [cmd])
    assert error_lines("irq", out, err), out + err
    assert f"{facts['action']:x}" in out + err
    if cmd in ("irq", "irq -s"):
        assert re.search(r'\s(timer|"timer")$', out, re.M), out


@pytest.mark.parametrize("cmd", ["irq", "irq -s", "irq -b"])
def test_irq_huge_count(run, huge_nr_irqs, cmd):
    """Not a million lines of nothing: the impossible count is the
    error (irq -b does not need it)."""
    out, err, _rc = run(huge_nr_irqs, [cmd])
    if cmd == "irq -b":
        assert "net_rx_action" in out, out + err
    else:
        assert len(out.splitlines()) < 10, out[:2000]
        assert any("nr_irqs is 2147483647" in e
                   for e in error_lines("irq", out, err)), out + err


def test_ipcs_huge_count(run, broken_objects):
    dump, _facts = broken_objects
    out, err, _rc = run(dump, ["ipcs -s", "ipcs -m"])
    assert error_lines("ipcs", out, err), out + err
    assert "(none allocated)" in out   # ipcs -m after it


def test_search_and_dis_over_broken_ptes(run, broken_ptes):
    """search over pages whose PTEs are garbage skips them; dis there
    says it cannot read."""
    dump, stack = broken_ptes
    out, err, _rc = run(dump, [
        f"search -s {stack - 8192:x} -e {stack + 3 * 4096:x} deadbeef",
        f"dis {stack:x} 4"])
    assert error_lines("dis", out, err), out + err
