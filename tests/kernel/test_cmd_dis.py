# SPDX-License-Identifier: GPL-2.0-or-later
"""dis on the sample against crash 8.0.6, line by line after collapsing
blanks: whole functions (vmlinux and a module's), counts, -r, -f, -l,
-x, -u, data symbols, duplicate names, unknown names, and a sample of
functions from all over the kernel (operand spelling and naming).

The text is read from the dump's memory, as crash reads it: the first
instruction of an ftrace-able function is the nop the kernel patched in
at boot ("[FTRACE NOP]"), where the vmlinux file holds a call.
"""
import os
import re
import subprocess

import pytest

DUMP = "vmcore.kdump"
# functions of every kind (chosen once at random from vmlinux's symbols)
SAMPLE = ["xen_load_idt", "pcie_bandwidth_capable", "lf", "__ia32_sys_ioctl",
          "__seccomp_filter", "prog_fd_array_get_ptr", "xas_nomem",
          "perf_trace_hyperv_nested_flush_guest_mapping", "tcp_v4_rcv",
          "apparmor_socket_post_create", "tcp_create_openreq_child",
          "acpi_pci_irq_enable", "register_key_type", "pfn_to_online_page",
          "inode_switch_wbs_work_fn", "dma_direct_alloc_pages",
          "ps2_do_sendbyte", "put_ipc_ns",
          "aa_change_profile"]     # bench/code.sh's 1,009 instructions
CMDS = ["dis schedule", "dis -l schedule", "dis -r schedule+67",
        "dis -r schedule+67 3", "dis -f schedule+150", "dis schedule+7",
        "dis schedule+7 4", "dis -x schedule 6", "dis panic",
        "dis -l panic 30", "dis sysrq_handle_crash", "dis lo_release",
        "dis -l lo_release", "dis -u 400000 5", "dis jiffies",
        "dis -s sysrq_handle_crash", "dis ipmr_mfc_seq_start",
        "dis nosuchsym", "dis -f schedule+300", "dis 0"] + \
       [f"dis {f}" for f in SAMPLE] + \
       [f"dis -l {f}" for f in SAMPLE[:9]]

# Where crash is wrong (or says nothing useful), what we print instead.
KNOWN = {
    "dis 0": ["crash lets gdb fail and prints an empty instruction line "
              "'0x0:'; we report that the address cannot be read "
              "(no page table entry maps it)"],
}


@pytest.fixture(scope="module")
def ref(crash):
    return crash(CMDS, dump=DUMP)


@pytest.fixture(scope="module")
def ours(pykdump):
    return {c: pykdump.run([c], dump=DUMP, merge=True) for c in CMDS}


def allow_for(cmd, compare):
    K = compare.Known
    if cmd == "dis 0":
        return [K(ref=r"^0x0:$", ours=r"^dis: cannot disassemble kernel "
                  r"virtual address 0: ", reason=KNOWN[cmd][0])]
    return []


@pytest.mark.parametrize("cmd", CMDS)
def test_matches_crash(cmd, ref, ours, compare):
    compare(ours[cmd].stdout, ref[cmd], allow=allow_for(cmd, compare),
            what=cmd, strict_allow=True)


def test_facts(ours):
    """What the comparison relies on is really there."""
    out = ours["dis schedule"].stdout
    assert re.search(r"^0x[0-9a-f]{16} <schedule>:\tnopl   0x0\(%rax,%rax,1\)"
                     r" \[FTRACE NOP\]$", out, re.M)
    assert re.search(r"\tcall   0x[0-9a-f]{16} <__blk_flush_plug>$", out, re.M)
    assert "kernel/sched/core.c: " in ours["dis -l schedule"].stdout
    assert len(ours["dis tcp_v4_rcv"].stdout.splitlines()) > 800
    mod = ours["dis lo_release"].stdout
    assert re.search(r"<lo_release\+\d+>:\tjmp    0x[0-9a-f]{16} "
                     r"<__loop_clr_fd>$", mod, re.M)
    assert "duplicate text symbols found" in \
        ours["dis ipmr_mfc_seq_start"].stdout


def test_exit_status(ours):
    """Failures are errors; answers are not."""
    for c in ("dis 0", "dis nosuchsym", "dis ipmr_mfc_seq_start",
              "dis -f schedule+300", "dis -s sysrq_handle_crash"):
        assert ours[c].returncode != 0, c
    for c in ("dis schedule", "dis -u 400000 5", "dis jiffies"):
        assert ours[c].returncode == 0, c


def test_bad_input_keeps_going(pykdump):
    """Bad arguments give an error each; the next command still runs."""
    r = pykdump.run(["dis", "dis schedule 0", "dis schedule -5",
                     "dis schedule 99999999999999999999999",
                     "dis -r -f schedule", "dis -b schedule",
                     "dis -Q schedule", "dis ffffffffffffffff",
                     "dis schedule 2"], dump=DUMP)
    out = r.stdout + r.stderr
    assert "dis: an address or symbol is required" in out
    assert "dis: invalid count argument: 0" in out
    assert "dis: invalid count argument: 99999999999999999999999" in out
    assert "dis: -r and -f are mutually exclusive" in out
    assert "dis: option -b is not supported" in out
    assert "invalid option -- 'Q'" in out
    assert "dis: cannot disassemble kernel virtual address " \
           "ffffffffffffffff" in out
    assert re.search(r"<schedule\+5>:\tpush   %rbp\n\Z", r.stdout)
    assert r.returncode == 1     # some command failed


def test_huge_count_stops_at_unreadable_memory(pykdump):
    """A count past mapped text ends with the error, not a hang."""
    r = pykdump.run(["dis -u 400000 100000000"], dump=DUMP, timeout=120)
    assert r.returncode != 0
    assert "dis: cannot disassemble user virtual address" in r.stderr


def test_source_listing(pykdump, sample, tmp_path):
    """-s with the source on this machine: the lines around the
    function's line, the line marked '*', up to the closing brace.  The
    file is made here (the kernel's source is not part of the sample):
    line n reads "line n" except the brace four lines below."""
    ref = pykdump.run(["dis -s sysrq_handle_crash"], dump=DUMP)
    m = re.search(r"^FILE: (\S+)\nLINE: (\d+)$", ref.stdout, re.M)
    assert m, ref.stdout
    line = int(m.group(2))
    l_out = pykdump.run(["dis -l sysrq_handle_crash 1"], dump=DUMP).stdout
    path = re.match(r"^(\S+): (\d+)$", l_out.splitlines()[0]).group(1)
    assert path.endswith(m.group(1))
    src = tmp_path / path
    src.parent.mkdir(parents=True)
    lines = [f"line {n}" for n in range(1, line + 20)]
    lines[line + 3] = "}"           # line + 4: the function's end
    src.write_text("\n".join(lines) + "\n")
    r = subprocess.run(pykdump.argv(["dis -s sysrq_handle_crash"],
                                    dump=DUMP), capture_output=True,
                       text=True, cwd=tmp_path, timeout=120)
    want = [f"FILE: {m.group(1)}", f"LINE: {line}", ""]
    for n in range(line - 5, line + 5):
        text = "}" if n == line + 4 else f"line {n}"
        want.append(f"{'* ' if n == line else '  '}{n}\t{text}")
    assert r.stdout.splitlines()[:len(want)] == want, r.stdout
    assert r.returncode == 0
