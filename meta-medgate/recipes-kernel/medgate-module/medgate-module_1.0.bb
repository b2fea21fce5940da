SUMMARY = "medgate kernel module: policy engine, decisions as kfuncs, audit, control plane"
DESCRIPTION = "medgate.ko, the engine of medgate's BPF-LSM access control. Needs a kernel with \
BPF-LSM and module BTF (recipes-kernel/linux/files/medgate.cfg)."
HOMEPAGE = "https://github.com/medgate/medgate"
SECTION = "kernel/modules"

inherit medgate-src module

# Module BTF: kbuild runs pahole on the module against the kernel's vmlinux.
DEPENDS += "pahole-native"

# The top Makefile's `module` target; KERNELDIR is the kernel's build tree (with vmlinux).
EXTRA_OEMAKE = "${MEDGATE_MAKE_ARGS} KERNELDIR=${STAGING_KERNEL_BUILDDIR} \
                ARCH=${ARCH} CROSS_COMPILE=${TARGET_PREFIX}"
MAKE_TARGETS = "module"

# A module without .BTF loads, but its kfuncs are not registered and every BPF program fails to
# load on the device: fail the build instead.
do_compile:append() {
	if ! ${READELF} -S --wide ${B}/medgate.ko | grep -q ' \.BTF '; then
		bbfatal "medgate.ko has no .BTF section: the kernel needs CONFIG_DEBUG_INFO_BTF_MODULES set, and vmlinux and tools/bpf/resolve_btfids in its shared build tree (recipes-kernel/linux/linux-yocto_%.bbappend)"
	fi
}

do_install() {
	unset CFLAGS CPPFLAGS CXXFLAGS LDFLAGS
	oe_runmake DESTDIR=${D} MODULEDIR=${nonarch_base_libdir}/modules install-module
}

# Loaded at boot, before medgated attaches the BPF programs.
KERNEL_MODULE_AUTOLOAD += "medgate"
RPROVIDES:${PN} += "kernel-module-medgate"
