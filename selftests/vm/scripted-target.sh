# SPDX-License-Identifier: GPL-2.0
# Cases against the project's scripted target (selftests/target), sourced
# by VM tests after lib.sh and ini_setup, with IQN set.  A case starts the
# target with one scenario and an event monitor, logs in, arms the
# scenario (the trigger file), and checks what the initiator did.

# a port of the test's own (3300 + its number): a target another test
# left behind can never answer for this one
PORT=${KISCSI_TEST:-64}
PORT=$((3300 + 10#${PORT%%-*}))
TARGET=$KISCSI_ROOT/selftests/target/kiscsi_target.py

# start_case NAME SCENARIO [TARGET-ARGS...]: target + event monitor up
start_case() {
	CASE=$1
	local scenario=$2
	shift 2
	pdus=$KISCSI_SCRATCH/$CASE.pdus
	events=$KISCSI_SCRATCH/$CASE.events
	trigger=$KISCSI_SCRATCH/$CASE.go
	log "--- case $CASE: scenario $scenario"
	/usr/bin/python3 "$TARGET" --port $PORT --iqn "$IQN" --size-mb 16 --log "$pdus" \
		--scenario "$scenario" --trigger-file "$trigger" "$@" \
		>"$KISCSI_SCRATCH/$CASE.target" 2>&1 &
	tpid=$!
	wait_for 60 grep -q listening "$pdus" ||
		fail "$CASE: target did not start: $(cat "$KISCSI_SCRATCH/$CASE.target")"
	"$KISCSI" monitor --json >"$events" 2>"$events.err" &
	mpid=$!
	wait_for 10 grep -q listening "$events.err" || fail "$CASE: no monitor"
}

# login_case [LOGIN-ARGS...]: log in, disk up, then strike.  A short
# recovery timeout: I/O held by a failed connection ends soon.
login_case() {
	sid=$(ini_login "127.0.0.1:$PORT" "$IQN" --recovery-timeout 5 "$@") || exit 1
	dev=$(wait_disk "$sid" 0) || exit 1
	touch "$trigger"
}

end_case() {
	timeout 60 "$KISCSI" logout --all >/dev/null 2>&1
	wait_for 30 sh -c '! pidof dd' || fail "$CASE: a read is still stuck after logout"
	kill "$tpid" "$mpid" 2>/dev/null
	wait "$tpid" "$mpid" 2>/dev/null
	[ -z "$(ls /sys/class/iscsi_session/ 2>/dev/null)" ] || fail "$CASE: session left after logout"
	! grep 'cmdsn-order violation' "$pdus" || fail "$CASE: commands left out of CmdSN order"
	! grep 'cmdsn-window violation' "$pdus" || fail "$CASE: commands sent past MaxCmdSN"
}

# expect_event JQ-CONDITION [SECONDS]: an event satisfying it comes
expect_event() {
	wait_for "${2:-20}" json_event "$events" "$1" || {
		sed 's/^/#   /' "$events" >&2
		fail "$CASE: no event with $1"
	}
}

expect_failed() {	# REASON
	expect_event ".event == \"conn_failed\" and .reason == \"$1\"" "${2:-20}"
	wait_for 10 not_logged_in ||
		fail "$CASE: session still logged in after the connection failed"
}

not_logged_in() {
	[ "$(kiscsi_json "$sid" ".state")" != logged-in ]
}

expect_alive() {
	[ "$(kiscsi_json "$sid" ".state")" = logged-in ] || fail "$CASE: session not logged in"
	[ "$(kiscsi_json "$sid" ".stats.conn_failures")" = 0 ] || fail "$CASE: the connection failed"
	must dd if="$dev" of=/dev/null bs=4k count=4 iflag=direct status=none
}

stat_at_least() {	# NAME N
	local v
	v=$(kiscsi_json "$sid" ".stats.$1")
	[ "${v:-0}" -ge "$2" ] || fail "$CASE: stats $1 is ${v:-0}, not >= $2"
}

# one read in the background: it may be held by a failing connection
poke() { dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null & }

