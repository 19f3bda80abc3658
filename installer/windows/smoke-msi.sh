#!/usr/bin/env bash
# Installs an rd-agent MSI under Wine, checks what it installed, and removes it again:
#
#   source installer/windows/wine-env.sh && bash installer/windows/smoke-msi.sh OUT.msi
#
# Needs the environment of wine-env.sh (WINEPREFIX and a running wineserver). Checks:
#   - `msiexec /i OUT.msi /qn` succeeds and leaves C:\Program Files\rd-agent\rd-agent.exe and
#     rd-agent-tray.exe;
#   - the rd-agent service is registered and RUNNING (the install starts it);
#   - `rd-agent.exe status --json` is answered by that service over its named pipe
#     ("via": "service");
#   - the service added the installing user to the rd-agent group and removed the MSI's record;
#   - the operator's first day on the page alone: `rd-agent.exe open --print-url` (no tray runs,
#     so it starts `rd-agent-tray.exe --page-only`, which writes page.json in the user's local
#     data directory in the prefix) prints the page's address; tests/page/msi.mjs opens it in
#     the host's headless Chromium (Wine's loopback is the host's), fills the Setup screen's
#     direct mode once with the sandbox's demo outlet, saves, clicks "Log in now" and sees
#     "Logged in for today", done by the service against `rd-agent.exe sandbox` (a simulated
#     scanner and the sandbox InstantPay). One `config init --no-input --base-url` sets the
#     sandbox's address beforehand: the page does not ask it (a shop uses the live API, the
#     default), and the sandbox's scanner is on the default ports;
#   - `status --state-dir` with the state directory in upper case reaches the same service;
#   - the service's log says it limited its state directory, and no file under ProgramData or
#     the users' profiles holds the client secret, the encryption key or the Aadhaar typed on
#     the page;
#   - stopped, then started with a broken config, the service stops at once with the config's
#     service-specific exit code (2) and the reason in its log; mended, it runs again;
#   - `msiexec /x` removes the files and the service.
# On failure it prints msiexec's log.
#
# Needs node, playwright-core in tests/page/node_modules (`npm install --no-save
# playwright-core@1` there) and Chromium (Debian's chromium, or CHROMIUM=/path): without them
# it fails, it never skips the page. SHOTS=DIR saves DIR/page-msi-wine-logged-in.png.
set -euo pipefail

die() {
    echo "smoke-msi: error: $*" >&2
    [ -f "${log:-}" ] && tr -d "\000\r" <"$log" | tail -n 20 >&2
    exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 OUT.msi" >&2; exit 2; }
[ -n "${WINEPREFIX:-}" ] || die "WINEPREFIX is not set: source installer/windows/wine-env.sh first"
repo=$(cd "$(dirname "$0")/../.." && pwd)
chromium=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$chromium" ] && [ -x "$chromium" ] || die "no Chromium (apt-get install chromium, or CHROMIUM=/path/to/chrome)"
command -v node >/dev/null 2>&1 || die "no node (apt-get install nodejs npm)"
[ -d "$repo/tests/page/node_modules/playwright-core" ] \
    || die "no playwright-core: (cd tests/page && npm install --no-save playwright-core@1)"
drive_c=$WINEPREFIX/drive_c
cp "$1" "$drive_c/rd-agent.msi"
log=$drive_c/rd-agent-install.log
dir="$drive_c/Program Files/rd-agent"

wine msiexec /i 'C:\rd-agent.msi' /qn /l*v 'C:\rd-agent-install.log' || die "msiexec /i failed ($?)"
for exe in rd-agent.exe rd-agent-tray.exe; do
    [ -f "$dir/$exe" ] || die "the install left no $dir/$exe"
done
query=$(wine sc query rd-agent 2>&1 | tr -d '\r') || die "the rd-agent service is not registered: $query"
grep -q "RUNNING" <<<"$query" || die "the rd-agent service is not running: $query"

# The service answers on its pipe (it may still be binding it: a few tries).
status=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    status=$(wine "C:\\Program Files\\rd-agent\\rd-agent.exe" status --json 2>/dev/null | tr -d '\r') || true
    grep -q '"via": "service"' <<<"$status" && break
    sleep 1
done
grep -q '"via": "service"' <<<"$status" || die "status was not answered by the service: $status"
# Not checked here: the failure actions the service sets at its first start (wixl cannot).
# Under Wine 8 `service status` reports restarts_on_failure false after that start, and Wine's
# sc.exe has no qfailure to tell whether the SCM kept them; it needs a real Windows.
echo "smoke-msi: installed; the service runs and answers status over its pipe"

exe='C:\Program Files\rd-agent\rd-agent.exe'
# Where the service keeps its config and state: %ProgramData%\rd-agent as the service sees it.
# Wine 8 gives a service C:\users\Public for %ProgramData% (a shell's wine gets C:\ProgramData,
# where the MSI made the folder), so it is found by the endpoint file the service wrote.
endpoint=$(find "$drive_c" -path '*/rd-agent/state/endpoint' -newer "$drive_c/rd-agent.msi" | head -n 1)
[ -n "$endpoint" ] || die "the service wrote no state/endpoint file"
state_unix=$(dirname "$endpoint")
# The config setup writes through the service, in its state directory (over the read-only
# defaults beside it).
config_file=$state_unix/config.toml
service_log_dir=$state_unix/logs
state=$(winepath -w "$state_unix" 2>/dev/null | tr -d '\r')
# The person who installed it may use it: the service added them to its group, once.
grep -rqs "added the installing user to the operators' group" "$service_log_dir" \
    || die "the service's log does not say it added the installing user to the rd-agent group"
if wine reg query 'HKLM\Software\rd-agent' /v InstallingUser >/dev/null 2>&1; then
    die "the MSI's record of the installing user is still there after the service started"
fi
echo "smoke-msi: the service added the installing user to the rd-agent group"
state_of() { wine sc query rd-agent 2>&1 | tr -d '\r'; }
wait_for() {
    for _ in $(seq 1 30); do
        state_of | grep -q "$1" && return 0
        sleep 1
    done
    die "the service did not reach $1: $(state_of)"
}

# The sandbox in a process of its own: its scanner on the first of the default RD ports, so
# only the platform's address differs from a shop's setup.
wine "$exe" sandbox --rd-port 11100 --api-port 18080 >/dev/null 2>&1 &
sandbox_pid=$!
page_pid=""
end_page() {
    # The page server `open` started ends after half an hour unused; end it now.
    [ -z "$page_pid" ] || wine taskkill /F /PID "$page_pid" >/dev/null 2>&1 || true
    page_pid=""
}
trap 'kill $sandbox_pid 2>/dev/null || true; end_page' EXIT
# The one value not typed on the page: the sandbox's address instead of the live API. No
# --config, no --state-dir: it goes to the installed service.
init=$(wine "$exe" --json config init --no-input --base-url http://127.0.0.1:18080 2>&1 | tr -d '\r') \
    || die "config init --base-url through the service failed: $init"
grep -q '"via_service": true' <<<"$init" || die "config init did not go through the service: $init"

# The operator's page: its address printed, the page server started with no tray. Into a file,
# not a pipe: the page server it starts in the background keeps Wine's descriptors.
opened=$drive_c/rd-agent-open.out
wine "$exe" open --print-url >"$opened" 2>&1 || die "rd-agent.exe open --print-url failed: $(tr -d '\r' <"$opened")"
url=$(tr -d '\r' <"$opened" | grep -m1 '^http://127\.0\.0\.1:[0-9]*/?token=') \
    || die "open --print-url printed no page address: $(tr -d '\r' <"$opened")"
page_json=$(find "$drive_c/users" -path '*/AppData/Local/rd-agent/*/page.json' | head -n 1)
[ -n "$page_json" ] || die "the page server wrote no page.json in the user's local data directory"
page_pid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$page_json")
echo "smoke-msi: the page is served by rd-agent-tray.exe --page-only at ${url%%\?*} (${page_json#"$drive_c"/})"

client_secret=sandbox-client-secret-not-real
encryption_key=SandboxEncryptionKey0123456789AB
aadhaar="9999 4105 7058"
shot=${SHOTS:+$SHOTS/page-msi-wine-logged-in.png}
CHROMIUM=$chromium PAGE_URL=$url SHOT=$shot CLIENT_SECRET=$client_secret \
    ENCRYPTION_KEY=$encryption_key AADHAAR=$aadhaar node "$repo/tests/page/msi.mjs" \
    || die "the operator's first day on the page failed (above)"
[ -f "$config_file" ] || die "setup on the page wrote no $config_file"
# The login the page asked for was the service's: its ledger has today logged in, one login
# charged, as `status` says.
status=$(wine "$exe" status --json 2>/dev/null | tr -d '\r') || true
grep -q '"via": "service"' <<<"$status" || die "status was not answered by the service: $status"
grep -q '"state": "logged_in"' <<<"$status" || die "the service's ledger does not say logged in: $status"
grep -Eq '"charged_today": 1,?$' <<<"$status" || die "not one charged login today: $status"
kill $sandbox_pid 2>/dev/null || true
page_port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$page_json")
end_page
for _ in $(seq 1 20); do
    (exec 3<>"/dev/tcp/127.0.0.1/$page_port") 2>/dev/null || break
    sleep 0.5
done
if (exec 3<>"/dev/tcp/127.0.0.1/$page_port") 2>/dev/null; then
    die "the page server still listens on $page_port after taskkill"
fi
echo "smoke-msi: set up and logged in on the page alone; the service did the login against the sandbox"

# The state directory spelt in another case leads to the same service.
shouted=$(tr '[:lower:]' '[:upper:]' <<<"$state")
status=$(wine "$exe" --state-dir "$shouted" status --json 2>/dev/null | tr -d '\r') || true
grep -q '"via": "service"' <<<"$status" || die "status with --state-dir $shouted did not reach the service: $status"
# The service limited its state directory at start (Wine keeps no DACL; Windows does).
grep -rqs "state directory limited to SYSTEM and Administrators" "$service_log_dir" \
    || die "the service's log does not say it limited its state directory"
# No secret in the clear anywhere the service, the MSI or a user writes.
for secret in "$client_secret" "$encryption_key" "$aadhaar" "${aadhaar// /}"; do
    found=$(grep -rlaF -- "$secret" "$drive_c/ProgramData" "$drive_c/users" 2>/dev/null || true)
    [ -z "$found" ] || die "a secret is in the clear in: $found"
done
echo "smoke-msi: the state directory in another case reaches the service; no secret in the clear"

# A broken config: the SCM hears why at once (no start timeout), and so does the log.
wine sc stop rd-agent >/dev/null 2>&1 || true
wait_for STOPPED
cp "$config_file" "$config_file.good"
printf 'this is [not toml\n' >"$config_file"
wine sc start rd-agent >/dev/null 2>&1 || true
wait_for STOPPED
query=$(state_of)
grep -Eq "SERVICE_EXIT_CODE *: *2 " <<<"$query" || die "no service-specific exit code 2: $query"
grep -rqs "not valid TOML" "$service_log_dir" || die "the service's log does not say why it stopped"
mv "$config_file.good" "$config_file"
wine sc start rd-agent >/dev/null 2>&1 || true
wait_for RUNNING
echo "smoke-msi: a broken config stops the service with exit code 2 and a reason; mended, it runs"

log=$drive_c/rd-agent-uninstall.log
wine msiexec /x 'C:\rd-agent.msi' /qn /l*v 'C:\rd-agent-uninstall.log' || die "msiexec /x failed ($?)"
[ ! -e "$dir/rd-agent.exe" ] || die "the uninstall left $dir/rd-agent.exe"
if wine sc query rd-agent 2>&1 | tr -d '\r' | grep -q "RUNNING"; then
    die "the rd-agent service still runs after the uninstall"
fi
echo "smoke-msi: removed"
