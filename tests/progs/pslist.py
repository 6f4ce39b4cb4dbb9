# A PyKdump-style program: list every task (pid, state, comm) the way
# PyKdump programs do it, portable across kernels through PY_select and
# structSetAttr.  Output: "PID ST COMM TASK" lines.
from pykdump.API import *

# 5.14 renamed task_struct.state to __state.
structSetAttr("struct task_struct", "State", ["__state", "state"])

TASK_STATES = CDefine("""
#define TASK_RUNNING            0x0000
#define TASK_INTERRUPTIBLE      0x0001
#define TASK_UNINTERRUPTIBLE    0x0002
#define __TASK_STOPPED          0x0004
#define __TASK_TRACED           0x0008
#define EXIT_DEAD               0x0010
#define EXIT_ZOMBIE             0x0020
#define TASK_NOLOAD             0x0400
#define TASK_IDLE               (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)
""")


def state_letters(t):
    if t.exit_state & TASK_STATES.EXIT_ZOMBIE:
        return "ZO"
    if t.exit_state & TASK_STATES.EXIT_DEAD:
        return "DE"
    s = t.State
    if s == TASK_STATES.TASK_RUNNING:
        return "RU"
    if s & TASK_STATES.TASK_IDLE == TASK_STATES.TASK_IDLE:
        return "ID"
    for bit, letters in ((TASK_STATES.TASK_INTERRUPTIBLE, "IN"),
                         (TASK_STATES.TASK_UNINTERRUPTIBLE, "UN"),
                         (TASK_STATES.__TASK_STOPPED, "ST"),
                         (TASK_STATES.__TASK_TRACED, "TR")):
        if s & bit:
            return letters
    return "??"


def threads(leader):
    sig = leader.signal
    head = PY_select("Addr(sig, 'thread_head')",
                     "Addr(leader, 'thread_group')")
    if sig.hasField("thread_head"):
        return readSUListFromHead(head, "thread_node", "struct task_struct")
    return [leader] + readSUListFromHead(head, "thread_group",
                                         "struct task_struct")


init = readSymbol("init_task")
for leader in [init] + ListHead(Addr(init, "tasks"), "struct task_struct").tasks:
    for t in (threads(leader) if leader.pid else [leader]):
        print(t.pid, state_letters(t), t.comm, "%x" % t)
