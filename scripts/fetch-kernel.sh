#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh SERIES OUTDIR
#
# Download a Debian kernel of another series than the installed one (e.g. 6.12 from
# bookworm-backports) for the test matrix, and unpack it under OUTDIR without installing anything:
#   linux-image-<rel>-<flavour>-unsigned (or the signed one)  vmlinuz and modules
#   linux-headers-<rel>-<flavour>, linux-headers-<rel>-common  the kbuild tree
#   linux-kbuild-<series>                                      kbuild host tools (fixdep, modpost…),
#                                                              always for the build host's own
#                                                              architecture (Multi-Arch: foreign)
# apt runs with a private configuration under OUTDIR/apt (its own sources list, package lists and
# cache), so the host's /etc/apt, /boot and /lib/modules are never touched.
#
# When done, OUTDIR/root is the unpacked file system (usr/lib/linux-kbuild-SERIES,
# usr/src/linux-headers-REL, lib/modules/REL, boot/vmlinuz-REL) and OUTDIR/krel holds REL.
# A second run with OUTDIR/krel present does nothing (idempotent); REFRESH=1 fetches again.
#
# Environment: KSUITE (default bookworm-backports), KMIRROR (default http://deb.debian.org/debian),
# KFLAVOUR (default amd64), KARCH (Debian architecture of the kernel, default amd64).
#
# A kernel of another architecture than the build host's (KARCH=arm64 KFLAVOUR=arm64 on an amd64
# host) is a cross build: the image and headers are the target's, but the kbuild package holds host
# programs (fixdep, modpost, resolve_btfids, ...) that run here, so it is taken for the host's
# architecture. The headers package of the target carries its own copies of some of them, built
# for the target; the host's kbuild tree is the one the headers' Makefile uses.

set -euo pipefail

die() {
	echo "fetch-kernel.sh: $*" >&2
	exit 1
}

(($# == 2)) || die "usage: fetch-kernel.sh SERIES OUTDIR (e.g. fetch-kernel.sh 6.12 build/kernels/6.12)"
series=$1
outdir=$2
suite=${KSUITE:-bookworm-backports}
mirror=${KMIRROR:-http://deb.debian.org/debian}
flavour=${KFLAVOUR:-amd64}
darch=${KARCH:-amd64}
harch=$(dpkg --print-architecture 2>/dev/null || echo "$darch")

if [[ -s $outdir/krel && -z ${REFRESH:-} ]]; then
	krel=$(cat "$outdir/krel")
	[[ -d $outdir/root/usr/src/linux-headers-$krel ]] && exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found: fetching Debian kernels needs a Debian build host"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
aptdir=$outdir/apt
mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/debs"
# The host's architecture too when the kernel is foreign: linux-kbuild comes from there.
archs=$darch
[[ $harch != "$darch" ]] && archs=$darch,$harch
echo "deb [arch=$archs signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
	>"$aptdir/sources.list"
: >"$aptdir/status"

apt_opts=(-o "Dir::Etc::sourcelist=$aptdir/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$aptdir/lists" -o "Dir::State::status=$aptdir/status"
	-o "Dir::Cache=$aptdir/cache" -o "APT::Architecture=$darch"
	-o "APT::Architectures::=$darch" -o "APT::Sandbox::User=root" -q)
[[ $harch != "$darch" ]] && apt_opts+=(-o "APT::Architectures::=$harch")

if ! apt-get "${apt_opts[@]}" update >"$aptdir/update.log" 2>&1 ||
	grep -qE '^(W|E): (Failed|Some index)' "$aptdir/update.log"; then
	die "cannot reach the Debian archive ($mirror $suite): no $series kernel for the matrix (details: $aptdir/update.log)"
fi

# The newest release of the series in the suite, from the headers' package names (e.g.
# linux-headers-6.12.95+deb12-amd64; the -rt and -cloud flavours do not match); the other
# packages are named after it.
krel=$(apt-cache "${apt_opts[@]}" pkgnames "linux-headers-$series" 2>/dev/null |
	grep -E "^linux-headers-${series}[^-]*-$flavour\$" | sed -e 's/^linux-headers-//' |
	sort -V | tail -n 1)
[[ -n $krel ]] || die "no linux-headers-$series*-$flavour package in $suite"
common=${krel%-"$flavour"}-common
image=linux-image-$krel-unsigned
apt-cache "${apt_opts[@]}" show "$image" >/dev/null 2>&1 || image=linux-image-$krel
kbuild=linux-kbuild-$series
apt-cache "${apt_opts[@]}" show "$kbuild:$harch" >/dev/null 2>&1 || kbuild=linux-kbuild-${krel%-"$flavour"}
pkgs=("$image" "linux-headers-$krel" "linux-headers-$common" "$kbuild:$harch")

echo "fetch-kernel.sh: downloading ${pkgs[*]} from $suite" >&2
(cd "$aptdir/debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download "${pkgs[@]}") >&2 ||
	die "apt-get download failed for ${pkgs[*]} ($mirror $suite)"

tmp=$(mktemp -d "$outdir/root.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for deb in "$aptdir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
done
[[ -f $tmp/boot/vmlinuz-$krel ]] || die "$image has no boot/vmlinuz-$krel"
# The headers' Makefile includes the common tree by its installed path, /usr/src/…; point it at the
# unpacked one (the other links in the trees are relative).
hdr=$tmp/usr/src/linux-headers-$krel
[[ -f $hdr/Makefile ]] || die "linux-headers-$krel has no Makefile"
sed -i -e "s|^include /usr/src/|include $outdir/root/usr/src/|" "$hdr/Makefile"

# The image package leaves modules.dep to the postinst's depmod; the VM's initramfs needs it to
# find veth.ko and its dependencies (tests/vm/mkinitramfs.sh, VM_MODULES_ROOT).
command -v depmod >/dev/null || die "depmod not found: install kmod"
depmod -b "$tmp" "$krel" || die "depmod failed on the unpacked modules of $krel"
rm -rf "$outdir/root"
mv "$tmp" "$outdir/root"
trap - EXIT
echo "$krel" >"$outdir/krel"
echo "fetch-kernel.sh: $krel unpacked under $outdir/root" >&2
