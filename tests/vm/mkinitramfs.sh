#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT.cpio.gz
#
# Build the initramfs of the test VM: busybox-static, tests/vm/init as /init, medgate.ko, the
# user tools, the selftest binaries and their helpers, and the policies. The VM has no disk; this
# archive is its whole root file system.
#
# Layout inside the VM:
#   /init                      tests/vm/init (PID 1)
#   /bin/*, /sbin -> bin       busybox and one symlink per applet
#   /lib -> usr/lib, /lib64 -> usr/lib64
#                              merged /usr as on Debian 12: shared libraries live under /usr/lib,
#                              and the kernel reports the paths a real system has
#   /usr/sbin/                 medgatectl, medgated, and the host tools of VM_HOST_BINS
#   /usr/bin/                  the Debian programs of VM_DEBIAN_PROGS, at their Debian paths
#   /etc/ld.so.cache           the loader cache of the libraries shipped (ldconfig -r)
#   /usr/share/medgate/abstractions/  abstractions/*.policy, where make install puts them
#   /medgate/medgate.ko        the module
#   /medgate/tests/            every executable of $BUILD/tests/selftests (run in name order)
#   /medgate/helpers/          every file of $BUILD/tests/helpers
#   /medgate/policies/         tests/vm/policies/*
#   /medgate/examples/         examples/*
#   /medgate/docs/first-look.policy  the "A first look" policy of docs/policy-language.md
#   /medgate/demo.sh           tests/vm/demo.sh
#   /medgate/bench/            every file of $VM_BENCH_DIR, when set (make bench)
#   /medgate/modules.list      kernel modules init loads with modprobe (VM_MODULES)
#   /lib/modules/$KREL/        those modules, with modules.dep for modprobe
#
# Environment:
#   BUILD                       build directory (default <repo>/build)
#   MODULE                      the module (default $BUILD/medgate.ko)
#   KREL                        kernel release the VM boots (default: scripts/kernel-release.sh)
#   VM_MODULES                  kernel modules to ship and load (default "veth overlay", modules on Debian)
#   VM_MODULES_ROOT             where lib/modules/$KREL is (default /; scripts/fetch-kernel.sh
#                               unpacks another kernel's modules elsewhere)
#   VM_HOST_BINS                host programs to ship in /usr/sbin with their libraries (default
#                               "ip bpftool": busybox's ip has no netns, bpftool helps debugging)
#   VM_DEBIAN_PROGS             Debian programs the selftests confine, shipped at the path they
#                               have here with their libraries and configuration (default
#                               "curl getent openssl"; packages curl, libc-bin, openssl)
#   MKINITRAMFS_ALLOW_MISSING=1 build even without the module and user tools (harness smoke tests)
#   VM_BENCH_DIR                a directory to ship as /medgate/bench (the benchmark VM)
#   MKINITRAMFS_ROOT            staging directory (default $BUILD/vm/root), so that two images can
#                               be built at once
#   VM_SYSROOT                  a VM of another architecture than the build host (arm64): the
#                               root of that architecture's Debian packages, unpacked by
#                               scripts/fetch-sysroot.sh. busybox, VM_HOST_BINS, VM_DEBIAN_PROGS,
#                               their configuration and the shared libraries of every dynamic
#                               program are taken from there instead of the build host, and the
#                               libraries are found from the programs' ELF headers (DT_NEEDED,
#                               PT_INTERP) instead of the host's ldd, which cannot run them.

set -euo pipefail

die() {
	echo "mkinitramfs.sh: $*" >&2
	exit 1
}

warn() {
	echo "mkinitramfs.sh: warning: $*" >&2
}

(($# == 1)) || die "usage: mkinitramfs.sh OUT.cpio.gz"
out=$1

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$repo/build}
module=${MODULE:-$build/medgate.ko}
allow_missing=${MKINITRAMFS_ALLOW_MISSING:-0}
vm_modules=${VM_MODULES-veth overlay}
host_bins=${VM_HOST_BINS-ip bpftool}
debian_progs=${VM_DEBIAN_PROGS-curl getent openssl}
# Where the VM's programs and libraries come from: the build host's / or a foreign sysroot.
sysroot=${VM_SYSROOT:-}
if [[ -n $sysroot ]]; then
	[[ -d $sysroot/usr/lib ]] || die "VM_SYSROOT $sysroot is not a sysroot (no usr/lib); make it with scripts/fetch-sysroot.sh"
	sysroot=$(cd "$sysroot" && pwd)
fi
busybox=$sysroot/bin/busybox

for tool in cpio gzip file ldd readelf; do
	command -v "$tool" >/dev/null || die "$tool not found; run scripts/deps.sh"
done

root=${MKINITRAMFS_ROOT:-$build/vm/root}
# The staging tree is rebuilt from scratch every time so nothing stale ends up in the VM.
rm -rf "$root"
mkdir -p "$root"/{bin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,root,var/log,var/lib,medgate/tests,medgate/helpers}
ln -s bin "$root/sbin"
# Merged /usr for libraries, as on Debian 12. Everything copied under /lib or /lib64 below lands
# under /usr/lib or /usr/lib64 through these links.
mkdir -p "$root/usr/lib" "$root/usr/lib64"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s ../run "$root/var/run"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

# copy_host_file PATH: copy a file of the build host (or of VM_SYSROOT) to the same path in the
# VM, keeping the symbolic links on the way as links (absolute, to the resolved file), so that the
# kernel resolves the path in the VM to the same file it resolves here
# (/lib64/ld-linux-x86-64.so.2 -> /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 on Debian 12).
# The sysroot's links are relative (fetch-sysroot.sh), so they resolve inside it.
copy_host_file() {
	local path=$1 real
	real=$(readlink -f "$sysroot$path") || die "cannot resolve $sysroot$path"
	[[ -f $real ]] || die "$path is not a file in ${sysroot:-this host}"
	if [[ -n $sysroot ]]; then
		[[ $real == "$sysroot"/* ]] || die "$sysroot$path resolves outside the sysroot, to $real"
		real=${real#"$sysroot"}
	fi
	if [[ ! -e $root$real ]]; then
		mkdir -p "$root$(dirname "$real")"
		cp "$sysroot$real" "$root$real"
	fi
	if [[ $path != "$real" && ! -e $root$path && ! -L $root$path ]]; then
		mkdir -p "$root$(dirname "$path")"
		ln -s "$real" "$root$path"
	fi
}

# The library directories of the sysroot, in the loader's order (multiarch first).
sysroot_libdirs=()
if [[ -n $sysroot ]]; then
	for d in "$sysroot"/usr/lib/*-linux-gnu*/ "$sysroot"/usr/lib/ "$sysroot"/usr/lib64/; do
		[[ -d $d ]] && sysroot_libdirs+=("${d%/}")
	done
fi

# copy_libs_elf BINARY: copy_libs for a binary of the sysroot's architecture. The loader is the
# program's PT_INTERP; each DT_NEEDED library is looked up in the sysroot's library directories,
# and its own DT_NEEDED in turn.
declare -A libs_done=()
copy_libs_elf() {
	local bin=$1 interp lib d found
	interp=$(readelf -lW "$bin" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p')
	[[ -z $interp || -e $root$interp || -L $root$interp ]] || copy_host_file "$interp"
	while read -r lib; do
		[[ -n $lib && -z ${libs_done[$lib]:-} ]] || continue
		libs_done[$lib]=1
		found=
		for d in "${sysroot_libdirs[@]}"; do
			if [[ -e $d/$lib ]]; then
				found=${d#"$sysroot"}/$lib
				break
			fi
		done
		[[ -n $found ]] || die "$bin needs $lib, which is not in the sysroot $sysroot (add its package to scripts/fetch-sysroot.sh)"
		copy_host_file "$found"
		copy_libs_elf "$(readlink -f "$sysroot$found")"
	done < <(readelf -dW "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
}

# copy_libs BINARY: copy the shared libraries and the loader a dynamic binary needs, at the paths
# ldd names, so that it runs in the VM exactly as on the build host.
copy_libs() {
	local bin=$1 line lib
	[[ $(file -L "$bin") == *'dynamically linked'* ]] || return 0
	if [[ -n $sysroot ]]; then
		copy_libs_elf "$bin"
		return 0
	fi
	local ldd_out
	ldd_out=$(ldd "$bin" 2>&1) || die "ldd failed on $bin (a binary for another architecture?): $ldd_out"
	if grep -q 'not found' <<<"$ldd_out"; then
		die "$bin needs libraries that are not installed here: $(grep 'not found' <<<"$ldd_out" | tr -s ' \t' ' ')"
	fi
	while read -r line; do
		case "$line" in
			*"=> /"*)	lib=${line#*=> }; lib=${lib%% (*} ;;
			/*)		lib=${line%% (*} ;;	# the loader, e.g. /lib64/ld-linux-x86-64.so.2
			*)		continue ;;		# linux-vdso.so.1 lives in the kernel
		esac
		[[ -e $root$lib ]] && continue
		copy_host_file "$lib"
	done <<<"$ldd_out"
}

# add_program SRC DEST [MODE]: copy an executable into the tree with what it needs to run.
add_program() {
	local src=$1 dest=$2 mode=${3:-0755}
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$src" "$root$dest"
	chmod "$mode" "$root$dest"
	copy_libs "$src"
	# Scripts: warn when their interpreter will not exist in the VM (only busybox sh is there).
	if [[ $(head -c 2 "$src") == '#!' ]]; then
		local interp
		read -r interp _ < <(head -n 1 "$src" | cut -c 3-)
		[[ -e $root$interp || -L $root$interp ]] || warn "$src starts with #!$interp, which the VM does not have (use #!/bin/sh)"
	fi
}

# require FILE WHAT HOW: a required input; MKINITRAMFS_ALLOW_MISSING=1 turns its absence into a warning.
require() {
	[[ -f $1 ]] && return 0
	if [[ $allow_missing == 1 ]]; then
		warn "$2 $1 is missing; building without it (MKINITRAMFS_ALLOW_MISSING=1)"
		return 1
	fi
	die "$2 $1 is missing; $3"
}

# ---- busybox ----
[[ -x $busybox ]] || die "$busybox not found; install busybox-static (scripts/deps.sh)"
[[ $(file -L "$busybox") == *'statically linked'* ]] ||
	die "$busybox is not statically linked; install busybox-static rather than busybox"
cp "$busybox" "$root/bin/busybox"
# A foreign busybox cannot run here to list its applets; the host's busybox-static is the same
# Debian package built for another architecture, with the same applets.
busybox_list=$busybox
if [[ -n $sysroot ]]; then
	busybox_list=/bin/busybox
	[[ -x $busybox_list ]] || die "$busybox_list not found: it lists the applets of $busybox; install busybox-static"
fi

# Applets that a real program from VM_HOST_BINS replaces get no busybox symlink.
declare -A replaced=()
for b in $host_bins; do
	replaced[$b]=1
done
# `busybox --list` names busybox itself: linking that name would replace the binary with a
# symlink to itself, so it is skipped.
while read -r applet; do
	[[ -z $applet || $applet == busybox || -n ${replaced[$applet]:-} ]] && continue
	ln -s busybox "$root/bin/$applet"
done < <("$busybox_list" --list)
[[ -L $root/bin/sh ]] || die "busybox has no sh applet"

# ---- init ----
[[ -f $repo/tests/vm/init ]] || die "tests/vm/init is missing from the source tree"
cp "$repo/tests/vm/init" "$root/init"
chmod 0755 "$root/init"

# ---- medgate: module, tools, tests ----
if require "$module" "module" "build it first (make module)"; then
	cp "$module" "$root/medgate/medgate.ko"
fi
for tool in medgatectl medgated; do
	if require "$build/user/$tool" "user tool" "build it first (make user)"; then
		add_program "$build/user/$tool" "/usr/sbin/$tool"
	fi
done

ntests=0
if [[ -d $build/tests/selftests ]]; then
	for t in "$build"/tests/selftests/*; do
		[[ -f $t && -x $t ]] || continue
		add_program "$t" "/medgate/tests/$(basename "$t")"
		ntests=$((ntests + 1))
	done
fi
((ntests > 0)) || warn "no selftest binaries in $build/tests/selftests; the VM will run none"

if [[ -d $build/tests/helpers ]]; then
	for h in "$build"/tests/helpers/*; do
		[[ -f $h ]] || continue
		if [[ -x $h ]]; then
			add_program "$h" "/medgate/helpers/$(basename "$h")"
		else
			cp "$h" "$root/medgate/helpers/"
		fi
	done
fi

copy_dir_files() {
	local from=$1 to=$2
	[[ -d $from ]] || return 0
	compgen -G "$from/*" >/dev/null || return 0
	mkdir -p "$root$to"
	cp -R "$from"/. "$root$to/"
}
copy_dir_files "$repo/tests/vm/policies" /medgate/policies
copy_dir_files "$repo/examples" /medgate/examples
# The policy of docs/policy-language.md, "A first look", as the documentation shows it.
mkdir -p "$root/medgate/docs"
"$repo/scripts/doc-policy.sh" "$repo/docs/policy-language.md" "A first look" \
	>"$root/medgate/docs/first-look.policy" || die "cannot extract the first policy of docs/policy-language.md"
if [[ -n ${VM_BENCH_DIR:-} ]]; then
	[[ -d $VM_BENCH_DIR ]] || die "VM_BENCH_DIR $VM_BENCH_DIR is not a directory"
	mkdir -p "$root/medgate/bench"
	for f in "$VM_BENCH_DIR"/*; do
		[[ -f $f ]] || continue
		if [[ -x $f ]]; then
			add_program "$f" "/medgate/bench/$(basename "$f")"
		else
			cp "$f" "$root/medgate/bench/"
		fi
	done
fi
if [[ -f $repo/tests/vm/demo.sh ]]; then
	cp "$repo/tests/vm/demo.sh" "$root/medgate/demo.sh"
	chmod 0755 "$root/medgate/demo.sh"
fi

# find_program NAME: the path of a program on the build host, or in the sysroot (the path it has
# there, without the sysroot prefix); empty when it is not found.
find_program() {
	local d
	if [[ -z $sysroot ]]; then
		command -v "$1" || true
		return 0
	fi
	for d in /usr/sbin /usr/bin; do
		if [[ -x $sysroot$d/$1 ]]; then
			echo "$d/$1"
			return 0
		fi
	done
}

# ---- host programs (iproute2, bpftool) ----
for b in $host_bins; do
	path=$(find_program "$b")
	if [[ -z $path ]]; then
		warn "$b not found in ${sysroot:-the build host}; the VM gets busybox's version or none"
		# Fall back to the busybox applet if there is one.
		if grep -qx "$b" < <("$busybox_list" --list); then
			ln -s busybox "$root/bin/$b"
		fi
		continue
	fi
	add_program "$sysroot$path" "/usr/sbin/$b"
done

# ---- Debian programs the selftests confine (tests/selftests/programs_test.c) ----
# Each at the path it has here, with its libraries and the configuration files it reads (found
# with strace on Debian 12: docs/abstractions.md).
for b in $debian_progs; do
	path=$(find_program "$b")
	[[ -n $path ]] || die "$b not found in ${sysroot:-the build host}; run scripts/deps.sh (packages curl, libc-bin, openssl)${sysroot:+ or add its package to scripts/fetch-sysroot.sh}"
	path=$(readlink -f "$sysroot$path")
	path=${path#"$sysroot"}
	add_program "$sysroot$path" "$path"
done
for f in /etc/ssl/openssl.cnf /usr/lib/ssl/openssl.cnf /etc/gai.conf; do
	[[ -e $sysroot$f ]] && copy_host_file "$f"
done
# A resolver configuration without a name server: lookups use /etc/hosts only.
echo 'options attempts:1 timeout:1' >"$root/etc/resolv.conf"
echo 'multi on' >"$root/etc/host.conf"

# ---- abstractions, where make install puts them ----
mkdir -p "$root/usr/share/medgate/abstractions"
cp "$repo"/abstractions/*.policy "$root/usr/share/medgate/abstractions/"

# ---- the loader cache of what was shipped, as on a real system ----
printf '/usr/lib/x86_64-linux-gnu\n/usr/lib/aarch64-linux-gnu\n' >"$root/etc/ld.so.conf"
# The host's ldconfig reads only its own architecture's libraries; a foreign VM goes without a
# cache, and its loader searches the multiarch directories built into it.
if [[ -n $sysroot ]]; then
	:
elif command -v ldconfig >/dev/null || [[ -x /sbin/ldconfig ]]; then
	"$(command -v ldconfig || echo /sbin/ldconfig)" -X -r "$root" 2>/dev/null ||
		warn "ldconfig -r failed; the VM has no /etc/ld.so.cache"
fi

# ---- kernel modules the tests need (veth: CONFIG_VETH=m on Debian) ----
: >"$root/medgate/modules.list"
if [[ -n $vm_modules ]]; then
	krel=${KREL:-$("$repo/scripts/kernel-release.sh" 2>/dev/null || true)}
	modroot=${VM_MODULES_ROOT:-}
	modroot=${modroot%/}
	modinfo_base=()
	[[ -n $modroot ]] && modinfo_base=(-b "$modroot")
	if [[ -z $krel || ! -d $modroot/lib/modules/$krel ]]; then
		warn "no $modroot/lib/modules/${krel:-?} on this host; not shipping kernel modules ($vm_modules)"
	else
		declare -A shipped=()
		# ship_module NAME: copy a module and, first, the modules it depends on.
		ship_module() {
			local name=$1 path dep rel
			[[ -n ${shipped[$name]:-} ]] && return 0
			shipped[$name]=1
			path=$(modinfo "${modinfo_base[@]}" -k "$krel" -n "$name" 2>/dev/null) || die "kernel module $name not found for $krel (check VM_MODULES)"
			[[ $path == /* ]] || return 0	# built into the kernel
			for dep in $(modinfo "${modinfo_base[@]}" -k "$krel" -F depends "$name" | tr ',' ' '); do
				ship_module "$dep"
			done
			rel=${path#"$modroot"/lib/modules/"$krel"/}
			mkdir -p "$root/lib/modules/$krel/$(dirname "$rel")"
			# busybox modprobe cannot decompress: store modules uncompressed.
			case "$path" in
				*.ko.xz)  xz -dc "$path" >"$root/lib/modules/$krel/${rel%.xz}" ;;
				*.ko.zst) zstd -qdc "$path" >"$root/lib/modules/$krel/${rel%.zst}" ;;
				*.ko.gz)  gzip -dc "$path" >"$root/lib/modules/$krel/${rel%.gz}" ;;
				*)        cp "$path" "$root/lib/modules/$krel/$rel" ;;
			esac
		}
		for m in $vm_modules; do
			ship_module "$m"
			echo "$m" >>"$root/medgate/modules.list"
		done
		# modprobe must know what is built in (so it does not look for those) and the dependencies.
		for f in modules.builtin modules.builtin.modinfo modules.order; do
			[[ -f $modroot/lib/modules/$krel/$f ]] && cp "$modroot/lib/modules/$krel/$f" "$root/lib/modules/$krel/"
		done
		depmod -b "$root" "$krel" || die "depmod failed for the VM's modules"
	fi
fi

# ---- /etc ----
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'root:*:19000:0:99999:7:::' >"$root/etc/shadow"
chmod 0600 "$root/etc/shadow"
chmod 0644 "$root/etc/passwd" "$root/etc/group"
cat >"$root/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
shadow: files
hosts: files
EOF
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
EOF
echo medgate-vm >"$root/etc/hostname"
ln -s ../proc/self/mounts "$root/etc/mtab"

# ---- archive ----
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.tmp.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# The kernel opens /dev/console for PID 1 before init can mount devtmpfs, so the archive must hold
# that node. Creating it with mknod needs root; instead a second newc archive with just this entry
# is appended by hand (the kernel unpacks concatenated archives). Fields: ino mode uid gid nlink
# mtime filesize devmajor devminor rdevmajor rdevminor namesize check, 8 hex digits each.
newc_entry() {
	local name=$1 mode=$2 rmaj=$3 rmin=$4 namesize
	namesize=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$mode" 0 0 1 0 0 0 0 "$rmaj" "$rmin" "$namesize" 0
	printf '%s\0' "$name"
	# Header (110 bytes) plus name is padded with NULs to a multiple of 4.
	local pad=$(((4 - (110 + namesize) % 4) % 4))
	head -c "$pad" /dev/zero
}

{
	# Sorted, so that every directory comes before its contents, and owned by root in the VM.
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0)
	newc_entry dev/console $((8#020600)) 5 1
	newc_entry TRAILER!!! 0 0 0
} | gzip -n -6 >"$tmp"
chmod 0644 "$tmp"
mv "$tmp" "$out"
trap - EXIT

echo "mkinitramfs.sh: $out ($(du -h "$out" | cut -f1), $ntests selftest binaries)" >&2
