#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# With no sessions left, rmmod kiscsi succeeds and leaves nothing behind;
# the module loads and unloads again.
# timeout: 120
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
kiscsi_load
[ -z "$(sessions)" ] || fail "sessions left before rmmod: $(sessions)"
must rmmod kiscsi
[ ! -d /sys/module/kiscsi ] || fail "/sys/module/kiscsi still there after rmmod"
must insmod "$KISCSI_KO"
must rmmod kiscsi
[ ! -d /sys/module/kiscsi ] || fail "/sys/module/kiscsi still there after the second rmmod"
exit 0
