# SPDX-License-Identifier: GPL-2.0-or-later
"""The pykdump shell: -c, -i and stdin batches, "| cmd" and "> file" /
">> file", --timeout, exit status, help for every command, and (on a
pseudo-terminal) the crash> prompt, Tab completion, history, paging and
Ctrl-C."""
import os
import pty
import re
import select
import subprocess
import time

import pytest

DUMP = "vmcore.kdump"
MOD_LINE = re.compile(r"^[0-9a-f]{16}\s+qemu_fw_cfg\s", re.M)


def argv(pykdump, *extra):
    return pykdump.argv([], dump=DUMP, extra=extra)


def run(pykdump, *extra, stdin=None, env=None):
    return subprocess.run(argv(pykdump, *extra), input=stdin,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_dash_c_runs_each_command(pykdump):
    out = pykdump(["mod", "net"], dump=DUMP)
    assert MOD_LINE.search(out) and "NET_DEVICE" in out


def test_input_file_and_stdin_batch(pykdump, tmp_path):
    f = tmp_path / "cmds"
    f.write_text("mod\n\nnet\n")
    r = run(pykdump, "-i", str(f))
    assert r.returncode == 0 and MOD_LINE.search(r.stdout)
    assert "NET_DEVICE" in r.stdout
    r = run(pykdump, stdin="mod\nq\nnet\n")
    assert MOD_LINE.search(r.stdout)
    assert "NET_DEVICE" not in r.stdout, "q must end the batch"


def test_pipe_and_redirects(pykdump, tmp_path):
    out = tmp_path / "out.txt"
    r = run(pykdump, "-c", "mod | grep -c CONFIG_KALLSYMS",
            "-c", f"mod > {out}", "-c", f"net >> {out}")
    assert r.stdout.strip() == "3"
    text = out.read_text()
    assert MOD_LINE.search(text) and "NET_DEVICE" in text
    assert text.index("MODULE") < text.index("NET_DEVICE")


def test_exit_status_is_any_failure(pykdump):
    """A batch (-c, -i, stdin) exits 1 when any of its commands failed,
    also one in the middle; the error goes to stderr, the other
    commands' output to stdout."""
    r = run(pykdump, "-c", "nosuchcmd", "-c", "mod")
    assert r.returncode == 1 and MOD_LINE.search(r.stdout)
    assert "command not found: nosuchcmd" in r.stderr
    assert "not found" not in r.stdout
    r = run(pykdump, "-c", "mod", "-c", "nosuchcmd")
    assert r.returncode == 1
    assert "command not found: nosuchcmd" in r.stderr
    assert run(pykdump, stdin="mod\nfiles 99999\n").returncode == 1
    assert run(pykdump, stdin="files 99999\nmod\n").returncode == 1
    assert run(pykdump, "-c", "mod", "-c", "net").returncode == 0
    # the usage that follows an error goes to stderr too
    r = run(pykdump, "-c", "ps -Q")
    assert r.returncode == 1 and not r.stdout.strip()
    assert "ps: invalid option" in r.stderr and "Usage:" in r.stderr


def test_timeout_gives_partial_output_and_fails(pykdump):
    r = run(pykdump, "--timeout", "0.0000001", "-c", "timer")
    assert "timer: timed out after" in r.stderr
    assert "JIFFIES" in r.stdout, "output before the timeout is kept"
    assert "<process_timeout>" not in r.stdout, "stopped early"
    assert r.returncode == 1
    # the budget is per command: a generous one lets every command finish
    r = run(pykdump, "--timeout", "60", "-c", "timer", "-c", "mod")
    assert "<process_timeout>" in r.stdout and MOD_LINE.search(r.stdout)
    assert r.returncode == 0 and "timed out" not in r.stderr


def test_help_for_every_command(pykdump):
    listing = pykdump("help", dump=DUMP)
    names = [ln.split()[0] for ln in listing.splitlines()
             if re.match(r"^[a-z]\S*\s+\S", ln)]
    for cmd in ("mod", "files", "mount", "net", "dev", "runq", "timer"):
        assert cmd in names
    for n in names:
        out = pykdump(f"help {n}", dump=DUMP)
        m = re.search(rf"^NAME\n  {re.escape(n)} - .+\n\n(.+\n)+", out, re.M)
        assert m and re.search(rf"\b{re.escape(n)}\b", m.group(0)[8:]), \
            f"help {n} has no usage text"
    for n in ("mod", "files", "mount", "net", "dev", "runq", "timer"):
        assert re.search(rf"^SYNOPSIS\n  {n}\b.*\n\nDESCRIPTION\n  \S",
                         pykdump(f"help {n}", dump=DUMP), re.M)
    assert "No manual entry for nosuch" in pykdump("help nosuch", dump=DUMP,
                                                   check=False)


def test_set_scroll_is_a_shell_setting(pykdump):
    r = run(pykdump, stdin="set scroll\nset scroll off\nset scroll\n"
            "set scroll maybe\n")
    # crash 8.0.6 batch: "scroll: off (none)" (no pager off a terminal)
    assert r.stdout.splitlines() == ["scroll: off (none)"] * 3
    # crash shows the setting again for a value it does not know; an
    # unknown value is an error here (it would silently do nothing)
    assert "set: invalid command: set scroll maybe" in r.stderr
    assert r.returncode == 1


# ------------------------------------------------------------ terminal

class Term:
    """The shell on a pseudo-terminal."""

    def __init__(self, args, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(args[0], args, env)
        self.buf = b""

    def send(self, data):
        os.write(self.fd, data.encode())

    def expect(self, pattern, timeout=20):
        rx = re.compile(pattern.encode(), re.M)
        end = time.time() + timeout
        while not rx.search(self.buf):
            left = end - time.time()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} in {self.buf[-2000:]!r}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    self.buf += os.read(self.fd, 65536)
                except OSError:
                    break
        m = rx.search(self.buf)
        if not m:
            raise AssertionError(f"no {pattern!r} in {self.buf[-2000:]!r}")
        self.buf = self.buf[m.end():]
        return m

    def wait(self, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            try:
                os.read(self.fd, 65536)
            except OSError:
                pass
            time.sleep(0.05)
        os.kill(self.pid, 9)
        raise AssertionError("shell did not exit")


@pytest.fixture
def term(pykdump, tmp_path):
    # a cache directory of its own (the history goes there), sharing
    # the DWARF index cache of the usual one
    real = os.environ.get("PYKDUMP_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or
        os.path.join(os.path.expanduser("~"), ".cache"), "pykdump")
    cache = tmp_path / "cache"
    cache.mkdir()
    os.makedirs(os.path.join(real, "index"), exist_ok=True)
    (cache / "index").symlink_to(os.path.join(real, "index"))
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "dumb",
           "PYKDUMP_CACHE_DIR": str(cache),
           "PAGER": "sed s/^/PAGED:/", "INPUTRC": "/dev/null"}
    if not os.path.exists(pykdump.bin):
        pytest.fail(f"{pykdump.bin} is not built")
    t = Term(argv(pykdump), env)
    t.expect(r"crash> ")
    yield t
    try:
        os.kill(t.pid, 9)
        os.waitpid(t.pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def test_prompt_completion_paging_history(term, tmp_path):
    term.send("ru\t\n")            # Tab completes the command name
    term.expect(r"PAGED:CPU 0 RUNQUEUE")   # paged on a terminal
    term.expect(r"crash> ")
    term.send("set scroll off\n")
    term.expect(r"crash> ")
    term.send("mod jiffies_6\t\n")  # completion of a symbol name
    term.expect(r"jiffies_6\x07?4\r?\n")
    term.expect(r"crash> ")
    term.send("net\n")
    m = term.expect(r"(PAGED:)?\s*NET_DEVICE")
    assert not m.group(1), "scroll off must not page"
    term.expect(r"crash> ")
    term.send("q\n")
    assert term.wait() == 0
    hist = (tmp_path / "cache" / "history").read_text()
    assert "runq" in hist and "net" in hist


def test_struct_member_completion(term):
    term.send("struct task_struct.stati\t")
    term.expect(r"stati\x07?c_prio ")
    term.send("\x03")              # Ctrl-C at the prompt drops the line
    term.expect(r"crash> ")
    term.send("mod\n")
    term.expect(r"qemu_fw_cfg")


def test_ctrl_c_stops_the_command_not_the_shell(term):
    term.send("set scroll off\n")
    term.expect(r"crash> ")
    term.send("mod | sleep 30\n")  # a command that takes its time
    time.sleep(1.0)
    term.send("\x03")
    term.expect(r"crash> ", timeout=20)
    term.send("mod\n")
    term.expect(r"qemu_fw_cfg")
    term.expect(r"crash> ")
    term.send("exit\n")
    assert term.wait() == 0
