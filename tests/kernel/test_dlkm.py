# SPDX-License-Identifier: GPL-2.0-or-later
"""Kernel modules on the sample: symbols from the modules' kallsyms with
no debuginfo, `mod -s/-S/-d/-D`, module types/variables/functions once
their debuginfo is loaded, and refused files; all compared with crash
8.0.6 after its own `mod -s` (crash-ref --prelude)."""
import re
import time

import pytest

DUMP = "vmcore.kdump"

# module -> (a function, a module-only struct or None, globals to print)
MODULES = {
    "loop": ("loop_add", "loop_device", ["max_loop", "loop_misc"]),
    "dummy": ("dummy_dev_init", None, ["numdummies", "dummy_link_ops"]),
    "qemu_fw_cfg": ("fw_cfg_sysfs_probe", "fw_cfg_sysfs_entry",
                    ["fw_cfg_rev", "fw_cfg_reg_ctrl"]),
}


def ko(sample, name):
    found = sorted(sample.modules.rglob(f"{name}.ko"))
    assert found, f"{name}.ko not under {sample.modules}"
    return str(found[0])


def normalize_history(text):
    """crash's `p` numbers its values ($1, $2 ...) per session."""
    return re.sub(r"\$\d+ = ", "$N = ", text)


def run_ours(pykdump, prelude, cmds):
    """Our output of cmds after prelude, in one session, prelude output
    cut off (its lines are counted from a run of the prelude alone)."""
    head = ours_text(pykdump, prelude) if prelude else ""
    out = ours_text(pykdump, list(prelude) + list(cmds))
    assert out.startswith(head)
    return out[len(head):]


def ours_text(pykdump, cmds):
    """stdout and stderr of one run, in order; the exit status says
    whether any command failed, which may be expected, so only a crash
    (signal) is an error."""
    r = pykdump.run(cmds, dump=DUMP, merge=True)
    assert r.returncode in (0, 1), r.stdout[-3000:]
    return r.stdout


def check(pykdump, crash, compare, prelude, cmds, allow=(), what=""):
    ref = crash(cmds, dump=DUMP, prelude=prelude)
    ours = run_ours(pykdump, prelude, cmds)
    compare(normalize_history(ours),
            normalize_history("".join(ref[c] if ref[c].endswith("\n") or
                                      not ref[c] else ref[c] + "\n"
                                      for c in cmds)),
            allow=allow, what=what or " ; ".join(cmds))


def test_module_symbols_without_debuginfo(sample, pykdump, crash, compare):
    """Module symbols from kallsyms: by name, and an address inside a
    function (taken from crash, never hard-coded)."""
    names = [v[0] for v in MODULES.values()]
    ref = crash([f"sym {n}" for n in names], dump=DUMP)
    cmds = []
    for n in names:
        m = re.match(r"([0-9a-f]+) \(t\) " + n + r" \[", ref[f"sym {n}"])
        assert m, ref[f"sym {n}"]
        cmds += [f"sym {n}", f"sym {int(m.group(1), 16) + 0x10:x}"]
    check(pykdump, crash, compare, [], ["mod"] + cmds)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_mod_s(sample, pykdump, crash, compare, name):
    """mod -s NAME FILE: its row, then mod, sym (with the source line),
    struct -o of a module-only type and p of module globals."""
    func, struct, globs = MODULES[name]
    path = ko(sample, name)
    cmds = ["mod", f"sym {func}"]
    if struct:
        cmds.append(f"struct -o {struct}")
    cmds += [f"p {g}" for g in globs]
    ref = crash([f"mod -s {name} {path}"], dump=DUMP)
    compare(ours_text(pykdump, [f"mod -s {name} {path}"]),
            ref[f"mod -s {name} {path}"], what=f"mod -s {name}")
    check(pykdump, crash, compare, [f"mod -s {name} {path}"], cmds)


def test_unload_and_reload_drop_cached_types(sample, pykdump, crash,
                                              compare):
    """A type and a variable looked up (and cached) while loop's debuginfo
    is loaded are gone after mod -d, back after mod -s again."""
    path = ko(sample, "loop")
    cmds = ["struct -o loop_device", "p max_loop", "sym loop_add", "mod"]
    load = f"mod -s loop {path}"
    ref_loaded = crash(cmds, dump=DUMP, prelude=[load])
    ref_unloaded = crash(cmds, dump=DUMP, prelude=[load, "mod -d loop"])
    assert "invalid data structure reference" in \
        ref_unloaded["struct -o loop_device"]
    ours = run_ours(pykdump, [], [load] + cmds + ["mod -d loop"] + cmds +
                    [load] + cmds)
    head = ours_text(pykdump, [load])
    want = head + "".join(ref_loaded[c] for c in cmds) + \
        "".join(ref_unloaded[c] for c in cmds) + head + \
        "".join(ref_loaded[c] for c in cmds)
    # unloaded, max_loop is an ELF symbol without a type: crash says only
    # that gdb failed, ours gives gdb's reason (as gdb prints it)
    allow = [compare.Known(
        ref=r"^p: gdb request failed: p max_loop$",
        ours=r"^p: 'max_loop' has unknown type; cast it to its declared type$",
        reason="p names why: a symbol without debuginfo has no type")]
    compare(normalize_history(ours), normalize_history(want), allow=allow,
            what="load, unload, reload")


def test_mod_S_and_D(sample, pykdump, crash, compare):
    d = str(sample.modules)
    check(pykdump, crash, compare, [], [f"mod -S {d}"])
    check(pykdump, crash, compare, [f"mod -S {d}"],
          ["mod", "sym dummy_dev_init", "p fw_cfg_rev", "p max_loop"])
    check(pykdump, crash, compare, [f"mod -S {d}", "mod -D"],
          ["mod", "sym dummy_dev_init", "struct -o loop_device"])


def test_mod_s_searches_the_dump_directory(sample, pykdump, crash, compare):
    """Without a file, the module is found under the dump's directory."""
    check(pykdump, crash, compare, [], ["mod -s dummy"])


def test_mod_errors(sample, pykdump, crash, compare):
    """crash's usage, after our line saying why (issue 20: crash's
    usage alone does not say the module is not loaded)."""
    check(pykdump, crash, compare, [],
          ["mod -s nosuchmod", "mod -S /nonexistent"],
          allow=[compare.Known(ours=r"^mod: nosuchmod: not a loaded module$",
                               reason="our reason, before crash's usage")])


def test_mod_d_sym_m_of_a_module_not_loaded(pykdump):
    """crash says nothing and succeeds; we fail with the reason (issue
    20: `mod -d nonexist` and `sym -m nonexist` exited 0 in silence)."""
    for cmd in ("mod -d nosuchmod", "sym -m nosuchmod"):
        r = pykdump.run([cmd], dump=DUMP)
        assert r.returncode == 1, (cmd, r.stdout, r.stderr)
        name = cmd.split()[0]
        assert f"{name}: nosuchmod: not a loaded module" in \
            r.stdout + r.stderr, (cmd, r.stdout, r.stderr)


@pytest.fixture(scope="module")
def bad_files(sample, tmp_path_factory):
    """A truncated loop.ko, and dummy.ko under the name loop.ko.  A fixed
    directory keeps crash's cached outputs valid across runs."""
    d = sample.path.parent / "dlkm-test"
    (d / "other").mkdir(parents=True, exist_ok=True)
    data = open(ko(sample, "loop"), "rb").read()
    trunc = d / "truncated-loop.ko"
    if not trunc.exists() or trunc.read_bytes() != data[:100000]:
        trunc.write_bytes(data[:100000])
    other = d / "other" / "loop.ko"
    dummy = open(ko(sample, "dummy"), "rb").read()
    if not other.exists() or other.read_bytes() != dummy:
        other.write_bytes(dummy)
    return str(trunc), str(other)


def test_truncated_ko(sample, pykdump, crash, compare, bad_files):
    """crash's message, and the session goes on as before."""
    trunc, _ = bad_files
    check(pykdump, crash, compare, [],
          [f"mod -s loop {trunc}", "mod", "sym loop_add"],
          allow=[compare.Known(ours=r"^mod: module loop: .*truncated\?",
                               reason="our reason, after crash's line")])


def test_ko_of_another_module_refused(sample, pykdump, crash, compare,
                                      bad_files):
    """crash 8.0.6 loads dummy.ko as loop without a word; we refuse it
    (the build-id in memory differs) and the session goes on as crash's
    without any load."""
    _, other = bad_files
    out = ours_text(pykdump, [f"mod -s loop {other}", "mod", "sym loop_add",
                              "struct -o loop_device"])
    first, rest = out.split("\n", 1)
    assert re.match(r"mod: .*loop\.ko: (build-id [0-9a-f]+ does not match "
                    r"module loop|this is module dummy, not loop)", first), \
        first
    ref = crash(["mod", "sym loop_add", "struct -o loop_device"], dump=DUMP)
    compare(rest, "".join(ref[c] if ref[c].endswith("\n") else ref[c] + "\n"
                          for c in ["mod", "sym loop_add",
                                    "struct -o loop_device"]),
            what="after a refused file")


def test_mod_S_time(sample, pykdump):
    """mod -S for all modules stays well under a second (crash needs
    seconds; bench/modules.sh measures both)."""
    t = time.monotonic()
    ours_text(pykdump, [f"mod -S {sample.modules}"])
    assert time.monotonic() - t < 5


def test_mod_dir_search(sample, pykdump, crash, compare, bad_files):
    """--mod-dir comes before the dump's directory; '-' in a file name
    stands for '_' in the module's; a foreign file found by the search is
    refused and the session goes on."""
    d = sample.path.parent / "dlkm-test" / "moddir"
    d.mkdir(parents=True, exist_ok=True)
    want = {"qemu-fw-cfg.ko": ko(sample, "qemu_fw_cfg"),
            "loop.ko": ko(sample, "dummy")}
    for fn, src in want.items():
        data = open(src, "rb").read()
        if not (d / fn).exists() or (d / fn).read_bytes() != data:
            (d / fn).write_bytes(data)
    r = pykdump.run(["mod -s qemu_fw_cfg", "p fw_cfg_rev", "mod -s loop",
                     "sym loop_add"], dump=DUMP, extra=["--mod-dir", str(d)],
                    merge=True)
    lines = r.stdout.splitlines()
    assert lines[1].split()[-1] == str(d / "qemu-fw-cfg.ko"), lines[1]
    ref = crash(["p fw_cfg_rev", "sym loop_add"], dump=DUMP,
                prelude=[f"mod -s qemu_fw_cfg {ko(sample, 'qemu_fw_cfg')}"])
    compare(normalize_history(lines[2]),
            normalize_history(ref["p fw_cfg_rev"]), what="p fw_cfg_rev")
    assert re.match(r"mod: module loop: .*loop\.ko: this is module dummy",
                    lines[3]), lines[3]
    compare(lines[4], ref["sym loop_add"], what="sym after a refused file")


def test_cached_reader_follows_load_and_unload(sample, crash):
    """A struct reader (lib/types/readers.c) and a variable read through the
    types (DWARF address + KASLR offset) before, after loading, after
    unloading and after reloading loop's debuginfo: the purge on each
    step makes the reader cache follow, with crash's size, offset and
    value while loaded."""
    import os
    import subprocess
    from pathlib import Path
    build = Path(os.environ.get("PYKDUMP_BUILD",
                                Path(__file__).parents[2] / "build"))
    tool = build / "tests/tools/dlkm_probe"
    assert tool.exists(), f"{tool} not built"
    out = subprocess.run([str(tool), str(sample.vmlinux),
                          str(sample.dump(DUMP)), "loop", ko(sample, "loop"),
                          "struct loop_device", "lo_disk", "max_loop"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    ref = crash(["struct -o loop_device", "p max_loop"], dump=DUMP,
                prelude=[f"mod -s loop {ko(sample, 'loop')}"])
    size = re.search(r"SIZE: (\d+)", ref["struct -o loop_device"]).group(1)
    off = re.search(r"\[(\d+)\] struct gendisk \*lo_disk;",
                    ref["struct -o loop_device"]).group(1)
    val = re.search(r"= (-?\d+)\s*$", ref["p max_loop"]).group(1)
    loaded = f"size {size} lo_disk {off} max_loop {val}"
    gens = [int(g) for g in re.findall(r"gen (\d+)", out.stdout)]
    assert gens == sorted(set(gens)) and len(gens) == 4, out.stdout
    lines = [re.sub(r"gen \d+ ", "", ln) for ln in out.stdout.splitlines()]
    assert lines == ["before: no reader", "loaded: " + loaded,
                     "unloaded: no reader", "reloaded: " + loaded]
