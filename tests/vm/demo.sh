#!/bin/sh
# The demo gateway, run by the VM's init after medgate.ko is loaded and the BPF programs are
# attached: start medgated's signed audit log, install two services, load the sample policy,
# show allowed and denied actions, the status and the audit trail, then stop medgated and verify
# the log with the public key alone.
set -u

say() { printf '\n=== %s\n' "$*"; }
try() {
	# Runs a command as a service would and says whether medgate let it through.
	desc=$1; shift
	if out=$("$@" 2>&1); then
		printf '  ALLOWED  %-48s %s\n' "$desc" "$out"
	else
		printf '  DENIED   %-48s %s\n' "$desc" "$out"
	fi
}

mkdir -p /opt/gateway/bin /etc/gateway /var/spool/hl7 /var/log/gateway
echo "peer=lis.hospital.example:2575" > /etc/gateway/hl7.conf
echo "port=/dev/ttyS1" > /etc/gateway/bridge.conf
echo "MSH|^~\\&|PUMP|WARD3|LIS|HOSP|20261130||ORU^R01|1|P|2.5" > /var/spool/hl7/msg-0001.hl7

# The services are shell scripts; the action to perform comes as the first argument.
cat > /opt/gateway/bin/hl7-forwarder <<'SVC'
#!/bin/sh
case "$1" in
read-config)  cat /etc/gateway/hl7.conf ;;
read-message) cat /var/spool/hl7/msg-0001.hl7 | cut -c1-24 ;;
append-log)   echo "forwarded msg-0001" >> /var/log/gateway/hl7.log && echo ok ;;
read-shadow)  cat /etc/shadow ;;
overwrite-log) echo "wiped" > /var/log/gateway/hl7.log ;;
read-bridge)  cat /etc/gateway/bridge.conf ;;
esac
SVC
cat > /opt/gateway/bin/device-bridge <<'SVC'
#!/bin/sh
cat /etc/gateway/bridge.conf
cat /etc/gateway/hl7.conf
SVC
chmod 755 /opt/gateway/bin/*
: > /var/log/gateway/hl7.log

say "medgated: the signed audit log (device key made on first start)"
medgated &
MEDGATED=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s /var/log/medgate/audit.log ] && break
	sleep 1
done
ls -l /etc/medgate/audit.key /etc/medgate/audit.pub /var/log/medgate/audit.log

say "medgatectl policy load /medgate/examples/gateway.policy"
medgatectl policy load /medgate/examples/gateway.policy || exit 1

say "hl7-forwarder (enforce)"
F=/opt/gateway/bin/hl7-forwarder
try "read its configuration"          $F read-config
try "read a queued HL7 message"       $F read-message
try "append to its log"               $F append-log
try "read /etc/shadow (explicit deny)" $F read-shadow
try "truncate its append-only log"    $F overwrite-log
try "read the bridge's configuration" $F read-bridge
say "the same reads from an unconfined shell"
try "read /etc/gateway/bridge.conf"   cat /etc/gateway/bridge.conf

say "device-bridge (complain: allowed, but reported)"
try "read its own and the forwarder's configuration" /opt/gateway/bin/device-bridge

say "medgatectl status"
medgatectl status

say "medgatectl audit show"
medgatectl audit show
say "medgatectl audit summary (what a reviewer reads first)"
medgatectl audit summary

say "medgated stops: its last pull and a signed checkpoint"
kill -TERM "$MEDGATED"
wait "$MEDGATED"
say "the log's last lines (JSON, each with the hash of the line before it)"
tail -n 3 /var/log/medgate/audit.log | cut -c1-200
say "medgatectl audit verify --pubkey /etc/medgate/audit.pub (needs only the public key)"
medgatectl audit verify --pubkey /etc/medgate/audit.pub /var/log/medgate/audit.log
