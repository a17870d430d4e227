#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Seen by the rest of the system as iSCSI disks, several LUNs and sessions
# at once: with systemd-udevd running, /dev/disk/by-path/ip-ADDR:PORT-
# iscsi-IQN-lun-N appears for each of tgtd's three LUNs and LIO's one
# (udev's path_id reads the iSCSI class's sysfs), lsblk shows TRAN=iscsi,
# the session and connection sysfs attributes hold the negotiated values
# (the ones kiscsi session --json reports), fio verifies on all four disks
# at once, and the links go away with the sessions.
# timeout: 600
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || exit "$KSFT_SKIP"
[ -x /lib/systemd/systemd-udevd ] || fail "no systemd-udevd (package udev)"
ini_setup
pkill -x systemd-udevd 2>/dev/null
/lib/systemd/systemd-udevd --daemon || fail "systemd-udevd did not start"
# stop udevd and remove its control socket: device-mapper tools would
# otherwise wait for a udev that is gone
trap 'udevadm control --exit 2>/dev/null; pkill -x systemd-udevd; rm -rf /run/udev' EXIT
must udevadm trigger --action=add --subsystem-match=block
must udevadm settle --timeout=60

TIQN=iqn.2024-01.org.kiscsi.test:multilun
LIQN=iqn.2024-01.org.kiscsi.test:multi-lio
tgtd_start
must "$TGTD" add-target 1 "$TIQN" 32 3
must "$LIO" add-target "$LIQN" 32 "$LIO_PORT"
tsid=$(ini_login "127.0.0.1:$TGT_PORT" "$TIQN") || exit 1
lsid=$(ini_login "127.0.0.1:$LIO_PORT" "$LIQN" --header-digest crc32c) || exit 1
must udevadm settle --timeout=60

devs=()
# check_link PORT IQN LUN SID
check_link() {
	local link="/dev/disk/by-path/ip-127.0.0.1:$1-iscsi-$2-lun-$3" dev want
	want=$(wait_disk "$4" "$3") || exit 1
	wait_for 20 test -e "$link" || {
		ls -l /dev/disk/by-path/ >&2
		fail "no $link"
	}
	dev=$(readlink -f "$link")
	log "$link -> $dev"
	[ "$dev" = "$want" ] || fail "$link points to $dev, not $want"
	tran=$(lsblk -dno TRAN "$dev" | tr -d ' ')
	[ "$tran" = iscsi ] || fail "lsblk shows TRAN '$tran' for $dev"
	devs+=("$dev")
}
for lun in 1 2 3; do
	check_link "$TGT_PORT" "$TIQN" "$lun" "$tsid"
done
check_link "$LIO_PORT" "$LIQN" 0 "$lsid"
run lsblk -o NAME,SIZE,TRAN,HCTL
[ "$(ls -d /sys/class/iscsi_session/session* | wc -l)" = 2 ] || fail "not two sessions"

# sysfs holds what was negotiated: compare with kiscsi session --json
check_sysfs() {	# SID
	local s=/sys/class/iscsi_session/session$1
	local c=/sys/class/iscsi_connection/connection$1:0
	local pairs=(
		"$s/first_burst_len|.parameters.FirstBurstLength"
		"$s/max_burst_len|.parameters.MaxBurstLength"
		"$s/immediate_data|.parameters.ImmediateData | if . then 1 else 0 end"
		"$s/initial_r2t|.parameters.InitialR2T | if . then 1 else 0 end"
		"$s/max_outstanding_r2t|.parameters.MaxOutstandingR2T"
		"$s/recovery_tmo|.recovery_timeout"
		"$s/tpgt|.tpgt"
		"$c/max_recv_dlength|.parameters.MaxRecvDataSegmentLength"
		"$c/max_xmit_dlength|.parameters.MaxXmitDataSegmentLength"
		"$c/header_digest|.parameters.HeaderDigest == \"CRC32C\" | if . then 1 else 0 end"
		"$c/data_digest|.parameters.DataDigest == \"CRC32C\" | if . then 1 else 0 end"
	)
	local p f want got
	for p in "${pairs[@]}"; do
		f=${p%%|*}
		want=$(kiscsi_json "$1" "${p#*|}") || fail "kiscsi session --json lacks ${p#*|}"
		got=$(cat "$f") || fail "cannot read $f"
		log "$f: $got"
		[ "$got" = "$want" ] || fail "$f is '$got', kiscsi session says '$want'"
	done
	[ "$(cat "$s/state")" = LOGGED_IN ] || fail "$s/state is not LOGGED_IN"
}
check_sysfs "$tsid"
check_sysfs "$lsid"
[ "$(cat "/sys/class/iscsi_connection/connection$lsid:0/header_digest")" = 1 ] ||
	fail "LIO session: header digest not on"

pids=()
for d in "${devs[@]}"; do
	fio_verify "par-${d##*/}" "$d" --rw=randrw --bs=16k --iodepth=8 --size=8M &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || fail "fio failed on one of ${devs[*]}"
done

ini_logout "$TIQN" || fail "logout of $TIQN failed"
ini_logout "$LIQN" || fail "logout of $LIQN failed"
must udevadm settle --timeout=60
left=$(ls /dev/disk/by-path/ 2>/dev/null | grep -c iscsi)
[ "$left" = 0 ] || fail "$left by-path links left after logout"
exit 0
