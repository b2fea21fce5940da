# SPDX-License-Identifier: GPL-2.0
#
# The QEMU test VM, included by tests/tests.mk. BUILD, KREL, KIMAGE and MODULE come from the
# top-level Makefile; `selftests` and `helpers` are phony targets of tests/tests.mk.
#
#   make vmtest    boot the selftest VM; TAP in $(BUILD)/vm/tests/tap.log, console in console.log
#   make demo-vm   boot the demo gateway, console shown live
#   make vmshell   boot to an interactive shell on the console (Ctrl-A x quits)
#
# Environment for tests/vm/run-vm.sh: VM_TIMEOUT, VM_SMP, VM_MEM, VM_EXTRA_APPEND, VM_QEMU_ARGS.
# VM_ARCH (kbuild's ARCH of the kernel, default $(ARCH)) picks the QEMU machine; VM_SYSROOT, set
# by `make check-kernel KARCH=arm64`, is where a foreign VM's programs and libraries come from.

VM_DIR		:= $(BUILD)/vm
VM_INITRAMFS	:= $(VM_DIR)/initramfs.cpio.gz
VM_ARCH		?= $(ARCH)
VM_SYSROOT	?=

.PHONY: vmtest demo-vm vmshell

# Rebuilt on every use (about a second): selftests and helpers are phony, and a VM that runs stale
# binaries costs far more than the rebuild.
$(VM_INITRAMFS): $(MODULE) $(BUILD)/user/medgatectl $(BUILD)/user/medgated selftests helpers \
		 tests/vm/init tests/vm/mkinitramfs.sh
	@mkdir -p $(dir $@)
	MODULE=$(MODULE) KREL=$(KREL) VM_MODULES_ROOT=$(VM_MODULES_ROOT) VM_SYSROOT=$(VM_SYSROOT) \
		tests/vm/mkinitramfs.sh $@

vmtest: $(VM_INITRAMFS)
	KIMAGE=$(KIMAGE) VM_ARCH=$(VM_ARCH) tests/vm/run-vm.sh tests $(VM_INITRAMFS) $(VM_DIR)/tests

demo-vm: $(VM_INITRAMFS)
	KIMAGE=$(KIMAGE) VM_ARCH=$(VM_ARCH) tests/vm/run-vm.sh demo $(VM_INITRAMFS) $(VM_DIR)/demo

vmshell: $(VM_INITRAMFS)
	KIMAGE=$(KIMAGE) VM_ARCH=$(VM_ARCH) tests/vm/run-vm.sh shell $(VM_INITRAMFS) $(VM_DIR)/shell
