#!/usr/bin/env bash
# test_probes_b.sh - probes smb/vnc/dicom/hl7/snmp/ike/openvpn/pptp against
# REAL servers inside lab namespaces.
#
# One switch (198.18.50.0/24): the client namespace "cli" (.10) and one
# namespace per server: Samba with SMB1 on (server min protocol = NT1) and
# Samba SMB2-only with mandatory signing, TigerVNC Xvnc with security type
# None and with VncAuth, DCMTK storescp (accepts any called AE) and
# dcmqrscp (checks the called AE), net-snmp snmpd (rocommunity public),
# strongSwan charon (normal proposals, and a 3DES/MODP-1024-only one),
# OpenVPN 2.6 (plain, and with tls-auth: must stay silent), pptpd, and an
# HL7 MLLP listener scripted on python3-hl7's MLLP streams (no HL7 engine
# package exists in Debian: its replies are authored here, so it checks
# the probe over a real socket, not a real engine's behaviour).
#
# Each probe's conversation is run twice: first by tests/probes/record_b.c
# (built against the library: the probes' real hello()/parse() over real
# sockets, blocking, NEXT_STEP/RECONNECT as the probe says; with
# HEIIKI_RECORD=DIR every step's raw reply is saved there, which is how
# tests/probes/data/ was made), then all targets together through
# "heiiki probe" (the product's poll()-loop runner), and the same jq
# expectations are applied to the service objects it writes.
# Exit 0 pass, 1 fail, 77 skip (not root, or no server installed).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
. "$HERE/lib.sh"

UDP_PROBES="snmp ike openvpn"
. "$HERE/probes-harness.sh"
probes_lab probesb 198.18.50

# --- SMB ---------------------------------------------------------------
samba() {	# NS MINPROTO SIGNING
	local d=$LAB_DIR/samba-$1
	mkdir -p "$d"/{private,lock,state,cache,pid}
	cat > "$d/smb.conf" <<-EOF
	[global]
	workgroup = HOSPITAL
	netbios name = LAB-$1
	server role = standalone server
	server min protocol = $2
	server signing = $3
	smb ports = 445 139
	disable netbios = yes
	private dir = $d/private
	lock directory = $d/lock
	state directory = $d/state
	cache directory = $d/cache
	pid directory = $d/pid
	ncalrpc dir = $d/ncalrpc
	log file = $d/log
	load printers = no
	printcap name = /dev/null
	disable spoolss = yes
	passdb backend = tdbsam:$d/private/passdb.tdb
	EOF
	# own session: smbd signals its whole process group when it stops
	lab_bg "$1" setsid smbd --foreground --no-process-group -s "$d/smb.conf" >/dev/null 2>&1
}

test_smb() {
	have smbd || { skip smb "smbd not installed"; return; }
	host smbnt1 20; host smb2only 21
	samba smbnt1 NT1 auto
	samba smb2only SMB2_02 mandatory
	lab_wait_port smbnt1 445; lab_wait_port smb2only 445
	run smb-nt1-445 smb $NET.20 445
	check smb-nt1-445 '.service == "smb" and .smb.smb1_accepted == true and (.risks | index("smb1-enabled")) and .smb.dialect == "3.1.1"' \
		"Samba NT1: SMB1 accepted, smb1-enabled, SMB 3.1.1"
	check smb-nt1-445 '(.risks | index("smb-signing-not-required")) and .smb.signing_required == false' \
		"Samba default signing: smb-signing-not-required"
	run smb-nt1-139 smb $NET.20 139
	check smb-nt1-139 '.smb.smb1_accepted == true and .smb.dialect == "3.1.1"' \
		"Samba NT1 over NetBIOS session (139)"
	run smb-smb2only-445 smb $NET.21 445
	check smb-smb2only-445 '.service == "smb" and .smb.smb1_accepted == false and ((.risks // []) | index("smb1-enabled") | not)' \
		"Samba SMB2-only: SMB1 refused, no smb1-enabled"
	check smb-smb2only-445 '.smb.signing_required == true and ((.risks // []) | index("smb-signing-not-required") | not)' \
		"Samba signing mandatory: no signing risk"
}

# --- VNC ---------------------------------------------------------------
test_vnc() {
	have Xvnc || { skip vnc "Xvnc not installed"; return; }
	host vnc 30
	local dpy=$(( 200 + RANDOM % 500 ))
	printf 'labonly1' > "$LAB_DIR/vncpw"
	lab_bg vnc Xvnc ":$dpy" -rfbport 5900 -SecurityTypes None -nolisten tcp \
		-nolisten unix -geometry 320x200 >"$LAB_DIR/xvnc0.log" 2>&1
	lab_bg vnc Xvnc ":$((dpy + 1))" -rfbport 5901 -SecurityTypes VncAuth \
		-rfbauth "$LAB_DIR/vncpw" -nolisten tcp -nolisten unix -geometry 320x200 \
		>"$LAB_DIR/xvnc1.log" 2>&1
	lab_wait_port vnc 5900; lab_wait_port vnc 5901
	run vnc-none vnc $NET.30 5900
	check vnc-none '.service == "vnc" and .vnc.none_offered == true and (.risks | index("vnc-no-auth"))' \
		"Xvnc SecurityTypes None: vnc-no-auth"
	run vnc-vncauth vnc $NET.30 5901
	check vnc-vncauth '.service == "vnc" and .vnc.none_offered == false and ((.risks // []) | index("vnc-no-auth") | not) and (.risks | index("vnc-password-only"))' \
		"Xvnc VncAuth: no vnc-no-auth, vnc-password-only"
}

# --- DICOM -------------------------------------------------------------
test_dicom() {
	have storescp && have dcmqrscp || { skip dicom "dcmtk not installed"; return; }
	host pacs 40
	mkdir -p "$LAB_DIR/store" "$LAB_DIR/db"
	cat > "$LAB_DIR/dcmqrscp.cfg" <<-EOF
	NetworkTCPPort  = 11112
	MaxPDUSize      = 16384
	MaxAssociations = 4
	HostTable BEGIN
	HostTable END
	VendorTable BEGIN
	VendorTable END
	AETable BEGIN
	PACS01   $LAB_DIR/db   R   (10, 1024mb)   ANY
	AETable END
	EOF
	lab_bg pacs storescp -od "$LAB_DIR/store" 104 >"$LAB_DIR/storescp.log" 2>&1
	lab_bg pacs dcmqrscp -c "$LAB_DIR/dcmqrscp.cfg" --single-process >"$LAB_DIR/dcmqrscp.log" 2>&1
	lab_wait_port pacs 104; lab_wait_port pacs 11112
	run dicom-storescp dicom $NET.40 104
	check dicom-storescp '.service == "dicom" and .dicom.outcome == "accepted" and (.risks | index("dicom-any-ae-title")) and .dicom.released == true and (.dicom.implementation_version_name | startswith("OFFIS_DCMTK"))' \
		"storescp accepts ANY-SCP: dicom-any-ae-title, released"
	run dicom-dcmqrscp dicom $NET.40 11112
	check dicom-dcmqrscp '.service == "dicom" and .dicom.outcome == "rejected" and .dicom.rj_reason == "called-ae-title-not-recognized" and ((.risks // []) | index("dicom-any-ae-title") | not)' \
		"dcmqrscp rejects ANY-SCP: no risk"
}

# --- HL7 MLLP (scripted listener on python3-hl7 streams) ---------------
test_hl7() {
	/usr/bin/python3 -c 'import hl7.mllp' 2>/dev/null || { skip hl7 "python3-hl7 not installed"; return; }
	host hl7 45
	cat > "$LAB_DIR/mllp.py" <<-'EOF'
	import asyncio, hl7
	from hl7.mllp import start_hl7_server
	NAK = "MSH|^~\\&|LABENGINE|LABHOSP|||20260101000000||ACK|NAK1|P|2.5\rMSA|AE|\r"
	async def handle(reader, writer):
	    try:
	        while True:
	            try:
	                msg = await reader.readmessage()
	                writer.writemessage(msg.create_ack("AA"))
	            except hl7.exceptions.ParseException:
	                writer.writemessage(hl7.parse(NAK))
	            await writer.drain()
	    except (asyncio.IncompleteReadError, ConnectionError):
	        pass
	    writer.close()
	async def main():
	    async with await start_hl7_server(handle, port=2575), \
	            await start_hl7_server(handle, port=6661):
	        await asyncio.sleep(3600)
	asyncio.run(main())
	EOF
	lab_bg hl7 /usr/bin/python3 "$LAB_DIR/mllp.py" >"$LAB_DIR/mllp.log" 2>&1
	lab_wait_port hl7 2575
	run hl7-mllp hl7 $NET.45 2575
	check hl7-mllp '.service == "hl7-mllp" and (.risks | index("hl7-mllp-listener")) and .hl7.msh3_sending_application == "LABENGINE" and .hl7.msa1_ack_code == "AE"' \
		"MLLP listener answers the empty frame with a NAK: hl7-mllp-listener"
	# a site port, named by the operator
	if [ -x "$HEIIKI" ]; then
		lab_wait_port hl7 6661
		lab_exec cli timeout 60 "$HEIIKI" probe --scope 198.18.0.0/15 --probe hl7 -o "$LAB_DIR/hl7site.json" \
			$NET.45:6661 >/dev/null 2>&1
		if jq -e '.services[] | select(.port == 6661) | .service == "hl7-mllp" and (.risks | index("hl7-mllp-listener"))' \
			"$LAB_DIR/hl7site.json" >/dev/null 2>&1; then
			echo "ok   hl7-siteport: heiiki probe --probe hl7 on site port 6661"; PASS=$((PASS + 1))
		else
			echo "FAIL hl7-siteport: --probe hl7 on 6661"; FAIL=$((FAIL + 1))
		fi
	fi
}

# --- SNMP --------------------------------------------------------------
test_snmp() {
	have snmpd || { skip snmp "snmpd not installed"; return; }
	host snmp 50
	mkdir -p "$LAB_DIR/snmp"
	cat > "$LAB_DIR/snmpd.conf" <<-EOF
	agentaddress udp:$NET.50:161
	rocommunity public default
	sysDescr heiiki lab agent (net-snmp) Linux
	EOF
	SNMP_PERSISTENT_DIR=$LAB_DIR/snmp lab_bg snmp snmpd -f -Lo -C -c "$LAB_DIR/snmpd.conf" \
		-p "$LAB_DIR/snmpd.pid" >"$LAB_DIR/snmpd.log" 2>&1
	wait_udp snmp 161 || { skip snmp "snmpd did not start"; return; }
	run snmp-public snmp $NET.50 161
	check snmp-public '.service == "snmp" and (.risks | index("snmp-public")) and (.snmp.sysdescr | startswith("heiiki lab agent"))' \
		"snmpd rocommunity public: snmp-public, sysDescr"
	run snmp-other snmp $NET.50 161 not-the-community
	check snmp-other '(.service // "") != "snmp"' "wrong community: agent stays silent"
	# --no-snmp-public: the runner must not send a single datagram
	local before after rc
	before=$(grep -c 'Connection from UDP' "$LAB_DIR/snmpd.log")
	if [ -x "$HEIIKI" ]; then
		lab_exec cli timeout 30 "$HEIIKI" probe --scope 198.18.0.0/15 --no-snmp-public -o "$LAB_DIR/nosnmp.json" \
			$NET.50:161/udp >/dev/null 2>&1
		rc=$?
		sleep 0.5
		after=$(grep -c 'Connection from UDP' "$LAB_DIR/snmpd.log")
		if [ $rc = 124 ]; then
			echo "FAIL snmp-optout: heiiki probe --no-snmp-public did not finish in 30 s"
			FAIL=$((FAIL + 1))
		elif [ "$before" = "$after" ] && ! grep -q '"snmp-public"' "$LAB_DIR/nosnmp.json"; then
			echo "ok   snmp-optout: --no-snmp-public sends nothing ($before requests seen before and after)"
			PASS=$((PASS + 1))
		else
			echo "FAIL snmp-optout: agent saw $before then $after requests"; FAIL=$((FAIL + 1))
		fi
	fi
}

# --- IKE ---------------------------------------------------------------
# One charon only (its pid file is fixed at /var/run/charon.pid): two
# connections told apart by local address, .60 normal and .61 weak-only.
charon() {	# NS
	local d=$LAB_DIR/ike-$1
	mkdir -p "$d"
	cat > "$d/strongswan.conf" <<-EOF
	charon {
		cookie_threshold = 1000
		cookie_threshold_ip = 1000
		install_routes = no
		install_virtual_ip = no
		plugins {
			vici { socket = unix://$d/charon.vici }
		}
	}
	EOF
	cat > "$d/swanctl.conf" <<-EOF
	connections {
		lab {
			version = 0
			local_addrs = $NET.60
			proposals = aes256-sha256-modp2048, aes128-sha1-modp2048
			local { auth = psk }
			remote { auth = psk }
			children { net { local_ts = $NET.60/32 } }
		}
		weak {
			version = 0
			local_addrs = $NET.61
			proposals = 3des-sha1-modp1024
			local { auth = psk }
			remote { auth = psk }
			children { net { local_ts = $NET.61/32 } }
		}
	}
	secrets { ike-lab { secret = "lab-only-psk" } }
	EOF
	STRONGSWAN_CONF=$d/strongswan.conf lab_bg "$1" /usr/lib/ipsec/charon >"$d/log" 2>&1
	wait_udp "$1" 500 || return 1
	sleep 0.5
	STRONGSWAN_CONF=$d/strongswan.conf lab_exec "$1" swanctl --load-all \
		--file "$d/swanctl.conf" --uri "unix://$d/charon.vici" >/dev/null 2>&1
}

test_ike() {
	have /usr/lib/ipsec/charon && have swanctl || { skip ike "strongswan not installed"; return; }
	if [ -s /var/run/charon.pid ] && kill -0 "$(cat /var/run/charon.pid)" 2>/dev/null; then
		skip ike "another charon is running on this machine"; return
	fi
	host ike 60; lab_addr ike eth0 $NET.61/24
	charon ike || { skip ike "charon did not start"; return; }
	run ike-strongswan ike $NET.60 500
	check ike-strongswan '.service == "ike" and .ike.v1.accepted == true and .ike.v2.accepted == true and .ike.v2.dh_group == 14' \
		"strongSwan: IKEv1 Main Mode and IKEv2 IKE_SA_INIT answered"
	check ike-strongswan '[.ike.vendor_ids[].name] | index("Dead Peer Detection v1.0")' \
		"strongSwan IKEv1 vendor IDs named"
	run ike-natt ike $NET.60 4500
	check ike-natt '.ike.v1.responded == true and .ike.v2.responded == true' \
		"strongSwan on 4500 with the non-ESP marker"
	run ike-weak ike $NET.61 500
	check ike-weak '.ike.v1.transform.encryption == "3DES" and (.risks | index("ike-weak-transform")) and .ike.v2.error == "NO_PROPOSAL_CHOSEN"' \
		"3DES/MODP-1024 responder: ike-weak-transform, IKEv2 NO_PROPOSAL_CHOSEN"
}

# --- OpenVPN -----------------------------------------------------------
test_openvpn() {
	have openvpn && [ -c /dev/net/tun ] || { skip openvpn "openvpn or /dev/net/tun missing"; return; }
	host vpn 70
	( cd "$LAB_DIR" &&
	  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
		-subj /CN=lab-ca &&
	  openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=lab-vpn &&
	  openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
		-out srv.crt -days 2 &&
	  openvpn --genkey secret ta.key ) >/dev/null 2>&1 || { skip openvpn "cannot make certificates"; return; }
	local common="--proto udp --local $NET.70 --dev tun --dh none --verb 1 --topology subnet
		--ca $LAB_DIR/ca.crt --cert $LAB_DIR/srv.crt --key $LAB_DIR/srv.key"
	lab_bg vpn openvpn --server 198.19.77.0 255.255.255.0 --port 1194 $common >"$LAB_DIR/ovpn0.log" 2>&1
	lab_bg vpn openvpn --server 198.19.78.0 255.255.255.0 --port 1195 $common \
		--tls-auth "$LAB_DIR/ta.key" 0 >"$LAB_DIR/ovpn1.log" 2>&1
	wait_udp vpn 1194 && wait_udp vpn 1195 || { skip openvpn "openvpn did not start"; return; }
	run openvpn-plain openvpn $NET.70 1194
	check openvpn-plain '.service == "openvpn" and .openvpn.session_id_echoed == true and (.risks | index("openvpn-no-hmac"))' \
		"OpenVPN without tls-auth: reset answered, openvpn-no-hmac"
	NO_RUNNER=1 run openvpn-tlsauth openvpn $NET.70 1195
	check openvpn-tlsauth '(.service // "") != "openvpn"' \
		"OpenVPN with tls-auth stays silent (documented limitation)"
}

# --- PPTP --------------------------------------------------------------
test_pptp() {
	have pptpd || { skip pptp "pptpd not installed"; return; }
	host pptp 80
	cat > "$LAB_DIR/pptpd.conf" <<-EOF
	option $LAB_DIR/options.pptpd
	localip 198.19.88.1
	remoteip 198.19.88.100-110
	EOF
	echo "name pptpd" > "$LAB_DIR/options.pptpd"
	lab_bg pptp pptpd -f -c "$LAB_DIR/pptpd.conf" -o "$LAB_DIR/options.pptpd" \
		-p "$LAB_DIR/pptpd.pid" -l $NET.80 >"$LAB_DIR/pptpd.log" 2>&1
	lab_wait_port pptp 1723
	run pptp-pptpd pptp $NET.80 1723
	check pptp-pptpd '.service == "pptp" and (.risks | index("pptp-enabled")) and .pptp.result == "success" and .pptp.protocol_version == "1.0"' \
		"pptpd: Start-Control-Connection-Reply, pptp-enabled"
}

# PROBES_B_ONLY="smb vnc" runs a subset.
for t in ${PROBES_B_ONLY:-smb vnc dicom hl7 snmp ike openvpn pptp}; do
	"test_$t"
done
probes_finish probes-b
