#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# open-iscsi beside kiscsi, on one machine.
#   - kiscsi.ko loaded first, then iscsi_tcp and iscsid: iscsiadm
#     discovers, logs in and does I/O (it once gave up with "iSCSI driver
#     not found": it stops scanning /sys/class/iscsi_transport at the first
#     name it has no template for, and "kiscsi" sorted before "tcp").
#   - Debian's open-iscsi.service ExecStop (umountiscsi.sh, sync,
#     logout-all.sh), run as systemd would with iscsid up and a filesystem
#     mounted on each initiator's disk: open-iscsi's is unmounted and its
#     session gone; kiscsi's stays mounted and logged in (the scripts walk
#     /sys/devices/platform/host*, where kiscsi's hosts no longer are).
#   - The other load order: iscsi_tcp and iscsid first, then kiscsi.ko;
#     iscsiadm logs in again, and kiscsi too.
# timeout: 300
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
[ -x /lib/open-iscsi/umountiscsi.sh ] && [ -x /lib/open-iscsi/logout-all.sh ] ||
	fail "open-iscsi's scripts are not installed (make deps)"
K=iqn.2024-01.org.kiscsi.test:beside-kiscsi
O=iqn.2024-01.org.kiscsi.test:beside-open-iscsi
mk=$KISCSI_SCRATCH/mnt-kiscsi
mo=$KISCSI_SCRATCH/mnt-open-iscsi
mkdir -p "$mk" "$mo"
cleanup() {
	umount "$mk" "$mo" 2>/dev/null
	iscsiadm -m node --logoutall=all >/dev/null 2>&1
	"$KISCSI" logout --all >/dev/null 2>&1
	pkill -x iscsid 2>/dev/null
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /run/iscsid.pid
}
trap cleanup EXIT

iscsid_start() {
	setsid iscsid -f </dev/null >>"$KISCSI_SCRATCH/iscsid.log" 2>&1 &
	wait_for 10 grep -q ISCSIADM_ABSTRACT /proc/net/unix || fail "iscsid did not start"
	# logout-all.sh does nothing unless the pid file names a live iscsid
	pidof iscsid >/run/iscsid.pid
}
# open_login: discovery and login with iscsiadm; prints the session id
open_login() {
	local out
	out=$(iscsiadm -m discovery -t st -p "127.0.0.1:$LIO_PORT" 2>&1)
	echo "$out" | indent
	grep -q "$O" <<<"$out" || fail "iscsiadm discovery did not find $O ($out)"
	out=$(iscsiadm -m node -T "$O" -p "127.0.0.1:$LIO_PORT" --login 2>&1)
	echo "$out" | indent
	grep -q successful <<<"$out" || fail "iscsiadm login failed"
	session_of_target "$O"
}

ini_setup
[ -d /sys/class/iscsi_transport/tcp-kiscsi ] || fail "no transport tcp-kiscsi"
tgtd_start
must "$TGTD" add-target 1 "$K" 64
must "$LIO" add-target "$O" 64 "$LIO_PORT"
ks=$(ini_login "127.0.0.1:$TGT_PORT" "$K") || exit 1
kd=$(wait_disk "$ks" 1) || exit 1
case $(readlink -f "/sys/class/iscsi_session/session$ks") in
/sys/devices/kiscsi/host*) ;;
*) fail "kiscsi session $ks is at $(readlink -f "/sys/class/iscsi_session/session$ks"), not under /sys/devices/kiscsi" ;;
esac
# (46-udev-multilun checks udev's by-path names under the new parent)
[ "$(lsblk -dno TRAN "$kd")" = iscsi ] || fail "lsblk TRAN of $kd is '$(lsblk -dno TRAN "$kd")'"
must mkfs.ext4 -q -F "$kd"
must mount "$kd" "$mk"
echo kiscsi >"$mk/who"

# open-iscsi loaded second
load_module iscsi_tcp
iscsid_start
os=$(open_login) || exit 1
od=$(wait_disk "$os" 0) || exit 1
FIO_SIZE=8M
fio_verify open-iscsi "$od" --rw=randrw --bs=16k
must mkfs.ext4 -q -F "$od"
must mount "$od" "$mo"
log "kiscsi session $ks ($kd on $mk), open-iscsi session $os ($od on $mo)"
iscsiadm -m session 2>&1 | indent

# open-iscsi.service stopping
out=$(/lib/open-iscsi/umountiscsi.sh 2>&1; sync; /lib/open-iscsi/logout-all.sh 2>&1)
echo "$out" | indent
mountpoint -q "$mo" && fail "umountiscsi.sh left open-iscsi's $mo mounted"
[ ! -e "/sys/class/iscsi_session/session$os" ] || fail "logout-all.sh left open-iscsi session $os"
mountpoint -q "$mk" || fail "stopping open-iscsi unmounted kiscsi's $mk"
[ "$(cat "/sys/class/iscsi_session/session$ks/state")" = LOGGED_IN ] ||
	fail "kiscsi session $ks is $(cat "/sys/class/iscsi_session/session$ks/state") after open-iscsi stopped"
[ "$(cat "$mk/who")" = kiscsi ] || fail "kiscsi's filesystem lost its file"
must umount "$mk"
must "$KISCSI" logout --session "$ks"

# the other order: open-iscsi up first, then kiscsi.ko
pkill -x iscsid
wait_for 10 sh -c '! pidof iscsid' || fail "iscsid did not stop"
must rmmod kiscsi
iscsid_start
must insmod "$KISCSI_KO"
os=$(open_login) || exit 1
od=$(wait_disk "$os" 0) || exit 1
must dd if="$od" of=/dev/null bs=64k count=16 iflag=direct status=none
ks=$(ini_login "127.0.0.1:$TGT_PORT" "$K") || exit 1
must dd if="$(wait_disk "$ks" 1)" of=/dev/null bs=64k count=16 iflag=direct status=none
must iscsiadm -m node -T "$O" -p "127.0.0.1:$LIO_PORT" --logout
[ -e "/sys/class/iscsi_session/session$ks" ] || fail "iscsiadm's logout took kiscsi session $ks"
must "$KISCSI" logout --session "$ks"
exit 0
