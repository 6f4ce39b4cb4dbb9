# SPDX-License-Identifier: GPL-2.0-or-later
"""Pointers into modules in printed values, against crash 8.0.6: crash
(gdb) labels them with the module symbol (`exit = 0xADDRESS <loop_exit>,`),
from the module's kallsyms, no module debuginfo loaded.  `struct module
ADDR` of every loaded module and a `list -s` over the module list must
print the same as crash's, labels included."""
import re

DUMP = "vmcore.kdump"


def modules(crash):
    """[(struct module address, name, base, size)] from crash's `mod`."""
    return [(a, n, int(b, 16), int(s)) for a, n, b, s in re.findall(
        r"^([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+(\d+)", crash(["mod"], dump=DUMP)
        ["mod"], re.M)]


def test_struct_module_matches_crash(crash, pykdump, compare):
    mods = modules(crash)
    assert len(mods) >= 3
    cmds = [f"struct module {a}" for a, *_ in mods]
    cmds.append("list -H modules -o module.list -s module.exit,init")
    ref = crash(cmds, dump=DUMP)
    # the test means something only if crash labels module addresses
    labelled = [int(v, 16) for c in cmds
                for v in re.findall(r"0x([0-9a-f]+) <[^>]+>", ref[c])]
    assert any(base <= v < base + size for v in labelled
               for _, _, base, size in mods), "no module label in crash's output"
    for c in cmds:
        compare(pykdump(c, dump=DUMP), ref[c], what=c)
