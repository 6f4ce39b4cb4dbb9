# SPDX-License-Identifier: GPL-2.0-or-later
"""PyLog: printing as problems happen, keeping them once, and the exit
summary in the original's exact format."""

import contextlib
import io
import re

import pytest

import crash
from pykdump import logging as L
from pykdump.logging import PyLog


@pytest.fixture(autouse=True)
def clean_log():
    crash.log_cleanup()
    yield
    crash.log_cleanup()


def test_singleton_store():
    a, b = PyLog(), PyLog()
    a.warning_onexit("kept once")
    assert b.warnings() == ["kept once"]
    assert L.pylog.warnings() == ["kept once"]
    assert crash.log_entries(crash.LOG_WARNING) == ["kept once"]


def test_printed_as_they_happen(capsys):
    log = PyLog()
    log.warning("disk", "sda", 3)
    log.error("bad list at", hex(0x10))
    log.info("only at exit")
    log.warning_onexit("also only at exit")
    log.timeout("<kmem -s> failed to complete within the timeout period "
                "of 5s")
    assert capsys.readouterr().out == (
        "+++WARNING+++ disk sda 3\n"
        "+++ERROR+++ bad list at 0x10\n"
        "+++WARNING+++ <kmem -s> failed to complete within the timeout "
        "period of 5s\n")


def test_printed_to_current_stdout():
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        PyLog().error("to the redirected stream")
    assert buf.getvalue() == "+++ERROR+++ to the redirected stream\n"


def test_echo_can_be_turned_off(capsys):
    was = crash.log_set_echo(False)
    try:
        PyLog().warning("quiet")
    finally:
        crash.log_set_echo(was)
    assert capsys.readouterr().out == ""
    assert PyLog().warnings() == ["quiet"]


def test_duplicates_printed_but_kept_once(capsys):
    log = PyLog()
    for _ in range(3):
        log.error("same")
    log.error("same", sep="-")            # one argument: sep does not matter
    log.error("a", "b", sep="-")
    assert capsys.readouterr().out.count("+++ERROR+++ same\n") == 4
    assert log.errors() == ["same", "a-b"]


def test_silent():
    log = PyLog()
    assert log.getsilent() == ""
    log.silent("held")
    assert log.getsilent() == "held"
    assert log.getsilent() == ""
    log.silenterror("nothing held")           # no-op
    assert log.errors() == []
    log.silent("first")
    log.silent("second")                      # replaces
    log.silenterror("while reading")
    assert log.errors() == ["while reading second"]
    assert log.getsilent() == ""


def _center(text, fill):
    return text.center(78, fill)


def test_summary_format(capsys):
    log = PyLog()
    assert log.summary() == ""
    log.onexit()
    assert capsys.readouterr().out == ""

    log.timeout("<foreach bt> failed to complete within the timeout period "
                "of 120s")
    log.warning("w1")
    log.warning_onexit("w2")
    log.error("e1")
    log.info("i1")
    log.info("i2")
    capsys.readouterr()
    expected = "\n".join([
        "",
        "*" * 78,
        _center(" A Summary Of Problems Found ", "*"),
        "*" * 78,
        _center(" Some crash built-in commands did not complete "
                "within timeout ", "-"),
        "    <foreach bt> failed to complete within the timeout period "
        "of 120s",
        " *** You can rerun your command with a different timeout",
        "     by adding --timeout=NNN to your options",
        "     For example, 'crashinfo -v --timeout=1200",
        "     to run with timeout of 1200s",
        _center(" A list of all +++WARNING+++ messages ", "-"),
        "    w1",
        "    w2",
        _center(" A list of all +++ERROR+++ messages ", "-"),
        "    e1",
        "-" * 78,
        "",
        _center(" Additional Info ", "~"),
        "    i1",
        "    i2",
        "~" * 78,
        ""])
    assert log.summary() == expected
    log.onexit()
    assert capsys.readouterr().out == expected


def test_summary_sections_only_when_needed():
    log = PyLog()
    log.info("just info")
    assert log.summary() == "\n" + _center(" Additional Info ", "~") + \
        "\n    just info\n" + "~" * 78 + "\n"
    log.cleanup()
    log.error("just an error")
    s = log.summary()
    assert "A list of all +++ERROR+++ messages" in s
    assert "WARNING" not in s and "timeout" not in s
    assert "Additional Info" not in s


def test_cleanup_forgets_everything():
    log = PyLog()
    log.warning("w")
    log.error("e")
    log.info("i")
    log.timeout("t")
    log.silent("s")
    log.cleanup()
    assert (log.warnings(), log.errors(), log.infos(), log.timeouts()) == \
        ([], [], [], [])
    assert log.getsilent() == ""
    assert log.summary() == ""


def test_debug_prints_stack(capsys, monkeypatch):
    monkeypatch.setattr(L, "debug", 1)
    PyLog().warning("with stack")
    err = capsys.readouterr().err
    assert "test_debug_prints_stack" in err


def test_log_kind_checked():
    with pytest.raises(ValueError, match="bad log kind 7"):
        crash.log_add(7, "x")
    with pytest.raises(ValueError):
        crash.log_entries(-1)


def test_exec_times():
    start = crash.exec_times()
    assert len(start) == 3 and all(isinstance(v, float) for v in start)
    line = crash.exec_times_format(start)
    assert re.fullmatch(r"\n \*\* Execution took +\d+\.\d\ds \(real\) +"
                        r"\d+\.\d\ds \(CPU\)\n", line)
    fixed = crash.exec_times_format((1.0, 2.0, 0.0), (3.5, 2.25, 0.0))
    assert fixed == "\n ** Execution took   2.50s (real)   0.25s (CPU)\n"
    child = crash.exec_times_format((1.0, 2.0, 0.0), (3.5, 2.25, 1.5))
    assert child.endswith("(CPU), Child processes:   1.50s\n")
    with pytest.raises(TypeError):
        crash.exec_times_format((1.0, 2.0))
