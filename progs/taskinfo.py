# SPDX-License-Identifier: GPL-2.0-or-later
"""Tasks of the dump: PID PPID CPU TASK ST COMM, and counts by state.

Usage: taskinfo [--summary] [COMM ...]
A PyKdump program (runs unchanged under the original): every thread of
every process, the idle task of each CPU included, in the order of `ps`.
"""

import sys

from pykdump.API import *

# The kernel's task state bits (include/linux/sched.h), as crash names them.
_STATES = ((0x400, "ID"), (0x1, "IN"), (0x2, "UN"), (0x4, "ST"),
           (0x8, "TR"), (0x10, "ZO"), (0x20, "DE"), (0x80, "DE"))


def state_name(t):
    ex = int(t.exit_state)
    if ex & 0x10:
        return "ZO"
    if ex & 0x20:
        return "DE"
    st = int(PY_select("t.__state", "t.state"))
    if st == 0:
        return "RU"
    if st & 0x400 and st & 0x2:
        return "ID"
    for bit, name in _STATES:
        if st & bit:
            return name
    return "??"


def task_cpu(t):
    return int(PY_select("t.cpu", "t.thread_info.cpu", "t.stack.cpu"))


def threads(leader):
    if leader.hasField("thread_node"):
        head = Addr(leader.signal, "thread_head")
        return ListHead(head, "struct task_struct").thread_node
    return [leader] + ListHead(Addr(leader, "thread_group"),
                               "struct task_struct").thread_group


def all_tasks():
    init = readSymbol("init_task")
    seen = {int(init): init}
    for rq in get_cpu_var("runqueues"):
        idle = readSU("struct rq", rq).idle
        seen.setdefault(int(idle), idle)
    for leader in ListHead(Addr(init, "tasks"), "struct task_struct").tasks:
        for t in threads(leader):
            seen.setdefault(int(t), t)
    return sorted(seen.values(), key=lambda t: (int(t.pid), int(t)))


USAGE = "Usage: taskinfo [--summary] [COMM ...]"


def fail(msg):
    """An error, never an answer: on stderr, with a failure status."""
    print("taskinfo: " + msg, file=sys.stderr)
    sys.exit(1)


def main(args):
    summary = "--summary" in args
    bad = [a for a in args if a.startswith("-") and a != "--summary"]
    if bad:
        fail("invalid option: {}\n{}".format(bad[0], USAGE))
    comms = [a for a in args if not a.startswith("-")]
    tasks = all_tasks()
    # a name no task has is an error, not an empty table
    missing = [c for c in comms if c not in {str(t.comm) for t in tasks}]
    if missing:
        fail("no task is named {}".format(", ".join(missing)))
    counts = {}
    if not summary:
        print("    PID    PPID  CPU       TASK        ST  COMM")
    for t in tasks:
        st = state_name(t)
        counts[st] = counts.get(st, 0) + 1
        if summary or (comms and str(t.comm) not in comms):
            continue
        # idle tasks (pid 0) show parent 0, as in ps
        ppid = int(t.real_parent.pid) if t.pid else 0
        print("{:7d} {:7d} {:4d}  {:16x}  {}  {}".format(
            int(t.pid), ppid, task_cpu(t), int(t), st,
            t.comm))
    print("TASKS: {}  ".format(sum(counts.values())) + "  ".join(
        "{}: {}".format(k, counts[k]) for k in sorted(counts)))


if __name__ == "__main__":
    main(sys.argv[1:])
