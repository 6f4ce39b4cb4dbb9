# SPDX-License-Identifier: GPL-2.0-or-later
"""The PyKdump API: programs start with ``from pykdump.API import *``.

This module
  * re-exports what programs use from the other modules (and, like the
    original, the standard modules it imports: sys, os, re, time ...);
  * strips the global options from sys.argv before the program sees them:
      --timeout=N     time budget of the program (none by default) and
                      of its built-in commands (default 120 s)
      --maxel=N       default element limit of list walks (10000)
      --debug=N       debugging level
      --reload        reload the program's own modules (not pykdump's)
      --ofile=FILE    write the program's output to FILE
      --experimental  enable experimental features
      --usens=PID     use the namespaces of process PID
      --dumpcache     dump API cache information at exit
      --ehelp         print these options
  * resets the problem log before each program run and prints its summary
    and the run time when the program ends.

Runs: importing this module starts a run (enter_epython).  A shell that
runs programs one after another in the same interpreter (epython) sets
sys._pykdump_epython = True before the first one and calls
sys.enterepython() before each later run and sys.exitepython() after
every run.  A standalone program (plain python3) gets exit_epython()
from atexit.
"""

import atexit
import importlib
import os
import os.path
import pprint
import re
import select
import site
import stat
import string
import sys
import sysconfig
import time
import traceback
from collections import defaultdict

import pykdump
from . import _crash
from . import _crash as crash
from . import Generic as gen
from . import highlevel, lowlevel, logging as _logging
from . import datatypes as Dat
from .Generic import (Bunch, DCache, TrueOnce, iterN, LazyEval,  # noqa: F401
                      KernelRev, funcToMethod, getCurrentModule,
                      registerModuleAttr, registerObjAttrHandler)
from .datatypes import *  # noqa: F401,F403 (TYPE_CODE_* as in the original)
from .datatypes import ArtStructInfo, EnumInfo  # noqa: F401
from .memocaches import (memoize_cond, purge_memoize_cache,  # noqa: F401
                         PY_select_purge, CU_LIVE, CU_LOAD, CU_PYMOD,
                         CU_TIMEOUT, memoize_typeinfo, purge_typeinfo,
                         PY_select)
from .highlevel import *  # noqa: F401,F403
from .tparser import CEnum, CDefine  # noqa: F401
from .logging import PyLog, WARNING, ERROR, INFO  # noqa: F401
from .vmcorearch import sys_info  # noqa: F401
from .dlkmload import (loadModule, delModule, lsModules,  # noqa: F401
                       possibleModuleNames)
from .Misc import AA_Node, EmbeddedFrames, Box  # noqa: F401
from . import vmcorearch
# the original API imported these from optparse for the programs
from optparse import OptionParser, Option  # noqa: F401

long = int                  # for programs written for Python 2
pp = pprint.PrettyPrinter(indent=4)

hexl = gen.hexl
unsigned16 = gen.unsigned16
unsigned32 = gen.unsigned32
unsigned64 = gen.unsigned64
dbits2str = gen.dbits2str
print2columns = gen.print2columns

crash.WARNING = WARNING     # for C code, as in the original

# TYPE_CODE_* for the modules that compare type codes.
TYPE_CODE_SU = Dat.TYPE_CODE_SU

debug = 0
API_options = Bunch()
pylog = PyLog()
highlevel.pylog = pylog

registerModuleAttr("debugReload", default=0)


def set_default_timeout(timeout):
    """The default time budget of built-in commands, in seconds."""
    crash.default_timeout = timeout


# ------------------------------------------------------------ global options

class _Opt(object):
    def __init__(self, dest, kind, default, help):
        self.dest, self.kind, self.default, self.help = \
            dest, kind, default, help


# kind: "flag" (no value), int or str (a value, "--x=V" or "--x V").
_OPTIONS = {
    "--experimental": _Opt("experimental", "flag", 0,
                           "enable experimental features (for developers "
                           "only)"),
    "--debug": _Opt("debug", int, -1, "enable debugging output"),
    "--timeout": _Opt("timeout", int, None,
                      "time budget of the program, and the default of "
                      "its commands (120 s)"),
    "--maxel": _Opt("Maxel", int, 10000,
                    "set maximum number of list elements to traverse"),
    "--usens": _Opt("usens", int, None, "use namespace of the specified PID"),
    "--reload": _Opt("reload", "flag", 0,
                     "reload already imported modules of the program"),
    "--dumpcache": _Opt("dumpcache", "flag", 0, "dump API caches info"),
    "--ofile": _Opt("filename", str, None, "write report to FILE"),
    "--ehelp": _Opt("ehelp", "flag", 0, "Print generic epython options"),
}


class OptionError(SystemExit):
    """A global option is malformed: the program ends with this message,
    as optparse ended it."""

    def __init__(self, msg):
        SystemExit.__init__(self, "{}: error: {}".format(
            os.path.basename(sys.argv[0] if sys.argv else "") or "epython",
            msg))


def _convert(name, opt, value):
    try:
        return opt.kind(value)
    except ValueError:
        raise OptionError("option {}: invalid {} value: {!r}".format(
            name, opt.kind.__name__, value))


def split_options(argv):
    """Split program arguments into (options, rest): options is a Bunch of
    the global options (every dest, defaults filled in), rest the
    arguments the program should see, in order.  An argument is taken as a
    global option only when its name (before any '=') is one of them; the
    value of a valued option is after '=' or the next argument."""
    opts = Bunch({o.dest: o.default for o in _OPTIONS.values()})
    rest = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, eq, value = arg.partition("=")
        opt = _OPTIONS.get(name) if arg.startswith("-") else None
        if opt is None:
            rest.append(arg)
            continue
        if opt.kind == "flag":
            if eq:
                raise OptionError("{} option does not take a value".format(
                    name))
            opts[opt.dest] = 1
            continue
        if not eq:
            if not args:
                raise OptionError("{} option requires an argument".format(
                    name))
            value = args.pop(0)
        opts[opt.dest] = _convert(name, opt, value)
    return opts, rest


def _options_help():
    lines = ["Generic epython options:"]
    for name, opt in _OPTIONS.items():
        arg = "" if opt.kind == "flag" else "=" + opt.dest.upper()
        lines.append("  {:<22s}{}".format(name + arg, opt.help))
    return "\n".join(lines)


# Timeout of the previous run: raising it drops the results of commands
# that ran out of time (CU_TIMEOUT caches).
_timeout_exec = 0


def _library_roots():
    roots = {sysconfig.get_paths()[k] for k in
             ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.update(getattr(site, "getsitepackages", lambda: [])())
    roots.add(site.getusersitepackages())
    roots.add(os.path.dirname(pykdump.__file__))
    return {os.path.join(p, "") for r in roots
            for p in (os.path.abspath(r), os.path.realpath(r))}


def _is_library_file(path):
    """True for files of the standard library and installed packages, and
    of pykdump itself (by their path as imported or resolved): --reload
    leaves those alone."""
    roots = _library_roots()
    return any(p.startswith(r) for r in roots
               for p in (os.path.abspath(path), os.path.realpath(path)))


def _reload_modules():
    """--reload: re-import the modules the program brought in itself.  The
    original reloaded every module with a source file except pykdump's
    and __main__, which under crash excluded the standard library (kept in
    a zip); here it is excluded by location."""
    purge_memoize_cache(CU_PYMOD)
    PY_select_purge()
    for name, mod in list(sys.modules.items()):
        fpath = getattr(mod, "__file__", None)
        if (not fpath or not os.path.isfile(fpath) or
                not fpath.endswith(".py") or
                name.split(".")[0] in ("pykdump", "__main__", "crash") or
                _is_library_file(fpath)):
            continue
        if debugReload > 1:  # noqa: F821 (registerModuleAttr)
            print(name, fpath)
        importlib.reload(mod)
        if debugReload:  # noqa: F821
            print("--reloading", name)


# stdout replaced by --ofile, restored at the end of the run.
_saved_stdout = None


def _apply_options(o):
    global debug, _timeout_exec, _saved_stdout
    highlevel.experimental = API_options.experimental = o.experimental
    if o.debug != -1:
        debug = o.debug
    API_options.debug = gen.debug = _logging.debug = debug
    if o.ehelp:
        print(_options_help())
        print("Current debug level=%d" % debug)
    if o.reload:
        _reload_modules()
    timeout = o.timeout if o.timeout is not None else 120
    if o.timeout is not None:
        # the run stops when it is spent, as with Ctrl-C (_epython.py)
        crash._cancel_limit(o.timeout)
    if timeout:
        set_default_timeout(timeout)
        if timeout > _timeout_exec:
            purge_memoize_cache(CU_TIMEOUT)
        _timeout_exec = timeout
    API_options.timeout = timeout
    if o.Maxel:
        highlevel.setListMaxel(o.Maxel)
    API_options.maxel = highlevel._MAXEL
    if crash.dump_is_open():
        set_nsproxy(None)
    if o.usens:
        print(" *=*=* Using namespaces of PID {}  *=*=*".format(o.usens))
        set_nsproxy(o.usens)
    if o.filename:
        _saved_stdout = sys.stdout
        sys.stdout = open(o.filename, "w")
    API_options.dumpcache = o.dumpcache


def _epythonOptions():
    """Process the global options and remove them from sys.argv."""
    opts, rest = split_options(sys.argv[1:])
    sys.argv[1:] = rest
    _apply_options(opts)
    return opts


def isfileoutput():
    """True when stdout is a regular file (not a terminal or a pipe)."""
    try:
        if sys.stdout.isatty():
            return False
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def argv2s(argv):
    """The command line as one string, program name without directory,
    arguments with spaces quoted, padded with a space at both ends."""
    out = [""]
    for i, a in enumerate(argv):
        if i == 0:
            a = os.path.basename(a)
        out.append('"{}"'.format(a) if " " in a else a)
    out.append("")
    return " ".join(out)


class MsgExtra(object):
    """with MsgExtra("context"): ... -- str(MsgExtra()) is the innermost
    active context message (for warnings that name where they come from)."""
    _msgstack = [None]

    def __init__(self, msg=None):
        self.msg = msg

    def __enter__(self):
        self._msgstack.append(self.msg)
        return None

    def __exit__(self, *args):
        self._msgstack.pop()

    def __str__(self):
        return str(self._msgstack[-1])


highlevel.MsgExtra = MsgExtra


# ------------------------------------------------------------ program runs

_t_start = None             # crash.exec_times() at the start of the run
_added_path = None          # what enter_epython put on sys.path
_running = False


def _print_header():
    """When writing to a file, say what ran on which dump."""
    dumpfile = sys_info.get("DUMPFILE")
    if not dumpfile or not isfileoutput():
        return
    dumpfile = os.path.abspath(dumpfile.split()[0])
    text = " %s (%s) " % (dumpfile, sys_info.get("RELEASE", "?"))
    print("\n   {:*^60s}".format(argv2s(sys.__oldargv)))
    print(" {:o^77s}".format(text))


def enter_epython():
    """Start a program run: per-run caches and the problem log are reset,
    the global options are taken out of sys.argv, the clock starts."""
    global _t_start, _added_path, _running
    DCache.cleartmp()
    _t_start = crash.exec_times()
    try:
        sys.stdout.reconfigure(encoding="utf-8")
    except (AttributeError, ValueError, OSError):
        pass
    pylog.cleanup()
    sys.__oldargv = sys.argv.copy()
    _epythonOptions()
    _running = True
    _print_header()
    if crash.dump_is_open():
        set_readmem_task(0)  # noqa: F405 (from highlevel)
    # The program's own directory first, for its helper modules.
    _added_path = os.path.dirname(sys.argv[0]) if sys.argv else ""
    sys.path.insert(0, _added_path)


def exit_epython(failed=False):
    """End a program run: the problem summary, then the run time (on
    stderr when the run failed: after an error, nothing on stdout may look
    like a program's answer)."""
    global _added_path, _running
    if not _running:
        return
    _running = False
    if _added_path is not None:
        try:
            sys.path.remove(_added_path)
        except ValueError:
            pass
        _added_path = None
    pylog.onexit()
    cleanup(failed)


def cleanup(failed=False):
    """Print "** Execution took ..." and restore stdout after --ofile."""
    global _saved_stdout
    if crash.dump_is_open():
        set_readmem_task(0)  # noqa: F405
    try:
        if _t_start is not None:
            print(crash.exec_times_format(_t_start), end="",
                  file=sys.stderr if failed else sys.stdout)
        sys.stdout.flush()
    except (BrokenPipeError, OSError) as v:
        print(v, file=sys.stderr)
    if _saved_stdout is not None:
        try:
            sys.stdout.close()
        except OSError:
            pass
        sys.stdout, _saved_stdout = _saved_stdout, None


# ------------------------------------------------------- needs an open dump

class __PYKD_reader(object):
    """PYKD.name is readSymbol("name")."""

    def __getattr__(self, attrname):
        if attrname.startswith("__") and attrname.endswith("__"):
            raise AttributeError(attrname)
        return readSymbol(attrname)  # noqa: F405


PYKD = __PYKD_reader()

# pid whose namespaces programs use (--usens), None: init's
_nsproxy_pid = None


def set_nsproxy(pid=None):
    """Use the namespaces of process pid (None: init's).  A pid that is
    no process ends the program, as in the original."""
    global _nsproxy_pid
    if pid is not None:
        crash._needs_dump("set_nsproxy()")
        if not pid_to_task(pid):  # noqa: F405 (from highlevel)
            print("There is no PID={}".format(pid))
            sys.exit(0)
    _nsproxy_pid = pid


def get_nsproxy():
    """The struct nsproxy programs look at namespaces through: init's
    (init_nsproxy), or that of the process set by set_nsproxy(pid);
    None when the kernel has no init_nsproxy."""
    if _nsproxy_pid is None:
        try:
            return readSymbol("init_nsproxy")  # noqa: F405
        except TypeError:
            return None
    task = readSU("struct task_struct",  # noqa: F405
                  pid_to_task(_nsproxy_pid))  # noqa: F405
    return task.nsproxy


def is_percpu_symbol(name):
    info = _crash._var_info(name)
    return bool(info and info[2])


# (total_vm KB, rss KB) of a task, crash's get_task_mem_usage: the C
# module's function, also reachable as crash.get_task_mem_usage.
get_task_mem_usage = crash.get_task_mem_usage


def _doSys():
    return vmcorearch.fill_sys_info()


_MACHINE_NAMES = ("HZ", "PAGESIZE", "PAGE_CACHE_SHIFT") + \
    highlevel._MACHINE_NAMES


def __getattr__(name):
    if name in ("HZ", "PAGESIZE", "PAGE_CACHE_SHIFT"):
        return getattr(vmcorearch, name)
    if name in highlevel._MACHINE_NAMES:
        return getattr(highlevel, name)
    raise AttributeError("module {!r} has no attribute {!r}".format(
        __name__, name))


if crash.dump_is_open():
    for _n in _MACHINE_NAMES:
        globals()[_n] = __getattr__(_n)

# The first import starts the first run; a shell running programs one
# after another calls these hooks for the next runs.
sys.enterepython = enter_epython
sys.exitepython = exit_epython
if not getattr(sys, "_pykdump_epython", False):
    atexit.register(exit_epython)
enter_epython()

if API_options.debug:
    print("-------PyKdump %s-------------" % pykdump.__version__)
