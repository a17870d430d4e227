#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module loads (with scsi_transport_iscsi) and registers its generic
# netlink family "kiscsi".
# timeout: 120
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

ini_setup
if ! is_kiscsi; then
	log "initiator $INITIATOR: iscsi_tcp and iscsid are up"
	exit 0
fi
[ -d /sys/module/kiscsi ] || fail "/sys/module/kiscsi missing after insmod"
[ -d /sys/module/scsi_transport_iscsi ] || fail "scsi_transport_iscsi not loaded"
command -v genl >/dev/null || fail "no genl (iproute2) in the guest"
run genl ctrl get name kiscsi || fail "no generic netlink family 'kiscsi'"
run cat /proc/sys/kernel/tainted
exit 0
