#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SCSI error handling with task management, the connection staying up:
# - tgtd stopped (SIGSTOP) under a read with a 3 s SCSI timeout and no
#   NOP-Out: the command times out, ABORT TASK goes out, tgtd is continued
#   before the TMF timeout and answers; the read then succeeds by retry and
#   the disk verifies clean, with no connection failure;
# - sg_reset --device: LOGICAL UNIT RESET answered "function complete" by
#   tgtd and by LIO;
# - sg_reset --target: TARGET WARM RESET, which tgtd does not support, is
#   refused and escalates to a host reset that drops the connection
#   cleanly (the session fails after its recovery timeout, logout works);
# - a read on the wire when the connection is killed is held, blocked but
#   neither timed out nor aborted, for over twice the SCSI timeout, and
#   fails only at the recovery timeout (the disk goes transport-offline);
#   a LOGICAL UNIT RESET asked for meanwhile waits for the blocked session
#   and fails with it, sending nothing;
# - LIO: a LOGICAL UNIT RESET in the middle of fio verify: the commands it
#   aborts at the target are retried, the data verifies.
# timeout: 600
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
events=$KISCSI_SCRATCH/events.jsonl
"$KISCSI" monitor --json >"$events" 2>"$KISCSI_SCRATCH/monitor.err" &
mon=$!
wait_for 10 grep -q listening "$KISCSI_SCRATCH/monitor.err" ||
	fail "kiscsi monitor did not start"

# tmf_event FUNCTION RESPONSE: wait for that TMF event of session $sid
tmf_event() {
	wait_for 30 json_event "$events" ".event == \"tmf\" and .session == $sid and .tmf_function == $1 and .tmf_response == $2"
}

IQN=iqn.2024-01.org.kiscsi.test:eh
tgtd_start
must "$TGTD" add-target 1 "$IQN" 64
sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN" --noop-interval 0 \
	--tmf-timeout 30 --recovery-timeout 8) || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
echo 3 >"/sys/block/${dev#/dev/}/device/timeout" || fail "cannot set the SCSI timeout"

# ABORT TASK: the read times out while tgtd is stopped
pid=$("$TGTD" pid) && [ -n "$pid" ] || fail "no tgtd pid"
kill -STOP "$pid"
log "tgtd ($pid) stopped; reading"
dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct 2>"$KISCSI_SCRATCH/dd.err" &
dd=$!
tmfs_sent() { [ "$(kiscsi_json "$sid" ".stats.tmfs")" -ge 1 ]; }
wait_for 30 tmfs_sent || { kill -CONT "$pid"; fail "no task management request after the read timed out"; }
dmesg_grep "ABORT TASK" || { kill -CONT "$pid"; fail "the request sent was not ABORT TASK"; }
sleep 2
kill -CONT "$pid"
log "tgtd continued"
wait "$dd" || fail "the read failed after ABORT TASK: $(cat "$KISCSI_SCRATCH/dd.err")"
tmf_event 1 0 || tmf_event 1 1 || fail "no ABORT TASK event answered complete / no task"
[ "$(kiscsi_json "$sid" ".stats.conn_failures")" = 0 ] ||
	fail "the connection failed during ABORT TASK"
[ "$(kiscsi_json "$sid" ".state")" = logged-in ] || fail "session not logged in after ABORT TASK"
fio_verify after-abort "$dev" --rw=randrw --bs=64k --iodepth=8 --size=16M

# LOGICAL UNIT RESET
run sg_reset --device "$dev" || fail "sg_reset --device failed"
tmf_event 5 0 || fail "LOGICAL UNIT RESET not answered complete"
fio_verify after-lu-reset "$dev" --rw=randrw --bs=16k --iodepth=8 --size=8M
[ "$(kiscsi_json "$sid" ".stats.conn_failures")" = 0 ] ||
	fail "the connection failed during LOGICAL UNIT RESET"
log "stats: $(kiscsi_json "$sid" ".stats")"

# TARGET WARM RESET: not supported by tgtd -> host reset
run sg_reset --target "$dev" && log "sg_reset --target succeeded?"
tmf_event 6 5 || fail "TARGET WARM RESET was not refused as not supported"
wait_for 30 grep -q '"reason": *"local"' "$events" ||
	fail "the host reset did not drop the connection"
dmesg_grep "host reset" || fail "no host reset in the kernel log"

ini_logout "$IQN" || fail "logout after the host reset failed"
[ ! -e "/sys/class/iscsi_session/session$sid" ] || fail "session $sid left behind"

# A recovery longer than the SCSI timeout.  A read is on the wire (tgtd
# stopped) when the connection is killed under it: the read goes back to
# the midlayer and is held, not timed out or aborted, for over twice the
# disk's 3 s timeout; the disk is blocked, not offline.  Only the 12 s
# recovery timeout ends it, with an I/O error (nothing reconnects here),
# and a reset waits for it too.  On a slow kernel all three scale, so the
# read is still on the wire, not timed out, when the connection dies.
sdtmo=$((3 * TIME_SCALE))
hold=$((2 * sdtmo + 1))
rec=$((hold + 5 * TIME_SCALE))
sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN" --noop-interval 0 --recovery-timeout $rec) || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
echo $sdtmo >"/sys/block/${dev#/dev/}/device/timeout" || fail "cannot set the SCSI timeout"
sdev_state=/sys/block/${dev#/dev/}/device/state
pid=$("$TGTD" pid) && [ -n "$pid" ] || fail "no tgtd pid"
kill -STOP "$pid"
dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct 2>"$KISCSI_SCRATCH/held.err" &
dd=$!
# on the wire: the READ waits in stopped tgtd's receive queue
at_target() {
	ss -tnH state established "( sport = :$TGT_PORT )" | awk '$1 > 0 { f = 1 } END { exit !f }'
}
wait_for 10 at_target || { kill -CONT "$pid"; fail "the read never reached the target's socket"; }
run ss -K dst 127.0.0.1 dport = :"$TGT_PORT" || { kill -CONT "$pid"; fail "ss -K failed"; }
conn_failed_once() { [ "$(kiscsi_json "$sid" ".stats.conn_failures")" = 1 ]; }
wait_for 5 conn_failed_once || { kill -CONT "$pid"; fail "killing the socket did not fail the connection"; }
kill -CONT "$pid"
# a reset asked for now waits for the blocked session; it sends nothing
sg_reset --device "$dev" >"$KISCSI_SCRATCH/reset.out" 2>&1 &
reset=$!
sleep $hold
kill -0 "$dd" 2>/dev/null || fail "a read held for recovery ended early: $(cat "$KISCSI_SCRATCH/held.err")"
kill -0 "$reset" 2>/dev/null || fail "a reset did not wait for the blocked session: $(cat "$KISCSI_SCRATCH/reset.out")"
[ "$(cat "$sdev_state")" = blocked ] || fail "disk state during recovery is $(cat "$sdev_state"), not blocked"
[ "$(kiscsi_json "$sid" ".stats.tmfs")" = 0 ] || fail "a task management request went out during recovery"
! dmesg_grep "timing out command" || fail "the midlayer timed out a command held for recovery"
wait_for $((rec + 8)) sh -c "! kill -0 $dd 2>/dev/null && ! kill -0 $reset 2>/dev/null" ||
	fail "the held read or the reset outlived the recovery timeout"
wait "$dd" && fail "the held read succeeded with no connection"
wait "$reset" && fail "a reset succeeded with no connection"
[ "$(kiscsi_json "$sid" ".stats.tmfs")" = 0 ] || fail "a task management request went out with no connection"
[ "$(cat "$sdev_state")" = transport-offline ] ||
	fail "disk state after the recovery timeout is $(cat "$sdev_state"), not transport-offline"
ini_logout "$IQN" || fail "logout after the recovery timeout failed"

# LOGICAL UNIT RESET against LIO, with fio verify running: what the
# reset aborts at the target is retried, nothing is lost
LIQN=iqn.2024-01.org.kiscsi.test:eh-lio
must "$LIO" add-target "$LIQN" 32 "$LIO_PORT"
sid=$(ini_login "127.0.0.1:$LIO_PORT" "$LIQN") || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
(fio_verify lio-lu-reset-under-io "$dev" --rw=randrw --bs=16k --iodepth=16 --size=16M) &
fio=$!
wait_for 60 sh -c "[ \$(awk '{print \$1 + \$5}' /sys/block/${dev#/dev/}/stat) -gt 200 ]" ||
	fail "fio on $dev did not get going"
run sg_reset --device "$dev" || fail "sg_reset --device during fio failed on LIO"
tmf_event 5 0 || fail "LIO: LOGICAL UNIT RESET not answered complete"
wait "$fio" || fail "fio verify across a LOGICAL UNIT RESET failed"
[ "$(kiscsi_json "$sid" ".stats.conn_failures")" = 0 ] ||
	fail "the connection failed during the LOGICAL UNIT RESET under I/O"
ini_logout "$LIQN" || fail "logout failed"
kill "$mon" 2>/dev/null
exit 0
