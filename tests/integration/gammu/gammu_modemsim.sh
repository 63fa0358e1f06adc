#!/bin/bash
# Acceptance: Gammu's CLI with "connection = at" on modemsim's pty must
# identify, read network info, send text / unicode / 400-character
# messages, list received messages and delete them. Every step is bounded
# by a timeout; nothing sleeps: we wait on modemsim's "ready" line and on
# the control socket.
set -u
MODEMSIM=${1:?usage: gammu_modemsim.sh path/to/modemsim}
GAMMU=$(command -v gammu) || { echo "gammu not installed: skipped"; exit 77; }
STEP_TIMEOUT=60

tmp=$(mktemp -d /tmp/gammu-modemsim.XXXXXX)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	exec 3<&- 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	echo "--- modemsim stderr:" >&2
	tail -n 30 "$tmp/err" >&2
	exit 1
}

ctl() { timeout 30 "$MODEMSIM" ctl "$tmp/ctl" "$@"; }

gam() {
	timeout "$STEP_TIMEOUT" "$GAMMU" -c "$tmp/gammurc" "$@" >"$tmp/gammu.out" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || { cat "$tmp/gammu.out" >&2; fail "gammu $1 exited $rc"; }
}

mkfifo "$tmp/out"
"$MODEMSIM" --link "$tmp/modem" --control "$tmp/ctl" --number +491511234567 \
	--report-delay -1 >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 3<"$tmp/out"
ready=
while IFS= read -r -t 20 -u 3 line; do
	case $line in
	ready) ready=1; break ;;
	modem\ 0\ *) echo "modemsim: $line" ;;
	esac
done
[ -n "$ready" ] || fail "modemsim did not print ready"
[ -L "$tmp/modem" ] || fail "no symlink at $tmp/modem"

cat >"$tmp/gammurc" <<CONF
[gammu]
device = $tmp/modem
connection = at
logfile = $tmp/gammu.log
logformat = textall
CONF

# 1. identify
gam identify
grep -q "Manufacturer *: SMSRELAY" "$tmp/gammu.out" || fail "identify: manufacturer"
grep -q "IMEI *: [0-9]\{15\}" "$tmp/gammu.out" || fail "identify: IMEI"
grep -q "SIM IMSI *: 26299" "$tmp/gammu.out" || fail "identify: IMSI"
echo "ok identify"

# 2. networkinfo
gam networkinfo
grep -q "Network state *: home network" "$tmp/gammu.out" || fail "networkinfo: state"
grep -q "262 99" "$tmp/gammu.out" || fail "networkinfo: operator code"
echo "ok networkinfo"

# 3. sendsms, plain text: it must reach the outside world log
gam sendsms TEXT +441234567 -text "Hello from Gammu"
grep -q "OK, message reference=" "$tmp/gammu.out" || fail "sendsms: no reference"
ctl "wait 10000 sent 1" >/dev/null || fail "sendsms: nothing submitted"
ctl sent >"$tmp/sent" || fail "ctl sent"
grep -q "to=+441234567 .*enc=gsm7 .*text=Hello from Gammu$" "$tmp/sent" ||
	fail "sendsms: not in the outside log: $(cat "$tmp/sent")"
echo "ok sendsms text"

# 4. sendsms -unicode
gam sendsms TEXT +441234567 -unicode -text "Grüße €"
ctl "wait 10000 sent 2" >/dev/null || fail "unicode: nothing submitted"
ctl "sent 1" >"$tmp/sent" || fail "ctl sent"
grep -q "enc=ucs2 .*text=Grüße €$" "$tmp/sent" || fail "unicode: $(cat "$tmp/sent")"
echo "ok sendsms unicode"

# 5. sendsms -len 400: three concatenated parts with one reference
long=$(printf 'L%.0s' $(seq 400))
gam sendsms TEXT +441234567 -len 400 -text "$long"
ctl "wait 10000 sent 5" >/dev/null || fail "multipart: not all parts submitted"
ctl "sent 2" >"$tmp/sent" || fail "ctl sent"
[ "$(grep -c "total=3 " "$tmp/sent")" -eq 3 ] || fail "multipart: $(cat "$tmp/sent")"
for part in 1 2 3; do
	grep -q "total=3 part=$part " "$tmp/sent" || fail "multipart: part $part missing"
done
[ "$(grep -o ' ref=[0-9]*' "$tmp/sent" | sort -u | wc -l)" -eq 1 ] ||
	fail "multipart: parts with different references"
echo "ok sendsms multipart"

# 6. getallsms: a single message and a two-part one delivered out of order
ctl "sms 0 +4930123456 Inbound hello" >/dev/null || fail "inject single"
ctl "sms 0 +4930999888 --order=2,1 $(printf 'M%.0s' $(seq 200))" >/dev/null ||
	fail "inject multipart"
ctl "wait 10000 idle 0" >/dev/null || fail "injected messages not delivered"
gam getallsms
grep -q "Inbound hello" "$tmp/gammu.out" || fail "getallsms: single message missing"
grep -q '"+4930123456"' "$tmp/gammu.out" || fail "getallsms: sender missing"
grep -q "part 1 of 2" "$tmp/gammu.out" || fail "getallsms: part 1 missing"
grep -q "part 2 of 2" "$tmp/gammu.out" || fail "getallsms: part 2 missing"
grep -q "^3 SMS parts" "$tmp/gammu.out" || fail "getallsms: expected 3 parts"
echo "ok getallsms"

# 7. deletesms: location 1 of the SIM inbox goes, the others stay
ctl "stored 0 SM" >"$tmp/stored" || fail "ctl stored"
grep -q "index=1 " "$tmp/stored" || fail "deletesms: nothing at index 1"
gam deletesms 1 1
ctl "stored 0 SM" >"$tmp/stored" || fail "ctl stored"
grep -q "index=1 " "$tmp/stored" && fail "deletesms: index 1 still stored"
[ "$(grep -c '^stored ' "$tmp/stored")" -eq 2 ] || fail "deletesms: $(cat "$tmp/stored")"
gam getallsms
grep -q "Inbound hello" "$tmp/gammu.out" && fail "deletesms: message still listed"
echo "ok deletesms"

echo "gammu_modemsim: 7 passed, 0 failed"
exit 0
