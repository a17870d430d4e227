#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# QD32 fio verify against LIO with default_cmdsn_depth 4: the target keeps
# MaxCmdSN at most 4 ahead, so the CmdSN window closes and reopens all the
# time; commands must wait for it (the session's cmdsn_window_waits counts
# the closings), never be sent outside it (LIO would reject them; the
# scripted target of 90-own-target checks every CmdSN against its window).
# timeout: 600
# lanes: 6.12 6.1
. "$KISCSI_ROOT/selftests/vm/lib.sh"

IQN=iqn.2024-01.org.kiscsi.test:lio-cmdsn
ini_setup
must "$LIO" add-target "$IQN" 128 "$LIO_PORT"
must "$LIO" attrib "$IQN" default_cmdsn_depth 4

sid=$(ini_login "127.0.0.1:$LIO_PORT" "$IQN") || exit 1
dev=$(wait_disk "$sid" 0) || exit 1
run lsblk -o NAME,SIZE,TRAN,VENDOR,MODEL "$dev"
fio_verify qd32 "$dev" --rw=randrw --rwmixread=50 --iodepth=32 \
	--bssplit=4k/60:16k/20:64k/20 --size="${KISCSI_FIO_SIZE_LIO:-32M}"
if is_kiscsi; then
	waits=$(kiscsi_json "$sid" '.stats.cmdsn_window_waits') || fail "no stats for session $sid"
	log "the CmdSN window shut $waits times"
	[ "${waits:-0}" -gt 0 ] || fail "the CmdSN window never shut: the test did not test the window"
	[ "$(kiscsi_json "$sid" '.stats.conn_failures')" = 0 ] || fail "the connection failed"
fi
ini_logout "$IQN" || fail "logout failed"
exit 0
