# SPDX-License-Identifier: GPL-2.0-or-later
"""dlkmload without a dump: loadModule/delModule/lsModules drive the
engine's `mod -s/-d` and read `mod`'s table (crash's format, as crash
8.0.6 prints it), here through a stand-in for exec_crash_command."""
import pytest

from pykdump import _crash as crash

HEADER = "     MODULE       NAME               BASE         SIZE  OBJECT FILE\n"
# A made-up `mod` table (the tests use no dump), in crash's format.
NOT_LOADED = ("ffffffffc04b2100  dummy        ffffffffc04b0000  16384  "  # made-up table row
              "(not loaded)  [CONFIG_KALLSYMS]\n")
LOADED = ("ffffffffc04bf2c0  loop         ffffffffc04b9000  32768  "  # made-up table row
          "/m/kernel/drivers/block/loop.ko \n")


@pytest.fixture
def fake(monkeypatch):
    from pykdump import highlevel
    calls = []
    replies = {}

    def exec_crash_command(cmd):
        calls.append(cmd)
        r = replies.get(cmd, "")
        if isinstance(r, Exception):
            raise r
        return r
    monkeypatch.setattr(highlevel, "exec_crash_command", exec_crash_command)
    return calls, replies


def test_load_found_in_debuginfo_dirs(fake, monkeypatch, tmp_path):
    from pykdump import dlkmload as M
    calls, replies = fake
    (tmp_path / "a/b").mkdir(parents=True)
    (tmp_path / "a/b/qemu-fw-cfg.ko").write_text("")
    (tmp_path / "a/b/qemu-fw-cfg.ko.debug").write_text("")
    monkeypatch.setattr(M, "_debuginfo_dirs", lambda: [str(tmp_path)])
    replies["mod"] = HEADER + NOT_LOADED.replace("dummy", "qemu_fw_cfg")
    path = str(tmp_path / "a/b/qemu-fw-cfg.ko.debug")
    replies["mod -s qemu_fw_cfg " + path] = HEADER + LOADED.replace(
        "loop        ", "qemu_fw_cfg ")
    assert M.loadModule("qemu_fw_cfg")
    assert calls == ["mod", "mod -s qemu_fw_cfg " + path]


def test_load_failures_and_engine_search(fake, monkeypatch):
    from pykdump import dlkmload as M
    calls, replies = fake
    monkeypatch.setattr(M, "_debuginfo_dirs", lambda: [])
    replies["mod"] = HEADER + NOT_LOADED + LOADED
    replies["mod -s loop"] = HEADER + LOADED
    replies["mod -s dummy /x/loop.ko"] = crash.error("this is module loop")
    replies["mod -s dummy"] = HEADER + NOT_LOADED
    assert M.loadModule("loop")
    assert not M.loadModule("dummy", "/x/loop.ko")
    assert not M.loadModule("dummy")
    assert calls == ["mod", "mod -s loop", "mod", "mod -s dummy /x/loop.ko",
                     "mod", "mod -s dummy"]
    # a module the dump does not have: not tried (the original's rule)
    del calls[:]
    assert not M.loadModule("scsi_mod")
    assert calls == ["mod"]


def test_ls_and_del(fake):
    from pykdump import dlkmload as M
    calls, replies = fake
    replies["mod"] = HEADER + NOT_LOADED + LOADED
    assert M.lsModules() == ["dummy", "loop"]
    assert M.lsModules(debuginfo=True) == ["loop"]
    M.delModule("loop")
    assert calls == ["mod", "mod", "mod -d loop"]
