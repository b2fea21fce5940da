# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests: kselftest-harness programs (TEST, TEST_F, FIXTURE_VARIANT, like the VM selftests:
# one TAP framework for both), run on the build machine. Included by tests/tests.mk after
# user/user.mk (LIBMEDGATE, MEDGATE_USER_CFLAGS) and after KSFT_DIR is known; tests.mk runs every
# binary in UNIT_TESTS and collects the TAP.
#
# One rule for all of them: each is its own source plus the helpers of the tests (the blob
# builder, the sample policies shared with the fuzzer's seeds, scratch directories), linked
# against libmedgate.a only. The library holds the policy compiler and also the module's blob
# validator and matcher (kmod/blob.c, kmod/match.c, plain C), so the engine tests check the very
# code the module compiles without building it a second time. No test needs the netlink half of
# the library, so they link dynamically and need nothing but libc and json-c.
#
# MG_TEST_POLICIES: the include tests read files under tests/unit/policies; MG_TEST_DATADIR: the
# default directory of "include <NAME>" (user.mk); MG_CTL: test_cli runs this build's medgatectl.

UNIT_OUT	:= $(BUILD)/tests/unit
UNIT_TESTS	:= $(addprefix $(UNIT_OUT)/,test_blob test_match test_glob test_policy_parse \
		   test_sha256 test_diag test_input test_cli test_audit_format test_auditlog test_auditread test_netmatch \
		   test_syslog5424)
UNIT_CFLAGS	:= $(MEDGATE_USER_CFLAGS) -D_GNU_SOURCE -I$(CURDIR)/include/uapi \
		   -I$(CURDIR)/tests/unit -DMG_TEST_POLICIES='"$(CURDIR)/tests/unit/policies"' \
		   -DMG_TEST_DATADIR='"$(MEDGATE_DATADIR)"' -DMG_CTL='"$(USER_OUT)/medgatectl"'
UNIT_HELPERS	:= $(addprefix $(UNIT_OUT)/,blob_builder.o samples.o scratch.o)

$(UNIT_HELPERS): $(UNIT_OUT)/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -MMD -MP -c -o $@ $<

# The harness header comes from the kernel source at build time (scripts/kselftest-headers.sh);
# it is order-only: the -MMD dependency file notices when it changes. Its macros compare signed
# with unsigned values and pass unused arguments, hence the two -Wno- (as for the selftests).
UNIT_KSFT_CFLAGS := -I$(KSFT_DIR) -Wno-sign-compare -Wno-unused-parameter

$(UNIT_TESTS): $(UNIT_OUT)/%: tests/unit/%.c $(UNIT_HELPERS) $(LIBMEDGATE) \
	       | $(KSFT_DIR)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) $(UNIT_KSFT_CFLAGS) -MMD -MP -o $@ $< $(UNIT_HELPERS) $(LIBMEDGATE) \
		$(MEDGATE_JSON_LIBS)

$(UNIT_OUT)/test_cli: $(USER_OUT)/medgatectl

-include $(UNIT_TESTS:=.d) $(UNIT_HELPERS:.o=.d)

# The audit flood limiter is module code that libmedgate does not need: this test compiles it
# from kmod/ itself (plain C, kmod/compat.h), so it checks exactly what the module runs.
UNIT_TESTS	+= $(UNIT_OUT)/test_audit_limit

$(UNIT_OUT)/test_audit_limit: tests/unit/test_audit_limit.c kmod/audit_limit.c kmod/audit_limit.h \
			      kmod/compat.h | $(KSFT_DIR)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) $(UNIT_KSFT_CFLAGS) -I$(CURDIR)/kmod -o $@ $< kmod/audit_limit.c
