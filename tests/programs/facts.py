# SPDX-License-Identifier: GPL-2.0-or-later
"""Parsers for the facts the original programs print and for crash's
answers to compare them with (tests/programs)."""

import re

# Task states as the kernel (6.1) stores them, and crash's names.
TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, TASK_NOLOAD = 0x1, 0x2, 0x400


def state_as_crash(v):
    """crash's two-letter name of a numeric task state (what LinuxDump's
    Task.state gives on 5.14+ kernels)."""
    if v == 0:
        return "RU"
    if v & TASK_UNINTERRUPTIBLE and v & TASK_NOLOAD:
        return "ID"
    for bit, name in ((0x1, "IN"), (0x2, "UN"), (0x4, "ST"), (0x8, "TR"),
                      (0x10, "DE"), (0x20, "ZO"), (0x80, "DE")):
        if v & bit:
            return name
    return "??"


def state_as_program(crash_state):
    """The two letters LinuxDump's task_state_str() prints for a task
    crash calls crash_state: it masks the state with 0x7f, so idle
    kernel threads (ID: UNINTERRUPTIBLE|NOLOAD) print as UN."""
    return "UN" if crash_state == "ID" else crash_state


# ------------------------------------------------------------- crash

def crash_ps(text):
    """[(pid, ppid, cpu, task, state, vsz, rss, comm)] of crash's ps."""
    rows = []
    for line in text.splitlines()[1:]:
        f = line.lstrip(">").split()
        if len(f) < 9:
            continue
        comm = " ".join(f[8:])
        if comm.startswith("[") and comm.endswith("]"):
            comm = comm[1:-1]
        rows.append((int(f[0]), int(f[1]), int(f[2]), int(f[3], 16), f[4],
                     int(f[6]), int(f[7]), comm))
    return rows


def crash_sys(text):
    out = {}
    for line in text.splitlines():
        k, sep, v = line.partition(":")
        if sep and k.strip().isupper():
            out[k.strip()] = v.strip()
    return out


def crash_bt(text):
    """{pid: (comm, [function, ...])} of crash's bt / bt -a / foreach bt
    (the frames, exception frames' registers left out); for bt -a, the
    key is (pid, cpu) since idle tasks share pid 0."""
    out = {}
    cur = None
    for line in text.splitlines():
        m = re.match(r'^PID:\s+(\d+)\s+TASK:\s+([0-9a-f]+)\s+CPU:\s+(\d+)'
                     r'\s+COMMAND:\s+"(.*)"', line)
        if m:
            cur = []
            out[(int(m.group(1)), int(m.group(3)))] = (m.group(4), cur)
            continue
        m = re.match(r"^\s*#\d+\s+\[[0-9a-f]+\]\s+(\S+)\s+at\s+[0-9a-f]+",
                     line)
        if m and cur is not None:
            cur.append(m.group(1))
    return out


def crash_mount(text):
    return [tuple(line.split()[:5]) for line in text.splitlines()[1:]
            if len(line.split()) >= 5]


def crash_net(text):
    """[(name, [addresses])] of crash's net."""
    out = []
    for line in text.splitlines()[1:]:
        f = line.split(None, 2)
        if len(f) >= 2:
            addrs = [a.strip() for a in f[2].split(",")] if len(f) > 2 \
                else []
            out.append((f[1], addrs))
    return out


def crash_runq(text):
    """[(cpu, rq address, current pid, current comm)]"""
    out = []
    for m in re.finditer(r'CPU (\d+) RUNQUEUE: ([0-9a-f]+)\n\s+CURRENT: '
                         r'PID: (\d+)\s+TASK: [0-9a-f]+\s+COMMAND: "(.*)"',
                         text):
        out.append((int(m.group(1)), int(m.group(2), 16), int(m.group(3)),
                    m.group(4)))
    return out


def crash_ps_l(text):
    """[(pid, comm)] of crash's ps -l, most recently run first."""
    return [(int(m.group(1)), m.group(2)) for m in re.finditer(
        r'PID:\s+(\d+)\s+TASK:\s+[0-9a-f]+\s+CPU:\s+\d+\s+COMMAND: "(.*)"',
        text)]


def crash_log_lines(text):
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def crash_dev_blk(text):
    """{major: name} of the BLKDEV part of crash's dev."""
    out = {}
    part = text.split("BLKDEV", 1)[1] if "BLKDEV" in text else ""
    for line in part.splitlines()[1:]:
        f = line.split()
        if len(f) >= 2 and f[0].isdigit():
            out[int(f[0])] = f[1]
    return out


# ---------------------------------------------------------- programs

def section(text, title):
    """The text of a crashinfo section (the lines after its framed
    header, up to the next header)."""
    parts = re.split(r"^>-+\| (.+?) \|-+<$", text, flags=re.M)
    for i in range(1, len(parts), 2):
        if parts[i].strip() == title:
            body = parts[i + 1]
            # the closing frame line of the header
            return body.split("\n", 2)[2] if body.count("\n") >= 2 else ""
    raise AssertionError("no section %r in:\n%s" % (title, text[:3000]))


def program_stacks(text):
    """[(pid, cpu, comm, [function, ...])] of BTstack's summary format:
    "PID=1  CPU=0 CMD=init" then "  #0   func+0x33"."""
    out = []
    cur = None
    for line in text.splitlines():
        m = re.match(r"^PID=(\d+)\s+CPU=(\d+)\s+CMD=(.*)$", line)
        if m:
            cur = []
            out.append((int(m.group(1)), int(m.group(2)),
                        m.group(3).strip(), cur))
            continue
        m = re.match(r"^\s+#-?\d+\s+([\w.]+)(\+0x[0-9a-f]+)?", line)
        if m and cur is not None:
            cur.append(m.group(1))
        elif not line.strip() and cur:
            cur = None          # a blank line ends a stack
    return out


def program_sys_header(text):
    """KEY: value lines of crashinfo's header (the `sys` fields)."""
    return crash_sys(text.split("Per-cpu Stacks", 1)[0])


def states_table(text):
    """{state value: count} of "Total Numbers of Threads per State"."""
    body = text.split("Total Numbers of Threads per State", 1)[1]
    out = {}
    for line in body.splitlines()[1:]:
        m = re.match(r"^\s+(\S+)\s+(\d+)\s*$", line)
        if not m:
            if out:
                break
            continue
        out[m.group(1)] = int(m.group(2))
    return out


def same_stack(ours, theirs):
    """A program's stack (function names) agrees with crash's: equal; or,
    for the panic task, crash's frames in order within ours (crash finds
    `panic` by scanning the stack and starts there, our unwinder shows
    the frames above it too: tests/kernel/test_bt.py); a stack crash
    cannot unwind (no frames: the other CPU's NMI stack is not in a
    kdump) has nothing to compare."""
    if not theirs:
        return True
    if ours == theirs:
        return True
    if "panic" not in theirs or ours[-1:] != theirs[-1:]:
        return False
    it = iter(ours)
    return all(f in it for f in theirs)
