#!/usr/bin/env bash
# smsrelayd serving HTTPS (the production set-up: [api] tls_cert/tls_key,
# libmicrohttpd's GnuTLS): the ready line names https, plain HTTP to the
# port gets no HTTP answer, and messages created over TLS (suspended while
# their group commit runs: app/api/async.c) are answered 202, reach the
# simulated network, and the daemon stops cleanly with all of them stored.
. "$(dirname "$0")/lib.sh" "$@"

need openssl curl sqlite3
make_board
start_modemsim

# A throw-away certificate for 127.0.0.1, made now.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$T/key.pem" -out "$T/cert.pem" -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" >"$T/openssl.log" 2>&1 || fail "openssl req"

EXTRA_API=$"tls_cert = $T/cert.pem
tls_key = $T/key.pem" start_daemon
[ "$URL" = "https://127.0.0.1:$PORT" ] || fail "ready line: $URL, want https"

code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/health")
[ "$code" = 000 ] || fail "plain HTTP to the HTTPS port got HTTP $code"

wait_line "$T/daemon.err" 'modem0\]: registering -> ready' "$DPID" >/dev/null ||
	fail "modem0 never ready"
for i in 1 2 3 4 5; do
	code=$(curl -s -o "$T/post$i.json" -w '%{http_code}' --max-time 10 --cacert "$T/cert.pem" \
		-H "Authorization: Bearer $SMSRELAY_ADMIN_TOKEN" -H 'Content-Type: application/json' \
		-d "{\"to\":\"+44770090010$i\",\"body\":\"over TLS $i\"}" "$URL/api/v1/messages") ||
		fail "POST $i over TLS"
	[ "$code" = 202 ] || fail "POST $i over TLS: HTTP $code $(cat "$T/post$i.json")"
done
"$MODEMSIM" ctl "$T/modemsim.sock" "wait 20000 sent 5" >/dev/null ||
	fail "the messages never reached the network"

kill -TERM "$DPID"
wait "$DPID"
rc=$?
[ "$rc" = 0 ] || fail "SIGTERM: exit $rc, want 0"
n=$(sqlite3 "$T/data/smsrelay.db" "SELECT COUNT(*) FROM messages WHERE CAST(body AS TEXT) LIKE 'over TLS %'")
[ "$n" = 5 ] || fail "$n of 5 messages stored"
echo "ok: HTTPS, 5 messages over TLS sent, clean stop"
