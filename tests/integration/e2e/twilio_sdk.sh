#!/usr/bin/env bash
# The Twilio-compatible endpoint used by the official twilio-node SDK (only
# its base URL changed, twilio-node/sdk_test.js): create (form post, Basic
# AccountSid:token), the message reaches the simulated network, fetch by
# Sid, list with PageSize following next_page_uri (page by page and the
# SDK's auto-paging), To filter, and Twilio's error codes (21211, 21602,
# 20404, 20003) as the SDK's RestException. Skipped (77) when node or the
# SDK is not installed (scripts/install-deps: npm ci in twilio-node/).
. "$(dirname "$0")/lib_e2e.sh" "$@"
SDK=$E2E_DIR/twilio-node
if ! command -v node >/dev/null || [ ! -f "$SDK/node_modules/twilio/package.json" ]; then
	echo "SKIP: node or the twilio SDK is missing (npm ci --prefix $SDK)"
	exit 77
fi

make_board
start_modemsim
start_daemon
wait_line "$T/daemon.err" 'outbox\[modem0\]: down -> healthy' "$DPID" >/dev/null ||
	fail "modem0 never healthy"
SMSRELAY_URL=$URL TWILIO_ACCOUNT_SID=$TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN=$TWILIO_AUTH_TOKEN \
	MODEMSIM=$MODEMSIM MODEMSIM_SOCK=$T/modemsim.sock \
	timeout 60 node "$SDK/sdk_test.js" >"$T/sdk.log" 2>&1 || fail "SDK test: $(cat "$T/sdk.log")"
grep -qx PASS "$T/sdk.log" || fail "SDK test: $(cat "$T/sdk.log")"
kill -TERM "$DPID"
wait "$DPID" || fail "exit $? after SIGTERM"
pass
