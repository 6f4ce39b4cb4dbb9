# SPDX-License-Identifier: GPL-2.0-or-later
"""pykdump triage: why did the machine die?  One screen for one dump, or
a table of panic signatures for a fleet of them.

    pykdump triage [--json] VMCORE [VMLINUX]
    pykdump triage --batch DIR_OR_LIST [--jobs N] [--json-lines OUT]
                   [--scheduler ADDR]

The facts come from the engine's kernel layer through the C extension
(crash.task_table, backtrace, task_blocked_on, lock_state, rq_info,
printk_records ...), never from command text:

  panic      the kind (sysrq, oops, bug, warn, soft_lockup, hard_lockup,
             hung_task, oom, mce, panic, unknown), the panic message, the
             CPU and task, the faulting function and module (the first
             kernel-mode exception frame of the culprit's stack), and the
             signature kind|function|module|stack-hash that groups dumps
             of the same failure (the hash covers the culprit's function
             names, clone suffixes dropped: it does not change with KASLR
             or from one boot to the next);
  panic_task its backtrace, exception frames with their registers;
  taint      tainted_mask's letters and names, and the modules that
             brought taints in or failed their signature check;
  hung       every task in uninterruptible sleep (UN), how long since it
             last ran (crash's ps -m), which lock it waits for, who holds
             it; owners are followed into lock-owner chains, and a chain
             that comes back to one of its tasks is a deadlock;
  cpus       each CPU's current task and runqueue length;
  memory     totals from the kernel's counters; oom: the OOM killer's
             invoker, the victim it chose (or would have chosen, by its
             badness: rss + swap + page tables) and why;
  log        the last error and warning lines; uptime and load.

--json prints the same facts as one JSON document following
triage_schema.json (schema "pykdump-triage", SCHEMA_VERSION below; a new
field keeps the version, a changed or removed one raises it).

Batch mode analyses each dump in a process of its own (a dump that
cannot be read is reported, not fatal), on a Dask cluster: a local one
with --jobs worker processes by default, or the scheduler at ADDR
(tcp://host:8786) whose workers may be on other machines (they need
pykdump and the dumps at the same paths).  Each dump finds its own
vmlinux by release and build-id (its directory, the debug directories).
"""

import argparse
import hashlib
import json
import os
import re
import sys
import time

SCHEMA = "pykdump-triage"
SCHEMA_VERSION = 1
SCHEMA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "triage_schema.json")

PANIC_RE = re.compile(r"Kernel panic - not syncing: ?(.*)")
SOFT_LOCKUP_RE = re.compile(r"soft lockup - CPU#(\d+) stuck for (\d+)s! "
                            r"\[(.+):(\d+)\]")
HARD_LOCKUP_RE = re.compile(r"Watchdog detected hard LOCKUP on cpu (\d+)")
HUNG_RE = re.compile(r"INFO: task (.+):(\d+) blocked for more than (\d+) "
                     r"seconds")
RIP_RE = re.compile(r"^RIP: [0-9a-f]{4}:(\S+?)\+0x([0-9a-f]+)/0x[0-9a-f]+"
                    r"(?: \[(\S+)\])?")
OOM_INVOKED_RE = re.compile(r"^(.+) invoked oom-killer: gfp_mask=(\S+?),? "
                            r"order=(-?\d+), oom_score_adj=(-?\d+)")
OOM_KILLED_RE = re.compile(r"(?:Out of memory|Memory cgroup out of memory):"
                           r" Killed process (\d+) \((.+?)\)")
OOM_CONSTRAINT_RE = re.compile(r"oom-kill:constraint=(\w+)")
CLONE_SUFFIX_RE = re.compile(r"\.(?:constprop|isra|part|cold|llvm)"
                             r"(?:\.\d+)*")
# the lines of a register or stack dump: shown with the panic task, not
# as messages
DUMP_LINE_RE = re.compile(r"^(?:\s|RIP:|RSP:|RAX:|RDX:|RBP:|R10:|R13:|FS:|"
                          r"CS:|CR2:|DR[0-7]:|Code:|Call Trace:|<|---\[|"
                          r"Modules linked in:|Hardware name:|CPU: \d+ "
                          r"(?:UID: \d+ )?PID:|task:|\? )")
# where a blocked task merely waits: not the place it is stuck in
WAIT_FUNCS_RE = re.compile(
    r"^(?:__schedule|schedule|io_schedule|preempt_schedule|"
    r"schedule_timeout|schedule_preempt_disabled|schedule_hrtimeout|"
    r"__mutex_lock|mutex_lock|__ww_mutex_lock|ww_mutex_lock|rwsem_down|"
    r"__down|down_read|down_write|down|down_interruptible|down_killable|"
    r"down_timeout|wait_for_completion|__wait_for_common|"
    r"do_wait_for_common|msleep|usleep_range|rt_mutex|__rt_mutex|"
    r"rwbase|percpu_down|percpu_rwsem|bit_wait|__wait_on_bit|"
    r"out_of_line_wait_on_bit|__folio_lock|folio_wait|"
    r"wait_on_page_bit|__lock_page)")
LOG_KEEP = 12
MAX_STACK = 64
OOM_SCORE_ADJ_MIN = -1000


# ------------------------------------------------------------ helpers

def _hex(v):
    return "0x%x" % v if v is not None else None


def _crash():
    import pykdump  # noqa: F401 (makes `crash` importable)
    import crash
    return crash


def _strip_clone(name):
    return CLONE_SUFFIX_RE.sub("", name) if name else name


def _fmt_duration(s):
    if s is None:
        return "?"
    if s < 60:
        return "%.1fs" % s
    m, s = divmod(int(s), 60)
    h, m = divmod(m, 60)
    d, h = divmod(h, 24)
    return ("%dd " % d if d else "") + "%02d:%02d:%02d" % (h, m, s)


def _fmt_kb(kb):
    if kb is None:
        return "?"
    if kb >= 1 << 20:
        return "%.1f GB" % (kb / (1 << 20))
    if kb >= 1024:
        return "%.1f MB" % (kb / 1024)
    return "%d KB" % kb


class _Dump:
    """The facts of the open dump, read once each."""

    def __init__(self, crash):
        self.c = crash
        self.m = crash._machine()
        self.tasks = {}
        self.by_pid = {}
        for t in crash.task_table():
            task, pid, ppid, tgid, cpu, active, kthread, comm, state, mm, \
                rss, total_vm = t
            d = dict(task=task, pid=pid, ppid=ppid, tgid=tgid, cpu=cpu,
                     active=bool(active), kthread=bool(kthread), comm=comm,
                     state=crash.task_state_name(state), mm=mm, rss=rss,
                     total_vm=total_vm)
            self.tasks[task] = d
            self.by_pid.setdefault(pid, d)
        self._bt = {}
        self._blocked = {}
        self._locks = {}
        self._syms = {}
        self.records = crash.printk_records()
        self.lines = []		# (ts, level, line) one per log line
        for ts, level, text in self.records:
            for ln in text.split("\n"):
                self.lines.append((ts, level, ln))
        self.page_kb = self.m["page_size"] // 1024

    def who(self, task):
        t = self.tasks.get(task)
        if not t:
            return {"pid": None, "comm": None, "task": _hex(task)}
        return {"pid": t["pid"], "comm": t["comm"], "task": _hex(task)}

    def backtrace(self, task):
        if task not in self._bt:
            try:
                self._bt[task] = self.c.backtrace(task, MAX_STACK)
            except self.c.error as e:
                self._bt[task] = {"frames": [], "error": str(e)}
        return self._bt[task]

    def symbol(self, addr):
        if addr not in self._syms:
            k = self.c.ksym(addr)
            if k is None:
                self._syms[addr] = None
            else:
                name, off, mod = k
                s = name if not off else "%s+%d" % (name, off)
                self._syms[addr] = s + (" [%s]" % mod if mod else "")
        return self._syms[addr]

    def blocked_on(self, task):
        if task not in self._blocked:
            bt = self.backtrace(task)
            frames = [(f["sp"], f["function"]) for f in bt["frames"]]
            try:
                self._blocked[task] = self.c.task_blocked_on(task, frames)
            except self.c.error:
                self._blocked[task] = None
        return self._blocked[task]

    def lock(self, kind, addr):
        key = (kind, addr)
        if key not in self._locks:
            try:
                self._locks[key] = self.c.lock_state(kind, addr)
            except self.c.error as e:
                self._locks[key] = {"error": str(e), "owner": 0,
                                    "locked": -1, "waiters": []}
        return self._locks[key]

    def since_run(self, t):
        try:
            ns = self.c.task_since_run(t["task"], t["cpu"])
        except self.c.error:
            return None
        return None if ns is None else ns / 1e9


# ------------------------------------------------------------ frames

def _frame_json(d, f, regs_from=None):
    fr = {"sp": _hex(f["sp"]), "ip": _hex(f["ip"]),
          "function": f["function"], "offset": f["offset"],
          "module": f["module"], "stack": f["stack"] or "task",
          "exception": bool(f["exception"])}
    if f["exception"] and regs_from is not None and regs_from.get("regs"):
        fr["regs"] = {k: _hex(v) for k, v in regs_from["regs"].items()}
    return fr


def _frames_json(d, bt):
    fr = bt["frames"]
    return [_frame_json(d, f, fr[i - 1] if i else None)
            for i, f in enumerate(fr)]


def _exception_frames(bt):
    """(index, frame, regs) of each exception frame in kernel mode."""
    out = []
    fr = bt["frames"]
    for i, f in enumerate(fr):
        if not f["exception"]:
            continue
        regs = fr[i - 1]["regs"] if i and fr[i - 1]["regs"] else None
        if regs and regs.get("cs", 0) & 3:
            continue		# user mode: not a kernel fault site
        out.append((i, f, regs))
    return out


def _stack_functions(bt):
    """The function names a signature hashes: from the first kernel
    exception frame when there is one (the interrupted code), else from
    panic() outwards (what comes before it is the dying CPU's own
    machinery), clone suffixes dropped."""
    fr = bt["frames"]
    exc = _exception_frames(bt)
    start = exc[0][0] if exc else 0
    if not exc:
        for i, f in enumerate(fr):
            if _strip_clone(f["function"] or "") in ("panic", "vpanic"):
                start = i
                break
    return [_strip_clone(f["function"] or "?") for f in fr[start:]]


def _stack_hash(funcs):
    return hashlib.sha1("\n".join(funcs).encode()).hexdigest()[:12]


def _first_interesting(bt):
    """The frame a blocked task is stuck in: the first that is not the
    scheduler or a lock's slow path."""
    for f in bt["frames"]:
        fn = f["function"]
        if fn and not WAIT_FUNCS_RE.match(fn):
            return f
    return None


# ------------------------------------------------------------ the log

def _log_facts(d):
    """Panic message and the lines that say what happened before it."""
    out = {"panic_line": None, "panic_ts": None}
    for ts, level, ln in d.lines:
        m = PANIC_RE.search(ln)
        if m and out["panic_line"] is None:
            out["panic_line"] = m.group(0).strip()
            out["panic_msg"] = m.group(1).strip()
            out["panic_ts"] = ts
    before = [ln for ts, level, ln in d.lines
              if out["panic_ts"] is None or ts <= out["panic_ts"]]
    out["before"] = before
    return out


def _log_tail(d):
    """The last error and warning lines (level <= 4), the register and
    stack dumps left out."""
    keep = []
    for ts, level, ln in d.lines:
        if level > 4 or not ln.strip() or DUMP_LINE_RE.match(ln):
            continue
        keep.append({"ts": round(ts / 1e9, 6), "level": level,
                     "text": ln.rstrip()})
    return keep[-LOG_KEEP:]


def _classify(msg, before):
    """The panic kind from the panic message and the lines before it."""
    text = "\n".join(before[-400:])
    if msg is None:
        if re.search(r"sysrq: Trigger a crash|SysRq : Trigger a crash",
                     text):
            return "sysrq"
        return "unknown"
    low = msg.lower()
    if "sysrq triggered crash" in low:
        return "sysrq"
    if low.startswith("hung_task") or "blocked tasks" in low:
        return "hung_task"
    if "softlockup" in low or "soft lockup" in low:
        return "soft_lockup"
    if "hardlockup" in low or "hard lockup" in low:
        return "hard_lockup"
    if low.startswith("out of memory") or "deadlocked on memory" in low:
        return "oom"
    if "panic_on_warn" in low:
        return "warn"
    # mce_panic(): "Fatal machine check", "Fatal local machine check",
    # "Machine check from unknown source", and the rendezvous timeout
    if "machine check" in low or "mce" in low.split() or \
            "not all cpus entered broadcast exception handler" in low:
        return "mce"
    if "fatal exception" in low or "fatal trap" in low:
        if re.search(r"kernel BUG at |^BUG: (?!kernel NULL|unable)", text,
                     re.M):
            return "bug"
        return "oops"
    return "panic"


# ------------------------------------------------------------ sections

def _dump_section(d, path):
    c, m = d.c, d.m
    hz = c.hz()
    j = c.uptime_jiffies()
    date = c.crash_date()
    total = _memory_totals(d)
    return {
        "path": os.path.abspath(path) if isinstance(path, str)
        else [os.path.abspath(p) for p in path],
        "vmlinux": m["vmlinux_path"],
        "release": m["release"], "version": m["version"],
        "machine": m["machine"], "nodename": m["nodename"],
        "cpus": m["cpus_present"] or c.nr_cpus(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(date))
        if date else None,
        "uptime_s": (j // hz) if (hz and j is not None) else None,
        "load": [float(x) for x in c.loadavg()] if c.loadavg() else None,
        "tasks": len(d.tasks),
        "memory_kb": total.get("total_kb"),
    }


def _memory_totals(d):
    if hasattr(d, "_mem"):
        return d._mem
    c = d.c

    def sym_u64(name):
        a = c.sym2addr(name)
        return c.readU64(a) if a else None

    def stat(name):
        v = c.vmstat(name)
        return v * d.page_kb if v is not None else None

    total = sym_u64("_totalram_pages")
    if total is None:
        total = sym_u64("totalram_pages")
    swap_total = sym_u64("total_swap_pages")
    swap_free = sym_u64("nr_swap_pages")
    slab = [stat(n) for n in ("NR_SLAB_RECLAIMABLE_B",
                              "NR_SLAB_UNRECLAIMABLE_B")]
    if None in slab:
        slab = [stat(n) for n in ("NR_SLAB_RECLAIMABLE",
                                  "NR_SLAB_UNRECLAIMABLE")]
    anon = stat("NR_ANON_MAPPED")
    if anon is None:
        anon = stat("NR_ANON_PAGES")
    mem = {
        "total_kb": total * d.page_kb if total is not None else None,
        "free_kb": stat("NR_FREE_PAGES"),
        "file_kb": stat("NR_FILE_PAGES"),
        "anon_kb": anon,
        "shmem_kb": stat("NR_SHMEM"),
        "slab_kb": None if None in slab else sum(slab),
        "swap_total_kb": swap_total * d.page_kb
        if swap_total is not None else None,
        "swap_free_kb": swap_free * d.page_kb
        if swap_free is not None else None,
    }
    if mem["total_kb"] and mem["free_kb"] is not None:
        mem["used_pct"] = round(100 * (1 - mem["free_kb"] / mem["total_kb"]),
                                1)
    d._mem = mem
    return mem


def _taint_section(d):
    c = d.c
    t = c.taint()
    if t is None:
        return {"mask": None, "letters": "", "flags": [], "modules": []}
    mask, letters, table = t
    by_bit = {bit: (ct, cf, mod, name) for bit, ct, cf, mod, name in table}
    flags = [by_bit[b][3] or "TAINT_%d" % b for b in sorted(by_bit)
             if mask >> b & 1]
    mods = []
    for km in c.kmodules():
        try:
            taints, sig_ok = c.module_taints(km["addr"])
        except c.error:
            continue
        if not taints and sig_ok != 0:
            continue
        mods.append({
            "name": km["name"],
            "letters": "".join(by_bit[b][0] for b in sorted(by_bit)
                               if taints >> b & 1),
            "out_of_tree": bool(taints >> 12 & 1),
            "unsigned": bool(taints >> 13 & 1) or sig_ok == 0,
            "proprietary": bool(taints & 1),
        })
    return {"mask": mask, "letters": letters, "flags": flags,
            "modules": mods}


def _cpus_section(d):
    out = []
    for cpu in range(d.c.nr_cpus()):
        try:
            rq = d.c.rq_info(cpu)
        except d.c.error:
            continue
        w = d.who(rq["curr"])
        out.append({"cpu": cpu, "pid": w["pid"], "comm": w["comm"],
                    "task": w["task"], "idle": rq["curr"] == rq["idle"],
                    "nr_running": rq["nr_running"]})
    return out


def _lock_json(d, kind, addr, mode=None):
    j = {"kind": kind, "addr": _hex(addr), "symbol": d.symbol(addr)}
    if mode:
        j["mode"] = mode
    return j


def _holder(d, st):
    """(owner task or None, text) of a lock's state."""
    if st.get("owner"):
        return st["owner"], None
    if st.get("reader_owned"):
        last = st.get("last_reader")
        note = "%d reader(s)" % st.get("readers", 0)
        if last:
            w = d.who(last)
            note += ", last %s:%s" % (w["comm"], w["pid"])
        return None, note
    if st.get("locked") == 0:
        return None, "free"
    return None, "unknown"


def _waits(d, task):
    """What task waits for: (blocked_on, lock state) or (None, None)."""
    b = d.blocked_on(task)
    if not b:
        return None, None
    return b, d.lock(b["kind"], b["lock"])


def _chain(d, task):
    """The lock-owner chain from task: [(task, blocked_on, state)], and
    the index the chain comes back to (a deadlock) or None."""
    chain, seen = [], {}
    cur = task
    while cur and len(chain) < 64:
        if cur in seen:
            return chain, seen[cur]
        seen[cur] = len(chain)
        b, st = _waits(d, cur)
        chain.append((cur, b, st))
        if not b:
            break
        cur, _ = _holder(d, st)
    return chain, None


def _hung_section(d, reported):
    hung, deadlocks, dl_keys = [], [], {}
    un = [t for t in d.tasks.values() if t["state"] == "UN"]
    for t in sorted(un, key=lambda t: t["pid"]):
        bt = d.backtrace(t["task"])
        b, st = _waits(d, t["task"])
        entry = {
            "pid": t["pid"], "comm": t["comm"], "task": _hex(t["task"]),
            "cpu": t["cpu"], "state": t["state"],
            "blocked_s": d.since_run(t),
            "reported": (t["comm"], t["pid"]) in reported,
            "stuck_in": None, "blocked_on": None, "chain": [],
            "deadlock": None,
            "stack": [f["function"] for f in bt["frames"]],
        }
        f = _first_interesting(bt)
        if f:
            entry["stuck_in"] = f["function"] + \
                (" [%s]" % f["module"] if f["module"] else "")
        if b:
            lock = _lock_json(d, b["kind"], b["lock"], b["mode"])
            owner, note = _holder(d, st)
            lock["holder"] = d.who(owner) if owner else None
            lock["holder_note"] = note
            lock["found_by"] = b["how"]
            entry["blocked_on"] = lock
        chain, back = _chain(d, t["task"])
        entry["chain"] = [d.who(x[0]) for x in chain]
        if back is not None:
            cyc = chain[back:]
            key = tuple(sorted(x[0] for x in cyc))
            if key not in dl_keys:
                # rotate to the lowest pid: one name per cycle
                i = min(range(len(cyc)),
                        key=lambda k: d.tasks.get(cyc[k][0], {})
                        .get("pid", 1 << 30))
                cyc = cyc[i:] + cyc[:i]
                dl_keys[key] = len(deadlocks)
                deadlocks.append({
                    "tasks": [d.who(x[0]) for x in cyc],
                    "locks": [_lock_json(d, x[1]["kind"], x[1]["lock"],
                                         x[1]["mode"]) for x in cyc],
                })
            entry["deadlock"] = dl_keys[key]
        hung.append(entry)
    return hung, deadlocks


def _oom_section(d, log, kind):
    before = log["before"]
    inv = kill = cons = None
    for ln in before:
        m = OOM_INVOKED_RE.search(ln)
        if m:
            inv = m
        m = OOM_KILLED_RE.search(ln)
        if m:
            kill = m
        m = OOM_CONSTRAINT_RE.search(ln)
        if m:
            cons = m
    if kind != "oom" and not inv and not kill:
        return None
    out = {"invoker": None, "victim": None, "reason": None,
           "constraint": cons.group(1) if cons else None}
    if inv:
        comm = inv.group(1).strip()
        out["invoker"] = {"comm": comm, "gfp_mask": inv.group(2),
                          "order": int(inv.group(3)),
                          "oom_score_adj": int(inv.group(4))}
    if kind == "oom":
        out["reason"] = log.get("panic_msg")
    scores = _oom_scores(d)
    if kill:
        pid = int(kill.group(1))
        v = next((s for s in scores if s["pid"] == pid), None) or \
            {"pid": pid, "comm": kill.group(2)}
        out["victim"] = dict(v, chosen="killed")
        out["reason"] = out["reason"] or "killed by the OOM killer"
    elif scores:
        marked = [s for s in scores if s.get("oom_victim")]
        v = marked[0] if marked else scores[0]
        out["victim"] = dict(v, chosen="marked" if marked else
                             "largest_badness")
    out["top"] = scores[:5]
    return out


def _oom_scores(d):
    """Every killable user task by the OOM killer's badness, largest
    first (oom_badness: rss + swap entries + page-table pages, adjusted
    by oom_score_adj per mille of RAM + swap; init, kernel threads and
    OOM_SCORE_ADJ_MIN tasks are never chosen)."""
    c = d.c
    from . import highlevel as hl
    off_signal = hl.member_offset("struct task_struct", "signal")
    off_adj = hl.member_offset("struct signal_struct", "oom_score_adj")
    off_oom_mm = hl.member_offset("struct signal_struct", "oom_mm")
    mem = _memory_totals(d)
    pages = ((mem["total_kb"] or 0) + (mem["swap_total_kb"] or 0)) // \
        max(d.page_kb, 1)
    by_mm, out = {}, []
    for t in d.tasks.values():
        if t["kthread"] or not t["mm"] or t["tgid"] == 1 or \
                t["pid"] != t["tgid"]:
            continue
        if t["mm"] not in by_mm:
            try:
                by_mm[t["mm"]] = c.mm_counters(t["mm"])
            except c.error:
                by_mm[t["mm"]] = None
        mc = by_mm[t["mm"]]
        if mc is None:
            continue
        adj, victim = 0, False
        if off_signal >= 0 and off_adj >= 0:
            sig = c.readU64(t["task"] + off_signal)
            adj = c.readS16(sig + off_adj)
            if off_oom_mm >= 0:
                victim = c.readU64(sig + off_oom_mm) != 0
        if adj == OOM_SCORE_ADJ_MIN:
            continue
        rss = mc["file"] + mc["anon"] + mc["shmem"]
        points = rss + mc["swapents"] + mc["pgtables_bytes"] // \
            (d.page_kb * 1024)
        points += adj * pages // 1000
        out.append({"pid": t["pid"], "comm": t["comm"],
                    "task": _hex(t["task"]), "rss_pages": rss,
                    "swapents": mc["swapents"],
                    "pgtables_kb": mc["pgtables_bytes"] // 1024,
                    "oom_score_adj": adj, "points": points,
                    "oom_victim": victim})
    out.sort(key=lambda s: (-s["points"], s["pid"]))
    return out


# ------------------------------------------------------------ the report

def collect(vmcore, vmlinux=None, debug_dirs=()):
    """Open the dump and gather the report (a dict following
    triage_schema.json)."""
    c = _crash()
    t0 = time.monotonic()
    files = [vmcore] if isinstance(vmcore, str) else list(vmcore)
    # the session alone: pykdump.open() also fills the API's sys_info by
    # running `sys`, seconds on a big machine, which triage does not use
    c._open([str(f) for f in files], None if vmlinux is None
            else str(vmlinux), [str(x) for x in debug_dirs])
    try:
        return _collect(vmcore, t0)
    finally:
        c._close()


def _collect(vmcore, t0):
    c = _crash()
    d = _Dump(c)
    log = _log_facts(d)
    kind = _classify(log.get("panic_msg"), log["before"])
    reported = set()
    for ln in log["before"]:
        m = HUNG_RE.search(ln)
        if m:
            reported.add((m.group(1), int(m.group(2))))
    panic_cpu = c.panic_cpu()
    ptask = c.panic_task()
    rep = {"schema": SCHEMA, "version": SCHEMA_VERSION,
           "dump": _dump_section(d, vmcore)}
    hung, deadlocks = _hung_section(d, reported)
    panic = {"kind": kind, "message": log.get("panic_msg"),
             "line": log["panic_line"] or c.panic_message() or None,
             "cpu": panic_cpu if panic_cpu >= 0 else None,
             "function": None, "module": None, "offset": None,
             "detail": None}
    culprit = ptask
    if kind in ("soft_lockup", "hard_lockup"):
        culprit = _lockup(d, log, panic) or ptask
    elif kind == "hung_task":
        culprit = _hung_culprit(d, hung, panic) or ptask
    elif kind in ("oops", "bug", "warn"):
        _oops_detail(log, panic)
    bt = d.backtrace(culprit) if culprit else {"frames": []}
    if kind != "hung_task":
        exc = _exception_frames(bt)
        if exc:
            _, f, _ = exc[0]
            panic.update(function=_strip_clone(f["function"]),
                         module=f["module"], offset=f["offset"])
        elif kind in ("oops", "bug", "warn", "soft_lockup"):
            rip = _log_rip(log)
            if rip:
                panic.update(rip)
    funcs = _stack_functions(bt) if kind != "hung_task" else \
        [_strip_clone(f["function"] or "?") for f in bt["frames"]]
    panic["stack_hash"] = _stack_hash(funcs)
    panic["signature"] = "|".join([kind, panic["function"] or "-",
                                   panic["module"] or "-",
                                   panic["stack_hash"]])
    rep["panic"] = panic
    pbt = d.backtrace(ptask) if ptask else None
    rep["panic_task"] = None
    if ptask:
        w = d.who(ptask)
        rep["panic_task"] = dict(w, cpu=d.tasks.get(ptask, {}).get("cpu"),
                                 frames=_frames_json(d, pbt),
                                 error=pbt.get("error"))
    rep["taint"] = _taint_section(d)
    rep["hung_tasks"] = hung
    rep["deadlocks"] = deadlocks
    rep["cpus"] = _cpus_section(d)
    rep["memory"] = _memory_totals(d)
    rep["oom"] = _oom_section(d, log, kind)
    rep["log"] = _log_tail(d)
    rep["summary"] = _summary(rep)
    rep["elapsed_s"] = round(time.monotonic() - t0, 3)
    return rep


def _log_rip(log):
    for ln in reversed(log["before"]):
        m = RIP_RE.match(ln)
        if m:
            return {"function": _strip_clone(m.group(1)),
                    "offset": int(m.group(2), 16), "module": m.group(3)}
    return None


def _oops_detail(log, panic):
    for ln in log["before"]:
        if re.match(r"(BUG: |kernel BUG at |general protection fault|"
                    r"Oops: |WARNING: )", ln):
            panic["detail"] = ln.strip() if panic["detail"] is None \
                else panic["detail"]


def _lockup(d, log, panic):
    """The stuck CPU and its task, from the watchdog's report."""
    cpu = None
    for ln in log["before"]:
        m = SOFT_LOCKUP_RE.search(ln)
        if m:
            cpu = int(m.group(1))
            panic["detail"] = m.group(0)
            panic["stuck_s"] = int(m.group(2))
        m = HARD_LOCKUP_RE.search(ln)
        if m:
            cpu = int(m.group(1))
            panic["detail"] = m.group(0)
    if cpu is None:
        cpu = panic["cpu"]
    panic["lockup_cpu"] = cpu
    try:
        return d.c.rq_info(cpu)["curr"] if cpu is not None else None
    except d.c.error:
        return None


def _hung_culprit(d, hung, panic):
    """A hung-task panic's culprit: the first task the detector reported
    (else the first one in UN), where it is stuck."""
    first = next((h for h in hung if h["reported"]), None) or \
        (hung[0] if hung else None)
    if not first:
        return None
    task = int(first["task"], 16)
    f = _first_interesting(d.backtrace(task))
    if f:
        panic.update(function=_strip_clone(f["function"]),
                     module=f["module"], offset=f["offset"])
    panic["detail"] = "%d task(s) blocked, %d reported" % (
        len(hung), sum(1 for h in hung if h["reported"]))
    return task


KIND_TEXT = {
    "sysrq": "crash requested through sysrq",
    "oops": "oops", "bug": "BUG()", "warn": "WARN() with panic_on_warn",
    "soft_lockup": "soft lockup", "hard_lockup": "hard lockup",
    "hung_task": "hung tasks", "oom": "out of memory",
    "mce": "machine check", "panic": "panic() called",
    "unknown": "no panic message: cause unknown",
}


def _summary(rep):
    p = rep["panic"]
    s = KIND_TEXT.get(p["kind"], p["kind"])
    pt = rep.get("panic_task")
    if p["kind"] == "sysrq" and pt:
        via = any(f["function"] == "write_sysrq_trigger"
                  for f in pt["frames"])
        s += " by %s:%s%s" % (pt["comm"], pt["pid"],
                              " (/proc/sysrq-trigger)" if via else "")
    if p["kind"] == "hung_task":
        s += " (%d blocked)" % len(rep["hung_tasks"])
    if p["function"]:
        s += " in %s%s" % (p["function"], " [%s]" % p["module"]
                           if p["module"] else "")
    if p["kind"] in ("soft_lockup", "hard_lockup") and \
            p.get("lockup_cpu") is not None:
        s += " on CPU %d" % p["lockup_cpu"]
    for dl in rep["deadlocks"]:
        s += "; deadlock: " + " -> ".join(
            "%s:%s" % (t["comm"], t["pid"]) for t in dl["tasks"]) + \
            " (" + ", ".join(lk["symbol"] or lk["addr"]
                             for lk in dl["locks"]) + ")"
    o = rep.get("oom")
    if o and o.get("victim"):
        v = o["victim"]
        s += "; OOM victim %s:%s" % (v.get("comm"), v.get("pid"))
    return s


# ------------------------------------------------------------ rendering

def render(rep):
    """The report as one screen of text."""
    out = []
    w = out.append
    dm, p = rep["dump"], rep["panic"]
    path = dm["path"] if isinstance(dm["path"], str) else \
        " ".join(dm["path"])
    w("pykdump triage: %s" % path)
    w("  %s %s, %s, %s CPUs, %s, %d tasks" % (
        dm["release"], dm["version"], dm["machine"], dm["cpus"],
        _fmt_kb(dm["memory_kb"]), dm["tasks"]))
    load = ", ".join("%.2f" % x for x in dm["load"]) if dm["load"] else "?"
    w("  crashed %s, up %s, load %s" % (
        (dm["date"] or "?").replace("T", " ").replace("Z", " UTC"),
        _fmt_duration(dm["uptime_s"]), load))
    w("")
    w("WHY:   %s" % rep["summary"])
    w("PANIC: %s" % (p["line"] or "(no panic message in the log)"))
    if p.get("detail"):
        w("       %s" % p["detail"])
    pt = rep["panic_task"]
    if pt:
        w("       on CPU %s by %s:%s" % (p["cpu"], pt["comm"], pt["pid"]))
    w("       signature %s" % p["signature"])
    for i, dl in enumerate(rep["deadlocks"]):
        w("")
        w("DEADLOCK %d:" % (i + 1))
        n = len(dl["tasks"])
        for k in range(n):
            t, lk, nxt = dl["tasks"][k], dl["locks"][k], \
                dl["tasks"][(k + 1) % n]
            w("  %s:%s waits for %s %s, held by %s:%s" % (
                t["comm"], t["pid"], lk["kind"], lk["symbol"] or lk["addr"],
                nxt["comm"], nxt["pid"]))
    if rep["hung_tasks"]:
        w("")
        w("BLOCKED (UN) TASKS: %d" % len(rep["hung_tasks"]))
        w("  %-7s %-16s %9s  %-40s %s" % ("PID", "COMM", "NOT RUN",
                                          "WAITS FOR", "HELD BY"))
        for h in rep["hung_tasks"][:15]:
            b = h["blocked_on"]
            if b:
                what = "%s %s%s" % ("rwsem" if b["kind"] == "rw_semaphore"
                                    else b["kind"],
                                    b["symbol"] or b["addr"],
                                    " (read)" if b.get("mode") == "read"
                                    else "")
                hold = "%s:%s" % (b["holder"]["comm"], b["holder"]["pid"]) \
                    if b["holder"] else (b["holder_note"] or "?")
                if len(h["chain"]) > 2 and h["deadlock"] is None:
                    hold += " -> " + " -> ".join(
                        "%s:%s" % (x["comm"], x["pid"])
                        for x in h["chain"][2:])
            else:
                what, hold = "(in %s)" % (h["stuck_in"] or "?"), ""
            if h["deadlock"] is not None:
                hold += "  [deadlock %d]" % (h["deadlock"] + 1)
            w("  %-7s %-16s %9s  %-40s %s" % (
                h["pid"], h["comm"], _fmt_duration(h["blocked_s"]), what,
                hold))
        if len(rep["hung_tasks"]) > 15:
            w("  ... %d more" % (len(rep["hung_tasks"]) - 15))
    if pt:
        w("")
        w("PANIC TASK %s:%s on CPU %s%s" % (
            pt["comm"], pt["pid"], pt["cpu"],
            " (stack: %s)" % pt["error"] if pt.get("error") else ""))
        for i, f in enumerate(pt["frames"][:24]):
            name = f["function"] or f["ip"]
            off = "+%d" % f["offset"] if f["function"] else ""
            mod = " [%s]" % f["module"] if f["module"] else ""
            if f["exception"]:
                w("    [exception RIP: %s%s%s]" % (name, off, mod))
                regs = f.get("regs") or {}
                if regs:
                    w("      RSP %s  RAX %s  RDI %s  RSI %s" % tuple(
                        regs.get(k, "?") for k in ("rsp", "rax", "rdi",
                                                   "rsi")))
            else:
                w("  #%-2d %s%s%s" % (i, name, off, mod))
        if len(pt["frames"]) > 24:
            w("  ... %d more frames" % (len(pt["frames"]) - 24))
    o = rep.get("oom")
    if o:
        w("")
        inv = o.get("invoker")
        w("OOM: %s%s" % (o.get("reason") or "",
                         ("; invoked by %s (gfp_mask=%s, order=%d)" % (
                             inv["comm"], inv["gfp_mask"], inv["order"]))
                         if inv else ""))
        v = o.get("victim")
        if v:
            w("  victim %s:%s (%s): rss %s, swap %s, page tables %s, "
              "oom_score_adj %s" % (
                  v.get("comm"), v.get("pid"), v.get("chosen"),
                  _fmt_kb(v.get("rss_pages", 0) * 4),
                  _fmt_kb(v.get("swapents", 0) * 4),
                  _fmt_kb(v.get("pgtables_kb")), v.get("oom_score_adj")))
    t = rep["taint"]
    w("")
    mods = ", ".join("%s (%s%s)" % (m["name"], m["letters"],
                                    ", unsigned" if m["unsigned"] else "")
                     for m in t["modules"])
    w("TAINT: %s%s%s" % (t["letters"] or "none",
                         " (%s)" % ", ".join(t["flags"]) if t["flags"]
                         else "",
                         "; modules: " + mods if mods else ""))
    cpus = rep["cpus"]
    w("CPUS:  " + "  ".join(
        "%d:%s%s(%d)" % (x["cpu"], "idle" if x["idle"] else
                         "%s:%s" % (x["comm"], x["pid"]),
                         "", x["nr_running"]) for x in cpus[:16]) +
      ("  ... %d more" % (len(cpus) - 16) if len(cpus) > 16 else ""))
    m = rep["memory"]
    w("MEM:   total %s, free %s%s, file %s, anon %s, slab %s, swap %s/%s "
      "free" % (_fmt_kb(m["total_kb"]), _fmt_kb(m["free_kb"]),
                " (%.0f%% used)" % m["used_pct"] if m.get("used_pct")
                is not None else "", _fmt_kb(m["file_kb"]),
                _fmt_kb(m["anon_kb"]), _fmt_kb(m["slab_kb"]),
                _fmt_kb(m["swap_free_kb"]), _fmt_kb(m["swap_total_kb"])))
    if rep["log"]:
        w("")
        w("LOG (last errors and warnings):")
        for ln in rep["log"]:
            w("  [%12.6f] %s" % (ln["ts"], ln["text"][:110]))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------ fleets

DUMP_NAME_RE = re.compile(r"(^vmcore|\.kdump$|\.elf$|\.vmcore$|^dump\.)")


def find_dumps(where):
    """The dumps of a directory (searched recursively for vmcore*,
    *.kdump, *.elf, *.vmcore, dump.*) or of a list file (one path per
    line, # comments)."""
    if os.path.isdir(where):
        out = []
        for root, dirs, files in os.walk(where):
            dirs.sort()
            for f in sorted(files):
                if DUMP_NAME_RE.search(f) and not f.endswith(".txt"):
                    out.append(os.path.join(root, f))
        return out
    with open(where) as fh:
        return [ln.strip() for ln in fh
                if ln.strip() and not ln.lstrip().startswith("#")]


def triage_one(path):
    """One dump's report, or a failure record: what a batch worker runs
    (in a process of its own, so one bad dump cannot take the others
    down)."""
    import socket
    t0, c0, start = time.monotonic(), time.process_time(), time.time()
    try:
        rep = collect(path)
    except Exception as e:  # noqa: BLE001 (reported per dump)
        rep = {"schema": SCHEMA, "version": SCHEMA_VERSION,
               "dump": {"path": os.path.abspath(path)},
               "error": "%s: %s" % (type(e).__name__, e),
               "elapsed_s": round(time.monotonic() - t0, 3)}
    rep["worker"] = {"host": socket.gethostname(), "pid": os.getpid(),
                     "cpu_s": round(time.process_time() - c0, 3),
                     "start": round(start, 3), "end": round(time.time(), 3)}
    return rep


def run_batch(paths, jobs=None, scheduler=None, progress=None):
    """Reports of every dump, in the order given, computed on a Dask
    cluster: the scheduler at `scheduler`, else a local cluster of `jobs`
    worker processes (one thread each)."""
    import dask
    from dask.distributed import Client, LocalCluster, as_completed
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        jobs = jobs or os.cpu_count() or 1
        # forked workers start in a second instead of re-importing
        # everything (spawn: several seconds); nothing here holds a dump
        # open, so there is no engine state for them to inherit
        dask.config.set({"distributed.worker.multiprocessing-method":
                         "fork"})
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futs = {client.submit(triage_one, p, key="triage-%d-%s" % (
            i, os.path.basename(p)), pure=False): i
            for i, p in enumerate(paths)}
        out = [None] * len(paths)
        for f in as_completed(futs):
            out[futs[f]] = f.result()
            if progress:
                progress(out[futs[f]])
        workers = {ws for ws in client.scheduler_info()["workers"]}
        return out, workers
    finally:
        client.close()
        if cluster:
            cluster.close()


def group_signatures(reports):
    """[(signature, count, [paths])], most frequent first; dumps that
    could not be read are grouped under their error."""
    groups = {}
    for r in reports:
        sig = r["panic"]["signature"] if "panic" in r else \
            "error|" + r["error"].split(":")[0]
        groups.setdefault(sig, []).append(r["dump"]["path"])
    return sorted(((s, len(p), p) for s, p in groups.items()),
                  key=lambda x: (-x[1], x[0]))


def render_batch(reports, elapsed=None):
    out = []
    groups = group_signatures(reports)
    out.append("%5s  %-12s %-28s %-20s %-12s %s" % (
        "COUNT", "KIND", "FUNCTION", "MODULE", "STACK", "EXAMPLE"))
    for sig, n, paths in groups:
        kind, fn, mod, h = (sig.split("|") + ["", "", ""])[:4]
        out.append("%5d  %-12s %-28s %-20s %-12s %s" % (
            n, kind, fn[:28], mod[:20], h, paths[0]))
    out.append("%d dumps, %d signatures%s" % (
        len(reports), len(groups),
        ", %.1f s" % elapsed if elapsed is not None else ""))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------ main

def _parser():
    ap = argparse.ArgumentParser(
        prog="pykdump triage",
        description="Why did the machine die: one screen per dump, or "
                    "a table of panic signatures for many.")
    ap.add_argument("--json", action="store_true",
                    help="print the report as JSON (triage_schema.json)")
    ap.add_argument("--batch", metavar="DIR_OR_LIST",
                    help="triage every dump of a directory or list file")
    ap.add_argument("--jobs", type=int, default=None,
                    help="local worker processes (default: CPUs)")
    ap.add_argument("--json-lines", metavar="OUT",
                    help="batch: write each report as a JSON line to OUT")
    ap.add_argument("--scheduler", metavar="ADDR",
                    help="batch: a Dask scheduler (tcp://host:8786) to "
                         "spread the dumps over its workers")
    ap.add_argument("files", nargs="*", metavar="VMCORE [VMLINUX]")
    return ap


def _split_files(files):
    """VMCORE [VMLINUX] in either order (as the shell takes them): the
    vmlinux is the ELF file with a .text section... simply the one named
    vmlinux*, else the second."""
    if len(files) == 1:
        return files[0], None
    a, b = files[0], files[1]
    if os.path.basename(a).startswith("vmlinux"):
        a, b = b, a
    return a, b


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.batch:
        if args.files:
            _parser().error("--batch takes no VMCORE")
        paths = find_dumps(args.batch)
        if not paths:
            print("pykdump triage: no dumps in %s" % args.batch,
                  file=sys.stderr)
            return 1
        t0 = time.monotonic()
        sink = open(args.json_lines, "w") if args.json_lines else None

        def progress(r):
            if sink:
                sink.write(json.dumps(r, sort_keys=True) + "\n")
                sink.flush()
        try:
            reports, workers = run_batch(paths, args.jobs, args.scheduler,
                                         progress)
        finally:
            if sink:
                sink.close()
        sys.stdout.write(render_batch(reports, time.monotonic() - t0))
        return 0 if all("panic" in r for r in reports) else 1
    if not args.files or len(args.files) > 2:
        _parser().error("give VMCORE [VMLINUX], or --batch DIR_OR_LIST")
    vmcore, vmlinux = _split_files(args.files)
    try:
        rep = collect(vmcore, vmlinux)
    except Exception as e:  # noqa: BLE001 (a clear message, exit 1)
        print("pykdump triage: %s: %s" % (vmcore, e), file=sys.stderr)
        return 1
    if args.json:
        sys.stdout.write(json.dumps(rep, indent=1, sort_keys=True) + "\n")
    else:
        sys.stdout.write(render(rep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
