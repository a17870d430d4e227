#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch (from Debian's linux-source-6.12 tarball, extracted into
# build/checkpatch on first use) over the kernel code and the uapi header.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build/checkpatch
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1)

if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	[ -n "$tarball" ] || { echo "lint.sh: no linux-source-6.12 tarball: run 'make deps'" >&2; exit 1; }
	mkdir -p "$dir"
	top=$(basename "$tarball"); top=${top%%.tar.*}
	tar -xf "$tarball" -C "$dir" --strip-components=1 \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch"
fi

checkpatch() {
	# --no-tree: this is an out-of-tree module
	"$dir/scripts/checkpatch.pl" --no-tree --terse --show-types -f "$@" |
		grep -v '^total: 0 errors, 0 warnings' || true
}

# every file but compat.h, whose whole job is version tests
files=$(ls "$root"/kernel/*.[ch] | grep -v '/compat\.h$')
out=$( {
	checkpatch $files "$root"/include/uapi/linux/kiscsi.h
	checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		"$root"/kernel/compat.h
} )
if [ -n "$out" ]; then
	echo "$out"
	echo "lint: checkpatch found problems" >&2
	exit 1
fi
echo "lint: checkpatch clean"
