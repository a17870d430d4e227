#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A short fixed-seed hostile-target fuzz run (selftests/vm/fuzz.sh): every
# mutation class once, each case ending in a failed connection, a failed
# command or verified data, with no kernel report, hang or leak; rmmod
# succeeds afterwards.  'make fuzz' runs the long one.
# timeout: 240
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
# Cases that still break the kernel (reported, not yet fixed): skipped here
# so the suite keeps passing; 'make fuzz' still runs them.
KNOWN_BAD=""
ncls=$(/usr/bin/python3 "$KISCSI_ROOT/selftests/target/kiscsi_target.py" --list-classes | wc -l)
"$KISCSI_ROOT/selftests/vm/fuzz.sh" --seed 7 --cases "$ncls" --time 200 \
	--skip-cases "$KNOWN_BAD" --out "$KISCSI_SCRATCH" || fail "fuzz run found problems"
exit 0
