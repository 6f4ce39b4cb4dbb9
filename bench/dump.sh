#!/bin/sh
# bench/dump.sh [BUILD_DIR] [SAMPLE_DIR]: our dump layer against
# libkdumpfile on every file of the sample dump (table with ratios; see
# bench/dump_bench.c).  libkdumpfile 0.5.1 cannot open flattened files:
# their row shows only our numbers.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
sample=${2:-${PYKDUMP_SAMPLE_DIR:-$HOME/.cache/pykdump/sample-6.1.0-56-cloud-amd64}}
bench=$build/bench/dump_bench
if [ ! -x "$bench" ]; then
	echo "dump.sh: $bench not built (needs libkdumpfile-dev)" >&2
	exit 1
fi
files=""
for f in vmcore.elf vmcore.kdump vmcore.flat vmcore.d31.zlib vmcore.d31.lzo \
	 vmcore.d31.zstd vmcore.d31.elf; do
	[ -f "$sample/$f" ] && files="$files $sample/$f"
done
[ -n "$files" ] || { echo "dump.sh: no sample dump in $sample" >&2; exit 1; }
exec "$bench" $files
