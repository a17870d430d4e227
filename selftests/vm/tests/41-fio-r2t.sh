#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The same fio verify as 40-fio-immediate against tgtd with InitialR2T=Yes
# and ImmediateData=No: every byte of every write goes in R2T-solicited
# Data-Out, in bursts of at most MaxBurstLength (64 KiB here).
# (Not on the debug lane: 43-lio-r2t and 90-own-target drive the same R2T
# code there, against LIO and the scripted target.)
# timeout: 600
# lanes: 6.12 6.1
. "$KISCSI_ROOT/selftests/vm/lib.sh"

IQN=iqn.2024-01.org.kiscsi.test:r2t
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$IQN" 288
must "$TGTD" set 1 InitialR2T Yes
must "$TGTD" set 1 ImmediateData No
must "$TGTD" set 1 MaxBurstLength 65536

sid=$(ini_login "127.0.0.1:$TGT_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 1) || exit 1
s=/sys/class/iscsi_session/session$sid
for f in initial_r2t immediate_data max_burst_len; do
	v=$(cat "$s/$f") || fail "no $f in the session's sysfs"
	log "$f: $v"
	case "$f" in
	initial_r2t) [ "$v" = 1 ] || fail "initial_r2t is $v, not 1" ;;
	immediate_data) [ "$v" = 0 ] || fail "immediate_data is $v, not 0" ;;
	max_burst_len) [ "$v" = 65536 ] || fail "max_burst_len is $v, not 65536" ;;
	esac
done

if is_kiscsi; then
	[ "$(kiscsi_json "$sid" ".parameters.InitialR2T")" = true ] || fail "InitialR2T did not negotiate to Yes"
	[ "$(kiscsi_json "$sid" ".parameters.ImmediateData")" = false ] || fail "ImmediateData did not negotiate to No"
fi

fio_verify mixed "$dev" --rw=randrw --rwmixread=50 --iodepth=16 \
	--bssplit=512/10:4k/30:16k/10:64k/15:256k/10:1m/15:4m/10
if is_kiscsi; then
	r2ts=$(kiscsi_json "$sid" ".stats.r2ts")
	log "R2Ts received: $r2ts; $(kiscsi_json "$sid" ".stats")"
	[ "${r2ts:-0}" -gt 0 ] || fail "no R2T was exercised"
fi
ini_logout "$IQN" || fail "logout failed"
exit 0
