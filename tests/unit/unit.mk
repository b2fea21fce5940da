# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests: plain C programs that print kselftest-style TAP and exit non-zero on failure.
# Included by tests/tests.mk after user/user.mk (LIBMEDGATE, MEDGATE_USER_CFLAGS), which runs every
# binary in UNIT_TESTS and collects the TAP.
#
# One rule for all of them: each is its own source plus the blob builder of the tests, linked
# against libmedgate.a only. The library holds the policy compiler and also the module's blob
# validator and matcher (kmod/blob.c, kmod/match.c, plain C), so the engine tests check the very
# code the module compiles without building it a second time. No test needs the netlink half of
# the library, so they link dynamically and need nothing but libc and json-c.
#
# MG_TEST_POLICIES: the include tests read files under tests/unit/policies; MG_TEST_DATADIR: the
# default directory of "include <NAME>" (user.mk); MG_CTL: test_cli runs this build's medgatectl.

UNIT_OUT	:= $(BUILD)/tests/unit
UNIT_TESTS	:= $(addprefix $(UNIT_OUT)/,test_blob test_match test_glob test_policy_parse \
		   test_sha256 test_diag test_input test_cli test_audit_format)
UNIT_CFLAGS	:= $(MEDGATE_USER_CFLAGS) -D_GNU_SOURCE -I$(CURDIR)/include/uapi \
		   -I$(CURDIR)/tests/unit -DMG_TEST_POLICIES='"$(CURDIR)/tests/unit/policies"' \
		   -DMG_TEST_DATADIR='"$(MEDGATE_DATADIR)"' -DMG_CTL='"$(USER_OUT)/medgatectl"'
UNIT_HELPERS	:= $(UNIT_OUT)/blob_builder.o

$(UNIT_HELPERS): $(UNIT_OUT)/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -MMD -MP -c -o $@ $<

$(UNIT_TESTS): $(UNIT_OUT)/%: tests/unit/%.c $(UNIT_HELPERS) $(LIBMEDGATE)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -MMD -MP -o $@ $< $(UNIT_HELPERS) $(LIBMEDGATE) $(MEDGATE_JSON_LIBS)

$(UNIT_OUT)/test_cli: $(USER_OUT)/medgatectl

-include $(UNIT_TESTS:=.d) $(UNIT_HELPERS:.o=.d)

# The audit flood limiter is module code that libmedgate does not need: this test compiles it
# from kmod/ itself (plain C, kmod/compat.h), so it checks exactly what the module runs.
UNIT_TESTS	+= $(UNIT_OUT)/test_audit_limit

$(UNIT_OUT)/test_audit_limit: tests/unit/test_audit_limit.c kmod/audit_limit.c kmod/audit_limit.h \
			      kmod/compat.h
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -I$(CURDIR)/kmod -o $@ $< kmod/audit_limit.c
