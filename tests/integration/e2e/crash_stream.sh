#!/usr/bin/env bash
# kill -9 of the daemon in the middle of a stream of sends (a CRM POSTing
# 200 messages; the kill comes after 60 were accepted), then a restart on
# the same store: every message the API accepted (202 with an id) reaches
# the simulated network, none is lost, and a message that went out twice is
# one the crash rule allows (docs/store.md: left in `sending` without every
# reference recorded -> requeued with possible_dup set and the history event
# "recover: possible duplicate"), at most twice; nothing is left waiting.
. "$(dirname "$0")/lib_e2e.sh" "$@"

make_board
start_modemsim --latency 5 # a send takes a few round trips: some are in flight
MODEM0_RATE=0 MODEM0_BURST=1000 EXTRA_CONF="[route.+44]
channels = modem0"
start_daemon
wait_line "$T/daemon.err" 'outbox\[modem0\]: down -> healthy' "$DPID" >/dev/null ||
	fail "modem0 never healthy"

python3 -u "$E2E_DIR/crm_stream.py" "$URL" "$SMSRELAY_ADMIN_TOKEN" 200 crash +447700900123 \
	>"$T/client.out" 2>"$T/client.log" &
CPID=$!
PIDS+=($CPID)
wait_count "$T/client.out" '^accepted ' 60 "$CPID" || fail "client: $(tail -n 1 "$T/client.out")"
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
wait "$CPID"
grep -q '^stopped ' "$T/client.out" || fail "client not stopped by the kill: $(tail -n 1 "$T/client.out")"
accepted=$(grep -c '^accepted ' "$T/client.out")
echo "accepted before the kill: $accepted; on the network: $(ctl sent | grep -c '^sent ')"

# The killed daemon's TIOCEXCL stays on each pty (modemsim holds the slave
# open, so the tty is never released). The restarted daemon must take the
# ports anyway: its flock is what keeps daemons apart, and it died with the
# old one (hal/linux/serial_termios.c).

# Restart on the same store (no new administrator: the old token stays).
mv "$T/daemon.err" "$T/daemon1.err"
: >"$T/daemon.out"
"$SMSRELAYD" --config "$T/smsrelayd.conf" --print-ready-line >"$T/daemon.out" 2>"$T/daemon.err" &
DPID=$!
PIDS+=($DPID)
wait_line "$T/daemon.out" '^ready api=' "$DPID" >/dev/null || fail "restart: not ready"
grep 'crash recovery' "$T/daemon.err" | sed 's/^.*W store\[[^]]*\]: //'
wait_line "$T/daemon.err" 'outbox\[modem0\]: down -> healthy' "$DPID" >/dev/null ||
	fail "restart: modem0 never healthy"

# Every accepted body on the network; then nothing left waiting.
all_sent() {
	ctl sent >"$T/sent.out" || return 1
	python3 - "$T/client.out" "$T/sent.out" <<'PY'
import re, sys
acc = {l.split()[3] for l in open(sys.argv[1]) if l.startswith("accepted ")}
seen = set(re.findall(r" text=(crash-\d+)$", open(sys.argv[2]).read(), re.M))
sys.exit(0 if acc <= seen else 1)
PY
}
poll_until 40 all_sent || fail "accepted messages never sent"
idle() {
	[ "$(metric smsrelay_queue_depth)" = 0 ] &&
		! api GET '/api/v1/messages?status=sending&limit=1' | grep -q '"id"'
}
poll_until 20 idle || fail "messages still waiting: $(metric smsrelay_queue_depth)"
ctl sent >"$T/sent.out" || fail "ctl sent"
kill -TERM "$DPID"
wait "$DPID" || fail "exit $? after SIGTERM"

python3 - "$T/client.out" "$T/sent.out" "$T/data/smsrelay.db" <<'PY' || fail "crash rule violated"
import collections, re, sqlite3, sys
acc = {}
for l in open(sys.argv[1]):
    if l.startswith("accepted "):
        _, n, mid, body = l.split()
        acc[int(mid)] = body
seen = collections.Counter(re.findall(r" text=(crash-\d+)$", open(sys.argv[2]).read(), re.M))
db = sqlite3.connect(sys.argv[3])
rows = {r[0]: r[1:] for r in db.execute(
    "SELECT id, body, status, possible_dup FROM messages WHERE CAST(body AS TEXT) LIKE 'crash-%'")}
dup_events = {r[0] for r in db.execute(
    "SELECT msg_id FROM message_events WHERE event LIKE 'recover: possible duplicate%'")}
bad = []
for mid, body in acc.items():
    if mid not in rows:
        bad.append("accepted id %d not in the store" % mid)
        continue
    b, status, _ = rows[mid]
    if (b.decode() if isinstance(b, bytes) else b) != body:
        bad.append("id %d holds %r, accepted %r" % (mid, b, body))
    if status not in ("sent", "delivered"):
        bad.append("id %d (%s) is %s" % (mid, body, status))
    if seen[body] < 1:
        bad.append("id %d (%s) never reached the network: LOST" % (mid, body))
by_body = {(r[0].decode() if isinstance(r[0], bytes) else r[0]): (mid, r[2]) for mid, r in rows.items()}
dups = [b for b, k in seen.items() if k > 1]
for b in dups:
    mid, pdup = by_body.get(b, (None, 0))
    if seen[b] > 2:
        bad.append("%s went out %d times" % (b, seen[b]))
    if not pdup or mid not in dup_events:
        bad.append("%s (id %s) went out twice without the crash rule's flag" % (b, mid))
flagged = sum(1 for r in rows.values() if r[2])
print("accepted %d, in the store %d, on the network %d (distinct %d), duplicates %d, "
      "flagged possible_dup %d" % (len(acc), len(rows), sum(seen.values()), len(seen),
                                   len(dups), flagged))
if len(dups) > flagged:
    bad.append("%d duplicates but only %d flagged" % (len(dups), flagged))
if bad:
    sys.exit("\n".join(bad))
PY
pass
