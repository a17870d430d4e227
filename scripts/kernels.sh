#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the Debian kernels kiscsi is built and tested on: the newest
# installed 6.1 and 6.12 kernels that have both an image and headers, on
# one line.  If either series is missing it prints nothing on stdout and
# exits 1: a lane that is not there must never pass for one that ran.
# KISCSI_KERNELS_ROOT (default /) lets the self-tests point it at a fake
# tree with lib/modules/ and boot/.
set -euo pipefail

top=${KISCSI_KERNELS_ROOT:-}
found=()
for series in 6.1 6.12; do
	best=
	for d in "$top"/lib/modules/"$series".*; do
		[ -e "$d/build/Makefile" ] || continue
		v=${d##*/lib/modules/}
		[ -e "$top/boot/vmlinuz-$v" ] || continue
		# newest by version order, whatever order the glob gives
		if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$v" | sort -V | tail -n1)" = "$v" ]; then
			best=$v
		fi
	done
	if [ -z "$best" ]; then
		echo "kernels.sh: no Debian $series kernel with image and headers; run 'make deps'" >&2
		exit 1
	fi
	found+=("$best")
done
echo "${found[*]}"
