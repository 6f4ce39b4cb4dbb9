# SPDX-License-Identifier: GPL-2.0-or-later
"""crash-ref's batches run in children of a started crash
(scripts/lib/crash_zygote.py): their answers must be those of a crash
started for the batch, also when batches run at the same time."""
import json
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import PYTHON, SCRIPTS

DUMP = "vmcore.kdump"
# History-sensitive (gdb's value history, the console_printk quirk of
# test_crash_ref.py), file-reading (rd, bt, ps walk the dump) and a module
# load (gdb's worker threads: a forked child without them hung on it).
BATCHES = [
    ([], ["p boot_command_line", "p console_printk", "p jiffies",
          "rd -64 init_task 8", "bt", "ps"]),
    (["mod -s loop {loop}"], ["p console_printk", "mod", "sym loop_add",
                              "p $1"]),
]


def batches(sample):
    loop = next(iter(sorted(sample.modules.rglob("loop.ko"))), None)
    assert loop, f"no loop.ko under {sample.modules}"
    return [([p.format(loop=loop) for p in pre], cmds)
            for pre, cmds in BATCHES]


def run(sample, cmds, zygote, prelude=(), tmpdir=None):
    env = dict(os.environ, PYKDUMP_CRASH_ZYGOTE="1" if zygote else "0")
    if tmpdir:
        env["TMPDIR"] = str(tmpdir)
    argv = [PYTHON, str(SCRIPTS / "crash-ref"), "--json", "--no-cache"]
    for p in prelude:
        argv += ["--prelude", p]
    r = subprocess.run(argv + [str(sample / DUMP)] + list(cmds), env=env,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def test_zygote_answers_are_a_new_sessions(sample):
    bs = batches(sample)
    plain = [run(sample, c, False, p) for p, c in bs]
    # The batches at the same time, twice over, through the zygote: each
    # child reads the dump and its own pipes without the others.
    with ThreadPoolExecutor(4) as ex:
        forked = list(ex.map(lambda b: run(sample, b[1], True, b[0]),
                             bs + bs))
    for b, want, got1, got2 in zip(bs, plain, forked, forked[len(bs):]):
        assert got1 == want, b
        assert got2 == want, b


def test_stop_zygotes_ends_them(sample):
    # The servers live in $TMPDIR: a private one, so that stopping it
    # does not end the servers the other tests (other workers) are using
    # (short: a socket's path has 108 bytes)
    with tempfile.TemporaryDirectory(prefix="pkz-", dir="/tmp") as tmp:
        stop_in_private_dir(sample, tmp)


def stop_in_private_dir(sample, tmp_path):
    run(sample, ["p jiffies"], zygote=True, tmpdir=tmp_path)
    d = os.path.join(tmp_path, f"pykdump-crash-zygote-{os.getuid()}")
    socks = [n for n in os.listdir(d) if n.endswith(".sock")]
    assert socks
    shared = os.path.join(tempfile.gettempdir(),
                          f"pykdump-crash-zygote-{os.getuid()}")
    others = set(os.listdir(shared)) if os.path.isdir(shared) else set()
    subprocess.run([PYTHON, str(SCRIPTS / "crash-ref"), "--stop-zygotes"],
                   check=True, env=dict(os.environ, TMPDIR=str(tmp_path)))

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and \
            any(os.path.exists(os.path.join(d, s)) for s in socks):
        time.sleep(0.1)
    assert not any(os.path.exists(os.path.join(d, s)) for s in socks)
    # and the shared servers are untouched
    left = set(os.listdir(shared)) if os.path.isdir(shared) else set()
    assert {n for n in others if n.endswith(".sock")} <= left
