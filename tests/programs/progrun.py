# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared by tests/programs' test files (conftest.py's fixtures make the
runs): a program run's result and what every run must satisfy."""

import re
from dataclasses import dataclass

DUMP = "vmcore.kdump"

# Our engine's words for what it does not do (yet), should a program
# catch the exception and print it.
ENGINE_UNSUPPORTED = re.compile(
    r"unsupported argument|arguments are not supported|option -\w is not "
    r"supported|invalid option|command not found|only -\w is supported")


@dataclass
class Run:
    args: tuple
    rc: int
    out: str
    err: str

    def __str__(self):
        return "%s: rc=%d\n--- stdout (end)\n%s\n--- stderr\n%s" % (
            " ".join(self.args), self.rc, self.out[-3000:], self.err[-3000:])


def assert_ran(run):
    """Exit 0, no traceback, no "not supported" from our engine: the
    program ran to its end (its "** Execution took" line)."""
    assert run.rc == 0, str(run)
    for text in (run.out, run.err):
        assert "Traceback" not in text, str(run)
        m = ENGINE_UNSUPPORTED.search(text)
        assert not m, "%r from the engine\n%s" % (m.group(0), run)
    assert "Execution took" in run.out, str(run)
