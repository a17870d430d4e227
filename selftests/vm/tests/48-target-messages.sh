#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a target sends unasked, and PDUs that are wrong, from the project's
# own scripted target (selftests/target): each Async Message kind, Rejects
# of a command and of the protocol, an unknown opcode, a Logout Response
# out of the blue, bad header and data digests, a target that stops
# answering (NOP-Out timeout) and one that never answers task management.
# Each must end as RFC 7143 and the kernel's events say: forwarded to the
# events group with its parameters, then the session carries on, or the
# connection fails into recovery with the right reason, never a kernel
# report.
# timeout: 900
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:messages
PORT=3264
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

# SCSI event with REPORTED LUNS DATA HAS CHANGED: forwarded, rescanned
start_case scsi-event async-scsi-event
login_case
expect_event '.event == "async" and .async_event == 0 and ((.sense // "")[:2]) == "70"'
expect_event '.event == "rescan"'
expect_alive
stat_at_least async_events 1
stat_at_least rescans 1
end_case

# logout requested: the initiator logs the connection out, then recovers
start_case logout-request async-logout-request
login_case --noop-interval 0
expect_event '.event == "async" and .async_event == 1 and .async_param3 == 2'
wait_for 20 grep -qE 'rx logout-req .*reason=1 ' "$pdus" ||
	fail "$CASE: no Logout (close the connection) after the target asked for it"
expect_failed target_logout
end_case

for c in drop-conn drop-all; do
	start_case "$c" "async-$c"
	login_case
	expect_event '.event == "async" and (.async_event == 2 or .async_event == 3) and .async_param2 == 2'
	expect_failed target_logout
	end_case
done

# CAPACITY DATA HAS CHANGED on a command: the disk's new size is read
start_case capacity capacity-changed
login_case
size0=$(blockdev --getsize64 "$dev")
poke
expect_event '.event == "rescan"'
wait_for 20 sh -c "[ \$(blockdev --getsize64 $dev) -eq $((size0 + (8 << 20))) ]" ||
	fail "$CASE: $dev is still $(blockdev --getsize64 "$dev") bytes, not $((size0 + (8 << 20)))"
expect_alive
end_case

start_case renegotiate async-renegotiate
login_case
expect_event '.event == "async" and .async_event == 4 and .async_param3 == 5'
expect_alive
end_case

start_case unknown-opcode unknown-opcode
login_case
expect_failed protocol
stat_at_least protocol_errors 1
end_case

start_case stray-logout-rsp logout-rsp-unsolicited
login_case
expect_failed protocol
end_case

# a command refused: that command fails (the midlayer retries it), the
# session stays
start_case reject-cmd reject-cmd-not-supported
login_case
poke
expect_event '.event == "reject" and .reject_reason == 5 and .rejected_opcode == 1'
expect_alive
stat_at_least rejects 1
end_case

for r in protocol-error:protocol data-digest:data_digest; do
	start_case "reject-${r%%:*}" "reject-${r%%:*}"
	login_case
	poke
	expect_failed "${r#*:}"
	end_case
done

for d in header data; do
	start_case "bad-$d-digest" "bad-$d-digest" --digests crc32c
	login_case --header-digest crc32c --data-digest crc32c
	poke
	expect_failed "${d}_digest"
	stat_at_least digest_errors 1
	end_case
done

# a target that stops answering is declared dead within interval + timeout
start_case hang hang
login_case --noop-interval 1 --noop-timeout 2
poke
expect_failed nop_timeout 30
end_case

# task management never answered: each level times out and escalates, the
# host reset drops the connection
start_case tmf-silent no-answer-to-tmf
login_case --tmf-timeout 2 --recovery-timeout 3 --noop-interval 0
sg_reset --device "$dev" >/dev/null 2>&1 && fail "$CASE: reset succeeded without an answer"
stat_at_least tmf_timeouts 1
expect_event '.event == "tmf" and .tmf_function == 5 and .tmf_response == 255'
expect_failed local 30
end_case
exit 0
