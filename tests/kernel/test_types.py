# SPDX-License-Identifier: GPL-2.0-or-later
"""Struct layouts from pykdump's type model against gdb's `ptype /o` on the
real debug vmlinux of the sample (later: crash's `struct -o`).

gdb needs ~20 s to load the vmlinux, so all structs are asked in one gdb
run and its output is cached by build-id under the pykdump cache dir.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

STRUCTS = [
    "task_struct", "mm_struct", "module", "page", "list_head", "hlist_node",
    "rb_node", "rb_root", "spinlock", "raw_spinlock", "mutex", "rw_semaphore",
    "file", "inode", "dentry", "super_block", "vm_area_struct", "sched_entity",
    "rq", "cfs_rq", "kmem_cache", "zone", "pglist_data", "pid", "upid",
    "pid_namespace", "net_device", "sk_buff", "sock", "socket", "files_struct",
    "fdtable", "cred", "signal_struct", "sighand_struct", "nsproxy",
    "timer_list", "hrtimer", "work_struct", "workqueue_struct", "worker_pool",
    "request_queue", "block_device", "gendisk", "bio", "address_space",
    "kobject", "device", "irq_desc", "vmap_area", "mem_cgroup", "xarray",
    "qstr", "path", "vfsmount", "mount", "task_group", "printk_ringbuffer",
]


def cache_dir():
    return Path(os.environ.get("PYKDUMP_CACHE_DIR", Path.home() / ".cache/pykdump"))


@pytest.fixture(scope="module")
def vmlinux(request):
    """The sample's debug vmlinux (PYKDUMP_VMLINUX overrides, e.g. to test
    another kernel or while the sample is being made)."""
    if os.environ.get("PYKDUMP_VMLINUX"):
        return Path(os.environ["PYKDUMP_VMLINUX"])
    return Path(request.getfixturevalue("sample").vmlinux)


@pytest.fixture(scope="module")
def typedump():
    build = Path(os.environ.get("PYKDUMP_BUILD", Path(__file__).parents[2] / "build"))
    tool = build / "tests/tools/typedump"
    assert tool.exists(), f"{tool} not built"
    return tool


def build_id(vmlinux):
    out = subprocess.run(["readelf", "-n", str(vmlinux)], capture_output=True,
                         text=True, check=True).stdout
    return re.search(r"Build ID: ([0-9a-f]+)", out).group(1)


@pytest.fixture(scope="module")
def gdb_layouts(vmlinux):
    """{struct name: gdb ptype /o text}, from one gdb run, cached."""
    ref = cache_dir() / "gdb-ref" / build_id(vmlinux)
    missing = [s for s in STRUCTS if not (ref / f"{s}.txt").exists()]
    if missing:
        ref.mkdir(parents=True, exist_ok=True)
        cmd = ["gdb", "-batch", "-nx", "-ex", "set max-value-size unlimited"]
        for s in missing:
            cmd += ["-ex", f"echo @@@ {s}\\n", "-ex", f"ptype /o struct {s}"]
        out = subprocess.run(cmd + [str(vmlinux)], capture_output=True,
                             text=True, timeout=900).stdout
        for chunk in out.split("@@@ ")[1:]:
            name, _, body = chunk.partition("\n")
            if body.strip():
                (ref / f"{name.strip()}.txt").write_text(body)
    return {s: (ref / f"{s}.txt").read_text() if (ref / f"{s}.txt").exists()
            else "" for s in STRUCTS}


MEMBER = re.compile(r"^/\*\s*(\d+)(?::\s*(\d+))?\s*\|\s*(\d+)\s*\*/\s*(.*)$")
UNION_MEMBER = re.compile(r"^/\*\s+(\d+)\s*\*/\s*(.*)$")
CLOSE = re.compile(r"^\s*}\s*([A-Za-z_]\w*)?\s*(\[[^;]*\])?;")
TOTAL = re.compile(r"/\* total size \(bytes\):\s*(\d+) \*/")


def decl_name(decl):
    decl = decl.rstrip(";").strip()
    decl = re.sub(r"\s*:\s*\d+$", "", decl)
    m = re.search(r"\(\*\s*([A-Za-z_]\w*)\)", decl)
    if m:
        return m.group(1)
    decl = re.sub(r"(\[[^\]]*\])+$", "", decl)
    return re.findall(r"[A-Za-z_]\w*", decl)[-1]


def parse_gdb(text):
    """[(path, offset, bitpos or None, size)] in gdb's order, and the total."""
    root = {"children": [], "offset": 0}
    stack = [root]
    total = None
    for line in text.splitlines()[1:]:
        m = MEMBER.match(line)
        u = None if m else UNION_MEMBER.match(line)
        if m or u:
            parent = stack[-1]
            if m:
                off, bit, size, decl = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
            else:
                off, bit, size, decl = parent["offset"], None, int(u.group(1)), u.group(2)
            node = {"offset": off, "bit": None if bit is None else int(bit),
                    "size": size, "children": [], "name": None}
            parent["children"].append(node)
            if decl.rstrip().endswith("{"):
                stack.append(node)
            else:
                node["name"] = decl_name(decl)
            continue
        c = CLOSE.match(line)
        if c and len(stack) > 1:
            stack.pop()["name"] = c.group(1) or "<anon>"
            continue
        t = TOTAL.search(line)
        if t and len(stack) == 1:
            total = int(t.group(1))
    rows = []

    def walk(node, prefix):
        for ch in node["children"]:
            path = f"{prefix}.{ch['name']}" if prefix else ch["name"]
            rows.append((path, ch["offset"], ch["bit"], ch["size"]))
            walk(ch, path)
    walk(root, "")
    return rows, total


def parse_typedump(text):
    lines = text.splitlines()
    size = int(lines[1].split()[1])
    rows = []
    for line in lines[3:]:
        path, off, bit, sz = line.split()[:4]
        rows.append((path, int(off), None if bit == "-" else int(bit), int(sz)))
    return rows, size


@pytest.fixture(scope="module")
def ours(vmlinux, typedump):
    out = subprocess.run([str(typedump), str(vmlinux)] + [f"struct {s}" for s in STRUCTS],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    chunks = {}
    for chunk in ("\n" + out.stdout).split("\ntype struct ")[1:]:
        name, _, _ = chunk.partition("\n")
        chunks[name] = "type struct " + chunk
    return chunks


@pytest.mark.parametrize("name", STRUCTS)
def test_struct_layout_matches_gdb(name, gdb_layouts, ours):
    g_rows, g_total = parse_gdb(gdb_layouts[name])
    o_rows, o_total = parse_typedump(ours[name])
    assert g_total is not None and len(g_rows) > 0, gdb_layouts[name][:500]
    assert o_total == g_total
    assert o_rows == g_rows


def test_enough_structs_compared():
    assert len(STRUCTS) >= 30


MODULE_STRUCTS = [("kernel/drivers/block/loop.ko", ["loop_device", "loop_cmd", "loop_worker"])]


@pytest.mark.parametrize("ko,structs", MODULE_STRUCTS)
def test_module_struct_layouts_match_gdb(ko, structs, sample, vmlinux, typedump):
    """Types from a module's debuginfo (relocated .ko) added after vmlinux."""
    path = Path(sample.modules) / ko
    cmd = ["gdb", "-batch", "-nx"]
    for s in structs:
        cmd += ["-ex", f"echo @@@ {s}\\n", "-ex", f"ptype /o struct {s}"]
    ref = subprocess.run(cmd + [str(path)], capture_output=True, text=True,
                         timeout=300).stdout
    gdb = {c.partition("\n")[0].strip(): c.partition("\n")[2]
           for c in ref.split("@@@ ")[1:]}
    out = subprocess.run([str(typedump), str(vmlinux), "-M", str(path)]
                         + [f"struct {s}" for s in structs],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    chunks = ("\n" + out.stdout).split("\ntype struct ")[1:]
    assert [c.partition("\n")[0] for c in chunks] == structs
    for chunk in chunks:
        name = chunk.partition("\n")[0]
        g_rows, g_total = parse_gdb(gdb[name])
        o_rows, o_total = parse_typedump("type struct " + chunk)
        assert g_rows and (o_total, o_rows) == (g_total, g_rows), name
