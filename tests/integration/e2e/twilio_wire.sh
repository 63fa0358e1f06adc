#!/usr/bin/env bash
# The Twilio-compatible endpoint spoken to byte for byte as twilio-python
# builds its requests (twilio_wire.py): create (201), fetch by Sid, PageSize
# paging through next_page_uri (newest first, each message once), Twilio's
# JSON shapes and error codes; the first message reaches the network.
. "$(dirname "$0")/lib_e2e.sh" "$@"

make_board
start_modemsim
start_daemon
wait_line "$T/daemon.err" 'outbox\[modem0\]: down -> healthy' "$DPID" >/dev/null ||
	fail "modem0 never healthy"
timeout 60 python3 "$E2E_DIR/twilio_wire.py" "$URL" "$TWILIO_ACCOUNT_SID" "$TWILIO_AUTH_TOKEN" \
	>"$T/wire.log" 2>&1 || fail "$(cat "$T/wire.log")"
ctl "wait 20000 sent 1" >/dev/null || fail "not on the network"
ctl sent | grep -q 'to=+447700900123 .*text=Hi & welcome + more$' ||
	fail "wrong text on the network: $(ctl sent)"
kill -TERM "$DPID"
wait "$DPID" || fail "exit $? after SIGTERM"
pass
