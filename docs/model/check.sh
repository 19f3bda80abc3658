#!/usr/bin/env bash
# Check the login protocol model (login.pml) with spin, exhaustively.
#
#   docs/model/check.sh
#
# The correct model must verify with no error and a complete search; every
# broken variant, the known gap and every reachability witness must be
# reported violated. Exits non-zero otherwise. Works in a temporary directory:
# no pan.* or trail file is left behind. One core, at most MEMLIM_MB of memory
# per run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
model="$here/login.pml"
MEMLIM_MB=${MEMLIM_MB:-2048}   # pan stops (and this script fails) beyond it
DEPTH=${DEPTH:-10000}          # the model's deepest path is a few hundred steps
PAN_TIMEOUT=${PAN_TIMEOUT:-600}

die() { echo "check.sh: $*" >&2; exit 2; }

command -v spin >/dev/null 2>&1 ||
  die "spin is not installed (Debian/Ubuntu: apt-get install spin); nothing was checked"
command -v gcc >/dev/null 2>&1 ||
  die "gcc is not installed (Debian/Ubuntu: apt-get install gcc); nothing was checked"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) is not installed"
[[ -f "$model" ]] || die "no model at $model"

work=$(mktemp -d "${TMPDIR:-/tmp}/login-model.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$model" "$work/login.pml"
cd "$work"

failures=0

# run NAME EXPECT [spin -D flags...]; EXPECT is "pass" or "violation".
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
  (cd "$dir" && timeout "$PAN_TIMEOUT" nice -n 10 ./pan -m"$DEPTH" >"$log" 2>&1) || rc=$?

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
    'assertion violated 0'*|*'!(cancelled)'*|*'resolved[0]'*) violated="reached: $violated" ;;
  esac

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
    # A violation found is a violation, even if the search stopped there.
    if [[ -n "$errors" && "$errors" -ge 1 && -n "$violated" ]]; then
      verdict=ok
    fi
  fi

  local note=$violated
  [[ -n "$incomplete" ]] && note="$note [$incomplete]"
  printf '%-4s %-34s expect %-9s errors %-3s states %-10s depth %-5s %6ss  %s\n' \
    "$verdict" "$name" "$expect" "${errors:-?}" "${states:-?}" "${depth:-?}" "${secs:-?}" \
    "$note"
  if [[ $verdict != ok ]]; then
    failures=$((failures + 1))
    echo "---- last lines of pan's output for $name:" >&2
    tail -25 "$log" >&2
  fi
}

run correct                         pass
run NO_LOCK                         violation -DNO_LOCK
run SETTLE_ON_FIRST_LOGINREQUIRED   violation -DSETTLE_ON_FIRST_LOGINREQUIRED
run NO_LEDGER_FIRST                 violation -DNO_LEDGER_FIRST
run AGE_AFTER_STATUS                violation -DAGE_AFTER_STATUS
run WINDOW=MAXPROC                  violation -DWINDOW=2
run gap:STRICT_FORCE                violation -DSTRICT_FORCE
run witness:relogin-after-cancel    violation -DWITNESS=1
run witness:retry-after-unknown     violation -DWITNESS=2
run witness:settled-as-loggedin     violation -DWITNESS=3
run witness:live-owner-refused      violation -DWITNESS=4
run witness:young-unknown-waits     violation -DWITNESS=5

if [[ $failures -ne 0 ]]; then
  echo "check.sh: $failures check(s) FAILED" >&2
  exit 1
fi
echo "check.sh: all checks passed"
