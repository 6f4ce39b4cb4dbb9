# SPDX-License-Identifier: GPL-2.0-or-later
"""Run a crash batch in a child of a started crash (crash-zygote.c).

crash spends ~15 s of CPU starting before its first command, and a test run
asks a few hundred batches, most on the same two dumps: that start-up was
most of `make test`'s time on a machine without cached answers.  Here the
first batch on a (crash, vmlinux, dump, directory, environment) starts a
crash with crash-zygote.so preloaded; it starts as usual and then, instead
of reading a command, forks a child per batch.  A child is that crash just
after start-up, before any command, so its answers are those of a crash
started for the batch alone (scripts/crash-ref's cache key stays the batch).

run(argv, cwd, env, text, timeout) -> (stdout, stderr) or None when no
zygote serves: only with PYKDUMP_CRASH_ZYGOTE=1 (the tests set it; the
benchmarks, which time crash, do not), and not without a C compiler: the
caller then runs crash itself.  When crash cannot start on a dump, what it
printed then (stdout and stderr together) is every batch's answer.  A server exits after
CRASH_ZYGOTE_IDLE seconds (120) without a batch; stop_all() ends them all.
"""

import hashlib
import os
import selectors
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pkutil
from pkutil import log

HERE = os.path.dirname(os.path.realpath(__file__))
SOURCE = os.path.join(HERE, "crash-zygote.c")
IDLE = 120
KEY_ENV = ("HOME", "LC_ALL", "LANG", "TERM", "TZ", "PATH", "SHELL",
           "CRASHPAGER", "PAGER")


def _dir():
    """Sockets need a short path (108 bytes), so they live under /tmp."""
    d = os.path.join(tempfile.gettempdir(),
                     f"pykdump-crash-zygote-{os.getuid()}")
    os.makedirs(d, mode=0o700, exist_ok=True)
    return d


def enabled():
    return os.environ.get("PYKDUMP_CRASH_ZYGOTE") == "1"


def shim():
    """crash-zygote.so built from its source (once per source version),
    or None without a C compiler."""
    src = open(SOURCE, "rb").read()
    tag = hashlib.sha256(src).hexdigest()[:16]
    out = os.path.join(pkutil.cache_dir(), "crash-zygote", f"{tag}.so")
    if os.path.exists(out):
        return out
    with pkutil.locked(out + ".lock", "building crash-zygote.so"):
        if os.path.exists(out):
            return out
        tmp = f"{out}.{os.getpid()}.tmp"
        r = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-Wall",
                            "-o", tmp, SOURCE, "-ldl"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            log(f"cannot build crash-zygote.so: crash starts for every "
                f"batch (slow)\n{r.stderr[-2000:]}")
            return None
        os.replace(tmp, out)
    return out


def _key(argv, cwd, env, so):
    parts = [so, cwd] + list(argv)
    # What of the environment crash and its shell escapes use (not, e.g.,
    # pytest's per-test variables, which would start a server per test).
    parts += [f"{k}={env.get(k, '')}" for k in KEY_ENV]
    # The files crash reads at start-up, as they are now: a remade sample
    # gets a new server.
    for a in argv[-2:]:
        p = a if os.path.isabs(a) else os.path.join(cwd, a)
        try:
            st = os.stat(p)
            parts.append(f"{p}:{st.st_dev}:{st.st_ino}:{st.st_size}:"
                         f"{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{p}:missing")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return s
    except OSError:
        s.close()
        return None


def _server(argv, cwd, env, so, key, timeout):
    """A connected socket to the server for KEY, started if needed; None
    when crash did not get to its first command."""
    d = _dir()
    sock, failed = os.path.join(d, key + ".sock"), os.path.join(d, key + ".failed")
    s = _connect(sock)
    if s:
        return s
    if os.path.exists(failed):
        return _failed(failed)
    with pkutil.locked(os.path.join(d, key + ".lock"), "starting crash"):
        s = _connect(sock)
        if s:
            return s
        if os.path.exists(sock):
            os.unlink(sock)         # a server that is gone
        zenv = dict(env, LD_PRELOAD=so, CRASH_ZYGOTE_SOCK=sock,
                    CRASH_ZYGOTE_IDLE=str(IDLE))
        logf = open(os.path.join(d, key + ".log"), "w")
        proc = subprocess.Popen(argv, cwd=cwd, env=zenv,
                                stdin=subprocess.PIPE, stdout=logf,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
        proc.stdin.close()
        logf.close()
        with open(os.path.join(d, key + ".pid"), "w") as f:
            f.write(f"{proc.pid}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = _connect(sock)
            if s:
                return s
            if proc.poll() is not None:
                # crash could not start on this dump (e.g. a kernel newer
                # than it knows): what it printed is every batch's answer.
                with open(os.path.join(d, key + ".log"), errors="replace") \
                        as f:
                    text = f.read()
                if "crash-zygote: " in text:
                    # the server's own trouble, not crash's: plain runs
                    log(f"no zygote for this dump: {text[-500:]}")
                    return None
                pkutil.atomic_write(failed, text)
                log(f"crash exited while starting ({proc.returncode})")
                return _failed(failed)
            time.sleep(0.05)
        proc.kill()
        return None


def _failed(path):
    with open(path, errors="replace") as f:
        return ("failed", f.read())


def _session(s, text, timeout):
    """Run TEXT in a new child; (stdout, stderr) or None if the server went
    away before forking (it was exiting)."""
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    r0, w0 = os.pipe()
    try:
        socket.send_fds(s, [b"x"], [r0, w1, w2])
    except OSError:
        for fd in (r0, w0, r1, w1, r2, w2):
            os.close(fd)
        return None
    for fd in (r0, w1, w2):
        os.close(fd)

    def feed():
        try:
            with os.fdopen(w0, "wb") as f:
                f.write(text.encode())
        except OSError:
            pass            # crash quit before reading everything
    threading.Thread(target=feed, daemon=True).start()

    out = {r1: [], r2: [], s.fileno(): []}
    sel = selectors.DefaultSelector()
    for fd in out:
        sel.register(fd, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    pid = None
    while sel.get_map():
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for k, _ in sel.select(left):
            b = os.read(k.fd, 65536)
            if b:
                out[k.fd].append(b)
            else:
                sel.unregister(k.fd)
    sel.close()
    reply = b"".join(out[s.fileno()]).decode()
    if reply.strip().isdigit():
        pid = int(reply.strip())
    timed_out = time.monotonic() >= deadline
    if timed_out and pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os.close(r1)
    os.close(r2)
    s.close()
    if pid is None:
        return None
    stdout = b"".join(out[r1]).decode(errors="replace")
    stderr = b"".join(out[r2]).decode(errors="replace")
    if timed_out:
        stderr += f"\ncrash timed out after {timeout} s"
    return stdout, stderr


def run(argv, cwd, env, text, timeout):
    if not enabled():
        return None
    so = shim()
    if not so:
        return None
    key = _key(argv, cwd, env, so)
    for _ in range(2):          # once more if the server was just exiting
        s = _server(argv, cwd, env, so, key, timeout)
        if s is None:
            return None
        if isinstance(s, tuple):
            return s[1], ""     # crash's start-up failure, stdout and stderr
        got = _session(s, text, timeout)
        if got is not None:
            return got
    return None


def stop_all():
    """End every server of this user (their sockets go with them)."""
    d = _dir()
    for name in os.listdir(d):
        if name.endswith(".pid"):
            try:
                pid = int(open(os.path.join(d, name)).read())
                if os.path.exists(os.path.join(d, name[:-4] + ".sock")):
                    os.kill(pid, signal.SIGTERM)
            except (OSError, ValueError):
                pass
