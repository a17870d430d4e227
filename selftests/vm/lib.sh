# SPDX-License-Identifier: GPL-2.0
# Helpers for the VM tests (sourced; bash).  Every test runs as root in the
# guest with KISCSI_ROOT, KVER, KISCSI_KO, KISCSI and KISCSI_SCRATCH set
# (see scripts/vm/run.sh and selftests/vm/run-suite.sh).

: "${KISCSI_ROOT:?}" "${KVER:=$(uname -r)}"
: "${KISCSI_KO:=$KISCSI_ROOT/build/kernel/$KVER/kiscsi.ko}"
: "${KISCSI:=$KISCSI_ROOT/build/bin/kiscsi}"
: "${KISCSI_SCRATCH:=/tmp/kiscsi-scratch}"
mkdir -p "$KISCSI_SCRATCH"

TGTD=$KISCSI_ROOT/scripts/targets/tgtd.sh
LIO=$KISCSI_ROOT/scripts/targets/lio.sh
TGT_PORT=3260
LIO_PORT=3261
KSFT_SKIP=4

# Fio sizes: the whole suite must fit in a few minutes under TCG; a debug
# (KASAN) kernel may lower them with KISCSI_FIO_SIZE, and KISCSI_FIO_CAP
# caps the sizes tests ask for themselves.
FIO_SIZE=${KISCSI_FIO_SIZE:-256M}
FIO_CAP=${KISCSI_FIO_CAP:-}

# The runner's timeout scale (4 on the debug kernel, where everything is
# slower): a test's own time bounds scale with it, or assert on order.
TIME_SCALE=${KISCSI_TIMEOUT_SCALE:-1}

# Seconds since the test started, for the log lines.
_t0=${EPOCHREALTIME/[.,]/}
ts() { local n=${EPOCHREALTIME/[.,]/}; n=$(((n - _t0) / 100000)); printf '%d.%d' $((n / 10)) $((n % 10)); }

# Diagnostics go to stderr, so that functions can return values on stdout
# (the runner captures both).
log() { echo "# [$(ts)] $*" >&2; }
fail() { echo "# [$(ts)] FAIL: $*" >&2; exit 1; }
skip() { echo "# [$(ts)] SKIP: $*" >&2; exit "$KSFT_SKIP"; }

# indent: stdin to stderr, each line as "#   line" (a builtin loop: on
# the debug kernel under TCG every exec costs most of a second).
indent() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		echo "#   $line"
	done >&2
}

# run CMD...: log the command and its output; return its status.
run() {
	echo "# [$(ts)] \$ $*" >&2
	"$@" 2>&1 | indent
	return "${PIPESTATUS[0]}"
}

# must CMD...: like run, but fail the test if CMD fails.
must() {
	run "$@" || fail "command failed ($?): $*"
}

# dmesg_grep PATTERN: the kernel log since this test started matches
# (extended regular expression)
dmesg_grep() {
	dmesg | awk -v s="kiscsi-suite: start ${KISCSI_TEST:-}" 'index($0, s) { p = 1 } p' |
		grep -qE "$1"
}

# wait_for SECONDS CMD...: poll CMD every 0.2 s until it succeeds, for at
# most SECONDS of wall time however long CMD takes.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# --- iSCSI sysfs -----------------------------------------------------------

# sessions: ids N of every /sys/class/iscsi_session/sessionN.
sessions() {
	local s
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] && echo "${s##*session}"
	done
	return 0
}

# session_of_target IQN: id of the (first) session logged in to IQN.
session_of_target() {
	local s
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] || continue
		if [ -r "$s/targetname" ] && [ "$(<"$s/targetname")" = "$1" ]; then
			echo "${s##*session}"
			return 0
		fi
	done
	return 1
}

# session_host SID: the SCSI host number of a session.
session_host() {
	local d
	d=$(readlink -f "/sys/class/iscsi_session/session$1/device")
	d=${d%/session*}
	echo "${d##*/host}"
}

# session_disk SID LUN: /dev/sdX of one LUN of a session (after the scan).
session_disk() {
	local b
	for b in /sys/class/iscsi_session/session"$1"/device/target*/*:*:*:"$2"/block/*; do
		[ -e "$b" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	return 1
}

# session_sg SID LUN: /dev/sgN of one LUN of a session.
session_sg() {
	local b
	for b in /sys/class/iscsi_session/session"$1"/device/target*/*:*:*:"$2"/scsi_generic/*; do
		[ -e "$b" ] && { echo "/dev/${b##*/}"; return 0; }
	done
	return 1
}

# iscsi_hosts: SCSI hosts whose transport is iSCSI.
iscsi_hosts() {
	local h
	for h in /sys/class/iscsi_host/host*; do
		[ -e "$h" ] && echo "${h##*/host}"
	done
	return 0
}

# --- targets ---------------------------------------------------------------

tgtd_start() { must "$TGTD" start "$TGT_PORT"; }
tgtd_stop() { "$TGTD" stop >/dev/null 2>&1 || true; }
lio_stop() { "$LIO" stop >/dev/null 2>&1 || true; }

# --- initiator -------------------------------------------------------------
# The tests drive kiscsi.  KISCSI_INITIATOR=open-iscsi runs the same tests
# with iscsid/iscsiadm and iscsi_tcp instead (a check of the tests and the
# harness themselves, and a baseline); kiscsi-only checks are skipped then.
INITIATOR=${KISCSI_INITIATOR:-kiscsi}

is_kiscsi() { [ "$INITIATOR" = kiscsi ]; }

# load_module NAME: modprobe NAME unless it is loaded (or built in) already;
# every exec costs most of a second on the debug kernel, and every test
# loads the same modules.
load_module() {
	[ -d "/sys/module/$1" ] || must modprobe "$1"
}

kiscsi_load() {
	[ -e "$KISCSI_KO" ] || fail "no module $KISCSI_KO (make modules)"
	[ -x "$KISCSI" ] || fail "no helper $KISCSI (make helper)"
	load_module sd_mod
	load_module scsi_transport_iscsi
	load_module libcrc32c
	if [ ! -d /sys/module/kiscsi ]; then
		must insmod "$KISCSI_KO"
	fi
}

# ini_setup: load the initiator (module, daemon).
ini_setup() {
	if is_kiscsi; then
		kiscsi_load
	else
		load_module sd_mod
		load_module iscsi_tcp
		if ! pidof iscsid >/dev/null; then
			# Own session: iscsid signals its process group on exit.
			setsid iscsid -f </dev/null >"$KISCSI_SCRATCH/iscsid.log" 2>&1 &
			wait_for 10 grep -q ISCSIADM_ABSTRACT /proc/net/unix ||
				fail "iscsid did not start"
		fi
	fi
}

# ini_discover PORTAL: SendTargets; prints the tool's output.
ini_discover() {
	if is_kiscsi; then
		"$KISCSI" discover "$@"
	else
		iscsiadm -m discovery -t st -p "$1"
	fi
}

# ini_login PORTAL IQN [KISCSI-LOGIN-OPTIONS...]: log in, wait for the LUN
# scan, print the session id.  The options go to kiscsi login only.
ini_login() {
	local out rc sid
	if is_kiscsi; then
		echo "# [$(ts)] \$ kiscsi login --portal $1 --target $2 ${*:3}" >&2
		out=$("$KISCSI" login --portal "$1" --target "$2" "${@:3}" 2>&1)
		rc=$?
	else
		echo "# [$(ts)] \$ iscsiadm -m node -T $2 -p $1 --login" >&2
		out=$(iscsiadm -m discovery -t st -p "$1" 2>&1 &&
		      iscsiadm -m node -T "$2" -p "$1" --login 2>&1)
		rc=$?
	fi
	echo "$out" | indent
	[ "$rc" = 0 ] || fail "login to $2 at $1 failed ($rc)"
	if is_kiscsi; then
		sid=
		[[ $out =~ session\ ([0-9]+) ]] && sid=${BASH_REMATCH[1]}
		[ -n "$sid" ] || fail "no 'session N' in the output of kiscsi login"
		[ -e "/sys/class/iscsi_session/session$sid" ] ||
			fail "kiscsi login printed session $sid but there is no /sys/class/iscsi_session/session$sid (have: $(ls /sys/class/iscsi_session | tr '\n' ' '))"
	else
		sid=$(session_of_target "$2") || fail "no session for $2"
		iscsiadm -m session -r "$sid" --rescan >/dev/null 2>&1
	fi
	echo "$sid"
}

# ini_logout IQN [PORTAL]
ini_logout() {
	if is_kiscsi; then
		run "$KISCSI" logout --target "$1" ${2:+--portal "$2"}
	else
		run iscsiadm -m node -T "$1" ${2:+-p "$2"} --logout
	fi
}

ini_logout_all() {
	if is_kiscsi; then
		run "$KISCSI" logout --all
	else
		run iscsiadm -m node --logoutall=all
	fi
}

# kiscsi_json SID FILTER: a value from 'kiscsi session --json' for session
# SID, FILTER a jq filter on the session object, e.g. '.stats.r2ts'.
# Strings print bare, objects as compact JSON; fails if there is no such
# session.  (jq, not Python: it starts in a fraction of the time on the
# debug kernel.)
kiscsi_json() {
	"$KISCSI" session --json 2>/dev/null |
		jq -rc --argjson sid "$1" \
			"[.sessions[] | select(.id == \$sid)] | if length == 0 then halt_error(1) else .[0] | $2 end" \
			2>/dev/null
}

# json_event FILE CONDITION: a line of FILE (one JSON event per line, from
# 'kiscsi monitor --json') satisfies the jq CONDITION, e.g.
# '.event == "tmf" and .tmf_function == 5'.
json_event() {
	jq -ne "any(inputs; $2)" "$1" >/dev/null 2>&1
}

# wait_disk SID LUN: wait up to 20 s for the disk, print /dev/sdX.
wait_disk() {
	wait_for 20 session_disk "$1" "$2" ||
		fail "no disk at LUN $2 of session $1"
	session_disk "$1" "$2"
}

# --- fio -------------------------------------------------------------------

# fio_verify NAME DEV [fio options...]: write + verify (crc32c) over
# FIO_SIZE of DEV with direct I/O; extra options override the defaults.
fio_verify() {
	local name=$1 dev=$2 out rc
	shift 2
	out=$KISCSI_SCRATCH/fio-$name.log
	echo "# [$(ts)] \$ fio $name on $dev $*" >&2
	fio --name="$name" --filename="$dev" --direct=1 --ioengine=libaio \
		--size="$FIO_SIZE" --verify=crc32c --verify_fatal=1 \
		--do_verify=1 --verify_dump=0 --output-format=normal "$@" \
		${FIO_CAP:+--size="$FIO_CAP"} >"$out" 2>&1
	rc=$?
	grep -E 'err=|READ:|WRITE:|verify|bad|error' "$out" | head -n 20 | sed 's/^/#   /' >&2
	if [ "$rc" != 0 ]; then
		tail -n 20 "$out" | sed 's/^/#   /' >&2
		fail "fio $name on $dev failed ($rc)"
	fi
}

# fio_rounds NAME DEV SIZE: fio verify rounds (random writes, then verify)
# in the background, one after another until fio_stop NAME, which fails
# the test if a round failed.  For I/O that must go on across faults.
fio_rounds() {
	rm -f "$KISCSI_SCRATCH/fio-stop" "$KISCSI_SCRATCH/fio-$1.rc"
	(
		n=0
		while [ ! -e "$KISCSI_SCRATCH/fio-stop" ]; do
			n=$((n + 1))
			FIO_SIZE=$3 FIO_CAP= fio_verify "$1-$n" "$2" --rw=randwrite \
				--bs=16k --iodepth=8 || { echo "round $n" >"$KISCSI_SCRATCH/fio-$1.rc"; exit 1; }
		done
		echo 0 >"$KISCSI_SCRATCH/fio-$1.rc"
	) &
	fpid=$!
}
fio_stop() {
	touch "$KISCSI_SCRATCH/fio-stop"
	wait "$fpid"
	fpid=
	[ "$(cat "$KISCSI_SCRATCH/fio-$1.rc" 2>/dev/null)" = 0 ] ||
		fail "fio verify on $1 failed ($(cat "$KISCSI_SCRATCH/fio-$1.rc" 2>/dev/null))"
}

# --- CHAP ------------------------------------------------------------------
# Everything kiscsi prints in the CHAP tests goes to $CHAP_OUT as well, so a
# test can check at the end that no secret ever appeared in it.
CHAP_OUT=$KISCSI_SCRATCH/kiscsi-output

# chap_fail CODE REGEX ARGS...: 'kiscsi ARGS' must exit with CODE, print
# exactly one line (on stderr) matching REGEX, and leave no session or SCSI
# host behind.
chap_fail() {
	local code=$1 re=$2 err rc s0 h0
	shift 2
	s0=$(sessions | wc -l)
	h0=$(ls /sys/class/scsi_host | wc -l)
	echo "# [$(ts)] \$ kiscsi $* (must fail with $code)" >&2
	err=$("$KISCSI" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$err" >>"$CHAP_OUT"
	printf '%s\n' "$err" | sed 's/^/#   /' >&2
	[ "$rc" = "$code" ] || fail "expected exit status $code, got $rc"
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] ||
		fail "expected one line of output, got: $err"
	printf '%s\n' "$err" | grep -Eq "$re" || fail "output does not match /$re/"
	[ "$(sessions | wc -l)" = "$s0" ] ||
		fail "a failed login left a session: $(sessions | tr '\n' ' ')"
	[ "$(ls /sys/class/scsi_host | wc -l)" = "$h0" ] ||
		fail "a failed login left a SCSI host: $(ls /sys/class/scsi_host | tr '\n' ' ')"
	return 0
}

# chap_login EXPECT PORTAL IQN LUN [kiscsi login options...]: log in with
# --verbose, check that the login reports EXPECT (e.g. "CHAP md5, mutual"),
# read the first block of disk LUN, log out again and check nothing is left.
chap_login() {
	local expect=$1 portal=$2 iqn=$3 lun=$4 out rc sid dev
	shift 4
	echo "# [$(ts)] \$ kiscsi login --portal $portal --target $iqn -v $*" >&2
	out=$("$KISCSI" login --portal "$portal" --target "$iqn" --verbose "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" >>"$CHAP_OUT"
	printf '%s\n' "$out" | sed 's/^/#   /' >&2
	[ "$rc" = 0 ] || fail "CHAP login to $iqn failed ($rc)"
	printf '%s\n' "$out" | grep -qxF "kiscsi: authenticated with $expect" ||
		fail "login did not report 'authenticated with $expect'"
	sid=$(printf '%s\n' "$out" | sed -n 's/^session \([0-9][0-9]*\).*/\1/p')
	[ -n "$sid" ] || fail "no session id in the login output"
	dev=$(wait_disk "$sid" "$lun") || exit 1
	dd if="$dev" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null ||
		fail "cannot read $dev"
	"$KISCSI" logout --target "$iqn" >/dev/null 2>&1 || fail "logout of $iqn failed"
	[ -z "$(sessions)" ] || fail "sessions left after logout: $(sessions | tr '\n' ' ')"
}

# chap_no_secrets SECRET...: none of them ever appeared in kiscsi's output.
chap_no_secrets() {
	local s
	[ -s "$CHAP_OUT" ] || fail "no kiscsi output was collected"
	for s in "$@"; do
		if grep -qF -- "$s" "$CHAP_OUT"; then
			fail "a CHAP secret appeared in kiscsi's output"
		fi
	done
	log "no secret in $(wc -l <"$CHAP_OUT") lines of kiscsi output"
}

# initiator_identity IQN: use IQN as the initiator name (LIO's ACLs name it).
initiator_identity() {
	echo "InitiatorName=$1" >"$KISCSI_SCRATCH/initiatorname.iscsi"
	export KISCSI_INITIATORNAME_FILE=$KISCSI_SCRATCH/initiatorname.iscsi
}
