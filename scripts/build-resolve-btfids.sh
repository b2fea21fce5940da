#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-resolve-btfids.sh OUT
#
# Build the kernel's resolve_btfids host tool and copy it to OUT. It patches the BTF ids of
# medgate's kfunc set (.BTF_ids) after pahole has added module BTF; without it the kernel cannot
# match the kfuncs to their BTF. Debian's headers package does not ship it, so it is built from
# tools/bpf/resolve_btfids of Debian's linux-source tarball (same 6.1 series as the headers).
#
# Only tools/, include/uapi and scripts/bpf_doc.py are unpacked (libbpf's build needs the last two),
# under $BUILD/kernel/src, and reused by later runs and by kselftest-headers.sh.
#
# Environment: BUILD (default: <repo>/build); LINUX_SOURCE_TARBALL (default:
# /usr/src/linux-source-6.1.tar.xz); KERNELDIR/KERNEL_SRC: a prepared kernel tree that already has
# tools/bpf/resolve_btfids/resolve_btfids (Yocto) is used as is.

set -euo pipefail

die() {
	echo "build-resolve-btfids.sh: $*" >&2
	exit 1
}

(($# == 1)) || die "usage: build-resolve-btfids.sh OUT"
out=$1

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
top=$(basename "$tarball" .tar.xz)
src_parent=$build/kernel/src
src=$src_parent/$top
stamp=$src/.medgate-extracted

mkdir -p "$(dirname "$out")"

install_result() {
	cp "$1" "$out.tmp"
	chmod 0755 "$out.tmp"
	mv "$out.tmp" "$out"
}

# A kernel build tree (Yocto) built its own resolve_btfids for the same kernel: prefer it.
kdir=${KERNELDIR:-${KERNEL_SRC:-}}
if [[ -n $kdir && -x $kdir/tools/bpf/resolve_btfids/resolve_btfids ]]; then
	install_result "$kdir/tools/bpf/resolve_btfids/resolve_btfids"
	exit 0
fi

if [[ ! -f $stamp ]]; then
	[[ -r $tarball ]] || die "kernel source tarball $tarball not found: install it with 'sudo apt-get install linux-source-6.1' (or run scripts/deps.sh), or set KERNELDIR to a kernel tree that has tools/bpf/resolve_btfids/resolve_btfids"
	mkdir -p "$src_parent"
	# Unpack into a private directory and rename at the end, so an interrupted run never leaves a
	# half-extracted tree that a later run would trust.
	tmpdir=$(mktemp -d "$src_parent/extract.XXXXXX")
	trap 'rm -rf "$tmpdir"' EXIT
	echo "  UNTAR   $tarball (tools/, include/uapi)" >&2
	tar -I 'xz -T0' -C "$tmpdir" -xf "$tarball" \
		"$top/tools" "$top/scripts/bpf_doc.py" "$top/include/uapi" ||
		die "could not unpack $tarball; is the file complete? (sudo apt-get install --reinstall linux-source-6.1)"
	touch "$tmpdir/$top/.medgate-extracted"
	rm -rf "$src"
	mv "$tmpdir/$top" "$src"
	rm -rf "$tmpdir"
	trap - EXIT
fi

# The tools' Makefiles honour O= only for an existing directory.
objdir=$build/kernel/resolve_btfids.build
mkdir -p "$objdir"

# resolve_btfids runs on the build host even in a cross build: drop the target's compiler settings
# that the top-level Makefile exports, or libbpf would be built for the target.
jobs=()
[[ ${MAKEFLAGS:-} == *jobserver* ]] || jobs=("-j$(nproc)")
echo "  MAKE    resolve_btfids" >&2
env -u CC -u LD -u AR -u ARCH -u CROSS_COMPILE -u CFLAGS -u LDFLAGS -u V \
	make -s "${jobs[@]}" -C "$src/tools/bpf/resolve_btfids" O="$objdir" >&2 ||
	die "building resolve_btfids failed (see the compiler output above); it needs gcc, make, libelf-dev and zlib1g-dev (scripts/deps.sh installs them)"

[[ -x $objdir/resolve_btfids ]] || die "the build finished but $objdir/resolve_btfids is missing"
install_result "$objdir/resolve_btfids"
