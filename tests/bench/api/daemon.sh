# shellcheck shell=bash
# shellcheck disable=SC2034 # DPID, URL, PORT, READY_MS are for the caller
# Shared by the API and footprint benchmarks (sourced): starts modemsim and
# smsrelayd on boards/sim in a private temp dir, the way
# tests/integration/firmware/lib.sh and scripts/demo do, with a config made
# for load (see bench_write_config). Needs BIN (folder of smsrelayd and
# modemsim) and ROOT (source tree). Sets BT (temp dir), DPID, URL, PORT,
# SMSRELAY_ADMIN_TOKEN. Everything started is stopped on exit.

. "$ROOT/scripts/lib/wait.sh"
BENCH_WAIT_S=${BENCH_WAIT_S:-30}
BT=$(mktemp -d "${TMPDIR:-/tmp}/smsrelay-bench.XXXXXX")
BENCH_PIDS=()
DPID=

bench_die() {
	echo "bench: $*" >&2
	for f in "$BT"/*.err "$BT"/*.log; do
		[ -s "$f" ] && { echo "---- $f" >&2; tail -n 15 "$f" >&2; }
	done
	exit 1
}

bench_cleanup() {
	local i
	for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
		kill -TERM "${BENCH_PIDS[i]}" 2>/dev/null && wait "${BENCH_PIDS[i]}" 2>/dev/null
	done
	rm -rf "$BT"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bench_wait_line FILE REGEX PID: until FILE has a line matching REGEX
# (while PID lives, at most BENCH_WAIT_S); prints the line.
bench_wait_line() {
	wait_lines "$BENCH_WAIT_S" "$1" "$2" 1 "$3"
}

bench_start_modemsim() {
	sed -e "s|/tmp/smsrelay-sim/|$BT/|g" "$ROOT/boards/sim/board.conf" >"$BT/board.conf"
	: >"$BT/modemsim.out"
	"$BIN/modemsim" --modems 2 --link "$BT/modem%d" --control "$BT/modemsim.sock" \
		>"$BT/modemsim.out" 2>"$BT/modemsim.log" &
	BENCH_PIDS+=("$!")
	bench_wait_line "$BT/modemsim.out" '^ready' "$!" >/dev/null || bench_die "modemsim did not start"
}

# bench_write_config PORT: the store in BENCH_DATA (default $BT/data); API threads from BENCH_API_THREADS (default 16),
# the highest per-token rate limit (10,000/s: the benchmark is one token), connection limits
# above wrk's 64 connections, warnings only in the log (one info line per
# message would measure the logger).
bench_write_config() {
	cat >"$BT/smsrelayd.conf" <<CONF
[daemon]
board = $BT/board.conf
data_dir = ${BENCH_DATA:-$BT/data}
log = ${BENCH_LOG:-warn}
log_target = stderr
watchdog = false
[api]
bind = 127.0.0.1
port = $1
threads = ${BENCH_API_THREADS:-16}
max_connections = 1024
max_per_ip = 1024
; 0 = no per-token limit (docs/config.md): the benchmark measures the API,
; not the limiter.
token_rate_per_min = 0
[routing]
allow_countries = 44 49
[modem.modem0]
priority = 10
rate_per_min = 600
burst = 10
[modem.modem1]
priority = 20
rate_per_min = 600
burst = 10
CONF
}

# bench_start_daemon: bootstraps an administrator and starts smsrelayd;
# sets DPID, URL, PORT, READY_MS (process start to the ready line, ms).
bench_start_daemon() {
	local line t0 t1
	for PORT in $((30000 + $$ % 20000)) $((31000 + $$ % 20000)) $((32000 + $$ % 20000)); do
		bench_write_config "$PORT"
		eval "$("$BIN/smsrelayd" --config "$BT/smsrelayd.conf" --bootstrap-admin 2>"$BT/boot.err")" ||
			bench_die "bootstrap-admin failed"
		: >"$BT/daemon.out"
		: >"$BT/daemon.err"
		t0=$(date +%s%N)
		"$BIN/smsrelayd" --config "$BT/smsrelayd.conf" --print-ready-line \
			>"$BT/daemon.out" 2>"$BT/daemon.err" &
		DPID=$!
		BENCH_PIDS+=("$DPID")
		if line=$(bench_wait_line "$BT/daemon.out" '^ready api=' "$DPID"); then
			t1=$(date +%s%N)
			READY_MS=$(((t1 - t0) / 1000000))
			URL=${line#ready api=}
			return 0
		fi
		wait "$DPID"
		grep -q "already in use" "$BT/daemon.err" || bench_die "smsrelayd did not get ready"
	done
	bench_die "no free API port"
}

# bench_stop_daemon: SIGTERM and wait (the store is closed cleanly).
bench_stop_daemon() {
	local i
	kill -TERM "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	for i in "${!BENCH_PIDS[@]}"; do
		[ "${BENCH_PIDS[i]}" = "$DPID" ] && unset 'BENCH_PIDS[i]'
	done
	BENCH_PIDS=("${BENCH_PIDS[@]}")
	DPID=
}

# bench_status_kb PID FIELD: VmRSS, VmHWM... of PID in kB.
bench_status_kb() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}
