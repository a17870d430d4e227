#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A target that goes silent (tgtd SIGSTOPped: it still completes TCP
# handshakes from its listen backlog, so relogins fail by the login
# timeout).  NOP interval 1 s, NOP timeout 2 s, recovery timeout 10 s,
# login timeout 2 s, 'kiscsi daemon' running.
#  - Silent for less than the recovery timeout, under fio verify: the NOP
#    timeout fails the connection, relogins fail until SIGCONT, then one
#    succeeds and verify passes.
#  - Silent past it, t0 = the SIGSTOP: a write pending since t0 fails by
#    t0 + 3 s (NOP) + 10 s (recovery) + 10 s, nothing hangs; after SIGCONT
#    the daemon brings the disk back to running and new I/O works.
# The debug kernel runs the second part only.
# timeout: 300
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
T=iqn.2024-01.org.kiscsi.test:silent
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$T" 32
tpid=$("$TGTD" pid) || fail "no tgtd pid"
events=$KISCSI_SCRATCH/events
dlog=$KISCSI_SCRATCH/daemon.log
"$KISCSI" monitor --json >"$events" 2>"$events.err" &
mpid=$!
"$KISCSI" daemon 2>"$dlog" &
dpid=$!
trap 'kill -CONT $tpid 2>/dev/null; kill $mpid $dpid 2>/dev/null' EXIT
wait_for 10 grep -q listening "$events.err" || fail "no event monitor"
wait_for 10 grep -q "watching the sessions" "$dlog" || fail "the daemon did not start"

state() { cat "/sys/class/iscsi_session/session$1/state" 2>/dev/null; }
count() { jq -c "select(.event == \"$1\")" "$events" 2>/dev/null | wc -l; }
# for wait_for, which evaluates its arguments once
at_least() { [ "$(count "$1")" -ge "$2" ]; }
is_state() { [ "$(state "$1")" = "$2" ]; }
disk_state() { [ "$(cat "$sdev/state")" = "$1" ]; }

sid=$(ini_login "127.0.0.1:$TGT_PORT" "$T" --noop-interval 1 --noop-timeout 2 \
	--recovery-timeout 10 --login-timeout 2) || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
sdev=/sys/block/${dev#/dev/}/device

# --- silent for 6 s, less than the recovery timeout ---------------------------
# (not on the debug kernel: its kernel side is 64's, a failure and a relogin)
FIO_SIZE=${FIO_CAP:-16M}
FIO_CAP=
if [ "${KISCSI_LANE:-all}" != debug ]; then
	fio_verify silent-short "$dev" --rw=randwrite --bs=16k --iodepth=8 --time_based \
		--runtime=$((12 * TIME_SCALE)) --verify_backlog=64 &
	fpid=$!
	sleep 2
	log "tgtd stopped"
	kill -STOP "$tpid"
	wait_for $((8 * TIME_SCALE)) at_least conn_failed 1 ||
		fail "the NOP timeout did not fail the connection"
	json_event "$events" '.event == "conn_failed" and .reason == "nop_timeout"' ||
		fail "the failure was not the NOP timeout: $(grep conn_failed "$events")"
	wait_for $((10 * TIME_SCALE)) grep -q "relogin attempt 1 failed" "$dlog" ||
		fail "no failed relogin while tgtd was stopped: $(tail -n 2 "$dlog" | tr '\n' ' ')"
	kill -CONT "$tpid"
	log "tgtd continued"
	wait_for $((30 * TIME_SCALE)) at_least conn_restored 1 ||
		fail "no recovery after SIGCONT: $(tail -n 3 "$dlog" | tr '\n' ' ')"
	wait "$fpid" || fail "fio verify failed across the silence"
	[ "$(state "$sid")" = LOGGED_IN ] || fail "session $sid is $(state "$sid")"
	[ "$(count session_timed_out)" = 0 ] || fail "the session timed out"
fi

# --- silent past the recovery timeout ----------------------------------------
failed0=$(count conn_failed)
kill -STOP "$tpid"
t0=$SECONDS
log "tgtd stopped for good"
dd if=/dev/urandom of="$dev" bs=4k count=1 seek=100 oflag=direct conv=fsync \
	2>"$KISCSI_SCRATCH/dd.err" &
ddpid=$!
limit=$((3 + 10 + 10))
wait_for $((limit * TIME_SCALE)) bash -c "! kill -0 $ddpid 2>/dev/null" ||
	fail "a write pending since the SIGSTOP still hangs after $((SECONDS - t0)) s ($(state "$sid"))"
wait "$ddpid" && fail "the write succeeded with the target stopped"
log "the pending write failed after $((SECONDS - t0)) s: $(tail -n 1 "$KISCSI_SCRATCH/dd.err")"
[ "$(count conn_failed)" -gt "$failed0" ] || fail "no connection failure"
[ "$(count session_timed_out)" -ge 1 ] || fail "no session_timed_out event"
[ "$(cat "$sdev/state")" = transport-offline ] ||
	fail "the disk is $(cat "$sdev/state"), not transport-offline"
# a new write fails at once
s=$SECONDS
dd if=/dev/zero of="$dev" bs=4k count=1 oflag=direct 2>/dev/null &&
	fail "a write succeeded on the timed-out session"
[ $((SECONDS - s)) -le $((2 * TIME_SCALE)) ] || fail "a write on the timed-out session took $((SECONDS - s)) s to fail"

kill -CONT "$tpid"
log "tgtd continued"
wait_for $((60 * TIME_SCALE)) is_state "$sid" LOGGED_IN ||
	fail "the daemon did not bring session $sid back: $(tail -n 3 "$dlog" | tr '\n' ' ')"
wait_for 10 disk_state running ||
	fail "the disk is $(cat "$sdev/state") after the recovery"
must dd if=/dev/zero of="$dev" bs=4k count=16 oflag=direct
must dd if="$dev" of=/dev/null bs=4k count=16 iflag=direct
grep -q "recovery timeout expired" "$dlog" || fail "the daemon did not log the timeout"
must "$KISCSI" logout --session "$sid"
exit 0
