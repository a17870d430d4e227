#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a target sends unasked, and PDUs that are wrong, from the project's
# own scripted target (selftests/target): each Async Message kind, Rejects
# of a command and of the protocol, an unknown opcode, a Logout Response
# out of the blue, bad header and data digests, a target that stops
# answering (NOP-Out timeout), one that answers task management slowly
# (one request at a time) and one that never answers it.
# Each must end as RFC 7143 and the kernel's events say: forwarded to the
# events group with its parameters, then the session carries on, or the
# connection fails into recovery with the right reason, never a kernel
# report.
# timeout: 900
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:messages

. "$KISCSI_ROOT/selftests/vm/scripted-target.sh"

# SCSI event with REPORTED LUNS DATA HAS CHANGED: forwarded, rescanned
start_case scsi-event async-scsi-event
login_case
expect_event '.event == "async" and .async_event == 0 and ((.sense // "")[:2]) == "70"'
expect_event '.event == "rescan"'
expect_alive
stat_at_least async_events 1
stat_at_least rescans 1
end_case

# logout requested: the initiator logs the connection out, then recovers.
# The target's close may be seen before its Logout Response is read, or
# come with no response at all: it ends the same way, as the logout the
# target asked for.
for answer in respond close; do
	start_case "logout-request-$answer" async-logout-request --logout-answer "$answer"
	login_case --noop-interval 0
	expect_event '.event == "async" and .async_event == 1 and .async_param3 == 2'
	wait_for 20 grep -qE 'rx logout-req .*reason=1 ' "$pdus" ||
		fail "$CASE: no Logout (close the connection) after the target asked for it"
	expect_failed target_logout
	end_case
done

for c in drop-conn:2 drop-all:3; do
	start_case "${c%:*}" "async-${c%:*}"
	login_case
	expect_event ".event == \"async\" and .async_event == ${c#*:} and .async_param2 == 2"
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

# renegotiation: no Text Request (the kernel parses no keys); the
# connection is logged out as for a logout request, a relogin negotiates
start_case renegotiate async-renegotiate
login_case --noop-interval 0
expect_event '.event == "async" and .async_event == 4 and .async_param3 == 5'
wait_for 20 grep -qE 'rx logout-req .*reason=1 ' "$pdus" ||
	fail "$CASE: no Logout (close the connection) after the target asked to renegotiate"
expect_failed target_logout
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
	[ "${r#*:}" = data_digest ] && stat_at_least digest_errors 1
	end_case
done

# the target is waiting for a logout: the initiator logs the connection out
start_case reject-waiting reject-waiting-for-logout
login_case --noop-interval 0
poke
expect_event '.event == "reject" and .reject_reason == 12'
wait_for 20 grep -qE 'rx logout-req .*reason=1 ' "$pdus" ||
	fail "$CASE: no Logout after a Reject saying the target waits for one"
expect_failed target_logout
end_case

for d in header data; do
	start_case "bad-$d-digest" "bad-$d-digest" --digests crc32c
	login_case --header-digest crc32c --data-digest crc32c
	poke
	expect_failed "${d}_digest"
	stat_at_least digest_errors 1
	end_case
done

# a target that stops answering is declared dead within interval + timeout
# of the command it swallowed (kernel log times, 1 s for the log itself,
# times the runner's scale on a slow kernel)
start_case hang hang
login_case --noop-interval 1 --noop-timeout 2
echo "kiscsi-test: $CASE poke" >/dev/kmsg
poke
expect_failed nop_timeout 30
took=$(dmesg | awk -v c="kiscsi-test: $CASE poke" '
	{ t = substr($0, 2, index($0, "]") - 2) + 0 }
	index($0, c) { t0 = t }
	t0 != "" && /connection failed: the target stopped answering NOP-Out pings/ { printf "%.2f", t - t0; exit }')
log "$CASE: declared dead ${took:-?} s after the command it swallowed"
[ -n "$took" ] || fail "$CASE: no 'connection failed' line after the marker"
awk -v t="$took" -v s="$TIME_SCALE" 'BEGIN { exit !(t <= 1 + 2 + s) }' ||
	fail "$CASE: declared dead after $took s, not within interval 1 s + timeout 2 s (+ $TIME_SCALE s)"
end_case

# one task management request at a time: two resets at once, each answered
# 1.5 s late, never overlap on the wire, and both complete; then a TARGET
# WARM RESET the target supports
start_case tmf-serial slow-tmf
login_case --noop-interval 0 --tmf-timeout 10
# sg_reset opens the disk O_NDELAY, and the midlayer answers EAGAIN to a
# reset asked for while another is in progress on the host
# (scsi_ioctl_block_when_processing_errors): only a pair that both got
# past that check reaches the driver together. Try a few pairs for one.
resets=0 together=0
for attempt in 1 2 3 4 5; do
	sg_reset --device "$dev" >"$KISCSI_SCRATCH/$CASE.r1" 2>&1 &
	r1=$!
	sg_reset --device "$dev" >"$KISCSI_SCRATCH/$CASE.r2" 2>&1 &
	r2=$!
	done_pair=0
	for r in "$r1:r1" "$r2:r2"; do
		if wait "${r%:*}"; then
			resets=$((resets + 1))
			done_pair=$((done_pair + 1))
		elif ! grep -q 'try again later' "$KISCSI_SCRATCH/$CASE.${r#*:}"; then
			fail "$CASE: a reset failed: $(cat "$KISCSI_SCRATCH/$CASE.${r#*:}")"
		fi
	done
	[ "$done_pair" = 2 ] && { together=1; break; }
	log "$CASE: pair $attempt: one reset was turned away by the midlayer, again"
done
[ "$together" = 1 ] || fail "$CASE: no two resets reached the driver together in 5 tries"
[ "$(grep -c 'event scenario slow-tmf held' "$pdus")" = "$resets" ] ||
	fail "$CASE: the target did not get one task management request per reset"
! grep -q 'slow-tmf held .*outstanding=2' "$pdus" ||
	fail "$CASE: two task management requests were outstanding at once"
# a target that supports TARGET WARM RESET: it completes, nothing escalates
run sg_reset --target "$dev" || fail "$CASE: TARGET WARM RESET failed"
expect_event '.event == "tmf" and .tmf_function == 6 and .tmf_response == 0'
expect_alive
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
