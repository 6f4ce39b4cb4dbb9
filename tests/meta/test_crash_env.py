# SPDX-License-Identifier: GPL-2.0-or-later
"""crash, the tests' reference, runs without the sanitizer environment that
`make asan-python` gives the Python tests (LD_PRELOAD=libasan...).  Under it
crash 8.0.6 exits 0 printing nothing, so on a fresh machine (no cached crash
answers) every Python API test that asks crash failed in that stage."""
import importlib.machinery
import importlib.util
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
SANITIZER = {"LD_PRELOAD": "/usr/lib/x86_64-linux-gnu/libasan.so.8",
             "ASAN_OPTIONS": "detect_leaks=1", "UBSAN_OPTIONS": "x=1",
             "LSAN_OPTIONS": "x=1"}


def load_crash_ref():
    sys.path.insert(0, str(SCRIPTS / "lib"))
    loader = importlib.machinery.SourceFileLoader(
        "crash_ref", str(SCRIPTS / "crash-ref"))
    spec = importlib.util.spec_from_loader("crash_ref", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def test_crash_runs_without_the_sanitizer_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PYKDUMP_CACHE", str(tmp_path))
    for k, v in SANITIZER.items():
        monkeypatch.setenv(k, v)
    env = load_crash_ref().crash_env()
    assert not set(SANITIZER) & set(env)
    assert env["HOME"].startswith(str(tmp_path))


def test_conftest_starts_crash_ref_without_it():
    text = (SCRIPTS.parent / "tests" / "kernel" / "conftest.py").read_text()
    start = text.index("subprocess.Popen(argv, stdin=cmdfile")
    assert "env=env" in text[start:start + 120]
    for k in SANITIZER:
        assert f'"{k}"' in text
