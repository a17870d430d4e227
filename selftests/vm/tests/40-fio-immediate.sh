#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fio verify (crc32c) over 256 MiB, block sizes 512 B to 4 MiB, reads and
# writes mixed, against tgtd with InitialR2T=No, ImmediateData=Yes and a
# FirstBurstLength above its MaxRecvDataSegmentLength: every large write
# has immediate data, then unsolicited Data-Out up to FirstBurstLength,
# then R2T-solicited Data-Out.  The negotiated keys show in sysfs.  On
# 6.12 queuecommand sends PDUs itself when the connection is idle
# (inline_pdus > 0), never in a session created with kiscsi.inline_send=0
# (which dispatches as 6.1 does, and verifies as well); on 6.1 it never
# does.
# timeout: 600
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

IQN=iqn.2024-01.org.kiscsi.test:immediate
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$IQN" 288
must "$TGTD" set 1 InitialR2T No
must "$TGTD" set 1 ImmediateData Yes
must "$TGTD" set 1 FirstBurstLength 262144
must "$TGTD" set 1 MaxBurstLength 1048576
must "$TGTD" set 1 MaxRecvDataSegmentLength 32768

sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
s=/sys/class/iscsi_session/session$sid
c=/sys/class/iscsi_connection/connection$sid:0
check_key() {	# FILE WANT
	local v
	v=$(cat "$1") || fail "$1 unreadable"
	log "$1: $v"
	[ "$v" = "$2" ] || fail "$1 is $v, not the negotiated $2"
}
check_key "$s/initial_r2t" 0
check_key "$s/immediate_data" 1
check_key "$s/first_burst_len" 262144
check_key "$s/max_burst_len" 1048576
check_key "$c/max_xmit_dlength" 32768

if is_kiscsi; then
	for k in InitialR2T ImmediateData FirstBurstLength MaxBurstLength MaxXmitDataSegmentLength; do
		log "kiscsi session: $k=$(kiscsi_json "$sid" ".parameters.$k")"
	done
	[ "$(kiscsi_json "$sid" ".parameters.InitialR2T")" = false ] || fail "InitialR2T did not negotiate to No"
	[ "$(kiscsi_json "$sid" ".parameters.ImmediateData")" = true ] || fail "ImmediateData did not negotiate to Yes"
	[ "$(kiscsi_json "$sid" ".parameters.FirstBurstLength")" = 262144 ] || fail "FirstBurstLength is not 262144"
	[ "$(kiscsi_json "$sid" ".parameters.MaxXmitDataSegmentLength")" = 32768 ] || fail "MaxXmitDataSegmentLength is not the target's 32768"
fi

fio_verify mixed "$dev" --rw=randrw --rwmixread=50 --iodepth=16 \
	--bssplit=512/10:4k/30:16k/10:64k/15:256k/10:1m/15:4m/10
fio_verify seq-4m "$dev" --rw=write --bs=4m --iodepth=4 --size=64M
if is_kiscsi; then
	r2ts=$(kiscsi_json "$sid" ".stats.r2ts")
	log "R2Ts received: $r2ts; $(kiscsi_json "$sid" ".stats")"
	[ "${r2ts:-0}" -gt 0 ] || fail "no R2T was exercised"
	# no data digest: every data page went out zero-copy
	[ "$(kiscsi_json "$sid" ".stats.tx_copied_bytes")" = 0 ] ||
		fail "data pages were copied, not spliced, with no data digest"

	inline=$(kiscsi_json "$sid" ".stats.inline_pdus")
	param=/sys/module/kiscsi/parameters/inline_send
	if [ -e "$param" ]; then
		log "PDUs sent inline by queuecommand: $inline"
		[ "${inline:-0}" -gt 0 ] || fail "$(uname -r): queuecommand never sent inline"
		# A session created with inline_send=0 dispatches as on 6.1,
		# from RCU, never sleeping (the debug kernel's checkers see it).
		ini_logout "$IQN" || fail "logout failed"
		echo 0 >"$param"
		sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN") || exit 1
		echo 1 >"$param"
		dev=$(wait_disk "$sid" 1) || exit 1
		fio_verify no-inline "$dev" --rw=randrw --iodepth=16 \
			--bssplit=4k/40:64k/30:1m/30 --size=32M
		inline=$(kiscsi_json "$sid" ".stats.inline_pdus")
		[ "$inline" = 0 ] ||
			fail "a session created with inline_send=0 sent $inline PDUs inline"
	else
		[ "$inline" = 0 ] || fail "$(uname -r) has no inline send, yet inline_pdus is $inline"
	fi
fi
ini_logout "$IQN" || fail "logout failed"
exit 0
