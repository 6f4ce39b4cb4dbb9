# SPDX-License-Identifier: GPL-2.0-or-later
"""Ctrl-C inside epython: SIGINT to the shell while a program loops in
pure Python raises KeyboardInterrupt in the program (traceback on
stderr), the shell goes on with the next command (`sys`, whose RELEASE
must equal crash's), and a later program is not hit by a stale
interrupt."""

import os
import select
import signal
import subprocess
import time
from pathlib import Path

DUMP = "vmcore.kdump"
REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))

LOOP = """\
from pykdump.API import *
print("LOOPING", flush=True)
n = 0
while True:
    n += 1
"""

AFTER = """\
from pykdump.API import *
import time
t = time.time()
n = 0
while time.time() - t < 0.3:
    n += 1
print("AFTER-RAN", sys_info.RELEASE)
"""


def read_until(proc, marker, timeout=60):
    buf = b""
    end = time.time() + timeout
    while marker not in buf and time.time() < end:
        r, _, _ = select.select([proc.stdout], [], [], 1)
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
    return buf


def test_ctrl_c_interrupts_python(sample, crash, tmp_path):
    (tmp_path / "spin.py").write_text(LOOP)
    (tmp_path / "after.py").write_text(AFTER)
    exe = os.environ.get("PYKDUMP_BIN", str(BUILD / "pykdump"))
    proc = subprocess.Popen(
        [exe, "-c", f"epython {tmp_path}/spin.py", "-c", "sys",
         "-c", f"epython {tmp_path}/after.py",
         str(sample.vmlinux), str(sample / DUMP)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        head = read_until(proc, b"LOOPING")
        assert b"LOOPING" in head, head
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = (head + out).decode()
    err = err.decode()
    assert "Traceback" in err and "KeyboardInterrupt" in err, err
    assert 'spin.py", line' in err
    release = [line.split(":", 1)[1].strip()
               for line in crash(["sys"], dump=DUMP)["sys"].splitlines()
               if line.strip().startswith("RELEASE:")][0]
    assert any(line.strip() == "RELEASE: " + release
               for line in out.splitlines()), out
    assert "AFTER-RAN " + release in out, (out, err)
    assert proc.returncode == 1, err      # the interrupted command failed
