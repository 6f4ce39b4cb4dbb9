# SPDX-License-Identifier: GPL-2.0-or-later
"""dis prints what gdb 10 (crash 8.0.6) prints where binutils changed
its spelling since: a segment prefix that 64-bit mode ignores on a nop
("data16 nopw %cs:0x0(%rax,%rax,1)", which binutils 2.37+ spells "data16
cs nopw 0x0(...)"; GCC 14 pads 6.12's kernels with them) and an
undecodable byte ("(bad)  ", padded).  The sample's code has neither, so
a copy of the dump gets them written over a function's first bytes, and
dis must print what crash prints for that copy."""
import re

from test_corrupt import Corrupter, Pristine  # noqa: F401

CODE = bytes.fromhex("66662e0f1f840000000000"  # data16 cs nopw 0x0(...)
                     "662e0f1f840000000000"    # cs nopw 0x0(...)
                     "2e0f1f840000000000"      # cs nopl 0x0(...)
                     "06"                      # (bad) in 64-bit mode
                     "90")                     # nop


def test_dis_as_gdb10(sample, pykdump, crash, compare, tmp_path):
    src = sample.dump("vmcore.elf")
    p = Pristine(pykdump, src)
    addr = int(p.run(["sym vfs_read"]).split()[0], 16)
    assert addr % 4096 + len(CODE) <= 4096, hex(addr)	# one page
    dump = Corrupter(p, tmp_path).make("dis", [(addr, CODE)])
    cmd = f"dis {addr:x} 5"
    theirs = crash([cmd], dump=str(dump))[cmd]
    ours = pykdump.run([cmd], dump=str(dump))
    assert ours.returncode == 0, ours.stderr
    compare(ours.stdout, theirs, what="dis of rewritten code")
    assert re.search(r"\tdata16 nopw %cs:0x0\(%rax,%rax,1\)$", ours.stdout,
                     re.M), ours.stdout
    assert re.search(r"\t\(bad\)  $", ours.stdout, re.M), ours.stdout
