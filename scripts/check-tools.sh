#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-tools.sh
#
# Check, before anything is built, that the tools and libraries of the build are there, and say in
# one line what is missing. It installs nothing and asks no package manager, so it works the same
# on Debian, in a Yocto recipe and on any other build host.
#
# Environment (from the top Makefile): CC, CLANG, BPFTOOL, PKG_CONFIG, PAHOLE, KERNELDIR (empty:
# the Debian kernel packages, found by scripts/kernel-release.sh).

set -uo pipefail

missing=()
# CC may carry options (a Yocto CC names its sysroot): the program is its first word.
cc=${CC:-gcc}
for tool in "${cc%% *}" "${CLANG:-clang}" "${BPFTOOL:-bpftool}" "${PAHOLE:-pahole}" \
	"${PKG_CONFIG:-pkg-config}"; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# The libraries medgatectl and medgated link with (static archives on Debian: the -dev packages).
if command -v "${PKG_CONFIG:-pkg-config}" >/dev/null 2>&1; then
	for lib in libnl-genl-3.0 libbpf libelf zlib; do
		"${PKG_CONFIG:-pkg-config}" --exists "$lib" 2>/dev/null || missing+=("$lib(pkg-config)")
	done
fi
if ((${#missing[@]})); then
	echo "medgate: missing build tools or libraries: ${missing[*]} (on Debian: make deps; elsewhere install them or point CC, CLANG, BPFTOOL, PAHOLE, PKG_CONFIG at them)" >&2
	exit 1
fi

if [[ -z ${KERNELDIR:-} ]]; then
	# Debian's kernel packages: kernel-release.sh says in one line what is wrong with them.
	err=$("$(dirname "$0")/kernel-release.sh" 2>&1 >/dev/null) || {
		echo "medgate: no kernel to build against: ${err#kernel-release.sh: } (or set KERNELDIR to a prepared kernel build tree)" >&2
		exit 1
	}
elif [[ ! -d $KERNELDIR ]]; then
	echo "medgate: kernel build tree $KERNELDIR not found: set KERNELDIR (or KERNEL_SRC) to a prepared kernel build tree" >&2
	exit 1
fi
exit 0
