#!/usr/bin/env bash
# A delivery report that arrives after smsrelayd restarted: the modem
# driver's table of sent parts is gone, so it hands the report on by TP-MR
# and the store matches the part the first run recorded
# (store_part_report_prefix): the message still becomes delivered.
. "$(dirname "$0")/lib.sh" "$@"

need curl python3
make_board
start_modemsim --report-delay -1 # reports only when this test says

start_daemon
wait_line "$T/daemon.err" 'modem0\]: registering -> ready' "$DPID" >/dev/null ||
	fail "modem0 never ready"
resp=$(api POST /api/v1/messages '{"to":"+447700900321","body":"report me later"}') ||
	fail "POST"
id=$(jget 'j["id"]' <<<"$resp") || fail "POST: $resp"
"$MODEMSIM" ctl "$T/modemsim.sock" "wait 20000 sent 1" >/dev/null || fail "never sent"
sent=$("$MODEMSIM" ctl "$T/modemsim.sock" sent)
[[ $sent =~ modem=([0-9]+).*\ mr=([0-9]+) ]] || fail "no TP-MR in: $sent"
modem=${BASH_REMATCH[1]}
mr=${BASH_REMATCH[2]}

# Restart: the first run is stopped (SIGTERM finishes the send in flight:
# the modem has answered +CMGS), a second one starts on the same store.
kill -TERM "$DPID"
wait "$DPID" || fail "first run: exit $?"
start_daemon
status=$(api GET "/api/v1/messages/$id" | jget 'j["status"]')
[ "$status" = sent ] || fail "after the restart msg $id is $status, want sent"
wait_line "$T/daemon.err" "modem$modem\\]: registering -> ready" "$DPID" >/dev/null ||
	fail "modem$modem never ready after the restart"
"$MODEMSIM" ctl "$T/modemsim.sock" "report $modem $mr 0" >/dev/null || fail "ctl report"
wait_line "$T/daemon.err" "msg $id: sent -> delivered \\(report for $mr@" "$DPID" >/dev/null ||
	fail "the report after the restart did not deliver msg $id"
status=$(api GET "/api/v1/messages/$id" | jget 'j["status"]')
[ "$status" = delivered ] || fail "msg $id is $status, want delivered"
echo "ok: a report after a restart delivered msg $id (TP-MR $mr)"
