# SPDX-License-Identifier: GPL-2.0-or-later
"""The scenario dumps of scripts/make-sample-dump --scenario NAME: machines
that die the ways real ones do, each with a record of what was planted.

Each scenario is a guest configuration (memory, CPUs, kernel command line),
an init script (a common frame plus the scenario's SETUP and TRIGGER shell
fragments), the dump files to make, and the facts its MANIFEST must record.

  hung    two kthreads in an ABBA mutex deadlock, a kthread blocked in
          down_read() on an rwsem whose owner sleeps; the hung-task
          detector panics (hung_task_panic=1, timeout lowered to 5 s)
  oops    NULL dereference in the module's pkd_oops_deref() in kthread
          pkd_oops; panic_on_oops=1 (oops=panic)
  lockup  kthread pkd_spin spins with preemption off in pkd_lockup_spin()
          on CPU 1; softlockup_panic=1, watchdog_thresh=3 (6 s)
  oom     user-space pkd-oom-hog touches memory until the OOM killer runs;
          vm.panic_on_oom=1; no swap.  The kernel panics before choosing a
          victim: oom_victim is the task it would have chosen, from the
          task table it printed
  scale   2 GB, 4 CPUs: 3,000 sleeping processes, 10,000 open files, 200
          TCP connections over loopback plus their listener, 50 extra tmpfs
          mounts; then a sysrq panic
  ipc     System V IPC objects held by pkd-ipc (3 shared memory segments,
          one attached, one attached and removed; 3 semaphore sets; 2
          message queues, one with 3 messages) and an 8 MB swap area on
          /dev/loop0; then a sysrq panic

Before the failure the init script prints, between "PYKDUMP-FACTS-BEGIN X"
and "PYKDUMP-FACTS-END X" lines, X = uname, ps, mounts, lsmod, the guest's
own view; make-sample-dump saves each as guest-X.txt, so that tests can
check a dump even where crash cannot read the kernel.

Planted facts are "PYKDUMP-SCENARIO: key=value" lines, written by the
kernel module (printk) and by the init script and pkd-helper (/dev/kmsg),
so they are on the console and in the dump's kernel log alike.  They go
into the MANIFEST as planted.KEY=VALUE; summarize() derives the top-level
keys a triage report must match (see SUMMARY_KEYS).
"""

import re

from pkutil import Fail

MARKER = "PYKDUMP-FIXTURE-MARKER"
FACT_RE = re.compile(r"PYKDUMP-SCENARIO: ([A-Za-z0-9_.]+)=(\S*)")
GUEST_FACTS = ("uname", "ps", "mounts", "lsmod")
# A printk line on the console: "[   12.345678] text".
PRINTK_RE = re.compile(r"^\[\s*\d+\.\d+\] ")

INIT = r"""#!/bin/busybox sh
# pykdump scenario dump '@SCENARIO@': set up, show what the guest sees,
# then fail.  Made by scripts/make-sample-dump (scripts/lib/scenarios.py).
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o size=32m scenario-tmpfs /tmp
fact() { echo "PYKDUMP-SCENARIO: $1" > /dev/kmsg; }
echo "SCENARIO: init running on $(uname -r), scenario @SCENARIO@"
for m in $(cat /etc/fixture-modules); do
	insmod /lib/modules/@RELEASE@/$m || echo "SCENARIO: insmod $m FAILED"
done
ip link set lo up || echo "SCENARIO: lo up FAILED"
fact "scenario=@SCENARIO@"
fact "init.pid=$$"
@SETUP@
for f in @GUEST_FACTS@; do
	echo "PYKDUMP-FACTS-BEGIN $f"
	case $f in
	uname) uname -a ;;
	ps) ps -o pid,ppid,stat,rss,comm ;;
	mounts) cat /proc/mounts ;;
	lsmod) cat /proc/modules ;;
	esac
	echo "PYKDUMP-FACTS-END $f"
done
echo "@MARKER@ scenario=@SCENARIO@ release=$(uname -r) pid=$$" > /dev/kmsg
echo "SCENARIO: ready, failing"
@TRIGGER@
echo "SCENARIO: still alive?!"
while :; do sleep 100; done
"""

LOAD_MODULE = r"""insmod /lib/modules/@RELEASE@/extra/pykdump_scenario.ko \
	scenario=@SCENARIO@ || echo "SCENARIO: insmod pykdump_scenario FAILED"
"""
PULL_TRIGGER = r"""echo 1 > /sys/module/pykdump_scenario/parameters/trigger
sleep 60
"""


class Scenario:
    def __init__(self, name, setup, trigger, append=(), memory_mb=256,
                 cpus=2, module=False, helper=False, boot_timeout=180,
                 dumps=("vmcore.elf", "vmcore.d31.zlib"), required=(),
                 panic_re=""):
        self.name, self.setup, self.trigger = name, setup, trigger
        self.append, self.memory_mb, self.cpus = list(append), memory_mb, cpus
        self.module, self.helper = module, helper
        self.boot_timeout, self.dumps = boot_timeout, list(dumps)
        self.required, self.panic_re = list(required), panic_re

    def init_script(self, release):
        text = INIT.replace("@SETUP@", self.setup.strip("\n")) \
            .replace("@TRIGGER@", self.trigger.strip("\n"))
        return (text.replace("@SCENARIO@", self.name)
                .replace("@RELEASE@", release)
                .replace("@MARKER@", MARKER)
                .replace("@GUEST_FACTS@", " ".join(GUEST_FACTS)))


SCENARIOS = {s.name: s for s in (
    Scenario(
        "hung",
        # The deadlock starts at load time; ps then shows the D tasks.
        setup=LOAD_MODULE + "sleep 1\n",
        # khungtaskd is woken by the write and reports tasks blocked longer
        # than the new timeout on its next pass.
        trigger="echo 1 > /proc/sys/kernel/hung_task_panic\n"
                "echo 5 > /proc/sys/kernel/hung_task_timeout_secs\n"
                'fact "hung.timeout_secs=5"\n'
                "sleep 120\n",
        append=["hung_task_panic=1"], module=True,
        required=["pkd_abba_a.pid", "pkd_abba_b.pid", "pkd_rwsem_own.pid",
                  "pkd_rwsem_wait.pid", "lock.pkd_mutex_a",
                  "lock.pkd_mutex_b", "lock.pkd_rwsem",
                  "pkd_abba_a.waits", "pkd_abba_b.waits",
                  "hung.timeout_secs"],
        panic_re=r"hung_task: blocked tasks"),
    Scenario(
        "oops",
        # panic_on_oops=1 is set by the boot parameter oops=panic (there is
        # no panic_on_oops= one) and, to be sure, through its sysctl.
        setup="echo 1 > /proc/sys/kernel/panic_on_oops\n"
              'fact "oops.panic_on_oops=$(cat /proc/sys/kernel/panic_on_oops)"\n'
              + LOAD_MODULE,
        trigger=PULL_TRIGGER,
        append=["oops=panic"], module=True,
        required=["oops.pid", "oops.comm", "oops.function", "oops.module",
                  "oops.address", "oops.panic_on_oops", "triggered"],
        panic_re=r"Fatal exception"),
    Scenario(
        "lockup",
        setup=LOAD_MODULE, trigger=PULL_TRIGGER,
        append=["softlockup_panic=1", "watchdog_thresh=3"], module=True,
        required=["lockup.pid", "lockup.comm", "lockup.cpu",
                  "lockup.function", "triggered"],
        panic_re=r"softlockup: hung tasks"),
    Scenario(
        "oom",
        setup="echo 1 > /proc/sys/vm/panic_on_oom\n"
              'fact "oom.panic_on_oom=$(cat /proc/sys/vm/panic_on_oom)"\n'
              'fact "oom.swap_total_kb=$(awk \'/^SwapTotal/ {print $2}\' '
              '/proc/meminfo)"\n',
        trigger="/bin/pkd-oom-hog &\nsleep 120\n",
        helper=True,
        required=["oom.pid", "oom.comm", "oom.panic_on_oom"],
        panic_re=r"Out of memory"),
    Scenario(
        "scale",
        setup=r"""mkdir -p /scale && mount -t tmpfs -o size=64m scale-files /scale
i=0
while [ $i -lt 50 ]; do
	mkdir -p /mnt/pkd-m$i && mount -t tmpfs -o size=1m pkd-m$i /mnt/pkd-m$i \
		|| echo "SCENARIO: mount $i FAILED"
	i=$((i + 1))
done
/bin/pkd-files 10000 /scale || echo "SCENARIO: pkd-files FAILED"
/bin/pkd-tcp 200 7777 || echo "SCENARIO: pkd-tcp FAILED"
/bin/pkd-sleeper 3000 || echo "SCENARIO: pkd-sleeper FAILED"
set -- /proc/[0-9]*
fact "scale.processes=$#"
fact "scale.mounts=$(wc -l < /proc/mounts)"
fact "scale.open_files=$(cut -f1 /proc/sys/fs/file-nr)"
fact "scale.tcp_sockets=$(($(wc -l < /proc/net/tcp) - 1))"
fact "scale.mem_total_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)"
""",
        trigger="sleep 1\necho c > /proc/sysrq-trigger\n",
        memory_mb=2048, cpus=4, helper=True, boot_timeout=900,
        dumps=("vmcore.d31.zlib",),
        required=["scale.processes", "scale.mounts", "scale.open_files",
                  "scale.tcp_sockets", "sleeper.count", "files.count",
                  "tcp.connections"],
        panic_re=r"sysrq triggered crash"),
    Scenario(
        "ipc",
        # System V IPC objects (pkd-ipc) and a swap area on a loop device
        # (tmpfs cannot hold a swap file), for ipcs and swap.
        setup=r"""/bin/pkd-ipc || echo "SCENARIO: pkd-ipc FAILED"
dd if=/dev/zero of=/tmp/swap.img bs=1M count=8 2>/dev/null
losetup /dev/loop0 /tmp/swap.img && mkswap /dev/loop0 >/dev/null \
	&& swapon /dev/loop0 || echo "SCENARIO: swapon FAILED"
fact "swap.device=$(awk 'NR == 2 {print $1}' /proc/swaps)"
fact "swap.size_kb=$(awk 'NR == 2 {print $3}' /proc/swaps)"
""",
        trigger="sleep 1\necho c > /proc/sysrq-trigger\n",
        helper=True,
        required=["ipc.shm0", "ipc.shm2", "ipc.sem2", "ipc.msg1", "ipc.pid",
                  "swap.device", "swap.size_kb"],
        panic_re=r"sysrq triggered crash"),
)}


# ------------------------------------------------------------ console

def planted_facts(console):
    """{key: value} of every PYKDUMP-SCENARIO line; a key seen twice with
    different values is an error (the record would be ambiguous)."""
    facts = {}
    for k, v in FACT_RE.findall(console):
        if k in facts and facts[k] != v:
            raise Fail(f"planted fact {k} printed twice: {facts[k]!r} "
                       f"and {v!r}")
        facts[k] = v
    return facts


def guest_facts(console):
    """{name: text} of the PYKDUMP-FACTS blocks, printk lines dropped."""
    out = {}
    for name in GUEST_FACTS:
        m = re.search(rf"^PYKDUMP-FACTS-BEGIN {name}\r?\n(.*?)"
                      rf"^PYKDUMP-FACTS-END {name}\r?$", console,
                      re.S | re.M)
        if not m:
            raise Fail(f"the console has no '{name}' facts block")
        out[name] = "".join(ln + "\n" for ln in m.group(1).splitlines()
                            if not PRINTK_RE.match(ln))
    return out


def panic_facts(console):
    """{panic, panic_cpu, panic_pid, panic_comm} from the console: the
    panic message, and the CPU/PID/Comm line that panic()'s own stack dump
    prints after it, or (an oops prints its registers before panicking)
    the last one before it."""
    m = re.search(r"Kernel panic - not syncing: ([^\r\n]*)", console)
    if not m:
        raise Fail("no 'Kernel panic - not syncing' line on the console")
    out = {"panic": m.group(1).strip()}
    cpu_re = re.compile(r"CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)")
    end = console.find("end Kernel panic", m.end())
    after = cpu_re.search(console, m.end(), end if end > 0 else len(console))
    before = list(cpu_re.finditer(console, 0, m.start()))
    hit = after or (before[-1] if before else None)
    if hit:
        out.update(panic_cpu=hit.group(1), panic_pid=hit.group(2),
                   panic_comm=hit.group(3))
    return out


# ------------------------------------------------------------ summary

SUMMARY_KEYS = {
    "hung": ["deadlock_tasks", "deadlock_locks", "rwsem_owner",
             "rwsem_waiter", "rwsem", "uninterruptible_tasks",
             "hung_reported"],
    "oops": ["oops_task", "oops_function", "oops_module", "oops_address",
             "oops_rip"],
    "lockup": ["lockup_cpu", "lockup_task", "lockup_function",
               "lockup_report"],
    "oom": ["oom_task", "oom_invoker", "oom_victim", "oom_victim_rss_pages"],
    "scale": ["scale_processes", "scale_open_files", "scale_tcp_sockets",
              "scale_mounts"],
    "ipc": ["ipc_shm", "ipc_sem", "ipc_msg", "ipc_task", "swap_device",
            "swap_size_kb"],
}


def oom_task_table(console):
    """The rows of the OOM report's "Tasks state" table as dicts keyed by
    its header's column names (the columns vary: 6.1 has rss, newer kernels
    add rss_anon, rss_file, rss_shmem)."""
    m = re.search(r"\[  pid  \]\s+(.*?)\s*$", console, re.M)
    if not m:
        raise Fail("oom: no 'Tasks state' table on the console")
    names = m.group(1).split()
    rows = []
    for r in re.finditer(r"^(?:\[\s*\d+\.\d+\] )?\[\s*(\d+)\]\s+(.*?)\s*$",
                         console[m.end():], re.M):
        vals = r.group(2).split()
        if len(vals) != len(names):
            break
        rows.append(dict(zip(names, vals), pid=r.group(1)))
    if not rows or not {"rss", "swapents", "pgtables_bytes", "name"} <= \
            set(rows[0]):
        raise Fail(f"oom: unexpected 'Tasks state' table: {m.group(0)}")
    return rows


# What the issue asks of the scale dump (mounts: 50 extra tmpfs mounts and
# the 5 of the frame; tcp: 200 connections seen from both ends + listener).
SCALE_MINIMUM = {"processes": 3000, "open_files": 10000, "tcp_sockets": 401,
                 "mounts": 55}


def _task(f, role):
    return f"{f[role + '.comm']}:{f[role + '.pid']}"


def summarize(sc, facts, console):
    """The top-level MANIFEST keys (SUMMARY_KEYS[sc.name]) derived from the
    planted facts and checked against the console.  Tasks are COMM:PID,
    locks NAME:ADDRESS, lists space-separated."""
    missing = [k for k in sc.required if k not in facts]
    if missing:
        raise Fail(f"scenario {sc.name}: the guest did not report "
                   f"{' '.join(missing)}")
    f = facts
    s = {}
    if sc.name == "hung":
        s["deadlock_tasks"] = f"{_task(f, 'pkd_abba_a')} " \
            f"{_task(f, 'pkd_abba_b')}"
        s["deadlock_locks"] = f"pkd_mutex_a:{f['lock.pkd_mutex_a']} " \
            f"pkd_mutex_b:{f['lock.pkd_mutex_b']}"
        s["rwsem_owner"] = _task(f, "pkd_rwsem_own")
        s["rwsem_waiter"] = _task(f, "pkd_rwsem_wait")
        s["rwsem"] = f"pkd_rwsem:{f['lock.pkd_rwsem']}"
        s["uninterruptible_tasks"] = " ".join(
            _task(f, r) for r in ("pkd_abba_a", "pkd_abba_b",
                                  "pkd_rwsem_wait"))
        reported = re.findall(r"INFO: task (\S+?):(\d+) blocked for more "
                              r"than \d+ seconds", console)
        s["hung_reported"] = " ".join(dict.fromkeys(
            f"{c}:{p}" for c, p in reported))
        if not reported:
            raise Fail("hung: no 'INFO: task ... blocked' on the console")
    elif sc.name == "oops":
        s["oops_task"] = _task(f, "oops")
        s["oops_function"] = f["oops.function"]
        s["oops_module"] = f["oops.module"]
        s["oops_address"] = f["oops.address"]
        m = re.search(r"RIP: \d+:(\S+ \[\S+\])", console)
        if not m or not m.group(1).startswith(f["oops.function"] + "+"):
            raise Fail(f"oops: the console's RIP line is "
                       f"{m.group(0) if m else 'missing'}, not in "
                       f"{f['oops.function']}")
        s["oops_rip"] = m.group(1)
    elif sc.name == "lockup":
        s["lockup_cpu"] = f["lockup.cpu"]
        s["lockup_task"] = _task(f, "lockup")
        s["lockup_function"] = f["lockup.function"]
        m = re.search(r"soft lockup - CPU#(\d+) stuck for \d+s! "
                      r"\[(\S+):(\d+)\]", console)
        if not m or (m.group(1), f"{m.group(2)}:{m.group(3)}") != \
                (s["lockup_cpu"], s["lockup_task"]):
            raise Fail(f"lockup: the console's report is "
                       f"{m.group(0) if m else 'missing'}, not CPU#"
                       f"{s['lockup_cpu']} [{s['lockup_task']}]")
        s["lockup_report"] = m.group(0)
    elif sc.name == "oom":
        s["oom_task"] = _task(f, "oom")
        m = re.search(r"(\S+) invoked oom-killer", console)
        if not m:
            raise Fail("oom: no 'invoked oom-killer' line on the console")
        s["oom_invoker"] = m.group(1)
        # panic_on_oom panics before a victim is chosen; the victim is the
        # task the killer would have taken: the largest rss + swap + page
        # tables (oom_badness, all oom_score_adj being 0 here) in the
        # kernel's "Tasks state" table
        rows = oom_task_table(console)
        v = max(rows, key=lambda r: int(r["rss"]) + int(r["swapents"])
                + int(r["pgtables_bytes"]) // 4096)
        s["oom_victim"] = f"{v['name']}:{v['pid']}"
        s["oom_victim_rss_pages"] = v["rss"]
    elif sc.name == "scale":
        for k, least in SCALE_MINIMUM.items():
            s[f"scale_{k}"] = f[f"scale.{k}"]
            if int(f[f"scale.{k}"]) < least:
                raise Fail(f"scale: the guest reported {k}="
                           f"{f[f'scale.{k}']}, fewer than {least}")
    elif sc.name == "ipc":
        for kind, n in (("shm", 3), ("sem", 3), ("msg", 2)):
            s[f"ipc_{kind}"] = " ".join(f[f"ipc.{kind}{i}"]
                                        for i in range(n))
        s["ipc_task"] = f"pkd-ipc:{f['ipc.pid']}"
        s["swap_device"] = f["swap.device"]
        s["swap_size_kb"] = f["swap.size_kb"]
        if not s["swap_device"].startswith("/dev/loop"):
            raise Fail(f"ipc: no swap area on a loop device "
                       f"({s['swap_device']!r})")
    return s
