#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A short fixed-seed hostile-target fuzz run (selftests/vm/fuzz.sh): about
# 90 s of cases, each ending in a failed connection, a failed login or
# command, or verified data, with no kernel report, hang or leak; rmmod
# succeeds afterwards.  Cases take the mutation classes in turn from the
# seed, so each kernel gets its own fixed seed and the three suites start
# at different classes.  The run must have fuzzed: a case per 20 s at
# least, every class it reached applied, the target alive and without
# errors of its own.  'make fuzz' runs the long one.
# timeout: 420
# lanes: 6.12 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
# 'make fuzz' is the long run on the debug kernel: 60 s there keeps the
# suite inside CI's time
secs=90
case "$(uname -r)" in
6.1.*) seed=7 ;;
*debug*) seed=35 secs=60 ;;
*) seed=21 ;;
esac
# Cases that break the kernel until the lead fixes them (seed:case), so the
# suite keeps passing; 'make fuzz' still runs them.  None now: the one
# found so far (seed 7 case 5 on the debug kernel, "Oops: int3" at the
# memalloc_socks static key during a teardown) is fixed by f648bfb.
known_bad=""
for kb in $known_bad; do
	[ "${kb%%:*}" = "$seed" ] && skip_cases="${skip_cases:-} ${kb#*:}"
done
"$KISCSI_ROOT/selftests/vm/fuzz.sh" --seed "$seed" --time "$secs" \
	--skip-cases "${skip_cases:-}" --out "$KISCSI_SCRATCH" --min-cases $((secs / 20)) ||
	fail "fuzz run found problems"
exit 0
