#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tap-summary.sh FILE...
#
# Count the results in TAP logs (kselftest style) and print one line on stdout:
#   N passed, N failed            or, when something was skipped,
#   N passed, N failed, N skipped
# Per-file counts, failed test lines and problems go to stderr.
#
# Counted: top-level lines "ok N name", "not ok N name" (the number is optional); a "# SKIP"
# directive makes either a skip, "# TODO" makes a "not ok" a skip (TAP: an expected failure).
# "Bail out!" is a failure. "#" comment lines and indented (nested) lines are ignored: the
# kselftest harness, which both the host unit tests and the VM selftests use, prints one
# top-level result per test (per fixture variant), and its own "#  RUN", "#  OK", "# Totals" and
# TH_LOG lines, as well as subtests a runner nests as "# ok N" or indented "ok N", are comments
# here. A plan "1..0 # SKIP reason" (a binary that skipped as a whole, ksft_exit_skip()) is one
# skip.
#
# Several TAP streams may be concatenated in one file (the VM log holds one per test binary). A
# stream starts at "TAP version"; when its plan "1..N" promises more results than it has, the
# binary stopped early (crash, kill, timeout) and that counts as one more failure.
#
# Exit status: 1 if anything failed, or a file is missing, empty or holds no test lines; each such
# file also counts as one failure in the summary line, so a broken run never reads "0 failed".

set -euo pipefail
# Test output may hold any bytes; count lines, not characters.
export LC_ALL=C

(($# > 0)) || {
	echo "usage: tap-summary.sh FILE..." >&2
	exit 2
}

total_pass=0
total_fail=0
total_skip=0
bad=0

for f in "$@"; do
	if [[ ! -e $f ]]; then
		echo "tap-summary: $f: missing (the test run did not produce it)" >&2
		bad=1
		total_fail=$((total_fail + 1))
		continue
	fi
	if [[ ! -s $f ]]; then
		echo "tap-summary: $f: empty (the test run produced no output)" >&2
		bad=1
		total_fail=$((total_fail + 1))
		continue
	fi

	# awk prints "pass fail skip" on its last line; everything else it prints is a diagnostic.
	counts=$(awk -v file="$f" '
		function end_stream() {
			if (plan >= 0 && results < plan) {
				printf "tap-summary: %s:%d: planned %d results but got %d (test binary stopped early?)\n", \
					file, plan_line, plan, results > "/dev/stderr"
				fail++
			}
			plan = -1
			results = 0
		}
		BEGIN { plan = -1; results = 0; pass = 0; fail = 0; skip = 0 }
		{ sub(/\r+$/, "") }
		/^TAP version/ { end_stream(); next }
		/^1\.\.0[ \t]*#[ \t]*[Ss][Kk][Ii][Pp]/ {
			skip++
			results++
			next
		}
		/^1\.\.[0-9]+/ {
			plan = substr($0, 4) + 0
			plan_line = NR
			next
		}
		/^Bail out!/ {
			printf "tap-summary: %s:%d: %s\n", file, NR, $0 > "/dev/stderr"
			fail++
			next
		}
		/^(not )?ok([ \t]|$)/ {
			results++
			directive = ""
			if (match($0, /#[ \t]*[A-Za-z]+/))
				directive = toupper(substr($0, RSTART, RLENGTH))
			if (directive ~ /SKIP/) {
				skip++
			} else if ($0 ~ /^not ok/) {
				if (directive ~ /TODO/) {
					skip++
				} else {
					printf "tap-summary: %s:%d: %s\n", file, NR, $0 > "/dev/stderr"
					fail++
				}
			} else {
				pass++
			}
			next
		}
		END {
			end_stream()
			print pass, fail, skip
		}
	' "$f")
	read -r pass fail skip <<<"$counts"

	if ((pass + fail + skip == 0)); then
		echo "tap-summary: $f: no test results in it (did the tests run at all?)" >&2
		bad=1
		total_fail=$((total_fail + 1))
		continue
	fi
	echo "tap-summary: $f: $pass passed, $fail failed, $skip skipped" >&2
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done

if ((total_skip > 0)); then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi

((total_fail == 0 && bad == 0))
