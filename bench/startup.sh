#!/bin/sh
# bench/startup.sh [BUILD_DIR] [SAMPLE_DIR]: start-up until the kernel
# release (and, with `sys`, the panic string) is printed, with pykdump,
# crash 8.0.6 and drgn on the same dump, in one run.  Prints wall-clock
# seconds until that was printed and until the process exited (best of 3;
# RUNS=N for more), peak RSS (/usr/bin/time -v "Maximum resident set
# size") and the ratios to drgn.  Nothing is asserted.
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

# measure NAME CMD...: best-of-$runs, as "NAME PRINTED RSS EXIT": seconds
# until the release (or, with sys, the panic string) was printed, peak RSS
# (KB) and seconds until the process exited, of the run that printed
# first.  Times come from bench/timeline.py and include starting
# /usr/bin/time (about a millisecond).  pykdump without a cached index
# prints before it exits: it builds the index in the background and waits
# for it at exit, to save it for the next start.
runs=${RUNS:-3}
measure() {
	name=$1; shift
	best=""; rss=""; ex=""
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		[ "$name" = cold ] && rm -rf "$tmp/cache" && mkdir "$tmp/cache"
		set -- $(/usr/bin/python3 "$top/bench/timeline.py" "$want" \
			/usr/bin/time -v -o "$tmp/time" "$@" < "$tmp/stdin") "$@"
		t=$1; e=$2; shift 2
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
		if [ "$t" = "-1.0000" ]; then
			echo "$name: nothing matching /$want/ printed" >&2
			continue
		fi
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t; rss=$r; ex=$e
		fi
	done
	echo "$name ${best:-0} ${rss:-0} ${ex:-0}"
}

# what marks "printed": the panic string when sys runs, else the release
if [ "$pkcmd" = sys ]; then want='PANIC:'; else want='[0-9]+\.[0-9]+\.[0-9]+'; fi
: > "$tmp/stdin"
export PYKDUMP_CACHE_DIR="$tmp/cache"
cold=$(measure cold "$pk" -c "$pkcmd" "$vmlinux" "$dump")
warm=$(measure warm "$pk" -c "$pkcmd" "$vmlinux" "$dump")
cp "$tmp/crash.in" "$tmp/stdin"
crash=$(cd "$(dirname "$dump")" && HOME=$tmp measure crash \
	"$top/scripts/lib/trixie-run" crash -s "$vmlinux" "$dump")
: > "$tmp/stdin"
# drgn prints the release; unbuffered, so it is timed when printed
want='[0-9]+\.[0-9]+\.[0-9]+'
drgn=$(PYTHONUNBUFFERED=1 measure drgn drgn -q -c "$dump" -s "$vmlinux" "$tmp/drgn.py")

echo "dump: $dump   pykdump command: $pkcmd"
printf '%-16s %9s %10s %9s %12s %12s\n' "" printed "RSS MB" exited "time ratio" "RSS ratio"
for row in "$cold" "$warm" "$crash" "$drgn"; do
	set -- $row
	printf '%-16s %9.3f %10.1f %9.3f %11.2fx %11.2fx\n' "$1" "$2" \
		"$(echo "$3 / 1024" | bc -l)" "$4" \
		"$(echo "$2 / $(echo "$drgn" | cut -d' ' -f2)" | bc -l)" \
		"$(echo "$3 / $(echo "$drgn" | cut -d' ' -f3)" | bc -l)"
done
echo "(seconds until printed, and until the process exited; ratios are to drgn;"
echo " goals: cold <= 0.5 x drgn, warm <= 0.1 x drgn, RSS <= 0.3 x drgn)"
dt=$(echo "$drgn" | cut -d' ' -f2); dr=$(echo "$drgn" | cut -d' ' -f3)
printf 'pykdump / drgn: cold %.2f (exit %.2f)  warm %.2f  RSS cold %.2f warm %.2f\n' \
	"$(echo "$(echo "$cold" | cut -d' ' -f2) / $dt" | bc -l)" \
	"$(echo "$(echo "$cold" | cut -d' ' -f4) / $(echo "$drgn" | cut -d' ' -f4)" | bc -l)" \
	"$(echo "$(echo "$warm" | cut -d' ' -f2) / $dt" | bc -l)" \
	"$(echo "$(echo "$cold" | cut -d' ' -f3) / $dr" | bc -l)" \
	"$(echo "$(echo "$warm" | cut -d' ' -f3) / $dr" | bc -l)"
