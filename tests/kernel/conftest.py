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
            ONE crash session through scripts/crash-ref, in their order
            (answers cached per batch, on disk and in memory: an answer is
            never taken from another batch's session).  crash.alone(cmd)
            asks one command in a session of its own; crash.task(who)
            gives a task's (pid, address) from crash's `ps`;
            crash.resolve(cmd) fills in `<pid WHO>`/`<task WHO>` (WHO: pid
            or command name) and crash.symbolic(cmds) runs such commands;
            crash.structs(stype, addrs) parses crash's `struct STYPE
            ADDR` of each address into {member: value text};
            crash.prefetch([(cmds, dump), ...]) runs several sessions in
            parallel first.
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

# crash-ref answers the tests' batches from children of one started crash
# per dump (scripts/lib/crash_zygote.py): the same answers, without crash's
# ~15 s start-up for each of a few hundred batches.  Benchmarks leave it
# off, so that crash's time there is a real session's.
os.environ.setdefault("PYKDUMP_CRASH_ZYGOTE", "1")


def pytest_sessionfinish(session, exitstatus):
    """The last process of a run (xdist's controller, or pytest alone)
    ends the started crash sessions; idle ones would end by themselves."""
    if not hasattr(session.config, "workerinput"):
        subprocess.run([PYTHON, str(SCRIPTS / "crash-ref"), "--stop-zygotes"],
                       check=False)

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
    crash-ref: one crash session runs the prelude (state such as
    'mod -s NAME FILE'), then CMDS in their order.

    crash's answer to a command can depend on what the same session printed
    before (see crash-ref), so answers are kept per batch: the same command
    in another batch is asked again (or answered from crash-ref's cache for
    that batch), and a test's references never depend on which tests ran
    before it.  crash.alone(cmd) asks CMD in a session of its own."""

    def __init__(self, sample):
        self.sample = sample
        self.memo = {}

    def _key(self, cmds, dump, vmlinux, prelude):
        if isinstance(cmds, str):
            cmds = [cmds]
        cmds = tuple(dict.fromkeys(cmds))
        path = Path(dump) if os.path.isabs(dump) else self.sample.dump(dump)
        vml = Path(vmlinux) if vmlinux else self.sample.vmlinux
        return (str(path), str(vml), tuple(prelude), cmds)

    def _start(self, key):
        """Start crash-ref for a batch not known yet; returns
        (key, Popen or None)."""
        if key in self.memo:
            return key, None
        path, vml, prelude, cmds = key
        argv = [PYTHON, str(SCRIPTS / "crash-ref"), "--json",
                "--vmlinux", vml]
        for p in prelude:
            argv += ["--prelude", p]
        argv.append(path)
        with tempfile.TemporaryFile("w+") as cmdfile:
            cmdfile.write("\n".join(cmds) + "\n")
            cmdfile.seek(0)
            # crash-ref needs no sanitizer even when the tests run under
            # `make asan-python` (LD_PRELOAD=libasan): see its crash_env().
            env = {k: v for k, v in os.environ.items()
                   if k not in ("LD_PRELOAD", "ASAN_OPTIONS",
                                "UBSAN_OPTIONS", "LSAN_OPTIONS")}
            proc = subprocess.Popen(argv, stdin=cmdfile, env=env,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
        return key, proc

    def _finish(self, key, proc):
        if proc is None:
            return self.memo[key]
        stdout, stderr = proc.communicate(timeout=1800)
        try:
            got = json.loads(stdout) if stdout.strip() else {}
        except ValueError:
            got = {}
        if proc.returncode != 0 or any(c not in got for c in key[3]):
            raise AssertionError(f"crash-ref failed ({proc.returncode}) on "
                                 f"{Path(key[0]).name}:\n{stderr[-3000:]}")
        self.memo[key] = got
        return got

    def __call__(self, cmds, dump="vmcore.elf", vmlinux=None, prelude=()):
        return dict(self._finish(*self._start(
            self._key(cmds, dump, vmlinux, prelude))))

    def alone(self, cmd, dump="vmcore.elf", vmlinux=None, prelude=()):
        """crash's answer to CMD in a session of its own."""
        return self([cmd], dump, vmlinux, prelude)[cmd]

    def structs(self, stype, addrs, dump="vmcore.elf"):
        """{address: {member: value text}} of the top-level members of
        STYPE at each address, from crash's `struct STYPE ADDR` (asked in
        address order, so tests asking for the same objects share one
        session).  The whole struct is asked, not a member list: crash's
        `struct T.m1,m2 ADDR` looks each member up through gdb again and
        costs 3-5 times as much."""
        addrs = sorted({int(a) for a in addrs})
        word = stype.split()[-1]
        cmds = [f"{stype} {a:x}" for a in addrs]
        out = self(cmds, dump=dump)
        res = {}
        for a, c in zip(addrs, cmds):
            assert out[c].startswith(f"struct {word} {{") or \
                out[c].startswith(f"union {word} {{"), out[c][:200]
            res[a] = dict(re.findall(r"^  (\w+) = (.*?),?$", out[c], re.M))
        return res

    def prefetch(self, batches, jobs=2):
        """Run BATCHES [(cmds, dump) or (cmds, dump, prelude)], JOBS crash
        sessions at a time, so that later calls are answered from memory."""
        keys = [self._key(b[0], b[1], None, b[2] if len(b) > 2 else ())
                for b in batches]
        keys = [k for k in dict.fromkeys(keys) if k not in self.memo]
        while keys:
            now, keys = keys[:jobs], keys[jobs:]
            for started in [self._start(k) for k in now]:
                self._finish(*started)

    def task(self, who, dump="vmcore.elf"):
        """(pid, task address in hex) of WHO, a pid or a command name (the
        lowest pid of that name), from crash's `ps` on DUMP (one session
        per dump, shared with the tests that ask `ps` alone): tests take
        what changes from boot to boot (pids, addresses) from crash's
        answer, never from a literal."""
        out = self.alone("ps", dump=dump)
        who = str(who)
        for ln in out.splitlines():
            m = re.match(r"^>?\s*(\d+)\s+\d+\s+\d+\s+([0-9a-f]{8,})\s.*\s(\S+)$",
                         ln)
            if m and (m.group(1) == who if who.isdigit()
                      else m.group(3) in (who, f"[{who}]")):
                return int(m.group(1)), m.group(2)
        raise AssertionError(f"crash's `ps` on {dump} names no task {who}")

    def resolve(self, cmd, dump="vmcore.elf"):
        """CMD with `<pid WHO>` and `<task WHO>` (WHO: a pid or a command
        name) replaced by that task's pid or task address."""
        def one(m):
            pid, task = self.task(m.group(2), dump)
            return str(pid) if m.group(1) == "pid" else task
        return re.sub(r"<(pid|task) ([\w.-]+)>", one, cmd)

    def symbolic(self, cmds, dump="vmcore.elf", **kw):
        """({cmd as written: cmd as run}, {cmd as written: crash's output})
        for commands with `<pid WHO>` / `<task WHO>` placeholders."""
        run = {c: self.resolve(c, dump) for c in cmds}
        out = self(list(run.values()), dump, **kw)
        return run, {c: out[r] for c, r in run.items()}


@pytest.fixture(scope="session")
def crash(sample):
    return Crash(sample)


# ------------------------------------------------------------------ pykdump

class Pykdump:
    """pykdump(cmds, dump="vmcore.elf") -> stdout of
    `pykdump -c CMD [-c CMD...] [VMLINUX] DUMP` (options must come first:
    the program stops option parsing at the first file name); with
    check=False, stdout and stderr (where errors go) merged in order."""

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
            timeout=600, env=None, merge=False):
        """merge: stderr into stdout, in the order written (as on a
        terminal, and as crash-ref keeps crash's answers): errors go to
        stderr, after our output is flushed."""
        if not (self.bin.is_file() and os.access(self.bin, os.X_OK)):
            pytest.fail(f"{self.bin} is not built (make build)")
        r = subprocess.run(self.argv(cmds, dump, vmlinux, extra),
                           stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT if merge else
                           subprocess.PIPE, text=True,
                           errors="replace", timeout=timeout,
                           env=None if env is None else {**os.environ,
                                                         **env})
        if merge:
            r.stderr = ""
        return r

    def __call__(self, cmds, dump="vmcore.elf", vmlinux=True, extra=(),
                 check=True, timeout=600):
        r = self.run(cmds, dump, vmlinux, extra, timeout, merge=not check)
        if check and r.returncode != 0:
            raise AssertionError(
                f"{' '.join(r.args)} exited {r.returncode}\n"
                f"stdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}")
        # check=False: failures are expected, and their messages (on
        # stderr, merged in order) are part of what crash would show
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
