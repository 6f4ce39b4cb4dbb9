# SPDX-License-Identifier: GPL-2.0-or-later
"""Misleading errors and exit codes (issue 20): what a wrong input or a
wrong command line says must name the real problem, and a command that
did nothing must not exit 0 in silence.

Each case runs our CLI only (no crash reference: these are inputs crash
has no answer for, or where we deliberately say more than crash)."""

import os
import subprocess

import pytest

DUMP = "vmcore.elf"
TIMEOUT = 120


def cli(pykdump, argv, env=None):
    return subprocess.run([str(pykdump.bin)] + [str(a) for a in argv],
                          capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT, env={**os.environ, **(env or {})})


# ------------------------------------------------------------ the inputs

@pytest.mark.parametrize("order", ["dump-last", "dump-first"])
def test_program_given_as_the_dump(pykdump, sample, order):
    """/bin/ls is a program (it has a PT_INTERP), not "a second
    vmlinux": it is not a vmcore, and the message says so."""
    files = [sample.vmlinux, "/bin/ls"]
    if order == "dump-first":
        files.reverse()
    r = cli(pykdump, ["-c", "sys"] + files)
    assert r.returncode == 1
    assert "second vmlinux" not in r.stderr, r.stderr
    assert "/bin/ls: not a vmcore" in r.stderr, r.stderr


# ------------------------------------------------------------ the options

@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf", "", "5s"])
def test_bad_timeout_is_refused(pykdump, sample, value):
    r = cli(pykdump, ["--timeout", value, "-c", "sys", sample.vmlinux,
                      sample.dump(DUMP)])
    assert r.returncode == 2, r.stdout[-500:]
    assert f"--timeout {value}: not a number of seconds" in r.stderr
    assert "RELEASE" not in r.stdout


def test_good_timeout_is_taken(pykdump, sample):
    r = cli(pykdump, ["--timeout", "2.5", "-c", "sym jiffies",
                      sample.vmlinux, sample.dump(DUMP)])
    assert r.returncode == 0, r.stderr
    assert " jiffies" in r.stdout


def test_option_before_run(pykdump, sample, tmp_path):
    """An option before `run` once gave "run: cannot open" (run taken as
    a file name): run must come first, and the message says so."""
    prog = tmp_path / "hello.py"
    prog.write_text("print('hello')\n")
    r = cli(pykdump, ["--timeout", "5", "run", sample.vmlinux,
                      sample.dump(DUMP), prog])
    assert r.returncode == 2
    assert "cannot open" not in r.stderr, r.stderr
    assert "'run' must be the first argument" in r.stderr, r.stderr


# ------------------------------------------------------------ commands

def run_cmd(pykdump, cmd):
    r = pykdump.run([cmd], dump=DUMP, timeout=TIMEOUT)
    return r.returncode, r.stdout + r.stderr


@pytest.mark.parametrize("cmd,says", [
    # a scalar variable is no tree root: it printed an empty tree
    ("tree -t xarray jiffies", "tree: jiffies is volatile unsigned long, "
                               "not a struct xarray"),
    ("tree -t maple jiffies", "not a struct maple_tree"),
    ("tree init_task", "tree: init_task is struct task_struct, not a "
                       "struct rb_root"),
    # arguments once ignored
    ("dumpinfo garbage", "dumpinfo: unexpected argument: garbage"),
    # once clamped to ffffffffffffffff and walked from there
    ("list 99999999999999999999999", "list: invalid argument: "
                                     "99999999999999999999999"),
    # these exited 0 in silence (fixed with expr's options)
    ("struct task_struct init_task 0", "struct: invalid count: 0"),
    ("bt 99999", "bt: invalid task or pid value: 99999"),
    ("runq garbage", "runq: unexpected argument: garbage"),
    ("timer garbage", "timer: unexpected argument: garbage"),
    # no gdb here, and the expression as typed ("structtask_struct")
    ("p struct task_struct", 'p: syntax error in "struct task_struct"'),
])
def test_refused_with_the_reason(pykdump, cmd, says):
    rc, text = run_cmd(pykdump, cmd)
    assert rc == 1, text
    assert says in text, text
    assert "ffffffffffffffff" not in text
    assert "gdb" not in text


def test_tree_with_a_container_is_still_walked(pykdump):
    """-r names the root inside a container: the start's own type is
    not checked (the IDR of init_pid_ns is an xarray)."""
    rc, text = run_cmd(pykdump,
                       "tree -t xarray -r pid_namespace.idr init_pid_ns")
    assert rc == 0, text
    assert len(text.split()) >= 2, text


def test_foreach_unknown_pid(pykdump):
    """`foreach 99999 bt` exited 0 in silence: no task has that pid, so
    the selector is refused on stderr and nothing is run."""
    r = pykdump.run(["foreach 99999 bt"], dump=DUMP, timeout=TIMEOUT)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.startswith("foreach: ") and "99999" in r.stderr, \
        r.stderr
    assert r.stdout == "", r.stdout
