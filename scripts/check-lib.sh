# SPDX-License-Identifier: GPL-2.0
# The counting behind scripts/check.sh, sourced by it and by the runner's
# own self-test (selftests/unit/test_runner.sh).  count_tap adds to the
# caller's passed, failed, skipped and report.

# count_tap NAME FILE RC: add the TAP results in FILE to the totals.
# Only lines at column 0 count ("ok N ..." / "not ok N ..."; "# SKIP" in
# an ok line is a skip).  FILE may hold several TAP streams (the unit log
# has one per test program): their plans "1..N" add up, and fewer results
# than that means a run died: the missing ones fail.  A failing run with
# no failed test line counts one failure of its own, and so does a run
# with no plan at all.
count_tap() {
	local name=$1 file=$2 rc=$3 p f s plan seen missing=0
	p=$(grep -E '^ok [0-9]+' "$file" | grep -viEc '# *skip' || true)
	s=$(grep -E '^ok [0-9]+' "$file" | grep -iEc '# *skip' || true)
	f=$(grep -Ec '^not ok [0-9]+' "$file" || true)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$file" | awk '{ n += $1 } END { print n + 0 }')
	seen=$((p + s + f))
	if [ "$seen" -lt "$plan" ]; then
		missing=$((plan - seen))
	fi
	if ! grep -qE '^1\.\.[0-9]+' "$file"; then
		missing=$((missing + 1))
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ] && [ "$missing" = 0 ]; then
		missing=1
	fi
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f + missing))
	report+=("$(printf '%-28s %3d passed, %3d failed, %3d skipped%s' "$name" "$p" \
		"$((f + missing))" "$s" "${4:+, $4}")")
	# the failed lines themselves: CI shows only the tail of the log
	while IFS= read -r line; do
		report+=("  $line")
	done < <(grep -E '^not ok [0-9]+' "$file" | cut -c1-160)
}

# in_test FILE: the test a suite's TAP shows as started and not finished.
in_test() {
	awk '/^# kiscsi-suite: running / { t = $4 } /^(not )?ok [0-9]+ - / { t = "" } END { print t }' "$1"
}

# KISCSI_LANE for a suite on KVER: its series, or every test for check-full
lane_of() {
	if [ -n "${KISCSI_FULL:-}" ]; then
		echo all
	else
		case "$1" in
		*debug*) echo debug ;;
		6.1.*) echo 6.1 ;;
		*) echo 6.12 ;;
		esac
	fi
}
