# SPDX-License-Identifier: GPL-2.0
# Kernel reports in a guest's kernel log, each named after the VM test
# whose window it falls in.  run-suite.sh writes "kiscsi-suite: start NAME"
# to /dev/kmsg before a test and "kiscsi-suite: end NAME ..." after the
# test *and its cleanup*, so a report during cleanup, logout or rmmod
# belongs to the test that left the work behind.  Everything else (boot,
# between tests, after "kiscsi-suite: done") is outside any test: "-".
#
#   dmesg | awk -f kernel-reports.awk -v re=REGEX [-v test=NAME] [-v max=N]
#
# Prints "NAME<TAB>line" per report line; with test=NAME only that test's
# lines, with test=- only those outside every test.  At most max (20)
# lines per name.
BEGIN {
	cur = "-"
	if (max == "")
		max = 20
}
{
	if (match($0, /kiscsi-suite: start [^ ]+/)) {
		cur = substr($0, RSTART + 20, RLENGTH - 20)
		next
	}
	if (index($0, "kiscsi-suite: end ") || index($0, "kiscsi-suite: done")) {
		cur = "-"
		next
	}
	if ($0 !~ re)
		next
	if (test != "" && cur != test)
		next
	if (n[cur]++ < max)
		printf "%s\t%s\n", cur, $0
}
