# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures for the Python API tests (no dump needed).

Run with Debian's python:  /usr/bin/python3 -m pytest tests/python

The package is imported from the build tree: $PYKDUMP_BUILD/python (set
by the Makefile and by `meson test`), else <repo>/build/python.  A build
without the extension is an error, not a skip: build it first
(meson setup build -Dpython=enabled && ninja -C build).

Fixtures:
  build_python  Path of the build's python dir (what goes on PYTHONPATH)
  run_python    run_python(code_or_path, *args, cwd=None) ->
                CompletedProcess of /usr/bin/python3 in a fresh process
                with the build on PYTHONPATH (text output)
  api           pykdump.API imported in this process, without touching
                pytest's argv and without an atexit summary
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"


def _build_python_dir():
    build = Path(os.environ.get("PYKDUMP_BUILD") or REPO / "build")
    pydir = build / "python"
    ext = list((pydir / "pykdump").glob("_crash*.so"))
    if not ext:
        raise RuntimeError(
            "no pykdump._crash extension under {}: build it with "
            "`meson setup {} -Dpython=enabled && ninja -C {}` (or set "
            "PYKDUMP_BUILD)".format(pydir, build, build))
    return pydir


BUILD_PYTHON = _build_python_dir()
sys.path.insert(0, str(BUILD_PYTHON))


@pytest.fixture(scope="session")
def build_python():
    return BUILD_PYTHON


@pytest.fixture(scope="session")
def run_python(tmp_path_factory):
    def run(code, *args, cwd=None, env=None, timeout=60):
        """code: Python source, or a Path of a script to run."""
        if isinstance(code, Path):
            cmd = [PYTHON, str(code)]
        else:
            cmd = [PYTHON, "-c", code]
        e = dict(os.environ)
        e["PYTHONPATH"] = str(BUILD_PYTHON)
        e.pop("PYTHONSTARTUP", None)
        e.update(env or {})
        return subprocess.run(cmd + list(args), cwd=cwd, env=e,
                              capture_output=True, text=True,
                              timeout=timeout)
    return run


@pytest.fixture(scope="session")
def api():
    """pykdump.API as a program run would see it, imported once here with
    a neutral argv (its import starts a run: it strips options from
    sys.argv) and no exit hook (sys._pykdump_epython, as a shell sets)."""
    saved = sys.argv
    sys._pykdump_epython = True
    sys.argv = ["pytest-api"]
    try:
        import pykdump.API as API
    finally:
        sys.argv = saved
    yield API
    API.exit_epython()
