#!/usr/bin/env bash
# The CRM's webhook receiver is down (its port refuses connections) while
# events happen in two conversations: an outbound message (sent, then
# delivered) and inbound replies, single and multipart. The events are
# queued (GET /metrics backlog), the first attempt of each conversation's
# oldest event fails; once the receiver is up, every event arrives within
# the worker's first retry (10 s, docs/webhooks.md), signed, exactly once,
# in order per conversation, and the backlog drains to 0.
. "$(dirname "$0")/lib_e2e.sh" "$@"

make_board
start_modemsim --report-delay 100
start_receiver --down
start_daemon
wait_line "$T/daemon.err" 'modem0\]: registering -> ready' "$DPID" >/dev/null ||
	fail "modem0 never ready"
add_webhook

A=+447700900123
B=+447700900456
# step EXPECTED_BACKLOG: each event is queued before the next one is caused,
# so the order per conversation is known.
step() {
	poll_until 20 backlog_is "$1" || fail "backlog $(metric smsrelay_webhook_backlog), want $1"
}
resp=$(api POST /api/v1/messages "{\"to\":\"$A\",\"body\":\"Order A1 shipped\"}")
jget 'j["id"]' <<<"$resp" >/dev/null || fail "send: $resp"
step 2 # sent, delivered
wait_line "$T/daemon.err" 'webhooks: delivery [0-9]+ attempt 1 failed' "$DPID" >/dev/null ||
	fail "no failed first attempt"
ctl "sms 0 $B B one" >/dev/null || fail "inject"
step 3
ctl "sms 0 $A A reply one" >/dev/null || fail "inject"
step 4
long=$(printf 'b2-%03d ' $(seq 1 40))
long=${long% }
ctl "sms 0 $B --order=2,1 -- $long" >"$T/multi.out" || fail "inject multipart"
grep -q "parts 2" "$T/multi.out" || fail "not two parts: $(cat "$T/multi.out")"
step 5
ctl "sms 0 $A A reply two" >/dev/null || fail "inject"
step 6
ctl "sms 0 $B B three" >/dev/null || fail "inject"
step 7
grep -q '^message\.' "$T/receiver.out" && fail "a webhook arrived while the receiver was down"

kill -USR1 "$RPID"
wait_line "$T/receiver.out" '^up$' "$RPID" >/dev/null || fail "receiver not up"
wait_count "$T/receiver.out" '^message\.' 7 "$RPID" || fail "not all 7 webhooks arrived"
poll_until 10 backlog_is 0 || fail "backlog not drained: $(metric smsrelay_webhook_backlog)"

CA=$(conv_id "$A") && CB=$(conv_id "$B") || fail "conversations"
python3 - "$T/receiver.out" "$CA" "$CB" "$long" <<'PY' || fail "webhooks not as expected"
import re, sys
lines = [l.rstrip("\n") for l in open(sys.argv[1]) if l.startswith("message.")]
ca, cb, long = sys.argv[2], sys.argv[3], sys.argv[4]
want = {
    ca: ['message.status sig_ok sent outbound "Order A1 shipped"',
         'message.status sig_ok delivered outbound "Order A1 shipped"',
         'message.received sig_ok received inbound "A reply one"',
         'message.received sig_ok received inbound "A reply two"'],
    cb: ['message.received sig_ok received inbound "B one"',
         'message.received sig_ok received inbound "%s"' % long,
         'message.received sig_ok received inbound "B three"'],
}
got = {ca: [], cb: []}
ids = []
for l in lines:
    m = re.match(r'(.*) conv=(\S+) delivery=(\S+) id=(\S+)$', l)
    if not m or m.group(2) not in got:
        sys.exit("unexpected line: " + l)
    got[m.group(2)].append(m.group(1))
    ids.append(m.group(3))
for c in want:
    if got[c] != want[c]:
        sys.exit("conversation %s:\n got  %s\n want %s" % (c, got[c], want[c]))
if len(set(ids)) != len(ids):
    sys.exit("delivery ids repeat: %s" % ids)
PY

kill -TERM "$DPID"
wait "$DPID" || fail "exit $? after SIGTERM"
pass
