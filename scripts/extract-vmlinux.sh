#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# extract-vmlinux.sh VMLINUZ OUT
#
# Recover the ELF vmlinux from a compressed kernel image (Debian's /boot/vmlinuz-*, a bzImage).
# Debian's headers ship no vmlinux, but module BTF (needed for medgate's kfuncs) must be built
# against the kernel's own BTF, and vmlinux.h for the BPF programs comes from it too. The payload
# of the image is a compressed ELF that is stripped of symbols but keeps .BTF and .BTF_ids, which
# is all we need.
#
# The payload is found by its compression magic. The magic bytes can also occur by chance in the
# boot code, so every candidate offset is tried in turn until one decompresses to an ELF with BTF.

set -euo pipefail
# Binary data below: byte semantics everywhere (in a UTF-8 locale bash's `read` trips over the
# invalid sequences grep echoes back).
export LC_ALL=C

die() {
	echo "extract-vmlinux.sh: $*" >&2
	exit 1
}

(($# == 2)) || die "usage: extract-vmlinux.sh VMLINUZ OUT"
in=$1
out=$2

[[ -r $in ]] || die "cannot read kernel image '$in' (install linux-image-amd64, or set KIMAGE to your kernel image)"
command -v readelf >/dev/null || die "readelf not found: install binutils (sudo apt-get install binutils)"

[[ -d $(dirname "$out") ]] || die "output directory $(dirname "$out") does not exist"
tmp=$(mktemp "${out}.tmp.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# mktemp creates mode 0600; the result is read by non-root tools (bpftool, pahole) too.
chmod 0644 "$tmp"

has_btf() {
	readelf -S --wide "$1" 2>/dev/null | grep -q ' \.BTF '
}

is_elf() {
	[[ $(head -c 4 "$1" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]
}

# A Yocto or self-built tree may hand us an uncompressed vmlinux already.
if is_elf "$in"; then
	has_btf "$in" || die "'$in' is an ELF file but has no .BTF section: build the kernel with CONFIG_DEBUG_INFO_BTF=y"
	cp "$in" "$tmp"
	mv "$tmp" "$out"
	trap - EXIT
	exit 0
fi

# try_format NAME MAGIC_REGEX DECOMPRESSOR...: decompress from each offset where the magic occurs.
try_format() {
	local name=$1 magic=$2
	shift 2
	command -v "$1" >/dev/null || {
		echo "extract-vmlinux.sh: $1 not installed, not trying $name" >&2
		return 1
	}
	local off tried=0
	# grep -b prints the byte offset of each match; -a treats the binary as text, -o one per match.
	while read -r off; do
		((tried++ < 8)) || break
		# Decompressors report "trailing garbage" after the payload and tail may see SIGPIPE:
		# neither matters, the result is judged by readelf alone.
		tail -c "+$((off + 1))" "$in" | "$@" >"$tmp" 2>/dev/null || true
		if is_elf "$tmp" && has_btf "$tmp"; then
			echo "extract-vmlinux.sh: $name payload at offset $off" >&2
			return 0
		fi
	done < <({ grep -obUaP "$magic" "$in" || true; } | cut -d: -f1)
	return 1
}

if try_format xz '\xfd7zXZ\x00' xz -dc --single-stream ||
	try_format gzip '\x1f\x8b\x08' gzip -dc ||
	try_format zstd '\x28\xb5\x2f\xfd' zstd -dc; then
	mv "$tmp" "$out"
	trap - EXIT
	exit 0
fi

die "no xz, gzip or zstd payload in '$in' decompressed to an ELF vmlinux with a .BTF section; the kernel needs CONFIG_DEBUG_INFO_BTF=y (Debian's has it), or pass an uncompressed vmlinux instead"
