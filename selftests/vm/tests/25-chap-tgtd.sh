#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CHAP against tgtd with MD5, the one algorithm tgtd numbers as RFC 7143
# does: one-way (credentials from the environment) and mutual (from the
# command line); no credentials, a wrong password, a wrong username, a
# wrong mutual secret and a wrong mutual name each fail with exit status 5,
# one line, and no session or SCSI host left.  No secret ever appears in
# kiscsi's output; a short secret is warned about.  A node record keeps
# the secrets (from an --auth-file) and the algorithm list for login --all:
# SHA-256 alone is turned down by tgtd, SHA1-then-MD5 logs in with MD5;
# 'node add --password' alone changes only the record's secret.
# timeout: 300
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "the CHAP options are kiscsi's"
IQN=iqn.2024-01.org.kiscsi.test:chap-tgtd
USER=kiscsi-user PASS=tgtd-secret-1234
TUSER=tgtd-target TPASS=tgtd-mutual-5678
P=127.0.0.1:$TGT_PORT

initiator_identity iqn.2024-01.org.kiscsi.test:chap-initiator
ini_setup
tgtd_start
must "$TGTD" add-target 1 "$IQN" 16
must "$TGTD" chap 1 "$USER" "$PASS" "$TUSER" "$TPASS"

chap_fail 5 "failed: (target requires authentication|authentication failure \\(status 0x0201\\))" \
	login --portal "$P" --target "$IQN"
chap_fail 5 "^kiscsi: login to $IQN at $P failed: authentication failure \(status 0x0201\)$" \
	login --portal "$P" --target "$IQN" --username "$USER" --password wrong-secret-1234
chap_fail 5 "failed: authentication failure \(status 0x0201\)$" \
	login --portal "$P" --target "$IQN" --username nobody --password "$PASS"
chap_fail 5 "CHAP response does not verify" \
	login --portal "$P" --target "$IQN" --username "$USER" --password "$PASS" \
	--username-in "$TUSER" --password-in wrong-mutual-0000
chap_fail 5 "not as the --username-in given" \
	login --portal "$P" --target "$IQN" --username "$USER" --password "$PASS" \
	--username-in someone-else --password-in "$TPASS"
chap_fail 2 "same secret in both directions" \
	login --portal "$P" --target "$IQN" --username "$USER" --password "$PASS" \
	--username-in "$TUSER" --password-in "$PASS"

# a short secret: warned about (a second line), then refused by the target
out=$("$KISCSI" login --portal "$P" --target "$IQN" --username "$USER" --password Sh0rt! 2>&1)
rc=$?
printf '%s\n' "$out" | tee -a "$CHAP_OUT" | sed 's/^/#   /' >&2
[ "$rc" = 5 ] || fail "short wrong secret: exit $rc, not 5"
printf '%s\n' "$out" | grep -q "warning: a CHAP secret is shorter than 12 bytes" ||
	fail "no warning about the short secret"

log "one-way CHAP, MD5, credentials from the environment"
KISCSI_USERNAME=$USER KISCSI_PASSWORD=$PASS \
	chap_login "CHAP md5" "$P" "$IQN" 1
log "mutual CHAP, MD5, from the command line"
chap_login "CHAP md5, mutual" "$P" "$IQN" 1 --username "$USER" --password "$PASS" \
	--username-in "$TUSER" --password-in "$TPASS" --chap-algorithms md5

log "a node record with mutual CHAP, from an --auth-file"
export KISCSI_CONFIG_DIR=$KISCSI_SCRATCH/etc-kiscsi
auth=$KISCSI_SCRATCH/node.chap
printf 'username=%s\npassword=%s\nusername_in=%s\npassword_in=%s\n' \
	"$USER" "$PASS" "$TUSER" "$TPASS" >"$auth"
chmod 644 "$auth"
chap_fail 1 "other users can access it.*chmod 600" \
	node add --portal "$P" --target "$IQN" --auth-file "$auth"
chmod 600 "$auth"
must "$KISCSI" node add --portal "$P" --target "$IQN" --startup automatic \
	--auth-file "$auth" --chap-algorithms sha256
node=$("$KISCSI" node list --json) || fail "node list failed"
printf '%s\n' "$node" >>"$CHAP_OUT"
jq -e '.nodes[0] | .auth == "chap-mutual" and .settings.chap_algorithms == "sha256"' \
	<<<"$node" >/dev/null || fail "the record lacks its CHAP: $node"
# tgtd has no SHA-256 (it takes 7 for SHA1, and turns a list of 7 alone
# down with status 0x0200): the record's list is the one offered, so this
# fails; with sha1,md5 tgtd skips 6, unknown to it, for 5
chap_fail 4 "^kiscsi: login to $IQN at $P failed: initiator error \(status 0x0200\)$" login --all
must "$KISCSI" node add --portal "$P" --target "$IQN" --chap-algorithms sha1,md5
out=$("$KISCSI" login --all 2>&1) || fail "login --all with the record's CHAP failed: $out"
printf '%s\n' "$out" | tee -a "$CHAP_OUT" | indent
sid=$(sessions | head -n1)
[ -n "$sid" ] || fail "no session after login --all"
must "$KISCSI" logout --all
# --password alone changes only the record's secret: the wrong one now
# fails authentication with the record's username, the right one works
must "$KISCSI" node add --portal "$P" --target "$IQN" --password wrong-secret-1234
chap_fail 5 "^kiscsi: login to $IQN at $P failed: authentication failure \(status 0x0201\)$" login --all
must "$KISCSI" node add --portal "$P" --target "$IQN" --password "$PASS"
out=$("$KISCSI" login --all 2>&1) || fail "login --all after restoring the secret failed: $out"
must "$KISCSI" logout --all
must "$KISCSI" node delete --all

chap_no_secrets "$PASS" "$TPASS" wrong-secret-1234 wrong-mutual-0000 "Sh0rt!"
exit 0
