#!/bin/bash
# install-data.sh - install heiiki's default GeoIP country database.
#
# Fetches the npm registry package @ip-location-db/geo-whois-asn-country-mmdb
# (package licence CC0-1.0; data from the NRO under CC BY 4.0) with
# 'npm pack' in a temporary directory, extracts the IPv4+IPv6 .mmdb, checks
# that libmaxminddb can read it, and installs it atomically as
#   ${HEIIKI_GEOIP_DIR:-/var/lib/heiiki/geoip}/country.mmdb
#
# Idempotent: when the database is present and was installed less than
# HEIIKI_GEOIP_MAX_AGE_DAYS (default 7) days ago nothing is fetched.  Use
# --force to fetch anyway.  Exit 0 on success or skip, 1 on failure with a
# message saying what to do.
set -euo pipefail

PKG=@ip-location-db/geo-whois-asn-country-mmdb
FILE=geo-whois-asn-country.mmdb
DIR=${HEIIKI_GEOIP_DIR:-/var/lib/heiiki/geoip}
DEST=$DIR/country.mmdb
STAMP=$DIR/.installed
MAX_AGE_DAYS=${HEIIKI_GEOIP_MAX_AGE_DAYS:-7}
FORCE=0

die() { echo "geoip: $*" >&2; exit 1; }

case "${1:-}" in
--force) FORCE=1 ;;
-h|--help)
	echo "usage: install-data.sh [--force]   (installs $DEST)"
	exit 0 ;;
"") ;;
*) die "unknown argument '$1' (usage: install-data.sh [--force])" ;;
esac

if [ "$FORCE" = 0 ] && [ -s "$DEST" ] && [ -f "$STAMP" ] &&
   [ -z "$(find "$STAMP" -mtime +"$MAX_AGE_DAYS" 2>/dev/null)" ]; then
	echo "geoip: $DEST is present and was installed less than $MAX_AGE_DAYS days ago; nothing to do (--force to refresh)"
	exit 0
fi

command -v npm >/dev/null 2>&1 ||
	die "npm is not installed; install it (apt-get install npm, or 'make deps'), or fetch a GeoLite2/DB-IP country .mmdb elsewhere and run 'heiiki geo install FILE.mmdb' (docs/geoip.md)"
command -v tar >/dev/null 2>&1 || die "tar is not installed"

mkdir -p "$DIR" || die "cannot create $DIR (run as root, or set HEIIKI_GEOIP_DIR)"
[ -w "$DIR" ] || die "$DIR is not writable (run as root, or set HEIIKI_GEOIP_DIR)"

TMP=$(mktemp -d /tmp/heiiki-geoip-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

echo "geoip: fetching $PKG from the npm registry"
( cd "$TMP" && npm pack --silent "$PKG" >npm.out 2>npm.err ) ||
	die "npm pack $PKG failed: $(tail -3 "$TMP/npm.err" 2>/dev/null | tr '\n' ' ')"
TGZ=$(ls "$TMP"/*.tgz 2>/dev/null | head -1)
[ -n "$TGZ" ] || die "npm pack produced no tarball"
tar -xzf "$TGZ" -C "$TMP" "package/$FILE" "package/package.json" 2>/dev/null ||
	die "$(basename "$TGZ") does not contain package/$FILE"
[ -s "$TMP/package/$FILE" ] || die "package/$FILE is empty"

# Must open and answer a lookup before it replaces anything.
if command -v mmdblookup >/dev/null 2>&1; then
	mmdblookup -f "$TMP/package/$FILE" -i 1.1.1.1 country_code >/dev/null 2>&1 ||
		die "the downloaded $FILE is not a readable country database"
fi

VERSION=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$TMP/package/package.json" | head -1)
install -m 0644 "$TMP/package/$FILE" "$DEST.tmp.$$"
mv -f "$DEST.tmp.$$" "$DEST"
cat >"$DIR/ATTRIBUTION" <<EOT
country.mmdb: $PKG ${VERSION:-unknown version} (npm package licence CC0-1.0)
by sapics/ip-location-db; data source licensed under CC BY 4.0 by the NRO
(https://www.nro.net/).  Installed by heiiki geoip/install-data.sh.
EOT
touch "$STAMP"
echo "geoip: installed $DEST ($PKG ${VERSION:-?})"
