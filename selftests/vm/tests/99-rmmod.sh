#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# With no sessions left, rmmod kiscsi succeeds and leaves nothing behind;
# the module loads and unloads again.  On a kernel with kmemleak (the
# debug kernel), a scan after the whole suite finds nothing of kiscsi's.
# timeout: 300
# lanes: 6.12 6.1 debug
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "initiator $INITIATOR"
kiscsi_load
[ -z "$(sessions)" ] || fail "sessions left before rmmod: $(sessions)"

# While the module is loaded its symbols resolve in the backtraces.
leaks=/sys/kernel/debug/kmemleak
if [ -e "$leaks" ]; then
	# objects must stay unreferenced across two scans to be reported
	echo scan >"$leaks"
	sleep 6
	echo scan >"$leaks"
	cat "$leaks" >"$KISCSI_SCRATCH/kmemleak"
	n=$(grep -c '^unreferenced object' "$KISCSI_SCRATCH/kmemleak")
	log "kmemleak: $n suspected leaks in the whole kernel"
	if grep -q 'kiscsi' "$KISCSI_SCRATCH/kmemleak"; then
		sed 's/^/#   /' "$KISCSI_SCRATCH/kmemleak" | head -n 60 >&2
		fail "kmemleak reports objects allocated by kiscsi"
	fi
fi
# A session's destroy drops its reference last; a udev worker probing a
# disk that is going away holds one for a moment.  Anything longer is a
# leak: say what still holds the module.
if ! wait_for $((10 * TIME_SCALE)) sh -c '[ "$(cat /sys/module/kiscsi/refcnt)" = 0 ]'; then
	log "kiscsi refcnt $(cat /sys/module/kiscsi/refcnt), holders: $(ls /sys/module/kiscsi/holders)"
	log "under /sys/devices/kiscsi: $(ls /sys/devices/kiscsi 2>&1 | tr '\n' ' ')"
	for p in /proc/[0-9]*; do
		o=$(ls -l "$p/fd" 2>/dev/null | grep -E '/dev/(sd|sg)') &&
			log "pid ${p#/proc/} ($(cat "$p/comm")) has open: $o"
	done
	fail "kiscsi is still in use with no session left"
fi
must rmmod kiscsi
[ ! -d /sys/module/kiscsi ] || fail "/sys/module/kiscsi still there after rmmod"
must insmod "$KISCSI_KO"
must rmmod kiscsi
[ ! -d /sys/module/kiscsi ] || fail "/sys/module/kiscsi still there after the second rmmod"
exit 0
