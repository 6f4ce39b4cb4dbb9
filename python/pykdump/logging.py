# SPDX-License-Identifier: GPL-2.0-or-later
"""The problem log (PyKdump's logging.py): PyLog.

Programs report what they find wrong while they run; warnings and errors
are printed as they happen (``+++WARNING+++ msg``, ``+++ERROR+++ msg``)
and remembered, so that the program's exit prints one summary of every
problem ("A Summary Of Problems Found", then "Additional Info").

PyLog is a singleton in effect: every instance works on the one store
kept by the C engine, which C code (list walkers, commands) logs into as
well.  ``pylog = PyLog()`` in any module sees the same messages.  A
message kept once is not kept again (it is still printed each time).
"""

import traceback

from . import _crash

WARNING = "+++WARNING+++"
ERROR = "+++ERROR+++"
INFO = "...INFO..."

# Print a stack trace with each warning/error (set by API's --debug).
debug = 0


def _message(args, kwargs):
    """The text print(*args, **kwargs) would show, as one message.  Only
    sep matters: the log keeps one message per entry and adds its own
    line ends, so end and file are not used."""
    sep = kwargs.get("sep")
    return (" " if sep is None else sep).join(str(a) for a in args)


class PyLog(object):
    """The shared problem log."""

    def timeout(self, msg):
        """A command that ran out of time: printed as a warning, listed
        in the summary with the --timeout hint."""
        _crash.log_add(_crash.LOG_TIMEOUT, str(msg))

    def warning(self, *args, **kwargs):
        if debug:
            traceback.print_stack()
        _crash.log_add(_crash.LOG_WARNING, _message(args, kwargs))

    def warning_onexit(self, *args, **kwargs):
        """A warning shown in the summary only."""
        _crash.log_add_onexit(_message(args, kwargs))

    def info(self, *args, **kwargs):
        """Shown under "Additional Info" at exit only."""
        _crash.log_add(_crash.LOG_INFO, _message(args, kwargs))

    def error(self, *args, **kwargs):
        if debug:
            traceback.print_stack()
        _crash.log_add(_crash.LOG_ERROR, _message(args, kwargs))

    def silent(self, msg):
        """Hold one message aside, unprinted (silenterror may keep it)."""
        _crash.log_silent(str(msg))

    def getsilent(self):
        """Take the held message ("" when there is none)."""
        return _crash.log_getsilent()

    def silenterror(self, extra):
        """Keep the held message, if any, as the error "extra msg",
        without printing it."""
        _crash.log_silenterror(str(extra))

    def cleanup(self):
        """Forget everything (done before each program run)."""
        _crash.log_cleanup()

    def summary(self):
        """The exit summary text ("" when nothing was logged)."""
        return _crash.log_summary()

    def onexit(self):
        """Print the exit summary, if there is anything to say."""
        text = _crash.log_summary()
        if text:
            print(text, end="")

    # Read access, for programs and tests.
    def warnings(self):
        return _crash.log_entries(_crash.LOG_WARNING)

    def errors(self):
        return _crash.log_entries(_crash.LOG_ERROR)

    def infos(self):
        return _crash.log_entries(_crash.LOG_INFO)

    def timeouts(self):
        return _crash.log_entries(_crash.LOG_TIMEOUT)


pylog = PyLog()
