#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# module-btf.sh KO VMLINUX RESOLVE_BTFIDS
#
# Add module BTF to a built module, as kbuild's Makefile.modfinal would have done had the kernel
# headers shipped a vmlinux. Without module BTF the kernel cannot register medgate's kfuncs (it only
# logs "missing module BTF, cannot register kfuncs") and the BPF programs fail to load.
#
#   pahole -J ... --btf_base VMLINUX KO    encode the module's types as split BTF on top of vmlinux
#   RESOLVE_BTFIDS -b VMLINUX KO           fill in the BTF ids of the kfunc set (.BTF_ids)
#
# A module that already has .BTF (Yocto and other builds with a real vmlinux) is left alone.
# The work is done on a copy and moved over KO only when it succeeded, so a failed run never leaves
# a half-processed module that a rerun would skip.
#
# Environment: CROSS_COMPILE (objcopy/readelf prefix), PAHOLE (default pahole), KERNELDIR (kernel
# build tree whose scripts/pahole-flags.sh gives the pahole options; default: the Debian headers
# of scripts/kernel-release.sh).

set -euo pipefail

die() {
	echo "module-btf.sh: $*" >&2
	exit 1
}

(($# == 3)) || die "usage: module-btf.sh KO VMLINUX RESOLVE_BTFIDS"
ko=$1
vmlinux=$2
resolve_btfids=$3

cross=${CROSS_COMPILE:-}
objcopy=${cross}objcopy
readelf=${cross}readelf
command -v "$readelf" >/dev/null || readelf=readelf
pahole=${PAHOLE:-pahole}

[[ -f $ko ]] || die "module '$ko' not found; build it first"

has_btf() {
	"$readelf" -S --wide "$1" 2>/dev/null | grep -q ' \.BTF '
}

if has_btf "$ko"; then
	exit 0
fi

[[ -f $vmlinux ]] || die "vmlinux '$vmlinux' not found; make it with scripts/extract-vmlinux.sh /boot/vmlinuz-\$(scripts/kernel-release.sh) $vmlinux"
has_btf "$vmlinux" || die "'$vmlinux' has no .BTF section; it must be the vmlinux of the kernel the module is built for, with CONFIG_DEBUG_INFO_BTF=y"
[[ -x $resolve_btfids ]] || die "resolve_btfids '$resolve_btfids' not found; build it with scripts/build-resolve-btfids.sh $resolve_btfids"
command -v "$pahole" >/dev/null || die "pahole not found: install dwarves (sudo apt-get install dwarves)"
command -v "$objcopy" >/dev/null || die "$objcopy not found: install binutils for your target"

# The options kbuild passes to pahole depend on the pahole version; the kernel tree's own script
# knows which ones its BTF expects. Fall back to the 6.1 set for pahole >= 1.24 when the tree lacks it.
kdir=${KERNELDIR:-}
if [[ -z $kdir ]]; then
	krel=$("$(dirname "$0")/kernel-release.sh" 2>/dev/null) && kdir=/lib/modules/$krel/build
fi
if [[ -n $kdir && -f $kdir/scripts/pahole-flags.sh ]]; then
	pahole_flags=$(PAHOLE=$pahole sh "$kdir/scripts/pahole-flags.sh")
else
	pahole_flags="--btf_gen_floats -j --lang_exclude=rust"
fi

tmp=$(mktemp "$ko.btf.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp -p "$ko" "$tmp"

# pahole adds the .BTF section by running $LLVM_OBJCOPY; GNU objcopy does the job just as well.
# shellcheck disable=SC2086 # pahole_flags is a list of options
LLVM_OBJCOPY=$objcopy "$pahole" -J $pahole_flags --btf_base "$vmlinux" "$tmp" ||
	die "pahole failed to encode BTF for $ko (pahole $("$pahole" --version)); is the module built with debug info (CONFIG_DEBUG_INFO_BTF_MODULES=y in the kernel config)?"
"$resolve_btfids" -b "$vmlinux" "$tmp" ||
	die "resolve_btfids failed on $ko; is $vmlinux the vmlinux of the kernel the module was built against?"

has_btf "$tmp" || die "$ko still has no .BTF section after pahole; the kfuncs would not register. Check that the module has debug info ($readelf -S $ko | grep debug_info)"

mv "$tmp" "$ko"
trap - EXIT
