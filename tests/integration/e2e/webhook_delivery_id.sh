#!/usr/bin/env bash
# X-Smsrelay-Delivery identifies one delivery, "the same on every retry, so
# a receiver can drop duplicates" (docs/webhooks.md): two different events
# must never carry the same id, also when the queue drained between them
# (a receiver that drops duplicates by this id would otherwise lose the
# second event).
. "$(dirname "$0")/lib_e2e.sh" "$@"

make_board
start_modemsim
start_receiver
start_daemon
wait_line "$T/daemon.err" 'modem0\]: registering -> ready' "$DPID" >/dev/null ||
	fail "modem0 never ready"
add_webhook
for i in 1 2 3; do
	ctl "sms 0 +447700900123 event $i" >/dev/null || fail "inject"
	wait_line "$T/receiver.out" "^message.received sig_ok received inbound \"event $i\"" \
		"$DPID" >/dev/null || fail "event $i not delivered"
done
ids=$(sed -n 's/.* delivery=\([^ ]*\) .*/\1/p' "$T/receiver.out")
[ "$(sort -u <<<"$ids" | wc -l)" = 3 ] ||
	fail "one delivery id for different events: $(tr '\n' ' ' <<<"$ids")"
kill -TERM "$DPID"
wait "$DPID" || fail "exit $? after SIGTERM"
pass
