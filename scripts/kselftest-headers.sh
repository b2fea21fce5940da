#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftest-headers.sh DIR
#
# Put kselftest_harness.h and kselftest.h (the kernel's selftest framework) into DIR, flat. They
# come from Debian's linux-source tarball at build time; they are GPL kernel files that belong to
# the kernel, so they are never copied into the repository.
#
# Environment: BUILD (default: <repo>/build); LINUX_SOURCE_TARBALL (default:
# /usr/src/linux-source-6.1.tar.xz); KERNELDIR/KERNEL_SRC: a full kernel source tree (Yocto) that
# has tools/testing/selftests/ is used instead of the tarball.

set -euo pipefail

die() {
	echo "kselftest-headers.sh: $*" >&2
	exit 1
}

(($# == 1)) || die "usage: kselftest-headers.sh DIR"
dir=$1

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
top=$(basename "$tarball" .tar.xz)
rel=tools/testing/selftests
files=(kselftest_harness.h kselftest.h)

mkdir -p "$dir"
tmpdir=$(mktemp -d "$dir/.extract.XXXXXX")
trap 'rm -rf "$tmpdir"' EXIT

# Where the headers can come from, cheapest first: a kernel tree from the environment, the tree
# build-resolve-btfids.sh already unpacked (it holds all of tools/), or the tarball itself.
kdir=${KERNELDIR:-${KERNEL_SRC:-}}
if [[ -n $kdir && -f $kdir/$rel/kselftest_harness.h ]]; then
	from=$kdir/$rel
elif [[ -f $build/kernel/src/$top/.medgate-extracted ]]; then
	from=$build/kernel/src/$top/$rel
else
	[[ -r $tarball ]] || die "kernel source tarball $tarball not found: install it with 'sudo apt-get install linux-source-6.1' (or run scripts/deps.sh), or set KERNEL_SRC to a full kernel source tree"
	tar -I 'xz -T0' -C "$tmpdir" -xf "$tarball" "${files[@]/#/$top/$rel/}" ||
		die "could not unpack the kselftest headers from $tarball"
	from=$tmpdir/$top/$rel
fi

for f in "${files[@]}"; do
	[[ -f $from/$f ]] || die "$from/$f is missing"
	cp "$from/$f" "$tmpdir/$f"
done
# Harness last: the Makefile uses it as the target, so it appears only when both are in place.
mv "$tmpdir/kselftest.h" "$dir/kselftest.h"
mv "$tmpdir/kselftest_harness.h" "$dir/kselftest_harness.h"
