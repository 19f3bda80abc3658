#!/bin/sh
# The operator's page in a real browser: a sandbox (simulated RD Service and InstantPay), a
# service on it that is not set up, `rd-agent open --print-url` (which starts the page without
# a tray), then tests/page/page.mjs drives headless Chromium: setup on the page, the Today
# screen's login, the history and the checks, the security rules; then a day the bank
# cancelled; then the decline guard's login (a sandbox that declines every finger) and a new
# scanner's (the ledger's usual scanner is another one); then a second service enrolled in a
# sandbox login relay (`rd-relay --sandbox`) from the page.
#
#   cargo build -p rd-agent -p rd-agent-tray -p rd-relay
#   (cd tests/page && npm install --no-save playwright-core@1)
#   tests/page/run.sh [target dir]          # screenshots: SHOTS=docs tests/page/run.sh
#
# Needs Chromium (Debian: apt-get install chromium; or CHROMIUM=/path/to/chrome) and sqlite3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${CARGO_TARGET_DIR:-$here/../../target}/debug}
tmp=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    # The page server `open` started ends with its own idle timer; end it now.
    if [ -f "$tmp/run/rd-agent/page.json" ]; then
        kill "$(sed 's/.*"pid":\([0-9]*\).*/\1/' "$tmp/run/rd-agent/page.json")" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rd_port=$(free_port)
api_port=$(free_port)
state="$tmp/state"
mkdir -p "$state" "$tmp/run"
chmod 700 "$tmp/run"
export XDG_RUNTIME_DIR="$tmp/run"
unset RD_AGENT_CONFIG RD_AGENT_STATE_DIR RD_AGENT_SOCKET

# A finger that takes 4 s to land, so the countdown shows.
start_sandbox() {
    "$bin/rd-agent" sandbox --rd-port "$rd_port" --api-port "$api_port" --delay-ms 4000 "$@" >>"$tmp/sandbox.log" 2>&1 &
    sandbox_pid=$!
    pids="$pids $sandbox_pid"
}
start_sandbox
# What setup does not ask (the platform's address and the scanner's ports) is there already,
# as an installer's defaults would give it; everything else is typed on the page.
cat >"$state/config.toml" <<TOML
[instantpay]
base_url = "http://127.0.0.1:$api_port"
[rd]
host = "127.0.0.1"
ports = "$rd_port"
TOML
rda() { "$bin/rd-agent" --state-dir "$state" "$@"; }
start_service() {
    "$bin/rd-agent" --state-dir "$state" run >>"$tmp/service.log" 2>&1 &
    service_pid=$!
    pids="$pids $service_pid"
    i=0
    until "$bin/rd-agent" --state-dir "$state" status >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/service.log"; exit 1; }
        sleep 0.2
    done
}
start_service

start=$(date +%s)
url=$(rda open --print-url)
echo "page: ${url%%\?*}"
PAGE_URL="$url" PAGE_URL_AGAIN="$(rda open --print-url)" SHOTS="${SHOTS:-}" \
    node "$here/page.mjs"

# The bank cancels the day: a fresh sandbox InstantPay has forgotten the login the ledger
# remembers. The page server reconnects to the restarted service by itself.
kill "$sandbox_pid" "$service_pid"
wait "$sandbox_pid" "$service_pid" 2>/dev/null || true
start_sandbox
start_service
PHASE=cancelled PAGE_URL="$(rda open --print-url)" PAGE_URL_AGAIN="$(rda open --print-url)" \
    SHOTS="${SHOTS:-}" node "$here/page.mjs"

# The page server follows one service: end it, so the next `open` starts one for the next.
end_page() {
    kill "$(sed 's/.*"pid":\([0-9]*\).*/\1/' "$tmp/run/rd-agent/page.json")" 2>/dev/null || true
    rm -f "$tmp/run/rd-agent/page.json"
}
# The shop's settings and secrets as the page saved them, with a ledger of its own.
shop_copy() {
    mkdir -p "$1"
    chmod 700 "$1"
    cp -p "$tmp/state/config.toml" "$tmp/state/secrets.toml" "$1/"
}
stop_shop() {
    kill "$sandbox_pid" "$service_pid"
    wait "$sandbox_pid" "$service_pid" 2>/dev/null || true
    end_page
}

# The decline guard: a sandbox InstantPay that declines every finger (charged), two declined
# logins, then the guard's question and its one login.
stop_shop
start_sandbox --decline-fingers
state="$tmp/declines"
shop_copy "$state"
start_service
PHASE=declines PAGE_URL="$(rda open --print-url)" PAGE_URL_AGAIN="$(rda open --print-url)" \
    SHOTS="${SHOTS:-}" node "$here/page.mjs"

# A new scanner: the shop's usual scanner (in the ledger) is another one than the sandbox's.
stop_shop
start_sandbox
state="$tmp/scanner"
shop_copy "$state"
start_service
i=0
until sqlite3 "$state/ledger.sqlite3" "SELECT rd_port FROM pinned_device" >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "no ledger in $state"; exit 1; }
    sleep 0.2
done
sqlite3 "$state/ledger.sqlite3" "INSERT INTO pinned_device (id, dp_id, mi, srno, mc_sha256, pinned_at)
    VALUES (1, 'STARTEK.ACPL', 'FM220U', 'SBX-USUAL-0001', '00', '2026-01-01T00:00:00.000000Z')"
PHASE=scanner PAGE_URL="$(rda open --print-url)" PAGE_URL_AGAIN="$(rda open --print-url)" \
    SHOTS="${SHOTS:-}" node "$here/page.mjs"

# Fleet: a second PC's service, not set up, enrolled from the page with the code a sandbox
# relay prints. The page server follows one service: the first one's is ended.
stop_shop
start_sandbox
relay_port=$(free_port)
"$bin/rd-relay" --sandbox --listen "127.0.0.1:$relay_port" >"$tmp/relay.log" 2>&1 &
pids="$pids $!"
i=0
until grep -q "enrolment code:" "$tmp/relay.log"; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/relay.log"; exit 1; }
    sleep 0.2
done
code=$(sed -n 's/.*enrolment code: *//p' "$tmp/relay.log" | head -1)
state="$tmp/fleet"
mkdir -p "$state"
chmod 700 "$state"
printf '[rd]\nhost = "127.0.0.1"\nports = "%s"\n' "$rd_port" >"$state/config.toml"
start_service
PHASE=fleet RELAY_URL="http://127.0.0.1:$relay_port" ENROL_CODE="$code" \
    PAGE_URL="$(rda open --print-url)" PAGE_URL_AGAIN="$(rda open --print-url)" \
    SHOTS="${SHOTS:-}" node "$here/page.mjs"
echo "browser test: $(( $(date +%s) - start )) s"
