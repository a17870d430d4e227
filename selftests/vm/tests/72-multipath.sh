#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dm-multipath over two portals of one LIO target, one kiscsi session
# each, with multipathd (multipath-tools) and 'kiscsi daemon' running:
# multipathd makes one map of the two paths and writes its
# fast_io_fail_tmo (5 s) into both sessions' recovery_tmo; fio verify on
# the map goes on without an error while one path's connection is killed
# again and again (ss -K) and the other stays; the killed path comes back
# each time, and at the end both paths are active in 'show paths'.
# timeout: 600
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
command -v multipathd >/dev/null || fail "no multipathd (package multipath-tools: make deps)"
[ -x /lib/systemd/systemd-udevd ] || fail "no systemd-udevd (package udev)"
L=iqn.2024-01.org.kiscsi.test:multipath
KILLS=3
ini_setup
load_module dm_multipath
pkill -x systemd-udevd 2>/dev/null
/lib/systemd/systemd-udevd --daemon || fail "systemd-udevd did not start"
mkdir -p /etc/multipath
cat >/etc/multipath.conf <<'EOF'
defaults {
	find_multipaths off
	user_friendly_names no
	polling_interval 1
	fast_io_fail_tmo 5
	no_path_retry queue
	# the WWID from sysfs (VPD page 0x83), not from udev's database
	uid_attribute ""
}
# lio.sh's ramdisks report TPGS but no target port group (the kernel's
# alua handler cannot attach): instead of the built-in LIO-ORG entry's
# ALUA, no handler and both paths in one group
devices {
	device {
		vendor "LIO-ORG"
		product ".*"
		hardware_handler "0"
		detect_prio no
		prio const
		path_grouping_policy multibus
	}
}
EOF
dlog=$KISCSI_SCRATCH/daemon.log
mlog=$KISCSI_SCRATCH/multipathd.log
"$KISCSI" daemon 2>"$dlog" &
dpid=$!
multipathd -d -s >"$mlog" 2>&1 &
mpd=$!
cleanup() {
	touch "$KISCSI_SCRATCH/fio-stop"
	kill "$dpid" "$fpid" 2>/dev/null
	multipathd -k'shutdown' >/dev/null 2>&1 || kill "$mpd" 2>/dev/null
	wait "$mpd" 2>/dev/null
	multipath -F >/dev/null 2>&1
	udevadm control --exit 2>/dev/null
	pkill -x systemd-udevd
	rm -rf /run/udev /etc/multipath.conf /etc/multipath
}
trap cleanup EXIT
wait_for 10 grep -q "watching the sessions" "$dlog" || fail "the daemon did not start"

must "$LIO" add-target "$L" 64 "$LIO_PORT"
must "$LIO" portal "$L" "127.0.0.2:$LIO_PORT"
s1=$(ini_login "127.0.0.1:$LIO_PORT" "$L") || exit 1
s2=$(ini_login "127.0.0.2:$LIO_PORT" "$L") || exit 1
d1=$(wait_disk "$s1" 0) || exit 1
d2=$(wait_disk "$s2" 0) || exit 1
must udevadm settle --timeout=60

# one map holding both disks
map_of() { ls "/sys/block/${1#/dev/}/holders" 2>/dev/null | head -n 1; }
two_paths() { [ -n "$(map_of "$d1")" ] && [ "$(map_of "$d1")" = "$(map_of "$d2")" ]; }
wait_for $((30 * TIME_SCALE)) two_paths ||
	fail "multipathd made no map of $d1 and $d2: $(multipathd -k'show paths' 2>&1 | tr '\n' ' '); log: $(tail -n 5 "$mlog" | tr '\n' ' ')"
dm=/dev/$(map_of "$d1")
log "map $dm over $d1 (session $s1) and $d2 (session $s2)"
multipathd -k'show paths' 2>&1 | indent >&2

tmo() { cat "/sys/class/iscsi_session/session$1/recovery_tmo"; }
tmo_is() { [ "$(tmo "$1")" = "$2" ]; }
wait_for 10 tmo_is "$s1" 5 && wait_for 10 tmo_is "$s2" 5 ||
	fail "recovery_tmo is $(tmo "$s1")/$(tmo "$s2"), not multipathd's fast_io_fail_tmo 5"
[ "$(kiscsi_json "$s2" .recovery_timeout)" = 5 ] ||
	fail "kiscsi session reports recovery timeout $(kiscsi_json "$s2" .recovery_timeout), not 5"

# fio verify rounds on the map while the second path's connection is killed
fio_rounds mp "$dm" "${FIO_CAP:-16M}"
failures() { kiscsi_json "$s2" .stats.conn_failures; }
failed_since() { [ "$(failures)" -gt "$1" ]; }
up_again() { [ "$(cat "/sys/class/iscsi_session/session$s2/state")" = LOGGED_IN ]; }
for ((i = 1; i <= KILLS; i++)); do
	sleep "1.$((RANDOM % 9))"
	f0=$(failures)
	ss -K dst 127.0.0.2 dport = ":$LIO_PORT" >/dev/null 2>&1 || fail "ss -K failed"
	wait_for 10 failed_since "$f0" || fail "kill $i did not fail session $s2"
	wait_for $((60 * TIME_SCALE)) up_again ||
		fail "path $d2 (session $s2) did not come back after kill $i: $(tail -n 3 "$dlog" | tr '\n' ' ')"
	[ "$(cat "/sys/class/iscsi_session/session$s1/state")" = LOGGED_IN ] ||
		fail "the other path (session $s1) went down"
done
fio_stop mp
[ "$(failures)" -ge "$KILLS" ] || fail "session $s2 saw $(failures) failures for $KILLS kills"
[ "$(kiscsi_json "$s1" .stats.conn_failures)" = 0 ] || fail "session $s1 failed too"

# both paths active again
active() {
	[ "$(multipathd -k'show paths format "%d %t %T"' 2>/dev/null |
		grep -cE "^(${d1#/dev/}|${d2#/dev/}) +active +ready")" = 2 ]
}
wait_for $((20 * TIME_SCALE)) active ||
	fail "not both paths active: $(multipathd -k'show paths' 2>&1 | tr '\n' ' ')"
multipathd -k'show paths' 2>&1 | indent >&2
multipathd -k'shutdown' >/dev/null 2>&1
wait "$mpd" 2>/dev/null
must multipath -F
must "$KISCSI" logout --target "$L"
exit 0
