# SPDX-License-Identifier: GPL-2.0-or-later
"""printk's per-CPU safe buffers (4.11 - 5.14: nmi_print_seq and
safe_print_seq, messages printed in NMI context or under the log lock and
not yet flushed into the log), against crash on the same dump.

On a kernel without them (5.15+, the 6.1 sample) log -s prints nothing,
as crash.  On one with them (5.10: make test-older) the sample's are
empty, so a copy of the dump gets text written into CPU 0's
nmi_print_seq (two messages, one of two lines, and a level 'c'
continuation) and log -s, log, log -m and log -t must print what crash
prints for it: under a per-CPU header with -s, tagged "[nmi_print_seq] "
after the log without."""
import re

from test_corrupt import Corrupter, Pristine  # noqa: F401


CMDS = ["log -s", "log", "log -m", "log -t"]
TEXT = (b"\x014Uhhuh. NMI received for unknown reason 30 on CPU 0.\n"
        b"\x014Do you have a strange power\nsaving mode enabled?\n"
        b"\x01c tail \x7f\xfe\n")


def has_safe(pykdump, dump):
    r = pykdump.run(["sym nmi_print_seq"], dump=str(dump))
    return r.returncode == 0 and "nmi_print_seq" in r.stdout


def safe_patches(p, length):
    """Patches writing TEXT into CPU 0's nmi_print_seq, its len set to
    length."""
    out = p.run(["log -s"])
    addr = int(re.search(r"^PRINTK_SAFE_SEQ_BUF: nmi_print_seq\n"
                         r"CPU: 0  ADDR: ([0-9a-f]+)", out, re.M).group(1),
               16)
    offs = p.offsets("printk_safe_seq_buf")
    patches = [(addr + offs["len"], length.to_bytes(4, "little")),
               (addr + offs["message_lost"], (2).to_bytes(4, "little"))]
    at, data = addr + offs["buffer"], TEXT
    while data:		# one patch a page
        n = min(len(data), 4096 - at % 4096)
        patches.append((at, data[:n]))
        at, data = at + n, data[n:]
    return patches


def test_log_s_as_crash(sample, pykdump, crash, compare, tmp_path):
    """Whichever the kernel has: no safe buffers, or safe buffers with
    text written into one."""
    src = sample.dump("vmcore.elf")
    if not has_safe(pykdump, src):
        r = pykdump.run(["log -s"], dump=str(src))
        assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r
        compare(r.stdout, crash.alone("log -s", dump="vmcore.elf"),
                what="log -s")
        return
    p = Pristine(pykdump, src)
    dump = Corrupter(p, tmp_path).make("safe", safe_patches(p, len(TEXT)))
    theirs = crash(CMDS, dump=str(dump))
    ours = {c: pykdump.run([c], dump=str(dump)) for c in CMDS}
    for c in CMDS:
        assert ours[c].returncode == 0, ours[c].stderr
        compare(ours[c].stdout, theirs[c], what=f"{c} with a safe buffer")
    assert "[nmi_print_seq] Uhhuh. NMI received" in ours["log"].stdout
    assert "LEN: %d  MESSAGE_LOST: 2" % len(TEXT) in ours["log -s"].stdout


def test_log_s_len_past_the_buffer(sample, pykdump, crash, compare,
                                   tmp_path):
    """A safe buffer whose len is past its end (corrupt: the kernel
    counts the bytes it filled): crash shows the buffer to its end and
    says nothing; we show the same, then say on stderr that len is
    corrupt and fail (a partial answer is never silent).  Kernels
    without safe buffers (5.15+) have nothing to corrupt here: the test
    above checks that log -s prints nothing on them."""
    src = sample.dump("vmcore.elf")
    if not has_safe(pykdump, src):
        return
    p = Pristine(pykdump, src)
    dump = Corrupter(p, tmp_path).make("safe-len",
                                       safe_patches(p, 0x7fffffff))
    theirs = crash(CMDS, dump=str(dump))
    for c in CMDS:
        r = pykdump.run([c], dump=str(dump))
        compare(r.stdout, theirs[c], what=f"{c} with a corrupt len")
        assert r.returncode != 0 and re.search(
            r"^log: printk safe buffers: nmi_print_seq of CPU 0: len "
            r"2147483647 is not within its \d+-byte buffer$", r.stderr,
            re.M), (c, r.stderr)
