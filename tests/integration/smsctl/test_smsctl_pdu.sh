#!/bin/sh
# smsctl pdu decode/encode: exact output for fixture PDUs (sources cited in
# tests/fixtures/sms/pdus.txt), one stderr line and a non-zero exit for bad
# input. Usage: test_smsctl_pdu.sh PATH/TO/smsctl
set -u
SMSCTL=$1
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_out EXPECTED ARGS...: exit 0, stdout exactly EXPECTED, stderr empty
expect_out() {
    want=$1
    shift
    "$SMSCTL" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    got=$(cat "$tmp/out")
    if [ $rc -ne 0 ] || [ "$got" != "$want" ] || [ -s "$tmp/err" ]; then
        bad "smsctl $* -> rc=$rc"
        echo "  want: $want"
        echo "  got:  $got"
        cat "$tmp/err"
    else
        ok
    fi
}

# expect_fail ARGS...: non-zero exit, nothing on stdout, exactly one stderr line
expect_fail() {
    "$SMSCTL" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ $rc -eq 0 ] || [ -s "$tmp/out" ] || [ "$lines" -ne 1 ]; then
        bad "smsctl $* should fail with one line (rc=$rc, $lines lines)"
    else
        ok
    fi
}

# ModemManager test_pdu3_natl: national number, zero offset prints +00:00
expect_out '{"type": "deliver", "smsc": "+12345678901", "number": "18005551212", "text": "hellohello", "encoding": "gsm7", "timestamp": "2011-01-01T12:34:56+00:00", "concat": null}' \
    pdu decode 07912143658709F1040B818100551512F20000111010214365000AE8329BFD4697D9EC37
# ModemManager test_pdu2: alphanumeric sender, UCS-2
expect_out '{"type": "deliver", "smsc": "+79037011111", "number": "InternetSMS", "text": "тест", "encoding": "ucs2", "timestamp": "2011-03-29T19:20:04+04:00", "concat": null}' \
    pdu decode 07919730071111F10414D04937BD2C7797E9D3E614000811309291024061080442043504410442
# ModemManager test_pdu_multipart part 2: concat, negative offset
expect_out '{"type": "deliver", "smsc": "+12063130026", "number": "+16175046925", "text": "that the parts are related to one another. ", "encoding": "gsm7", "timestamp": "2012-04-25T19:56:51-04:00", "concat": {"ref": 76, "total": 2, "seq": 2}}' \
    pdu decode 07912160130320F6440B916171056429F5000021405291651569320500034C0202E9E8301D44479741F0B09C3E0785E56590BCCC0ED3CB6410FD0D7ABBCBA0B0FB4D4797E52E10
# ModemManager test_pdu_not_stored: status report
expect_out '{"type": "status-report", "smsc": "+34656000311", "number": "639337937", "encoding": "gsm7", "timestamp": "2012-09-11T07:40:36+02:00", "concat": null, "status": 48, "reference": 90}' \
    pdu decode 07914356060013F1065A098136397339F7219011700463802190117004638030
# python-gsmmodem: SUBMIT with 8-bit data, lower-case hex input
expect_out '{"type": "submit", "smsc": "+2781191", "number": "+27821234567", "text": "48656C6C6F20776F726C6421", "encoding": "8bit", "concat": null, "reference": 0}' \
    pdu decode 0591721891f101000b917228214365f700040c48656c6c6f20776f726c6421
# python-gsmmodem: status report without SMSC
expect_out '{"type": "status-report", "smsc": null, "number": "+31628870634", "encoding": "gsm7", "timestamp": "2011-01-11T17:59:15+01:00", "concat": null, "status": 0, "reference": 214}' \
    pdu decode 0006D60B911326880736F4111011719551401110117195714000

# encode: ModemManager test_create_pdu_gsm_no_validity
expect_out '[{"pdu": "0001000B915155661632F400001954747A0E4ACF41F27298CDCE83C6EF371B0481402010", "length": 35}]' \
    pdu encode --to +15556661234 'This is really cool ΔΔΔΔΔ'
# encode with SMSC, report, forced UCS-2
expect_out '[{"pdu": "07919130079229F021000481103200080400680069", "length": 13}]' \
    pdu encode --to 0123 --smsc +19037029920 --report --encoding ucs2 'hi'
# auto picks UCS-2 for an emoji
expect_out '[{"pdu": "0001000B915155661632F4000804D83DDE00", "length": 17}]' \
    pdu encode --to +15556661234 '😀'

# encode | decode: a 2-part text comes back in two parts with the same ref
long=$(printf 'x%.0s' $(seq 1 200))
"$SMSCTL" pdu encode --to +4915112345678 "$long" >"$tmp/enc" 2>"$tmp/err" || bad "encode long"
n=$(grep -o '"pdu"' "$tmp/enc" | wc -l)
[ "$n" -eq 2 ] && ok || bad "200 chars should be 2 parts, got $n"
for p in $(sed 's/"pdu": "\([0-9A-F]*\)"/\n\1\n/g' "$tmp/enc" | grep -E '^[0-9A-F]+$'); do
    "$SMSCTL" pdu decode "$p" >"$tmp/dec" 2>&1 && grep -q '"total": 2' "$tmp/dec" && ok ||
        bad "decode of encoded part $p"
done

# malformed input: one line on stderr, non-zero exit
expect_fail pdu decode 0
expect_fail pdu decode 07912143658709F1040B9181005515
expect_fail pdu decode ZZ
expect_fail pdu decode 07912143658709F1070B918100551512F20000111010214365000AE8329BFD4697D9EC37
expect_fail pdu decode 0041010C910661345542F60008A0050003000301306F3044
expect_fail pdu decode 07912143658709F1440B918100551512F2000411101021436500050305000301
expect_fail pdu decode
expect_fail pdu encode --to +49 --encoding gsm7 '你好'
expect_fail pdu encode --to 'abc' hi
expect_fail pdu encode --to +49 --encoding latin1 hi
expect_fail pdu encode hi
expect_fail pdu frobnicate
expect_fail nosuchcommand

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
