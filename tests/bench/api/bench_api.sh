#!/usr/bin/env bash
# API benchmark (issue 6 item 9): durable POST /api/v1/messages on loopback.
#
#   tests/bench/api/bench_api.sh [BIN_DIR]      (default: build/bin)
#
# Starts modemsim and, for each run, smsrelayd on boards/sim with a fresh
# store (tests/bench/api/daemon.sh), then drives POST /api/v1/messages with
# wrk and post_messages.lua (2 s warm-up, then BENCH_DURATION seconds):
#   1. closed loop, 16 connections: accepted messages/s, p50, p90, p99
#   2. closed loop, 64 connections: the same
#   3. closed loop, 64 connections, a unique Idempotency-Key per request
#   4. fixed rate BENCH_FIXED_RATE (default 1000 requests/s; wrk's delay(),
#      see post_messages.lua) on 64 connections
#   5. fixed rate BENCH_LOW_RATE (default 200 requests/s) on 16 connections
# and after each run checks that every 202 is a committed row (the ids wrk
# saw, against the messages table read with sqlite3 after a clean stop).
#
# What is measured: the API path only. Every message carries send_at in
# 2099, so it is accepted, committed (WAL, synchronous=FULL, group commit)
# and scheduled, and the dispatcher never sends it: the modems do no work.
# Prints figures; asserts nothing about time. Exit status 1 only when the
# set-up fails or an accepted message is missing from the store.
#
# Environment: BENCH_DURATION (s per run, default 10), BENCH_API_THREADS
# ([api] threads, default 16), BENCH_FIXED_RATE, BENCH_LOW_RATE,
# BENCH_WRK_THREADS (2).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${1:-$ROOT/build/bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
DUR=${BENCH_DURATION:-10}
RATE=${BENCH_FIXED_RATE:-1000}
LOW_RATE=${BENCH_LOW_RATE:-200}
WT=${BENCH_WRK_THREADS:-2}
LUA=$ROOT/tests/bench/api/post_messages.lua

for p in wrk sqlite3 curl; do
	command -v "$p" >/dev/null || { echo "bench_api: $p is missing (scripts/install-deps)" >&2; exit 1; }
done
for b in smsrelayd modemsim; do
	[ -x "$BIN/$b" ] || { echo "bench_api: $BIN/$b is missing (build first)" >&2; exit 1; }
done

. "$ROOT/tests/bench/api/daemon.sh"

bench_start_modemsim
export BENCH_THREADS=$WT BENCH_SEND_AT=2099-01-01T00:00:00Z
TICKS=$(getconf CLK_TCK)
RC=0
NRUN=0

# daemon_cpu_ticks: utime + stime of smsrelayd, all threads (/proc/PID/stat).
daemon_cpu_ticks() {
	sed 's/.*) //' "/proc/$DPID/stat" | awk '{ print $12 + $13 }'
}

# wrk_run CONNECTIONS SECONDS [ENV=VALUE...]: one wrk run against $URL;
# prints its BENCH line.
wrk_run() {
	local conns=$1 secs=$2 out
	shift 2
	out=$(env "$@" wrk -t"$WT" -c"$conns" -d"${secs}s" --timeout 10s --latency -s "$LUA" "$URL" 2>"$BT/wrk.err") ||
		bench_die "wrk failed: $(cat "$BT/wrk.err")"
	[ -s "$BT/wrk.err" ] && sed 's/^/  wrk: /' "$BT/wrk.err" | head -n 3 >&2
	grep '^BENCH ' <<<"$out" || bench_die "no figures from wrk: $out"
}

# run NAME CONNECTIONS [ENV=VALUE...]: a fresh store and daemon, a 2 s
# warm-up, the measured run; prints a figure line, then checks that the id
# of every 202 (post_messages.lua wrote them to $BENCH_IDS-*) is a row of
# the store after a clean stop. Each run starts from an empty store because
# the rate depends on how many messages wait in it (docs/benchmarks.md).
run() {
	local name=$1 conns=$2 line acc cpu0 cpu1 metric ids rows missing
	shift 2
	NRUN=$((NRUN + 1))
	export BENCH_DATA=$BT/data-$NRUN BENCH_IDS=$BT/ids-$NRUN
	bench_start_daemon
	export BENCH_TOKEN=$SMSRELAY_ADMIN_TOKEN
	wrk_run "$conns" 2 "$@" >/dev/null
	cpu0=$(daemon_cpu_ticks)
	line=$(wrk_run "$conns" "$DUR" "$@")
	cpu1=$(daemon_cpu_ticks)
	acc=$(sed -n 's/.* accepted=\([0-9]*\) .*/\1/p' <<<"$line")
	# The daemon's CPU time (user + system) per accepted message: less
	# sensitive than the rates to other work on the machine.
	printf 'api %-22s conns=%-3s %s daemon_cpu_us_per_msg=%s\n' "$name" "$conns" "${line#BENCH }" \
		"$(((cpu1 - cpu0) * 1000000 / TICKS / (acc > 0 ? acc : 1)))"
	# The store may hold a few more rows than wrk counted: requests still
	# in flight when wrk stops are committed but their answer is not read.
	metric=$(curl -s "$URL/metrics" | awk '/^smsrelay_messages\{status="scheduled"/ { n += $2 } END { print n + 0 }')
	bench_stop_daemon
	cat "$BENCH_IDS"-* | sort -u >"$BT/ids.accepted"
	sqlite3 "file:$BENCH_DATA/smsrelay.db?mode=ro" "SELECT id FROM messages WHERE status = 'scheduled'" |
		sort -u >"$BT/ids.stored" || bench_die "cannot read the store"
	ids=$(cat "$BENCH_IDS"-* | wc -l)
	rows=$(wc -l <"$BT/ids.stored")
	missing=$(comm -23 "$BT/ids.accepted" "$BT/ids.stored" | wc -l)
	printf 'api %-22s committed-check 202s_incl_warmup=%d metrics_scheduled=%d store_rows=%d missing=%d %s\n' \
		"$name" "$ids" "$metric" "$rows" "$missing" "$([ "$missing" = 0 ] && echo OK || echo FAILED)"
	[ "$missing" = 0 ] || RC=1
	rm -rf "$BENCH_DATA"
}

echo "api: smsrelayd [api] threads=${BENCH_API_THREADS:-16}, wrk -t$WT, ${DUR}s per run, load: $(cut -d' ' -f1-3 /proc/loadavg)"
run closed-loop 16
run closed-loop 64
run closed-loop-idem-key 64 BENCH_IDEM=1
run "fixed-rate-$RATE/s" 64 BENCH_RATE="$RATE"
run "fixed-rate-$LOW_RATE/s" 16 BENCH_RATE="$LOW_RATE"
exit "$RC"
