#!/bin/bash
# Retakes the README's tray screenshots with the real pieces: `rd-agent sandbox`, `rd-agent run`
# on it, and `rd-agent tray` under Xvfb, a D-Bus session and xfce4-panel's StatusNotifier tray;
# then clicks "Log in now" in the tray's menu. Needs Debian's xvfb, dbus-x11, xfce4-panel,
# imagemagick and xdotool (and a Devanagari font, fonts-lohit-deva, for Hindi). The click
# positions fit xfce4-panel's default layout at 480x300.
#
# `docs/tray-screenshots.sh hi` runs the tray in a Hindi locale (LANG=hi_IN.UTF-8) and saves the
# pictures as tray-*-hi.png.
set -u
L=${1:-}
SUFFIX=${L:+-$L}
TRAY_LANG=${L:+${L}_IN.UTF-8}
export SUFFIX TRAY_LANG
cd "$(dirname "$0")/.."
cargo build -q -p rd-agent -p rd-agent-tray
B=$PWD/target/debug/rd-agent
W=$(mktemp -d)
OUT=$PWD/docs
export W OUT
mkdir -p "$W/home"
D=$W/state; rm -rf $D; mkdir -p $D; chmod 700 $D
G="--state-dir $D --config $D/config.toml"
$B sandbox --vendor mantra-mfs100 --rd-port 11170 --api-port 18090 > $W/sandbox.log 2>&1 &
SP=$!
sleep 1
$B $G config init --no-input --base-url http://127.0.0.1:18090 --client-id SBXCLIENT0001 --outlet-id 100001 --endpoint-ip 127.0.0.1 --latitude 28.6139 --longitude 77.2090 --rd-ports 11170-11170 >/dev/null
echo -n sandbox-client-secret-not-real | $B $G config set-secret instantpay.client_secret >/dev/null
echo -n SandboxEncryptionKey0123456789AB | $B $G config set-secret instantpay.encryption_key >/dev/null
echo -n "9999 4105 7058" | $B $G config set-secret operator.aadhaar >/dev/null
$B $G run > $W/run.log 2>&1 &
RP=$!
sleep 2
$B $G status
export HOME=$W/home DISPLAY=:98
Xvfb :98 -screen 0 480x300x24 -nolisten tcp >$W/xvfb.log 2>&1 &
XPID=$!
sleep 1
dbus-run-session -- bash -c '
  xfce4-panel --disable-wm-check >$W/panel.log 2>&1 &
  PP=$!
  sleep 4
  env ${TRAY_LANG:+LANG=$TRAY_LANG} '"$B $G"' tray >$W/tray.log 2>&1 &
  TP=$!
  sleep 4
  import -window root $W/before.png
  xdotool mousemove 329 12; sleep 3
  import -window root $OUT/tray-tooltip$SUFFIX.png
  xdotool mousemove 329 12 click 3; sleep 2
  import -window root $OUT/tray-menu$SUFFIX.png
  xdotool search --name . getwindowgeometry > $W/windows.txt 2>/dev/null
  xdotool mousemove_relative 30 22 click 1; sleep 4
  xdotool mousemove 200 200; sleep 1; xdotool mousemove 329 12; sleep 3
  import -window root $OUT/tray-logged-in$SUFFIX.png
  kill $TP; sleep 1; kill $PP 2>/dev/null; sleep 1
'
kill $RP; sleep 1; kill $SP $XPID 2>/dev/null
wait 2>/dev/null
