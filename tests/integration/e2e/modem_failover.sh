#!/usr/bin/env bash
# Failover and return, as a CRM sees it. Routing for +44: modem0 first,
# twilio (mockprovider) second. For each modem fault injected through
# modemsim's control socket, one at a time (no response, SIM removed, port
# vanishes): the daemon notices (outbox[modem0]: healthy -> down), messages
# sent meanwhile go out through the mock cloud (mockprovider's create count,
# the message's channel is twilio, modemsim's outside-world log unchanged);
# once the fault is over the modem is healthy again and takes the next
# message (modemsim's outside-world log, channel modem0).
WAIT_S=${WAIT_S:-45} # the modem's recovery ladder may take its cfun-reset rung (~25 s)
. "$(dirname "$0")/lib_e2e.sh" "$@"

make_board
start_modemsim
start_mockprovider
EXTRA_ROUTING="fail_threshold = 1
cooldown_s = 1
probe_timeout_s = 5"
EXTRA_CONF="status_s = 5
[modem.modem1]
enabled = false
[twilio]
base_url = $MOCK_URL
account_sid = $MOCK_SID
auth_token = $MOCK_TOKEN
from = +15005550006
poll_inbound = false
poll_interval_s = 5
priority = 50
[route.+44]
channels = modem0 twilio"
start_daemon
wait_line "$T/daemon.err" 'outbox\[modem0\]: down -> healthy' "$DPID" >/dev/null ||
	fail "modem0 never healthy"

creates() {
	curl -s --max-time 10 "$MOCK_URL/_mock/stats" | jget 'j["creates"]'
}
creates_are() {
	[ "$(creates)" = "$1" ]
}
on_network() { # how many entries modemsim's outside-world log holds
	ctl sent | grep -c '^sent '
}
# send TEXT: POSTs a message to a new +44 number (a number already served
# sticks to its channel: docs/routing.md, sticky sender); sets ID, TO.
seq=100
send() {
	local resp
	seq=$((seq + 1))
	TO=+447700900$seq
	resp=$(api POST /api/v1/messages "{\"to\":\"$TO\",\"body\":\"$1\"}")
	ID=$(jget 'j["id"]' <<<"$resp") || fail "send: $resp"
}
channel_of() { # ID CHANNEL: the message went out on CHANNEL
	local m
	m=$(api GET "/api/v1/messages/$1")
	[ "$(jget 'j.get("channel")' <<<"$m")" = "$2" ] &&
		[[ $(jget 'j["status"]' <<<"$m") =~ ^(sent|delivered)$ ]]
}

# Before any fault: the modem takes the traffic.
send "before faults"
ctl "wait 20000 sent 1" >/dev/null || fail "first message not on the network"
poll_until 10 channel_of "$ID" modem0 || fail "first message: $(api GET /api/v1/messages/$ID)"
net=1
cloud=0
downs=0
ups=1

# One fault at a time. The messages of the fault are POSTed right after the
# daemon noticed it and before it is cleared; where they went is checked
# afterwards from the store (the message's channel) and the two logs.
for fault in silent sim-removed vanish; do
	case $fault in
	silent) inject="fault 0 silent forever" clear="fault 0 clear" ;;
	sim-removed) inject="fault 0 sim-removed" clear="fault 0 sim-inserted" ;;
	# The port stays away until the test brings it back: a second vanish
	# with 0 ms ends the first at once (hal/sim/modem/sm_fault.c), so a slow
	# machine cannot let the port return before the fault's messages went.
	vanish) inject="fault 0 vanish 600000" clear="fault 0 vanish 0" ;;
	esac
	ctl "$inject" >/dev/null || fail "$fault: inject"
	downs=$((downs + 1))
	wait_count "$T/daemon.err" 'outbox\[modem0\]: healthy -> down' "$downs" "$DPID" ||
		fail "$fault: modem0 never went down"
	send "during $fault 1"
	id1=$ID
	send "during $fault 2"
	id2=$ID
	ctl "$clear" >/dev/null || fail "$fault: clear"
	cloud=$((cloud + 2))
	poll_until 20 creates_are "$cloud" || fail "$fault: not sent through the cloud ($(creates))"
	curl -s --max-time 10 "$MOCK_URL/_mock/last" | grep -q "during $fault 2" ||
		fail "$fault: mockprovider's last create: $(curl -s "$MOCK_URL/_mock/last")"
	for id in "$id1" "$id2"; do
		poll_until 10 channel_of "$id" twilio || fail "$fault: $(api GET "/api/v1/messages/$id")"
	done
	ups=$((ups + 1))
	wait_count "$T/daemon.err" 'outbox\[modem0\]: down -> healthy' "$ups" "$DPID" ||
		fail "$fault: modem0 never came back"
	[ "$(on_network)" = "$net" ] || fail "$fault: the modem sent during the fault"
	send "after $fault"
	net=$((net + 1))
	ctl "wait 20000 sent $net" >/dev/null || fail "$fault: the modem did not take traffic again"
	ctl sent | grep "^sent " | tail -n 1 | grep -q "to=$TO .*text=after $fault\$" ||
		fail "$fault: wrong message on the network: $(ctl sent | grep "^sent " | tail -n 1)"
	poll_until 10 channel_of "$ID" modem0 || fail "$fault: $(api GET "/api/v1/messages/$ID")"
	[ "$(creates)" = "$cloud" ] || fail "$fault: the cloud took traffic after the return"
done

kill -TERM "$DPID"
wait "$DPID" || fail "exit $? after SIGTERM"
pass
