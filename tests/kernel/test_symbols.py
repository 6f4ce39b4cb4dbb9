# SPDX-License-Identifier: GPL-2.0-or-later
"""The vmlinux symbol table against `nm` (whose letters crash's `sym` shows):
same addresses and type letters; kept are the symbols from _text on plus
the per-CPU ones, as crash keeps them."""
import re
import subprocess

from test_types import typedump, vmlinux  # noqa: F401 (fixtures)


def crash_name(name):
    """crash cuts a GCC clone name at ".isra.", else at ".part."."""
    for suffix in (".isra.", ".part."):
        if suffix in name:
            return name[:name.index(suffix)]
    return name


def section_names(vmlinux):
    out = subprocess.run(["readelf", "-S", "-W", str(vmlinux)], capture_output=True,
                         text=True, check=True).stdout
    return set(re.findall(r"^\s*\[\s*\d+\]\s+(\S+)", out, re.M))


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
        name = crash_name(name)
        theirs.add((addr, letter, name))
        if name == "_text":
            text = addr
    out = subprocess.run([str(typedump), str(vmlinux), "-l", "all"],
                         capture_output=True, text=True, check=True).stdout
    ours = set()
    for line in out.splitlines():
        addr, letter, name = line.split()
        ours.add((int(addr, 16), letter, name))
    names = section_names(vmlinux)
    sections = {s for s in ours if s[2] in names}   # section symbols: nm hides them
    assert ours - sections - theirs == set()
    wanted = {s for s in theirs if s[0] > text or s[1] in "dD" and s[0] < 0x100000}
    missing = wanted - ours
    assert missing == set(), sorted(missing)[:20]
    assert len(ours) > 50000	# a distro kernel's (96,874 on 5.10)


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


# ------------------------------------------------------------ against crash

def typedump_lines(typedump, vmlinux, *args):  # noqa: F811
    return subprocess.run([str(typedump), *args[:-1], str(vmlinux), *args[-1]],
                          capture_output=True, text=True, check=True).stdout


def test_symbol_list_matches_crash(sample, crash, typedump):  # noqa: F811
    """`sym -l`: every kernel symbol, value, letter and order as crash
    (crash also lists the loaded modules' symbols, which are not ours)."""
    ref = crash(["sym -l"])["sym -l"]
    theirs = []
    for line in ref.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1].startswith("(") and parts[1].endswith(")"):
            theirs.append((int(parts[0], 16), parts[1][1], parts[2]))
    out = typedump_lines(typedump, sample.vmlinux, "-r", hex(sample.kaslr_offset),
                         ["-l", "all"])
    ours = [(int(a, 16), t, n) for a, t, n in (l.split() for l in out.splitlines())]
    ours_set = set(ours)
    assert [s for s in theirs if s in ours_set] == ours
    image_end = max(v for v, _, _ in ours)
    extra = [s for s in theirs if s not in ours_set]
    assert all(v > image_end for v, _, _ in extra), extra[:10]   # module symbols


WHATIS_VARS = ["linux_banner", "init_task", "jiffies", "runqueues", "init_mm",
               "nr_cpu_ids", "system_state", "init_uts_ns", "vmcoreinfo_note",
               "modules"]


def test_whatis_variables_match_crash(sample, crash, typedump):  # noqa: F811
    ref = crash([f"whatis {v}" for v in WHATIS_VARS])
    args = []
    for v in WHATIS_VARS:
        args += ["-v", v]
    out = typedump_lines(typedump, sample.vmlinux, args).splitlines()
    ours = {v: out[2 * i] for i, v in enumerate(WHATIS_VARS)}
    for v in WHATIS_VARS:
        assert ref[f"whatis {v}"].strip() == ours[v] + ";", v
