#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two targets at once (tgtd over IPv4, LIO over IPv6 [::1]): two sessions
# on two SCSI hosts, the LIO connection's sysfs address is ::1, fio verify
# on both disks at the same time, logout of one leaves the other working.
# (The debug kernel's lane sees kiscsi's AF_INET6 socket lock class here.)
# timeout: 600
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

T=iqn.2024-01.org.kiscsi.test:two-tgtd
L=iqn.2024-01.org.kiscsi.test:two-lio
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$T" 64
must "$LIO" add-target "$L" 64 "$LIO_PORT"
must "$LIO" portal "$L" "[::1]:$LIO_PORT"

st=$(ini_login "127.0.0.1:$TGT_PORT" "$T") || exit 1
sl=$(ini_login "[::1]:$LIO_PORT" "$L") || exit 1
addr=$(cat "/sys/class/iscsi_connection/connection$sl:0/persistent_address")
[ "$addr" = ::1 ] || fail "LIO session's persistent_address is '$addr', not ::1"
[ "$st" != "$sl" ] || fail "both logins gave session $st"
ht=$(session_host "$st")
hl=$(session_host "$sl")
log "tgtd: session $st host $ht; LIO: session $sl host $hl"
[ "$ht" != "$hl" ] || fail "both sessions on host $ht"
dt=$(wait_disk "$st" 1) || exit 1
dl=$(wait_disk "$sl" 0) || exit 1
if is_kiscsi; then
	out=$("$KISCSI" session 2>&1)
	echo "$out" | sed 's/^/#   /'
	echo "$out" | grep -qF "$T" && echo "$out" | grep -qF "$L" ||
		fail "kiscsi session does not list both targets"
fi

FIO_SIZE=${KISCSI_FIO_SIZE_TWO:-32M}
fio_verify two-tgtd "$dt" --rw=randrw --bssplit=4k/50:64k/30:1m/20 --iodepth=8 &
p1=$!
fio_verify two-lio "$dl" --rw=randrw --bssplit=4k/50:64k/30:1m/20 --iodepth=8 &
p2=$!
wait "$p1" || fail "fio on the tgtd disk failed"
wait "$p2" || fail "fio on the LIO disk failed"

ini_logout "$T" "127.0.0.1:$TGT_PORT" || fail "logout of $T failed"
[ ! -e "/sys/class/iscsi_session/session$st" ] || fail "session $st still there after logout"
[ -e "/sys/class/iscsi_session/session$sl" ] || fail "logout of $T took session $sl with it"
must dd if="$dl" of=/dev/null bs=64k count=64 iflag=direct status=none
ini_logout "$L" || fail "logout of $L failed"
exit 0
