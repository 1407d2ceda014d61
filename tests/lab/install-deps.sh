#!/usr/bin/env bash
# install-deps.sh PKG... - install Debian packages for heiiki's build, tests and lab.
#
# Services (sshd, xrdp, samba, snmpd, nginx, ...) are installed with their
# start-up suppressed through a temporary policy-rc.d: the lab starts its own
# instances inside network namespaces, never on this machine's interfaces.
set -euo pipefail
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	made_policy=1
fi
trap '[ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
