# SPDX-License-Identifier: GPL-2.0-or-later
"""Address-space and memory-reading commands on the sample against crash
8.0.6: vm, swap, vtop (user addresses, -c), ptov, btop, ptob and rd's
options, line by line after collapsing blanks.

The sample: init (PID 1, busybox, statically linked at 0x400000) is the
panic task and the current context; fixture-sleeper's child is a sleep;
the machine has no swap.
"""
import re

import pytest

DUMP = "vmcore.kdump"
SLEEPER = "<pid fixture-sleeper>"
TOP = "ffffffffffffff00"  # the address space's last bytes: never mapped
CMDS = ["vm", "vm 1", "vm -p 1", "vm -m 1", "vm -x -m 1", "vm -v 1", "vm 2",
        f"vm {SLEEPER}", "vm <task fixture-worker>", f"vm -p {SLEEPER}",
        "vm 0", "vm 99999", "swap",
        # vtop: user addresses, mapped, not present (file and anonymous),
        # a kernel thread (no mm), kernel addresses with -c
        "vtop -c 1 400000", "vtop 7fff9affc000", "vtop 4f0000",
        "vtop -c 2 400000", "vtop -c 1 init_task", "vtop -u 400000",
        "vtop -k 400000", "vtop -c 99999 400000",
        f"vtop -c {SLEEPER} 400000",
        "ptov 1000", "ptov 1000 2000", "ptov 1fb40:a", "ptov 1fb40:",
        "ptov 1fb40:1", "ptov 1fb40:0-1", "ptov xyz",
        "btop 12345678 fff", "ptob 1234 0x10 ff",
        # rd: sizes, radix, symbols, ascii, physical, user, ranges
        "rd linux_banner 8", "rd -8 linux_banner 20",
        "rd -16 linux_banner 12", "rd -32 linux_banner 9",
        "rd -64 linux_banner 3", "rd -d jiffies", "rd -D jiffies",
        "rd -d -32 init_task 8", "rd -D -16 init_task 8",
        "rd -d -8 init_task 20", "rd -s init_task 12",
        "rd -S init_task 200", "rd -SS init_task 200",
        "rd -a linux_banner", "rd -a linux_banner 30", "rd -a init_task 200",
        "rd -a jiffies 5", "rd -x init_task 4",
        "rd -p 1000 6", "rd -u 400000 4", "rd -32 -u 400000 8",
        "rd 400000 2", "rd -32 init_task -e (init_task+0x22)",
        "rd -p 1000 -e 1040", "rd -32 -p 1000 -e 1022",
        "rd -o 8 init_task 2", "rd -N -32 init_task 4",
        "rd -N -16 linux_banner 8", "rd -R init_task 4",
        "rd (init_task+8) 2", "rd 0", "rd init_task 0",
        f"rd {TOP} 4", "rd init_task 99999999999999999999",
        "rd nosuchsym"]

# Where crash is wrong: what we print instead, and why.
KNOWN = {
    f"rd {TOP} 4": (
        rf"^rd: seek error: kernel virtual address: {TOP} ",
        rf"^rd: invalid kernel virtual address: {TOP} ",
        "crash translates every address above __START_KERNEL_map as if "
        "it were in the kernel image, to a physical address past the "
        "dump; no page table maps this one"),
    "rd init_task 99999999999999999999": (
        r"^[0-9a-f]{16}: [0-9a-f]{16} \S+$",
        r"^rd: invalid count request: 99999999999999999999$",
        "the count does not fit in 64 bits; crash's conversion gives a "
        "count of 1 and prints one value as if nothing were wrong"),
    "rd (init_task+8) 2": (
        r'^rd: invalid user virtual address: 0 type: "64-bit UVADDR"$',
        r"^[0-9a-f]{16}: [0-9a-f]{16} [0-9a-f]{16} ",
        "gdb evaluates init_task as the struct, not its address, fails to "
        "add 8 to it and crash reads address 0; we take a symbol in an "
        "expression as its address, as `rd init_task` does"),
}


@pytest.fixture(scope="module")
def both(crash):
    return crash.symbolic(CMDS, dump=DUMP)


@pytest.fixture(scope="module")
def ours(pykdump, both):
    return {c: pykdump.run([r], dump=DUMP, merge=True)
            for c, r in both[0].items()}


def allow_for(cmd, compare):
    k = KNOWN.get(cmd)
    if not k or k[0] is None:
        return []
    return [compare.Known(ref=k[0], ours=k[1], reason=k[2])]


@pytest.mark.parametrize("cmd", CMDS)
def test_matches_crash(cmd, both, ours, compare):
    compare(ours[cmd].stdout, both[1][cmd], allow=allow_for(cmd, compare),
            what=cmd, strict_allow=True)


def test_vm_single_area(crash, pykdump, both, compare):
    """vm -P VMA: one area with its pages (the area from crash's vm)."""
    vma = re.search(r"^([0-9a-f]{16})\s+4[0-9a-f]{5}\s", both[1]["vm 1"],
                    re.M).group(1)
    cmds = [f"vm -P {vma}", f"vm -P {vma} 1", "vm -P 1234 1"]
    ref = crash(cmds, dump=DUMP)
    for c in cmds:
        compare(pykdump([c], dump=DUMP), ref[c], what=c)


def test_facts(ours):
    """What the comparisons rely on is there."""
    assert re.search(r"^[0-9a-f]{16}\s+400000\s+401000\s+8000071 /bin/busybox$",
                     ours["vm 1"].stdout, re.M)
    assert re.search(r"^4f0000\s+FILE: /bin/busybox  OFFSET: f0000$",
                     ours["vm -p 1"].stdout, re.M)
    assert "struct mm_struct {" in ours["vm -m 1"].stdout
    assert "(not accessible)" in ours["vtop -c 2 400000"].stdout
    assert "FILE: /bin/busybox  OFFSET: f0000" in ours["vtop 4f0000"].stdout
    assert ours["swap"].stdout.startswith("SWAP_INFO_STRUCT")


def test_errors_keep_going(pykdump):
    """Bad input: an error each, non-zero status, the next command runs."""
    r = pykdump.run(["vm -f 1", "vm -p -m 1", "vm -d -x -m 1", "vm -Z",
                     "rd", "rd -m 1000", "rd -8 -s init_task",
                     "rd -r /nonexistent/dir/x init_task 8",
                     "vtop", "vtop -u -k 400000", "ptov", "btop zz",
                     "ptob", "ptob -1", "swap extra", "vm 2"], dump=DUMP)
    out = r.stdout + r.stderr
    for msg in ("vm: option -f is not supported",
                "vm: -p, -P, -m and -v are mutually exclusive",
                "vm: -d and -x are mutually exclusive",
                "vm: invalid option -- 'Z'",
                "rd: an address or symbol is required",
                "rd: option -m is not supported",
                "rd: -s option is only allowed with 64-bit display",
                "rd: cannot open output file: /nonexistent/dir/x",
                "vtop: an address is required",
                "vtop: -u and -k options are mutually exclusive",
                "ptov: an address is required", "btop: invalid address: zz",
                "ptob: a page number is required",
                "swap: arguments are not supported: extra"):
        assert msg in out, msg
    assert r.stdout.rstrip().endswith("0k       0k")
    assert r.returncode == 1     # some command failed
    r = pykdump.run(["vm 2", "rd 0"], dump=DUMP)
    assert r.returncode != 0


def test_rd_raw_file(pykdump, tmp_path):
    """-r writes the bytes -x shows."""
    f = tmp_path / "raw"
    out = pykdump([f"rd -r {f} linux_banner 16", "rd -8 -x linux_banner 16"],
                  dump=DUMP)
    assert f"16 bytes copied from 0x" in out
    hexes = re.findall(r"\b[0-9a-f]{2}\b", out.splitlines()[1].split(":", 1)[1])
    assert f.read_bytes() == bytes(int(h, 16) for h in hexes)
