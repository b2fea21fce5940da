# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP output for the test scripts (sourced): ok, not_ok, skip and check (DESCRIPTION COMMAND...)
# number their lines in $n and count failures in $failed.

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
skip() {	# skip DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
check() {	# check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
