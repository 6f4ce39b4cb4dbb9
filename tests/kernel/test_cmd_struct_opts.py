# SPDX-License-Identifier: GPL-2.0-or-later
"""struct / union options (issue 17 item 4) against crash 8.0.6.

STRUCT_SAME: -o on a member, TYPE.member without an address (the member's
declaration line from the -o listing), -l OFFSET (bytes or
struct.member), -r, -c N (negative too), :cpu, -x / -d, and crash's
"NAME ADDR" shortcut; addresses come from crash at test time.  Where
crash gives up (several members without an address, -o with several
members, member[index], members its output parser trips on), the answer
is checked against crash's own listing or its p of the same member.
"""
import re

import pytest

DUMP = "vmcore.elf"
SEP = "eval 0x5eb5eb5eb5eb5eb"
SEP_RE = r"hexadecimal: 5eb5eb5eb5eb5eb.*\n.*\n.*\n.*binary: .*\n"

STRUCT_SAME = [
    "struct task_struct.pid", "struct task_struct.se",
    "struct -o task_struct.pid", "struct task_struct.pid -o",
    "union rcu_special.b", "struct list_head.next",
    "struct task_struct.nosuch", "struct -o task_struct.pid {init}",
    "struct -o list_head {init}", "struct task_struct.pid {init}",
    "struct task_struct -l task_struct.tasks {tasks}",
    "struct task_struct.pid,comm -l task_struct.tasks {tasks}",
    "struct task_struct.pid -l {tasks_off} {tasks}",
    "struct list_head -l 8 {tasks8}", "struct -r list_head {tasks}",
    "struct -r task_struct.pid {init}", "struct -r list_head {tasks} 2",
    "struct list_head {tasks} -c 2", "struct list_head -c 2 {tasks}",
    "struct list_head {tasks} -c -2", "struct list_head {tasks} 2",
    "struct rq.nr_running runqueues:0", "struct rq.nr_running runqueues:a",
    "struct rq.nr_running runqueues:0,1",
    "struct rq.nr_running,cpu runqueues:1",
    "struct rq.nr_running runqueues:",
    "struct -x rq.nr_running,clock runqueues:1",
    "struct -d list_head {tasks}", "struct -x task_struct.pid,prio {init}",
    "struct task_struct.comm init_task", "struct task_struct.se.load {init}",
    "struct task_struct.se.load.weight {init}", "struct -o rq",
    "union rcu_special {init}", "union -o rcu_special {init}",
    "union rcu_special.s {init}", "union -r rcu_special {init}",
    "struct mm_struct.pgd,mmap_base init_mm",
    "struct -o mm_struct.pgd init_mm",
    "struct list_head.next,prev {tasks} 2", "struct list_head -o",
    "struct hlist_node.pprev", "struct -o hlist_node.pprev",
    "struct task_struct.__state", "struct page.flags",
    "list_head {tasks}", "task_struct.pid {init}",
    "task_struct.se.on_rq,pid_links {init}",
]


def run_ours(pykdump, cmds):
    argv = []
    for c in cmds:
        argv += [c, SEP]
    out = pykdump.run(argv, dump=DUMP, merge=True).stdout
    parts = re.split(SEP_RE, out)
    assert len(parts) == len(cmds) + 1, out[-3000:]
    return dict(zip(cmds, parts))


@pytest.fixture(scope="module")
def addrs(crash):
    out = crash(["sym init_task", "p &init_task.tasks"], dump=DUMP)
    init = int(re.match(r"([0-9a-f]+) ", out["sym init_task"]).group(1), 16)
    tasks = int(re.search(r"0x([0-9a-f]+)", out["p &init_task.tasks"])
                .group(1), 16)
    return {"init": f"{init:x}", "tasks": f"{tasks:x}",
            "tasks8": f"{tasks + 8:x}", "tasks_off": str(tasks - init)}


def expand(cmds, addrs):
    return [c.format(**addrs) for c in cmds]


def test_struct_matches_crash(crash, pykdump, compare, addrs):
    cmds = expand(STRUCT_SAME, addrs)
    ref = crash(cmds, dump=DUMP)
    ours = run_ours(pykdump, cmds)
    bad = []
    for c in cmds:
        try:
            compare(ours[c], ref[c], what=c)
        except AssertionError as e:
            bad.append(str(e)[:1500])
    assert not bad, f"{len(bad)} of {len(cmds)} differ:\n" + "\n".join(bad[:6])


def member_lines(listing, names):
    """The lines of a struct -o listing declaring NAMES."""
    return [ln for ln in listing.splitlines()
            if re.search(r"[ *](%s)(\[\d+\])?;$" % "|".join(names), ln)]


def test_struct_where_crash_gives_up(crash, pykdump, addrs):
    """crash refuses several members without an address (and prints the
    whole listing after an error), refuses -o with several members, and
    cannot cut member[index] or thread.sp out of its gdb output; the right
    answers are its own listing lines and its p of the same members."""
    ref = crash(expand(["struct -o task_struct", "struct -o task_struct {init}",
                        "p init_task.pid_links[1]", "p init_task.thread.sp"],
                       addrs), dump=DUMP)
    cmds = expand(["struct task_struct.pid,comm",
                   "struct -o task_struct.pid,comm {init}",
                   "struct task_struct.pid_links[1] {init}",
                   "struct task_struct.thread.sp {init}"], addrs)
    ours = run_ours(pykdump, cmds)
    decl = ours[cmds[0]].splitlines()
    assert decl[0] == "struct task_struct {" and decl[-1] == "}"
    assert decl[1:-1] == member_lines(ref["struct -o task_struct"],
                                      ["pid", "comm"])
    decl = ours[cmds[1]].splitlines()
    assert decl[1:-1] == member_lines(
        ref[expand(["struct -o task_struct {init}"], addrs)[0]],
        ["pid", "comm"])
    p = ref["p init_task.pid_links[1]"]
    body = p.split("= ", 1)[1].strip().splitlines()
    got = ours[cmds[2]].strip().splitlines()
    assert got[0] == "pid_links[1] = " + body[0]
    assert [ln.strip() for ln in got[1:]] == \
        [ln.strip() for ln in body[1:-1]] + [body[-1].strip() + ","]
    sp = re.search(r"= (\d+)", ref["p init_task.thread.sp"]).group(1)
    assert ours[cmds[3]].strip() == f"thread.sp = {sp},"


@pytest.mark.parametrize("cmd,words", [
    ("struct -p task_struct.sched_class init_task", ["-p", "not supported"]),
    ("struct -f list_head 1000", ["-f", "not supported"]),
    ("struct -u list_head 1000", ["-u", "not supported"]),
    ("struct list_head init_task -c", ["-c", "argument"]),
    ("struct -l nosuch.member list_head init_task", ["invalid -l option"]),
    ("struct list_head init_task:0", ["not percpu"]),
    ("struct rq runqueues:9", ["invalid cpu specification"]),
    ("struct -r task_struct.pid,comm init_task", ["only one"]),
    ("struct task_struct.se.on_rq", ["se.on_rq"]),
    ("struct nosuchstruct", ["nosuchstruct"]),
    ("struct -x -d list_head init_task", ["mutually exclusive"]),
])
def test_struct_errors(pykdump, cmd, words):
    r = pykdump.run([cmd], dump=DUMP)
    text = r.stdout + r.stderr
    if "not percpu" not in words:
        assert r.returncode != 0, text
    for w in words:
        assert w in text, (w, text)
