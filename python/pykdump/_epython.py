# SPDX-License-Identifier: GPL-2.0-or-later
"""One epython run in the pykdump shell (called from cli/epython.c).

  * the program is looked up in the current directory, then in the
    directories of $PYKDUMPPATH, then in the shipped progs/ (a name
    without .py also matches NAME.py);
  * the directories of $PYKDUMPPATH are on sys.path too, as in the
    original, where they held the programs' library (LinuxDump/);
  * sys.argv is [program path, args...]; the API strips the global options
    (--timeout, --maxel ...) when it starts the run;
  * the problem log is reset before the run (API.enter_epython) and its
    summary printed after (API.exit_epython);
  * sys.exit() ends the program, not the shell; an exception prints its
    traceback and the shell goes on;
  * Ctrl-C and the run's time budget (--timeout of the shell, or of the
    program) stop the program with KeyboardInterrupt.
"""

import os
import runpy
import sys
import traceback


def search_dirs():
    dirs = ["."]
    dirs += [d for d in os.environ.get("PYKDUMPPATH", "").split(":") if d]
    progs = getattr(sys, "_pykdump_progs", None)
    if progs:
        dirs.append(progs)
    return dirs


def add_module_path():
    """$PYKDUMPPATH's directories on sys.path (after those already there):
    programs import their library (LinuxDump) from them."""
    for d in os.environ.get("PYKDUMPPATH", "").split(":"):
        if d and d not in sys.path:
            sys.path.append(d)


def find_program(name):
    """The path of program `name`, or None."""
    names = [name] if name.endswith(".py") else [name + ".py", name]
    if os.sep in name:
        return next((n for n in names if os.path.isfile(n)), None)
    for d in search_dirs():
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p):
                return p
    return None


def _exit_status(e):
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _cancel_state():
    crash = sys.modules.get("pykdump._crash")
    return crash._cancel_state() if crash is not None else (None, 0)


def _api_hook(name, *args):
    api = sys.modules.get("pykdump.API")
    if api is not None:
        getattr(api, name)(*args)


class _Writer(object):
    """sys.stdout of a program run from another one: its text goes to the
    command's output stream (captured by exec_crash_command)."""

    def __init__(self, write):
        self.write = write

    def flush(self):
        pass


_depth = 0


def run(argv, write=None):
    """Run a program; returns its exit status.  write: where its output
    goes when the command's stream has no descriptor.  A program run from
    another (exec_crash_command("NAME")) shares that run's problem log and
    options: no per-run hooks, sys.argv and sys.stdout restored after."""
    global _depth
    # Options may come before the program name (epython --maxel=5 prog).
    lead = []
    while argv and argv[0].startswith("--"):
        lead.append(argv.pop(0))
    if not argv:
        print("epython: no program given", file=sys.stderr)
        return 1
    add_module_path()
    prog = find_program(argv[0])
    if prog is None:
        print("epython: cannot find {} (looked in {})".format(
            argv[0], ", ".join(search_dirs())), file=sys.stderr)
        return 1
    saved = sys.argv, sys.stdout
    nested = _depth > 0
    sys.argv = [prog] + lead + argv[1:]
    if write is not None:
        sys.stdout.flush()
        sys.stdout = _Writer(write)
    status = 0
    _depth += 1
    try:
        if not nested:
            _api_hook("enter_epython")
        runpy.run_path(prog, run_name="__main__")
    except SystemExit as e:
        status = _exit_status(e)
    except KeyboardInterrupt:
        # Ctrl-C, or the run's time budget spent: the cancel hook
        # interrupts Python code in both cases (cli/epython.c)
        why, budget = _cancel_state()
        if why == "timeout":
            print("*** timed out after {:g} s".format(budget),
                  file=sys.stderr)
            status = 124
        else:
            traceback.print_exc()
            print("*** interrupted", file=sys.stderr)
            status = 130
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        _depth -= 1
        try:
            if not nested:
                _api_hook("exit_epython", status != 0)
        except BaseException:
            traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        if nested or write is not None:
            sys.argv, sys.stdout = saved
    return status
