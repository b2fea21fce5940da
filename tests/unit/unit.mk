# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests: plain C programs that print kselftest-style TAP and exit non-zero on failure.
# Included after user/user.mk (LIBMEDGATE, MEDGATE_USER_CFLAGS). tests.mk runs every binary in
# UNIT_TESTS and collects the TAP.

UNIT_OUT	:= $(BUILD)/tests/unit
UNIT_TESTS	:= $(UNIT_OUT)/test_policy_parse $(UNIT_OUT)/test_sha256 $(UNIT_OUT)/test_diag $(UNIT_OUT)/test_input \
		   $(UNIT_OUT)/test_cli $(UNIT_OUT)/test_audit_format

# The tests use only the compiler and formatter half of libmedgate (no netlink), so they link
# dynamically and need nothing but libc and json-c. A static pattern rule: it takes precedence over the generic
# $(BUILD)/tests/unit/test_% pattern of tests.mk (the engine tests).
# MG_TEST_POLICIES: the include tests read files under tests/unit/policies; MG_TEST_DATADIR: the
# default directory of "include <NAME>" (user.mk); MG_CTL: test_cli runs this build's medgatectl.
$(UNIT_TESTS): $(UNIT_OUT)/%: tests/unit/%.c $(LIBMEDGATE)
	@mkdir -p $(dir $@)
	$(CC) $(MEDGATE_USER_CFLAGS) -DMG_TEST_POLICIES='"$(CURDIR)/tests/unit/policies"' \
		-DMG_TEST_DATADIR='"$(MEDGATE_DATADIR)"' -DMG_CTL='"$(USER_OUT)/medgatectl"' -MMD -MP \
		-o $@ $< $(LIBMEDGATE) $(MEDGATE_JSON_LIBS)

$(UNIT_OUT)/test_cli: $(USER_OUT)/medgatectl

-include $(UNIT_TESTS:=.d)
