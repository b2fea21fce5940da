#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# yocto-recipe-run.sh: run what meta-medgate's recipes run, against Debian's arm64 6.12 kernel,
# and check what comes out (TAP, then "N passed, N failed"). BitBake cannot fetch its sources on
# this host; the recipes' do_compile and do_install are make invocations, and these are the same
# ones, with the variables the recipes pass:
#
#   medgate-module  make module, then make install-module, with KERNELDIR (the kernel's build tree,
#                   STAGING_KERNEL_BUILDDIR in Yocto), ARCH=arm64, CROSS_COMPILE, and the CC and
#                   KERNEL_SRC that module.bbclass adds;
#   medgate         make bpf user, then make install-tools, with CC (a cross compiler with its
#                   sysroot), PKG_CONFIG for that sysroot, STATIC=0, CLANG, BPFTOOL, KERNELDIR;
#   medgate-native  make medgatectl and make install-ctl with the build host's compiler, then
#                   medgate-policy.bbclass's do_compile: medgatectl policy check of the example
#                   policy with MEDGATE_INCLUDE_PATH set to the native abstractions.
#
# The kernel tree and the arm64 sysroot are the ones `make check-kernel KVER=6.12 KARCH=arm64`
# uses (downloaded on first use). Products land under $BUILD/yocto.
#
# Environment: BUILD (default <repo>/build), MAKE (default make).

set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
make_cmd=${MAKE:-make}
kdir=$build/kernels/6.12-arm64
sysroot=$build/sysroot/arm64
out=$build/yocto
cross=aarch64-linux-gnu-
# shellcheck source=scripts/tap.sh
. "$repo/scripts/tap.sh"
finish() {
	echo "1..$n"
	echo "$((n - failed)) passed, $failed failed"
	((failed == 0))
	exit
}
step() {	# step DESCRIPTION LOG COMMAND...: run a build step, its output in LOG
	local what=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		ok "$what"
	else
		not_ok "$what (log: $log)"
		tail -n 20 "$log" | sed 's/^/# /'
		return 1
	fi
}

echo "TAP version 13"
rm -rf "$out" && mkdir -p "$out" || exit 1
step "arm64 cross toolchain present" "$out/deps.log" "$repo/scripts/deps.sh" --cross arm64 || finish
step "Debian arm64 6.12 kernel tree fetched" "$out/fetch-kernel.log" \
	env KARCH=arm64 KFLAVOUR=arm64 "$repo/scripts/fetch-kernel.sh" 6.12 "$kdir" || finish
step "Debian arm64 sysroot fetched" "$out/fetch-sysroot.log" \
	"$repo/scripts/fetch-sysroot.sh" arm64 "$sysroot" || finish
krel=$(cat "$kdir/krel")
kerneldir=$kdir/root/usr/src/linux-headers-$krel

# ---- the kernel fragment: every option a symbol of this kernel, and set as the fragment says ----
frag=$repo/meta-medgate/recipes-kernel/linux/files/medgate.cfg
config=$kdir/root/boot/config-$krel
unknown=() differ=()
while IFS= read -r line; do
	opt=${line%%=*}
	grep -Eq "^$opt=|^# $opt is not set" "$config" || unknown+=("$opt")
	[[ $opt = CONFIG_LSM ]] || grep -qx "$line" "$config" || differ+=("$opt")
done < <(grep '^CONFIG_' "$frag")
((${#unknown[@]} == 0)) || echo "# not symbols of $krel: ${unknown[*]}"
check "every option of medgate.cfg is a symbol of $krel" test ${#unknown[@]} -eq 0
# Debian's arm64 kernel, on which the matrix runs the selftests, is configured as the fragment
# asks (the LSM list aside: Debian boots with lsm= in the VM).
((${#differ[@]} == 0)) || echo "# set otherwise in $krel: ${differ[*]}"
check "$krel is configured as medgate.cfg asks (the kernel the selftests pass on)" \
	test ${#differ[@]} -eq 0

# ---- medgate-module ----
module_args=(BUILD="$out/module" V=1 KERNELDIR="$kerneldir" ARCH=arm64 CROSS_COMPILE="$cross"
	     KERNEL_SRC="$kerneldir" CC="${cross}gcc")
step "medgate-module do_compile: make module" "$out/module-compile.log" \
	"$make_cmd" -C "$repo" --no-print-directory "${module_args[@]}" module || finish
step "medgate-module do_install: make install-module" "$out/module-install.log" \
	"$make_cmd" -C "$repo" --no-print-directory "${module_args[@]}" DESTDIR="$out/image" \
	MODULEDIR=/lib/modules install-module || finish
ko=$out/image/lib/modules/$krel/extra/medgate.ko
check "medgate.ko installed for $krel" test -f "$ko"
check "medgate.ko is an AArch64 ELF object" \
	bash -c "readelf -h '$ko' | grep -q 'Machine:.*AArch64'"
check "medgate.ko has module BTF (.BTF), which kfunc registration needs" \
	bash -c "readelf -S '$ko' | grep -q ' \\.BTF '"
check "medgate.ko has its kfunc set's BTF ids (.BTF_ids)" \
	bash -c "readelf -S '$ko' | grep -q ' \\.BTF_ids '"

# ---- medgate (target) ----
tool_args=(BUILD="$out/tools" V=1 "CC=${cross}gcc --sysroot=$sysroot/root" LDFLAGS=
	   PKG_CONFIG="$sysroot/pkg-config" PREFIX=/usr SYSCONFDIR=/etc
	   SYSTEMD_UNITDIR=/lib/systemd/system STATIC=0 KERNELDIR="$kerneldir" ARCH=arm64
	   CLANG=clang BPFTOOL=bpftool)
step "medgate do_compile: make bpf user" "$out/tools-compile.log" \
	"$make_cmd" -C "$repo" --no-print-directory "${tool_args[@]}" bpf user || finish
step "medgate do_install: make install-tools" "$out/tools-install.log" \
	"$make_cmd" -C "$repo" --no-print-directory "${tool_args[@]}" DESTDIR="$out/image" \
	install-tools || finish
for tool in medgatectl medgated; do
	f=$out/image/usr/sbin/$tool
	check "$tool is an AArch64 executable" bash -c "readelf -h '$f' | grep -q 'Machine:.*AArch64'"
	check "$tool is linked against the image's shared libraries (STATIC=0)" \
		bash -c "readelf -d '$f' | grep -q 'NEEDED.*libnl-genl-3'"
done
check "medgated carries the BPF programs (its skeleton embeds the object)" \
	bash -c "grep -aq hook_file_open '$out/image/usr/sbin/medgated'"
check "medgated.service, the abstractions and the policy directory are installed" \
	test -f "$out/image/lib/systemd/system/medgated.service" \
	-a -f "$out/image/usr/share/medgate/abstractions/base.policy" \
	-a -d "$out/image/etc/medgate/policy.d"

# ---- medgate-native and a policy package ----
native_args=(BUILD="$out/native" V=1 PREFIX=/usr)
step "medgate-native: make medgatectl, make install-ctl" "$out/native.log" \
	"$make_cmd" -C "$repo" --no-print-directory "${native_args[@]}" DESTDIR="$out/native-image" \
	install-ctl || finish
ctl=$out/native-image/usr/sbin/medgatectl
step "medgate-policy.bbclass do_compile: medgatectl policy check of the example policy" \
	"$out/policy-check.log" env MEDGATE_INCLUDE_PATH="$out/native-image/usr/share/medgate" \
	"$ctl" policy check "$repo/examples/gateway.policy"
bad=$out/bad.policy
printf 'profile p {\n    file /etc/x q\n}\n' >"$bad"
if env MEDGATE_INCLUDE_PATH="$out/native-image/usr/share/medgate" "$ctl" policy check "$bad" \
	>"$out/bad.log" 2>&1; then
	not_ok "a bad policy fails the policy package's build"
else
	check "a bad policy fails the policy package's build, with file:line:col" \
		grep -q "bad.policy:2:[0-9]*: error" "$out/bad.log"
fi
finish
