# SPDX-License-Identifier: GPL-2.0-or-later
"""The PyKdump Python API on the sample dump, compared with crash 8.0.6 run
on the same dump at test time: tasks through ListHead vs `ps`, sys_info vs
`sys`, member_offset vs `struct -o`, readSymbol vs `p`, enums, bitfields,
char and pointer arrays, embedded structs; and PyKdump-style programs under
epython (tests/progs/)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("PYKDUMP_BUILD", REPO / "build"))
DUMP = "vmcore.kdump"

STRUCTS = """task_struct mm_struct list_head file dentry inode super_block
vfsmount mount page zone pglist_data rq cfs_rq sched_entity net_device
sk_buff sock module kobject device pid signal_struct cred files_struct
fdtable path qstr timer_list hrtimer work_struct workqueue_struct
kmem_cache vm_area_struct address_space block_device nsproxy uts_namespace
new_utsname timekeeper tk_read_base percpu_counter rb_node hlist_node
""".split()

GLOBALS = """jiffies jiffies_64 nr_cpu_ids max_pfn panic_on_oops system_state
nr_threads total_forks max_threads num_online_nodes_called
sysctl_panic_on_oom panic_timeout oops_in_progress console_printk
saved_command_line linux_banner init_uts_ns node_data
__per_cpu_offset cpu_khz tsc_khz nr_irqs pid_max avenrun
""".split()


@pytest.fixture(scope="module")
def api(sample):
    sys.path.insert(0, str(BUILD / "python"))
    import pykdump
    pykdump.open(str(sample / DUMP), str(sample.vmlinux))
    import pykdump.API as api
    yield api
    pykdump.close()     # later tests (tests/python) expect no dump open


def crash_p(crash, names):
    out = crash(["p " + n for n in names], dump=DUMP)
    res = {}
    for n in names:
        text = out["p " + n].strip()
        m = re.match(r"^(?:\S+ = )?\$\d+ = (.*)$", text, re.S)
        if m:
            res[n] = m.group(1)
    return res


# ------------------------------------------------------------------ tasks

def crash_ps(crash):
    rows = {}
    for line in crash(["ps"], dump=DUMP)["ps"].splitlines()[1:]:
        f = line.lstrip(">").split()
        if len(f) < 9:
            continue
        comm = " ".join(f[8:])
        if comm.startswith("[") and comm.endswith("]"):
            comm = comm[1:-1]
        rows[int(f[3], 16)] = (int(f[0]), f[4], comm)
    return rows


def test_tasks_vs_ps(api, crash):
    ref = crash_ps(crash)
    ours = {}
    r = subprocess.run([str(BUILD / "pykdump"), "-c",
                        "epython tests/progs/pslist.py",
                        str(api.sys_info.KERNEL).split()[0],
                        str(api.sys_info.DUMPFILE).split()[0]],
                       cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) == 4 and f[0].isdigit():
            ours[int(f[3], 16)] = (int(f[0]), f[1], f[2])
    # every thread on init_task.tasks (plus init_task itself); crash's ps
    # also lists the other CPUs' idle tasks, not on that list
    assert len(ours) >= len(ref) - 1
    for addr, row in ours.items():
        assert ref.get(addr) == row, hex(addr)
    missing = set(ref) - set(ours)
    assert all(ref[a][0] == 0 for a in missing), missing


def test_listhead_tasks_direct(api, crash):
    ref = crash_ps(crash)
    init = api.readSymbol("init_task")
    tasks = api.ListHead(api.Addr(init, "tasks"), "struct task_struct").tasks
    assert len(tasks) > 40
    for t in tasks:
        pid, _st, comm = ref[int(t)]
        assert (t.pid, t.comm) == (pid, comm)


# --------------------------------------------------------------- sys_info

def test_sys_info_vs_sys(api, crash):
    text = crash(["sys"], dump=DUMP)["sys"]
    ref = {}
    for line in text.splitlines():
        k, sep, v = line.partition(":")
        if sep:
            ref[k.strip()] = v.strip()
    si = api.sys_info
    for key in ("DATE", "UPTIME", "LOAD AVERAGE", "TASKS", "NODENAME",
                "RELEASE", "VERSION", "MACHINE"):
        assert si[key] == ref[key], key
    assert si.CPUS_str == ref["CPUS"]
    assert si.CPUS == int(ref["CPUS"].split()[0])
    assert os.path.basename(si.KERNEL) == ref["KERNEL"]
    # as the original: sys's line, with its "[PARTIAL DUMP]" mark
    path, _, mark = si.DUMPFILE.partition(" ")
    assert os.path.basename(path) == ref["DUMPFILE"].split()[0]
    assert mark.strip() == ref["DUMPFILE"].partition(" ")[2].strip()
    for key in ("MEMORY", "PANIC"):      # from the built-in `sys`
        assert si[key] == ref[key], key
    # every field crash's sys shows is there, equal (the paths as given)
    for key, want in ref.items():
        if key in ("KERNEL", "DUMPFILE"):
            continue
        got = si.CPUS_str if key == "CPUS" else si[key]
        assert got == want, key
    assert re.match(r"\d+\.\d+", si.kernel) and \
        ref["RELEASE"].startswith(si.kernel.split("-")[0][:3]), si.kernel
    assert api.HZ == si.HZ == 250 and api.PAGESIZE == 4096
    assert not si.livedump


# ---------------------------------------------------------- member_offset

def parse_struct_o(text):
    """name path -> offset from crash's `struct -o`."""
    res = {}
    stack = []     # per open brace: (member names collected, is anon)
    cur = []
    for line in text.splitlines()[1:]:
        s = line.strip()
        if s.endswith("{"):
            stack.append(cur)
            cur = []
            continue
        if s.startswith("}"):
            name = s[1:].strip().rstrip(";").strip()
            inner, cur = cur, stack.pop() if stack else []
            if name:
                name = re.sub(r"\[.*", "", name)
                cur += [(name + "." + n, o) for n, o in inner if o is not None]
            else:
                cur += inner
            continue
        m = re.match(r"^\[(\d+)\]\s+(.*);$", s)
        if not m:
            continue
        decl = re.sub(r"\s*:\s*\d+$", "", m.group(2))
        fm = re.search(r"\(\*(\w+)\)", decl)
        name = fm.group(1) if fm else re.search(
            r"(\w+)(\[[^\]]*\])*$", decl).group(1)
        cur.append((name, int(m.group(1))))
    for n, o in cur:
        res[n] = o
    return res


def test_member_offsets_vs_struct_o(api, crash):
    out = crash(["struct -o " + s for s in STRUCTS], dump=DUMP)
    checked = 0
    for s in STRUCTS:
        ref = parse_struct_o(out["struct -o " + s])
        assert ref, s
        for name, off in ref.items():
            # nested named members: crash prints their offsets relative
            # to the enclosing member
            if "." in name:
                base = api.member_offset("struct " + s, name.split(".")[0])
                assert api.member_offset("struct " + s, name) in (
                    off, base + off), (s, name)
            else:
                assert api.member_offset("struct " + s, name) == off, \
                    (s, name)
            checked += 1
        assert api.struct_size("struct " + s) == int(re.search(
            r"SIZE: (\d+)", out["struct -o " + s]).group(1))
    assert checked > 1000
    assert api.member_offset("struct task_struct", "no_such") == -1
    assert api.member_offset("struct task_struct", "se.vruntime") == \
        api.member_offset("struct task_struct", "se") + \
        api.member_offset("struct sched_entity", "vruntime")


# ------------------------------------------------------------- readSymbol

def norm_value(v, api):
    from pykdump.lowlevel import StructResult, SmartString, tEnum
    if isinstance(v, SmartString):
        return v
    if isinstance(v, tEnum):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return int(v)


def test_readSymbol_vs_p(api, crash):
    scalars = {}
    for n in GLOBALS:
        try:
            ti = api.whatis(n).ti
        except TypeError:
            continue
        if ti.dims is None and ti.codetype in (api.TYPE_CODE_INT,
                                               api.TYPE_CODE_ENUM,
                                               api.TYPE_CODE_BOOL):
            scalars[n] = ti
    assert len(scalars) >= 14, scalars
    ref = crash_p(crash, list(scalars))
    assert len(ref) >= 14
    for n, text in ref.items():
        v = norm_value(api.readSymbol(n), api)
        if isinstance(v, int):
            text = text.split()[0]
            assert v == int(text, 0) or v == int(text, 0) & (2**64 - 1), n
        else:
            assert str(v) == text, n
    # strings: char * and char []
    ref = crash_p(crash, ["saved_command_line", "init_uts_ns.name.release",
                          "init_uts_ns.name.nodename", "linux_banner"])
    cmdline = api.readSymbol("saved_command_line")
    m = re.match(r'^(0x[0-9a-f]+) "(.*)"$', ref["saved_command_line"])
    assert cmdline == m.group(2) and cmdline.addr == int(m.group(1), 16)
    uts = api.readSymbol("init_uts_ns").name
    for f in ("release", "nodename"):
        want = re.match(r'^"(.*?)(\\000.*)?"', ref["init_uts_ns.name." + f])
        assert getattr(uts, f) == want.group(1)
    assert api.readSymbol("linux_banner").startswith("Linux version")
    assert ref["linux_banner"].startswith('"' + api.readSymbol(
        "linux_banner")[:40])


def test_pointer_and_long_arrays(api, crash):
    ref = crash_p(crash, ["__per_cpu_offset", "avenrun"])
    offs = api.readSymbol("__per_cpu_offset")
    want = [int(x, 0) for x in re.findall(r"0x[0-9a-f]+|\b\d+\b",
                                          ref["__per_cpu_offset"])]
    assert [int(o) for o in offs[:len(want)]] == want[:len(offs)]
    av = api.readSymbol("avenrun")
    assert [int(x) for x in av] == [int(x) for x in re.findall(
        r"\d+", ref["avenrun"])]
    # an array of pointers to structs: task_struct.perf_event_ctxp
    init = api.readSymbol("init_task")
    out = crash(["struct task_struct.perf_event_ctxp,tasks,in_iowait,"
                 "sched_reset_on_fork,comm,pid_links %x" % init],
                dump=DUMP)
    text = list(out.values())[0]
    ptrs = re.search(r"perf_event_ctxp = \{(.*?)\}", text).group(1)
    assert [int(p) for p in init.perf_event_ctxp] == \
        [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", ptrs)]
    # embedded struct
    nxt = re.search(r"tasks = \{\s*next = (0x[0-9a-f]+),\s*prev = "
                    r"(0x[0-9a-f]+)", text)
    assert int(init.tasks.next) == int(nxt.group(1), 16)
    assert int(init.tasks.prev) == int(nxt.group(2), 16)
    assert isinstance(init.tasks, api.StructResult)
    assert int(init.tasks) == int(init) + api.member_offset(
        "struct task_struct", "tasks")


def test_bitfields_vs_struct(api, crash):
    fields = ["in_iowait", "sched_reset_on_fork", "in_execve",
              "sched_contributes_to_load", "no_cgroup_migration",
              "restore_sigmask", "in_user_fault"]
    init = api.readSymbol("init_task")
    tasks = [init] + list(api.ListHead(api.Addr(init, "tasks"),
                                       "struct task_struct").tasks)
    ref = crash.structs("struct task_struct", tasks, dump=DUMP)
    nonzero = 0
    for t in tasks:
        for f in fields:
            assert getattr(t, f) == int(ref[int(t)][f]), (hex(t), f)
            nonzero += getattr(t, f)
    assert nonzero > 0


def test_enums(api, crash):
    ei = api.EnumInfo("enum pid_type")
    ref = crash(["p (int)" + n for n in ei], dump=DUMP)
    for n, v in ei.items():
        assert v == int(re.search(r"= (-?\d+)", ref["p (int)" + n]).group(1))
        assert ei.getnam(v) == n and getattr(ei, n) == v
        assert api.enumerator_value(n) == v
    st = api.readSymbol("system_state")
    assert str(st) == crash_p(crash, ["system_state"])["system_state"]


def test_cdefine_flags(api, crash):
    flags = api.CDefine("""
#define PF_IDLE         0x00000002
#define PF_EXITING      0x00000004
#define PF_KTHREAD      0x00200000
""")
    init = api.readSymbol("init_task")
    ref = crash_p(crash, ["init_task.flags"])
    assert init.flags == int(ref["init_task.flags"], 0)
    assert init.flags & flags.PF_IDLE
    kthreadd = [t for t in api.ListHead(api.Addr(init, "tasks"),
                                        "struct task_struct").tasks
                if t.pid == 2][0]
    assert kthreadd.flags & flags.PF_KTHREAD


def test_struct_result_behaviour(api):
    init = api.readSymbol("init_task")
    assert init.isNamed("struct task_struct") and init.hasField("pid")
    assert not init.hasField("no_such_field")
    assert not hasattr(init, "no_such_field")
    with pytest.raises(KeyError):
        init.no_such_field
    assert init.Eval("se.load.weight") == init.se.load.weight
    assert init.mm == 0 and isinstance(init.mm, api.StructResult)
    assert len(init) == api.struct_size("struct task_struct")
    assert str(init) == "<struct task_struct 0x%x>" % init
    assert api.container_of(init.tasks, "struct task_struct", "tasks") == init
    si = api.getStructInfo("struct task_struct")
    assert si["pid"].offset == api.member_offset("struct task_struct", "pid")
    assert api.readU32(int(init) + si["pid"].offset) == init.pid


def test_exec_crash_command_bg_and_errors(api):
    assert "epython" in api.exec_crash_command("help")
    with pytest.raises(api.crash.error):
        api.exec_crash_command("nosuchcommand")
    assert api.exec_crash_command_bg("help", timeout=10)


# -------------------------------------------------------------- programs

def run_shell(sample, *cmds):
    argv = [str(BUILD / "pykdump")]
    for c in cmds:
        argv += ["-c", c]
    argv += [str(sample.vmlinux), str(sample / DUMP)]
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_progs_under_epython(sample, crash):
    r = run_shell(sample, "epython tests/progs/cmdparse.py",
                  "epython tests/progs/exits.py 4",
                  "epython tests/progs/exits.py --maxel=3 5",
                  "epython tests/progs/nosuch.py",
                  "help")
    # the panic task as crash's bt names it (its CPU differs by boot)
    bt = crash(["bt"], dump=DUMP)["bt"]
    m = re.search(r'PID:\s+(\d+)\s+TASK:\s+\S+\s+CPU:\s+(\d+)\s+'
                  r'COMMAND:\s+"([^"]*)"', bt)
    assert m, bt
    pid, cpu, comm = m.groups()
    assert f"panic task: {pid} {comm} cpu {cpu} agrees" in r.stdout, \
        r.stdout + r.stderr
    assert "error raised: pykdump: command not found: nosuchcommand" \
        in r.stdout
    assert "before exit ['4']" in r.stdout
    assert "before exit ['5']" in r.stdout       # --maxel stripped
    assert "not reached" not in r.stdout
    assert "cannot find tests/progs/nosuch.py" in r.stderr
    assert "help         list commands, or show one command's usage" \
        in r.stdout


def test_exception_does_not_end_shell(sample, tmp_path):
    prog = tmp_path / "boom.py"
    prog.write_text("from pykdump.API import *\n"
                    "pylog.warning('careful')\n"
                    "raise ValueError('boom')\n")
    r = run_shell(sample, "epython " + str(prog), "epython " + str(prog))
    assert r.stderr.count("ValueError: boom") == 2
    assert r.stdout.count("A Summary Of Problems Found") == 2


def test_pykdump_run_and_pykdumppath(sample, tmp_path):
    (tmp_path / "hello.py").write_text(
        "from pykdump.API import *\nprint('hello', readSymbol('init_task').comm)\n")
    env = dict(os.environ, PYKDUMPPATH=str(tmp_path))
    r = subprocess.run([str(BUILD / "pykdump"), "run", str(sample.vmlinux),
                        str(sample / DUMP), "hello"], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "hello swapper/0" in r.stdout
