# SPDX-License-Identifier: GPL-2.0
#
# Tests: host unit tests (run here) and selftests plus their helper programs (static, run inside
# the VM by tests/vm/init); both are kselftest-harness programs printing TAP. `make check` runs both and ends
# with one line "N passed, N failed[, N skipped]" from scripts/tap-summary.sh.

TEST_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE $(SYSROOT_FLAGS) \
		   -I$(CURDIR)/include/uapi -I$(CURDIR)/kmod -I$(CURDIR)/user/lib

# The module's plain-C engine (blob validator, matcher), compiled from source by the fuzz target
# (with sanitizers) and the matcher benchmark; everything else links it from libmedgate.a.
ENGINE_SRC	:= kmod/blob.c kmod/match.c kmod/netmatch.c

include tests/unit/unit.mk

# ---- fuzzing, not part of `make check`: `make fuzz [FUZZ_SECONDS=60]` ----
#
# fuzz_blob (libFuzzer, ASan, UBSan) feeds arbitrary bytes to medgate_blob_validate(), also with
# the checksum recomputed so that mutations reach the structural checks, and walks paths through
# the matcher whenever a blob is accepted. fuzz_seed writes the seed corpus: blobs the compiler
# makes of the unit tests' sample policies (tests/unit/samples.c) and of a larger one.

FUZZ_SECONDS	?= 60
FUZZ_OUT	:= $(BUILD)/fuzz
FUZZ_CFLAGS	:= -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		   -I$(CURDIR)/include/uapi -I$(CURDIR)/kmod -I$(CURDIR)/user/lib

$(FUZZ_OUT)/fuzz_blob: tests/unit/fuzz_blob.c $(ENGINE_SRC) user/lib/digest.c kmod/blob.h \
		       kmod/match.h kmod/netmatch.h kmod/compat.h include/uapi/linux/medgate.h
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(ENGINE_SRC) user/lib/digest.c $(MEDGATE_CRYPTO_LIBS)

$(FUZZ_OUT)/fuzz_seed: tests/unit/fuzz_seed.c $(UNIT_HELPERS) $(LIBMEDGATE)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_HELPERS) $(LIBMEDGATE) $(MEDGATE_JSON_LIBS)

fuzz: $(FUZZ_OUT)/fuzz_blob $(FUZZ_OUT)/fuzz_seed
	@mkdir -p $(FUZZ_OUT)/corpus $(FUZZ_OUT)/artifacts
	$(FUZZ_OUT)/fuzz_seed $(FUZZ_OUT)/corpus
	$(FUZZ_OUT)/fuzz_blob -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_OUT)/artifacts/ $(FUZZ_OUT)/corpus

.PHONY: fuzz


unit: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do \
		echo "# unit: $$(basename $$t)"; \
		$$t > $$t.tap 2>&1 || rc=1; cat $$t.tap; \
	done; exit $$rc

# ---- VM selftests ----

KSFT_CFLAGS	:= $(TEST_CFLAGS) -I$(KSFT_DIR) -I$(CURDIR)/tests/selftests -Wno-unused-parameter -Wno-sign-compare
SELFTESTS	:= enforce_test control_test files_test exec_test entry_test objects_test replace_test \
		   cli_test confine_test programs_test examples_test attack_exec_test audit_test \
		   escape_uring_test audit_flood_test escape_peer_test escape_attr_test escape_paths_test classes_test \
		   mount_rules_test attack_mount_test auditlog_test syslog_test \
		   attack_confine_test keys_test times_test escape_gaps_test overlay_test \
		   protect_test kernel_audit_test
SELFTEST_BINS	:= $(addprefix $(BUILD)/tests/selftests/,$(SELFTESTS))

$(BUILD)/tests/selftests/%: tests/selftests/%.c tests/selftests/mg_util.c tests/selftests/mg_util.h \
			    $(LIBMEDGATE) $(KSFT_DIR)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(KSFT_CFLAGS) -static -o $@ $< tests/selftests/mg_util.c $(LIBMEDGATE) $(MEDGATE_LDLIBS)

# auditlog_test reads the log back with json-c, as medgatectl audit verify does.
$(BUILD)/tests/selftests/auditlog_test: KSFT_CFLAGS += $(shell $(PKG_CONFIG) --cflags json-c 2>/dev/null)

$(BUILD)/tests/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -static -o $@ $<

# The same probe dynamically linked: confinement of programs that need the ELF loader and libc.
$(BUILD)/tests/helpers/mg-probe-dyn: tests/helpers/mg-probe.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< -lpthread

# 32-bit x86 programs without libc (no 32-bit C library here): an ioctl, and unshare/setns,
# through the compat entry, for attack_confine_test and escape_gaps_test (which skip where the
# helper or 32-bit execution is missing).
HELPERS_COMPAT	:= $(if $(filter x86 x86_64,$(ARCH)),$(BUILD)/tests/helpers/mg-tiocsti32 \
		   $(BUILD)/tests/helpers/mg-ns32)

$(BUILD)/tests/helpers/mg-tiocsti32 $(BUILD)/tests/helpers/mg-ns32: $(BUILD)/tests/helpers/mg-%32: \
		tests/helpers/mg-%32.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -nostdlib -static -ffreestanding -fno-pic -no-pie -fno-stack-protector -O2 \
		-Wall -Wextra -Werror -o $@ $<

selftests: $(SELFTEST_BINS)
helpers: $(BUILD)/tests/helpers/mg-probe $(BUILD)/tests/helpers/mg-probe-dyn \
	 $(BUILD)/tests/helpers/mg-uring $(BUILD)/tests/helpers/mg-flood $(BUILD)/tests/helpers/mg-escape \
	 $(BUILD)/tests/helpers/mg-mount $(BUILD)/tests/helpers/mg-mount-attack \
	 $(BUILD)/tests/helpers/mg-keyctl \
	 $(HELPERS_COMPAT)

.PHONY: selftests helpers

include tests/vm/vm.mk
include tests/bench/bench.mk

# Everything runs even when an earlier part fails, so one report covers the whole tree.
# Stale results never count: every TAP file is removed before the run that writes it.
_check: all
	@mkdir -p $(BUILD)/tests
	@rm -f $(BUILD)/vm/tests/tap.log $(UNIT_TESTS:=.tap) $(YOCTO_LAYER_TAP)
	@rc=0; $(MAKE) --no-print-directory unit || rc=1; \
	BUILD=$(BUILD) scripts/check-yocto-layer.sh > $(YOCTO_LAYER_TAP) || rc=1; \
	$(MAKE) --no-print-directory vmtest || rc=1; \
	scripts/tap-summary.sh $(UNIT_TESTS:=.tap) $(YOCTO_LAYER_TAP) $(BUILD)/vm/tests/tap.log || rc=1; \
	exit $$rc

# The Yocto layer: its recipes checked statically in `make check` (scripts/check-yocto-layer.sh);
# `make check-yocto` runs what the recipes run against the arm64 6.12 kernel (part of the matrix).
YOCTO_LAYER_TAP	:= $(BUILD)/tests/yocto-layer.tap

check-yocto:
	@BUILD=$(BUILD) scripts/yocto-recipe-run.sh

# Another kernel (make check-kernel): the unit tests do not depend on the kernel and ran in `make
# check`; only the VM selftests run.
_check-kernel: all
	@rm -f $(BUILD)/vm/tests/tap.log
	@rc=0; $(MAKE) --no-print-directory vmtest || rc=1; \
	scripts/tap-summary.sh $(BUILD)/vm/tests/tap.log || rc=1; \
	exit $$rc

# The demo gateway VM: sample policy, allowed and denied actions, status, audit review, the signed
# log verified (tests/vm/demo.sh).
_demo: all
	@$(MAKE) --no-print-directory demo-vm
