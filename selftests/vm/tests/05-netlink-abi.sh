#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Negative tests of the generic netlink ABI (selftests/vm/netlink_abi.c,
# kselftest harness, talking to the family directly): missing required
# attributes, policy violations (ranges, lengths, output-only and unknown
# attributes), inconsistent parameters, bad sockets (bad fd, regular file,
# UDP, unconnected TCP, another netns, the same socket twice: EBUSY), and
# permissions (no CAP_NET_ADMIN, user namespace root: EPERM); unknown
# session ids (ENOENT) and an empty dump.  Needs no target.
# timeout: 240
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

bin=$KISCSI_ROOT/build/selftests/vm/netlink_abi
[ -x "$bin" ] || fail "no $bin (make -C selftests/vm)"
if ! is_kiscsi; then
	skip "kiscsi's own netlink ABI; initiator is $INITIATOR"
fi
kiscsi_load
"$bin"
rc=$?
[ "$rc" != "$KSFT_SKIP" ] || skip "netlink_abi skipped everything"
[ "$rc" = 0 ] || fail "netlink_abi failed ($rc)"
exit 0
