#!/bin/sh
# bench/modules.sh [BUILD_DIR] [SAMPLE_DIR]: `mod -S DIR` (find, check and
# load the debuginfo of every module) with pykdump against crash 8.0.6 on
# the same dump (vmcore.kdump), DIR being the sample's modules/ tree.
# Each side is timed as a whole run (start-up included, best of 3), and
# start-up alone (a trivial command), so the table shows the command's
# own cost too.  pykdump's module DWARF index is cached on disk after the
# first run, like the vmlinux's; the first (cold) run is shown as well.
# crash runs uncached through scripts/crash-ref.  Nothing is asserted.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
sample=${2:-${PYKDUMP_SAMPLE_DIR:-$HOME/.cache/pykdump/sample-6.1.0-56-cloud-amd64}}
dump=$sample/vmcore.kdump
vmlinux=$sample/vmlinux
mods=$sample/modules
pk=$build/pykdump
[ -x "$pk" ] || { echo "modules.sh: $pk not built" >&2; exit 1; }

now() { date +%s.%N; }
best() {	# best of 3 wall-clock seconds of "$@"
	b=""
	for i in 1 2 3; do
		t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
		t=$(echo "$t1 - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

cold_dir=$(mktemp -d)
t0=$(now)
PYKDUMP_CACHE_DIR=$cold_dir "$pk" -c "mod -S $mods" "$vmlinux" "$dump" >/dev/null 2>&1 || true
t1=$(now)
rm -rf "$cold_dir"
ours_cold=$(echo "$t1 - $t0" | bc)
ours_all=$(best "$pk" -c "mod -S $mods" "$vmlinux" "$dump")
ours_base=$(best "$pk" -c 'help' "$vmlinux" "$dump")
crash_all=$(best /usr/bin/python3 "$top/scripts/crash-ref" --no-cache "$dump" "mod -S $mods")
crash_base=$(best /usr/bin/python3 "$top/scripts/crash-ref" --no-cache "$dump" 'p jiffies')
n=$("$pk" -c "mod -S $mods" "$vmlinux" "$dump" | grep -c '\.ko' || true)

printf '%-28s %10s %10s %8s\n' "mod -S ($n modules)" pykdump crash ratio
printf '%-28s %9.3fs %9.3fs %7.1fx\n' "whole run" "$ours_all" "$crash_all" \
	"$(echo "$crash_all / $ours_all" | bc -l)"
printf '%-28s %9.3fs\n' "whole run, no index cache" "$ours_cold"
printf '%-28s %9.3fs %9.3fs\n' "start-up only" "$ours_base" "$crash_base"
oc=$(echo "$ours_all - $ours_base" | bc -l)
cc=$(echo "$crash_all - $crash_base" | bc -l)
printf '%-28s %9.3fs %9.3fs\n' "command (difference)" "$oc" "$cc"
