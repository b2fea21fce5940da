#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# callgrind.sh MATCH-BENCH OUTDIR BENCH_FILE POLICY...
#
# Instructions per decision of the matcher, counted by valgrind's callgrind: for each policy text
# (its compiled blob POLICY%.policy.bin must exist beside it) and each class of path, match-bench
# makes a known number of decisions through bench_decide(), and callgrind collects events only
# inside that function (--toggle-collect), so the total is the decisions' cost and nothing else:
# no compilation, no validation, no start-up. Prints, for tests/bench/report.sh:
#   HOST callgrind rules=N class=C decisions=D ir=TOTAL

set -euo pipefail

(($# >= 4)) || { echo "usage: callgrind.sh MATCH-BENCH OUTDIR BENCH_FILE POLICY..." >&2; exit 2; }
mb=$1
outdir=$2
bench_file=$3
shift 3
decisions=200

for policy in "$@"; do
	blob=${policy%.policy}.bin
	[[ -f $blob ]] || { echo "callgrind.sh: $blob missing" >&2; exit 1; }
	for cls in bench exact star dstar miss; do
		cg=$outdir/callgrind.$(basename "${policy%.policy}").$cls.out
		if ! info=$(valgrind --tool=callgrind --callgrind-out-file="$cg" \
				--toggle-collect=bench_decide --collect-atstart=no \
				"$mb" -k "$bench_file" --callgrind "$cls" "$decisions" "$policy" "$blob" 2>/dev/null); then
			continue	# no path of that class in this policy
		fi
		# The "totals:" line (older valgrind: "summary:") holds the collected Ir.
		ir=$(awk '/^(totals|summary):/ { print $2; exit }' "$cg")
		rules=$(sed -n 's/.*rules=\([0-9]*\).*/\1/p' <<<"$info")
		echo "HOST callgrind rules=$rules class=$cls decisions=$decisions ir=${ir:-0}"
	done
done
