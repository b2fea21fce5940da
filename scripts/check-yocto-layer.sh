#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-yocto-layer.sh [KERNEL_CONFIG...]
#
# Static checks of meta-medgate/ (TAP), run by `make check`. BitBake cannot fetch its sources on
# this host, so what the recipes would do is checked against the repository instead:
#   - layer.conf names the LTS releases and its collection;
#   - every LIC_FILES_CHKSUM entry's md5 matches the file in the repository;
#   - every file:// of a SRC_URI exists where FILESEXTRAPATHS and the recipe directory put it;
#   - every make target the recipes run exists, and every variable they pass is one the Makefile
#     reads;
#   - `make install-module install-tools` with the recipes' variables installs only paths that the
#     recipes' packages (or the classes they inherit) hold;
#   - every CONFIG_ option of the kernel fragment is a symbol of each KERNEL_CONFIG given (the
#     Debian 6.12 configurations that `make check-kernel` downloads); skipped without one.
#
# Environment: BUILD (default <repo>/build), MAKE (default make).

set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
layer=$repo/meta-medgate
build=${BUILD:-$repo/build}
make_cmd=${MAKE:-make}
# shellcheck source=scripts/tap.sh
. "$repo/scripts/tap.sh"

mapfile -t recipes < <(find "$layer" \( -name '*.bb' -o -name '*.bbappend' -o -name '*.bbclass' \) |
	sort)
echo "TAP version 13"

# ---- layer.conf ----
conf=$layer/conf/layer.conf
check "layer.conf is compatible with kirkstone and scarthgap" \
	grep -Eq '^LAYERSERIES_COMPAT_medgate = ".*kirkstone.*scarthgap.*"' "$conf"
check "layer.conf declares the medgate collection, its pattern and priority" \
	grep -q '^BBFILE_COLLECTIONS += "medgate"' "$conf"
check "layer.conf depends on core, meta-oe (libbpf) and meta-clang (clang)" \
	grep -Eq '^LAYERDEPENDS_medgate = "core openembedded-layer clang-layer"' "$conf"

# ---- licenses: file://PATH;md5=SUM, PATH relative to the sources or under MEDGATE_TOPDIR ----
lic_ok=1
lic_count=0
while read -r path sum; do
	lic_count=$((lic_count + 1))
	path=${path//\$\{MEDGATE_TOPDIR\}/$repo}
	[[ $path = /* ]] || path=$repo/$path
	if [[ ! -f $path ]] || [[ $(md5sum <"$path" | cut -d' ' -f1) != "$sum" ]]; then
		echo "# LIC_FILES_CHKSUM: $path does not have md5 $sum" >&2
		lic_ok=0
	fi
done < <(grep -ho 'file://[^;"]*;md5=[0-9a-f]*' "${recipes[@]}" | sed -e 's|file://||' -e 's|;md5=| |')
check "every LIC_FILES_CHKSUM md5 matches the repository's file ($lic_count entries)" \
	test "$lic_ok" = 1 -a "$lic_count" -gt 0

# ---- SRC_URI files ----
src_ok=1
for r in "${recipes[@]}"; do
	dir=$(dirname "$r")
	# shellcheck disable=SC2016 # a literal ${: paths made of BitBake variables are not files
	while read -r f; do
		found=0
		for base in "$dir/files" "$dir" "$repo/examples"; do
			[[ -e $base/$f ]] && found=1
		done
		((found)) || { echo "# $r: SRC_URI file $f not found" >&2; src_ok=0; }
	done < <(grep -h 'SRC_URI' "$r" | grep -v '^ *#' | grep -o 'file://[^ ";]*' |
		grep -v '\${' | sed 's|file://||' | sort -u)
done
check "every file:// of a SRC_URI exists" test "$src_ok" = 1

# ---- make targets and variables ----
targets=$(grep -ho 'oe_runmake.*\|MAKE_TARGETS = "[^"]*"' "${recipes[@]}" |
	sed -e 's/MAKE_TARGETS = //' -e 's/oe_runmake//' -e 's/"//g' |
	tr ' ' '\n' | grep -E '^[a-z][a-z-]*$' | sort -u)
tgt_ok=1
for t in $targets; do
	grep -Eq "^$t:" "$repo/Makefile" "$repo/user/user.mk" "$repo/tests/tests.mk" ||
		{ echo "# make target $t is not in the Makefile" >&2; tgt_ok=0; }
done
check "the make targets the recipes run exist ($(echo "$targets" | tr '\n' ' '))" test "$tgt_ok" = 1

vars=$(grep -ho "[A-Z_][A-Z_]*=[^ ]" "${recipes[@]}" | grep -v '^[A-Z_]*_[a-z]' | cut -d= -f1 | sort -u |
	grep -vx -e LIC_FILES_CHKSUM -e MEDGATE_INCLUDE_PATH)
var_ok=1
for v in $vars; do
	# Read with $(V), or a knob the Makefile defaults (V ?= 0) and exports to kbuild.
	grep -Eq "\\\$\(${v}\)|^${v}[[:space:]]*\?=" "$repo/Makefile" "$repo/user/user.mk" ||
		{ echo "# variable $v is passed by a recipe but the Makefile never reads it" >&2; var_ok=0; }
done
check "every variable the recipes pass to make is read by it ($(echo "$vars" | tr '\n' ' '))" \
	test "$var_ok" = 1

# ---- what install puts where, against what the packages hold ----
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
if "$make_cmd" -s --no-print-directory -C "$repo" BUILD="$build" DESTDIR="$dest" PREFIX=/usr \
	SYSCONFDIR=/etc SYSTEMD_UNITDIR=/lib/systemd/system MODULEDIR=/lib/modules \
	install-module install-tools >/dev/null 2>&1; then
	# FILES of medgate (sbindir, datadir/medgate, sysconfdir/medgate), medgate-dev (includedir),
	# the systemd class (the unit) and kernel-module-split (the module).
	stray=$(cd "$dest" && find . \( -type f -o -type l \) | sed 's|^\.||' |
		grep -Ev '^/usr/sbin/[^/]+$|^/usr/share/medgate/|^/etc/medgate/|^/usr/include/|^/lib/systemd/system/medgated\.service$|^/lib/modules/[^/]+/extra/medgate\.ko$')
	[[ -z $stray ]] || echo "# installed but in no package: $stray" >&2
	check "make install-module install-tools puts nothing outside the packages' FILES" test -z "$stray"
	check "the systemd unit the recipe names is installed" \
		test -f "$dest/lib/systemd/system/medgated.service"
	check "the policy directory medgated.service loads exists" test -d "$dest/etc/medgate/policy.d"
	grep -q "medgate/policy.d" "$repo/user/medgated/medgated.service"
	check "medgated.service loads /etc/medgate/policy.d" \
		grep -q "policy load /etc/medgate/policy.d" "$repo/user/medgated/medgated.service"
else
	not_ok "make install-module install-tools with the recipes' variables"
fi

# ---- the kernel fragment against real 6.12 configurations ----
frag=$layer/recipes-kernel/linux/files/medgate.cfg
opts=$(grep -o '^CONFIG_[A-Z0-9_]*' "$frag")
configs=("$@")
if ((${#configs[@]} == 0)); then
	mapfile -t configs < <(ls "$build"/kernels/6.12*/root/boot/config-* 2>/dev/null)
fi
if ((${#configs[@]} == 0)); then
	skip "every CONFIG_ option of medgate.cfg exists in 6.12" \
		"no 6.12 kernel configuration here (make check-kernel KVER=6.12 downloads one)"
else
	for c in "${configs[@]}"; do
		missing=()
		for o in $opts; do
			grep -Eq "^$o=|^# $o is not set" "$c" || missing+=("$o")
		done
		((${#missing[@]} == 0)) || echo "# $(basename "$c") lacks: ${missing[*]}" >&2
		check "every CONFIG_ option of medgate.cfg is a symbol of $(basename "$c")" \
			test ${#missing[@]} -eq 0
	done
fi

echo "1..$n"
((failed == 0))
