#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# doc-policy.sh MARKDOWN HEADING: print the first ``` code block after the line "## HEADING" of
# MARKDOWN, so that a policy shown in the documentation can be compiled and loaded by a test
# (tests/selftests/examples_test.c checks the one of docs/policy-language.md, "A first look").
# Fails when the heading or the block is missing, so that renaming one breaks the build loudly.
set -eu
[ $# -eq 2 ] || { echo "usage: doc-policy.sh MARKDOWN HEADING" >&2; exit 2; }
awk -v h="## $2" '
	$0 == h		{ found = 1; next }
	found && !inblock && /^```/	{ inblock = 1; next }
	inblock && /^```/	{ done = 1; exit }
	inblock		{ print }
	END		{ if (!done) { print "doc-policy.sh: no code block after \"" h "\"" > "/dev/stderr"; exit 1 } }
' "$1"
