#!/usr/bin/env bash
# Build the Debian package from the release binary with Debian's own dpkg-deb:
#
#     cargo build --release -p rd-agent
#     installer/linux/build-deb.sh target/debian/rd-agent.deb
#
# The package holds the binary, the systemd unit, the udev rules for the scanners, the tray's
# autostart entry and the README; the maintainer scripts in debian/ beside this file create
# the rd-agent group and user and enable the service. Fails, saying why, when anything is
# missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: installer/linux/build-deb.sh OUT.deb}
die() { echo "build-deb: $*" >&2; exit 1; }

target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in /*) ;; *) target="$root/$target" ;; esac
bin="$target/release/rd-agent"
[ -x "$bin" ] || die "no $bin: build it first with cargo build --release -p rd-agent"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb is missing (apt-get install dpkg)"
version=$(sed -n '/^\[workspace\.package\]/,/^\[/{s/^version = "\([^"]*\)".*/\1/p}' "$root/Cargo.toml" | head -n 1)
[ -n "$version" ] || die "no version in [workspace.package] of $root/Cargo.toml"

stage=$(mktemp -d "${TMPDIR:-/tmp}/rd-agent-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
install -Dm755 "$bin" "$stage/usr/bin/rd-agent"
install -Dm644 "$here/rd-agent.service" "$stage/lib/systemd/system/rd-agent.service"
install -Dm644 "$here/70-rd-agent.rules" "$stage/lib/udev/rules.d/70-rd-agent.rules"
install -Dm644 "$here/rd-agent-tray.desktop" "$stage/etc/xdg/autostart/rd-agent-tray.desktop"
install -Dm644 "$root/README.md" "$stage/usr/share/doc/rd-agent/README.md"
cat > "$stage/usr/share/doc/rd-agent/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: rd-agent
Copyright: rd-agent authors, MIT OR Apache-2.0
License: MIT OR Apache-2.0
COPYRIGHT
chmod 644 "$stage/usr/share/doc/rd-agent/copyright"

mkdir -p "$stage/DEBIAN"
for script in postinst prerm postrm; do
    install -m755 "$here/debian/$script" "$stage/DEBIAN/$script"
done
echo /etc/xdg/autostart/rd-agent-tray.desktop > "$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: rd-agent
Version: $version-1
Architecture: $(dpkg --print-architecture)
Section: utils
Priority: optional
Maintainer: rd-agent maintainers <rd-agent@localhost>
Installed-Size: $size
Depends: libc6 (>= 2.34), passwd
Description: Daily AePS biometric login agent: RD Service client, InstantPay client, tray
 Background agent for the daily AePS merchant login: a systemd service that
 keeps the day's login state and reminds the operator, and a per-user tray icon
 that logs in with one click through the local RD Service.
CONTROL

mkdir -p "$(dirname "$out")"
dpkg-deb --root-owner-group --build "$stage" "$out" >/dev/null
echo "build-deb: built $out (rd-agent $version)"
