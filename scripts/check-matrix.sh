#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check-matrix.sh LEG...
#
# The kernel matrix (make check-matrix): `make check` (host unit tests and the VM selftests on the
# installed Debian 12 kernel, 6.1 on amd64), then `make check-kernel KVER=SERIES KARCH=DEBARCH`
# for each LEG written SERIES:DEBARCH (e.g. 6.12:amd64 6.12:arm64). Every leg runs even when an
# earlier one failed, so one report covers the whole matrix. Each leg's output goes to the
# terminal and to $BUILD/matrix/LEG.log.
#
# At the end: one line per leg with its wall time and its own summary, then one combined line
#   N passed, N failed[, N skipped]
# the sum of the legs' summary lines. A leg that ends without a summary line (it stopped before
# its tests, e.g. the archive could not be reached) counts as one failure, so a broken leg never
# reads "0 failed". Exit status: 1 if anything failed.
#
# Environment: MAKE (default make), BUILD (default <repo>/build).

set -uo pipefail

(($# > 0)) || {
	echo "usage: check-matrix.sh SERIES:DEBARCH... (e.g. 6.12:amd64 6.12:arm64)" >&2
	exit 2
}

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$repo/build}
make_cmd=${MAKE:-make}
logdir=$build/matrix
mkdir -p "$logdir" || exit 1
for leg in "$@"; do
	[[ $leg =~ ^[0-9]+\.[0-9]+:[a-z0-9]+$ ]] || {
		echo "check-matrix: leg '$leg' is not SERIES:DEBARCH (e.g. 6.12:arm64)" >&2
		exit 2
	}
done

summary_re='^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$'
total_pass=0
total_fail=0
total_skip=0
report=()

# run_leg NAME COMMAND...: run one leg, keep its log ($logdir/NAME.log), add its summary to the
# totals and a line to the report (its time and result; the label is set by label_leg).
leg_secs=0
leg_line=
run_leg() {
	local name=$1 log start line pass fail skip rc
	shift
	log=$logdir/$name.log
	echo "check-matrix: leg $name: $*" >&2
	start=$(date +%s)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	leg_secs=$(($(date +%s) - start))
	line=$(grep -E "$summary_re" "$log" | tail -n 1)
	if [[ -z $line ]]; then
		line="no summary line (exit status $rc; see $log): counted as 1 failed"
		pass=0 fail=1 skip=0
	else
		read -r pass _ fail _ skip _ <<<"${line//,/}"
		skip=${skip:-0}
		# A leg that failed outside its tests (its summary says 0 failed) is still a failure.
		((rc != 0 && fail == 0)) && fail=1 && line+=" (but exit status $rc: counted as 1 failed)"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	leg_line=$line
}

# label_leg LABEL: the report line of the leg that just ran.
label_leg() {
	report+=("$(printf '%-58s %3dm%02ds  %s' "$1" $((leg_secs / 60)) $((leg_secs % 60)) "$leg_line")")
}

# The first leg is the README's `make check` on the installed Debian kernel (6.1 on Debian 12).
run_leg default "$make_cmd" --no-print-directory check
label_leg "$("$repo/scripts/kernel-release.sh" 2>/dev/null || echo "default kernel") (make check)"
for leg in "$@"; do
	series=${leg%%:*}
	darch=${leg#*:}
	run_leg "$series-$darch" "$make_cmd" --no-print-directory check-kernel KVER="$series" KARCH="$darch"
	# The release the leg fetched (its directory is named as in the Makefile's KVER_DIR).
	krel=$(cat "$build/kernels/$series/krel" "$build/kernels/$series-$darch/krel" 2>/dev/null |
		grep -- "-$darch\$" | head -n 1)
	label_leg "${krel:-$series $darch} (check-kernel KVER=$series KARCH=$darch)"
done

# What meta-medgate's recipes run, against the arm64 6.12 tree the last leg fetched (docs/yocto.md).
run_leg yocto "$make_cmd" --no-print-directory check-yocto
label_leg "meta-medgate recipes, arm64 6.12 (check-yocto)"

echo "check-matrix: legs (wall time, result); logs in $logdir" >&2
printf '  %s\n' "${report[@]}" | tee "$logdir/summary.txt" >&2
if ((total_skip > 0)); then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
((total_fail == 0))
