#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh MODE INITRAMFS OUTDIR
#
# Boot the Debian kernel with the medgate initramfs in QEMU and judge the run from the host.
#   MODE tests  run the selftests; TAP in OUTDIR/tap.log (streamed to stdout as it arrives)
#   MODE demo   run the demo; the console is shown live
#   MODE shell  an interactive shell on the console (Ctrl-A x quits QEMU)
#   MODE bench  the benchmark (make bench); results in OUTDIR/tap.log, handled like tests mode
#
# Serial port 0 (ttyS0, the kernel console) goes to OUTDIR/console.log, serial port 1 (ttyS1, the
# TAP stream) to OUTDIR/tap.log. On arm64 (VM_ARCH=arm64: qemu-system-aarch64 -M virt) the console
# is the machine's one PL011 port (ttyAMA0) and the TAP stream a virtio console (hvc0), named to
# the VM's init with medgate.tap=hvc0. The run fails when
#   - the VM did not print MEDGATE-VM-DONE (crash, hang, timeout): init prints it last;
#   - the kernel log shows a bug (BUG, WARNING, Oops, panic, ...): a test that passes while the
#     kernel warns has not passed. In tests mode it also becomes a "not ok" line in tap.log.
# Test failures themselves are not judged here: scripts/tap-summary.sh counts them.
#
# Environment:
#   KIMAGE          kernel image (default /boot/vmlinuz-$(scripts/kernel-release.sh))
#   VM_ARCH         the kernel's architecture, as kbuild's ARCH: x86 (default) or arm64
#   QEMU            QEMU binary (default qemu-system-x86_64, or qemu-system-aarch64 for arm64)
#   VM_TIMEOUT      wall-clock limit in seconds (default 900; none in shell mode unless set)
#   VM_MEM          memory in MiB (default 2048)
#   VM_SMP          virtual CPUs (default 2)
#   VM_ACCEL        QEMU accelerator (default tcg; kvm where the host has it)
#   VM_EXTRA_APPEND extra kernel command line words
#   VM_TESTS        selftest binaries to run, comma-separated (default: all of them)
#   VM_QEMU_ARGS    extra QEMU arguments (split on blanks)
#   VM_LSM          the lsm= list (default lockdown,capability,yama,bpf)
#   VM_SLUB_DEBUG   slub_debug= flags (default FZPU; empty: none, for benchmarks)
# Benchmark VMs (deterministic guest time, docs/benchmarks.md): VM_SMP=1 VM_QEMU_ARGS="-icount shift=0,sleep=off,align=off".

set -euo pipefail
# The logs are raw serial output: match bytes, and treat them as text even if a stray byte would
# make grep call them binary.
export LC_ALL=C

die() {
	echo "run-vm.sh: $*" >&2
	exit 1
}

(($# == 3)) || die "usage: run-vm.sh tests|demo|bench|shell INITRAMFS OUTDIR"
mode=$1
initramfs=$2
outdir=$3

case "$mode" in
	tests|demo|shell) ;;
	bench) ;;
	*) die "unknown mode '$mode' (expected tests, demo, bench or shell)" ;;
esac
# The benchmark reports on ttyS1 like the selftests and is judged the same way.
stream=0
[[ $mode == tests || $mode == bench ]] && stream=1

repo=$(cd "$(dirname "$0")/../.." && pwd)
# The machine of each architecture: QEMU binary and package, machine options, console device, and
# how the TAP port is attached (tap_args, with @TAP@ standing for its chardev).
vm_arch=${VM_ARCH:-x86}
case "$vm_arch" in
	x86|x86_64)
		qemu_default="qemu-system-x86_64"; qemu_pkg="qemu-system-x86"
		machine=(); console=ttyS0; tap_dev=ttyS1
		tap_args=(-serial @TAP@) ;;
	arm64|aarch64)
		# virt has a single UART; the TAP stream goes to a virtio console on PCI (Debian's arm64
		# kernel has VIRTIO_PCI and VIRTIO_CONSOLE built in, VIRTIO_MMIO only as a module).
		qemu_default="qemu-system-aarch64"; qemu_pkg="qemu-system-arm"
		machine=(-M virt); console=ttyAMA0; tap_dev=hvc0
		tap_args=(-device virtio-serial-pci -device "virtconsole,chardev=tap") ;;
	*)	die "unknown VM_ARCH '$vm_arch' (expected x86 or arm64)" ;;
esac
qemu=${QEMU:-$qemu_default}
kimage=${KIMAGE:-}
if [[ -z $kimage ]]; then
	krel=$("$repo/scripts/kernel-release.sh") || die "cannot tell which kernel to boot (see above); or set KIMAGE"
	kimage=/boot/vmlinuz-$krel
fi
timeout_s=${VM_TIMEOUT:-900}
[[ $mode == shell && -z ${VM_TIMEOUT:-} ]] && timeout_s=0	# 0: no limit for a person at a shell
mem=${VM_MEM:-2048}
smp=${VM_SMP:-2}
accel=${VM_ACCEL:-tcg}
read -r -a extra_args <<<"${VM_QEMU_ARGS:-}"

command -v "$qemu" >/dev/null || die "$qemu not found: install $qemu_pkg (scripts/deps.sh)"
[[ -r $kimage ]] || die "kernel image $kimage not readable (install linux-image-amd64, or set KIMAGE)"
[[ -r $initramfs ]] || die "initramfs $initramfs not found; build it with tests/vm/mkinitramfs.sh"

mkdir -p "$outdir"
console_log=$outdir/console.log
tap_log=$outdir/tap.log
rm -f "$console_log" "$tap_log"
: >"$tap_log"

# lsm=...,bpf: BPF-LSM is not in Debian's default LSM list. slub_debug: the Debian kernel has no
# KASAN, so poison and red zones are the cheapest way to catch use-after-free and overflows.
# panic=-1 with -no-reboot turns a panic into a QEMU exit instead of a hang until the timeout.
# printk.time=1: kernel lines carry a timestamp, which tells them apart from program output.
# -nic none: the tests need no network card, and its iPXE option ROM slows the boot.
slub=${VM_SLUB_DEBUG-FZPU}
append="console=$console lsm=${VM_LSM:-lockdown,capability,yama,bpf}${slub:+ slub_debug=$slub} panic=-1 oops=panic printk.time=1 medgate.run=$mode"
[[ -n ${VM_EXTRA_APPEND:-} ]] && append+=" $VM_EXTRA_APPEND"
[[ -n ${VM_TESTS:-} ]] && append+=" medgate.tests=$VM_TESTS"
[[ $tap_dev != ttyS1 ]] && append+=" medgate.tap=$tap_dev"

args=("${machine[@]}" -accel "$accel" -cpu max -m "$mem" -smp "$smp"
	-nographic -display none -monitor none -no-reboot -nic none
	-kernel "$kimage" -initrd "$initramfs" -append "$append")
case "$mode" in
	tests|bench)
		args+=(-serial "file:$console_log") ;;
	demo)
		# The console on the terminal and in the log at once; Ctrl-C stops QEMU.
		args+=(-chardev "stdio,id=con0,logfile=$console_log" -serial chardev:con0) ;;
	shell)
		# Ctrl-C belongs to the guest; the mux's Ctrl-A x quits QEMU.
		args+=(-chardev "stdio,id=con0,mux=on,signal=off,logfile=$console_log"
			-serial chardev:con0) ;;
esac
# The TAP port writes to tap.log in every mode.
args+=(-chardev "file,id=tap,path=$tap_log")
args+=("${tap_args[@]/@TAP@/chardev:tap}")
args+=("${extra_args[@]}")

echo "run-vm.sh: booting $kimage in $mode mode (QEMU $accel, ${smp} CPUs, ${mem} MiB, limit ${timeout_s}s)" >&2
[[ $mode == shell ]] && echo "run-vm.sh: Ctrl-A x quits QEMU" >&2

start=$(date +%s)
rc=0
if ((stream)); then
	# QEMU in the background so the TAP stream can be shown while it arrives.
	timeout -k 10 "$timeout_s" "$qemu" "${args[@]}" </dev/null &
	vm_pid=$!
	trap 'kill "$vm_pid" 2>/dev/null || true' EXIT INT TERM
	tail -n +1 -f --pid="$vm_pid" "$tap_log" &
	tail_pid=$!
	wait "$vm_pid" || rc=$?
	# tail exits after a last read once QEMU is gone.
	wait "$tail_pid" || true
	trap - EXIT INT TERM
else
	# --foreground: QEMU keeps the terminal (stdin) in demo and shell mode.
	timeout --foreground -k 10 "$timeout_s" "$qemu" "${args[@]}" || rc=$?
fi
elapsed=$(($(date +%s) - start))

echo "run-vm.sh: QEMU exited with status $rc after ${elapsed}s" >&2
echo "run-vm.sh: kernel console log: $console_log" >&2
((stream)) && echo "run-vm.sh: TAP log:            $tap_log" >&2

[[ $mode == shell ]] && exit 0

failed=0

# tap_fail TEXT: in tests mode, record a host-side failure in tap.log so the summary counts it.
tap_fail() {
	((stream)) && echo "not ok - $1" >>"$tap_log"
	return 0
}

# ---- did the VM finish? ----
if ((stream)); then
	done_log=$tap_log
else
	done_log=$console_log
fi
# On ttyS1 the marker has a line to itself; on the console (demo) a kernel message may share its
# line. (grep reads the file itself: `tr | grep -q` would fail on SIGPIPE under pipefail.)
if ((stream)); then
	done_re=$'^MEDGATE-VM-DONE\r*$'
else
	done_re='MEDGATE-VM-DONE'
fi
if ! grep -aqE "$done_re" "$done_log" 2>/dev/null; then
	if ((rc == 124 || rc == 137)); then
		reason="the VM was stopped after the ${timeout_s}s limit (VM_TIMEOUT); a test or the kernel hung"
	elif ((rc != 0)); then
		reason="QEMU failed with status $rc"
	else
		reason="the VM stopped without finishing (kernel panic, or init died); see the console log"
	fi
	echo "run-vm.sh: FAIL: MEDGATE-VM-DONE missing from $done_log: $reason" >&2
	echo "run-vm.sh: last lines of $console_log:" >&2
	tr -d '\r' <"$console_log" 2>/dev/null | tail -n 30 | sed 's/^/  | /' >&2 || true
	tap_fail "VM finished (MEDGATE-VM-DONE missing: $reason)"
	failed=1
fi

# ---- kernel log ----
# Only kernel lines (timestamped by printk.time=1) are searched, so program output that happens to
# say "WARNING:" does not count. "BUG name (...)" is how SLUB reports poison and red zone damage.
bad_re='^\[ *[0-9]+\.[0-9]+\] .*(BUG:|BUG [^ ]+ \(|WARNING:|Oops|Call Trace|general protection|Kernel panic|UBSAN:|detected stall|soft lockup|hard LOCKUP|INFO: task .* blocked for more than)'
if [[ -f $console_log ]] && grep -aqE "$bad_re" "$console_log"; then
	first=$(grep -a -m 1 -E "$bad_re" "$console_log" | tr -d '\r' | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //')
	echo "run-vm.sh: FAIL: the kernel log reports a problem: $first" >&2
	{ grep -a -n -E -B 5 -A 25 "$bad_re" "$console_log" | tr -d '\r' | head -n 150 | sed 's/^/  | /' >&2; } || true
	tap_fail "kernel log clean (found: $first)"
	failed=1
fi

if ((failed)); then
	exit 1
fi
echo "run-vm.sh: VM finished; kernel log clean" >&2
