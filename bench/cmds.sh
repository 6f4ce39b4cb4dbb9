#!/bin/sh
# bench/cmds.sh [BUILD_DIR] [SAMPLE_DIR]: `ps` and `log` with pykdump
# against crash 8.0.6 on the same dump (vmcore.kdump), in one run: wall
# time (best of 3, start-up included) and peak RSS of each side, and the
# ratios.  crash runs uncached through scripts/crash-ref (its peak RSS is
# the largest of crash-ref's processes, i.e. crash's).  Nothing is asserted.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
sample=${2:-${PYKDUMP_SAMPLE_DIR:-$HOME/.cache/pykdump/sample-6.1.0-56-cloud-amd64}}
pk=$build/pykdump
[ -x "$pk" ] || { echo "cmds.sh: $pk not built" >&2; exit 1; }

exec /usr/bin/python3 - "$top" "$pk" "$sample" <<'PY'
import os, resource, subprocess, sys, time

top, pk, sample = sys.argv[1:4]
dump, vmlinux = f"{sample}/vmcore.kdump", f"{sample}/vmlinux"


def measure(argv):
    """Best wall time of 3 runs and the peak RSS (KB) of one, each run in
    a fresh child so that RUSAGE_CHILDREN's maximum is its own."""
    best = None
    for _ in range(3):
        t0 = time.monotonic()
        subprocess.run(argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        t = time.monotonic() - t0
        best = t if best is None else min(best, t)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        subprocess.run(argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        os.write(w, str(resource.getrusage(
            resource.RUSAGE_CHILDREN).ru_maxrss).encode())
        os._exit(0)
    os.close(w)
    rss = int(os.read(r, 64) or 0)
    os.waitpid(pid, 0)
    return best, rss


print(f"{'command':<10} {'pykdump':>9} {'crash':>9} {'ratio':>7}"
      f" {'RSS ours':>10} {'RSS crash':>10} {'ratio':>7}")
for cmd in ("ps", "log"):
    ours = measure([pk, "-c", cmd, vmlinux, dump])
    ref = measure(["/usr/bin/python3", f"{top}/scripts/crash-ref",
                   "--no-cache", dump, cmd])
    print(f"{cmd:<10} {ours[0]:8.3f}s {ref[0]:8.3f}s {ref[0] / ours[0]:6.1f}x"
          f" {ours[1]:8d}KB {ref[1]:8d}KB {ref[1] / max(ours[1], 1):6.1f}x")
PY
