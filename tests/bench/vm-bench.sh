#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# The benchmark VM's script (busybox sh), started by tests/vm/init in medgate.run=bench mode with
# stdout on the results port (ttyS1). Built into the initramfs under /medgate/bench by
# tests/bench/bench.mk, with bench.conf (ROUNDS, N_OPEN, N_STAT, BIG), mg-bench, mg-bench-load,
# empty.bpf.o, the compiled medgate policies and the AppArmor profiles.
#
# Every round measures every configuration once, in this order, so that any drift of the guest
# (dentry cache, slab growth) is spread over all configurations instead of piling up on one.
# Round 0 is a warm-up whose figures are printed but not reported: the first measurement of a
# boot runs in a kernel that has not yet attached, detached or loaded anything.
#   a      no BPF-LSM program attached, medgate.ko not loaded
#   a1     (a') empty BPF-LSM programs on medgate's hooks (mg-bench-load, empty.bpf.o)
#   b      medgate.ko loaded, its programs attached, the process unconfined
#   c      the process confined by a 10-rule profile   (policy-10.bin, loaded just before)
#   d      confined by a BIG-rule profile              (policy-big.bin, loaded just before)
#   ll10   Landlock, 10 rules      ll1000  Landlock, 1,000 rules   (medgate detached)
#   aa10   AppArmor, 10 rules      aa1000  AppArmor, 1,000 rules   (medgate detached)
# For each configuration: open+close and stat of $FILE, 5 directories deep; and, for a, a1, b, c
# and Landlock (network rules, ABI 4: 6.7 and later), TCP connect+close on loopback. For c, first
# thing after its policy load: the cost of an audit record, denied opens of N_DENIED distinct
# files (each recorded) against as many repeats of one denial (counted, not recorded).
#
# Output: "BENCH round=R config=C op=OP n=N ns=NS[ ...]" per measurement, "BENCH-ERROR ..." when a
# measurement could not be made, "# ..." for everything else. tests/bench/report.sh reads it.
# Nothing here judges a timing.

B=/medgate/bench
FILE=/srv/d1/d2/d3/d4/file
EMPTY_PIN=/sys/fs/bpf/mgbench-empty
ROUNDS=5
N_OPEN=20000
N_STAT=20000
N_NET=5000
NET_PORT=8081
# Below the 64 records a profile may make at once after a policy load (the flood limiter's
# burst): every one of the distinct denials is recorded, none is only counted.
N_DENIED=48
# medgated's log writer: events per measurement (a signed checkpoint every 1,000).
N_LOG=5000
DENIED_DIR=/srv/deny
BIG=10000
# shellcheck source=/dev/null
[ -f $B/bench.conf ] && . $B/bench.conf

comment() {
	printf '%s\n' "$*" | sed -e 's/^/# /'
}

# quiet DESCRIPTION COMMAND...: run a setup command; its output becomes comments, a failure too.
quiet() {
	local desc="$1" out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ -n "$out" ] && comment "$out"
	[ $rc -ne 0 ] && comment "FAILED ($rc): $desc"
	return $rc
}

round=0

# result CONFIG LINE...: a measurement (or load) line from mg-bench, tagged.
result() {
	local cfg="$1"
	shift
	echo "BENCH round=$round config=$cfg $*"
}

# measure CONFIG PROGRAM [ARGS after the path...]: open and stat, one line each.
measure() {
	local cfg="$1" prog="$2" op n out rc
	shift 2
	for op in open stat; do
		if [ $op = open ]; then n=$N_OPEN; else n=$N_STAT; fi
		out=$("$prog" $op "$n" "$FILE" "$@" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && [ "${out#op=}" != "$out" ]; then
			result "$cfg" "$out"
		else
			echo "BENCH-ERROR round=$round config=$cfg op=$op status=$rc"
			comment "$out"
		fi
	done
}

# measure_net CONFIG PROGRAM [--landlock RULES]: TCP connect+close, one line. Exit status 3 from
# mg-bench: this kernel's Landlock has no network rules (a comment, not an error).
measure_net() {
	local cfg="$1" prog="$2" out rc
	shift 2
	out=$("$prog" connect "$N_NET" "$NET_PORT" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "${out#op=}" != "$out" ]; then
		result "$cfg" "$out"
	elif [ $rc -eq 3 ]; then
		[ "$round" = 0 ] && comment "$cfg: $out"
	else
		echo "BENCH-ERROR round=$round config=$cfg op=connect status=$rc"
		comment "$out"
	fi
}

# measure_logwrite: medgated's log writer (format, chain, write, checkpoints) per event, on tmpfs.
measure_logwrite() {
	local out rc
	rm -rf /tmp/bench-log
	out=$($B/mg-bench-free logwrite "$N_LOG" /tmp/bench-log 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "${out#op=}" != "$out" ]; then
		result log "$out"
	else
		echo "BENCH-ERROR round=$round config=log op=logwrite status=$rc"
		comment "$out"
	fi
	rm -rf /tmp/bench-log
}

# measure_denied CONFIG PROGRAM: denied opens of distinct files, then repeats of one.
measure_denied() {
	local cfg="$1" prog="$2" kind out rc
	for kind in distinct same; do
		out=$("$prog" denied "$N_DENIED" "$DENIED_DIR" $kind 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && [ "${out#op=}" != "$out" ]; then
			result "$cfg" "$out"
		else
			echo "BENCH-ERROR round=$round config=$cfg op=denied-$kind status=$rc"
			comment "$out"
		fi
	done
}

# timed CONFIG OP COMMAND...: run a command under mg-bench run, report it as operation OP.
timed() {
	local cfg="$1" op="$2" out rc line
	shift 2
	out=$($B/mg-bench run "$@" 2>&1)
	rc=$?
	line=$(printf '%s\n' "$out" | grep '^op=run ' | tail -n 1)
	printf '%s\n' "$out" | grep -v '^op=run ' | sed -e 's/^/# /'
	if [ $rc -eq 0 ] && [ -n "$line" ]; then
		result "$cfg" "op=$op ${line#op=run }"
	else
		echo "BENCH-ERROR round=$round config=$cfg op=$op status=$rc"
	fi
	return $rc
}

# load_policy CONFIG BLOB: policy load, timed by mg-bench itself (the mg_policy_load call). The
# unattached copy loads: the attached one may be confined by the policy loaded before.
load_policy() {
	local out rc
	out=$($B/mg-bench-free load "$2" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		result "$1" "$out"
	else
		echo "BENCH-ERROR round=$round config=$1 op=load status=$rc"
		comment "$out"
	fi
	return $rc
}

no_bpf_lsm() {
	# Configurations a, ll*, aa* must run without any of our programs attached.
	[ ! -e /sys/fs/bpf/medgate ] && [ ! -e $EMPTY_PIN ]
}

unload_medgate() {
	quiet "medgated --detach" medgated --detach
	# The programs hold module references until they are freed, which the kernel does a little
	# after the links go: retry for a while.
	local i=0
	while grep -q '^medgate ' /proc/modules; do
		rmmod medgate 2>/dev/null && break
		i=$((i + 1))
		if [ $i -ge 50 ]; then
			comment "rmmod medgate still refused after 50 tries; it stays loaded (it has no hooks of its own)"
			break
		fi
		sleep 0.1
	done
}

# ---- setup ----

comment "medgate bench: $ROUNDS rounds, open+close x $N_OPEN, stat x $N_STAT, big profile $BIG rules"
comment "kernel $(uname -r), lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)"
echo "BENCH-CONF rounds=$ROUNDS n_open=$N_OPEN n_stat=$N_STAT n_net=$N_NET big=$BIG"
mkdir -p "${FILE%/*}"
echo "medgate benchmark file" >"$FILE"
mkdir -p $DENIED_DIR
i=0
while [ $i -lt $N_DENIED ]; do
	: >$DENIED_DIR/$i
	i=$((i + 1))
done
: >$DENIED_DIR/warm

# Copies of the program at the paths that decide its confinement: medgate and AppArmor attach
# profiles by executable path. mg-bench (the profile "bench" of policy-*.bin) and mg-bench-aa*
# (AppArmor's) are confined when attached; mg-bench-free never is.
for p in free aa10 aa1000; do
	cp $B/mg-bench $B/mg-bench-$p
done

have_landlock=0
if grep -qw landlock /sys/kernel/security/lsm; then
	have_landlock=1
else
	comment "Landlock is not active (lsm= lacks landlock): skipping ll10 and ll1000"
fi

have_apparmor=0
if [ ! -d /sys/kernel/security/apparmor ]; then
	comment "AppArmor is not active (lsm= lacks apparmor): skipping aa10 and aa1000"
elif ! command -v apparmor_parser >/dev/null; then
	comment "apparmor_parser is not in the initramfs (install Debian's apparmor package): skipping aa10 and aa1000"
else
	# -r loads or replaces; --skip-cache: the VM has no cache directory to use; no parser.conf.
	round=setup
	if timed aa10 aa_parse apparmor_parser --config-file=/dev/null -r --skip-cache $B/aa-10.profile &&
	   timed aa1000 aa_parse apparmor_parser --config-file=/dev/null -r --skip-cache $B/aa-1000.profile; then
		have_apparmor=1
		comment "AppArmor profiles: $(tr '\n' ' ' </sys/kernel/security/apparmor/profiles 2>/dev/null)"
	else
		comment "apparmor_parser failed: skipping aa10 and aa1000"
	fi
fi

# ---- rounds ----

round=0
while [ $round -le "$ROUNDS" ]; do
	comment "round $round of $ROUNDS"
	[ $round = 0 ] && comment "(warm-up: not in the report)"

	if no_bpf_lsm; then
		measure a $B/mg-bench-free
		measure_net a $B/mg-bench-free
	else
		echo "BENCH-ERROR round=$round config=a op=open status=bpf-left-attached"
	fi

	if quiet "attach empty BPF-LSM programs" $B/mg-bench-load attach $B/empty.bpf.o $EMPTY_PIN; then
		measure a1 $B/mg-bench-free
		measure_net a1 $B/mg-bench-free
		quiet "detach empty BPF-LSM programs" $B/mg-bench-load detach $EMPTY_PIN
	else
		echo "BENCH-ERROR round=$round config=a1 op=open status=attach-failed"
	fi

	if quiet "insmod medgate.ko" insmod /medgate/medgate.ko || grep -q '^medgate ' /proc/modules; then
		if timed b attach medgated --attach-only; then
			measure b $B/mg-bench-free
			measure_net b $B/mg-bench-free
			load_policy c $B/policy-10.bin && measure_denied c $B/mg-bench &&
				measure c $B/mg-bench &&
				measure_net c $B/mg-bench
			load_policy d $B/policy-big.bin && measure d $B/mg-bench
		else
			echo "BENCH-ERROR round=$round config=b op=open status=attach-failed"
		fi
		unload_medgate
	else
		echo "BENCH-ERROR round=$round config=b op=open status=insmod-failed"
	fi

	measure_logwrite

	if [ $have_landlock = 1 ]; then
		measure ll10 $B/mg-bench-free --landlock 10 /tmp/ll
		measure ll1000 $B/mg-bench-free --landlock 1000 /tmp/ll
		measure_net ll10 $B/mg-bench-free --landlock 10
		measure_net ll1000 $B/mg-bench-free --landlock 1000
	fi
	if [ $have_apparmor = 1 ]; then
		measure aa10 $B/mg-bench-aa10
		measure aa1000 $B/mg-bench-aa1000
	fi
	round=$((round + 1))
done
comment "medgate bench: done"
