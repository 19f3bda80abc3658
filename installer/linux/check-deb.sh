#!/usr/bin/env bash
# Install a built .deb into a throwaway root with the real dpkg, then remove and purge it, and
# check that it installed every file, ran its maintainer scripts, and left nothing behind:
#
#     installer/linux/check-deb.sh target/dist/rd-agent_VERSION_ARCH.deb
#
# No container and no change to this machine: dpkg gets --root=<temp dir> and runs the
# maintainer scripts outside a chroot (--force-script-chrootless) with stand-ins first on
# PATH for the commands that would touch the host (groupadd, useradd, getent, systemctl,
# udevadm); each stand-in records its call, so the check can see what the scripts asked for.
set -euo pipefail

deb=${1:?usage: installer/linux/check-deb.sh PACKAGE.deb}
die() { echo "check-deb: $*" >&2; exit 1; }
[ -f "$deb" ] || die "no $deb"
command -v dpkg >/dev/null 2>&1 || die "dpkg is missing"
package=$(dpkg-deb -f "$deb" Package)

work=$(mktemp -d "${TMPDIR:-/tmp}/check-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root" stubs="$work/stubs" calls="$work/calls"
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info" "$stubs"
touch "$calls"
# The root knows this machine's copies of the packages ours depends on, so dpkg checks the
# Depends: line (versions too) instead of being told to ignore it.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/(.*//; s/|.*//; s/ //g' | grep -v '^$' || true)
if [ -n "$deps" ]; then
    # shellcheck disable=SC2086
    dpkg-query -s $deps > "$root/var/lib/dpkg/status" \
        || die "this machine lacks a package $package depends on: $deps"
else
    touch "$root/var/lib/dpkg/status"
fi
for cmd in groupadd useradd usermod systemctl udevadm; do
    printf '#!/bin/sh\necho "%s $*" >> "%s"\n' "$cmd" "$calls" > "$stubs/$cmd"
done
# getent: the person who ran sudo exists; the service's group and user do not yet, so the
# postinst creates them.
installer=check-deb-operator
printf '#!/bin/sh\necho "getent $*" >> "%s"\n[ "$1 $2" = "passwd %s" ] && { echo "%s:x:1000:1000::/home/%s:/bin/sh"; exit 0; }\nexit 2\n' \
    "$calls" "$installer" "$installer" "$installer" > "$stubs/getent"
chmod 755 "$stubs"/*

run_dpkg() {
    SUDO_USER=$installer PATH="$stubs:$PATH" dpkg --root="$root" --force-script-chrootless \
        --force-not-root --log=/dev/null "$@"
}

run_dpkg -i "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log"; die "dpkg -i failed"; }
expected=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|')
[ -n "$expected" ] || die "$deb lists no files"
while read -r f; do
    [ -e "$root$f" ] || die "installed without $f"
done <<<"$expected"
run_dpkg -s "$package" | grep -q '^Status: install ok installed' \
    || die "dpkg does not record $package as installed"
if [ "$package" = rd-agent ]; then
    # `rd-agent tray` (the autostart entry) starts the tray's program from beside itself.
    [ -x "$root/usr/bin/rd-agent-tray" ] || die "installed without an executable /usr/bin/rd-agent-tray"
    grep -q '^groupadd --system rd-agent$' "$calls" || die "the postinst did not create the rd-agent group"
    grep -q '^useradd --system --gid rd-agent' "$calls" || die "the postinst did not create the rd-agent user"
    grep -q "^usermod -a -G rd-agent $installer\$" "$calls" \
        || die "the postinst did not add the installing user (SUDO_USER) to the rd-agent group"
    grep -q "added $installer to the rd-agent group. Log out and back in once" "$work/install.log" \
        || die "the postinst did not tell the installing user to log out and back in"
else
    # The servers: a system group and user without a login shell, and a unit that is NOT
    # enabled or started (it has no credentials yet).
    grep -q "^groupadd --system $package\$" "$calls" || die "the postinst did not create the $package group"
    grep -q "^useradd --system --gid $package .*--shell /usr/sbin/nologin .*$package\$" "$calls" \
        || die "the postinst did not create the $package user without a login shell"
    [ -e "$root/lib/systemd/system/$package.service" ] || die "installed without its unit"
    if grep -Eq "^systemctl (--[a-z-]+ )*(enable|start|restart|reenable)( |$)" "$calls"; then
        die "the postinst enabled or started $package, which has no credentials yet"
    fi
fi

run_dpkg -r "$package" >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; die "dpkg -r failed"; }
run_dpkg -P "$package" >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; die "dpkg -P failed"; }
left=$(cd "$root" && find . -not -type d -not -path './var/lib/dpkg/*' | sed 's|^\.||')
[ -z "$left" ] || die "files left after purge: $left"
run_dpkg -s "$package" >/dev/null 2>&1 && die "dpkg still knows $package after purge"
echo "check-deb: $package installs its $(wc -l <<<"$expected") files into a temporary root (its maintainer scripts run against stand-ins), then removes and purges cleanly"
