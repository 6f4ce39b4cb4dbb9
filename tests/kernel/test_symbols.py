# SPDX-License-Identifier: GPL-2.0-or-later
"""The vmlinux symbol table against `nm` (whose letters crash's `sym` shows):
same addresses and type letters; kept are the symbols from _text on plus
the per-CPU ones, as crash keeps them."""
import subprocess

from test_types import typedump, vmlinux  # noqa: F401 (fixtures)


def test_symbols_match_nm(vmlinux, typedump):  # noqa: F811
    nm = subprocess.run(["nm", str(vmlinux)], capture_output=True, text=True,
                        check=True).stdout
    theirs = set()
    text = None
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        addr, letter, name = int(parts[0], 16), parts[1], parts[2]
        theirs.add((addr, letter, name))
        if name == "_text":
            text = addr
    out = subprocess.run([str(typedump), str(vmlinux), "-l", "all"],
                         capture_output=True, text=True, check=True).stdout
    ours = set()
    for line in out.splitlines():
        addr, letter, name = line.split()
        ours.add((int(addr, 16), letter, name))
    assert ours - theirs == set()
    wanted = {s for s in theirs if s[0] >= text or s[1] in "dD" and s[0] < 0x100000}
    missing = wanted - ours
    assert missing == set(), sorted(missing)[:20]
    assert len(ours) > 100000


def test_percpu_and_relocation_facts(vmlinux, typedump):  # noqa: F811
    out = subprocess.run([str(typedump), str(vmlinux), "-v", "runqueues",
                          "-v", "init_task", "-s", "schedule"],
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0] == "struct rq runqueues"
    assert lines[1].endswith(" percpu")
    assert int(lines[1].split()[1], 16) < 0x100000    # an offset, not an address
    assert lines[2] == "struct task_struct init_task"
    assert lines[4].split()[1:] == ["T", "schedule"]
