#!/usr/bin/env bash
# Footprint benchmark (issue 7 item 5): prints
#   - binary sizes of smsrelayd, modemsim, smsctl (as built, and stripped);
#   - start-to-ready time on boards/sim (fork of smsrelayd to its
#     `ready api=` line on a pipe; BENCH_READY_RUNS runs, default 7; median);
#   - idle RSS (VmRSS, VmHWM) BENCH_SETTLE_S (3) seconds after ready;
#   - idle wake-ups per second: voluntary + involuntary context switches
#     of every thread (/proc/PID/task/*/status) over BENCH_IDLE_S (10) s,
#     per thread and in all;
#   - RSS under load: VmRSS sampled every 0.2 s while wrk sends
#     POST /api/v1/messages on 64 connections for BENCH_DURATION (10) s
#     (tests/bench/api/post_messages.lua), and VmHWM afterwards.
#
#   tests/bench/footprint/bench_footprint.sh [BIN_DIR]   (default: build/bin)
#
# The daemon runs with modemsim's two modems on boards/sim, config of
# tests/bench/api/daemon.sh (log level warn) but with the product's default
# of 2 API threads (docs/config.md) unless BENCH_API_THREADS says otherwise:
# each extra MHD thread costs its stack pages. Figures only: nothing is
# asserted.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${1:-$ROOT/build/bin}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
RUNS=${BENCH_READY_RUNS:-7}
SETTLE=${BENCH_SETTLE_S:-3}
IDLE=${BENCH_IDLE_S:-10}
DUR=${BENCH_DURATION:-10}

for b in smsrelayd modemsim; do
	[ -x "$BIN/$b" ] || { echo "bench_footprint: $BIN/$b is missing (build first)" >&2; exit 1; }
done

BENCH_API_THREADS=${BENCH_API_THREADS:-2}
. "$ROOT/tests/bench/api/daemon.sh"

# ---- binary sizes -------------------------------------------------------------
for b in smsrelayd modemsim smsctl; do
	f=$BIN/$b
	if [ ! -x "$f" ]; then
		echo "footprint size $b missing"
		continue
	fi
	strip -o "$BT/$b.stripped" "$f"
	read -r text data bss _ < <(size "$BT/$b.stripped" | tail -n 1)
	printf 'footprint size %-10s bytes=%d stripped_bytes=%d text=%d data=%d bss=%d\n' \
		"$b" "$(stat -c %s "$f")" "$(stat -c %s "$BT/$b.stripped")" "$text" "$data" "$bss"
done

bench_start_modemsim
# The first start creates and migrates the store and makes the admin token
# (bench_start_daemon); the timed runs below start on that store, as an
# appliance does after its first boot.
bench_start_daemon
echo "footprint first-start ready_ms=$READY_MS (store created; includes the wait on the log file)"
bench_stop_daemon

# ---- start to ready --------------------------------------------------------
# The ready line is read from a pipe, so the figure is fork -> line read.
times=()
for ((i = 0; i < RUNS; i++)); do
	t0=$(date +%s%N)
	exec {rfd}< <(exec "$BIN/smsrelayd" --config "$BT/smsrelayd.conf" --print-ready-line 2>>"$BT/ready.err")
	rpid=$!
	if IFS= read -r -t "$BENCH_WAIT_S" -u "$rfd" line && [[ $line == ready* ]]; then
		t1=$(date +%s%N)
		times+=("$(((t1 - t0) / 1000))")
	else
		echo "footprint ready run $i: no ready line" >&2
	fi
	kill -TERM "$rpid" 2>/dev/null
	# The process substitution is not our child: wait for it by polling.
	while kill -0 "$rpid" 2>/dev/null; do sleep 0.05; done
	exec {rfd}<&-
done
if [ ${#times[@]} -gt 0 ]; then
	mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
	n=${#sorted[@]}
	printf 'footprint ready runs=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f all_us=%s\n' "$n" \
		"$(bc -l <<<"${sorted[n / 2]} / 1000")" "$(bc -l <<<"${sorted[0]} / 1000")" \
		"$(bc -l <<<"${sorted[n - 1]} / 1000")" "$(IFS=,; echo "${times[*]}")"
fi

# ---- idle --------------------------------------------------------------------
bench_start_daemon
sleep "$SETTLE" # let start-up work (modem init, first polls) finish
# RssFile is mostly shared libraries' pages (shared with other processes);
# Pss divides shared pages by their users.
printf 'footprint idle-rss VmRSS_kB=%s VmHWM_kB=%s RssAnon_kB=%s RssFile_kB=%s Pss_kB=%s threads=%s\n' \
	"$(bench_status_kb "$DPID" VmRSS)" "$(bench_status_kb "$DPID" VmHWM)" \
	"$(bench_status_kb "$DPID" RssAnon)" "$(bench_status_kb "$DPID" RssFile)" \
	"$(awk '$1 == "Pss:" { print $2 }' "/proc/$DPID/smaps_rollup" 2>/dev/null)" \
	"$(bench_status_kb "$DPID" Threads)"
# The largest resident mappings, to say where the RSS is.
awk '/^[0-9a-f]+-/ { name = $6 == "" ? "[anon]" : $6 } /^Rss:/ { r[name] += $2 }
	END { for (n in r) print r[n], n }' "/proc/$DPID/smaps" | sort -rn | head -n 6 |
	while read -r kb name; do echo "footprint idle-rss-top kB=$kb $name"; done

# ctx_switches: "TID COMM TOTAL" per thread of DPID.
ctx_switches() {
	local t
	for t in /proc/"$DPID"/task/*; do
		awk -v tid="${t##*/}" -v comm="$(tr ' ' _ <"$t/comm")" \
			'/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 }
			 END { print tid, comm, n }' "$t/status"
	done
}
ctx_switches >"$BT/ctx0"
sleep "$IDLE"
ctx_switches >"$BT/ctx1"
join "$BT/ctx0" "$BT/ctx1" 2>/dev/null | awk -v s="$IDLE" '
	{ d = $5 - $3; all += d
	  printf "footprint idle-wakeups thread=%s comm=%s per_s=%.2f\n", $1, $2, d / s }
	END { printf "footprint idle-wakeups all_threads per_s=%.2f over_s=%d\n", all / s, s }'

# ---- under load -----------------------------------------------------------------
if command -v wrk >/dev/null; then
	export BENCH_TOKEN=$SMSRELAY_ADMIN_TOKEN BENCH_THREADS=2 BENCH_SEND_AT=2099-01-01T00:00:00Z
	wrk -t2 -c64 -d"${DUR}s" -s "$ROOT/tests/bench/api/post_messages.lua" "$URL" \
		>"$BT/wrk.out" 2>&1 &
	wpid=$!
	max=0
	while kill -0 "$wpid" 2>/dev/null; do
		r=$(bench_status_kb "$DPID" VmRSS)
		[ "${r:-0}" -gt "$max" ] && max=$r
		sleep 0.2
	done
	wait "$wpid"
	printf 'footprint load-rss conns=64 duration_s=%s max_VmRSS_kB=%s VmHWM_kB=%s RssAnon_kB=%s %s\n' "$DUR" "$max" \
		"$(bench_status_kb "$DPID" VmHWM)" "$(bench_status_kb "$DPID" RssAnon)" "$(grep '^BENCH' "$BT/wrk.out" | grep -o 'accepted_per_s=[0-9]*')"
else
	echo "footprint load-rss skipped: wrk is missing (scripts/install-deps)"
fi
bench_stop_daemon
