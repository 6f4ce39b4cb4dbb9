#!/bin/sh
# bench/code.sh [BUILD_DIR] [SAMPLE_DIR]: issue 16's measurements against
# crash 8.0.6 and drgn on the same dump, in one run:
#   search -k VALUE   one value over all kernel memory (a value found
#                     nowhere, so that the output costs nothing), on the
#                     ELF dump and the compressed kdump;
#   dis FUNCTION      a function of 1,009 instructions (aa_change_profile).
# The command's own time: ours is the best of 3 runs less the best of 3
# runs of `sys` (start-up, 0.1 s; dis is run 50 times in one process and
# the time divided); crash's is taken inside one uncached
# session of scripts/crash-ref, between shell escapes that print the time
# (crash's start-up, 5 to 40 s on a busy machine, is left out).  drgn
# has no search or disassembler: its column is a search written as a drgn
# user would, a loop of prog.read() over the direct map's pages (RAM from
# iomem_resource's "System RAM" spans), timed inside the program; drgn
# reads only the kdump files through libkdumpfile (not the sample's ELF
# core), so its line is on vmcore.d31.zlib.  Nothing is asserted.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
sample=${2:-${PYKDUMP_SAMPLE_DIR:-$HOME/.cache/pykdump/sample-6.1.0-56-cloud-amd64}}
pk=$build/pykdump
[ -x "$pk" ] || { echo "code.sh: $pk not built" >&2; exit 1; }

exec /usr/bin/python3 - "$top" "$pk" "$sample" <<'PY'
import json, subprocess, sys, time

top, pk, sample = sys.argv[1:4]
vmlinux = f"{sample}/vmlinux"
VALUE = "deadbeefcafef00d"
FUNC = "aa_change_profile"
DUMPS = ("vmcore.elf", "vmcore.kdump", "vmcore.d31.zlib")


def wall(argv, runs=3):
    best = None
    for _ in range(runs):
        t0 = time.monotonic()
        subprocess.run(argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        t = time.monotonic() - t0
        best = t if best is None else min(best, t)
    return best


def ours(dump, cmd, base, times=1):
    """The command's own time: `times` runs of it in one process (so that
    a command of milliseconds is measured over many), less start-up."""
    argv = [pk]
    for _ in range(times):
        argv += ["-c", cmd]
    t = wall(argv + [vmlinux, f"{sample}/{dump}"])
    return max(t - base, 0.0005) / times


def crash(dump, cmds):
    """{cmd: seconds} of each command inside one crash session."""
    argv = ["/usr/bin/python3", f"{top}/scripts/crash-ref", "--json",
            "--no-cache", f"{sample}/{dump}"]
    for i, c in enumerate(cmds):
        argv += [f"!date +%s.%N #{i}", c]
    argv.append(f"!date +%s.%N #{len(cmds)}")
    r = subprocess.run(argv, capture_output=True, text=True, timeout=7200)
    out = json.loads(r.stdout)
    t = [float(out[f"!date +%s.%N #{i}"]) for i in range(len(cmds) + 1)]
    return {c: t[i + 1] - t[i] for i, c in enumerate(cmds)}


DRGN = r'''
import sys, time, drgn
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
want = bytes.fromhex(sys.argv[3])[::-1]
t0 = time.monotonic()
base = prog["page_offset_base"].value_()
res = prog["iomem_resource"].child
hits = 0
while res:
    if res.name.string_() == b"System RAM":
        start, end = res.start.value_(), res.end.value_() + 1
        for pa in range(start & ~4095, end, 4096):
            try:
                page = prog.read(base + pa, 4096)
            except drgn.FaultError:
                continue
            for off in range(0, 4096, 8):
                if page[off:off + 8] == want:
                    hits += 1
    res = res.sibling
print(f"{time.monotonic() - t0:.3f} {hits}")
'''


def drgn_search(dump):
    try:
        r = subprocess.run(["/usr/bin/python3", "-c", DRGN,
                            f"{sample}/{dump}", vmlinux, VALUE],
                           capture_output=True, text=True, timeout=7200)
        return float(r.stdout.split()[0])
    except (ValueError, IndexError, subprocess.SubprocessError):
        return None


print(f"{'measure':<34} {'pykdump':>9} {'crash':>9} {'ratio':>7}"
      f" {'drgn':>9}")
for dump in DUMPS:
    base = wall([pk, "-c", "sys", vmlinux, f"{sample}/{dump}"])
    search, dis = f"search -k {VALUE}", f"dis {FUNC}"
    ref = crash(dump, [search, dis])
    dr = drgn_search(dump) if dump == "vmcore.d31.zlib" else None
    for what, cmd, d, n in ((f"search -k {dump}", search, dr, 1),
                            (f"dis ({FUNC}) {dump}", dis, None, 50)):
        o = ours(dump, cmd, base, n)
        dtext = f"{d:8.3f}s" if d is not None else "     n/a"
        print(f"{what:<34} {o:8.3f}s {ref[cmd]:8.3f}s"
              f" {ref[cmd] / o:6.1f}x {dtext}", flush=True)
PY
