# SPDX-License-Identifier: GPL-2.0
#
# medgate top-level build. `make` builds the module (with module BTF), the BPF objects and their
# skeletons, and the user-space tools; `make check` runs the host unit tests and the VM selftests;
# `make demo` boots the demo gateway VM; `make fuzz` fuzzes the blob validator and matcher for
# FUZZ_SECONDS (default 60); `make check-kernel KVER=6.12 [KARCH=arm64]` runs the VM selftests on
# another Debian kernel, `make check-matrix` on every kernel of the matrix (docs/testing.md).
# Everything generated lands under $(BUILD).
#
# Cross and Yocto builds: set KERNELDIR (or KERNEL_SRC) to a prepared kernel build tree, ARCH and
# CROSS_COMPILE as usual; DESTDIR and PREFIX are honoured by `make install`.

BUILD		?= $(CURDIR)/build
PREFIX		?= /usr
DESTDIR		?=
V		?= 0

ARCH		?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/arm.*/arm/')
CROSS_COMPILE	?=
CC		:= $(CROSS_COMPILE)gcc
AR		:= $(CROSS_COMPILE)ar
CLANG		?= clang
BPFTOOL		?= bpftool

# The kernel to build against. By default it is the installed Debian linux-image/linux-headers pair
# (never `uname -r`: the host kernel that runs the build is not the one the VM boots). A kernel
# tree boots the image of its architecture: arch/x86/boot/bzImage, arch/arm64/boot/Image, ...
ifneq ($(KERNEL_SRC),)
KERNELDIR	?= $(KERNEL_SRC)
endif
ifeq ($(KERNELDIR),)
KERNEL_DEBIAN	:= 1
KREL		:= $(shell scripts/kernel-release.sh 2>/dev/null)
KERNELDIR	:= /lib/modules/$(KREL)/build
KIMAGE		:= /boot/vmlinuz-$(KREL)
else
KREL		:= $(shell $(MAKE) -s -C $(KERNELDIR) kernelrelease 2>/dev/null)
SRCARCH		:= $(patsubst x86_64,x86,$(patsubst i386,x86,$(ARCH)))
KIMAGE_NAME	:= $(if $(filter x86,$(SRCARCH)),bzImage,$(if $(filter arm,$(SRCARCH)),zImage,Image))
KIMAGE		?= $(wildcard $(KERNELDIR)/arch/$(SRCARCH)/boot/$(KIMAGE_NAME))
endif

# A cross build of the user-space tools and tests links the libraries of a sysroot of the target
# architecture (make check-kernel KARCH=arm64 uses scripts/fetch-sysroot.sh's); PKG_CONFIG should
# then answer for that sysroot too.
SYSROOT		?=
SYSROOT_FLAGS	:= $(if $(SYSROOT),--sysroot=$(SYSROOT))

# Not exported: KREL, KERNELDIR and KIMAGE are recomputed by each make (`make check` re-runs make
# after installing packages, when the first computation may have found nothing).
export BUILD ARCH CROSS_COMPILE CC CLANG BPFTOOL V

# Kernel-side helpers made by the build: vmlinux with BTF (base for module BTF and vmlinux.h),
# resolve_btfids, and the kselftest headers, all from Debian's kernel packages.
# A prepared kernel tree (Yocto) has its own vmlinux; for Debian's packages the build extracts one.
ifneq ($(wildcard $(KERNELDIR)/vmlinux),)
VMLINUX		:= $(KERNELDIR)/vmlinux
else
VMLINUX		:= $(BUILD)/kernel/vmlinux
endif
ifneq ($(wildcard $(KERNELDIR)/tools/bpf/resolve_btfids/resolve_btfids),)
RESOLVE_BTFIDS	:= $(KERNELDIR)/tools/bpf/resolve_btfids/resolve_btfids
else
RESOLVE_BTFIDS	:= $(BUILD)/kernel/resolve_btfids
endif
KSFT_DIR	:= $(BUILD)/kernel/kselftest

MODULE		:= $(BUILD)/medgate.ko
BPF_OBJ		:= $(BUILD)/bpf/medgate.bpf.o
BPF_SKEL	:= $(BUILD)/bpf/medgate.skel.h
VMLINUX_H	:= $(BUILD)/bpf/vmlinux.h

.PHONY: all deps tools module bpf user tests check unit vmtest demo install clean FORCE \
	_check _demo bench fuzz check-kernel _check-kernel check-matrix bench-kernel \
	install-module install-tools install-ctl medgatectl check-yocto

# Building never installs anything: `make`, `make install` and the cross builds only check that
# the tools are there and say in one line what is missing. The README's two commands, `make check`
# and `make demo`, first make sure the Debian packages they need are present (scripts/deps.sh
# installs them with apt-get when running as root), then re-run make so that the kernel release
# and paths above are computed with the packages in place. `make deps` does the first half alone.
all: module bpf user

check demo:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory _$@

deps:
	@scripts/deps.sh

tools:
	@CC="$(CC)" CLANG="$(CLANG)" BPFTOOL="$(BPFTOOL)" PKG_CONFIG="$(PKG_CONFIG)" \
	 KERNELDIR=$(if $(KERNEL_DEBIAN),,$(KERNELDIR)) scripts/check-tools.sh

# The selftests on another Debian kernel than the installed one (the kernel matrix):
# `make check-kernel KVER=6.12 [KARCH=arm64]`. scripts/fetch-kernel.sh downloads that series'
# image, headers and kbuild packages from bookworm-backports and unpacks them under
# $(BUILD)/kernels/KVER (KVER-KARCH for another architecture than the build host's; nothing is
# installed); everything is then built against them in that directory's build/ and the VM boots
# that kernel. KARCH is a Debian architecture: the build host's (default) or arm64, which is
# cross-built (CROSS_COMPILE=aarch64-linux-gnu-) against the arm64 libraries of a sysroot that
# scripts/fetch-sysroot.sh unpacks under $(BUILD)/sysroot/arm64, and booted with
# qemu-system-aarch64 -M virt. `make check` is not affected.
# `make check-matrix` runs `make check` and then check-kernel for each leg of KMATRIX (docs/testing.md).
KVER		?= 6.12
HOST_DEBARCH	:= $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
KARCH		?= $(HOST_DEBARCH)
KVER_DIR	:= $(BUILD)/kernels/$(KVER)$(if $(filter-out $(HOST_DEBARCH),$(KARCH)),-$(KARCH))
SYSROOT_DIR	:= $(BUILD)/sysroot/$(KARCH)
# kbuild's ARCH and the cross-compiler prefix of each Debian architecture the matrix knows.
karch_kbuild	= $(if $(filter amd64,$(1)),x86,$(if $(filter arm64,$(1)),arm64))
karch_cross	= $(if $(filter amd64,$(1)),x86_64-linux-gnu-,$(if $(filter arm64,$(1)),aarch64-linux-gnu-))
# What a cross leg adds to the build: compiler, sysroot, and the VM of that architecture.
ifneq ($(KARCH),$(HOST_DEBARCH))
KCROSS_ARGS	:= ARCH=$(call karch_kbuild,$(KARCH)) CROSS_COMPILE=$(call karch_cross,$(KARCH)) \
		   SYSROOT=$(SYSROOT_DIR)/root PKG_CONFIG=$(SYSROOT_DIR)/pkg-config \
		   VM_SYSROOT=$(SYSROOT_DIR)/root
endif

# The whole kernel matrix, ending with one combined "N passed, N failed" line (scripts/check-matrix.sh).
KMATRIX		?= 6.12:amd64 6.12:arm64

check-matrix:
	@MAKE="$(MAKE)" scripts/check-matrix.sh $(KMATRIX)

check-kernel:
	@test -n "$(call karch_kbuild,$(KARCH))" || { echo "medgate: KARCH=$(KARCH) is not in the kernel matrix (amd64 or arm64)"; exit 1; }
	@scripts/deps.sh $(if $(KCROSS_ARGS),--cross $(KARCH))
	@KARCH=$(KARCH) KFLAVOUR=$(KARCH) scripts/fetch-kernel.sh $(KVER) $(KVER_DIR)
	@$(if $(KCROSS_ARGS),scripts/fetch-sysroot.sh $(KARCH) $(SYSROOT_DIR),:)
	@krel=$$(cat $(KVER_DIR)/krel) && root=$(KVER_DIR)/root && \
	$(MAKE) --no-print-directory _check-kernel BUILD=$(KVER_DIR)/build KREL=$$krel \
		KERNELDIR=$$root/usr/src/linux-headers-$$krel KIMAGE=$$root/boot/vmlinuz-$$krel \
		VM_MODULES_ROOT=$$root $(KCROSS_ARGS)

# `make bench-kernel KVER=6.12`: `make bench` in a VM booted with that kernel (x86_64 only: the
# benchmark needs the build host's architecture for -icount timing under TCG to compare with
# `make bench`'s numbers).
bench-kernel:
	@test "$(KARCH)" = "$(HOST_DEBARCH)" || { echo "medgate: make bench-kernel runs on the build host's architecture ($(HOST_DEBARCH)) only"; exit 1; }
	@scripts/deps.sh
	@KARCH=$(KARCH) KFLAVOUR=$(KARCH) scripts/fetch-kernel.sh $(KVER) $(KVER_DIR)
	@krel=$$(cat $(KVER_DIR)/krel) && root=$$(realpath $(KVER_DIR)/root) && \
	$(MAKE) --no-print-directory bench BUILD=$(KVER_DIR)/build KREL=$$krel \
		KERNELDIR=$$root/usr/src/linux-headers-$$krel KIMAGE=$$root/boot/vmlinuz-$$krel \
		VM_MODULES_ROOT=$$root

# ---- kernel helpers ----

$(VMLINUX): | tools
	@test -n "$(KIMAGE)" || { echo "medgate: $(KERNELDIR) has no vmlinux and there is no kernel image to extract one from: build the kernel with CONFIG_DEBUG_INFO_BTF=y, or set KIMAGE"; exit 1; }
	@mkdir -p $(dir $@)
	scripts/extract-vmlinux.sh $(KIMAGE) $@

$(RESOLVE_BTFIDS): | tools
	@mkdir -p $(dir $@)
	KERNELDIR=$(KERNELDIR) scripts/build-resolve-btfids.sh $@

$(KSFT_DIR)/kselftest_harness.h:
	@mkdir -p $(KSFT_DIR)
	scripts/kselftest-headers.sh $(KSFT_DIR)

# ---- module ----

# Kbuild on 6.1 writes an external module's objects next to its sources, so the module is built
# in a mirror of them under $(BUILD): one symbolic link per source file (make and kbuild follow
# them, so an edited source is rebuilt), refreshed on every build so that added files appear and
# removed ones go. The source tree itself never receives an object.

KMOD_SRC	:= $(wildcard kmod/*.c kmod/*.h include/uapi/linux/*.h include/medgate/*.h) Kbuild
KMOD_TREE	:= $(BUILD)/kmod-src

module: $(MODULE)

$(MODULE): $(KMOD_SRC) $(VMLINUX) $(RESOLVE_BTFIDS)
	@test -d $(KERNELDIR) || { echo "medgate: kernel build tree $(KERNELDIR) not found: set KERNELDIR (or KERNEL_SRC), or on Debian run make deps"; exit 1; }
	@mkdir -p $(KMOD_TREE)/kmod
	@find $(KMOD_TREE)/kmod -maxdepth 1 -type l -delete
	@ln -sf $(addprefix $(CURDIR)/,$(wildcard kmod/*.c kmod/*.h)) $(KMOD_TREE)/kmod/
	@ln -sfn $(CURDIR)/include $(KMOD_TREE)/include
	@ln -sf $(CURDIR)/Kbuild $(KMOD_TREE)/Kbuild
	$(MAKE) -C $(KERNELDIR) M=$(KMOD_TREE) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) W=1 modules
	KERNELDIR=$(KERNELDIR) scripts/module-btf.sh $(KMOD_TREE)/medgate.ko $(VMLINUX) $(RESOLVE_BTFIDS)
	cp $(KMOD_TREE)/medgate.ko $@

# ---- BPF ----

# -mcpu=v3 (kernel 5.1+): 32-bit compares, which let 6.12's verifier prove the programs' return
# ranges (bpf/medgate.bpf.c, clamp()).
BPF_CFLAGS := -g -O2 -mcpu=v3 -Wall -Werror --target=bpf -D__TARGET_ARCH_$(ARCH) \
	      -I$(BUILD)/bpf -I$(CURDIR)/include/uapi -I$(CURDIR)/include -I$(CURDIR)/bpf

bpf: $(BPF_SKEL)

$(VMLINUX_H): $(VMLINUX)
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(VMLINUX) format c > $@.tmp && mv $@.tmp $@

$(BUILD)/bpf/%.tmp.o: bpf/%.c $(VMLINUX_H) $(wildcard bpf/*.h) include/uapi/linux/medgate.h \
			 include/medgate/label.h
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BPF_OBJ): $(BUILD)/bpf/medgate.bpf.tmp.o
	$(BPFTOOL) gen object $@ $<

$(BPF_SKEL): $(BPF_OBJ)
	$(BPFTOOL) gen skeleton $< name medgate_bpf > $@.tmp && mv $@.tmp $@

# ---- user space, unit tests, VM tests ----

include user/user.mk
include tests/tests.mk

# `make install` installs everything; a packager that builds the module and the tools apart (the
# Yocto recipes in meta-medgate/) uses install-module and install-tools.
SYSTEMD_UNITDIR	?= /lib/systemd/system
SYSCONFDIR	?= /etc
MODULEDIR	?= /lib/modules

install: install-module install-tools
	install -D -m 0644 examples/gateway.policy $(DESTDIR)$(SYSCONFDIR)/medgate/policy.d/gateway.policy

install-module: module
	install -D -m 0644 $(MODULE) $(DESTDIR)$(MODULEDIR)/$(KREL)/extra/medgate.ko

install-tools: bpf user install-ctl
	install -D -m 0755 $(BUILD)/user/medgated $(DESTDIR)$(PREFIX)/sbin/medgated
	install -D -m 0644 include/uapi/linux/medgate.h $(DESTDIR)$(PREFIX)/include/linux/medgate.h
	install -D -m 0644 user/medgated/medgated.service $(DESTDIR)$(SYSTEMD_UNITDIR)/medgated.service
	install -d $(DESTDIR)$(SYSCONFDIR)/medgate/policy.d

# medgatectl and the abstractions alone: a build host checking policies (Yocto's medgate-native).
install-ctl: medgatectl
	install -D -m 0755 $(BUILD)/user/medgatectl $(DESTDIR)$(PREFIX)/sbin/medgatectl
	install -d $(DESTDIR)$(PREFIX)/share/medgate/abstractions
	install -m 0644 abstractions/*.policy $(DESTDIR)$(PREFIX)/share/medgate/abstractions/

clean:
	rm -rf $(BUILD)
