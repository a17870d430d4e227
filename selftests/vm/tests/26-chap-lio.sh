#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# CHAP against LIO, which knows all four CHAP_A algorithms: one-way and
# mutual login with each of MD5, SHA1, SHA-256 and SHA3-256 offered alone,
# the strongest picked from a preference list, credentials from a 0600
# --auth-file (one readable by others is refused); wrong password, wrong
# username and wrong mutual secret fail with exit status 5, one line, and
# nothing left behind.  Then discovery CHAP (one-way and mutual), separate
# from the session's.  No secret ever appears in kiscsi's output.
# timeout: 600
# lanes: 6.12
. "$KISCSI_ROOT/selftests/vm/lib.sh"

is_kiscsi || skip "the CHAP options are kiscsi's"
L=iqn.2024-01.org.kiscsi.test:chap-lio
INI=iqn.2024-01.org.kiscsi.test:chap-initiator
USER=lio-user PASS=lio-secret-1234
TUSER=lio-target TPASS=lio-mutual-5678
DUSER=disc-user DPASS=disc-secret-1234
DTUSER=disc-target DTPASS=disc-mutual-5678
P=127.0.0.1:$LIO_PORT

initiator_identity "$INI"
ini_setup
must "$LIO" add-target "$L" 16 "$LIO_PORT"
must "$LIO" chap "$L" "$INI" "$USER" "$PASS" "$TUSER" "$TPASS"

# LIO hangs up on AuthMethod=None when it wants CHAP
chap_fail 3 "^kiscsi: security negotiation at $P: target closed the connection \\(does it require CHAP\\? see --username\\)$" \
	login --portal "$P" --target "$L"
chap_fail 5 "^kiscsi: login to $L at $P failed: authentication failure \(status 0x0201\)$" \
	login --portal "$P" --target "$L" --username "$USER" --password wrong-secret-1234
chap_fail 5 "failed: authentication failure \(status 0x0201\)$" \
	login --portal "$P" --target "$L" --username nobody --password "$PASS" \
	--chap-algorithms sha256
chap_fail 5 "CHAP response does not verify" \
	login --portal "$P" --target "$L" --username "$USER" --password "$PASS" \
	--username-in "$TUSER" --password-in wrong-mutual-0000 --chap-algorithms sha3-256

for alg in md5 sha1 sha256 sha3-256; do
	log "one-way and mutual CHAP with $alg"
	chap_login "CHAP $alg" "$P" "$L" 0 --chap-algorithms "$alg" \
		--username "$USER" --password "$PASS"
	chap_login "CHAP $alg, mutual" "$P" "$L" 0 --chap-algorithms "$alg" \
		--username "$USER" --password "$PASS" \
		--username-in "$TUSER" --password-in "$TPASS"
done

log "a preference list: LIO takes the first it knows"
af=$KISCSI_SCRATCH/chap.auth
printf 'username=%s\npassword=%s\nusername_in=%s\npassword_in=%s\nchap_algorithms=sha3-256,sha256,sha1,md5\n' \
	"$USER" "$PASS" "$TUSER" "$TPASS" >"$af"
chmod 644 "$af"
chap_fail 1 "other users can access it.*chmod 600" \
	login --portal "$P" --target "$L" --auth-file "$af"
chmod 600 "$af"
chap_login "CHAP sha3-256, mutual" "$P" "$L" 0 --auth-file "$af"

log "discovery CHAP"
must "$LIO" discovery-chap "$DUSER" "$DPASS" "$DTUSER" "$DTPASS"
chap_fail 3 "^kiscsi: security negotiation at $P: target closed the connection \\(does it require CHAP\\? see --username\\)$" \
	discover "$P"
# the session's credentials are not the discovery's
chap_fail 5 "authentication failure \(status 0x0201\)$" \
	discover "$P" --username "$USER" --password "$PASS"
out=$KISCSI_SCRATCH/discover.out
for mutual in no yes; do
	args=(--username "$DUSER" --password "$DPASS" --chap-algorithms sha256)
	[ "$mutual" = yes ] && args+=(--username-in "$DTUSER" --password-in "$DTPASS")
	echo "# [$(ts)] \$ kiscsi discover $P ${args[*]}" >&2
	"$KISCSI" discover "$P" "${args[@]}" >"$out" 2>&1 ||
		{ sed 's/^/#   /' "$out" >&2; fail "discovery with CHAP (mutual: $mutual) failed"; }
	cat "$out" >>"$CHAP_OUT"
	sed 's/^/#   /' "$out" >&2
	grep -qF "$L" "$out" || fail "$L missing from the discovery (mutual: $mutual)"
done
chap_fail 5 "CHAP response does not verify" \
	discover "$P" --username "$DUSER" --password "$DPASS" \
	--username-in "$DTUSER" --password-in wrong-mutual-0000
must "$LIO" discovery-chap off

chap_no_secrets "$PASS" "$TPASS" "$DPASS" "$DTPASS" wrong-secret-1234 wrong-mutual-0000
exit 0
