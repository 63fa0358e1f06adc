# shellcheck shell=bash
# Sourced by scripts/demo, tests/integration/firmware/lib.sh and
# tests/bench/api/daemon.sh: waiting on what a process prints, never on
# time (the timeout is only a cap).

# wait_lines SECONDS FILE REGEX COUNT PID: until FILE has COUNT lines
# matching REGEX (counting from its first line), at most SECONDS and only
# while PID lives. Prints the last matching line; returns 0 when COUNT were
# seen, 1 otherwise.
wait_lines() {
	local line last='' fd tpid n=0
	[ "$4" -le 0 ] && return 0
	exec {fd}< <(exec timeout "$1" tail -n +1 -F --pid="$5" "$2" 2>/dev/null)
	tpid=$!
	while IFS= read -r -u "$fd" line; do
		if [[ $line =~ $3 ]]; then
			last=$line
			n=$((n + 1))
			[ "$n" -ge "$4" ] && break
		fi
	done
	kill "$tpid" 2>/dev/null || true
	exec {fd}<&-
	[ "$n" -ge "$4" ] || return 1
	printf '%s\n' "$last"
}
