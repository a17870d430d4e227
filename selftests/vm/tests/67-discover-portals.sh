#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SendTargets with several TargetAddress keys: an LIO target with two
# portals in TPG 1 and one in TPG 2.  kiscsi discover lists every one with
# its own TPGT, in text and in JSON, and discover --save writes one node
# record per target portal, each with that TPGT.
# timeout: 180
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "kiscsi's discover output and node records"

L=iqn.2024-01.org.kiscsi.test:portals
TPG2=/sys/kernel/config/target/iscsi/$L/tpgt_2
export KISCSI_CONFIG_DIR=$KISCSI_SCRATCH/etc-kiscsi

cleanup() {
	if [ -d "$TPG2" ]; then
		echo 0 >"$TPG2/enable" 2>/dev/null
		rmdir "$TPG2"/np/* 2>/dev/null
		rmdir "$TPG2" 2>/dev/null
	fi
	rmdir "/sys/kernel/config/target/iscsi/$L/tpgt_1/np/127.0.0.2:$LIO_PORT" 2>/dev/null
}
trap cleanup EXIT

ini_setup
must "$LIO" add-target "$L" 16 "$LIO_PORT"
must mkdir "/sys/kernel/config/target/iscsi/$L/tpgt_1/np/127.0.0.2:$LIO_PORT"
must mkdir -p "$TPG2/np/127.0.0.3:$LIO_PORT"
echo 0 >"$TPG2/attrib/authentication" || fail "cannot configure TPG 2"
echo 1 >"$TPG2/attrib/generate_node_acls" || fail "cannot configure TPG 2"
echo 1 >"$TPG2/enable" || fail "cannot enable TPG 2"

want="127.0.0.1:$LIO_PORT,1
127.0.0.2:$LIO_PORT,1
127.0.0.3:$LIO_PORT,2"
out=$("$KISCSI" discover "127.0.0.1:$LIO_PORT") || fail "discover failed"
echo "$out" | sed 's/^/#   /' >&2
got=$(echo "$out" | sed -n "s/^$L //p" | sort)
[ "$got" = "$want" ] || fail "discover listed portals '$(echo $got)', expected '$(echo $want)'"

json=$("$KISCSI" discover "127.0.0.1:$LIO_PORT" --json) || fail "discover --json failed"
echo "$json" | python3 -c '
import json, sys
t, port = sys.argv[1], int(sys.argv[2])
d = json.load(sys.stdin)
ps = sorted((p["address"], p["port"], p["tpgt"])
            for x in d["targets"] if x["name"] == t for p in x["portals"])
want = [("127.0.0.1", port, 1), ("127.0.0.2", port, 1), ("127.0.0.3", port, 2)]
assert ps == want, ps
' "$L" "$LIO_PORT" || fail "discover --json does not list the three portals with their TPGTs"

must "$KISCSI" discover "127.0.0.1:$LIO_PORT" --save
out=$("$KISCSI" node list) || fail "node list failed"
echo "$out" | sed 's/^/#   /' >&2
got=$(echo "$out" | sed -n "s/^$L \([^ ]*\) startup=manual auth=none$/\1/p" | sort)
[ "$got" = "$want" ] || fail "node records '$(echo $got)', expected '$(echo $want)'"
exit 0
