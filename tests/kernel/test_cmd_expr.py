# SPDX-License-Identifier: GPL-2.0-or-later
"""p and eval (issue 17 item 3) against crash 8.0.6 on the sample.

P_SAME: expressions crash evaluates; ours must print the same lines,
history numbers included (one crash session, one pykdump run, in the same
order: every command adds the same number of values to the history).
The address of init_task used in casts comes from crash's `sym` at test
time.  Where crash cannot answer or answers wrongly, the right answer is
derived from crash's other answers (see each test's docstring).  Errors
must fail the command and name the part of the expression that failed.
"""
import re

import pytest

DUMP = "vmcore.elf"
# A separator command that succeeds and touches no history: eval of a
# number (not an address) no command here prints.
SEP = "eval 0x5eb5eb5eb5eb5eb"
SEP_RE = r"hexadecimal: 5eb5eb5eb5eb5eb.*\n.*\n.*\n.*binary: .*\n"

P_SAME = [
    "p jiffies", "p/x jiffies", "p/d jiffies", "p/u jiffies", "p/o jiffies",
    "p/t jiffies", "p/c jiffies", "p/a jiffies", "p/s linux_banner",
    "p/x init_task.comm", "p/c init_task.comm", "p/a init_task.sched_class",
    "p/s init_task.comm", "p/x init_task.pid", "p/t init_task.pid",
    "p/x init_task.tasks", "p sizeof(struct task_struct)", "p sizeof(int)",
    "p sizeof(init_task)", "p sizeof init_task",
    "p sizeof(struct list_head *)",
    "p ((struct task_struct *)0x{init})->comm",
    "p ((struct task_struct *)0x{init})->tasks.next",
    "p *((struct task_struct *)0x{init})->sched_class",
    "p $1", "p $", "p $$", "p $$2", "p $5 + 1",
    "p runqueues:0", "p runqueues:a", "p irq_stat:1", "p irq_stat:0-1",
    "p cpu_number", "p cpu_number:0", "p runqueues:0,1",
    "p &((struct task_struct *)0)->tasks",
    "p (long)&((struct task_struct *)0)->tasks",
    "p &((struct task_struct *)0)->se.on_rq",
    "p init_task.comm[0]", "p &init_task.comm", "p *init_task.comm",
    "p init_task.tasks.next", "p *init_task.tasks.next",
    "p init_task.pid + 1", "p init_task.pid == 0", "p 1+2", "p 10/3",
    "p 10%3", "p 1 << 40", "p (char)65", "p 0x10", "p 010", "p 1.5",
    "p (unsigned char)300", "p (short)-1", "p/x (short)-1", "p/x -1",
    "p/o 8", "p/t 10", "p/c 65", "p/x 255", "p/d 0xff", "p/u (char)-1",
    "p/a 0", "p/x init_task.se.load", "p init_task.se.load.weight * 2",
    "p/x init_task.flags & 0x4", "p &init_task.se",
    "p (struct list_head *)&init_task.tasks",
    "p *(struct list_head *)&init_task.tasks", "p init_task.mm",
    "p schedule", "p &schedule", "p *schedule", "p jiffies_64", "p &jiffies",
    "p *&jiffies", "p -x jiffies", "p -d jiffies",
    "p init_uts_ns.name.sysname", "p init_task.thread_info.flags",
    "p (int)jiffies", "p (unsigned long)&init_task",
    "p/x (unsigned long)&init_task", "p &init_task + 1",
    "p (char *)linux_banner", "p *linux_banner@4", "p linux_banner[0]@4",
    "p ~0", "p 5 ? 1 : 2", "p sizeof(long)",
    "p sizeof(struct task_struct) * 2", "p init_task.comm + 1",
    "p &init_task.comm[2]",
    "p -x init_task.comm[0]", "p -x init_task.comm", "p -x init_task.sched_class",
    "p -x init_task.se.load", "p/x init_task.sched_class",
    "p/d init_task.sched_class", "p/u init_task.sched_class", "p/t 0",
    "p/o 0", "p/x 0", "p/c 0", "p/a init_task.tasks", "p/s jiffies",
    "p/x system_state", "p/d system_state", "p system_state",
    "p/x init_task.thread_info", "p/o init_task.thread_info.flags",
    "p/c init_task.thread_info.flags", "p/x crash_kexec_post_notifiers",
    "p crash_kexec_post_notifiers", "p/x &init_task", "p/a &init_task",
    "p/s &init_task", "p/d -1", "p/u -1", "p/d (unsigned char)200",
    "p/x (char)-1", "p/c -1", "p/c 200", "p/x 1.5", "p/d 1.5", "p 1.5 + 1",
    "p 10 / 4.0", "p 0.1", "p (int)2.7", "p 1 == 1.0", "p/t -1", "p/o -1",
    "p (long)-1", "p/x (long)-1", "p 2147483647 + 1", "p 4294967295",
    "p 4294967296", "p 0xffffffff", "p sizeof(char)",
    "p sizeof(init_task.comm)", "p sizeof(int[10])",
    "p &init_task.thread_info.flags", "p &*init_task.sched_class",
    "p init_task.sched_class == &idle_sched_class",
    "p (char)init_task.comm[0]", "p init_task.comm[0] + 1",
    "p &init_task.tasks == init_task.tasks.prev",
    "p init_task.tasks.next->next", "p init_task.tasks.next.next",
    "p init_task.se->load", "p {int}&init_task.pid",
    "p {struct list_head}&init_task.tasks", "p init_task.pid_links",
    "p init_task.pid_links[1]", "p $$3", "p $nonexistent",
    "p idle_sched_class", "p init_task.sched_class->dequeue_task",
    "p *init_task.sched_class->dequeue_task",
    "p &init_task.sched_class->dequeue_task", "p schedule + 1",
    "p (long)schedule", "p *(int *)&init_task.pid",
    "p (struct task_struct *)0", "p init_task.stack", "p (void *)0",
    "p init_mm.pgd[0]", "p init_mm.pgd", "p *init_mm.pgd",
    "p __per_cpu_offset[1]", "p &__per_cpu_offset[1]", "p nr_cpu_ids * 2",
    "p linux_banner + 6", "p *linux_banner", "p &linux_banner",
    "p (long)&((struct list_head *)0)->prev",
]

EVAL_SAME = [
    "eval 128m", "eval 128 * 1m", "eval (1 << 27)", "eval (1 << 32)",
    "eval -b 41dc065", "eval -lb 64g", "eval -l 5", "eval jiffies",
    "eval jiffies + 1", "eval ~0", "eval -1", "eval (0x10 | 0x3)",
    "eval 100 / 7", "eval 100 % 7", "eval (3 - 5)", "eval 3 - 5", "eval 10",
    "eval 0", "eval ffff", "eval 1k", "eval 2g", "eval 0x8000000000000000",
    "eval 12 ^ 5", "eval 12 & 5", "eval (1 >> 1)", "eval init_task",
    "eval -b 0", "eval -b 1", "eval 077", "eval 10 - 20", "eval (jiffies)",
    "eval jiffies_64 - jiffies", "eval ~5", "eval 0xffffffff",
    "eval 0x100000000", "eval 1m + 1k", "eval -b ffffffffffffffff",
]


def run_ours(pykdump, cmds):
    """{cmd: stdout} from one pykdump run (the history carries over)."""
    argv = []
    for c in cmds:
        argv += [c, SEP]
    out = pykdump.run(argv, dump=DUMP).stdout
    parts = re.split(SEP_RE, out)
    assert len(parts) == len(cmds) + 1, out[-3000:]
    return dict(zip(cmds, parts))


@pytest.fixture(scope="module")
def init_task(crash):
    out = crash.alone("sym init_task", dump=DUMP)
    return re.match(r"([0-9a-f]+) \(\w\) init_task", out).group(1)


@pytest.fixture(scope="module")
def facts(crash):
    """crash's answers the tests derive the right answers from."""
    cmds = ["sym runqueues", "p/x init_task.sched_class",
            "p sizeof(struct sched_class)", "p __per_cpu_offset[0]",
            "p __per_cpu_offset[1]", "p &schedule", "p jiffies",
            "p jiffies_64"]
    return crash(cmds, dump=DUMP)


def value(text):
    """The value after "$N = " (a leader before it is allowed)."""
    m = re.search(r"\$\d+ = (.*)", text)
    assert m, text
    return m.group(1).strip()


def test_p_matches_crash(crash, pykdump, compare, init_task):
    cmds = [c.replace("{init}", init_task) for c in P_SAME]
    ref = crash(cmds, dump=DUMP)
    ours = run_ours(pykdump, cmds)
    bad = []
    for c in cmds:
        try:
            compare(ours[c], ref[c], what=c)
        except AssertionError as e:
            bad.append(str(e)[:1200])
    assert not bad, f"{len(bad)} of {len(cmds)} differ:\n" + "\n".join(bad[:6])


def test_eval_matches_crash(crash, pykdump, compare):
    ref = crash(EVAL_SAME, dump=DUMP)
    ours = run_ours(pykdump, EVAL_SAME)
    for c in EVAL_SAME:
        compare(ours[c], ref[c], what=c)


def eval_lines(n):
    """crash's eval format for the 64-bit value n (print_number)."""
    n &= (1 << 64) - 1
    size = ""
    if n >= 1024:
        for unit, shift in (("GB", 30), ("MB", 20), ("KB", 10)):
            if n % (1 << shift) == 0:
                size = f"({n >> shift}{unit})"
                break
    signed = n - (1 << 64) if n >> 63 else None
    return [f"hexadecimal: {n:x}  {size}".rstrip(),
            f"decimal: {n}  " + (f"({signed})" if signed is not None else ""),
            f"octal: {n:o}", f"binary: {n:064b}"]


@pytest.mark.parametrize("expr,expect", [
    # crash evaluates one operator; C precedence gives the same answer for
    # every expression crash accepts and the right one for the others
    ("1 + 2 + 3", 6), ("3 * -1", -3), ("1 + 2 * 3", 7), ("(2 + 3) * 4", 20),
    ("(~0 >> 60)", 15),
])
def test_eval_whole_expressions(pykdump, expr, expect):
    out = pykdump([f"eval {expr}"], dump=DUMP)
    got = [ln.strip() for ln in out.splitlines() if ln.strip()]
    assert [re.sub(r"\s+", " ", x) for x in got] == \
        [re.sub(r"\s+", " ", x).strip() for x in eval_lines(expect)]


def test_p_where_crash_is_wrong(pykdump, facts):
    """crash takes "-5" and a lone "-" for options (usage text, or the
    operator dropped), and prints a per-CPU variable's address relocated
    by the KASLR offset (gdb relocates every symbol): the per-CPU offset
    is the one in crash's own symbol table (sym runqueues)."""
    cmds = ["p -5 / 2", "p 5 / -2", "p -5 % 2", "p 1u - 2",
            "p jiffies - jiffies_64", "p &runqueues",
            "p init_task.sched_class - 1",
            "p __per_cpu_offset[1] - __per_cpu_offset[0]", "p/a schedule",
            "p -2147483648"]
    ours = run_ours(pykdump, cmds)
    assert value(ours["p -5 / 2"]) == "-2"
    assert value(ours["p 5 / -2"]) == "-2"
    assert value(ours["p -5 % 2"]) == "-1"
    assert value(ours["p 1u - 2"]) == str(2**32 - 1)
    assert value(ours["p jiffies - jiffies_64"]) == "0"
    assert value(facts["p jiffies"]) == value(facts["p jiffies_64"])
    pcpu = int(re.match(r"([0-9a-f]+) ", facts["sym runqueues"]).group(1), 16)
    assert value(ours["p &runqueues"]) == f"(struct rq *) {pcpu:#x}"
    base = int(value(facts["p/x init_task.sched_class"]), 16)
    size = int(value(facts["p sizeof(struct sched_class)"]))
    assert re.match(rf"\(const struct sched_class \*\) {base - size:#x}",
                    value(ours["p init_task.sched_class - 1"]))
    delta = int(value(facts["p __per_cpu_offset[1]"])) - \
        int(value(facts["p __per_cpu_offset[0]"]))
    assert value(ours["p __per_cpu_offset[1] - __per_cpu_offset[0]"]) == \
        str(delta)
    sched = re.search(r"(0x[0-9a-f]+ <schedule>)", facts["p &schedule"]).group(1)
    assert value(ours["p/a schedule"]) == sched
    # gdb 10's literal types: 2147483648 is an unsigned int, so is -it
    assert value(ours["p -2147483648"]) == "2147483648"


@pytest.mark.parametrize("cmd,words", [
    ("p nosuchsymbol", ["nosuchsymbol"]),
    ("p init_task.nosuch", ["init_task.nosuch", "task_struct", "nosuch"]),
    ("p (struct nosuch *)0", ["struct nosuch"]),
    ("p sizeof(struct nosuch)", ["struct nosuch"]),
    ("p *init_task.mm", ["*init_task.mm", "0x0"]),
    # the faulting address is pgd's offset (mm is NULL): {pgd}
    ("p init_task.mm->pgd", ["init_task.mm->pgd", "{pgd}"]),
    ("p *init_task.stack", ["init_task.stack", "void *"]),
    ("p 1 +", ["syntax", "1 +"]),
    ("p init_task.", ["init_task.", "member name"]),
    ("p 10/0", ["10/0", "division by zero"]),
    ("p init_task.pid = 5", ["assignment", "read-only"]),
    ("p init_task.pid++", ["++", "read-only"]),
    ("p $100000", ["$100000"]),
    ("p runqueues:7", ["cpu specification", "7"]),
    ("p jiffies:0", ["jiffies", "per-CPU"]),
    ("p/q jiffies", ["format", "q"]),
    ("p -u jiffies", ["-u"]),
    ("p $rip", ["$rip", "registers"]),
    ("eval 5 +", ["syntax", "5 +"]),
    ("eval foo", ["foo"]),
    ("eval 100 / 0", ["division by zero"]),
    ("eval 1.5", ["1.5"]),
])
def test_errors_name_the_part(pykdump, cmd, words):
    """A failed expression is an error (status, message) that names what
    failed: never crash's "gdb request failed", never text with its blanks
    dropped ("structtask_struct")."""
    if any("{pgd}" in w for w in words):
        off = pykdump.run(["p &((struct mm_struct *)0)->pgd"], dump=DUMP)
        m = re.search(r"\) (0x[0-9a-f]+)", off.stdout)
        assert m, off.stdout + off.stderr
        words = [w.replace("{pgd}", m.group(1)) for w in words]
    r = pykdump.run([cmd], dump=DUMP)
    text = r.stdout + r.stderr
    assert r.returncode != 0, text
    assert "gdb request failed" not in text and "structnosuch" not in text
    for w in words:
        assert w in text, (w, text)


def test_history_survives_errors(pykdump):
    """A failed expression adds nothing to the history."""
    ours = run_ours(pykdump, ["p 7", "p nosuchsymbol", "p $ + 1", "p $$ * 10"])
    assert value(ours["p 7"]) == "7"
    assert ours["p $ + 1"].startswith("$2 = 8")
    assert ours["p $$ * 10"].startswith("$3 = 70")
