#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the release (e.g. 6.1.0-57-amd64) of the installed Debian linux-image/linux-headers pair
# that medgate builds against and boots in the test VM.
#
# Why not `uname -r`: the build host's running kernel is not the one the module is built for, and
# Debian's ABI name (6.1.0-NN) moves with every security update, so the image and the headers can
# drift apart. A module built against other headers than the booted image refuses to load.
#
# Environment: KFLAVOUR overrides the Debian kernel flavour (default: from the dpkg architecture,
# e.g. amd64 -> amd64, arm64 -> arm64).

set -euo pipefail

die() {
	echo "kernel-release.sh: $*" >&2
	exit 1
}

command -v dpkg-query >/dev/null || die "dpkg-query not found: this script needs a Debian-based build host (on Yocto, set KERNELDIR instead)"

arch=$(dpkg --print-architecture)
case "$arch" in
	amd64|arm64)	default_flavour=$arch ;;
	armhf)		default_flavour=armmp ;;
	i386)		default_flavour=686-pae ;;
	*)		default_flavour=$arch ;;
esac
flavour=${KFLAVOUR:-$default_flavour}

# Plain flavour only: "6.1.0-57-amd64" or a backport "6.1.0-0.deb11.17-amd64", but not the cloud or
# rt variants ("6.1.0-57-cloud-amd64"), which lack drivers the VM and the gateways rely on.
rel_re="^[0-9]+\.[0-9]+\.[0-9]+-[0-9][0-9a-z.+~]*-${flavour}\$"

images=()
headers=()
while IFS=$'\t' read -r pkg status; do
	# Only fully installed packages ("ii"), not removed-but-configured ones ("rc").
	[[ $status == ii* ]] || continue
	case "$pkg" in
		linux-image-*)
			rel=${pkg#linux-image-}
			rel=${rel%-unsigned}
			[[ $rel =~ $rel_re ]] || continue
			if [[ -e /boot/vmlinuz-$rel ]]; then
				images+=("$rel")
			else
				echo "kernel-release.sh: warning: $pkg is installed but /boot/vmlinuz-$rel is missing; ignoring it" >&2
			fi
			;;
		linux-headers-*)
			rel=${pkg#linux-headers-}
			[[ $rel =~ $rel_re ]] || continue
			if [[ -d /usr/src/linux-headers-$rel || -d /lib/modules/$rel/build ]]; then
				headers+=("$rel")
			else
				echo "kernel-release.sh: warning: $pkg is installed but neither /usr/src/linux-headers-$rel nor /lib/modules/$rel/build exists; ignoring it" >&2
			fi
			;;
	esac
done < <(dpkg-query -W -f='${Package}\t${db:Status-Abbrev}\n' 'linux-image-*' 'linux-headers-*' 2>/dev/null || true)

fix_both="apt-get install linux-image-$flavour linux-headers-$flavour"

if ((${#images[@]} == 0)); then
	die "no Debian kernel image linux-image-*-$flavour is installed; fix with: sudo $fix_both"
fi
if ((${#headers[@]} == 0)); then
	newest_image=$(printf '%s\n' "${images[@]}" | sort -V | tail -n 1)
	die "kernel image $newest_image is installed but no matching headers; fix with: sudo apt-get install linux-headers-$newest_image"
fi

newest_image=$(printf '%s\n' "${images[@]}" | sort -V | tail -n 1)
newest_headers=$(printf '%s\n' "${headers[@]}" | sort -V | tail -n 1)
common=$(comm -12 <(printf '%s\n' "${images[@]}" | sort -u) <(printf '%s\n' "${headers[@]}" | sort -u) |
	sort -V | tail -n 1)

if [[ -z $common ]]; then
	die "installed kernel image ($newest_image) and headers ($newest_headers) do not match, so the module could not be loaded into the image; fix with: sudo apt-get install linux-headers-$newest_image   (or move both to the current release: sudo $fix_both)"
fi
if [[ $common != "$newest_image" ]]; then
	echo "kernel-release.sh: note: newer image $newest_image has no headers; using $common (to use the newer one: sudo apt-get install linux-headers-$newest_image)" >&2
fi

echo "$common"
