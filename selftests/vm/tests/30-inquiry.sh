#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# INQUIRY and READ CAPACITY (10 and 16) through sg3-utils match what tgtd
# serves at LUN 1; LUN 0 is tgtd's controller LUN (peripheral type 0xc).
# timeout: 180
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

IQN=iqn.2024-01.org.kiscsi.test:inquiry
SIZE_MB=96
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$IQN" "$SIZE_MB"
must "$TGTD" lun-params 1 1 vendor_id=KISCSI,product_id=TGTD-LUN-ONE,product_rev=0042

sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1

inq=$KISCSI_SCRATCH/inq.out
sg_inq "$dev" >"$inq" 2>&1 || { sed 's/^/#   /' "$inq"; fail "sg_inq $dev failed"; }
sed 's/^/#   /' "$inq"
field() { sed -n "s/^ *$1: *//p" "$inq" | sed 's/ *$//'; }
[ "$(field 'Vendor identification')" = KISCSI ] || fail "vendor is not KISCSI"
[ "$(field 'Product identification')" = TGTD-LUN-ONE ] || fail "product is not TGTD-LUN-ONE"
[ "$(field 'Product revision level')" = 0042 ] || fail "revision is not 0042"
grep -q 'Peripheral device type: disk' "$inq" || fail "LUN 1 is not a disk"

for cap in "" -l; do
	rc=$KISCSI_SCRATCH/readcap.out
	sg_readcap $cap "$dev" >"$rc" 2>&1 || { sed 's/^/#   /' "$rc"; fail "sg_readcap $cap failed"; }
	sed 's/^/#   /' "$rc"
	blocks=$(sed -n 's/.*Number of logical blocks=\([0-9]*\).*/\1/p' "$rc")
	bsz=$(sed -n 's/.*Logical block length=\([0-9]*\).*/\1/p' "$rc")
	[ "$bsz" = 512 ] || fail "block length $bsz, not 512"
	[ "$((blocks * bsz))" = "$((SIZE_MB * 1024 * 1024))" ] ||
		fail "capacity $blocks x $bsz is not $SIZE_MB MiB"
done
[ "$(($(cat /sys/block/${dev#/dev/}/size) * 512))" = "$((SIZE_MB * 1024 * 1024))" ] ||
	fail "the block device's size is not $SIZE_MB MiB"

# LUN 0: tgtd's controller (storage array controller, type 12).
t0=$(ls -d /sys/class/iscsi_session/session$sid/device/target*/*:*:*:0 2>/dev/null | head -n1)
[ -n "$t0" ] || fail "LUN 0 was not scanned"
[ "$(cat "$t0/type")" = 12 ] || fail "LUN 0 has type $(cat "$t0/type"), not 12"
[ "$(tr -d ' ' <"$t0/vendor")" = IET ] || fail "LUN 0 vendor is '$(cat "$t0/vendor")', not tgtd's IET"

# A VPD page and a TEST UNIT READY go through too.
must sg_turs "$dev"
must sg_vpd --page=0x80 "$dev"
ini_logout "$IQN" || fail "logout failed"
exit 0
