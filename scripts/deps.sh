#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make sure the Debian packages the build and the VM tests need are installed.
#
# `make check`, `make demo` and `make deps` run this first (a plain `make` or `make install` never
# does), so the common case (all present) must be quick: it asks dpkg only and never touches apt.
# When something is missing it installs it as root, or prints the exact command for a non-root user.
#
# Environment: KERNELDIR or KERNEL_SRC set (Yocto or another prepared kernel tree) skips the Debian
# kernel packages and QEMU: such builds bring their own kernel and do not boot the Debian test VM.
#
# Usage: deps.sh                        the packages of the build and the tests
#        deps.sh --optional PACKAGE...  these packages instead, for a target that can do without
#                                       them (make bench): failing to get them is a warning
#        deps.sh --cross DEBARCH        the packages of the build and the tests, plus what a cross
#                                       leg of the kernel matrix needs (make check-kernel
#                                       KARCH=arm64): the cross compiler and that architecture's
#                                       QEMU. Its libraries are not installed: they come from
#                                       scripts/fetch-sysroot.sh, unpacked under build/.

set -euo pipefail

optional=0
cross=
if [[ ${1:-} == --optional ]]; then
	optional=1
	shift
elif [[ ${1:-} == --cross ]]; then
	(($# == 2)) || { echo "deps.sh: usage: deps.sh --cross DEBARCH" >&2; exit 2; }
	cross=$2
	shift 2
fi

arch=$(dpkg --print-architecture 2>/dev/null) || {
	echo "deps.sh: dpkg not found; on a non-Debian build host install the equivalents of the packages listed in scripts/deps.sh by hand" >&2
	exit 1
}
case "$arch" in
	amd64)	flavour=amd64; qemu="qemu-system-x86" ;;
	arm64)	flavour=arm64; qemu="qemu-system-arm" ;;
	*)	flavour=$arch; qemu="qemu-system-misc" ;;
esac

# Build: compilers and kernel build helpers (bc/bison/flex for kbuild, dwarves for pahole, llvm
# and clang for BPF), the libraries medgated and medgatectl link statically (libssl-dev for
# libcrypto: hashes and the audit log's signatures), and the tools the
# scripts use (xz/gzip/cpio/file for extracting vmlinux and building the initramfs); curl, libc-bin
# (getent) and openssl are the real programs the VM confines (tests/selftests/programs_test.c).
pkgs=(build-essential bc bison flex clang llvm dwarves bpftool kmod
	libbpf-dev libelf-dev zlib1g-dev libnl-3-dev libnl-genl-3-dev libjson-c-dev libssl-dev libseccomp-dev
	pkg-config xz-utils gzip cpio file iproute2 busybox-static
	curl libc-bin openssl)

if (($# > 0)); then
	pkgs=("$@")
	kernel_note=""
elif [[ -n ${KERNELDIR:-} || -n ${KERNEL_SRC:-} ]]; then
	kernel_note=" (KERNELDIR/KERNEL_SRC set: skipping the Debian kernel packages and QEMU)"
else
	kernel_note=""
	pkgs+=("linux-image-$flavour" "linux-headers-$flavour" linux-source-6.1 "$qemu")
fi
# A cross leg: the compiler with its C library (the sysroot's libraries link against it; both are
# Debian 12's glibc 2.36), dpkg-dev for dpkg-architecture, and the target's QEMU.
case "$cross" in
	"")	;;
	arm64)	pkgs+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross dpkg-dev
		       qemu-system-arm) ;;
	*)	echo "deps.sh: no cross build for '$cross' (the kernel matrix knows arm64)" >&2; exit 2 ;;
esac
# An optional package that cannot be had is reported and the caller carries on without it.
fail() {
	((optional)) && exit 0
	exit 1
}

# One dpkg-query call for all of them; unknown packages are simply absent from its output.
declare -A installed=()
while IFS=$'\t' read -r pkg status; do
	[[ $status == ii* ]] && installed[$pkg]=1
done < <(dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\n' "${pkgs[@]}" 2>/dev/null || true)

missing=()
for p in "${pkgs[@]}"; do
	[[ -n ${installed[$p]:-} ]] || missing+=("$p")
done

((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "deps.sh: missing Debian packages${kernel_note}: ${missing[*]}" >&2
	echo "deps.sh: install them with:" >&2
	echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
	fail
fi

echo "deps.sh: installing ${missing[*]}${kernel_note}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || echo "deps.sh: warning: apt-get update failed; trying the install with the package lists there are" >&2
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; then
	echo "deps.sh: apt-get could not install: ${missing[*]}; check /etc/apt/sources.list (the packages are in Debian 12 bookworm main)" >&2
	fail
fi
