#!/usr/bin/env bash
# smsrelayd --check-config: the example config on boards/sim is accepted;
# bad configs and boards exit 1 with one FILE:LINE error; nothing starts.
. "$(dirname "$0")/lib.sh" "$@"

out=$("$SMSRELAYD" --check-config --config "$SRC/firmware/smsrelayd.conf.example" \
	--board "$SRC/boards/sim/board.conf" 2>"$T/ok.err") ||
	fail "example config refused: $(cat "$T/ok.err")"
[[ $out == *": OK (board sim"* ]] || fail "no OK line: $out"

# A value out of range: exit 1, FILE:LINE naming the key.
printf '[daemon]\nlog = info\n\n[api]\nport = 70000\n' >"$T/bad.conf"
"$SMSRELAYD" --check-config --config "$T/bad.conf" --board "$SRC/boards/sim/board.conf" \
	>"$T/bad.out" 2>"$T/bad.err"
rc=$?
[ "$rc" = 1 ] || fail "bad config: exit $rc, want 1"
grep -q "$T/bad.conf:5: port" "$T/bad.err" || fail "no FILE:LINE error: $(cat "$T/bad.err")"
[ ! -s "$T/bad.out" ] || fail "bad config printed on stdout"

# An unknown key.
printf '[api]\nprot = 8080\n' >"$T/typo.conf"
"$SMSRELAYD" --check-config --config "$T/typo.conf" --board "$SRC/boards/sim/board.conf" \
	2>"$T/typo.err" >/dev/null && fail "unknown key accepted"
grep -q "$T/typo.conf:2:" "$T/typo.err" || fail "unknown key: $(cat "$T/typo.err")"

# A [modem.NAME] the board does not have: the cross-check names the line.
printf '[modem.modem7]\npriority = 5\n' >"$T/nomodem.conf"
"$SMSRELAYD" --check-config --config "$T/nomodem.conf" --board "$SRC/boards/sim/board.conf" \
	2>"$T/nomodem.err" >/dev/null && fail "unknown modem accepted"
grep -q "$T/nomodem.conf:1:" "$T/nomodem.err" || fail "unknown modem: $(cat "$T/nomodem.err")"

# A broken board file: its own FILE:LINE.
printf '[board]\nname = x\nhal = nonsense\n' >"$T/board.conf"
printf '[daemon]\nlog = info\n' >"$T/empty.conf"
"$SMSRELAYD" --check-config --config "$T/empty.conf" --board "$T/board.conf" 2>"$T/board.err" &&
	fail "bad board accepted"
grep -q "$T/board.conf:3:" "$T/board.err" || fail "bad board: $(cat "$T/board.err")"

# A missing config file.
"$SMSRELAYD" --check-config --config "$T/none.conf" 2>"$T/none.err" && fail "missing file accepted"
grep -q "$T/none.conf" "$T/none.err" || fail "missing file: $(cat "$T/none.err")"

# Bad usage is exit 2.
"$SMSRELAYD" --no-such-flag >/dev/null 2>&1
[ $? = 2 ] || fail "bad flag: want exit 2"
echo "PASS"
