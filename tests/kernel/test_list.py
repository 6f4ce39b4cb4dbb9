# SPDX-License-Identifier: GPL-2.0-or-later
"""list and tree on the sample, compared with crash 8.0.6 run at test time
on the same dump (lib/types/readers.c, lib/kernel/{lists,trees,maple}.c,
commands/list.c, commands/tree.c)."""
import re

import pytest

# Each must give crash's output exactly (blank runs collapsed).
SAME = [
    # the task list from init_task
    "list task_struct.tasks -h init_task",
    # where -e's link addresses come from
    "struct -o task_struct.tasks",
    # the module list from its standalone head
    "list -H modules",
    "list -o 8 -H modules",
    "list -H modules -o module.list -s module.name",
    "list -H modules -o module.list -s module.name,state,refcnt,"
    "core_layout.size,taints",
    "list -H modules -o module.list -x -s module.core_layout.size,taints",
    # the whole struct, and a struct shown at a list_head (garbage values)
    "list -H modules -o module.list -s module_layout",
    # crash refuses members through pointers and unknown names
    "list -H modules -o module.list -s module.foo",
    "list -H modules -o module.list -s modulex.name",
    "list 0",
    # rbtree: crash's pre-order, in-order (-l), -s
    "tree -t rbtree -o vmap_area.rb_node vmap_area_root",
    "tree -t rbtree -o vmap_area.rb_node -l vmap_area_root",
    "tree -t rbtree -o vmap_area.rb_node vmap_area_root "
    "-s vmap_area.va_start,va_end",
    "tree -t rbtree -o vmap_area.rb_node -s vmap_area.foo vmap_area_root",
    # xarray: the pid IDR of 6.x, with struct display (array of structs)
    "tree -t xarray -r pid_namespace.idr init_pid_ns",
    "tree -t xarray -r pid_namespace.idr -s pid.level,numbers init_pid_ns",
    # radix trees are xarrays since 4.20: crash refuses them
    "tree -t radix -r pid_namespace.idr init_pid_ns",
]

# -s over the task list, cut by -e at the link of the task WALK_LEN down
# the walk (each direction): crash prints a whole struct through gdb for
# every entry of a -s walk (20 s for the sample's ~100 tasks), and a dozen
# entries show the same display.  -e's end is a link address (the
# list_head inside an entry), not the entry; -H with -e shows the head as
# an entry when end is never met.
WALK_LEN = 12
BOUNDED = [
    # ints and char arrays
    "list task_struct.tasks -s task_struct.pid,comm -h init_task -e {end}",
    "list -r task_struct.tasks -s task_struct.pid -h init_task -e {rend}",
    "list -s task_struct.pid -o task_struct.tasks -h init_task -x -e {end}",
    # embedded struct, enums, a member inside an embedded struct
    "list task_struct.tasks -s task_struct.se.load,policy,__state "
    "-h init_task -e {end}",
    "list task_struct.tasks -h init_task -e {end}",
    "list -H modules -e {mod}",
    "list -H modules -o module.list -s module.name -e {mod}",
    "list -H modules -e {never}",
]
FULL_TASK_WALK = "list task_struct.tasks -s task_struct.pid,comm -h init_task"


def link_ends(ref):
    """-e values for BOUNDED from crash's answers to SAME."""
    tasks = ref["list task_struct.tasks -h init_task"].split()
    off = re.search(r"\[(0x[0-9a-f]+|\d+)\] struct list_head tasks;",
                    ref["struct -o task_struct.tasks"]).group(1)
    off = int(off, 0)
    assert len(tasks) > 2 * WALK_LEN, tasks
    mods = ref["list -H modules"].split()
    assert len(mods) >= 2, mods
    return {"end": f"{int(tasks[WALK_LEN], 16) + off:x}",
            # -r from init_task: init_task, then the list from its tail
            "rend": f"{int(tasks[-WALK_LEN], 16) + off:x}",
            "mod": mods[1],
            # a link on no module list: the walk comes back to the head
            "never": tasks[0]}


@pytest.fixture(scope="module")
def outputs(crash, pykdump):
    ref = crash(SAME, dump="vmcore.kdump")
    bounded = [c.format(**link_ends(ref)) for c in BOUNDED]
    ref.update(crash(bounded, dump="vmcore.kdump"))
    # one run per command: a session opens in well under a second
    ours = {c: pykdump([c], dump="vmcore.kdump", check=False)
            for c in SAME + bounded + [FULL_TASK_WALK]}
    return ref, ours, bounded


@pytest.mark.parametrize("cmd", SAME)
def test_same_as_crash(outputs, compare, cmd):
    ref, ours, _ = outputs
    assert ref[cmd].strip(), f"crash printed nothing for {cmd}"
    compare(ours[cmd], ref[cmd], what=cmd)


@pytest.mark.parametrize("i", range(len(BOUNDED)))
def test_bounded_walk_same_as_crash(outputs, compare, i):
    ref, ours, bounded = outputs
    cmd = bounded[i]
    assert ref[cmd].strip(), f"crash printed nothing for {cmd}"
    compare(ours[cmd], ref[cmd], what=cmd)
    if "-h init_task" in cmd:
        # the walk was cut where asked: WALK_LEN entries
        assert len(re.findall(r"^[0-9a-f]{16}$", ours[cmd], re.M)) \
            == WALK_LEN, cmd


def test_task_list_matches_ps(outputs, crash):
    """The task list walk finds every task crash's ps lists (not a copy of
    our own output: crash's ps reads the pid hash, not this list)."""
    ref, ours, _ = outputs
    pids = set(re.findall(r"pid = (\d+),", ours[FULL_TASK_WALK]))
    ps = crash("ps", dump="vmcore.kdump")["ps"]
    # thread-group leaders and kernel threads are on tasks; ps lists
    # threads too and the idle tasks of other CPUs, so: a subset check
    ps_pids = {ln.lstrip("> ").split()[0] for ln in ps.splitlines()[1:]
               if ln.strip()}
    assert pids and pids <= ps_pids | {"0"}
    assert "1" in pids


def test_module_list_other_format(pykdump, crash, compare):
    """The same module list through the ELF dump: the walk does not depend
    on the dump format."""
    cmd = "list -H modules -o module.list -s module.name"
    ref = crash(cmd, dump="vmcore.elf")[cmd]
    compare(pykdump([cmd], dump="vmcore.elf"), ref, what=cmd)


# ------------------------------------------------ the C API (tests/tools/walkdump)

@pytest.fixture(scope="module")
def walkdump(sample):
    import os
    import subprocess
    from pathlib import Path
    build = Path(os.environ.get("PYKDUMP_BUILD",
                                Path(__file__).parents[2] / "build"))
    tool = build / "tests/tools/walkdump"
    assert tool.exists(), f"{tool} not built"
    out = subprocess.run([str(tool), str(sample.dump("vmcore.kdump"))],
                         capture_output=True, text=True, check=True).stdout
    facts = {}
    for ln in out.splitlines():
        kind, rest = ln.split(" ", 1)
        facts.setdefault(kind, []).append(rest)
    return facts


def test_idr_walk(walkdump, crash):
    """kd_idr_walk on init_pid_ns.idr: ids and struct pid addresses as
    crash's xarray walk with positions gives them."""
    cmd = "tree -t xarray -r pid_namespace.idr -p init_pid_ns"
    ref = crash(cmd, dump="vmcore.kdump")[cmd].split("\n")
    want = []
    for addr, pos in zip(ref[0::2], ref[1::2]):
        m = re.match(r"\s*index: (\d+)", pos)
        if m:
            want.append(f"{m.group(1)} {addr.strip()}")
    assert want and walkdump["idr"] == want


def test_percpu(walkdump, crash):
    """__per_cpu_offset as crash's kmem -o, and per-CPU runqueues as runq
    finds them (crash's `p &runqueues` adds the KASLR offset to the
    per-CPU offset, so it is no reference)."""
    out = crash(["kmem -o", "runq"], dump="vmcore.kdump")
    offs = re.findall(r"CPU (\d+): ([0-9a-f]+)", out["kmem -o"])
    assert offs and walkdump["percpu"] == [f"{c} {o}" for c, o in offs]
    rqs = re.findall(r"CPU (\d+) RUNQUEUE: ([0-9a-f]+)", out["runq"])
    assert rqs and walkdump["runqueues"] == [f"{c} {a}" for c, a in rqs]


def test_task_reads(walkdump, crash):
    """kd_list_walk + kd_member_read_u64/_string: each task of the list,
    in crash's order, with the pid and comm crash's ps gives its address
    (ps shows a kernel thread's comm in brackets)."""
    cmds = ["list task_struct.tasks -h init_task", "ps"]
    ref = crash(cmds, dump="vmcore.kdump")
    by_addr = {}
    for ln in ref["ps"].splitlines()[1:]:
        f = ln.lstrip("> ").split(None, 8)
        if len(f) == 9:
            by_addr[f[3]] = (f[0], f[8])
    order = ref["list task_struct.tasks -h init_task"].split()
    assert len(order) > 10 and all(a in by_addr for a in order)
    got = walkdump["task"]
    assert len(got) == len(order)
    for a, line in zip(order, got):
        pid, comm = by_addr[a]
        assert line.split(" ", 1)[0] == pid, (a, line)
        mine = line.split(" ", 1)[1] if " " in line else ""
        assert comm in (mine, f"[{mine}]"), (a, line, comm)


def test_enums_and_globals(walkdump, crash):
    cmds = ["p (int)PIDTYPE_PID", "p (int)PIDTYPE_SID", "p (int)PIDTYPE_MAX",
            "p jiffies", "p nr_cpu_ids", "p max_pfn", "p nr_threads"]
    out = crash(cmds, dump="vmcore.kdump")
    val = {c: re.search(r"= (-?\d+)\s*$", out[c]).group(1) for c in cmds}
    enums = dict(e.split(" ", 1) for e in walkdump["enum"])
    for name in ("PIDTYPE_PID", "PIDTYPE_SID", "PIDTYPE_MAX"):
        assert enums[val[f"p (int){name}"]] == name
    glob = dict(g.split(" ", 1) for g in walkdump["global"])
    for name in ("jiffies", "nr_cpu_ids", "max_pfn", "nr_threads"):
        assert glob[name] == val[f"p {name}"], name


def test_member_reads(walkdump, crash):
    """kd_read_member_u64 (bitfields, a signed int, unsigned ints) of each
    struct module against crash's list -s."""
    paths = ["mkobj.kobj.state_initialized", "mkobj.kobj.state_in_sysfs",
             "mkobj.kobj.state_add_uevent_sent", "refcnt.counter",
             "num_syms", "percpu_size"]
    cmd = "list -H modules -o module.list -s module." + ",".join(paths)
    ref = crash(cmd, dump="vmcore.kdump")[cmd]
    want = set()
    for block in re.split(r"^(?=[0-9a-f]{16}$)", ref, flags=re.M):
        lines = block.split("\n")
        for m in re.finditer(r"^\s+(\S+) = (-?\d+),?$", block, re.M):
            want.add(f"{lines[0].strip()} {m.group(1)} {m.group(2)}")
    assert len(want) >= len(paths) and "1" in {w.split()[2] for w in want}
    assert set(walkdump["member"]) == want


# ------------------------------------------------ maple trees (6.1+ VMAs)

@pytest.fixture(scope="module")
def user_vms(crash):
    """{pid: (mm, [vma...])} from crash's `vm` of every user task of
    crash's `ps -u`."""
    ps = crash("ps -u", dump="vmcore.kdump")["ps -u"]
    pids = [ln.lstrip("> ").split()[0] for ln in ps.splitlines()[1:]
            if ln.strip()]
    out = crash([f"vm {p}" for p in pids], dump="vmcore.kdump")
    vms = {}
    for p in pids:
        text = out[f"vm {p}"]
        mm = re.search(r"^\s*MM\s+PGD.*\n([0-9a-f]+)\s", text, re.M)
        vmas = re.findall(r"^([0-9a-f]{16})\s+[0-9a-f]+\s+[0-9a-f]+\s",
                          text.split("VMA", 1)[-1], re.M)
        assert mm and vmas, text
        vms[p] = (mm.group(1), vmas)
    assert vms
    return vms


def test_mm_vmas(walkdump, user_vms):
    """kd_mm_vmas (the maple tree mm->mm_mt) gives each user task's VMAs
    as crash's vm lists them."""
    got = {}
    for ln in walkdump["vma"]:
        pid, addr = ln.split()
        got.setdefault(pid, []).append(addr)
    for pid, (_mm, vmas) in user_vms.items():
        assert got.get(pid) == vmas, pid


def test_tree_maple(user_vms, crash, pykdump, compare):
    """tree -t maple on every user mm_struct.mm_mt (leaf-rooted trees on
    this sample; the internal node kinds are tested in test_walkers.c),
    with -s, and crash's refusals of -l and -o."""
    cmds = []
    for mm, _vmas in user_vms.values():
        cmds.append(f"tree -t maple -r mm_struct.mm_mt {mm}")
    mm = next(iter(user_vms.values()))[0]
    cmds += [f"tree -t m -r mm_struct.mm_mt -s vm_area_struct.vm_start,"
             f"vm_end,vm_flags {mm}",
             f"tree -t maple -l -r mm_struct.mm_mt {mm}",
             f"tree -t maple -o 8 -r mm_struct.mm_mt {mm}"]
    ref = crash(cmds, dump="vmcore.kdump")
    for c in cmds:
        assert ref[c].strip(), c
        compare(pykdump([c], dump="vmcore.kdump", check=False), ref[c],
                what=c)
    first = cmds[0]
    assert ref[first].split() == next(iter(user_vms.values()))[1]
