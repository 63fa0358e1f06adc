#!/usr/bin/env bash
# End to end through the daemon, as a CRM sees it: a message sent over the
# API reaches the simulated network, its delivery report makes it
# `delivered`, and a signed message.status webhook says so; an inbound SMS
# (single and multipart) is stored and arrives as a signed message.received
# webhook; the conversation lists both directions.
. "$(dirname "$0")/lib.sh" "$@"
need python3 curl

make_board
start_modemsim --report-delay 100

python3 -u "$(dirname "$0")/receiver.py" "$T/secret" >"$T/receiver.out" 2>"$T/receiver.log" &
PIDS+=($!)
line=$(wait_line "$T/receiver.out" '^listening ' "$!") || fail "receiver did not start"
HOOK_PORT=${line#listening }

start_daemon
AUTH="Authorization: Bearer $SMSRELAY_ADMIN_TOKEN"
api() { # METHOD PATH [JSON]
	curl -s --max-time 10 -X "$1" -H "$AUTH" -H 'Content-Type: application/json' \
		${3:+-d "$3"} "$URL$2"
}
wait_line "$T/daemon.err" 'modem0\]: registering -> ready' "$DPID" >/dev/null ||
	fail "modem0 never ready"

resp=$(api POST /api/v1/webhooks \
	"{\"url\":\"http://127.0.0.1:$HOOK_PORT/hook\",\"events\":[\"message.received\",\"message.status\"]}")
secret=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' <<<"$resp") ||
	fail "webhook create: $resp"
printf '%s\n' "$secret" >"$T/secret"

# Outbound: network, report, delivered, signed webhook.
resp=$(api POST /api/v1/messages '{"to":"+447700900123","body":"Your order shipped"}')
id=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$resp") ||
	fail "send: $resp"
"$MODEMSIM" ctl "$T/modemsim.sock" "wait 20000 sent 1" >/dev/null || fail "not on the network"
wait_line "$T/receiver.out" '^message.status sig_ok delivered outbound "Your order shipped"' \
	"$DPID" >/dev/null || fail "no signed delivered webhook"
api GET "/api/v1/messages/$id" | grep -q '"status":"delivered"' || fail "message not delivered"

# Inbound, single part.
"$MODEMSIM" ctl "$T/modemsim.sock" "sms 0 +447700900123 Thanks, when does it arrive?" \
	>/dev/null || fail "inject inbound"
wait_line "$T/receiver.out" \
	'^message.received sig_ok received inbound "Thanks, when does it arrive\?"' "$DPID" \
	>/dev/null || fail "no signed received webhook"

# Inbound, three parts delivered out of order: one message, in order.
long=$(printf 'part%03d ' $(seq 1 50))
long=${long% }
"$MODEMSIM" ctl "$T/modemsim.sock" "sms 0 +447700900777 --order=3,1,2 -- $long" \
	>"$T/multi.out" || fail "inject multipart"
grep -q "parts 3" "$T/multi.out" || fail "not three parts: $(cat "$T/multi.out")"
wait_line "$T/receiver.out" "^message.received sig_ok received inbound \"$long\"" "$DPID" \
	>/dev/null || fail "multipart not joined in order"

# The conversation holds both directions.
conv=$(api GET "/api/v1/conversations?number=%2B447700900123")
cid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])' <<<"$conv") ||
	fail "conversation: $conv"
msgs=$(api GET "/api/v1/conversations/$cid/messages")
grep -q '"Your order shipped"' <<<"$msgs" && grep -q 'when does it arrive' <<<"$msgs" ||
	fail "conversation messages: $msgs"

kill -TERM "$DPID"
wait "$DPID" || fail "exit $? after SIGTERM"
grep -q "sig_bad" "$T/receiver.out" && fail "a webhook with a bad signature"
echo "PASS"
