#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# New LUNs show up: tgtd answers the next command after a LUN is added with
# a REPORTED LUNS DATA HAS CHANGED unit attention (3F/0E), on which kiscsi
# rescans the session by itself (a rescan event, the rescans counter);
# 'kiscsi rescan' does the same by hand.  LIO raises the unit attention
# too, when a LUN joins its portal group.
# timeout: 300
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
ini_setup
IQN=iqn.2024-01.org.kiscsi.test:rescan
tgtd_start
must "$TGTD" add-target 1 "$IQN" 16
sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
! session_disk "$sid" 2 >/dev/null || fail "LUN 2 before it was added"

events=$KISCSI_SCRATCH/events.jsonl
"$KISCSI" monitor --json >"$events" 2>"$KISCSI_SCRATCH/monitor.err" &
wait_for 10 grep -q listening "$KISCSI_SCRATCH/monitor.err" ||
	fail "kiscsi monitor did not start"

# automatic: the unit attention on the next command
must "$TGTD" add-lun 1 2 16
must dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none
dev2=$(wait_disk "$sid" 2) || fail "LUN 2 did not appear after the unit attention"
log "LUN 2 is $dev2"
wait_for 10 grep -q '"event": *"rescan"' "$events" || fail "no rescan event"
n=$(kiscsi_json "$sid" ".stats.rescans")
[ "${n:-0}" -ge 1 ] || fail "rescans counter is ${n:-0}"
must dd if="$dev2" of=/dev/null bs=1M count=1 iflag=direct status=none

# by hand
must "$TGTD" add-lun 1 3 16
run "$KISCSI" rescan --session "$sid" || fail "kiscsi rescan failed"
wait_disk "$sid" 3 >/dev/null || fail "LUN 3 did not appear after kiscsi rescan"
"$KISCSI" rescan --session 99999 2>"$KISCSI_SCRATCH/err"
rc=$?
[ "$rc" = 7 ] || fail "kiscsi rescan of an unknown session exited $rc, not 7"
grep -q "no session 99999" "$KISCSI_SCRATCH/err" || fail "no clear error for an unknown session"
ini_logout "$IQN" || fail "logout failed"

# LIO raises the same unit attention when a LUN joins the portal group
LIQN=iqn.2024-01.org.kiscsi.test:rescan-lio
must "$LIO" add-target "$LIQN" 16 "$LIO_PORT"
sid=$(ini_login "127.0.0.1:$LIO_PORT" "$LIQN") || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
! session_disk "$sid" 1 >/dev/null || fail "LIO: LUN 1 before it was added"
must "$LIO" add-lun "$LIQN" 1 16
must dd if="$dev" of=/dev/null bs=4k count=1 iflag=direct status=none
wait_disk "$sid" 1 >/dev/null || fail "LIO: LUN 1 did not appear after the unit attention"
n=$(kiscsi_json "$sid" ".stats.rescans")
[ "${n:-0}" -ge 1 ] || fail "LIO: rescans counter is ${n:-0}"
pkill -f "$KISCSI monitor" 2>/dev/null
ini_logout "$LIQN" || fail "logout failed"
exit 0
