#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Logout leaves nothing behind: no session, no connection, no iSCSI or SCSI
# host, no disks, no I_T nexus on the target; then login again and
# 'logout --all' does the same for two sessions.
# timeout: 300
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

A=iqn.2024-01.org.kiscsi.test:logout-a
B=iqn.2024-01.org.kiscsi.test:logout-b
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$A" 16 2
must "$TGTD" add-target 2 "$B" 16

hosts_before=$(ls /sys/class/scsi_host | sort)
assert_clean() {
	local what=$1 left
	left=$(ls /sys/class/iscsi_session /sys/class/iscsi_connection /sys/class/iscsi_host 2>/dev/null | grep -v '^/' | grep -v '^$' || true)
	[ -z "$left" ] || fail "after $what: left in the iSCSI class: $left"
	[ "$(ls /sys/class/scsi_host | sort)" = "$hosts_before" ] ||
		fail "after $what: SCSI hosts $(ls /sys/class/scsi_host | tr '\n' ' ') (before: $(echo $hosts_before))"
	if lsblk -dno NAME,TRAN | grep -q iscsi; then
		fail "after $what: iSCSI disks left: $(lsblk -dno NAME,TRAN | grep iscsi)"
	fi
	# tgtadm itself must answer and show the target, or "no I_T nexus"
	# would pass on an empty answer
	nexus_gone() {
		local out
		out=$(tgtadm --lld iscsi --op show --mode target) || return 1
		grep -q "$A" <<<"$out" && ! grep -q 'Initiator:' <<<"$out"
	}
	if ! wait_for 10 nexus_gone; then
		tgtadm --lld iscsi --op show --mode target 2>&1 | sed 's/^/#   /'
		fail "after $what: tgtd still has an I_T nexus, or tgtadm did not answer"
	fi
	if is_kiscsi; then
		out=$("$KISCSI" session 2>&1)
		echo "$out" | grep -qF "iqn.2024-01.org.kiscsi.test:logout" &&
			fail "after $what: kiscsi session still lists: $out"
	fi
	return 0
}

sid=$(ini_login "127.0.0.1:$TGT_PORT" "$A") || exit 1
d1=$(wait_disk "$sid" 1) || exit 1
d2=$(wait_disk "$sid" 2) || exit 1
log "session $sid: $d1 $d2"
ini_logout "$A" "127.0.0.1:$TGT_PORT" || fail "logout failed"
assert_clean "logout --target"
[ ! -b "$d1" ] || [ ! -e "/sys/block/${d1#/dev/}" ] || fail "$d1 still exists"

ini_login "127.0.0.1:$TGT_PORT" "$A" >/dev/null || exit 1
ini_login "127.0.0.1:$TGT_PORT" "$B" >/dev/null || exit 1
[ "$(sessions | wc -l)" = 2 ] || fail "expected 2 sessions, have: $(sessions | tr '\n' ' ')"
is_kiscsi || { ini_logout_all || fail "logout --all failed"; assert_clean "logout --all"; exit 0; }

# rmmod with sessions is refused, cleanly: the sessions carry on
sid=$(session_of_target "$A") || fail "no session for $A"
d1=$(wait_disk "$sid" 1) || exit 1
out=$(rmmod kiscsi 2>&1) && fail "rmmod kiscsi succeeded with two sessions logged in"
log "rmmod with sessions: $out"
[ -d /sys/module/kiscsi ] || fail "the module is gone after a refused rmmod"
[ "$(sessions | wc -l)" = 2 ] || fail "a refused rmmod changed the sessions: $(sessions | tr '\n' ' ')"
must dd if="$d1" of=/dev/null bs=64k count=4 iflag=direct

# logout --force during I/O: the session goes, the I/O on it ends with an
# error (no hang), and the other session is untouched
fio --name=busy --filename="$d1" --direct=1 --ioengine=libaio --rw=randrw --bs=16k \
	--iodepth=16 --time_based --runtime=120 --output="$KISCSI_SCRATCH/busy.log" \
	>/dev/null 2>&1 &
fio=$!
# a hundred I/Os past where the dd left it: the debug kernel under TCG
# does a few dozen a second
ios=$(awk '{print $1 + $5}' "/sys/block/${d1#/dev/}/stat")
wait_for $((20 * TIME_SCALE)) sh -c "[ \$(awk '{print \$1 + \$5}' /sys/block/${d1#/dev/}/stat) -gt $((ios + 100)) ]" ||
	fail "fio on $d1 did not get going"
must "$KISCSI" logout --target "$A" --force
wait_for 60 sh -c "! kill -0 $fio 2>/dev/null" || fail "fio still runs 60 s after logout --force of its disk"
wait "$fio" && fail "fio on a logged-out disk reported success"
[ ! -e "/sys/class/iscsi_session/session$sid" ] || fail "session $sid survived logout --force"
sb=$(session_of_target "$B") || fail "logout --force of $A took $B's session too"
[ "$(kiscsi_json "$sb" .state)" = logged-in ] || fail "$B's session is not logged in after $A's forced logout"
ini_logout_all || fail "logout --all failed"
assert_clean "logout --all"
exit 0
