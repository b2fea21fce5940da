# The medgate sources of a recipe of this layer: the checkout the layer lives in
# (MEDGATE_TOPDIR, set by conf/layer.conf), built in place with externalsrc, unless the
# distribution sets MEDGATE_SRC_URI (for example a git URL of its own mirror) and MEDGATE_SRCREV.
MEDGATE_SRC_URI ??= ""
MEDGATE_SRCREV ??= ""

inherit ${@'externalsrc' if not d.getVar('MEDGATE_SRC_URI') else ''}
EXTERNALSRC = "${@d.getVar('MEDGATE_TOPDIR') if not d.getVar('MEDGATE_SRC_URI') else ''}"
EXTERNALSRC_BUILD = "${@d.getVar('B') if not d.getVar('MEDGATE_SRC_URI') else ''}"
SRC_URI = "${MEDGATE_SRC_URI}"
SRCREV = "${MEDGATE_SRCREV}"
S = "${@'${WORKDIR}/git' if d.getVar('MEDGATE_SRC_URI') else d.getVar('MEDGATE_TOPDIR')}"

LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://COPYING;md5=045ba5aeb4c88d910291db2ecfe1d562 \
                    file://LICENSES/GPL-2.0;md5=b234ee4d69f5fce4486a80fdaf4a4263"

# Everything the Makefile generates goes under BUILD, never into the sources.
MEDGATE_MAKE_ARGS = "BUILD=${B} V=1"
