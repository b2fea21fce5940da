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

do_install() {
	unset CFLAGS CPPFLAGS CXXFLAGS LDFLAGS
	oe_runmake DESTDIR=${D} MODULEDIR=${nonarch_base_libdir}/modules install-module
}

# Loaded at boot, before medgated attaches the BPF programs.
KERNEL_MODULE_AUTOLOAD += "medgate"
RPROVIDES:${PN} += "kernel-module-medgate"
