# SPDX-License-Identifier: GPL-2.0
#
# Tests: host unit tests (TAP on stdout, run here) and kselftest-harness selftests plus their
# helper programs (static, run inside the VM by tests/vm/init). `make check` runs both and ends
# with one line "N passed, N failed[, N skipped]" from scripts/tap-summary.sh.

TEST_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
		   -I$(CURDIR)/include/uapi -I$(CURDIR)/kmod -I$(CURDIR)/user/lib

# ---- host unit tests of the shared plain-C engine (blob validator, matcher) ----

ENGINE_SRC	:= kmod/blob.c kmod/match.c user/lib/sha256.c
ENGINE_TESTS	:= test_blob test_match

$(BUILD)/tests/unit/test_%: tests/unit/test_%.c tests/unit/blob_builder.c tests/unit/blob_builder.h \
			    $(ENGINE_SRC) kmod/blob.h kmod/match.h
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< tests/unit/blob_builder.c $(ENGINE_SRC)

include tests/unit/unit.mk

ALL_UNIT_TESTS	:= $(addprefix $(BUILD)/tests/unit/,$(ENGINE_TESTS)) $(UNIT_TESTS)

unit: $(ALL_UNIT_TESTS)
	@rc=0; for t in $(ALL_UNIT_TESTS); do \
		echo "# unit: $$(basename $$t)"; \
		$$t > $$t.tap 2>&1 || rc=1; cat $$t.tap; \
	done; exit $$rc

# ---- VM selftests ----

KSFT_CFLAGS	:= $(TEST_CFLAGS) -I$(KSFT_DIR) -I$(CURDIR)/tests/selftests -Wno-unused-parameter -Wno-sign-compare
SELFTESTS	:= enforce_test control_test
SELFTEST_BINS	:= $(addprefix $(BUILD)/tests/selftests/,$(SELFTESTS))

$(BUILD)/tests/selftests/%: tests/selftests/%.c tests/selftests/mg_util.c tests/selftests/mg_util.h \
			    $(LIBMEDGATE) $(KSFT_DIR)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(KSFT_CFLAGS) -static -o $@ $< tests/selftests/mg_util.c $(LIBMEDGATE) $(MEDGATE_LDLIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -static -o $@ $<

selftests: $(SELFTEST_BINS)
helpers: $(BUILD)/tests/helpers/mg-probe

.PHONY: selftests helpers

include tests/vm/vm.mk

# Everything runs even when an earlier part fails, so one report covers the whole tree.
_check: _all
	@mkdir -p $(BUILD)/tests
	@rc=0; $(MAKE) --no-print-directory unit || rc=1; \
	$(MAKE) --no-print-directory vmtest || rc=1; \
	scripts/tap-summary.sh $(ALL_UNIT_TESTS:=.tap) $(BUILD)/vm/tests/tap.log || rc=1; \
	exit $$rc

# The demo gateway VM: sample policy, allowed and denied actions, status, audit (tests/vm/demo.sh).
_demo: _all
	@$(MAKE) --no-print-directory demo-vm
