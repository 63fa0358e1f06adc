#!/usr/bin/env bash
# Every benchmark, one after the other; prints their figures (docs/benchmarks.md).
#
#   tests/bench/run-all.sh [BIN_DIR]      (default: build/bin)
#
# Runs each BIN_DIR/bench_* program (built by smsrelay_add_bench), then the
# API benchmark (tests/bench/api/bench_api.sh, wrk) and the footprint
# benchmark (tests/bench/footprint/bench_footprint.sh). Benchmarks assert
# nothing about time; the exit status is 1 when one of them could not run
# (or the API benchmark found an accepted message missing from the store).
# The machine's load average is printed first and last: other work on the
# same cores changes every figure.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:-$ROOT/build/bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
rc=0

echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores) on $(uname -n), $(date -u +%FT%TZ)"
found=0
for b in "$BIN"/bench_*; do
	[ -x "$b" ] || continue
	found=1
	echo "== ${b##*/}"
	"$b" || { echo "== ${b##*/} failed (status $?)"; rc=1; }
done
[ "$found" = 1 ] || echo "== no $BIN/bench_* programs (build them: they are CMake targets)"

for s in api/bench_api.sh footprint/bench_footprint.sh; do
	echo "== $s"
	"$ROOT/tests/bench/$s" "$BIN" || { echo "== $s failed (status $?)"; rc=1; }
done
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$rc"
