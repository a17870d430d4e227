#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The checks an initiator makes on what a target answers, each broken once
# by the project's scripted target (selftests/target) where tgtd and LIO
# never would:
# - Data-In: a DataSN gap, data beyond the command's buffer;
# - R2T: an R2TSN gap, a length over MaxBurstLength, an offset beyond the
#   buffer, a second R2T at once where MaxOutstandingR2T is 1;
#   each is a protocol error that fails the connection, with the kernel
#   log naming the rule broken;
# - the SCSI Response's iSCSI response field: "target failure" with a GOOD
#   status byte fails the command (DID_ERROR, seen by a pass-through read,
#   which the midlayer does not retry), and the session carries on;
# - Reject "command not supported" fails the command the same way, while
#   "too many immediate commands" has it retried at once: the
#   pass-through read succeeds.
# timeout: 900
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:checks

. "$KISCSI_ROOT/selftests/vm/scripted-target.sh"

# a 1 MiB write in the background: R2Ts beyond the first burst
poke_write() { dd if=/dev/zero of="$dev" bs=1M count=1 oflag=direct status=none 2>/dev/null & }

# expect_protocol_error REGEX: the connection fails, the log says why
expect_protocol_error() {
	expect_failed protocol
	stat_at_least protocol_errors 1
	dmesg_grep "bad PDU from target .*: $1" ||
		fail "$CASE: no kernel log line for the protocol error '$1'"
}

for c in "datasn-gap:DataSN 1, expected 0" \
	"datain-beyond-buffer:Data-In of [0-9]+ bytes at 0 beyond the 4096-byte buffer"; do
	start_case "${c%%:*}" "${c%%:*}"
	login_case
	poke
	expect_protocol_error "${c#*:}"
	end_case
done

for c in "r2tsn-gap:R2TSN 1, expected 0" \
	"r2t-beyond-burst:R2T for [0-9]+ bytes \(MaxBurstLength [0-9]+\)" \
	"r2t-beyond-buffer:R2T for 512 bytes at [0-9]+ beyond the [0-9]+-byte buffer" \
	"r2t-too-many:more than 1 outstanding R2Ts"; do
	start_case "${c%%:*}" "${c%%:*}"
	login_case
	poke_write
	expect_protocol_error "${c#*:}"
	end_case
done

# sg_read: one READ(10) of block 0 through SG_IO, which is never retried
sg_read() { sg_raw -r 512 "$dev" 28 00 00 00 00 00 00 00 01 00 >"$KISCSI_SCRATCH/$CASE.sg" 2>&1; }

# sg_read_fails WHAT: that read fails, and as a DID_ERROR
sg_read_fails() {
	sg_read && fail "$CASE: $1 succeeded: $(cat "$KISCSI_SCRATCH/$CASE.sg")"
	grep -q DID_ERROR "$KISCSI_SCRATCH/$CASE.sg" ||
		fail "$CASE: $1 did not fail as DID_ERROR: $(cat "$KISCSI_SCRATCH/$CASE.sg")"
}

start_case target-failure target-failure
login_case --noop-interval 0
sg_read_fails "a read answered 'target failure'"
grep -q 'event scenario target-failure' "$pdus" || fail "$CASE: the target never struck"
expect_alive
sg_read || fail "$CASE: the next read failed: $(cat "$KISCSI_SCRATCH/$CASE.sg")"
end_case

start_case reject-not-supported reject-cmd-not-supported
login_case --noop-interval 0
sg_read_fails "a rejected read"
expect_event '.event == "reject" and .reject_reason == 5'
expect_alive
end_case

start_case reject-immediate reject-immediate-cmd
login_case --noop-interval 0
sg_read || fail "$CASE: a read the target had no room for was not retried: $(cat "$KISCSI_SCRATCH/$CASE.sg")"
expect_event '.event == "reject" and .reject_reason == 6'
[ "$(grep -c 'cdb=28000000000000000100000000000000' "$pdus")" -ge 2 ] ||
	fail "$CASE: the target did not see the read again"
expect_alive
end_case
exit 0
