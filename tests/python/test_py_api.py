# SPDX-License-Identifier: GPL-2.0-or-later
"""API.py: global options taken out of sys.argv, per-run reset of the
problem log, and the exit summary with the run time.  Programs run in a
fresh python3, as a user would run them."""

import re
import textwrap
from pathlib import Path

import pytest

import crash
import pykdump


def write_prog(tmp_path, body, name="prog.py"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(body))
    return p


# ---------------------------------------------------------- split_options

def test_split_options_forms(api):
    o, rest = api.split_options(
        ["-v", "--timeout=300", "x", "--maxel", "50", "--debug=2", "y",
         "--reload", "--experimental", "--ofile=/tmp/o", "--usens", "12",
         "--dumpcache", "--", "--unknown=1", "-t"])
    assert rest == ["-v", "x", "y", "--", "--unknown=1", "-t"]
    assert (o.timeout, o.Maxel, o.debug, o.reload, o.experimental,
            o.filename, o.usens, o.dumpcache, o.ehelp) == \
        (300, 50, 2, 1, 1, "/tmp/o", 12, 1, 0)


def test_split_options_defaults(api):
    o, rest = api.split_options(["a", "b"])
    assert rest == ["a", "b"]
    # no --timeout: the program has no budget (its commands get 120 s)
    assert (o.timeout, o.Maxel, o.debug, o.usens, o.filename) == \
        (None, 10000, -1, None, None)


@pytest.mark.parametrize("argv,msg", [
    (["--timeout"], "--timeout option requires an argument"),
    (["--timeout=abc"], "option --timeout: invalid int value: 'abc'"),
    (["--maxel", "many"], "option --maxel: invalid int value: 'many'"),
    (["--reload=1"], "--reload option does not take a value"),
])
def test_split_options_errors(api, argv, msg):
    with pytest.raises(SystemExit) as ei:
        api.split_options(argv)
    assert isinstance(ei.value, api.OptionError)
    assert str(ei.value).endswith("error: " + msg)


def test_argv2s(api):
    assert api.argv2s(["/usr/bin/prog", "-v", "two words"]) == \
        ' prog -v "two words" '


# ------------------------------------------------------------ program runs

PROG = """
    from pykdump.API import *
    from pykdump import highlevel
    print("argv", sys.argv[1:])
    print("timeout", crash.default_timeout, API_options.timeout)
    print("maxel", highlevel._MAXEL, API_options.maxel)
    print("debug", API_options.debug, highlevel.experimental)
    pylog.warning("watch out")
    pylog.error("broken", 42)
    pylog.info("fyi")
    print("end of program")
"""

SUMMARY_RE = re.compile(
    r"\n\*{78}\n\*+ A Summary Of Problems Found \*+\n\*{78}\n"
    r"-+ A list of all \+\+\+WARNING\+\+\+ messages -+\n    watch out\n"
    r"-+ A list of all \+\+\+ERROR\+\+\+ messages -+\n    broken 42\n"
    r"-{78}\n\n~+ Additional Info ~+\n    fyi\n~{78}\n"
    r"\n \*\* Execution took +\d+\.\d\ds \(real\) +\d+\.\d\ds \(CPU\)\n$")


def test_program_run(tmp_path, run_python):
    prog = write_prog(tmp_path, PROG)
    r = run_python(prog, "-v", "--timeout=300", "x", "--maxel", "50",
                   "--debug=2", "y", "--experimental")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith(
        "-------PyKdump {}-------------\n"     # --debug announces the API
        "argv ['-v', 'x', 'y']\n"
        "timeout 300 300\n"
        "maxel 50 50\n"
        "debug 2 1\n"
        "+++WARNING+++ watch out\n"
        "+++ERROR+++ broken 42\n"
        "end of program\n".format(pykdump.__version__)), out
    assert SUMMARY_RE.search(out), out


def test_program_without_problems(tmp_path, run_python):
    prog = write_prog(tmp_path, """
        from pykdump.API import *
        print("quiet", sys.argv[1:])
    """)
    r = run_python(prog, "a")
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"quiet \['a'\]\n\n \*\* Execution took .*\(CPU\)\n",
                        r.stdout), r.stdout


def test_sys_exit_still_summarises(tmp_path, run_python):
    prog = write_prog(tmp_path, """
        from pykdump.API import *
        pylog.error("fatal")
        sys.exit(3)
    """)
    r = run_python(prog)
    assert r.returncode == 3
    assert "A list of all +++ERROR+++ messages" in r.stdout
    assert "** Execution took" in r.stdout


def test_ofile(tmp_path, run_python):
    out = tmp_path / "report.txt"
    prog = write_prog(tmp_path, """
        from pykdump.API import *
        print("to the file")
        pylog.warning("in the file too")
    """)
    r = run_python(prog, "--ofile=" + str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    text = out.read_text()
    assert text.startswith("to the file\n+++WARNING+++ in the file too\n")
    assert "A list of all +++WARNING+++ messages" in text
    assert "** Execution took" in text


def test_ehelp(tmp_path, run_python):
    prog = write_prog(tmp_path, "from pykdump.API import *\n")
    r = run_python(prog, "--ehelp")
    assert r.returncode == 0, r.stderr
    for opt in ("--timeout=TIMEOUT", "--maxel=MAXEL", "--debug=DEBUG",
                "--reload", "--ofile=FILENAME", "--experimental",
                "--usens=USENS"):
        assert opt in r.stdout
    assert "Current debug level=0" in r.stdout


def test_bad_option_ends_program(tmp_path, run_python):
    prog = write_prog(tmp_path, "from pykdump.API import *\nprint('ran')\n")
    r = run_python(prog, "--timeout=soon")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.strip() == \
        "prog.py: error: option --timeout: invalid int value: 'soon'"


def test_usens_needs_a_dump(tmp_path, run_python):
    prog = write_prog(tmp_path, "from pykdump.API import *\n")
    r = run_python(prog, "--usens=1")
    assert r.returncode == 1
    assert "crash.NoDumpError: set_nsproxy() needs an open dump" in r.stderr


RUNS = """
    import sys, importlib
    sys._pykdump_epython = True          # we drive the runs, as a shell does
    sys.argv = ["prog", "--timeout=10"]
    from pykdump.API import *
    from pykdump.memocaches import memoize_cond, CU_TIMEOUT
    import helper
    calls = []
    @memoize_cond(CU_TIMEOUT)
    def cmd(x):
        calls.append(x)
        return x
    cmd(1)
    pylog.warning("first run")
    sys.exitepython()

    reloaded = []
    real_reload = importlib.reload
    importlib.reload = lambda m: (reloaded.append(m.__name__),
                                  real_reload(m))[1]
    sys.argv = ["prog", "--reload", "--timeout=5", "arg"]
    sys.enterepython()
    print("argv", sys.argv, "warnings", pylog.warnings())
    print("reloaded", reloaded, helper.LOADS)
    cmd(1)
    print("calls after lower timeout", calls)
    sys.exitepython()
    sys.argv = ["prog", "--timeout=50"]
    sys.enterepython()
    cmd(1)
    print("calls after higher timeout", calls)
    sys.exitepython()
"""


def test_successive_runs(tmp_path, run_python):
    """A shell running programs one after another: each run starts with an
    empty log; --reload re-imports the program's modules (not the
    standard library's, not pykdump's) and drops CU_PYMOD caches; raising
    --timeout drops CU_TIMEOUT caches."""
    write_prog(tmp_path, "import json\nLOADS = globals().get('LOADS', 0) + 1\n",
               "helper.py")
    prog = write_prog(tmp_path, RUNS)
    r = run_python(prog, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith(
        ("argv", "reloaded", "calls"))]
    assert lines == [
        "argv ['prog', 'arg'] warnings []",
        "reloaded ['helper'] 2",
        "calls after lower timeout [1]",
        "calls after higher timeout [1, 1]",
    ]
    assert r.stdout.count("** Execution took") == 3
    assert r.stdout.count("A Summary Of Problems Found") == 1


def test_program_dir_on_path(tmp_path, run_python):
    sub = tmp_path / "progs"
    sub.mkdir()
    write_prog(sub, "VALUE = 'found'\n", "mylib.py")
    prog = write_prog(sub, """
        import sys
        sys.path.remove(sys.path[0])     # as if run from elsewhere
        from pykdump.API import *
        import mylib
        print(mylib.VALUE)
    """)
    r = run_python(prog)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("found\n")


def test_in_process_api(api):
    """pykdump.API imported in this process (the `api` fixture): the
    hooks a shell calls are installed and the names are there."""
    import sys
    assert sys.enterepython is api.enter_epython
    assert sys.exitepython is api.exit_epython
    assert api.crash is crash and api.pylog.warnings() == []
    assert api.long is int and api.hexl(16) == "0x10"
    assert isinstance(api.sys_info, api.Bunch)
    assert Path(api.__file__).name == "API.py"
