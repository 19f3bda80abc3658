#!/usr/bin/env bash
# Checks an rd-agent MSI built by build-msi.sh: reads its tables with `msiinfo export` (msitools)
# and fails unless the service, both binaries, the shortcuts and the state folder are there.
#
#   installer/windows/check-msi.sh OUT.msi [VERSION]
#
# VERSION, when given, must equal the MSI's ProductVersion.
set -euo pipefail

usage() { echo "usage: $0 OUT.msi [VERSION]" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
msi=$1
want_version=${2:-}

command -v msiinfo >/dev/null 2>&1 || {
    echo "check-msi: msiinfo not found; install it with: apt-get install -y msitools" >&2
    exit 1
}
[ -f "$msi" ] || { echo "check-msi: no such file: $msi" >&2; exit 1; }

failures=0
fail() { echo "check-msi: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "check-msi: ok: $*"; }

# The rows of one table, tab-separated, without the three .idt header lines and without CR.
rows() {
    local out
    if ! out=$(msiinfo export "$msi" "$1" 2>/dev/null); then
        fail "table $1 is missing"
        return 0
    fi
    printf '%s\n' "$out" | tr -d '\r' | tail -n +4
}

# A long file name: the part after '|' when the column holds "short|long".
long_name() { sed 's/^[^|]*|//'; }

# --- Summary information: 64-bit package.
if msiinfo suminfo "$msi" | tr -d '\r' | grep -q '^Template: x64;'; then
    ok "Template x64"
else
    fail "summary Template is not x64 (build with wixl -a x64)"
fi

# --- File: both binaries, in components that install to INSTALLFOLDER.
files=$(rows File)
components=$(rows Component)
directories=$(rows Directory)
for exe in rd-agent.exe rd-agent-tray.exe; do
    comp=$(printf '%s\n' "$files" |
        awk -F'\t' -v exe="$exe" '{ n = $3; sub(/^[^|]*\|/, "", n) } n == exe { print $2; exit }')
    if [ -z "$comp" ]; then
        fail "File table has no $exe"
        continue
    fi
    dir=$(printf '%s\n' "$components" | awk -F'\t' -v c="$comp" '$1 == c { print $3; exit }')
    attrs=$(printf '%s\n' "$components" | awk -F'\t' -v c="$comp" '$1 == c { print $4; exit }')
    if [ "$dir" != INSTALLFOLDER ]; then
        fail "$exe is in component $comp of directory '${dir}', not INSTALLFOLDER"
    elif [ -z "$attrs" ] || [ $(( attrs & 256 )) -eq 0 ]; then
        fail "component $comp of $exe is not 64-bit (Win64=\"yes\")"
    else
        ok "File $exe (component $comp, INSTALLFOLDER, 64-bit)"
    fi
done

# --- Directory: C:\Program Files\rd-agent and %ProgramData%\rd-agent.
dir_row() { printf '%s\n' "$directories" | awk -F'\t' -v d="$1" '$1 == d { print $2 "\t" $3; exit }'; }
row=$(dir_row INSTALLFOLDER)
if [ "$(printf '%s' "$row" | cut -f1)" = ProgramFiles64Folder ] &&
   [ "$(printf '%s' "$row" | cut -f2 | long_name)" = rd-agent ]; then
    ok "INSTALLFOLDER = [ProgramFiles64Folder]rd-agent"
else
    fail "INSTALLFOLDER is not ProgramFiles64Folder\\rd-agent (row: '${row}')"
fi
row=$(dir_row DATAFOLDER)
if [ "$(printf '%s' "$row" | cut -f1)" = CommonAppDataFolder ] &&
   [ "$(printf '%s' "$row" | cut -f2 | long_name)" = rd-agent ]; then
    ok "DATAFOLDER = [CommonAppDataFolder]rd-agent"
else
    fail "DATAFOLDER is not CommonAppDataFolder\\rd-agent (row: '${row}')"
fi
if rows CreateFolder | awk -F'\t' '$1 == "DATAFOLDER" { found = 1 } END { exit !found }'; then
    ok "CreateFolder DATAFOLDER"
else
    fail "CreateFolder has no DATAFOLDER row"
fi

# --- ServiceInstall: rd-agent, own process, automatic, normal error control, LocalSystem,
# run as a service, installed with rd-agent.exe's component.
agent_comp=$(printf '%s\n' "$files" |
    awk -F'\t' '{ n = $3; sub(/^[^|]*\|/, "", n) } n == "rd-agent.exe" { print $2; exit }')
svc=$(rows ServiceInstall | awk -F'\t' '$2 == "rd-agent" { print; exit }')
if [ -z "$svc" ]; then
    fail "ServiceInstall has no service named rd-agent"
else
    # Tab is IFS white space to `read` (empty columns would collapse), so cut each column.
    col() { printf '%s\n' "$svc" | cut -f"$1"; }
    s_display=$(col 3) s_type=$(col 4) s_start=$(col 5) s_errctl=$(col 6)
    s_account=$(col 9) s_args=$(col 11) s_comp=$(col 12)
    s_ok=1
    [ $(( s_type & 16 )) -ne 0 ] || { fail "service type $s_type is not ownProcess (16)"; s_ok=0; }
    [ "$s_start" = 2 ] || { fail "service start type $s_start is not auto (2)"; s_ok=0; }
    [ "$s_errctl" = 1 ] || { fail "service error control $s_errctl is not normal (1)"; s_ok=0; }
    [ "$s_account" = LocalSystem ] || { fail "service account '$s_account' is not LocalSystem"; s_ok=0; }
    [ "$s_args" = "run --windows-service" ] ||
        { fail "service arguments '$s_args' are not 'run --windows-service'"; s_ok=0; }
    if [ -z "$agent_comp" ] || [ "$s_comp" != "$agent_comp" ]; then
        fail "service is in component '$s_comp', not rd-agent.exe's ('$agent_comp')"; s_ok=0
    fi
    if [ "$s_ok" = 1 ]; then
        ok "ServiceInstall rd-agent ($s_display): auto, LocalSystem, '$s_args'"
    fi
fi

# --- ServiceControl: start on install, stop on uninstall, delete on uninstall.
ctl=$(rows ServiceControl | awk -F'\t' '$2 == "rd-agent" { print $3; exit }')
if [ -z "$ctl" ]; then
    fail "ServiceControl has no row for rd-agent"
else
    c_ok=1
    [ $(( ctl & 1 )) -ne 0 ] || { fail "ServiceControl event $ctl does not start on install"; c_ok=0; }
    [ $(( ctl & 32 )) -ne 0 ] || { fail "ServiceControl event $ctl does not stop on uninstall"; c_ok=0; }
    [ $(( ctl & 128 )) -ne 0 ] || { fail "ServiceControl event $ctl does not delete on uninstall"; c_ok=0; }
    if [ "$c_ok" = 1 ]; then
        ok "ServiceControl rd-agent: event $ctl (start on install, stop+delete on uninstall)"
    fi
fi

# --- Shortcut: the tray in the all-users Startup folder, and one in the Start menu.
shortcuts=$(rows Shortcut)
if printf '%s\n' "$shortcuts" |
    awk -F'\t' '$2 == "StartupFolder" && $5 ~ /rd-agent-tray\.exe$/ { found = 1 } END { exit !found }'; then
    ok "Shortcut in StartupFolder to rd-agent-tray.exe"
else
    fail "Shortcut table has no StartupFolder shortcut to rd-agent-tray.exe"
fi
menu_dirs=$(printf '%s\n' "$directories" |
    awk -F'\t' '$1 == "ProgramMenuFolder" || $2 == "ProgramMenuFolder" { print $1 }')
if printf '%s\n' "$shortcuts" | awk -F'\t' -v dirs="$menu_dirs" '
        BEGIN { n = split(dirs, d, "\n"); for (i = 1; i <= n; i++) menu[d[i]] = 1 }
        ($2 in menu) && $5 ~ /rd-agent-tray\.exe$/ { found = 1 } END { exit !found }'; then
    ok "Shortcut in the Start menu to rd-agent-tray.exe"
else
    fail "Shortcut table has no Start-menu shortcut to rd-agent-tray.exe"
fi

# --- Who installed it: HKLM\Software\rd-agent InstallingUser, which the service reads at its
# start to add that account to the rd-agent group (src/platform/windows/operators.rs).
if rows Registry | awk -F'\t' '$2 == 2 && $3 == "Software\\rd-agent" && $4 == "InstallingUser" &&
        $5 == "[%USERDOMAIN]\\[LogonUser]" { found = 1 } END { exit !found }'; then
    ok "Registry HKLM\\Software\\rd-agent InstallingUser = [%USERDOMAIN]\\[LogonUser]"
else
    fail "Registry has no HKLM Software\\rd-agent InstallingUser = [%USERDOMAIN]\\[LogonUser] row"
fi

# --- Upgrades: MajorUpgrade rows and the downgrade launch condition.
upgrades=$(rows Upgrade)
if printf '%s\n' "$upgrades" | awk -F'\t' '$7 == "WIX_UPGRADE_DETECTED" { found = 1 } END { exit !found }' &&
   rows LaunchCondition | grep -q '^NOT WIX_DOWNGRADE_DETECTED'; then
    ok "MajorUpgrade (Upgrade rows and downgrade condition)"
else
    fail "no MajorUpgrade rows (Upgrade WIX_UPGRADE_DETECTED, LaunchCondition NOT WIX_DOWNGRADE_DETECTED)"
fi

# --- Properties: per-machine, and the version when asked.
properties=$(rows Property)
prop() { printf '%s\n' "$properties" | awk -F'\t' -v p="$1" '$1 == p { print $2; exit }'; }
if [ "$(prop ALLUSERS)" = 1 ]; then ok "ALLUSERS=1 (per-machine)"; else fail "ALLUSERS is not 1"; fi
version=$(prop ProductVersion)
if [ -n "$want_version" ] && [ "$version" != "$want_version" ]; then
    fail "ProductVersion '$version' is not '$want_version'"
else
    ok "ProductVersion $version"
fi

if [ "$failures" -ne 0 ]; then
    echo "check-msi: $msi: $failures check(s) failed" >&2
    exit 1
fi
echo "check-msi: $msi: all checks passed"
