SUMMARY = "Example medgate policy: the demo gateway's services"
DESCRIPTION = "A template for a vendor's own policy package (classes/medgate-policy.bbclass): \
the demo gateway policy of the medgate repository."
LICENSE = "GPL-2.0-only"
LIC_FILES_CHKSUM = "file://${MEDGATE_TOPDIR}/COPYING;md5=045ba5aeb4c88d910291db2ecfe1d562"

# The policy of the repository's examples/ directory, not a copy.
FILESEXTRAPATHS:prepend := "${MEDGATE_TOPDIR}/examples:"
SRC_URI = "file://gateway.policy"
MEDGATE_POLICY_FILES = "gateway.policy"

inherit medgate-policy
