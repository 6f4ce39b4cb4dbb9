# SPDX-License-Identifier: GPL-2.0-or-later
"""The reference itself (scripts/crash-ref, the `crash` fixture): crash's
answers must not depend on which tests ran before."""
import json
import re
import subprocess

from conftest import PYTHON, SCRIPTS

DUMP = "vmcore.elf"


def crash_ref(sample, cmds, *opts):
    r = subprocess.run([PYTHON, str(SCRIPTS / "crash-ref"), "--json", *opts,
                        str(sample / DUMP)] + list(cmds),
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def test_answer_does_not_leak_between_batches(sample, crash):
    """gdb prints `p console_printk` (int[4]) as its address once a char
    array was printed in the same session: the batch keeps that answer to
    itself, and the command asked alone (here, and in a new crash-ref
    process reading the disk cache) gets the value."""
    batch = crash(["p boot_command_line", "p console_printk"], dump=DUMP)
    alone = crash.alone("p console_printk", dump=DUMP)
    value = re.compile(r"= \$\d+ = \s*\{[-\d, ]+\}")
    assert value.search(alone), alone
    assert value.search(crash_ref(sample, ["p console_printk"])
                        ["p console_printk"])
    # crash's quirk as seen on 8.0.6; if it is fixed some day, this line
    # goes, the rest of the test stays
    assert not value.search(batch["p console_printk"]), batch
