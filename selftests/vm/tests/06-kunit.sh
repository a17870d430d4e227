#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit tests of the module's receive-path checks (kernel/rx_kunit.c):
# Data-In and R2T headers that name no live command, break DataSN or
# R2TSN order, reach beyond the buffer or MaxBurstLength, a data segment
# over MaxRecvDataSegmentLength, a header digest mismatch, an unexpected
# opcode, and the CmdSN window update.  Built into kiscsi.ko when the
# kernel has KUnit (the debug kernel; Debian's kernels have none), run
# when the module loads; every case must pass.
# timeout: 120
# lanes: debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
[ -d /sys/kernel/debug/kunit ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -d /sys/kernel/debug/kunit ]; then
	case "$(uname -r)" in
	*debug*) fail "no KUnit on the debug kernel (CONFIG_KUNIT)" ;;
	esac
	skip "no KUnit in this kernel (CONFIG_KUNIT is the debug kernel's)"
fi
[ -z "$(sessions)" ] || fail "sessions before the test: $(sessions)"
[ ! -d /sys/module/kiscsi ] || must rmmod kiscsi
kiscsi_load
results=/sys/kernel/debug/kunit/kiscsi-rx/results
[ -r "$results" ] || fail "no $results: the KUnit suite was not built into kiscsi.ko"
sed 's/^/#   /' "$results" >&2
cases=$(grep -cE '^[[:space:]]+ok [0-9]+ rx_' "$results")
bad=$(grep -E '^[[:space:]]*not ok' "$results")
[ -z "$bad" ] || fail "KUnit cases failed: $bad"
[ "$cases" -ge 13 ] || fail "only $cases KUnit cases passed, expected 13"
grep -qE '^ok [0-9]+ kiscsi-rx' "$results" || fail "the kiscsi-rx suite did not pass"
log "KUnit: $cases cases of kiscsi-rx passed"
exit 0
