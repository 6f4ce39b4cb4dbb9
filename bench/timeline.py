#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/timeline.py PATTERN CMD...: runs CMD (with this stdin, stderr
discarded) and prints "PRINTED EXIT": seconds from the start until
the first stdout line matching the regular expression PATTERN arrived
(-1 if none did), and until CMD exited.  A line is timed when it reaches
the pipe, so a program that buffers its output until exit is timed at
its exit."""
import re
import subprocess
import sys
import time

pattern = re.compile(sys.argv[1].encode())
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL)
printed = -1.0
for line in p.stdout:
    if printed < 0 and pattern.search(line):
        printed = time.monotonic() - t0
p.wait()
print(f"{printed:.4f} {time.monotonic() - t0:.4f}")
