#!/usr/bin/env bash
# Builds the Windows installer on Linux with wixl (msitools), then checks it with check-msi.sh.
#
#   installer/windows/build-msi.sh OUT.msi
#
# Takes rd-agent.exe and rd-agent-tray.exe from
# ${CARGO_TARGET_DIR:-target}/x86_64-pc-windows-gnu/release/ (a relative CARGO_TARGET_DIR is
# taken from the current directory, as cargo does; the default is the repository's target/)
# and the version from the root Cargo.toml's [package] version (or [workspace.package] version
# when [package] has version.workspace = true). Does not run cargo.
# Needs: apt-get install -y wixl msitools
set -euo pipefail

die() { echo "build-msi: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 OUT.msi" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
wxs=$here/rd-agent.wxs

command -v wixl >/dev/null 2>&1 ||
    die "wixl not found; install it with: apt-get install -y wixl msitools"
command -v msiinfo >/dev/null 2>&1 ||
    die "msiinfo not found; install it with: apt-get install -y msitools"
[ -f "$wxs" ] || die "missing $wxs"

# --- The binaries.
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    target_dir=$CARGO_TARGET_DIR
else
    target_dir=$root/target
fi
bin_dir=$target_dir/x86_64-pc-windows-gnu/release
for exe in rd-agent.exe rd-agent-tray.exe; do
    [ -f "$bin_dir/$exe" ] || die "missing $bin_dir/$exe (build it first:" \
        "cargo build --release -p rd-agent -p rd-agent-tray --target x86_64-pc-windows-gnu)"
done
bin_dir=$(cd "$bin_dir" && pwd)

# --- The version: [package] version in the root Cargo.toml, without cargo; when that is
# `version.workspace = true`, the [workspace.package] version of the same file.
# The "version" line of one [SECTION] (up to the next [header]).
section_version() {
    awk -v want="[$1]" '
        /^[[:space:]]*\[/ { sub(/[[:space:]]*(#.*)?$/, ""); in_section = ($0 == want); next }
        in_section && /^[[:space:]]*version[[:space:]]*[.=]/ { print; exit }
    ' "$root/Cargo.toml"
}
quoted_value() { sed -n 's/^[^=]*=[[:space:]]*"\([^"]*\)".*/\1/p'; }
line=$(section_version package)
if printf '%s\n' "$line" | grep -Eq '^[[:space:]]*version[[:space:]]*\.[[:space:]]*workspace[[:space:]]*=[[:space:]]*true'; then
    line=$(section_version workspace.package)
fi
crate_version=$(printf '%s\n' "$line" | quoted_value)
[ -n "$crate_version" ] ||
    die "no version = \"...\" in [package] (or [workspace.package]) of $root/Cargo.toml"
# An MSI ProductVersion is major.minor.build, numbers only (255.255.65535 at most):
# a SemVer pre-release or build suffix (-rc.1, +abc) is dropped.
version=${crate_version%%[-+]*}
if ! [[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
    die "crate version '$crate_version' is not major.minor.patch"
fi
if [ "${BASH_REMATCH[1]}" -gt 255 ] || [ "${BASH_REMATCH[2]}" -gt 255 ] ||
   [ "${BASH_REMATCH[3]}" -gt 65535 ]; then
    die "crate version '$crate_version' exceeds the MSI limits 255.255.65535"
fi
[ "$version" = "$crate_version" ] ||
    echo "build-msi: note: crate version $crate_version becomes MSI version $version" >&2

# --- The output path, made absolute because wixl runs in the binaries' folder.
out=$1
out_dir=$(dirname "$out")
mkdir -p "$out_dir"
out=$(cd "$out_dir" && pwd)/$(basename "$out")
rm -f "$out"

# wixl finds File/@Source only relative to the current directory or the .wxs folder (an
# absolute path is rejected), so it runs in the binaries' folder with BinDir=".".
# It only warns about an attribute it does not know and then ignores it: any GLib WARNING or
# CRITICAL on its stderr fails the build.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "build-msi: wixl -a x64 -D Version=$version -D BinDir=. -o $out $wxs (in $bin_dir)"
status=0
(cd "$bin_dir" && wixl -v -a x64 -D "Version=$version" -D BinDir=. -o "$out" "$wxs") \
    2>"$log" || status=$?
cat "$log" >&2
[ "$status" -eq 0 ] || die "wixl failed (exit $status)"
if grep -Eq 'WARNING \*\*|CRITICAL \*\*' "$log"; then
    rm -f "$out"
    die "wixl printed warnings (see above); fix $wxs"
fi
[ -s "$out" ] || die "wixl wrote no $out"

"$here/check-msi.sh" "$out" "$version"
echo "build-msi: built $out (rd-agent $version)"
