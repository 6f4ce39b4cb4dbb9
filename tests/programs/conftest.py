# SPDX-License-Identifier: GPL-2.0-or-later
"""The original PyKdump programs (../shared/pykdump-original: crashinfo,
taskinfo, xportshow, hanginfo and the subsystem programs, with their
library LinuxDump/) run unchanged on our engine (issue 14).

At test time the programs are copied from the shared directory
($PYKDUMP_ORIGINAL, default <repo>/../shared/pykdump-original) to a
temporary directory and this directory's kernel-compat.diff is applied to
the copy (edits for kernel changes since the programs were written, each
hunk commented with the change it follows).  Nothing else of the
programs is changed.  Each run is `pykdump run VMLINUX VMCORE prog.py
ARGS` from the copy's progs/, with $PYKDUMPPATH naming the copy (so
LinuxDump/ is importable, as the original put PYKDUMPPATH on sys.path).

Fixtures (the kernel tests' sample/crash/pykdump fixtures come from
tests/kernel/conftest.py):
  progs_tree   Path of the patched copy (session)
  run_prog     run_prog("crashinfo.py", "-v") -> Run(rc, out, err, args);
               results are kept for the session (the same run asked by
               two tests runs once)

Runs that need a crash command another lane is building declare it:
    @pytest.mark.needs("foreach bt -t", "kmem -f")
At collection, one pykdump process asks our engine each command needed;
a run with a command the engine does not support yet gets the marker
`waits_on` (with the owner lane in its reason) and `make test` leaves it
out (-m "not waits_on"); `make test-progs-waiting` runs them.  Once the
owner's command lands, the run is part of make test by itself.
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from progrun import DUMP, Run

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
KERNEL_TESTS = REPO / "tests" / "kernel"
ORIGINAL = Path(os.environ.get("PYKDUMP_ORIGINAL",
                               REPO.parent / "shared" / "pykdump-original"))
COMPAT_DIFF = HERE / "kernel-compat.diff"
BIN = Path(os.environ.get("PYKDUMP_BIN", REPO / "build" / "pykdump"))
TIMEOUT = 300

# The kernel tests' fixtures (sample, crash, pykdump, compare), loaded
# under another module name: both directories have a conftest.py.
_spec = importlib.util.spec_from_file_location(
    "_kernel_conftest", KERNEL_TESTS / "conftest.py")
_kconf = importlib.util.module_from_spec(_spec)
sys.modules["_kernel_conftest"] = _kconf
_spec.loader.exec_module(_kconf)
sample = _kconf.sample
crash = _kconf.crash
pykdump = _kconf.pykdump
compare = _kconf.compare
# Test files of tests/kernel do `from conftest import NAME`: when both
# directories are collected in one session, "conftest" may be this module,
# so it offers the kernel conftest's names too.
for _name in dir(_kconf):
    if not _name.startswith("_") and _name not in globals():
        globals()[_name] = getattr(_kconf, _name)
del _name

# Which lane builds which crash command the programs need (wave2.md).
OWNERS = [
    (r"^(foreach )?bt .*-[tr]\b", "expr (bt -t/-r)"),
    (r"^kmem ", "mem (kmem -s/-S/-f/-V/ADDR)"),
    (r"^(waitq|ipcs|dis)\b", "code (waitq, ipcs, dis -l)"),
    (r"^(ps -m|foreach files|set scope|files -d)", "ctx (ps -m, foreach "
     "files, set scope, files -d)"),
    (r"^(mod -t|timer -r|dev -d)", "expr (mod -t, timer -r, dev -d)"),
]

# What a command that the engine does not have (yet) answers.
UNSUPPORTED = re.compile(r"invalid option|unsupported|not supported|"
                         r"command not found|only -\w is supported|^Usage:",
                         re.M)


def owner_of(cmd):
    for rx, who in OWNERS:
        if re.search(rx, cmd):
            return who
    return "unknown lane"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "needs(*cmds): crash commands a program run needs "
        "(\"gdb CMD\": through exec_gdb_command)")
    config.addinivalue_line(
        "markers", "waits_on(reason): the run needs a command our engine "
        "does not have yet (set at collection; make test leaves it out)")


PROBE = """\
import sys
from pykdump.API import *
for cmd in sys.argv[1:]:
    gdb = cmd.startswith("gdb ")
    try:
        if gdb:
            exec_gdb_command(cmd[4:].replace("SYM", "schedule"))
        else:
            exec_crash_command(cmd.replace(
                "ADDR", "%#x" % sym2addr("init_task")))
        print("OK", cmd)
    except crash.error as e:
        print("FAIL" if UNSUPPORTED.search(str(e)) else "OK", cmd)
"""


def _probe(cmds, sample_dir):
    """{cmd: True when our engine has it} from one pykdump process."""
    with tempfile.TemporaryDirectory() as d:
        prog = Path(d) / "probe.py"
        prog.write_text("import re\nUNSUPPORTED = re.compile(%r, re.M)\n"
                        % UNSUPPORTED.pattern + PROBE)
        r = subprocess.run([str(BIN), "run", str(sample_dir / "vmlinux"),
                            str(sample_dir / DUMP), str(prog)] + list(cmds),
                           capture_output=True, text=True, timeout=TIMEOUT)
    have = {}
    for line in r.stdout.splitlines():
        word, _, cmd = line.partition(" ")
        if word in ("OK", "FAIL"):
            have[cmd] = word == "OK"
    missing = [c for c in cmds if c not in have]
    if missing:
        raise pytest.UsageError("tests/programs: cannot ask the engine for "
                                "%s:\n%s" % (missing, r.stderr[-2000:]))
    return have


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    needed = {}
    for item in items:
        for m in item.iter_markers("needs"):
            for c in m.args:
                needed.setdefault(c, []).append(item)
    if not needed:
        return
    sample_dir = Path(os.environ.get("PYKDUMP_SAMPLE_DIR") or
                      Path.home() / ".cache" / "pykdump" /
                      ("sample-" + _kconf.default_release()))
    if not (sample_dir / "MANIFEST").exists() or not BIN.exists():
        return      # the tests fail on their own (no sample, no build)
    have = _probe(sorted(needed), sample_dir)
    for cmd, ok in have.items():
        if ok:
            continue
        for item in needed[cmd]:
            item.add_marker(pytest.mark.waits_on(
                "%r, owner: %s" % (cmd, owner_of(cmd))))


# ------------------------------------------------------------------ runs

@pytest.fixture(scope="session")
def progs_tree(tmp_path_factory):
    """The programs and LinuxDump/, copied and patched for kernel
    changes (this directory's kernel-compat.diff)."""
    if not (ORIGINAL / "progs" / "crashinfo.py").exists():
        pytest.fail("the original programs are not in %s (set "
                    "PYKDUMP_ORIGINAL)" % ORIGINAL)
    dest = tmp_path_factory.mktemp("pykdump-original") / "tree"
    shutil.copytree(ORIGINAL / "LinuxDump", dest / "LinuxDump")
    shutil.copytree(ORIGINAL / "progs", dest / "progs")
    r = subprocess.run(["patch", "-p1", "--no-backup-if-mismatch", "-i",
                        str(COMPAT_DIFF)], cwd=dest, capture_output=True,
                       text=True)
    assert r.returncode == 0, "kernel-compat.diff does not apply:\n" + \
        r.stdout + r.stderr
    return dest


_runs = {}


@pytest.fixture(scope="session")
def run_prog(progs_tree, sample):
    def run(prog, *args, stdin=None):
        """stdin: text for the program's standard input (else none)."""
        key = (prog,) + args + ((("stdin", stdin),) if stdin else ())
        if key not in _runs:
            env = dict(os.environ, PYKDUMPPATH=str(progs_tree),
                       TZ="UTC", LC_ALL="C.UTF-8")
            r = subprocess.run([str(BIN), "run", str(sample.vmlinux),
                                str(sample / DUMP), prog] + list(args),
                               cwd=progs_tree / "progs", env=env,
                               input=stdin or "", capture_output=True,
                               text=True, timeout=TIMEOUT)
            _runs[key] = Run((prog,) + args, r.returncode, r.stdout,
                             r.stderr)
        return _runs[key]
    return run
