# BPF-LSM, BTF and module BTF for medgate (files/medgate.cfg, docs/yocto.md).
FILESEXTRAPATHS:prepend := "${THISDIR}/files:"
SRC_URI:append = " file://medgate.cfg"

# The module build (kbuild's module BTF) and the BPF programs (vmlinux.h) need the kernel's
# vmlinux in the shared build tree.
do_shared_workdir:append() {
	cp -f ${B}/vmlinux ${STAGING_KERNEL_BUILDDIR}/vmlinux
}
