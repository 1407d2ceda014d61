#!/bin/bash
# build-deb.sh ROOT VERSION OUT.deb - turn a 'make install DESTDIR=ROOT
# PREFIX=/usr' staging tree into a Debian package (called by 'make deb').
#
# Depends: from the shared libraries the binary links (dpkg-shlibdeps;
# without dpkg-dev, the Debian 12 runtime packages listed below).  The
# maintainer scripts and conffiles are dist/debian/*.  Files are owned by
# root in the package (--root-owner-group); the heiiki group gets
# /etc/heiiki through dpkg-statoverride in postinst.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# = 3 ] || { echo "usage: build-deb.sh ROOT VERSION OUT.deb" >&2; exit 2; }
root=$1 version=$2 out=$3
[ -x "$root/usr/bin/heiiki" ] || { echo "build-deb: $root/usr/bin/heiiki missing (make install DESTDIR=$root PREFIX=/usr)" >&2; exit 2; }
[ -f "$root/usr/lib/heiiki/heiiki-pdf.so" ] && [ -f "$root/usr/lib/heiiki/heiiki-pg.so" ] ||
	{ echo "build-deb: the modules are missing from $root/usr/lib/heiiki" >&2; exit 2; }
arch=$(dpkg --print-architecture)

# Runtime libraries of bin/heiiki and its modules (lib/heiiki/heiiki-pdf.so,
# heiiki-pg.so) on Debian 12, when dpkg-shlibdeps is absent.
fallback="libc6 (>= 2.34), libpcap0.8 (>= 1.10), libnet1 (>= 1.1.6), libmaxminddb0 (>= 1.3), libjansson4 (>= 2.14), libyaml-0-2, libssl3 (>= 3.0), libsqlite3-0 (>= 3.40), libpq5 (>= 15), libbson-1.0-0 (>= 1.23), libpangocairo-1.0-0, libpango-1.0-0, libcairo2, libfontconfig1, libglib2.0-0"
depends=$fallback
if command -v dpkg-shlibdeps >/dev/null; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/debian"
	printf 'Source: heiiki\n\nPackage: heiiki\nArchitecture: any\n' > "$tmp/debian/control"
	cp "$root/usr/bin/heiiki" "$tmp/heiiki"
	mods=()
	for m in "$root"/usr/lib/heiiki/heiiki-*.so; do
		cp "$m" "$tmp/" && mods+=("-e$(basename "$m")")
	done
	line=$(cd "$tmp" && dpkg-shlibdeps -O -eheiiki "${mods[@]}" 2>/dev/null) ||
		{ echo "build-deb: dpkg-shlibdeps failed" >&2; exit 1; }
	depends=${line#shlibs:Depends=}
fi

rm -rf "$root/DEBIAN"
install -d -m 0755 "$root/DEBIAN"
for f in postinst prerm postrm; do
	install -m 0755 "$here/$f" "$root/DEBIAN/$f"
done
install -m 0644 "$here/conffiles" "$root/DEBIAN/conffiles"
while read -r c; do
	[ -f "$root$c" ] || { echo "build-deb: conffile $c not in $root" >&2; exit 1; }
done < "$here/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" \
	-e "s|@DEPENDS@|$depends|" "$here/control.in" > "$root/DEBIAN/control"
( cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
	xargs -r md5sum ) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "deb: $out (Depends: $depends, systemd | adduser)"
