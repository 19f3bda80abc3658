#!/usr/bin/env bash
# Check the login protocol model (login.pml) with spin, exhaustively.
#
#   docs/model/check.sh
#
# The correct model must verify with no error and a complete search; every
# broken variant, the known gap and every reachability witness must be
# reported violated. Exits non-zero otherwise. Works in a temporary directory:
# no pan.* or trail file is left behind. At most MEMLIM_MB of memory per run.
# The full search of the correct model runs on one core while the short runs
# (the broken variants and the witnesses) take turns on another; JOBS=1 runs
# everything one after the other.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
model="$here/login.pml"
MEMLIM_MB=${MEMLIM_MB:-2048}   # pan stops (and this script fails) beyond it
DEPTH=${DEPTH:-10000}          # the model's deepest path is a few hundred steps
PAN_TIMEOUT=${PAN_TIMEOUT:-600}
JOBS=${JOBS:-2}

die() { echo "check.sh: $*" >&2; exit 2; }

command -v spin >/dev/null 2>&1 ||
  die "spin is not installed (Debian/Ubuntu: apt-get install spin); nothing was checked"
command -v gcc >/dev/null 2>&1 ||
  die "gcc is not installed (Debian/Ubuntu: apt-get install gcc); nothing was checked"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) is not installed"
[[ -f "$model" ]] || die "no model at $model"

work=$(mktemp -d "${TMPDIR:-/tmp}/login-model.XXXXXX")
full=""
cleanup() {
  # the full search, if this script stops before it does (timeout passes the signal on)
  if [[ -n "$full" ]] && kill -0 "$full" 2>/dev/null; then
    if [[ -f "$work/correct/pan.pid" ]]; then
      kill "$(cat "$work/correct/pan.pid")" 2>/dev/null || true
    fi
    wait "$full" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cp "$model" "$work/login.pml"
cd "$work"

# run NAME EXPECT [spin -D flags...]; EXPECT is "pass", or the violation that
# must be found: "(a)" .. "(e)" for a property, "reached" for a witness.
run() {
  local name=$1 expect=$2
  shift 2
  local dir="$work/$name" log verdict
  mkdir "$dir"
  log="$dir/pan.out"
  if ! (cd "$dir" && spin -a "$@" ../login.pml >spin.out 2>&1); then
    cat "$dir/spin.out" >&2
    die "spin -a $* failed on the model"
  fi
  # The full search is worth -O2; a violation is found in a few hundred states.
  local opt=-O0
  [[ $expect == pass ]] && opt=-O2
  if ! (cd "$dir" && gcc "$opt" -w -DSAFETY -DCOLLAPSE -DMEMLIM="$MEMLIM_MB" -o pan pan.c \
        >gcc.out 2>&1); then
    cat "$dir/gcc.out" >&2
    die "gcc could not build the verifier for $name"
  fi
  local rc=0
  (cd "$dir" && exec timeout "$PAN_TIMEOUT" nice -n 10 ./pan -m"$DEPTH" >"$log" 2>&1) &
  echo $! >"$dir/pan.pid"
  wait $! || rc=$?

  local errors states depth secs violated
  errors=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$log" | tail -1)
  states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$log" | tail -1)
  depth=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$log" | tail -1)
  secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' "$log" | tail -1)
  violated=$(grep -m1 -E '^pan:[0-9]+: (assertion violated|invalid end state)' "$log" |
             sed 's/^pan:[0-9]*: *//; s/ (at depth [0-9]*)//' || true)
  case "$violated" in
    *'nopen==0'*) violated="(a) sent while one is open: $violated" ;;
    *'remote!='*|*'force||'*) violated="(b) sent after a login: $violated" ;;
    *'row[id]'*) violated="(c) received with no ledger row: $violated" ;;
    *'ipres'*) violated="(d) wrongly settled as loggedin: $violated" ;;
    *'gdecl<'*) violated="(e) a 3rd decline in a row sent: $violated" ;;
    *'gseq<'*) violated="(e+) a 3rd for the bank, no override for it: $violated" ;;
    'assertion violated 0'*|*'!(cancelled)'*|*'resolved[0]'*|*'ovr!='*|*'decl[0]||'*)
      violated="reached: $violated" ;;
  esac
  (( ${#violated} > 110 )) && violated="${violated:0:107}..."

  # Anything that makes a search incomplete or its numbers untrustworthy.
  local incomplete=""
  if [[ $rc -eq 124 ]]; then incomplete="timed out after ${PAN_TIMEOUT}s"
  elif grep -qi 'max search depth too small' "$log"; then incomplete="max search depth too small"
  elif grep -qiE 'out of memory|memory limit|memlim' "$log"; then incomplete="out of memory"
  elif [[ -z "$errors" || -z "$states" ]]; then incomplete="no result from pan (rc $rc)"
  fi

  verdict=FAIL
  if [[ $expect == pass ]]; then
    if [[ -z "$incomplete" && $rc -eq 0 && "$errors" == 0 ]] &&
       grep -q 'Full statespace search' "$log" &&
       ! grep -q 'Search not completed' "$log" &&
       awk '/unreached in proctype Login/{getline; exit !($0 ~ /\(0 of/)}' "$log"; then
      verdict=ok
    fi
  else
    # A violation found is a violation, even if the search stopped there; it
    # must be the one expected (a witness reached by another assertion is not).
    if [[ -n "$errors" && "$errors" -ge 1 && "$violated" == "$expect"* ]]; then
      verdict=ok
    fi
  fi

  local note=$violated
  [[ -n "$incomplete" ]] && note="$note [$incomplete]"
  printf '%-4s %-34s expect %-9s errors %-3s states %-10s depth %-5s %6ss  %s\n' \
    "$verdict" "$name" "$expect" "${errors:-?}" "${states:-?}" "${depth:-?}" "${secs:-?}" \
    "$note"
  if [[ $verdict != ok ]]; then
    touch "$dir/FAILED"
    echo "---- last lines of pan's output for $name:" >&2
    tail -25 "$log" >&2
  fi
}

run correct                         pass >"$work/correct.report" 2>&1 &
full=$!
full_rc=0
if [[ $JOBS -lt 2 ]]; then wait "$full" || full_rc=$?; full=""; cat "$work/correct.report"; fi

run NO_LOCK                            '(b)'     -DNO_LOCK
run SETTLE_ON_FIRST_LOGINREQUIRED      '(a)'     -DSETTLE_ON_FIRST_LOGINREQUIRED
run NO_LEDGER_FIRST                    '(c)'     -DNO_LEDGER_FIRST
run AGE_AFTER_STATUS                   '(b)'     -DAGE_AFTER_STATUS
run WINDOW=MAXPROC                     '(a)'     -DWINDOW=2
run NO_DECLINE_GUARD                   '(e)'     -DNO_DECLINE_GUARD
run UNKNOWN_NOT_COUNTED                '(e)'     -DUNKNOWN_NOT_COUNTED
run GUARD_OUTSIDE_LOCK                 '(e)'     -DGUARD_OUTSIDE_LOCK
run gap:STRICT_FORCE                   '(b)'     -DSTRICT_FORCE
run OVERRIDE_RESETS                    '(e+)'    -DOVERRIDE_RESETS
run witness:relogin-after-cancel       reached   -DWITNESS=1
run witness:retry-after-unknown        reached   -DWITNESS=2
run witness:settled-as-loggedin        reached   -DWITNESS=3
run witness:live-owner-refused         reached   -DWITNESS=4
run witness:young-unknown-waits        reached   -DWITNESS=5
run witness:override-after-declines    reached   -DWITNESS=6
run witness:guard-refuses              reached   -DWITNESS=7

if [[ -n "$full" ]]; then
  wait "$full" || full_rc=$?
  full=""
  cat "$work/correct.report"     # the full search, run alongside the others
fi
# a run that stopped before its verdict (spin or gcc failed) is a failure too
[[ $full_rc -eq 0 || -f "$work/correct/FAILED" ]] || touch "$work/correct.aborted"
failures=$(find "$work" -maxdepth 2 \( -name FAILED -o -name correct.aborted \) | wc -l)
if [[ $failures -ne 0 ]]; then
  echo "check.sh: $failures check(s) FAILED" >&2
  exit 1
fi
echo "check.sh: all checks passed"
