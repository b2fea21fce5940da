#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-sysroot.sh DEBARCH OUTDIR
#
# Download Debian 12's packages of another architecture (e.g. arm64 on an amd64 host) and unpack
# them under OUTDIR/root, a sysroot for the cross build and the source of the test VM's programs:
#   the -dev packages medgatectl, medgated and the selftests link statically (their .a files:
#     libnl, libbpf, libelf, zlib, json-c, libcrypto (libssl-dev); add a library here when the tools start linking it).
#     The C library is the cross toolchain's (libc6-dev-arm64-cross, scripts/deps.sh), which the
#     compiler searches before the sysroot; both are Debian 12's glibc 2.36;
#   the programs the VM ships for that architecture: busybox-static, iproute2 and bpftool (the
#     VM's VM_HOST_BINS), curl, getent (libc-bin) and openssl (VM_DEBIAN_PROGS, programs_test),
#     with the shared libraries they need.
# The dependencies of those packages are resolved by apt itself ("install --download-only" against
# an empty dpkg status), so every shared library a program needs is in the sysroot; nothing is
# installed, and the host's dpkg never hears of the foreign architecture (no dpkg
# --add-architecture). apt runs with a private configuration under OUTDIR/apt, the technique of
# scripts/fetch-kernel.sh. Packages are unpacked with dpkg-deb -x, so no maintainer script runs.
#
# When done, OUTDIR/root is the sysroot and OUTDIR/stamp lists the packages unpacked; a second run
# with the same package list does nothing (idempotent); REFRESH=1 fetches again. OUTDIR/pkg-config
# is a pkg-config that answers for the sysroot's libraries.
#
# Environment: SUITE (default bookworm), MIRROR (default http://deb.debian.org/debian),
# SECURITY_MIRROR (default http://deb.debian.org/debian-security; empty: no security suite).

set -euo pipefail

die() {
	echo "fetch-sysroot.sh: $*" >&2
	exit 1
}

(($# == 2)) || die "usage: fetch-sysroot.sh DEBARCH OUTDIR (e.g. fetch-sysroot.sh arm64 build/sysroot/arm64)"
darch=$1
outdir=$2
suite=${SUITE:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
security=${SECURITY_MIRROR-http://deb.debian.org/debian-security}

# What the build links (the static archives come with the -dev packages) and what the VM runs.
pkgs=(libnl-3-dev libnl-genl-3-dev libbpf-dev libelf-dev zlib1g-dev libjson-c-dev libssl-dev
	busybox-static iproute2 bpftool curl libc-bin openssl)
pkgs=("${pkgs[@]/%/:$darch}")

want="$suite $darch ${pkgs[*]}"
if [[ -z ${REFRESH:-} && -f $outdir/stamp && $(head -n 1 "$outdir/stamp") == "$want" &&
	-d $outdir/root ]]; then
	exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found: fetching a Debian sysroot needs a Debian build host"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH -a"$darch" 2>/dev/null) ||
	die "dpkg-architecture does not know the Debian architecture '$darch' (install dpkg-dev)"

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
aptdir=$outdir/apt
mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" "$aptdir/log" "$aptdir/preferences.d"
key=/usr/share/keyrings/debian-archive-keyring.gpg
{
	echo "deb [arch=$darch signed-by=$key] $mirror $suite main"
	echo "deb [arch=$darch signed-by=$key] $mirror $suite-updates main"
	[[ -n $security ]] && echo "deb [arch=$darch signed-by=$key] $security $suite-security main"
} >"$aptdir/sources.list"
: >"$aptdir/status"

# An empty dpkg status: apt resolves the whole dependency closure of the packages. Essential
# packages are not added on their own (pkgCacheGen::Essential=none): only what is depended on.
# NoLocking: every file apt writes is private to OUTDIR, so the host's dpkg and apt locks (which
# other builds on this machine may hold) are left alone.
apt_opts=(-o "Dir::Etc::sourcelist=$aptdir/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::Etc::preferences=$aptdir/preferences" -o "Dir::Etc::preferencesparts=$aptdir/preferences.d"
	-o "Dir::State::Lists=$aptdir/lists"
	-o "Dir::State::status=$aptdir/status" -o "Dir::State::extended_states=$aptdir/extended_states"
	-o "Dir::Cache=$aptdir/cache" -o "Dir::Log=$aptdir/log"
	-o "APT::Architecture=$darch" -o "APT::Architectures::=$darch"
	-o "pkgCacheGen::Essential=none" -o "APT::Install-Recommends=false"
	-o "Debug::NoLocking=true" -o "APT::Sandbox::User=root" -q)

if ! apt-get "${apt_opts[@]}" update >"$aptdir/update.log" 2>&1 ||
	grep -qE '^(W|E): (Failed|Some index)' "$aptdir/update.log"; then
	die "cannot reach the Debian archive ($mirror $suite, $darch): no sysroot (details: $aptdir/update.log)"
fi

echo "fetch-sysroot.sh: downloading ${pkgs[*]} and their dependencies ($suite, $darch)" >&2
rm -f "$aptdir"/cache/archives/*.deb
apt-get "${apt_opts[@]}" -y --download-only install "${pkgs[@]}" >"$aptdir/download.log" 2>&1 ||
	die "apt-get could not download ${pkgs[*]} for $darch (details: $aptdir/download.log)"

tmp=$(mktemp -d "$outdir/root.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
for deb in "$aptdir"/cache/archives/*.deb; do
	dpkg-deb -x "$deb" "$tmp" || die "cannot unpack $deb"
	n=$((n + 1))
done
((n > 0)) || die "apt-get downloaded nothing for ${pkgs[*]}"

# Debian 12 is merged-/usr, but the packages still ship some files under /bin and /lib (the
# usrmerge package makes those links at install time): make the same links here, so that paths
# such as /lib/ld-linux-aarch64.so.1 (the loader programs name) resolve.
for d in bin sbin lib; do
	if [[ -d $tmp/$d && ! -L $tmp/$d ]]; then
		mkdir -p "$tmp/usr/$d"
		cp -a "$tmp/$d/." "$tmp/usr/$d/"
		rm -rf "${tmp:?}/$d"
	fi
	ln -sfn "usr/$d" "$tmp/$d"
done

# Absolute symbolic links in the packages (libfoo.so -> /lib/<multiarch>/libfoo.so.1) would point
# into the build host's /: make them relative, so that they resolve inside the sysroot.
while IFS= read -r -d '' link; do
	target=$(readlink "$link")
	[[ $target == /* ]] || continue
	ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$tmp$target")" "$link"
done < <(find "$tmp" -type l -print0)

# pkg-config for the sysroot: its .pc files only, their paths prefixed with the sysroot.
cat >"$tmp.pkg-config" <<EOF
#!/bin/sh
# pkg-config for the $darch sysroot made by scripts/fetch-sysroot.sh.
PKG_CONFIG_SYSROOT_DIR='$outdir/root'
PKG_CONFIG_LIBDIR='$outdir/root/usr/lib/$multiarch/pkgconfig:$outdir/root/usr/share/pkgconfig'
export PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
exec pkg-config "\$@"
EOF
chmod 0755 "$tmp.pkg-config"

rm -rf "$outdir/root"
mv "$tmp" "$outdir/root"
mv "$tmp.pkg-config" "$outdir/pkg-config"
trap - EXIT
{
	echo "$want"
	for deb in "$aptdir"/cache/archives/*.deb; do
		basename "$deb"
	done
} >"$outdir/stamp"
echo "fetch-sysroot.sh: $n packages for $darch unpacked under $outdir/root" >&2
