# Shared helpers of the firmware integration tests (sourced).
# Usage of every test: TEST.sh SMSRELAYD MODEMSIM SOURCE_DIR
set -u
SMSRELAYD=$1
MODEMSIM=$2
SRC=$3
. "$SRC/scripts/lib/wait.sh"
WAIT_S=${WAIT_S:-30}
T=$(mktemp -d "${TMPDIR:-/tmp}/smsrelay-fwtest.XXXXXX")
PIDS=()

fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*.log "$T"/*.err; do
		[ -s "$f" ] && { echo "---- $f" >&2; tail -n 30 "$f" >&2; }
	done
	exit 1
}

cleanup() {
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		kill -TERM "${PIDS[i]}" 2>/dev/null && wait "${PIDS[i]}" 2>/dev/null
	done
	# KEEP_T=1 keeps the scratch folder for a post-mortem.
	if [ -n "${KEEP_T:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT

# need PROGRAM...: scripts/install-deps installs them.
need() {
	for p in "$@"; do
		command -v "$p" >/dev/null || fail "$p is missing (scripts/install-deps installs it)"
	done
}

# wait_line FILE REGEX PID: until FILE has a line matching REGEX (at most
# WAIT_S, and only while PID lives); prints the line.
wait_line() {
	wait_lines "$WAIT_S" "$1" "$2" 1 "$3"
}

# api METHOD PATH [JSON]: the REST API as the administrator (prints the body).
api() {
	curl -s --max-time 10 -X "$1" -H "Authorization: Bearer $SMSRELAY_ADMIN_TOKEN" \
		-H 'Content-Type: application/json' ${3:+-d "$3"} "$URL$2"
}

# jget EXPR <<<JSON: prints the python expression EXPR of the parsed JSON j.
jget() {
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# The sim board with its modem links and data dir moved into $T, so tests
# (and a running demo) never share a pty or a store.
make_board() {
	sed -e "s|/tmp/smsrelay-sim/|$T/|g" "$SRC/boards/sim/board.conf" >"$T/board.conf"
}

# start_modemsim [OPTIONS...]: two modems linked at $T/modem0 and
# $T/modem1, control socket $T/modemsim.sock.
start_modemsim() {
	: >"$T/modemsim.out"
	"$MODEMSIM" --modems 2 --link "$T/modem%d" --control "$T/modemsim.sock" "$@" \
		>"$T/modemsim.out" 2>"$T/modemsim.log" &
	PIDS+=($!)
	wait_line "$T/modemsim.out" '^ready' "$!" >/dev/null || fail "modemsim did not start"
}

# write_config PORT [PRIORITY]: the daemon's config in $T/smsrelayd.conf;
# $EXTRA_ROUTING goes into [routing], $EXTRA_CONF after [modem.modem0]'s keys.
write_config() {
	cat >"$T/smsrelayd.conf" <<CONF
[daemon]
board = $T/board.conf
data_dir = $T/data
log = info
log_target = stderr
[api]
bind = 127.0.0.1
port = $1
${EXTRA_API:-}
[routing]
allow_countries = 44 49
${EXTRA_ROUTING:-}
[modem.modem0]
priority = ${2:-10}
rate_per_min = ${MODEM0_RATE:-600}
burst = ${MODEM0_BURST:-10}
${EXTRA_CONF:-}
CONF
}

# start_daemon [ENV=VALUE...]: bootstraps an administrator (sets
# SMSRELAY_ADMIN_TOKEN, TWILIO_*), starts smsrelayd on a free API port,
# waits for its ready line; sets DPID, URL, PORT.
start_daemon() {
	DPID=
	for PORT in $((20000 + $$ % 20000)) $((21000 + $$ % 20000)) $((22000 + $$ % 20000)); do
		write_config "$PORT"
		eval "$("$SMSRELAYD" --config "$T/smsrelayd.conf" --bootstrap-admin 2>"$T/boot.err")" ||
			fail "bootstrap-admin: $(cat "$T/boot.err")"
		: >"$T/daemon.out"
		: >"$T/daemon.err"
		env "$@" "$SMSRELAYD" --config "$T/smsrelayd.conf" --print-ready-line \
			>"$T/daemon.out" 2>"$T/daemon.err" &
		DPID=$!
		PIDS+=($DPID)
		local line
		if line=$(wait_line "$T/daemon.out" '^ready api=' "$DPID"); then
			URL=${line#ready api=}
			return 0
		fi
		wait "$DPID"
		grep -q "already in use" "$T/daemon.err" || fail "smsrelayd did not get ready"
	done
	fail "no free API port"
}
