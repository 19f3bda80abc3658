#!/bin/bash
# Takes the README's pictures of "Log in now" counting down and of "Log in again" after the bank
# cancelled the day's login, with the real pieces: `rd-agent sandbox` (whose RD Service waits
# 9 s before it answers a capture, as a finger placement would), `rd-agent run` on it, and
# `rd-agent tray` under Xvfb, a D-Bus session and xfce4-panel's StatusNotifier tray. The
# cancelled day is made as a bank makes it: after the login, the sandbox InstantPay restarts
# (forgetting it) and so does the service, whose check then says login required while the
# ledger has today's login. Needs what docs/tray-screenshots.sh needs; the click positions fit
# xfce4-panel's default layout at 480x300.
#
# `docs/tray-login-screenshots.sh hi` runs the tray in Hindi and saves tray-*-hi.png.
set -u
L=${1:-}
SUFFIX=${L:+-$L}
TRAY_LANG=${L:+${L}_IN.UTF-8}
export SUFFIX TRAY_LANG
cd "$(dirname "$0")/.."
cargo build -q -p rd-agent -p rd-agent-tray
W=$(mktemp -d)
# Copies, side by side as installed (`rd-agent tray` starts the tray beside it), so that a
# build sharing the target directory cannot swap them mid-run.
mkdir -p $W/bin
cp ${CARGO_TARGET_DIR:-$PWD/target}/debug/rd-agent ${CARGO_TARGET_DIR:-$PWD/target}/debug/rd-agent-tray $W/bin/
B=$W/bin/rd-agent
OUT=$PWD/docs
export W OUT B
mkdir -p "$W/home"
D=$W/state; mkdir -p $D; chmod 700 $D
G="--state-dir $D --config $D/config.toml"
export G
SANDBOX="$B sandbox --vendor mantra-mfs100 --rd-port 11171 --api-port 18091 --delay-ms 9000"
$SANDBOX > $W/sandbox.log 2>&1 &
SP=$!
sleep 1
$B $G config init --no-input --base-url http://127.0.0.1:18091 --client-id SBXCLIENT0001 --outlet-id 100001 --endpoint-ip 127.0.0.1 --latitude 28.6139 --longitude 77.2090 --rd-ports 11171-11171 >/dev/null
echo -n sandbox-client-secret-not-real | $B $G config set-secret instantpay.client_secret >/dev/null
echo -n SandboxEncryptionKey0123456789AB | $B $G config set-secret instantpay.encryption_key >/dev/null
echo -n "9999 4105 7058" | $B $G config set-secret operator.aadhaar >/dev/null
$B $G run > $W/run.log 2>&1 &
RP=$!
sleep 2
export HOME=$W/home DISPLAY=:97
Xvfb :97 -screen 0 480x300x24 -nolisten tcp >$W/xvfb.log 2>&1 &
XPID=$!
sleep 1
cat > $W/desktop.sh <<'DESKTOP'
# The tray icon's centre on the panel: its disc's colour (crates/tray/src/icon.rs).
icon_x() {
  import -window root -crop 480x24+0+0 $W/bar.png
  convert $W/bar.png txt:- | grep -i -E '#(F09A0E|2E9D4F|D32F2F|1E6FD9)' |
    sed -E 's/^([0-9]+),.*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
# Hover the icon afresh (a panel shows the tooltip it had when the pointer came).
hover() { xdotool mousemove 200 200; sleep 0.5; xdotool mousemove $X 12; sleep ${1:-3}; }
xfce4-panel --disable-wm-check >$W/panel.log 2>&1 &
PP=$!
sleep 4
env ${TRAY_LANG:+LANG=$TRAY_LANG} $B $G tray >$W/tray.log 2>&1 &
TP=$!
sleep 4
X=$(icon_x)
echo "icon at x=$X"
# "Log in now" from the menu, then the pointer back on the icon while the scanner waits.
# The menu opens to the left of an icon near the screen's right edge: its first entry is
# 30 px down, 80 px left.
xdotool mousemove $X 12 click 3; sleep 2
xdotool mousemove $((X - 80)) 42 click 1
hover 3
import -window root $OUT/tray-countdown$SUFFIX.png
sleep 10
touch $W/logged-in
while [ ! -e $W/cancelled ]; do sleep 0.5; done
sleep 8
X=$(icon_x)
hover 3
import -window root $OUT/tray-login-again-tooltip$SUFFIX.png
xdotool mousemove $X 12 click 3; sleep 2
import -window root $OUT/tray-login-again$SUFFIX.png
xdotool mousemove $((X - 80)) 42 click 1; sleep 1
xdotool mousemove $X 12 click 3; sleep 2
import -window root $OUT/tray-login-again-confirm$SUFFIX.png
xdotool key Escape
kill $TP; sleep 1; kill $PP 2>/dev/null; sleep 1
DESKTOP
dbus-run-session -- bash $W/desktop.sh &
DP=$!
while [ ! -e $W/logged-in ]; do sleep 0.5; done
$B $G status
# The bank cancels the day: InstantPay forgets the login, the service checks again.
kill $SP $RP; sleep 1
$SANDBOX >> $W/sandbox.log 2>&1 &
SP=$!
sleep 1
$B $G run >> $W/run.log 2>&1 &
RP=$!
sleep 2
$B $G status
touch $W/cancelled
wait $DP
kill $RP; sleep 1; kill $SP $XPID 2>/dev/null
wait 2>/dev/null
echo "work files in $W"
