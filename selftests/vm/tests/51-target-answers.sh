#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Answers a target may lawfully give, each from the project's scripted
# target, each with its exact outcome:
# - a read answered 512 bytes short, GOOD, with the underflow residual:
#   the midlayer completes what came and reads the last block again, and
#   the data is right; an overflow residual on a full read changes nothing;
# - BUSY and TASK SET FULL: the command is retried (the target sees it
#   twice) and succeeds;
# - sense data longer than the midlayer keeps (SenseLength 200): the
#   sense is delivered (MEDIUM ERROR, unrecovered read error), no protocol
#   error; a SenseLength beyond the data segment is a protocol error;
# - a command the target never answers: it times out, ABORT TASK goes out,
#   the target says "function complete", the read is retried and succeeds;
# - the race of an abort with its command's answer, forced: the target
#   holds the command until the ABORT TASK comes, then sends the answer
#   and the abort's response back to back; the read succeeds, exactly one
#   abort, the session carries on;
# - a target that closes the connection on a command: the connection
#   fails as closed.
# timeout: 600
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:answers

. "$KISCSI_ROOT/selftests/vm/scripted-target.sh"

pattern=$KISCSI_SCRATCH/pattern
back=$KISCSI_SCRATCH/back
must dd if=/dev/urandom of="$pattern" bs=8k count=1 status=none

# read_back: 8 KiB at LBA 0 through the block layer (retried as the
# midlayer decides), compared with the pattern written before the strike
write_pattern() { must dd if="$pattern" of="$dev" bs=8k count=1 oflag=direct status=none; }
read_back() {
	dd if="$dev" of="$back" bs=8k count=1 iflag=direct status=none ||
		fail "$CASE: the read failed"
	cmp -s "$pattern" "$back" || fail "$CASE: the data read back differs from what was written"
}
# reads_of CDB-HEX: how many times the target received that CDB
reads_of() { grep -c "rx scsi-cmd .* cdb=$1" "$pdus"; }
R8K=28000000000000001000	# READ(10) LBA 0, 16 blocks
login_strike() {	# login, write the pattern, then arm the scenario
	sid=$(ini_login "127.0.0.1:$PORT" "$IQN" --recovery-timeout 5 --noop-interval 0 "$@") || exit 1
	dev=$(wait_disk "$sid" 0) || exit 1
	write_pattern
	touch "$trigger"
}
no_protocol_errors() {
	[ "$(kiscsi_json "$sid" .stats.protocol_errors)" = 0 ] || fail "$CASE: protocol errors counted"
}

start_case residual-underflow residual-underflow
login_strike
read_back
grep -q 'event scenario residual-underflow' "$pdus" || fail "$CASE: the target never struck"
[ "$(reads_of 28000000000f00000100)" = 1 ] ||
	fail "$CASE: the block the target left out (LBA 15) was not read again"
expect_alive
no_protocol_errors
end_case

start_case residual-overflow residual-overflow
login_strike
read_back
grep -q 'event scenario residual-overflow' "$pdus" || fail "$CASE: the target never struck"
[ "$(reads_of $R8K)" = 1 ] || fail "$CASE: a full read with an overflow residual was read again"
expect_alive
no_protocol_errors
end_case

for st in status-busy task-set-full; do
	start_case "$st" "$st"
	login_strike
	read_back
	grep -q "event scenario $st" "$pdus" || fail "$CASE: the target never struck"
	[ "$(reads_of $R8K)" = 2 ] || fail "$CASE: the read was not retried once ($(reads_of $R8K) times)"
	expect_alive
	no_protocol_errors
	end_case
done

start_case sense-too-long sense-too-long
login_strike
sg_raw -r 512 "$dev" 28 00 00 00 00 00 00 00 01 00 >"$KISCSI_SCRATCH/$CASE.sg" 2>&1 &&
	fail "$CASE: a read answered CHECK CONDITION succeeded"
sed 's/^/#   /' "$KISCSI_SCRATCH/$CASE.sg" >&2
grep -qi 'medium error' "$KISCSI_SCRATCH/$CASE.sg" &&
	grep -qi 'unrecovered read error' "$KISCSI_SCRATCH/$CASE.sg" ||
	fail "$CASE: the sense (MEDIUM ERROR, unrecovered read error) did not reach the caller"
expect_alive
no_protocol_errors
end_case

start_case sense-beyond-segment sense-beyond-segment
login_strike
poke
expect_failed protocol
dmesg_grep "bad PDU from target .*: SenseLength 300 in a 22-byte segment" ||
	fail "$CASE: no kernel log line for the SenseLength"
end_case

# a 3 s SCSI timeout: the command the target ignores, or holds, times out
for sc in drop-command abort-race; do
	start_case "$sc" "$sc"
	sid=$(ini_login "127.0.0.1:$PORT" "$IQN" --recovery-timeout 5 --noop-interval 0) || exit 1
	dev=$(wait_disk "$sid" 0) || exit 1
	echo 3 >"/sys/block/${dev#/dev/}/device/timeout" || fail "cannot set the SCSI timeout"
	write_pattern
	touch "$trigger"
	read_back
	grep -q "event scenario $sc" "$pdus" || fail "$CASE: the target never struck"
	[ "$(grep -c 'rx tmf-req .*function=ABORT_TASK' "$pdus")" = 1 ] ||
		fail "$CASE: not exactly one ABORT TASK: $(grep 'rx tmf-req' "$pdus")"
	[ "$(reads_of $R8K)" = 2 ] || fail "$CASE: the aborted read was not retried once"
	[ "$sc" != abort-race ] || grep -q 'abort-race answered' "$pdus" ||
		fail "$CASE: the answer and the abort never went out together"
	expect_alive
	no_protocol_errors
	end_case
done

start_case close close
login_strike
poke
expect_failed conn_closed
end_case
exit 0
