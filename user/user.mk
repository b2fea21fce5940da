# SPDX-License-Identifier: GPL-2.0
#
# User space: libmedgate.a, medgatectl, medgated. Included by the top Makefile, which provides
# BUILD, CC, AR, CURDIR and SYSROOT_FLAGS (--sysroot= of a cross build, or nothing), and BPF_SKEL,
# the target that generates $(BUILD)/bpf/medgate.skel.h.
#
# The tools are linked statically: they go into a busybox initramfs that has no shared libraries.
# LIBMEDGATE and MEDGATE_LDLIBS are exported for the selftests, which link the same way:
#   $(CC) $(MEDGATE_USER_CFLAGS) test.c $(LIBMEDGATE) $(MEDGATE_LDLIBS)

PKG_CONFIG	?= $(CROSS_COMPILE)pkg-config
ifeq ($(shell command -v $(PKG_CONFIG) 2>/dev/null),)
PKG_CONFIG	:= pkg-config
endif

USER_OUT	:= $(BUILD)/user
MEDGATE_USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 $(SYSROOT_FLAGS) -I$(CURDIR)/include \
		       -I$(CURDIR)/kmod -I$(CURDIR)/user/lib \
		       $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 json-c libcrypto 2>/dev/null)
USER_CFLAGS	:= $(MEDGATE_USER_CFLAGS)

LIBMEDGATE	:= $(USER_OUT)/libmedgate.a
# JSON output (libmedgate's json.c) is json-c's, every hash and signature libcrypto's (digest.c,
# the audit log); MEDGATE_JSON_LIBS is what a program that uses only the compiler and formatter
# half of libmedgate needs besides libc. Static libcrypto needs -ldl and -pthread after it, which
# pkg-config --static says.
MEDGATE_CRYPTO_LIBS := $(shell $(PKG_CONFIG) --libs --static libcrypto 2>/dev/null || echo -lcrypto -ldl -pthread)
MEDGATE_JSON_LIBS := $(shell $(PKG_CONFIG) --libs --static json-c 2>/dev/null || echo -ljson-c) \
		     $(MEDGATE_CRYPTO_LIBS)
# STATIC=0 links the tools against the shared libraries of the target (a Yocto image has them);
# the selftests and the VM's tools always link statically.
STATIC		?= 1
MEDGATE_LDLIBS	:= -static -lnl-genl-3 -lnl-3 -lbpf -lelf -lz $(MEDGATE_JSON_LIBS) -lpthread -lm
TOOLS_LDLIBS	:= $(if $(filter 0,$(STATIC)),$(filter-out -static,$(MEDGATE_LDLIBS)),$(MEDGATE_LDLIBS))
export LIBMEDGATE MEDGATE_LDLIBS MEDGATE_USER_CFLAGS MEDGATE_JSON_LIBS MEDGATE_CRYPTO_LIBS

LIBMEDGATE_SRCS	:= util.c lexer.c parse.c parse_var.c parse_include.c parse_class.c parse_mount.c glob.c dfa.c compile.c \
		   decompile.c format.c audit_filter.c json.c digest.c client.c doorbell.c input.c netcompile.c \
		   auditkey.c auditlog.c auditverify.c auditread.c syslog5424.c
LIBMEDGATE_OBJS	:= $(addprefix $(USER_OUT)/obj/lib/,$(LIBMEDGATE_SRCS:.c=.o)) \
		   $(USER_OUT)/obj/lib/blob.o $(USER_OUT)/obj/lib/match.o \
		   $(USER_OUT)/obj/lib/netmatch.o

MEDGATECTL_SRCS	:= main.c policy.c status.c audit.c audit_report.c
MEDGATECTL_OBJS	:= $(addprefix $(USER_OUT)/obj/medgatectl/,$(MEDGATECTL_SRCS:.c=.o))

MEDGATED_SRCS	:= medgated.c hooks.c logger.c forward.c
MEDGATED_OBJS	:= $(addprefix $(USER_OUT)/obj/medgated/,$(MEDGATED_SRCS:.c=.o))

USER_SKEL	:= $(BUILD)/bpf/medgate.skel.h

.PHONY: user
user: $(LIBMEDGATE) $(USER_OUT)/medgatectl $(USER_OUT)/medgated
medgatectl: $(USER_OUT)/medgatectl

# "include <NAME>" searches $(PREFIX)/share/medgate last (make install puts abstractions/ there).
MEDGATE_DATADIR	:= $(PREFIX)/share/medgate
$(USER_OUT)/obj/lib/parse_include.o: USER_CFLAGS += -DMEDGATE_DATADIR='"$(MEDGATE_DATADIR)"'

$(USER_OUT)/obj/lib/%.o: user/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

# The policy blob validator and the matcher are shared with the module (plain C, see
# kmod/compat.h); the compiler runs the validator on its own output.
$(USER_OUT)/obj/lib/blob.o $(USER_OUT)/obj/lib/match.o $(USER_OUT)/obj/lib/netmatch.o: $(USER_OUT)/obj/lib/%.o: kmod/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(LIBMEDGATE): $(LIBMEDGATE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(USER_OUT)/obj/medgatectl/%.o: user/medgatectl/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -MMD -MP -c $< -o $@

$(USER_OUT)/medgatectl: $(MEDGATECTL_OBJS) $(LIBMEDGATE)
	$(CC) $(USER_CFLAGS) $(LDFLAGS) -o $@ $(MEDGATECTL_OBJS) $(LIBMEDGATE) $(TOOLS_LDLIBS)

$(USER_OUT)/obj/medgated/%.o: user/medgated/%.c $(USER_SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -I$(BUILD)/bpf -MMD -MP -c $< -o $@

$(USER_OUT)/medgated: $(MEDGATED_OBJS) $(LIBMEDGATE)
	$(CC) $(USER_CFLAGS) $(LDFLAGS) -o $@ $(MEDGATED_OBJS) $(LIBMEDGATE) $(TOOLS_LDLIBS)

-include $(LIBMEDGATE_OBJS:.o=.d) $(MEDGATECTL_OBJS:.o=.d) $(MEDGATED_OBJS:.o=.d)
