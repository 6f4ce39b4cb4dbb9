#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Field reads per second and list entries per second through our Python
API and through drgn's Python API, on the same dump in one run.

  /usr/bin/python3 bench/pyapi_bench.py [BUILD_DIR] [SAMPLE_DIR] [DUMP]

drgn 0.0.22 cannot translate kernel addresses in the sample's ELF cores
(no phys_base for the KASLR image) but reads the makedumpfile dumps
through libkdumpfile: both sides open vmcore.d31.zlib.  Each
measurement is the best of three rounds of about half a second; the ratio
is ours / drgn's (goal: >= 3).
"""

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = Path(sys.argv[1] if len(sys.argv) > 1 else
             os.environ.get("PYKDUMP_BUILD", REPO / "build"))
sys.path.insert(0, str(BUILD / "python"))

SAMPLE = Path(sys.argv[2] if len(sys.argv) > 2 else
              os.path.expanduser("~/.cache/pykdump/sample-6.1.0-56-cloud-amd64"))
DUMP = sys.argv[3] if len(sys.argv) > 3 else "vmcore.d31.zlib"


def rate(fn, units_per_call, rounds=3, seconds=0.5):
    """Units per second: the best of a few rounds of about `seconds` each
    (the machine is shared: the best round is the least disturbed one).
    Both sides are measured this way."""
    best = 0.0
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            dt = time.perf_counter() - t0
            if dt > seconds:
                break
        best = max(best, n * units_per_call / dt)
    return best


# The same work on both sides: the same tasks (init_task's list), the same
# five members (four ints and the comm char array as a string), the same
# number of objects; list entries are a walk of the same list into a list
# of objects.  "field reads" reuses the objects of one walk (a program
# reading several members of each task); "fresh objects" makes the
# objects anew from their addresses on each pass, so nothing read for an
# object on one pass can serve the next.

def ours():
    import pykdump
    pykdump.open(str(SAMPLE / DUMP), str(SAMPLE / "vmlinux"))
    from pykdump.API import readSymbol, readSU, ListHead, Addr
    init = readSymbol("init_task")
    tasks = ListHead(Addr(init, "tasks"), "struct task_struct").tasks
    addrs = [int(t) for t in tasks]

    def fields():
        for t in tasks:
            t.pid; t.tgid; t.prio; t.flags; t.comm  # noqa: E702

    def fresh():
        for a in addrs:
            t = readSU("struct task_struct", a)
            t.pid; t.tgid; t.prio; t.flags; t.comm  # noqa: E702

    def walk():
        ListHead(Addr(init, "tasks"), "struct task_struct").tasks
    n = len(tasks)
    return (rate(fields, 5 * n), rate(fresh, 5 * n), rate(walk, n)), n


def drgn_side():
    import drgn
    from drgn.helpers.linux.list import list_for_each_entry
    prog = drgn.Program()
    prog.set_core_dump(str(SAMPLE / DUMP))
    prog.load_debug_info([str(SAMPLE / "vmlinux")])
    init = prog["init_task"]
    tasks = list(list_for_each_entry("struct task_struct",
                                     init.tasks.address_of_(), "tasks"))
    addrs = [t.value_() for t in tasks]     # pointers: the address
    ttype = prog.type("struct task_struct")

    def fields():
        for t in tasks:
            t.pid.value_(); t.tgid.value_(); t.prio.value_()  # noqa: E702
            t.flags.value_(); t.comm.string_()  # noqa: E702

    def fresh():
        for a in addrs:
            t = drgn.Object(prog, ttype, address=a)
            t.pid.value_(); t.tgid.value_(); t.prio.value_()  # noqa: E702
            t.flags.value_(); t.comm.string_()  # noqa: E702

    def walk():
        list(list_for_each_entry("struct task_struct",
                                 init.tasks.address_of_(), "tasks"))
    n = len(tasks)
    return (rate(fields, 5 * n), rate(fresh, 5 * n), rate(walk, n)), n


def main():
    o, on = ours()
    d, dn = drgn_side()
    print("pyapi bench on {} ({} tasks; drgn sees {})".format(DUMP, on, dn))
    print("  {:<28s} {:>14s} {:>14s} {:>8s}".format(
        "", "pykdump/s", "drgn/s", "ratio"))
    names = ("field reads", "field reads, fresh objects", "list entries")
    for what, a, b in zip(names, o, d):
        print("  {:<28s} {:>14,.0f} {:>14,.0f} {:>7.1f}x".format(
            what, a, b, a / b))


if __name__ == "__main__":
    main()
