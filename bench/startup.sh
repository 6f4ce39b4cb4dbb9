#!/bin/sh
# bench/startup.sh [BUILD_DIR] [SAMPLE_DIR]: start-up until the kernel
# release (and, with `sys`, the panic string) is printed, with pykdump,
# crash 8.0.6 and drgn on the same dump, in one run.  Prints wall-clock
# seconds (best of 3; RUNS=N for more) and peak RSS (/usr/bin/time -v
# "Maximum resident set size") and the ratios to pykdump.  Nothing is
# asserted.
#
#   pykdump cold   no cached DWARF index: an empty PYKDUMP_CACHE_DIR each run
#   pykdump warm   the index and symbol table cached by the run before
#   crash          crash -s VMLINUX DUMP, "sys" then "quit" (crash has no
#                  persistent cache: cold and warm are the same)
#   drgn           drgn -q -c DUMP -s VMLINUX script printing
#                  init_uts_ns.name.release (drgn 0.0.22 cannot translate
#                  the ELF variants of the sample nor open kdump ones through
#                  libkdumpfile; it opens vmcore.d31.zlib, which all three use)
# The files are read once before timing, so every tool finds them in the
# page cache.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
sample=${2:-${PYKDUMP_SAMPLE_DIR:-$HOME/.cache/pykdump/sample-6.1.0-56-cloud-amd64}}
dump=$sample/vmcore.d31.zlib
[ -f "$dump" ] || dump=$sample/vmcore.kdump
vmlinux=$sample/vmlinux
pk=$build/pykdump
[ -x "$pk" ] || { echo "startup.sh: $pk not built" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# pykdump's command: sys when built in, else the release through `p`.
if "$pk" -c 'help' "$vmlinux" "$dump" 2>/dev/null | grep -q '^sys '; then
	pkcmd=sys
else
	pkcmd='p init_uts_ns.name.release'
fi
printf 'print(prog["init_uts_ns"].name.release)\n' > "$tmp/drgn.py"
printf 'sys\nquit\n' > "$tmp/crash.in"
cat "$vmlinux" "$dump" > /dev/null

# measure NAME CMD...: best-of-$runs seconds and the peak RSS (KB) of that
# run.  The wall clock is read around the run (GNU time's own "Elapsed"
# has a 10 ms resolution, too coarse for a warm start); it includes
# starting /usr/bin/time, about a millisecond.
runs=${RUNS:-3}
measure() {
	name=$1; shift
	best=""; rss=""
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		[ "$name" = cold ] && rm -rf "$tmp/cache" && mkdir "$tmp/cache"
		t0=$(date +%s%N)
		/usr/bin/time -v -o "$tmp/time" "$@" < "$tmp/stdin" > "$tmp/out" 2>&1 || true
		t1=$(date +%s%N)
		t=$(echo "($t1 - $t0) / 1000000000" | bc -l)
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t; rss=$r
		fi
	done
	echo "$name $best $rss"
}

: > "$tmp/stdin"
export PYKDUMP_CACHE_DIR="$tmp/cache"
cold=$(measure cold "$pk" -c "$pkcmd" "$vmlinux" "$dump")
grep -q "6\.\|[0-9]" "$tmp/out" || { echo "pykdump failed:"; cat "$tmp/out"; }
warm=$(measure warm "$pk" -c "$pkcmd" "$vmlinux" "$dump")
cp "$tmp/crash.in" "$tmp/stdin"
crash=$(cd "$(dirname "$dump")" && HOME=$tmp measure crash \
	"$top/scripts/lib/trixie-run" crash -s "$vmlinux" "$dump")
: > "$tmp/stdin"
drgn=$(measure drgn drgn -q -c "$dump" -s "$vmlinux" "$tmp/drgn.py")

echo "dump: $dump   pykdump command: $pkcmd"
printf '%-16s %9s %10s %12s %12s\n' "" seconds "RSS MB" "time ratio" "RSS ratio"
ref_t=$(echo "$warm" | cut -d' ' -f2)
for row in "$cold" "$warm" "$crash" "$drgn"; do
	set -- $row
	printf '%-16s %9.3f %10.1f %11.1fx %11.1fx\n' "$1" "$2" \
		"$(echo "$3 / 1024" | bc -l)" \
		"$(echo "$2 / $(echo "$cold" | cut -d' ' -f2)" | bc -l)" \
		"$(echo "$3 / $(echo "$cold" | cut -d' ' -f3)" | bc -l)"
done
echo "(ratios are to pykdump cold; goals: cold <= 0.5 x drgn, warm <= 0.1 x drgn,"
echo " RSS <= 0.3 x drgn)"
ct=$(echo "$cold" | cut -d' ' -f2); dt=$(echo "$drgn" | cut -d' ' -f2)
printf 'pykdump cold / drgn: %.2f   warm / drgn: %.2f   RSS / drgn: %.2f\n' \
	"$(echo "$ct / $dt" | bc -l)" "$(echo "$ref_t / $dt" | bc -l)" \
	"$(echo "$(echo "$warm" | cut -d' ' -f3) / $(echo "$drgn" | cut -d' ' -f3)" | bc -l)"
