# BPF-LSM, BTF and module BTF for medgate (files/medgate.cfg, docs/yocto.md).
FILESEXTRAPATHS:prepend := "${THISDIR}/files:"
SRC_URI:append = " file://medgate.cfg"

# pahole encodes the kernel's BTF (CONFIG_DEBUG_INFO_BTF).
DEPENDS += "pahole-native"

# The module build (kbuild's module BTF) and the BPF programs (vmlinux.h) need the kernel's
# vmlinux in the shared build tree. kbuild's Makefile.modfinal adds BTF to an out-of-tree module
# only when that tree also holds tools/bpf/resolve_btfids (it fills in the module's kfunc set);
# Yocto's shared build tree has neither, so both are copied, resolve_btfids being the host
# program the kernel build made for itself (as kernel.bbclass does for objtool).
do_shared_workdir:append() {
	cp -f ${B}/vmlinux ${STAGING_KERNEL_BUILDDIR}/vmlinux
	if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES[=]y' ${B}/.config; then
		[ -x ${B}/tools/bpf/resolve_btfids/resolve_btfids ] || \
			bbfatal "CONFIG_DEBUG_INFO_BTF_MODULES is set but the kernel build made no tools/bpf/resolve_btfids"
		install -D -m 0755 ${B}/tools/bpf/resolve_btfids/resolve_btfids \
			${STAGING_KERNEL_BUILDDIR}/tools/bpf/resolve_btfids/resolve_btfids
	else
		bbwarn "CONFIG_DEBUG_INFO_BTF_MODULES is not set: medgate.ko cannot carry BTF and its kfuncs will not register (merge medgate.cfg)"
	fi
}
