# Helpers of the end-to-end tests (sourced), on top of
# tests/integration/firmware/lib.sh.
# Usage of every test: TEST.sh SMSRELAYD MODEMSIM SOURCE_DIR MOCKPROVIDER
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$E2E_DIR/../firmware/lib.sh" "$1" "$2" "$3"
MOCKPROVIDER=${4:-}
need python3 curl

# ctl COMMAND...: modemsim's control socket.
ctl() {
	"$MODEMSIM" ctl "$T/modemsim.sock" "$@"
}

# wait_count FILE REGEX N PID: until FILE has N lines matching REGEX (at
# most WAIT_S, only while PID lives).
wait_count() {
	wait_lines "$WAIT_S" "$1" "$2" "$3" "$4" >/dev/null
}

# start_receiver [--down]: the CRM's webhook receiver; sets RPID, HOOK_PORT.
start_receiver() {
	python3 -u "$E2E_DIR/../firmware/receiver.py" "$T/secret" "$@" \
		>"$T/receiver.out" 2>"$T/receiver.log" &
	RPID=$!
	PIDS+=($RPID)
	local line
	line=$(wait_line "$T/receiver.out" '^listening ' "$RPID") || fail "receiver did not start"
	HOOK_PORT=${line#listening }
}

# add_webhook: subscribes the receiver to both events, writes the secret.
add_webhook() {
	local resp
	resp=$(api POST /api/v1/webhooks \
		"{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"message.received\",\"message.status\"]}")
	jget 'j["secret"]' <<<"$resp" >"$T/secret" || fail "webhook create: $resp"
}

# start_mockprovider [OPTIONS...]: the mock Twilio; sets MPID, MOCK_URL.
MOCK_SID=AC0123456789abcdef0123456789abcdef
MOCK_TOKEN=mocktoken0123456789
start_mockprovider() {
	[ -x "$MOCKPROVIDER" ] || fail "mockprovider not built: '$MOCKPROVIDER'"
	"$MOCKPROVIDER" --port 0 --account "$MOCK_SID" --token "$MOCK_TOKEN" "$@" \
		>"$T/mock.out" 2>"$T/mock.log" &
	MPID=$!
	PIDS+=($MPID)
	local line
	line=$(wait_line "$T/mock.out" 'listening on http://' "$MPID") || fail "mockprovider did not start"
	MOCK_URL=${line##* }
}

# metric NAME_WITH_LABELS: its value from GET /metrics (empty when absent).
metric() {
	curl -s --max-time 10 -H "Authorization: Bearer $SMSRELAY_ADMIN_TOKEN" "$URL/metrics" |
		awk -v k="$1" '$1 == k { print $2 }'
}

# poll_until SECONDS COMMAND...: runs COMMAND until it succeeds, at most
# SECONDS; every try asks the system (no fixed waits).
poll_until() {
	local end=$((SECONDS + $1))
	shift
	while ((SECONDS < end)); do
		"$@" && return 0
	done
	return 1
}

# backlog_is N: the daemon's webhook queue holds N deliveries.
backlog_is() {
	[ "$(metric smsrelay_webhook_backlog)" = "$1" ]
}

# conv_id NUMBER: the id of the conversation with NUMBER (+ as is).
conv_id() {
	api GET "/api/v1/conversations?number=${1/+/%2B}" | jget 'j["data"][0]["id"]'
}

# pass: stops the helpers this test started (SIGTERM, newest first; the
# daemon is stopped by the test itself), fails on any sanitizer report in
# their logs (the ASan build), then prints PASS.
pass() {
	local p f
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		p=${PIDS[i]}
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	PIDS=()
	for f in "$T"/*.log "$T"/*.err; do
		[ -f "$f" ] || continue
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
			fail "sanitizer report in $(basename "$f")"
		fi
	done
	echo "PASS"
}
