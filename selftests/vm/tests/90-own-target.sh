#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The project's own target (selftests/target/kiscsi_target.py) with no
# misbehaviour: a normal login, a disk at LUN 0 whose INQUIRY and READ
# CAPACITY (10 and 16) match, fio verify through immediate, unsolicited and
# R2T data (every command in CmdSN order and inside the target's small
# CmdSN window of 4, which the target checks, the window shutting often;
# every ExpStatSN acknowledging the StatSN sent, never going back),
# and a
# target-initiated NOP-In ping answered with its TTT (the
# nop-in-ping scenario, struck once the disk is up).
# timeout: 240
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
IQN=iqn.2024-01.org.kiscsi.test:own
PORT=3263
SIZE_MB=48
pdus=$KISCSI_SCRATCH/pdus.log
trigger=$KISCSI_SCRATCH/strike
ini_setup
/usr/bin/python3 "$KISCSI_ROOT/selftests/target/kiscsi_target.py" --port $PORT \
	--iqn "$IQN" --size-mb $SIZE_MB --log "$pdus" --first-burst 16384 \
	--max-burst 65536 --max-recv-dlen 8192 --cmd-window 4 \
	--scenario nop-in-ping --trigger-file "$trigger" \
	>"$KISCSI_SCRATCH/target.out" 2>&1 &
tpid=$!
trap 'kill $tpid 2>/dev/null' EXIT
wait_for 60 grep -q listening "$pdus" || fail "target did not start: $(cat "$KISCSI_SCRATCH/target.out")"

sid=$(ini_login "127.0.0.1:$PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
grep -q 'login done' "$pdus" || fail "no login in the PDU log"

inq=$KISCSI_SCRATCH/inq.out
must sg_inq "$dev"
sg_inq "$dev" >"$inq" 2>&1
grep -q 'Vendor identification: KISCSI' "$inq" || fail "vendor is not KISCSI"
grep -q 'Product identification: HOSTILE-TARGET' "$inq" || fail "product is not HOSTILE-TARGET"
for cap in "" -l; do
	out=$(sg_readcap $cap "$dev" 2>&1) || fail "sg_readcap $cap failed: $out"
	blocks=$(sed -n 's/.*Number of logical blocks=\([0-9]*\).*/\1/p' <<<"$out")
	[ "$((blocks * 512))" = "$((SIZE_MB << 20))" ] || fail "sg_readcap $cap: $blocks blocks, not $SIZE_MB MiB"
done
must sg_turs "$dev"
must sg_vpd --page=0x80 "$dev"

# our MaxRecvDataSegmentLength 8192, FirstBurstLength 16384: writes go out
# as immediate data, unsolicited Data-Out and R2T-solicited Data-Out
KISCSI_FIO_SIZE=16M FIO_SIZE=16M
fio_verify own "$dev" --rw=randwrite --bsrange=512-256k --iodepth=8
[ "$(grep -c 'rx data-out.* ttt=0xffffffff' "$pdus")" -gt 0 ] || fail "no unsolicited Data-Out seen by the target"
[ "$(grep 'rx data-out' "$pdus" | grep -vc 'ttt=0xffffffff')" -gt 0 ] || fail "no R2T-solicited Data-Out seen by the target"
! grep 'cmdsn-order violation' "$pdus" || fail "commands left out of CmdSN order"
! grep 'cmdsn-window violation' "$pdus" || fail "commands sent past the MaxCmdSN the target advertised"
! grep 'expstatsn violation' "$pdus" || fail "ExpStatSN went back or ran ahead of the StatSN sent"
waits=$(kiscsi_json "$sid" '.stats.cmdsn_window_waits')
log "the CmdSN window (4) shut $waits times"
[ "${waits:-0}" -gt 0 ] || fail "the CmdSN window never shut at QD8 with a window of 4"
r2ts=$(kiscsi_json "$sid" '.stats.r2ts') || fail "no stats for session $sid"
[ "${r2ts:-0}" -gt 0 ] || fail "the kernel counted no R2Ts"

# a target ping (NOP-In with a TTT) must come back as a NOP-Out with that TTT
touch "$trigger"
wait_for 15 grep -q 'nop-in-ping answered ttt=0x0d0e0f10 itt=0xffffffff imm=1' "$pdus" ||
	fail "the NOP-In ping was not answered with its TTT: $(grep -E 'scenario|nop-out' "$pdus" | tail -n 5)"
must dd if="$dev" of=/dev/null bs=64k count=16 iflag=direct
ini_logout "$IQN" || fail "logout failed"
grep -q 'rx logout-req' "$pdus" || fail "no Logout request in the PDU log"
# the Logout acknowledges every status the target sent
! grep 'expstatsn violation' "$pdus" || fail "ExpStatSN at the Logout does not acknowledge every status"
exit 0
