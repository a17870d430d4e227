#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the Debian kernels kiscsi is built and tested on: the newest
# installed 6.1 and 6.12 kernels that have both an image and headers.
set -euo pipefail

for series in 6.1 6.12; do
	best=
	for d in /lib/modules/"$series".*; do
		[ -e "$d/build/Makefile" ] || continue
		v=${d#/lib/modules/}
		[ -e "/boot/vmlinuz-$v" ] || continue
		best=$v
	done
	if [ -z "$best" ]; then
		echo "kernels.sh: no Debian $series kernel with headers; run 'make deps'" >&2
		exit 1
	fi
	echo "$best"
done | sort -V | tr '\n' ' '
echo
