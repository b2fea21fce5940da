# A vendor's medgate policy package. In a recipe of your layer:
#
#   SUMMARY = "Our gateway's medgate policy"
#   LICENSE = "CLOSED"
#   SRC_URI = "file://gateway.policy file://services/"
#   MEDGATE_POLICY_FILES = "gateway.policy services/*.policy"
#   inherit medgate-policy
#
# The policy is checked at build time by the native medgatectl, with the abstractions of the
# layer's medgate, so that an error fails the build with its file:line:col; the files are
# installed into /etc/medgate/policy.d, which medgated.service loads at boot.
MEDGATE_POLICY_FILES ??= "*.policy"
MEDGATE_POLICY_DIR = "${sysconfdir}/medgate/policy.d"

DEPENDS += "medgate-native"
RDEPENDS:${PN} += "medgate"
INHIBIT_DEFAULT_DEPS = "1"
S = "${WORKDIR}"

do_configure[noexec] = "1"

do_compile() {
	cd ${S}
	MEDGATE_INCLUDE_PATH=${STAGING_DATADIR_NATIVE}/medgate \
		medgatectl policy check ${MEDGATE_POLICY_FILES}
}

do_install() {
	cd ${S}
	install -d ${D}${MEDGATE_POLICY_DIR}
	for f in ${MEDGATE_POLICY_FILES}; do
		install -m 0644 "$f" ${D}${MEDGATE_POLICY_DIR}/$(basename "$f")
	done
}

FILES:${PN} = "${MEDGATE_POLICY_DIR}"
CONFFILES:${PN} = "${MEDGATE_POLICY_DIR}"
PACKAGE_ARCH = "${MACHINE_ARCH}"
