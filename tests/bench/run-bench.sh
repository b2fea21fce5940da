#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-bench.sh: the body of `make bench` (tests/bench/bench.mk builds the programs first and
# passes the settings in the environment). Generates and compiles the policies, builds the
# benchmark initramfs, boots the benchmark VM, runs the host matcher benchmark, writes the report.
# It never judges a timing; it fails only when it could not measure at all.

set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$repo/build}
bdir=${BENCH_DIR:-$build/bench}
rounds=${BENCH_ROUNDS:-5}
n_open=${BENCH_N:-20000}
n_stat=${BENCH_N_STAT:-$n_open}
n_net=${BENCH_N_NET:-5000}
big=${BENCH_BIG:-10000}
lsm=${BENCH_LSM:-lockdown,capability,yama,landlock,apparmor,bpf}
mix=${BENCH_MIX:-}
medgatectl=$build/user/medgatectl
bench_file=/srv/d1/d2/d3/d4/file

say() {
	echo "bench: $*" >&2
}

die() {
	echo "bench: $*" >&2
	exit 1
}

start=$(date +%s)
vmdir=$bdir/vm
rm -rf "$vmdir"
mkdir -p "$vmdir" "$bdir/policies"

# ---- policies ----

# Globs beyond a trailing /** are valid once the policy language has them: ask the compiler.
gen_args=()
if [[ -z $mix ]]; then
	probe=$bdir/policies/glob-probe.policy
	printf 'profile probe {\n    attach /probe\n    file /a/*.log r\n    file /b/**/c.xml r\n}\n' >"$probe"
	if "$medgatectl" policy check "$probe" >/dev/null 2>&1; then
		mix=60:30:10
	else
		mix=60:0:40
		gen_args=(-t)
		say "the policy language does not accept '*' and inner '**' yet (medgatectl policy check): generating exact and trailing /** rules only, mix $mix"
	fi
elif [[ $mix == *:0:* ]]; then
	gen_args=(-t)
fi
echo "$mix${gen_args[*]:+ trailing}" >"$bdir/policies/mix"

for n in 10 "$big"; do
	name=policy-$n
	[[ $n == "$big" ]] && name=policy-big
	tests/bench/gen-policy.sh "${gen_args[@]}" -m "$mix" -a /medgate/bench/mg-bench -x -k "$bench_file" \
		"$n" "$bdir/policies/$name.policy"
	"$medgatectl" policy compile "$bdir/policies/$name.policy" -o "$vmdir/$name.bin" >/dev/null ||
		die "medgatectl policy compile $bdir/policies/$name.policy failed"
	cp "$vmdir/$name.bin" "$bdir/policies/$name.bin"
done
# AppArmor has globs: always the full mix.
for n in 10 1000; do
	tests/bench/gen-policy.sh -f apparmor -p "bench-aa$n" -a "/medgate/bench/mg-bench-aa$n" -x \
		-k "$bench_file" "$n" "$vmdir/aa-$n.profile"
done

cat >"$vmdir/bench.conf" <<EOF
ROUNDS=$rounds
N_OPEN=$n_open
N_STAT=$n_stat
N_NET=$n_net
BIG=$big
EOF
cp tests/bench/vm-bench.sh "$vmdir/vm-bench.sh"
cp "$bdir/mg-bench" "$bdir/mg-bench-load" "$vmdir/"
cp "$bdir/empty.bpf.o" "$vmdir/"
grep -c 'SEC("lsm' "$bdir/empty.bpf.c" >"$vmdir/empty.hooks"

# ---- the VM ----

host_bins=""
if command -v apparmor_parser >/dev/null; then
	host_bins=apparmor_parser
else
	say "apparmor_parser not found (Debian package apparmor): the VM measures no AppArmor configuration"
fi
VM_BENCH_DIR=$vmdir VM_HOST_BINS=$host_bins VM_MODULES="" MKINITRAMFS_ROOT=$bdir/root \
	tests/vm/mkinitramfs.sh "$bdir/initramfs.cpio.gz"

say "booting the benchmark VM: -smp 1 -icount shift=0,sleep=off,align=off, lsm=$lsm, $rounds rounds"
vm_rc=0
VM_SMP=1 VM_QEMU_ARGS="-icount shift=0,sleep=off,align=off" VM_LSM=$lsm VM_SLUB_DEBUG='' \
	VM_TIMEOUT=${BENCH_VM_TIMEOUT:-480} \
	tests/vm/run-vm.sh bench "$bdir/initramfs.cpio.gz" "$bdir/run" | grep -a --line-buffered '^BENCH' >&2 || vm_rc=$?
[[ $vm_rc == 0 ]] || say "the benchmark VM failed (see $bdir/run/console.log); reporting what it measured"

# ---- the host ----

say "matcher on this host: wall clock and callgrind"
"$bdir/match-bench" -o "$bdir/host.txt" -k "$bench_file" \
	"$bdir/policies/policy-10.policy" "$bdir/policies/policy-big.policy" ||
	say "match-bench failed"
if command -v valgrind >/dev/null; then
	tests/bench/callgrind.sh "$bdir/match-bench" "$bdir" "$bench_file" \
		"$bdir/policies/policy-10.policy" "$bdir/policies/policy-big.policy" >>"$bdir/host.txt" ||
		say "callgrind measurement failed"
else
	say "valgrind not found: no instruction counts for the matcher"
fi

tests/bench/report.sh "$bdir" >"$bdir/report.txt"
echo
cat "$bdir/report.txt"
say "report: $bdir/report.txt ($(($(date +%s) - start)) s)"
if ! grep -q '^BENCH round' "$bdir/run/tap.log" 2>/dev/null; then
	die "the VM measured nothing"
fi
