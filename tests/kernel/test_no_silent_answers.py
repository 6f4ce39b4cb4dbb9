# SPDX-License-Identifier: GPL-2.0-or-later
"""No silent answers (issue 19, item 4): every command, given an option
it does not take or a malformed argument, fails: a non-zero status, an
error on stderr, and nothing on stdout that a program could take for an
answer (the usage after the error goes to stderr too).  Through the
Python API, exec_crash_command raises crash.error for each.

The commands are those our own `help` lists at test time (the built-ins
and the PyKdump programs registered as commands), not a list kept here:
a command added later is covered without touching this file.  Each gets
an option letter that no command's help mentions, and the malformed
arguments of MALFORMED (a bad pid, address, number, symbol, selector
fitting that command; an extra word for a command taking no argument),
or GENERIC for a command MALFORMED does not name yet.

All the cases run in ONE shell (stdin batch) and ONE Python process.
The shell's exit status is the batch's (1 when any command failed), so
each case is delimited by a shell escape echoing a marker on both
streams: each case's stdout and stderr are checked on their own, and
its status through Python, where exec_crash_command raises exactly when
the command's status is not 0."""

import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"
TIMEOUT = 300

# No task has this pid: it is above the kernel's PID_MAX_LIMIT (4M).
NO_PID = "99999999"

# The malformed arguments that fit each command (its argument's kind);
# a command taking no argument gets an extra word.
MALFORMED = {
    "alias": ["no_such_alias"],
    "bt": [NO_PID, "zzzz"],
    "btop": ["zz"],
    "dev": ["extra_word"],
    "dis": ["no_such_symbol", "0"],
    "dumpinfo": ["extra_word"],
    "epython": ["no_such_program"],
    "eval": ["no_such_symbol"],
    "files": [NO_PID],
    "foreach": ["XX bt", "no_such_command"],
    "help": ["no_such_command"],
    "ipcs": ["zzz", "99999"],
    "irq": ["zzz", "99999"],
    "kmem": ["-s no_such_cache", "zzzz", "-I no_such_cache -s"],
    "list": ["zzzz"],
    "log": ["extra_word"],
    "mod": ["-d no_such_module", "-s no_such_module"],
    "mount": ["extra_word"],
    "net": ["-N zzz", "-s " + NO_PID],
    "p": ["no_such_symbol"],
    "ps": [NO_PID],
    "ptob": ["zz"],
    "ptov": ["zz"],
    "rd": ["no_such_symbol", "0"],
    "runq": ["extra_word", "-c 999"],
    "search": ["zzzz"],
    "set": [NO_PID, "no_such_variable on", "-p extra_word"],
    "sig": [NO_PID, "-s zz", "-l extra_word"],
    "struct": ["no_such_struct"],
    "swap": ["extra_word"],
    "sym": ["no_such_symbol"],
    "sys": ["extra_word", "-t extra_word"],
    "task": [NO_PID, "-R no_such_member"],
    "taskinfo": ["no_such_comm"],
    "timer": ["extra_word"],
    "tree": ["zzz"],
    "union": ["no_such_union"],
    "vm": [NO_PID],
    "vtop": ["zzz"],
    "waitq": ["no_such_symbol", "task_struct.no_such_member 1"],
    "whatis": ["no_such_symbol"],
}
# Commands that exec_crash_command refuses whatever their arguments, and
# what their error says instead of the shell's.
API_REFUSES = {
    "epython": "not from a python3 process",
}
# For a command MALFORMED does not know: no command takes this word as a
# pid, an address, a symbol, a type, a file or a selector.
GENERIC = ["no_such_word_q7"]


def run_shell(pykdump, sample, lines):
    return subprocess.run(
        [str(pykdump.bin), str(sample.vmlinux), str(sample.dump(DUMP))],
        input="".join(ln + "\n" for ln in lines), capture_output=True,
        text=True, errors="replace", timeout=TIMEOUT)


def help_list(text):
    """The commands of a `help` listing: {name: "builtin"|"program"}, from
    its "NAME  summary" lines: built-ins, then the PyKdump programs
    registered as commands (its last lines are about the shell)."""
    kind, names = "builtin", {}
    for ln in text.splitlines():
        if ln.startswith("PyKdump programs"):
            kind = "program"
        if ln.startswith("In the shell:"):
            break
        m = re.match(r"^([a-z][\w-]*)\s{2,}\S", ln)
        if m:
            names[m.group(1)] = kind
    return names


def help_commands(pykdump, sample):
    r = run_shell(pykdump, sample, ["help"])
    assert r.returncode == 0, r.stderr
    names = help_list(r.stdout)
    assert len(names) >= 30 and "sys" in names and "bt" in names, r.stdout
    return names


def unused_option(pykdump, sample, names):
    """A letter no command's help mentions as an option (-X, or in a
    group such as -Ttdmasc)."""
    r = run_shell(pykdump, sample, [f"help {n}" for n in names])
    assert r.returncode == 0, r.stderr
    used = set()
    for m in re.finditer(r"(?<![\w-])-([A-Za-z]+)", r.stdout):
        used.update(m.group(1))
    free = sorted(set(string.ascii_letters) - used)
    assert free, "every letter is some command's option"
    return free[-1]


@pytest.fixture(scope="module")
def cases(pykdump, sample):
    names = list(help_commands(pykdump, sample))
    stale = sorted(set(MALFORMED) - set(names))
    assert not stale, f"MALFORMED names commands help does not list: {stale}"
    letter = unused_option(pykdump, sample, names)
    out = []
    for n in names:
        out.append((n, f"{n} -{letter}"))
        for arg in MALFORMED.get(n, GENERIC):
            out.append((n, f"{n} {arg}"))
    return out


def marker(i):
    return f"@@case-{i}@@"


@pytest.fixture(scope="module")
def shell_results(pykdump, sample, cases):
    """{command line: (stdout, stderr)} of every case, one shell."""
    lines = []
    for i, (_, line) in enumerate(cases):
        lines += [line, f"!echo {marker(i)}; echo {marker(i)} >&2"]
    r = run_shell(pykdump, sample, lines)
    assert r.returncode == 1, "the batch of failing commands exited 0"

    def split(text):
        parts, rest = [], text
        for i in range(len(cases)):
            m = marker(i) + "\n"
            assert m in rest, \
                f"no marker after {cases[i][1]!r}:\n{rest[-2000:]}"
            part, rest = rest.split(m, 1)
            parts.append(part)
        return parts
    outs, errs = split(r.stdout), split(r.stderr)
    return {line: (o, e) for (_, line), o, e in zip(cases, outs, errs)}


def check_shell_case(name, line, out, err):
    problems = []
    if out.strip():
        problems.append(f"stdout is not empty:\n{out[:600]}")
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if not lines:
        problems.append("nothing on stderr")
    elif not any(is_error_line(ln) for ln in lines):
        problems.append(f"stderr has no error line:\n{err[:600]}")
    return problems


def is_error_line(line):
    """A line saying what is wrong: not the usage printed after it
    ("Usage:", its indented synopsis, 'Enter "help NAME"')."""
    return not (line.startswith(("Usage:", " ", "\t", 'Enter "help')))


def test_shell_refuses_every_case(cases, shell_results):
    bad = []
    for name, line in cases:
        out, err = shell_results[line]
        for p in check_shell_case(name, line, out, err):
            bad.append(f"{line!r}: {p}")
    assert not bad, f"{len(bad)} of {len(cases)} cases:\n" + "\n".join(bad)


PROG = """\
import json, sys
sys.path.insert(0, sys.argv[1])
import pykdump
pykdump.open(sys.argv[2], sys.argv[3])
from pykdump.API import *
res = {"help": exec_crash_command("help")}
for line in json.load(open(sys.argv[4])):
    try:
        out = exec_crash_command(line)
        res[line] = {"raised": None, "output": out}
    except crash.error as e:
        res[line] = {"raised": "crash.error", "message": str(e),
                     "output": e.output}
    except BaseException as e:
        res[line] = {"raised": type(e).__name__, "message": str(e)}
json.dump(res, open(sys.argv[5], "w"))
"""


@pytest.fixture(scope="module")
def api_results(sample, cases, tmp_path_factory):
    d = tmp_path_factory.mktemp("api")
    (d / "cases.json").write_text(json.dumps([ln for _, ln in cases]))
    r = subprocess.run(
        [sys.executable, "-c", PROG, str(BUILD / "python"),
         str(sample.dump(DUMP)), str(sample.vmlinux), str(d / "cases.json"),
         str(d / "res.json")],
        capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads((d / "res.json").read_text())


def test_api_raises_crash_error_for_every_case(pykdump, sample, cases,
                                               api_results, shell_results):
    # exec_crash_command has the shell's built-ins; the PyKdump programs
    # are the shell's commands (epython NAME) only
    have = help_list(api_results["help"])
    shell = help_commands(pykdump, sample)
    assert {n for n, k in shell.items() if k == "builtin"} <= set(have)
    bad = []
    for name, line in cases:
        if name not in have:
            continue
        res = api_results[line]
        if res["raised"] != "crash.error":
            bad.append(f"{line!r}: raised {res['raised']}, "
                       f"output {res.get('output', '')[:300]!r}")
        elif not res["message"].strip():
            bad.append(f"{line!r}: crash.error with no message")
        elif name in API_REFUSES:
            if API_REFUSES[name] not in res["message"]:
                bad.append(f"{line!r}: {res['message']!r}")
        elif res["output"] != shell_results[line][1]:
            bad.append(f"{line!r}: the error differs from the shell's:\n"
                       f"{res['output'][:300]}\n---\n"
                       f"{shell_results[line][1][:300]}")
    assert not bad, f"{len(bad)} of {len(cases)} cases:\n" + "\n".join(bad)
