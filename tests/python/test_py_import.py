# SPDX-License-Identifier: GPL-2.0-or-later
"""The package and its C module: both import names, the version check,
the error-code -> exception table, constants, and the parts that wait for
a dump saying so."""

import re
import sys
from pathlib import Path

import pytest

import crash
import pykdump
import pykdump._crash as _crash

REPO = Path(__file__).resolve().parents[2]


def test_crash_is_the_c_module(build_python):
    assert crash is _crash
    assert sys.modules["crash"] is _crash
    assert Path(_crash.__file__).parent == build_python / "pykdump"
    assert Path(_crash.__file__).name.startswith("_crash.cpython-")
    assert issubclass(crash.error, Exception)
    assert crash.error.__module__ == "crash"


def test_import_crash_first(run_python):
    """`import crash` alone (PYTHONPATH at the build) gives the C module."""
    r = run_python("import crash, sys, pykdump\n"
                   "print(crash is pykdump._crash, crash.__name__,\n"
                   "      sys.modules['crash'] is crash)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "pykdump._crash", "True"]


def test_import_has_no_side_effects(run_python):
    r = run_python("import sys; import pykdump\n"
                   "print(sys.argv[1:], 'pykdump.API' in sys.modules)",
                   "--timeout=5", "x")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "['--timeout=5', 'x'] False"


def test_versions_agree_with_meson():
    m = re.search(r"version\s*:\s*'([^']+)'", (REPO / "meson.build").read_text())
    assert crash.version == m.group(1)
    assert pykdump.__version__ == m.group(1)
    assert pykdump.c_mod_version == crash.version
    assert pykdump.compat_version == "3.5.3"


def test_split_version():
    sv = pykdump._split_version
    assert sv("3.5.3") == (3, 5, 3)
    assert sv("1.2") == (1, 2, 0)
    assert sv("0.10.1rc2") == (0, 10, 1)
    assert sv("0.10.0") > sv("0.9.9")


def test_require_cmod_version_mismatch():
    pykdump.require_cmod_version(crash.version)          # equal is fine
    pykdump.require_cmod_version("0.0.1")
    with pytest.raises(pykdump.CModVersionError) as ei:
        pykdump.require_cmod_version("99.1.0")
    msg = str(ei.value)
    assert isinstance(ei.value, ImportError)
    assert "needs the C module (pykdump._crash) version 99.1.0 or newer" in msg
    assert "is version " + crash.version in msg
    assert _crash.__file__ in msg
    assert "rebuild" in msg and "ninja -C build" in msg


def test_stale_c_module_refused_at_import(run_python):
    """Simulate Python code newer than the built C module."""
    code = ("import sys, types\n"
            "fake = types.ModuleType('pykdump._crash')\n"
            "fake.version = '0.0.1'\n"
            "fake.__file__ = '/stale/_crash.so'\n"
            "sys.modules['pykdump._crash'] = fake\n"
            "import pykdump\n")
    r = run_python(code)
    assert r.returncode != 0
    assert "CModVersionError" in r.stderr
    assert ("the Python API {} needs the C module (pykdump._crash) version "
            "{} or newer, but /stale/_crash.so is version 0.0.1".format(
                pykdump.__version__, pykdump.minimal_cmod_version)
            in r.stderr)
    assert "rebuild it" in r.stderr


# ------------------------------------------------------------- exceptions

@pytest.mark.parametrize("code,cls,also", [
    ("FAULT", "FaultError", ()),
    ("NOT_PRESENT", "FaultError", ()),
    ("EXCLUDED", "FaultError", ()),
    ("LOST", "FaultError", ()),
    ("NOT_FOUND", "NotFoundError", (KeyError, AttributeError)),
    ("INVALID", "InvalidError", (ValueError,)),
    ("OS", "FileError", (OSError,)),
    ("TIMEOUT", "CommandTimeout", (TimeoutError,)),
    ("CORRUPT", "error", ()),
    ("TRUNCATED", "error", ()),
    ("FORMAT", "error", ()),
    ("UNSUPPORTED", "error", ()),
    ("MISMATCH", "error", ()),
    ("LIMIT", "error", ()),
    ("CYCLE", "error", ()),
    ("OTHER", "error", ()),
])
def test_error_table(code, cls, also):
    with pytest.raises(crash.error) as ei:
        crash._raise_kd_error(code, "vmcore: something at 0x10", addr=0x10,
                              errno=2)
    e = ei.value
    assert type(e) is getattr(crash, cls)
    for base in also:
        assert isinstance(e, base)
    assert str(e) == "vmcore: something at 0x10"     # not quoted by KeyError
    assert e.code == code
    fault = code in ("FAULT", "NOT_PRESENT", "EXCLUDED", "LOST")
    assert e.addr == (0x10 if fault else None)
    assert e.errno == (2 if code == "OS" else None)


def test_error_special_codes():
    with pytest.raises(KeyboardInterrupt) as ei:
        crash._raise_kd_error("INTERRUPTED", "interrupted")
    assert ei.value.code == "INTERRUPTED"
    with pytest.raises(MemoryError):
        crash._raise_kd_error("NOMEM", "out of memory")
    with pytest.raises(ValueError, match="unknown error code 'BOGUS'"):
        crash._raise_kd_error("BOGUS", "x")


def test_not_found_works_with_hasattr():
    class Obj:
        def __getattr__(self, name):
            crash._raise_kd_error("NOT_FOUND", "no member " + name)
    o = Obj()
    assert not hasattr(o, "pid")
    assert getattr(o, "pid", 7) == 7
    with pytest.raises(KeyError):
        o.pid


def test_exception_classes():
    for name in ("FaultError", "NotFoundError", "InvalidError", "FileError",
                 "CommandTimeout", "NoDumpError"):
        c = getattr(crash, name)
        assert issubclass(c, crash.error), name
        assert c.__module__ == "crash" and c.__doc__
    assert issubclass(crash.NoDumpError, RuntimeError)


# -------------------------------------------------------------- constants

def test_constants():
    assert (crash.KVADDR, crash.UVADDR, crash.PHYSADDR) == (1, 2, 4)
    assert crash.TYPE_CODE_PTR == 1
    assert crash.TYPE_CODE_STRUCT == 3 and crash.TYPE_CODE_UNION == 4
    assert crash.TYPE_CODE_ENUM == 5 and crash.TYPE_CODE_FUNC == 7
    assert crash.TYPE_CODE_INT == 8 and crash.TYPE_CODE_BOOL == 21
    assert crash.TYPE_CODE_TYPEDEF == 23
    codes = [getattr(crash, n) for n in dir(crash)
             if n.startswith("TYPE_CODE_")]
    assert len(codes) == len(set(codes)) == 30
    assert (crash.CU_LIVE, crash.CU_LOAD, crash.CU_PYMOD,
            crash.CU_TIMEOUT) == (1, 2, 4, 8)
    assert crash.WARNING == "+++WARNING+++"


# ------------------------------------------------- what waits for a dump

def test_no_dump_open():
    assert crash.dump_is_open() is False
    with pytest.raises(crash.NoDumpError,
                       match=r"^readSymbol\(\) needs an open dump"):
        crash._needs_dump("readSymbol()")
    # Opening a file that is not there says so (an OSError).
    with pytest.raises(crash.FileError, match="/nonexistent/vmcore"):
        pykdump.open("/nonexistent/vmcore")
    assert crash.dump_is_open() is False


def test_datatypes_names():
    from pykdump import datatypes as D
    assert D.TYPE_CODE_SU == (crash.TYPE_CODE_STRUCT, crash.TYPE_CODE_UNION)
    assert D.TYPE_CODE_PTR == crash.TYPE_CODE_PTR
    for name in ("TypeInfo", "VarInfo", "SUInfo", "EnumInfo",
                 "ArtStructInfo"):
        if name in ("VarInfo", "ArtStructInfo"):
            continue        # records built by the program, no dump involved
        with pytest.raises(crash.NoDumpError, match="needs an open dump"):
            getattr(D, name)("struct task_struct")
    assert issubclass(D.SUInfo, dict) and issubclass(D.EnumInfo, dict)
    with pytest.raises(crash.NoDumpError, match="needs an open dump"):
        D.type_length("int")


def test_lowlevel_names():
    from pykdump import lowlevel as L
    assert issubclass(L.StructResult, int) and issubclass(L.tPtr, int)
    assert issubclass(L.SmartString, str) and issubclass(L.tEnum, int)
    with pytest.raises(crash.NoDumpError, match="StructResult"):
        L.StructResult("struct page", 0x1000)
    with pytest.raises(crash.NoDumpError, match=r"readmem\(\)"):
        L.readPtr(0xffffffff81000000)  # no dump is open: any address
    with pytest.raises(crash.NoDumpError, match=r"readmem\(\)"):
        L.readmem(0xffffffff81000000, 8)  # no dump is open: any address
    with pytest.raises(crash.NoDumpError, match="lowlevel.pointersize"):
        L.pointersize
    with pytest.raises(AttributeError):
        L.no_such_name
    assert L.b2str(b"ab\xffc") == "ab\\xffc"


def test_vmcorearch_and_dlkm(tmp_path):
    from pykdump import vmcorearch as V, dlkmload as M
    assert V.sys_info == {}
    for name in ("HZ", "PAGESIZE", "PAGE_CACHE_SHIFT"):
        with pytest.raises(crash.NoDumpError, match="vmcorearch." + name):
            getattr(V, name)
    with pytest.raises(crash.NoDumpError, match=r"loadModule\(\)"):
        M.loadModule("nfsd")
    # Finding a module's debuginfo file needs no dump.
    (tmp_path / "kernel/fs/nfsd").mkdir(parents=True)
    (tmp_path / "kernel/fs/nfsd/nfsd.ko.debug").write_text("")
    (tmp_path / "kernel/fs/nfsd/nfsd_x.ko").write_text("")
    (tmp_path / "dm-mod.ko").write_text("")
    assert M.possibleModuleNames(str(tmp_path), "nfsd") == \
        str(tmp_path / "kernel/fs/nfsd/nfsd.ko.debug")
    assert M.possibleModuleNames(str(tmp_path), "dm-mod") == \
        str(tmp_path / "dm-mod.ko")
    assert M.possibleModuleNames(str(tmp_path), "dm_mod") is None
    assert M.possibleModuleNames(None, "x") is None


# Every name of docs/pykdump-api.md that programs reach through
# `from pykdump.API import *` (the per-CPU helpers live in LinuxDump).
API_NAMES = """
readmem readPtr readU8 readU16 readU32 readU64 readS32 readS64 readInt
readUInt readLong readULong mem2long readProcessMem set_readmem_task uvtop
PYKD readSymbol whatis sym2addr sym2alladdr addr2sym addr2mod symbol_exists
struct_size union_size getSizeOf struct_exists member_offset member_size
getStructInfo TypeInfo enumerator_value EnumInfo CEnum CDefine container_of
Deref Addr structSetAttr AttrSetter PY_select readSU StructResult tPtr
SmartString readList readBadList readListByHead list_for_each_entry ListHead
LH_isempty readSUListFromHead readStructNext readSUArray hlist_for_each_entry
getListSize getFullBuckets getFullBucketsH setListMaxel exec_crash_command
exec_crash_command_bg exec_gdb_command exec_command sys_info PyLog pylog
memoize_cond memoize_typeinfo purge_memoize_cache purge_typeinfo CU_LIVE
CU_LOAD CU_PYMOD CU_TIMEOUT loadModule delModule lsModules pid_to_task
task_to_pid is_task_active get_pathname crash Bunch DCache
""".split()
# Values of the dumped machine: present, but read from the open dump.
API_DUMP_VALUES = """INT_SIZE LONG_SIZE PTR_SIZE pointersize BITS_PER_LONG
INT_MASK LONG_MASK INT_MAX LONG_MAX HZ PAGESIZE PAGE_CACHE_SHIFT""".split()


def test_api_star_import_has_every_name(run_python):
    code = ("from pykdump.API import *\n"
            "import sys\n"
            "names = sys.argv[1].split()\n"
            "print(' '.join(n for n in names if n not in globals()))\n")
    r = run_python(code, " ".join(API_NAMES))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].strip() == ""


def test_api_dump_values_need_a_dump(api):
    for name in API_DUMP_VALUES:
        with pytest.raises(crash.NoDumpError, match=name):
            getattr(api, name)
    with pytest.raises(crash.NoDumpError, match=r"readSymbol\(\)"):
        api.PYKD.jiffies
    with pytest.raises(crash.NoDumpError, match=r"exec_crash_command\(\)"):
        api.exec_crash_command("sys")
    assert api.crash is crash
    assert api.TYPE_CODE_SU == (3, 4)
