# SPDX-License-Identifier: GPL-2.0-or-later
"""search on the sample against crash 8.0.6.

crash's kernel-space search is wrong in two ways on x86_64, which the
comparison takes out of crash's answer before comparing (every other
line must be the same, in the same order):

  - it translates the whole range [__START_KERNEL_map, _end)
    arithmetically, so the physical memory below the kernel image is
    reported a second time at addresses below _text that no page table
    maps (a kernel read there faults); we search what is mapped;
  - its vmalloc range ends at the last vmap area, which is in module
    space, so module memory (and, when -s starts inside it, the kernel
    image) is searched twice and each match printed twice; we print
    each match once, in the pass of its own range (crash's later one).
"""
import re

import pytest

DUMP = "vmcore.kdump"
# __START_KERNEL_map: where x86_64 maps the kernel image, a constant
START_KERNEL_MAP = 0xffffffff80000000  # x86_64 constant, not a boot address
CMDS = ["search init_task", "search -k deadbeef", "search -K init_task",
        "search -V init_task", "search -p init_task",
        "search -c PYKDUMP-FIXTURE-MARKER", "search -u -c busybox",
        "search -k -c \"Linux version\"", "search -w -k init_task",
        "search -w -s _sdata -e _edata 1000",
        "search -h -s _stext -e _etext 9090",
        "search -m ffff -s _sdata -e _edata init_task",
        "search -s _sdata -e _edata init_task",
        "search -s init_task -l 0x2000 init_task",
        "search -t init_task", "search -T init_task",
        "search -p -x 2 init_task", "search init_task init_task+8",
        "search -u 400000"]
# the kernel-space searches (not physical, user or stacks)
KERNEL = [c for c in CMDS if not re.search(r" -[putT]( |$)", c)]


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CMDS + ["sym _text"], dump=DUMP)


@pytest.fixture(scope="module")
def ours(pykdump):
    return {c: pykdump.run([c], dump=DUMP, merge=True) for c in CMDS}


def without_crash_faults(text, text_start):
    """crash's lines without its two faults (see the module's doc)."""
    keep = []
    for ln in text.splitlines():
        m = re.match(r"^([0-9a-f]+): ", ln)
        if m and START_KERNEL_MAP <= int(m.group(1), 16) < text_start:
            continue
        keep.append(ln)
    seen, out = set(), []
    for ln in reversed(keep):       # the last of a repeated match stays
        if ln.strip() and ln in seen:
            continue
        seen.add(ln)
        out.append(ln)
    return "\n".join(reversed(out))


@pytest.mark.parametrize("cmd", CMDS)
def test_matches_crash(cmd, ref, ours, compare):
    text_start = int(ref["sym _text"].split()[0], 16)
    want = ref[cmd]
    if cmd in KERNEL:
        want = without_crash_faults(want, text_start)
    compare(ours[cmd].stdout, want, what=cmd)
    # a symbol's value does not fit in 32 bits: an error, for crash too
    assert (ours[cmd].returncode != 0) == (cmd == "search -w -k init_task")


def test_crash_faults_are_what_the_filter_removes(ref):
    """The filter above removes only what it says: crash's full search
    has matches below _text, and each is a copy of a direct-map match (the
    two mappings' bases are 2 MB aligned: the same offset in a 2 MB
    page), fewer of them than direct-map matches."""
    text_start = int(ref["sym _text"].split()[0], 16)
    lines = ref["search init_task"].splitlines()
    addr = [int(ln.split(":")[0], 16) for ln in lines]
    low = [a for a in addr if START_KERNEL_MAP <= a < text_start]
    assert low, "crash no longer searches below _text: drop the filter"
    direct = [a for a in addr if a < START_KERNEL_MAP and
              lines[addr.index(a)].startswith("ffff8")]
    assert len(low) <= len(direct)
    assert {a & 0x1fffff for a in low} <= {a & 0x1fffff for a in direct}


def test_facts(ours):
    """Matches are found where the sample puts them."""
    assert re.search(r"^[0-9a-f]+: [0-9a-f]{16} \(init_task\)$",
                     ours["search init_task"].stdout, re.M)
    assert "PYKDUMP-FIXTURE-MARKER" in \
        ours["search -c PYKDUMP-FIXTURE-MARKER"].stdout
    assert re.search(r"^[0-9a-f]+: Linux version \d+\.\d+\.\d+",
                     ours["search -k -c \"Linux version\""].stdout, re.M)
    assert re.search(r"^PID: \d+ ", ours["search -t init_task"].stdout, re.M)
    assert ours["search -u 400000"].stdout.strip()


def test_bad_input_keeps_going(pykdump):
    """Bad arguments are errors; the next command runs."""
    r = pykdump.run(["search", "search -s 1000 init_task",
                     "search -e 0 init_task", "search -l 8 -e 1000 1",
                     "search -w 123456789", "search -c -x 2 abc",
                     "search -x 9999 1", "search -s nosuchsym 1",
                     "search -Z 1",
                     "search -s init_task -l 0x2000 init_task"],
                    dump=DUMP)
    out = r.stdout + r.stderr
    for msg in ("search: a value to search for is required",
                "search: invalid kernel virtual address",
                "search: invalid ending address: 0",
                "search: -e and -l are mutually exclusive",
                "search: value too large for -w option: 123456789",
                "search: -x option is not allowed with -c",
                "search: context value too large: maximum is 512",
                "search: invalid address or symbol: nosuchsym",
                "invalid option -- 'Z'"):
        assert msg in out, msg
    assert re.search(r"^[0-9a-f]+: [0-9a-f]{16} \(init_task\)\n\Z",
                     r.stdout, re.M)
    assert r.returncode == 1     # some command failed


def test_ranges_to_the_top_of_the_space(pykdump):
    """Ranges that end at 2^64-1 (or past memory) end, and give what the
    memory holds: physical memory past the memory nodes is not read page
    by page, and no page address wraps to 0."""
    top = "ffffffffffffffff"  # the last address of any 64-bit space
    r = pykdump.run([f"search -p -e {top} init_task",
                     f"search -p -s {top[:-3]}000 -e {top} 1",
                     f"search -s {top[:-3]}000 -e {top} 1",
                     "search -p init_task"], dump=DUMP, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    # the first and the last command found the same matches; the two
    # ranges at the top found nothing
    half = len(lines) // 2
    assert lines and len(lines) % 2 == 0 and lines[:half] == lines[half:]
