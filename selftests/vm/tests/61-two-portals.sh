#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two portals of one target, the layout dm-multipath needs.  Each session
# gets its own ISID, so neither reinstates the other: on tgtd (127.0.0.1
# and 127.0.0.2) both stay LOGGED_IN, with no connection failure, through
# fio verify on both disks at once, each on its own half of the one LUN;
# the same on LIO (a second portal).  A second login to a portal that
# has a session is refused (exit 10, one line) while fio runs on that
# session, which goes on undisturbed; two logins of one key at the same
# moment leave exactly one session.  (kiscsi.ko's own refusal of a
# second session of one nexus is in 62-lifecycle.)
# timeout: 480
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
T=iqn.2024-01.org.kiscsi.test:two-portals
L=iqn.2024-01.org.kiscsi.test:two-portals-lio
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$T" 64
events=$KISCSI_SCRATCH/events
"$KISCSI" monitor --json >"$events" 2>"$events.err" &
mpid=$!
trap 'kill $mpid 2>/dev/null' EXIT
wait_for 10 grep -q listening "$events.err" || fail "no event monitor"

state() { cat "/sys/class/iscsi_session/session$1/state" 2>/dev/null; }
isid() { cat "/sys/class/iscsi_session/session$1/isid" 2>/dev/null; }
# sessions whose persistent address is $1, to target $2
count_at() {
	local s n=0
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] || continue
		[ "$(cat "$s/targetname")" = "$2" ] || continue
		[ "$(cat "/sys/class/iscsi_connection/connection${s##*session}:0/persistent_address")" = "$1" ] &&
			n=$((n + 1))
	done
	echo "$n"
}
both_up() {
	[ "$(state "$1")" = LOGGED_IN ] || fail "session $1 is $(state "$1") $3"
	[ "$(state "$2")" = LOGGED_IN ] || fail "session $2 is $(state "$2") $3"
}

s1=$(ini_login "127.0.0.1:$TGT_PORT" "$T") || exit 1
s2=$(ini_login "127.0.0.2:$TGT_PORT" "$T") || exit 1
[ "$s1" != "$s2" ] || fail "both logins gave session $s1"
log "sessions $s1 ($(isid "$s1")) and $s2 ($(isid "$s2"))"
[ "$(isid "$s1")" != "$(isid "$s2")" ] || fail "both sessions have ISID $(isid "$s1")"
[ "$(cat "/sys/class/iscsi_session/session$s2/ifacename")" = default ] ||
	fail "ifacename is '$(cat "/sys/class/iscsi_session/session$s2/ifacename")', not default"
d1=$(wait_disk "$s1" 1) || exit 1
d2=$(wait_disk "$s2" 1) || exit 1
both_up "$s1" "$s2" "after the second login"

# the one 64 MiB LUN: the first session writes the first half, the second
# the second half
FIO_SIZE=${FIO_CAP:-32M}
FIO_CAP=
fio_verify portal1 "$d1" --rw=randrw --bs=64k --iodepth=8 --offset=0 &
p1=$!
fio_verify portal2 "$d2" --rw=randrw --bs=64k --iodepth=8 --offset=32M &
p2=$!
wait "$p1" || fail "fio through 127.0.0.1 failed"
wait "$p2" || fail "fio through 127.0.0.2 failed"
both_up "$s1" "$s2" "after fio on both"

# a second login to 127.0.0.1, while fio runs on its session
fio_verify during-refusal "$d1" --rw=randwrite --bs=16k --iodepth=4 --offset=0 &
p1=$!
sleep 1
err=$KISCSI_SCRATCH/dup.err
"$KISCSI" login --portal "127.0.0.1:$TGT_PORT" --target "$T" >/dev/null 2>"$err"
rc=$?
sed 's/^/#   /' "$err" >&2
[ "$rc" = 10 ] || fail "second login to 127.0.0.1 exited $rc, not 10"
[ "$(wc -l <"$err")" = 1 ] && grep -q "already logged in (session $s1," "$err" ||
	fail "the refusal is not one line naming session $s1"
wait "$p1" || fail "fio on session $s1 failed while a second login was refused"
both_up "$s1" "$s2" "after the refused login"
[ "$(count_at 127.0.0.1 "$T")" = 1 ] || fail "not one session at 127.0.0.1"

# two logins of one key at once: one session, one refusal
must "$KISCSI" logout --session "$s2"
[ ! -e "/sys/class/iscsi_session/session$s2" ] || fail "logout --session $s2 left it"
"$KISCSI" login --portal "127.0.0.2:$TGT_PORT" --target "$T" >"$KISCSI_SCRATCH/a.out" 2>&1 &
pa=$!
"$KISCSI" login --portal "127.0.0.2:$TGT_PORT" --target "$T" >"$KISCSI_SCRATCH/b.out" 2>&1 &
pb=$!
wait "$pa"; ra=$?
wait "$pb"; rb=$?
sed 's/^/#   /' "$KISCSI_SCRATCH/a.out" "$KISCSI_SCRATCH/b.out" >&2
[ "$(printf '%s\n' "$ra" "$rb" | sort -n | tr '\n' ' ')" = "0 10 " ] ||
	fail "two logins at once exited $ra and $rb, not 0 and 10"
[ "$(count_at 127.0.0.2 "$T")" = 1 ] || fail "not one session at 127.0.0.2"
[ "$(state "$s1")" = LOGGED_IN ] || fail "session $s1 is $(state "$s1") after the race"
! grep -q '"conn_failed"' "$events" ||
	fail "a connection failed: $(grep conn_failed "$events" | head -n 3)"
kill "$mpid" 2>/dev/null
must "$KISCSI" logout --target "$T"

# LIO: two portals, two ISIDs, fio verify on both halves at once, both up
must "$LIO" add-target "$L" 32 "$LIO_PORT"
must "$LIO" portal "$L" "127.0.0.2:$LIO_PORT"
l1=$(ini_login "127.0.0.1:$LIO_PORT" "$L") || exit 1
l2=$(ini_login "127.0.0.2:$LIO_PORT" "$L") || exit 1
[ "$(isid "$l1")" != "$(isid "$l2")" ] || fail "LIO sessions share ISID $(isid "$l1")"
e1=$(wait_disk "$l1" 0) || exit 1
e2=$(wait_disk "$l2" 0) || exit 1
FIO_SIZE=16M
fio_verify lio-portal1 "$e1" --rw=randrw --bs=64k --iodepth=8 --offset=0 &
p1=$!
fio_verify lio-portal2 "$e2" --rw=randrw --bs=64k --iodepth=8 --offset=16M &
p2=$!
wait "$p1" || fail "fio through LIO's 127.0.0.1 failed"
wait "$p2" || fail "fio through LIO's 127.0.0.2 failed"
both_up "$l1" "$l2" "on LIO"
must "$KISCSI" logout --target "$L"

exit 0
