#!/usr/bin/env bash
# Property-based API tests of connpay-server against crates/connpay-server/openapi.yaml.
#
#   .ci/schemathesis.sh path/to/connpay-server
#
# Installs Schemathesis into a throwaway venv, starts the server on a free loopback port with
# a fresh SQLite store and no rate limits, runs every check with a fixed seed and a bounded
# number of examples, and exits non-zero if Schemathesis reports anything. The server is
# stopped on exit, whatever happens.
#
# Environment (all optional):
#   ST_MAX_EXAMPLES  test cases per operation and phase (default 40)
#   ST_SEED          Hypothesis seed (default 20261122)
#   ST_WORKERS       concurrent Schemathesis workers (default 1: with 2, CPython 3.11.7's
#                    ast.parse races in Hypothesis and the run ends in a Runtime Error)
#   ST_EXCLUDE       paths to leave out, space-separated, e.g. for a server built before
#                    /healthz and /metrics existed:
#                    ST_EXCLUDE="/healthz /metrics"
#   ST_PYTHON        interpreter for the venv (default python3)
#   ST_REPORT_DIR    if set, JUnit and NDJSON reports are written there
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5

die() {
    echo "schemathesis.sh: $*" >&2
    exit 1
}

[ $# -eq 1 ] || die "usage: $0 path/to/connpay-server"
BIN=$(realpath "$1") || die "no such file: $1"
[ -x "$BIN" ] || die "not an executable: $BIN"
HERE=$(cd "$(dirname "$0")" && pwd)
SCHEMA=$(realpath "$HERE/../crates/connpay-server/openapi.yaml")
[ -f "$SCHEMA" ] || die "no schema at $SCHEMA"
PYTHON=${ST_PYTHON:-python3}
command -v "$PYTHON" >/dev/null || die "$PYTHON is required (set ST_PYTHON to another interpreter)"

WORK=$(mktemp -d /tmp/connpay-st.XXXXXX)
SERVER_PID=""
cleanup() {
    local rc=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$rc" -ne 0 ] && [ -s "$WORK/server.log" ]; then
        echo "== the server's warnings and errors (last 40)" >&2
        grep -E ' (WARN|ERROR) ' "$WORK/server.log" | tail -n 40 >&2 || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== installing schemathesis $SCHEMATHESIS_VERSION into $WORK/venv"
"$PYTHON" -m venv "$WORK/venv" || die "$PYTHON -m venv failed (is python3-venv installed?)"
if ! "$WORK/venv/bin/pip" install --disable-pip-version-check -q \
    "schemathesis==$SCHEMATHESIS_VERSION"; then
    die "pip install schemathesis==$SCHEMATHESIS_VERSION failed"
fi
"$WORK/venv/bin/schemathesis" --version

echo "== starting $BIN"
# A UUID-shaped control key: ControlKey::parse drops the dashes and wants >= 16 hex bytes.
CONNPAY_ENDPOINT_ID=EP1 \
    CONNPAY_CONTROL_KEY=B17F59B4-A7DC-41B4-8FF9-37D986B43D20 \
    NO_COLOR=1 \
    "$BIN" --listen 127.0.0.1:0 --db "$WORK/st.sqlite3" \
    --rate-per-address 0 --rate-per-token 0 \
    >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!

PORT=""
for _ in $(seq 100); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$WORK/server.out")
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited before listening"
    sleep 0.1
done
[ -n "$PORT" ] || die "the server printed no 'listening on 127.0.0.1:PORT' line within 10 s"
echo "== server listening on 127.0.0.1:$PORT"

args=(
    run "$SCHEMA"
    --url "http://127.0.0.1:$PORT"
    --checks all
    --max-examples "${ST_MAX_EXAMPLES:-40}"
    --seed "${ST_SEED:-20261122}"
    --workers "${ST_WORKERS:-1}"
    --request-timeout 15
    --generation-database none
    --no-color
)
for path in ${ST_EXCLUDE:-}; do
    args+=(--exclude-path "$path")
done
if [ -n "${ST_REPORT_DIR:-}" ]; then
    mkdir -p "$ST_REPORT_DIR"
    args+=(--report "junit,ndjson" --report-dir "$(realpath "$ST_REPORT_DIR")")
fi

echo "== schemathesis ${args[*]}"
# Run from the temp dir so no schemathesis.toml or .hypothesis of the work tree is read or left.
(cd "$WORK" && "$WORK/venv/bin/schemathesis" "${args[@]}")
kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the run"
echo "== schemathesis found nothing"
