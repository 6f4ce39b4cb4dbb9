# SPDX-License-Identifier: GPL-2.0-or-later
"""Facts about the dumped machine and kernel (PyKdump's vmcorearch.py):
sys_info (the `sys` command's fields, plus CPUS as an int, kernel, HZ,
machine, livedump, debuginfo dirs), HZ, PAGESIZE, PAGE_CACHE_SHIFT.

The facts come from the session (kd_session_machine); the fields of `sys`
are taken from our `sys` command when it is built in, else computed here
from the kernel's own variables (timekeeper, jiffies, avenrun, tasks).
"""

import os
import time

from . import _crash
from .Generic import Bunch, KernelRev  # noqa: F401 (KernelRev: original API)

sys_info = Bunch()

_NAMES = ("HZ", "PAGESIZE", "PAGE_CACHE_SHIFT")


def _read(name):
    from .highlevel import readSymbol
    return readSymbol(name)


def _uptime(hz):
    j = int(_read("jiffies_64"))
    initial = (-300 * hz) & 0xffffffff     # INITIAL_JIFFIES
    secs = ((j - initial) & (2**64 - 1)) // hz
    days, secs = divmod(secs, 86400)
    hms = "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)
    return ("%d days, " % days if days else "") + hms


def _loadavg():
    # avenrun[] is fixed point with FSHIFT = 11 bits of fraction.
    def fmt(x):
        return "%d.%02d" % (x >> 11, ((x & 2047) * 100) >> 11)
    return ", ".join(fmt(int(x)) for x in _read("avenrun"))


def _date():
    from .highlevel import readSymbol
    tk = readSymbol("tk_core").timekeeper
    return time.strftime("%a %b %e %H:%M:%S %Z %Y",
                         time.localtime(int(tk.xtime_sec)))


def _threads_of(t):
    if t.hasField("signal") and t.signal.hasField("thread_head"):
        from .highlevel import readSUListFromHead, Addr
        return len(readSUListFromHead(Addr(t.signal, "thread_head"),
                                      "thread_node", "struct task_struct"))
    from .highlevel import ListHead, Addr
    return 1 + len(ListHead(Addr(t, "thread_group")))


def _ntasks(m):
    from .highlevel import readSymbol, ListHead, Addr
    init = readSymbol("init_task")
    procs = ListHead(Addr(init, "tasks"), "struct task_struct").tasks
    # plus the idle tasks, one per CPU's runqueue (init_task is CPU 0's)
    from .highlevel import get_cpu_var, readSU
    idle = {int(readSU("struct rq", a).idle) for a in get_cpu_var("runqueues")}
    idle.discard(0)
    return len(idle | {int(init)}) + sum(_threads_of(t) for t in procs)


def _machine_line(m):
    from .highlevel import sym2addr, readU32
    khz = readU32(sym2addr("cpu_khz")) if sym2addr("cpu_khz") else 0
    return "%s  (%d Mhz)" % (m["machine"], khz // 1000) if khz \
        else m["machine"]


def _computed_fields(m):
    cpus = "%d" % m["cpus_present"]
    if m["cpus_online"] < m["cpus_present"]:
        cpus += " [OFFLINE: %d]" % (m["cpus_present"] - m["cpus_online"])
    f = {"KERNEL": m["vmlinux_path"], "DUMPFILE": m["dump_path"],
         "CPUS": cpus, "NODENAME": m["nodename"],
         "RELEASE": m["release"], "VERSION": m["version"]}
    for key, fn in (("DATE", _date), ("UPTIME", lambda: _uptime(m["hz"])),
                    ("LOAD AVERAGE", _loadavg),
                    ("TASKS", lambda: str(_ntasks(m))),
                    ("MACHINE", lambda: _machine_line(m))):
        try:
            f[key] = fn()
        except Exception:
            pass
    return f


def _sys_command_fields():
    from .highlevel import exec_crash_command
    f = {}
    for line in exec_crash_command("sys").splitlines():
        key, sep, val = line.partition(":")
        if sep and key.strip().isupper():
            f[key.strip()] = val.strip()
    return f


def fill_sys_info():
    """(Re)compute sys_info and the module constants for the open dump."""
    m = _crash._machine()
    for k in list(sys_info):
        del sys_info[k]
    fields = _computed_fields(m)
    if _crash._has_command("sys"):
        try:
            # as in the original, the lines of `sys` as they are:
            # DUMPFILE may end in "  [PARTIAL DUMP]" (programs take
            # .split()[0] for the path, and look for the mark)
            fields.update(_sys_command_fields())
        except _crash.error:
            pass
    for k, v in fields.items():
        sys_info[k] = v         # Bunch: keys are attributes too
    sys_info.CPUS_str = fields.get("CPUS")
    sys_info.CPUS = m["cpus_present"]
    sys_info.livedump = bool(m["live"])
    sys_info.kernel = KernelRev(m["release"] or "0")
    sys_info.HZ = m["hz"]
    sys_info.machine = m["machine"]
    # the original's highlevel put these in sys_info (percpu.py reads them)
    sys_info.pointersize = m["ptr_size"]
    sys_info.pointermask = (1 << (8 * m["ptr_size"])) - 1
    sys_info.debuginfo = [d for d in (
        os.path.dirname(m["vmlinux_path"] or ""),) if d]
    sys_info.DebugDir = os.path.dirname(m["vmlinux_path"] or "") or "."
    g = globals()
    g["HZ"] = m["hz"]
    g["PAGESIZE"] = m["page_size"]
    g["PAGE_CACHE_SHIFT"] = m["page_shift"]
    return sys_info


def __getattr__(name):
    if name in _NAMES:
        _crash._needs_dump("vmcorearch." + name)
        fill_sys_info()
        return globals()[name]
    raise AttributeError("module {!r} has no attribute {!r}".format(
        __name__, name))


if _crash.dump_is_open():
    fill_sys_info()
