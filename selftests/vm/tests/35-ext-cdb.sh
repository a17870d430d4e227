#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A 32-byte CDB (READ(32), variable-length opcode 0x7f) travels in an
# extended-CDB AHS: tgtd must parse the PDU and answer it with SCSI status
# (data or a CHECK CONDITION), never drop the connection, and the disk
# stays usable.  The project's scripted target, which serves READ(32),
# must receive exactly the 32 bytes sent (its PDU log joins the BHS's 16
# bytes and the AHS's 16) and return the block: a garbled tail would get
# ILLEGAL REQUEST from tgtd too, so only this shows the AHS is right.
# timeout: 180
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

IQN=iqn.2024-01.org.kiscsi.test:ecdb
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$IQN" 32

sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1

# A known first block, then READ(32) of LBA 0, one block.
must dd if=/dev/urandom of="$KISCSI_SCRATCH/block0" bs=512 count=1
must dd if="$KISCSI_SCRATCH/block0" of="$dev" bs=512 count=1 oflag=direct
cdb="7f 00 00 00 00 00 00 18 00 09 00 00 00 00 00 00 00 00 00 00"
cdb+=" 00 00 00 00 00 00 00 00 00 00 00 01"
out=$KISCSI_SCRATCH/sg_raw.out
read32() {	# DEV: READ(32) of block 0 into $KISCSI_SCRATCH/read32
	sg_raw -v -r 512 -o "$KISCSI_SCRATCH/read32" "$1" $cdb >"$out" 2>&1
	rc=$?
	sed 's/^/#   /' "$out" >&2
	return $rc
}
read32 "$dev"
grep -qi 'cdb length: *32\|32 byte' "$out" ||
	log "sg_raw did not echo the CDB length (checked by the result below)"
if [ "$rc" = 0 ]; then
	cmp "$KISCSI_SCRATCH/read32" "$KISCSI_SCRATCH/block0" ||
		fail "READ(32) returned data that differs from block 0"
	log "the target executed READ(32)"
else
	# The target parsed the PDU and refused the command: SCSI status.
	grep -qi 'check condition' "$out" ||
		fail "READ(32) failed without SCSI status (sg_raw exit $rc)"
	grep -qi 'illegal request' "$out" ||
		fail "READ(32) refused with a sense other than ILLEGAL REQUEST"
	log "the target answered READ(32) with ILLEGAL REQUEST"
fi

if is_kiscsi; then
	[ "$(kiscsi_json "$sid" '.stats.conn_failures')" = 0 ] ||
		fail "the connection failed"
	[ "$(kiscsi_json "$sid" '.stats.protocol_errors')" = 0 ] ||
		fail "protocol errors counted"
fi
must sg_turs "$dev"
must dd if="$dev" of=/dev/null bs=64k count=16 iflag=direct
ini_logout "$IQN" || fail "logout failed"

# The scripted target: the exact CDB arrives, the block comes back.
is_kiscsi || exit 0
OWN_IQN=iqn.2024-01.org.kiscsi.test:ecdb-own
PORT=3335
pdus=$KISCSI_SCRATCH/pdus.log
/usr/bin/python3 "$KISCSI_ROOT/selftests/target/kiscsi_target.py" --port $PORT \
	--iqn "$OWN_IQN" --size-mb 8 --log "$pdus" >"$KISCSI_SCRATCH/target.out" 2>&1 &
tpid=$!
trap 'kill $tpid 2>/dev/null' EXIT
wait_for 60 grep -q listening "$pdus" || fail "target did not start: $(cat "$KISCSI_SCRATCH/target.out")"
sid=$(ini_login "127.0.0.1:$PORT" "$OWN_IQN") || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
must dd if="$KISCSI_SCRATCH/block0" of="$dev" bs=512 count=1 oflag=direct
read32 "$dev" || fail "READ(32) through the scripted target failed (sg_raw exit $rc)"
want="cdb=${cdb// /}"
grep -q "rx scsi-cmd .* $want " "$pdus" ||
	fail "the target did not receive the 32-byte CDB as sent: $(grep 'cdb=7f' "$pdus" | head -n 2)"
cmp "$KISCSI_SCRATCH/read32" "$KISCSI_SCRATCH/block0" ||
	fail "READ(32) through the scripted target returned other data than block 0"
log "the scripted target received the 32-byte CDB intact and answered it"
ini_logout "$OWN_IQN" || fail "logout failed"
exit 0
