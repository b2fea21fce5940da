SUMMARY = "medgate tools: medgatectl, medgated, BPF-LSM programs, abstractions, systemd unit"
DESCRIPTION = "The user space of medgate: medgatectl (policy check, compile, load, show, diff; \
status; audit review), medgated (attaches the BPF-LSM programs, writes the audit log) and the \
policy abstractions. The native variant is medgatectl alone, to check policies at build time."
HOMEPAGE = "https://github.com/medgate/medgate"
SECTION = "admin"

inherit medgate-src pkgconfig

DEPENDS = "libnl json-c openssl"
DEPENDS:append:class-target = " libbpf elfutils zlib bpftool-native clang-native virtual/kernel"

# The BPF programs are compiled against the kernel's BTF (vmlinux.h from its vmlinux).
inherit ${@'kernel-arch systemd' if d.getVar('CLASSOVERRIDE') == 'class-target' else ''}
do_compile[depends] += "${@'virtual/kernel:do_shared_workdir' if d.getVar('CLASSOVERRIDE') == 'class-target' else ''}"

MEDGATE_TOOL_ARGS = "${MEDGATE_MAKE_ARGS} 'CC=${CC}' 'LDFLAGS=${LDFLAGS}' PKG_CONFIG=pkg-config \
                     PREFIX=${prefix} SYSCONFDIR=${sysconfdir} \
                     SYSTEMD_UNITDIR=${systemd_system_unitdir} STATIC=0"
EXTRA_OEMAKE:class-target = "${MEDGATE_TOOL_ARGS} KERNELDIR=${STAGING_KERNEL_BUILDDIR} \
                             ARCH=${ARCH} CLANG=clang BPFTOOL=bpftool"
EXTRA_OEMAKE:class-native = "${MEDGATE_TOOL_ARGS}"

do_compile:class-target() {
	oe_runmake bpf user
}
do_compile:class-native() {
	oe_runmake medgatectl
}

do_install:class-target() {
	oe_runmake DESTDIR=${D} install-tools
}
do_install:class-native() {
	oe_runmake DESTDIR=${D} install-ctl
}

SYSTEMD_SERVICE:${PN} = "medgated.service"
FILES:${PN} += "${datadir}/medgate ${sysconfdir}/medgate"
RDEPENDS:${PN}:class-target = "kernel-module-medgate"

BBCLASSEXTEND = "native"
