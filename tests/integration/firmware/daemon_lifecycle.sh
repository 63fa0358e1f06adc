#!/usr/bin/env bash
# smsrelayd on boards/sim against modemsim: reaches ready (ready line,
# READY=1, watchdog kicks to systemd), sends a message through the API to
# the simulated network, reloads on SIGHUP (and refuses a bad file without
# changing anything), and on SIGTERM stops (STOPPING=1), closes the store
# cleanly (no WAL left, integrity ok) and exits 0.
. "$(dirname "$0")/lib.sh" "$@"

make_board
start_modemsim

# A stand-in for systemd's notify socket: prints each datagram on a line.
NOTIFY=
need python3 curl sqlite3
if true; then
	NOTIFY=$T/notify.sock
	python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    print(s.recv(4096).decode().replace("\n", " "), flush=True)
' "$NOTIFY" >"$T/notify.out" 2>"$T/notify.log" &
	PIDS+=($!)
	wait_line "$T/notify.out" '^listening' "$!" >/dev/null || fail "notify listener"
fi

"$SMSRELAYD" --check-config --config "$T/smsrelayd.conf" >/dev/null 2>&1 &&
	fail "check-config passed without a config file"

start_daemon NOTIFY_SOCKET="$NOTIFY" WATCHDOG_USEC=400000 WATCHDOG_PID=
[ "$URL" = "http://127.0.0.1:$PORT" ] || fail "ready line: $URL"

if [ -n "$NOTIFY" ]; then
	wait_line "$T/notify.out" 'READY=1' "$DPID" >/dev/null || fail "no READY=1"
	wait_line "$T/notify.out" 'WATCHDOG=1' "$DPID" >/dev/null || fail "no WATCHDOG=1 kick"
fi
grep -q "kicked every 200 ms" "$T/daemon.err" || fail "watchdog interval not from WATCHDOG_USEC"

# A message through the API reaches the simulated network.
if true; then
	wait_line "$T/daemon.err" 'modem0\]: registering -> ready' "$DPID" >/dev/null ||
		fail "modem0 never ready"
	resp=$(curl -s --max-time 10 -H "Authorization: Bearer $SMSRELAY_ADMIN_TOKEN" \
		-H 'Content-Type: application/json' \
		-d '{"to":"+447700900123","body":"integration test"}' "$URL/api/v1/messages") ||
		fail "POST /api/v1/messages"
	[[ $resp == *'"id":'* ]] || fail "POST /api/v1/messages: $resp"
	"$MODEMSIM" ctl "$T/modemsim.sock" "wait 20000 sent 1" >"$T/sent.out" ||
		fail "message never reached the network"
	"$MODEMSIM" ctl "$T/modemsim.sock" sent | grep -q "to=+447700900123 .*text=integration test" ||
		fail "wrong message on the network"
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
		-H 'Authorization: Bearer 00' "$URL/api/v1/messages/1")
	[ "$code" = 401 ] || fail "a bad token got HTTP $code"
fi

# A second daemon on the same data directory is refused and says why.
"$SMSRELAYD" --config "$T/smsrelayd.conf" >"$T/second.out" 2>"$T/second.err"
rc=$?
[ "$rc" = 1 ] || fail "second daemon: exit $rc, want 1"
grep -q "another smsrelayd (pid $DPID) uses $T/data" "$T/second.err" ||
	fail "second daemon: $(tail -n 2 "$T/second.err")"
kill -0 "$DPID" 2>/dev/null || fail "the first daemon died"

# SIGHUP: live changes are applied and named in the log: a routing knob,
# [outbox] (the default validity of the next message) and [webhooks].
EXTRA_CONF=$'[outbox]\nvalidity_s = 600\n[webhooks]\nbackoff_initial_s = 20' \
	write_config "$PORT" 30
kill -HUP "$DPID"
line=$(wait_line "$T/daemon.err" 'reload: reloaded: .*modem\.modem0\.priority' "$DPID") ||
	fail "SIGHUP: no reload line"
for key in outbox.validity_s webhooks.backoff_initial_s; do
	[[ $line == *"$key"* ]] || fail "SIGHUP: $key not applied live: $line"
done
resp=$(api POST /api/v1/messages '{"to":"+447700900124","body":"after the reload"}') ||
	fail "POST after SIGHUP"
id=$(jget 'j["id"]' <<<"$resp") || fail "POST after SIGHUP: $resp"
msg=$(api GET "/api/v1/messages/$id") || fail "GET after SIGHUP"
created=$(date -d "$(jget 'j["created_at"]' <<<"$msg")" +%s) || fail "created_at: $msg"
expires=$(date -d "$(jget 'j["expires_at"]' <<<"$msg")" +%s) || fail "expires_at: $msg"
validity=$((expires - created))
[ "$validity" = 600 ] || fail "SIGHUP: the new message's validity is $validity s, want 600"

# SIGHUP: [api] limits, live: a 1,024-byte body limit and one request per
# minute per token (the bucket starts full: one request, then 429).
EXTRA_CONF=$'[outbox]\nvalidity_s = 600\n[webhooks]\nbackoff_initial_s = 20' \
	EXTRA_API=$'token_rate_per_min = 1\nmax_body_bytes = 1024' write_config "$PORT" 30
kill -HUP "$DPID"
line=$(wait_line "$T/daemon.err" 'reload: reloaded: .*api\.max_body_bytes' "$DPID") ||
	fail "SIGHUP: [api] limits not applied live"
[[ $line == *api.token_rate_per_min* ]] || fail "SIGHUP: token_rate_per_min: $line"
big=$(printf '{"to":"+447700900125","body":"%01500d"}' 0)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
	-H "Authorization: Bearer $SMSRELAY_ADMIN_TOKEN" -H 'Content-Type: application/json' \
	-d "$big" "$URL/api/v1/messages")
[ "$code" = 413 ] || fail "after SIGHUP: a 1,5xx-byte body got HTTP $code, want 413"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
	-H "Authorization: Bearer $SMSRELAY_ADMIN_TOKEN" "$URL/api/v1/messages")
[ "$code" = 429 ] || fail "after SIGHUP: the second request in a minute got HTTP $code, want 429"

# SIGHUP with a broken file: refused, the daemon keeps running.
printf '[api]\nport = nope\n' >"$T/smsrelayd.conf"
kill -HUP "$DPID"
wait_line "$T/daemon.err" "reload: $T/smsrelayd.conf:2: .*keeping the running" "$DPID" \
	>/dev/null || fail "SIGHUP with a bad file: no refusal line"
kill -0 "$DPID" 2>/dev/null || fail "daemon died on a bad reload"
if [ -n "$NOTIFY" ]; then
	wait_line "$T/notify.out" 'RELOADING=1' "$DPID" >/dev/null || fail "no RELOADING=1"
fi

# SIGTERM: exit 0, store closed cleanly.
kill -TERM "$DPID"
wait "$DPID"
rc=$?
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc, want 0"
grep -q "stopped (exit 0)" "$T/daemon.err" || fail "no stop line"
[ -n "$NOTIFY" ] && { grep -q 'STOPPING=1' "$T/notify.out" || fail "no STOPPING=1"; }
[ -e "$T/data/smsrelay.db" ] || fail "no store file"
[ ! -e "$T/data/smsrelay.db-wal" ] || fail "WAL left behind: store not closed cleanly"
if true; then
	[ "$(sqlite3 "$T/data/smsrelay.db" 'PRAGMA integrity_check')" = ok ] ||
		fail "integrity_check"
fi
echo "PASS"
