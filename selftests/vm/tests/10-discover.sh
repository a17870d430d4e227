#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SendTargets discovery against tgtd (two targets) and LIO: every target
# name is listed, with host, host:port and --json forms; discovery of a
# closed port fails with a message and a non-zero exit.
# timeout: 180
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

A=iqn.2024-01.org.kiscsi.test:discover-a
B=iqn.2024-01.org.kiscsi.test:discover-b
L=iqn.2024-01.org.kiscsi.test:discover-lio

ini_setup
tgtd_start
must "$TGTD" add-target 1 "$A" 16
must "$TGTD" add-target 2 "$B" 16
must "$LIO" add-target "$L" 16 "$LIO_PORT"

out=$KISCSI_SCRATCH/discover.out
for p in 127.0.0.1 "127.0.0.1:$TGT_PORT"; do
	log "discovery at $p"
	ini_discover "$p" >"$out" 2>&1 || fail "discovery at $p failed"
	sed 's/^/#   /' "$out"
	grep -qF "$A" "$out" || fail "$A missing from the discovery at $p"
	grep -qF "$B" "$out" || fail "$B missing from the discovery at $p"
	grep -qF 127.0.0.1 "$out" || fail "no portal address in the discovery at $p"
done
ini_discover "127.0.0.1:$LIO_PORT" >"$out" 2>&1 || fail "discovery of LIO failed"
sed 's/^/#   /' "$out"
grep -qF "$L" "$out" || fail "$L missing from the LIO discovery"

if is_kiscsi; then
	"$KISCSI" discover "127.0.0.1:$TGT_PORT" --json >"$out" 2>&1 ||
		fail "discover --json failed"
	sed 's/^/#   /' "$out"
	if command -v python3 >/dev/null; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out" ||
			fail "discover --json is not valid JSON"
	fi
	grep -qF "$A" "$out" && grep -qF "$B" "$out" ||
		fail "discover --json lacks a target"

	# Nothing listens on port 3999: a clear error, non-zero exit.
	if "$KISCSI" discover 127.0.0.1:3999 >"$out" 2>&1; then
		fail "discovery of a closed port succeeded"
	fi
	sed 's/^/#   /' "$out"
	[ -s "$out" ] || fail "no error message for a closed port"
fi
exit 0
