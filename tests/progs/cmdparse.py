# A PyKdump-style program that parses built-in command output: the list of
# commands from `help`, and the panic task's header line from `bt`.
import re
from pykdump.API import *

names = [l.split()[0] for l in exec_crash_command("help").splitlines() if l.strip()]
print("commands:", " ".join(names))
bt = exec_crash_command_bg("bt", timeout=30)
m = re.search(r'^PID:\s+(\d+)\s+TASK:\s+([0-9a-f]+)\s+CPU:\s+(\d+)\s+COMMAND:\s+"([^"]*)"',
              bt, re.M)
if m:
    pid, task, cpu, comm = m.groups()
    t = readSU("struct task_struct", int(task, 16))
    print("panic task:", pid, comm, "cpu", cpu,
          "agrees" if (t.pid == int(pid) and t.comm == comm) else "DISAGREES")
try:
    exec_crash_command("nosuchcommand")
except crash.error as e:
    print("error raised:", str(e).strip())
print("sys_info:", sys_info.RELEASE, sys_info.CPUS)
