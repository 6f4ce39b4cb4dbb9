# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures for the kernel tests: the real sample dump, crash 8.0.6 as the
reference, pykdump itself, and an output comparison helper.

Run with Debian's python:  /usr/bin/python3 -m pytest tests/kernel

Environment:
  PYKDUMP_SAMPLE_DIR  sample directory (default ~/.cache/pykdump/sample-R,
                      R = make-sample-dump's pinned release); made with
                      scripts/make-sample-dump when its MANIFEST is missing
  PYKDUMP_BIN         the pykdump program (default <repo>/build/pykdump)

Fixtures (all session scoped):
  sample    Sample: the sample dir.  str(sample)/os.fspath(sample) is its
            path; sample / "vmcore.elf", sample.dump("vmcore.kdump"),
            sample.vmlinux, sample.modules, sample.manifest (dict),
            sample.release, sample.kaslr_offset, sample.dumps (name -> Path
            of every dump variant present), sample.console (text).
  crash     crash(cmds, dump="vmcore.elf") -> {cmd: output}; all commands in
            ONE crash run through scripts/crash-ref (results cached on disk
            and in memory).  crash.prefetch(cmds, dump_names, jobs=2) runs
            several dumps in parallel first.
  pykdump   pykdump(cmds, dump="vmcore.elf") -> stdout of
            `build/pykdump -c CMD... VMLINUX DUMP`; fails the test when the
            program is not built.  pykdump.run(...) gives the CompletedProcess.
  compare   compare(ours, ref, allow=(), what="", strict_allow=False):
            asserts that two outputs agree line by line after collapsing
            blanks, except for differences an allow-list entry explains.
            compare.Known(ref=REGEX, ours=REGEX, reason=...) is an entry (a
            plain string excuses matching lines on both sides);
            compare.lines(ours, ref, allow) -> (problems, used entries);
            compare.normalize(text) -> the collapsed lines.
"""

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from difflib import SequenceMatcher, unified_diff
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
PYTHON = "/usr/bin/python3"

# Every dump variant make-sample-dump may produce, in a stable order.
DUMP_NAMES = ("vmcore.elf", "vmcore.flat", "vmcore.kdump", "vmcore.d31.zlib",
              "vmcore.d31.lzo", "vmcore.d31.elf", "vmcore.d31.zstd")


# ------------------------------------------------------------------ sample

def default_release():
    text = (SCRIPTS / "make-sample-dump").read_text()
    return re.search(r'^DEFAULT_RELEASE = "([^"]+)"', text, re.M).group(1)


def read_manifest(path):
    m = {}
    for line in Path(path).read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            m[k] = v
    return m


class Sample:
    """The sample dump directory made by scripts/make-sample-dump."""

    def __init__(self, path):
        self.path = Path(path)
        self.manifest = read_manifest(self.path / "MANIFEST")

    def __fspath__(self):
        return str(self.path)

    def __str__(self):
        return str(self.path)

    def __repr__(self):
        return f"Sample({str(self.path)!r})"

    def __truediv__(self, name):
        return self.path / name

    @property
    def release(self):
        return self.manifest["release"]

    @property
    def kaslr_offset(self):
        return int(self.manifest["kaslr_offset"], 16)

    @property
    def files(self):
        return self.manifest["files"].split()

    @property
    def vmlinux(self):
        return self.path / "vmlinux"

    @property
    def modules(self):
        return self.path / self.manifest.get("modules", "modules")

    @property
    def console(self):
        return (self.path / "console.log").read_text(errors="replace")

    @property
    def dumps(self):
        """{name: Path} of the dump variants present (vmcore.elf first)."""
        return {n: self.path / n for n in DUMP_NAMES if n in self.files}

    def dump(self, name="vmcore.elf"):
        p = self.path / name
        if not p.exists():
            pytest.skip(f"{name} is not in the sample (see MANIFEST)")
        return p

    def size(self, name):
        return int(self.manifest[f"{name}.size"])

    def sha256(self, name):
        return self.manifest[f"{name}.sha256"]


@pytest.fixture(scope="session")
def sample():
    env_dir = os.environ.get("PYKDUMP_SAMPLE_DIR")
    path = Path(env_dir) if env_dir else \
        Path.home() / ".cache" / "pykdump" / f"sample-{default_release()}"
    if not (path / "MANIFEST").exists():
        argv = [PYTHON, str(SCRIPTS / "make-sample-dump"), "--out", str(path)]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=900)
        if r.returncode != 0 or not (path / "MANIFEST").exists():
            pytest.fail(f"{' '.join(argv)} failed ({r.returncode}):\n"
                        f"{r.stderr[-3000:]}", pytrace=False)
    return Sample(path)


# ------------------------------------------------------------------ crash

class Crash:
    """crash(cmds, dump="vmcore.elf", prelude=()) -> {cmd: output} via
    crash-ref; prelude commands run first in the same crash session
    (state such as 'mod -s NAME FILE') and key the cache."""

    def __init__(self, sample):
        self.sample = sample
        self.memo = {}

    def _start(self, cmds, dump, vmlinux, prelude=()):
        """Start crash-ref for the commands not known yet; returns
        (memo, todo, Popen or None, path)."""
        if isinstance(cmds, str):
            cmds = [cmds]
        path = Path(dump) if os.path.isabs(dump) else self.sample.dump(dump)
        vml = Path(vmlinux) if vmlinux else self.sample.vmlinux
        memo = self.memo.setdefault((str(path), str(vml), tuple(prelude)),
                                    {})
        todo = [c for c in dict.fromkeys(cmds) if c not in memo]
        proc = None
        if todo:
            argv = [PYTHON, str(SCRIPTS / "crash-ref"), "--json",
                    "--vmlinux", str(vml)]
            for p in prelude:
                argv += ["--prelude", p]
            argv.append(str(path))
            with tempfile.TemporaryFile("w+") as cmdfile:
                cmdfile.write("\n".join(todo) + "\n")
                cmdfile.seek(0)
                proc = subprocess.Popen(argv, stdin=cmdfile,
                                        stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        return memo, todo, proc, path

    @staticmethod
    def _finish(memo, todo, proc, path):
        if proc is None:
            return
        stdout, stderr = proc.communicate(timeout=1800)
        try:
            memo.update(json.loads(stdout) if stdout.strip() else {})
        except ValueError:
            pass
        if proc.returncode != 0 or any(c not in memo for c in todo):
            raise AssertionError(f"crash-ref failed ({proc.returncode}) on "
                                 f"{path.name}:\n{stderr[-3000:]}")

    def __call__(self, cmds, dump="vmcore.elf", vmlinux=None, prelude=()):
        if isinstance(cmds, str):
            cmds = [cmds]
        started = self._start(cmds, dump, vmlinux, prelude)
        self._finish(*started)
        return {c: started[0][c] for c in cmds}

    def prefetch(self, cmds, dumps, jobs=2):
        """Run CMDS on several dumps, JOBS crash processes at a time, so
        that later calls are answered from memory."""
        dumps = list(dumps)
        while dumps:
            batch, dumps = dumps[:jobs], dumps[jobs:]
            started = [self._start(cmds, d, None) for d in batch]
            for s in started:
                self._finish(*s)


@pytest.fixture(scope="session")
def crash(sample):
    return Crash(sample)


# ------------------------------------------------------------------ pykdump

class Pykdump:
    """pykdump(cmds, dump="vmcore.elf") -> stdout of
    `pykdump -c CMD [-c CMD...] [VMLINUX] DUMP` (options must come first:
    the program stops option parsing at the first file name)."""

    def __init__(self, sample):
        self.sample = sample
        self.bin = Path(os.environ.get("PYKDUMP_BIN")
                        or REPO / "build" / "pykdump")

    def argv(self, cmds, dump="vmcore.elf", vmlinux=True, extra=()):
        if isinstance(cmds, str):
            cmds = [cmds]
        path = Path(dump) if os.path.isabs(dump) else self.sample.dump(dump)
        argv = [str(self.bin)]
        for c in cmds:
            argv += ["-c", c]
        argv += list(extra)
        if vmlinux is True:
            argv.append(str(self.sample.vmlinux))
        elif vmlinux:
            argv.append(str(vmlinux))
        argv.append(str(path))
        return argv

    def run(self, cmds, dump="vmcore.elf", vmlinux=True, extra=(),
            timeout=600, env=None):
        if not (self.bin.is_file() and os.access(self.bin, os.X_OK)):
            pytest.fail(f"{self.bin} is not built (make build)")
        return subprocess.run(self.argv(cmds, dump, vmlinux, extra),
                              capture_output=True, text=True,
                              errors="replace", timeout=timeout,
                              env=None if env is None else {**os.environ,
                                                            **env})

    def __call__(self, cmds, dump="vmcore.elf", vmlinux=True, extra=(),
                 check=True, timeout=600):
        r = self.run(cmds, dump, vmlinux, extra, timeout)
        if check and r.returncode != 0:
            raise AssertionError(
                f"{' '.join(r.args)} exited {r.returncode}\n"
                f"stdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}")
        return r.stdout


@pytest.fixture(scope="session")
def pykdump(sample):
    return Pykdump(sample)


# ------------------------------------------------------------------ compare

@dataclass(frozen=True)
class Known:
    """A known, accepted difference between our output and crash's.

    ref:  regex; reference (crash) lines it matches may differ or be absent
          in ours.  None: no reference line is excused by this entry.
    ours: regex; our lines it matches may differ or be absent in crash's.
    Both are matched with re.search against the line after blanks are
    collapsed.  A plain string in an allow list is Known(ref=s, ours=s).
    """
    ref: str = None
    ours: str = None
    reason: str = ""


def normalize(text):
    """Lines with every run of blanks collapsed to one space and stripped;
    leading and trailing empty lines dropped."""
    lines = [re.sub(r"[ \t]+", " ", ln).strip()
             for ln in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _known(allow):
    out = []
    for a in allow:
        if isinstance(a, Known):
            out.append(a)
        elif isinstance(a, tuple):
            out.append(Known(*a))
        else:
            out.append(Known(ref=a, ours=a))
    return out


def compare_lines(ours, ref, allow=()):
    """Differences between two outputs not explained by ALLOW, as a list of
    human-readable strings (empty when they agree).  Returns
    (problems, used) where used is the set of allow entries that excused a
    difference."""
    known = _known(allow)
    a, b = normalize(ref), normalize(ours)
    problems, used = [], set()

    def excused(line, side):
        for k in known:
            pat = k.ref if side == "ref" else k.ours
            if pat is not None and re.search(pat, line):
                used.add(k)
                return True
        return False

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b,
                                               autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for ln in a[i1:i2]:
            if not excused(ln, "ref"):
                problems.append(f"crash line {i1 + 1}: - {ln}")
        for ln in b[j1:j2]:
            if not excused(ln, "ours"):
                problems.append(f"our line {j1 + 1}: + {ln}")
    return problems, used


def assert_same_output(ours, ref, allow=(), what="", strict_allow=False):
    """Assert that OURS matches REF (crash) line by line after collapsing
    blanks, allowing only the differences listed in ALLOW.  With
    strict_allow, an allow entry that excused nothing is an error too (keeps
    allow lists from rotting)."""
    problems, used = compare_lines(ours, ref, allow)
    if strict_allow:
        for k in _known(allow):
            if k not in used:
                problems.append(f"allow entry never needed: {k}")
    if problems:
        diff = "\n".join(unified_diff(normalize(ref), normalize(ours),
                                      "crash", "pykdump", lineterm=""))
        raise AssertionError(
            f"{what or 'output'} differs from crash "
            f"({len(problems)} unexplained line(s)):\n"
            + "\n".join(problems[:50]) + "\n--- full diff (normalized):\n"
            + diff[:20000])


# Reachable from tests through the fixture (importing conftest by name is
# unreliable when several test directories each have one).
assert_same_output.Known = Known
assert_same_output.lines = compare_lines
assert_same_output.normalize = normalize


@pytest.fixture(scope="session")
def compare():
    return assert_same_output
