# SPDX-License-Identifier: GPL-2.0-or-later
"""Files that shrink while a session has them open (issue 19): a copy of
the dump in each format, of the vmlinux or of the DWARF index cache is cut
short between two commands of the shell reading its commands from a pipe
("help | truncate -s N FILE; echo CUT-DONE" does it at a known point of
the stream, and marks that point in the output).

The session must not die (SIGBUS killed it before), must say which file
shrank and where (an error naming the file and an offset), must still
answer what is readable (the same as before the truncation), and the next
command must run.  A file removed while open changes nothing.  An epython
program cutting its own dump short gets crash.error, not a signal
(test_pyapi_shrink.py: the same through the Python API alone).

With PYKDUMP_ASAN_BIN (make asan) every case runs on the sanitized CLI too.
The sample's files are never touched: only copies are cut.
"""

import os
import re
import shutil
import subprocess

import pytest

TIMEOUT = 300
CRASHED = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
           "Segmentation", "Bus error", "core dumped")
# Physical addresses sampled across the sample's 256 MB (read with rd -p
# before and after the cut: each must read the same, or fail).
PROBES = [a << 20 for a in range(0, 256, 3)]
SHRANK = re.compile(r"shrank (?:while open|while the command ran)")


@pytest.fixture(params=["cli"] + (["asan"] if os.environ.get(
    "PYKDUMP_ASAN_BIN") else []))
def binary(request, pykdump):
    return {"cli": str(pykdump.bin),
            "asan": os.environ.get("PYKDUMP_ASAN_BIN")}[request.param]


def shell(binary, files, cmds, env=None, timeout=TIMEOUT):
    """The shell on files, its commands from a pipe -> CompletedProcess;
    asserts it was not killed and no sanitizer complained."""
    r = subprocess.run([binary, *map(str, files)],
                       input="".join(c + "\n" for c in cmds),
                       capture_output=True, text=True, errors="replace",
                       timeout=timeout,
                       env={**os.environ, **(env or {}),
                            "ASAN_OPTIONS": "detect_leaks=1",
                            "UBSAN_OPTIONS": "halt_on_error=1:"
                                             "print_stacktrace=1"})
    both = r.stdout + r.stderr
    assert r.returncode >= 0, \
        f"killed by signal {-r.returncode}:\n{both[-4000:]}"
    for bad in CRASHED:
        assert bad not in both, f"{bad}:\n{both[-6000:]}"
    return r


def probes():
    return [f"rd -p {a:#x} 2" for a in PROBES]


def probe_lines(out, err):
    """{address: output line} of the rd -p probes: data (on stdout), or
    rd's read error naming the address (on stderr)."""
    got = {}
    for ln in out.splitlines() + err.splitlines():
        m = re.match(r"^ *([0-9a-f]+):  ", ln)
        if m:
            got[int(m.group(1), 16)] = ln
        m = re.match(r"^rd: read error: physical address: ([0-9a-f]+) ", ln)
        if m:
            got[int(m.group(1), 16)] = "error"
    return got


def cut(path, size):
    """The command that cuts path to size at that point of the session."""
    return f"help | truncate -s {size} {path}; echo CUT-DONE"


def cut_and_probe(binary, vmlinux, files, victim, size, after=()):
    """sys, the cut of victim to size, the probes, then the commands after
    and `sys` and `help` -> (run, {address: probe line})."""
    cmds = (["sys", cut(victim, size)] + probes() + list(after) +
            ["sys", "help"])
    r = shell(binary, [vmlinux, *files], cmds)
    got = probe_lines(r.stdout.split("CUT-DONE", 1)[1], r.stderr)
    assert set(got) == set(PROBES), r.stdout[-3000:]
    return r, got


# ------------------------------------------------------------------ dumps

@pytest.fixture(scope="module")
def split_set(sample, tmp_path_factory):
    """A split set of three files made by makedumpfile from the -d 31 ELF
    variant (as test_dump_formats makes one)."""
    out = tmp_path_factory.mktemp("split")
    parts = [out / f"split.{i}" for i in range(3)]
    r = subprocess.run(["makedumpfile", "--split", "--splitblock-size",
                        "1024", "-c", "-d", "0",
                        str(sample / "vmcore.d31.elf"), *map(str, parts)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return parts


FORMATS = {"elf": "vmcore.d31.elf", "kdump": "vmcore.d31.zlib",
           "flattened": "vmcore.flat", "split": None}


def copies(sample, split_set, fmt, dest):
    """Copies of the format's files in dest, and the one to cut."""
    srcs = split_set if fmt == "split" else [sample / FORMATS[fmt]]
    files = []
    for s in srcs:
        files.append(dest / s.name)
        shutil.copyfile(s, files[-1])
    return files, files[len(files) // 2]


@pytest.fixture(scope="module")
def pristine_probes(pykdump, sample, split_set):
    """The probes on each format's untouched files."""
    got = {}
    for fmt in FORMATS:
        files = split_set if fmt == "split" else [sample / FORMATS[fmt]]
        r = shell(str(pykdump.bin), [sample.vmlinux, *files], probes())
        got[fmt] = probe_lines(r.stdout, r.stderr)
        assert set(got[fmt]) == set(PROBES)
    return got


@pytest.mark.parametrize("fmt", FORMATS)
def test_dump_cut_in_half(binary, sample, split_set, pristine_probes, fmt,
                          tmp_path):
    files, victim = copies(sample, split_set, fmt, tmp_path)
    size = victim.stat().st_size // 2
    r, after = cut_and_probe(binary, sample.vmlinux, files, victim, size,
                             after=["ps", "bt -a", "log"])
    ref = pristine_probes[fmt]
    same = [a for a in PROBES if after[a] == ref[a] != "error"]
    gone = [a for a in PROBES if after[a] != ref[a]]
    # what is still in the file reads as before; what is gone fails
    # (never other data)
    assert all(after[a] == "error" for a in gone), \
        [(hex(a), ref[a], after[a]) for a in gone]
    assert same, "nothing readable left"
    assert gone, "no probe lost: the cut did not reach the data"
    both = r.stdout + r.stderr
    msgs = [ln for ln in both.splitlines()
            if SHRANK.search(ln) and str(victim) in ln]
    assert msgs and any(re.search(r"offset 0x[0-9a-f]+", m) for m in msgs), \
        both[-4000:]
    assert re.search(r"^ +RELEASE: \S+", r.stdout, re.M)	# sys ran
    assert r.stdout.rstrip().endswith("quit or exit leaves."), \
        "the last command did not run"


def test_issue_reproducer(binary, sample, tmp_path):
    """The issue's steps: sys, vmcore.d31.zlib cut to 1 MB, log."""
    dump = tmp_path / "vmcore.d31.zlib"
    shutil.copyfile(sample / "vmcore.d31.zlib", dump)
    r = shell(binary, [sample.vmlinux, dump],
              ["sys", cut(dump, 1000000), "log", "ps", "help"])
    assert "quit or exit leaves." in r.stdout.split("CUT-DONE")[1]
    assert [ln for ln in (r.stdout + r.stderr).splitlines()
            if SHRANK.search(ln) and str(dump) in ln]


@pytest.mark.parametrize("fmt", ("kdump", "split"))
def test_dump_removed_while_open(binary, sample, split_set, fmt, tmp_path):
    """Removed (every file of a split set): the mapping keeps the data."""
    files, _ = copies(sample, split_set, fmt, tmp_path)
    cmds = ["ps", "bt -a", "log | tail -5"]
    rm = "help | rm -f " + " ".join(map(str, files)) + "; echo CUT-DONE"
    r = shell(binary, [sample.vmlinux, *files], cmds + [rm] + cmds)
    first, second = r.stdout.split("CUT-DONE")
    assert not any(f.exists() for f in files)
    assert second.strip() == first.strip()
    assert "PID" in first and not SHRANK.search(r.stdout + r.stderr)


# ---------------------------------------------------------------- vmlinux

@pytest.fixture
def vmlinux_copy(sample, tmp_path):
    """A copy with the original's mtime and size: the cached DWARF index
    of the original still matches it."""
    dst = tmp_path / "vmlinux"
    shutil.copy2(sample.vmlinux, dst)
    return dst


def section_end(path, name):
    import struct
    with open(path, "rb") as f:
        h = f.read(64)
        shoff, = struct.unpack_from("<Q", h, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", h, 0x3a)
        f.seek(shoff)
        sh = [struct.unpack_from("<IIQQQQ", f.read(shentsize))
              for _ in range(shnum)]
        f.seek(sh[shstrndx][4])
        names = f.read(sh[shstrndx][5])
    for s in sh:
        if names[s[0]:names.index(b"\0", s[0])].decode() == name:
            return s[4], s[5]
    raise LookupError(name)


@pytest.mark.parametrize("where", ("debug_info", "end", "all"))
def test_vmlinux_cut(binary, sample, vmlinux_copy, where):
    """Cut inside .debug_info (libdw and the types read it), just before
    the end (the section headers), or to nothing."""
    off, size = section_end(vmlinux_copy, ".debug_info")
    at = {"debug_info": off + size // 2,
          "end": vmlinux_copy.stat().st_size - 100, "all": 0}[where]
    dump = sample / "vmcore.kdump"
    cmds = ["sys", "whatis struct task_struct", cut(vmlinux_copy, at),
            "whatis struct sk_buff", "ps", "bt -a", "sym schedule", "help"]
    r = shell(binary, [vmlinux_copy, dump], cmds)
    after = r.stdout.split("CUT-DONE", 1)[1]
    assert "exit leaves." in after	# the last command ran
    # errors go to stderr (and only the cut makes any)
    errs = [ln for ln in r.stderr.splitlines() if SHRANK.search(ln)]
    # every command after the cut says so, naming the file and offset
    for cmd in ("whatis", "ps", "bt", "sym", "help"):
        assert any(ln.startswith(cmd + ": ") and str(vmlinux_copy) in ln
                   and re.search(r"offset 0x[0-9a-f]+", ln)
                   for ln in errs), (cmd, after[-3000:])
    assert r.returncode != 0
    # a new session refuses the short file cleanly
    r2 = shell(binary, [vmlinux_copy, dump], ["sys"])
    assert r2.returncode != 0 and str(vmlinux_copy) in r2.stderr


def test_vmlinux_removed_while_open(binary, sample, vmlinux_copy):
    dump = sample / "vmcore.kdump"
    cmds = ["whatis struct sk_buff", "sym schedule", "ps | tail -3"]
    r = shell(binary, [vmlinux_copy, dump],
              cmds + [f"help | rm {vmlinux_copy}; echo CUT-DONE"] + cmds)
    first, second = r.stdout.split("CUT-DONE")
    assert second.strip() == first.strip() and "sk_buff" in first
    assert not vmlinux_copy.exists()


def test_module_debuginfo_cut(binary, sample, tmp_path):
    """A module's debuginfo (mod -s, relocated in a private mapping) cut
    short: every command says so until the module's debuginfo is dropped
    (mod -d), after which the session is whole again."""
    ko = tmp_path / "dummy.ko"
    shutil.copyfile(sample.modules / "kernel/drivers/net/dummy.ko", ko)
    r = shell(binary, [sample.vmlinux, sample / "vmcore.kdump"],
              [f"mod -s dummy {ko}", "sym dummy_validate", cut(ko, 5000),
               "sym dummy_validate", "mod", "mod -d dummy",
               "help | echo DROPPED", "sym dummy_validate", "help"])
    after = r.stdout.split("CUT-DONE", 1)[1]
    errs = [ln for ln in r.stderr.splitlines()     # errors: stderr
            if SHRANK.search(ln) and str(ko) in ln]
    for cmd in ("sym", "mod"):
        assert any(ln.startswith(cmd + ": ") and
                   re.search(r"offset 0x[0-9a-f]+", ln) for ln in errs), \
            (cmd, after)
    dropped = after.split("DROPPED", 1)[1]
    assert "dummy_validate" in dropped and not SHRANK.search(dropped), after
    assert after.rstrip().endswith("exit leaves.")


# ------------------------------------------------------ the index cache

def test_index_cache_cut(binary, sample, tmp_path):
    """The mapped index cut in half: the index is built again (a warning
    says why), the answers do not change, and the file is whole again
    for the next session."""
    cache = tmp_path / "cache"
    dump = sample / "vmcore.kdump"
    env = {"PYKDUMP_CACHE_DIR": str(cache)}
    shell(binary, [sample.vmlinux, dump], ["sys"], env=env)	# builds it
    index = [p for p in (cache / "index").iterdir()
             if "." not in p.name][0]
    whole, stamp = index.read_bytes(), index.stat().st_mtime_ns
    asks = ["whatis struct virtio_device", "p max_threads",
            "struct sk_buff -o | head -20", "sym schedule",
            "whatis struct no_such_struct_anywhere", "ps | tail -3"]
    ref = shell(binary, [sample.vmlinux, dump],
                ["sys", "help | echo CUT-DONE"] + asks, env=env)
    assert index.stat().st_mtime_ns == stamp	# loaded, not built
    r = shell(binary, [sample.vmlinux, dump],
              ["sys", cut(index, len(whole) // 2)] + asks, env=env)
    warn = [ln for ln in r.stderr.splitlines()
            if str(index) in ln and "shrank while open" in ln]
    assert warn and "building the index again" in warn[0], r.stderr
    after = [ln for ln in r.stdout.split("CUT-DONE")[1].splitlines()
             if not (SHRANK.search(ln) and str(index) in ln)]
    assert after == ref.stdout.split("CUT-DONE")[1].splitlines()
    assert index.read_bytes() == whole	# saved again, whole
    assert not [p for p in (cache / "index").iterdir() if ".tmp" in p.name]


# ------------------------------------------------------------------ Python

PROG = """\
import os, sys
from pykdump.API import *
import crash
dump = sys.argv[1]
print("before:", readSymbol("init_task").comm)
os.truncate(dump, 1 << 20)
read, failed = 0, []
for a in range(0, 256 << 20, 3 << 20):
    try:
        readmem(a, 16, crash.PHYSADDR)
        read += 1
    except crash.error as e:
        failed.append(str(e))
print("after: read", read)
for e in failed:
    print("after: crash.error:", e)
print("still alive")
"""


def check_program_output(out, dump):
    """What PROG printed: it lived on, read what was left, and got
    crash.error naming the file and an offset for what was gone."""
    assert "before: swapper" in out and "still alive" in out, out
    read = int(re.search(r"^after: read (\d+)$", out, re.M).group(1))
    errs = re.findall(r"^after: crash.error: (.*)$", out, re.M)
    assert read > 0, out	# the first MB, and pages read before
    gone = [e for e in errs if SHRANK.search(e) and str(dump) in e]
    assert gone and re.search(r"offset 0x[0-9a-f]+", gone[0]), out


# epython on the plain CLI only: under ASan the interpreter's own leaks
# would be reported (the Python API under ASan: test_pyapi_shrink.py)
def test_epython_program_cuts_its_dump(pykdump, sample, tmp_path):
    dump = tmp_path / "vmcore.d31.zlib"
    shutil.copyfile(sample / "vmcore.d31.zlib", dump)
    prog = tmp_path / "cut.py"
    prog.write_text(PROG)
    r = shell(str(pykdump.bin), [sample.vmlinux, dump],
              [f"epython {prog} {dump}", "sys", "help"])
    check_program_output(r.stdout, dump)
    # the command that ran while the file shrank says so; the next run
    assert re.search(r"^epython: .*shrank while the command ran", r.stderr,
                     re.M), r.stderr
    assert r.stdout.rstrip().endswith("exit leaves.")
