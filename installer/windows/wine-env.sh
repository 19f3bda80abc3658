#!/usr/bin/env bash
# A throwaway Wine 8 environment for running x86_64-pc-windows-gnu binaries (the Rust test suite,
# smoke runs) on Debian 12.
#
# Sourced (CI, or a developer's shell):
#
#     source installer/windows/wine-env.sh          # returns non-zero, with a message, on failure
#     trap 'wine_env_stop' EXIT                     # or add wine_env_stop to an existing EXIT trap
#     cargo test --target x86_64-pc-windows-gnu --config "$WINE_ENV_CARGO_RUNNER"
#     wine target/x86_64-pc-windows-gnu/debug/rd-agent.exe --version
#     wine_env_stop
#
# Run as a command, it sets the environment up, runs the command in it, tears it down and exits
# with the command's status:
#
#     installer/windows/wine-env.sh cargo test --target x86_64-pc-windows-gnu \
#         --config 'target.x86_64-pc-windows-gnu.runner="wine"'
#
# What it does:
#   - installs wine, wine64 and gcc-mingw-w64-x86-64 with apt-get if any is missing (as root);
#   - creates a fresh 64-bit prefix, WINEPREFIX=${TMPDIR:-/tmp}/rd-agent-wine.XXXXXX/prefix
#     (`wineboot -i`, then `wineserver -w`), with Mono and Gecko turned off;
#   - replaces the prefix's links to $HOME (Desktop, Documents, ...) with empty directories;
#   - builds bcryptprimitives.c (next to this file) into bcryptprimitives.dll and copies it into
#     the prefix's system32: Wine 8 has no bcryptprimitives.dll, and Rust's std imports
#     ProcessPrng from it, so no Rust .exe loads without it;
#   - starts one persistent wineserver (`wineserver -p`) for the whole run, so each test binary
#     does not pay for a server start and the prefix's services stay up;
#   - checks the result by running a small probe .exe that loads ProcessPrng from the prefix
#     and draws random bytes with it;
#   - exports WINEPREFIX, WINEARCH=win64, WINEDEBUG=-all, WINEDLLOVERRIDES="mscoree,mshtml=",
#     DISPLAY= (console programs need no X server), and WINE_ENV_CARGO_RUNNER, the --config
#     value that makes cargo run test binaries with `wine`.
#
# The runner must be given with --config, not CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER: assert_cmd
# reads that variable too, and would then start `wine` from inside Wine. If it is set, it is unset
# here (and put back by wine_env_stop).
#
# wine_env_stop kills the wineserver and everything in the prefix (`wineserver -k`), removes the
# prefix and puts back the variables this file changed. It always returns 0, so it is safe in an
# EXIT trap, and calling it twice is harmless.
#
# This file does not change the caller's shell options or traps.
#
# Things to know when using it:
#   - The prefix is about 700 MB (Wine 8 copies its DLLs into system32) and takes 15-20 s to
#     create on 2 cores; each program start under the warm wineserver costs about 0.3-0.6 s.
#   - Wine's background processes keep whatever stdout/stderr the program that started them had,
#     until wine_env_stop. They are started here on a log file, so `$(wine ...)` and
#     `wine ... | tee` are safe afterwards.
#   - A program that fails to load prints nothing with WINEDEBUG=-all (a missing DLL is exit
#     code 53). To see why, run it with WINEDEBUG=-all,err+module (keep "-all" in front, or
#     Debian's wine wrapper prints a hint about wine32 on every start).
#   - Wine 8 does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE nor named-pipe DACLs: a second
#     first_pipe_instance(true) server on the same name succeeds, and a client opens a pipe whose
#     DACL grants nothing. Tests of those refusals must be skipped under Wine (a program can tell
#     it runs under Wine: ntdll.dll exports wine_get_version).

if [ -z "${BASH_VERSION:-}" ]; then
    echo "wine-env: ERROR: this file needs bash" >&2
    # shellcheck disable=SC2317  # exit when run, not sourced
    return 1 2>/dev/null || exit 1
fi

_wine_env_say() { echo "wine-env: $*" >&2; }
_wine_env_fail() { echo "wine-env: ERROR: $*" >&2; return 1; }

# Debian's wine64 package puts its loader at /usr/lib/wine/wine64, not on PATH; /usr/bin/wine is
# a wrapper that runs it.
_wine_env_have_wine64() {
    command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ]
}

_wine_env_install() {
    local missing=()
    command -v wine >/dev/null 2>&1 && command -v wineserver >/dev/null 2>&1 || missing+=(wine)
    _wine_env_have_wine64 || missing+=(wine64)
    command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
    [ ${#missing[@]} -eq 0 ] && return 0

    if ! command -v apt-get >/dev/null 2>&1; then
        _wine_env_fail "missing ${missing[*]} and there is no apt-get here; install Wine (64-bit) and the mingw-w64 x86_64 C compiler"
        return 1
    fi
    if [ "$(id -u)" != 0 ]; then
        _wine_env_fail "missing ${missing[*]}; as root, run: apt-get install -y wine wine64 gcc-mingw-w64-x86-64"
        return 1
    fi
    _wine_env_say "missing ${missing[*]}: installing wine wine64 gcc-mingw-w64-x86-64 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update \
        || { _wine_env_fail "apt-get update failed"; return 1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y wine wine64 gcc-mingw-w64-x86-64 \
        || { _wine_env_fail "apt-get install wine wine64 gcc-mingw-w64-x86-64 failed"; return 1; }

    command -v wine >/dev/null 2>&1 || { _wine_env_fail "wine is still not on PATH after apt-get install"; return 1; }
    command -v wineserver >/dev/null 2>&1 || { _wine_env_fail "wineserver is still not on PATH after apt-get install"; return 1; }
    _wine_env_have_wine64 || { _wine_env_fail "no 64-bit Wine loader (wine64) after apt-get install"; return 1; }
    command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 \
        || { _wine_env_fail "x86_64-w64-mingw32-gcc is still not on PATH after apt-get install"; return 1; }
}

# Save a variable's current state (set or not, and its value) so wine_env_stop can restore it.
_wine_env_save_var() {
    if [ -n "${!1+set}" ]; then
        _WINE_ENV_SAVED+=("$1=set:${!1}")
    else
        _WINE_ENV_SAVED+=("$1=unset:")
    fi
}

_wine_env_restore_vars() {
    local entry name rest
    for entry in "${_WINE_ENV_SAVED[@]+"${_WINE_ENV_SAVED[@]}"}"; do
        name=${entry%%=*}
        rest=${entry#*=}
        case "$rest" in
            set:*) export "$name=${rest#set:}" ;;
            *) unset "$name" ;;
        esac
    done
    _WINE_ENV_SAVED=()
}

# A probe: loads ProcessPrng from bcryptprimitives.dll the way std does, draws bytes, prints "ok".
_wine_env_probe_source() {
    cat <<'EOF'
#include <windows.h>
#include <stdio.h>
typedef BOOL (WINAPI *prng_fn)(PBYTE, SIZE_T);
int main(void)
{
    unsigned char buf[64] = {0};
    int i, nonzero = 0;
    HMODULE dll = LoadLibraryA("bcryptprimitives.dll");
    prng_fn prng;
    if (!dll) { printf("LoadLibrary(bcryptprimitives.dll) failed: %lu\n", GetLastError()); return 2; }
    prng = (prng_fn)(void *)GetProcAddress(dll, "ProcessPrng");
    if (!prng) { printf("bcryptprimitives.dll has no ProcessPrng\n"); return 3; }
    if (!prng(buf, sizeof buf)) { printf("ProcessPrng returned FALSE\n"); return 4; }
    for (i = 0; i < (int)sizeof buf; i++) nonzero += buf[i] != 0;
    if (nonzero < 8) { printf("ProcessPrng left the buffer (almost) all zero\n"); return 5; }
    printf("ok\n");
    return 0;
}
EOF
}

_wine_env_start() {
    local here src dir start
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || { _wine_env_fail "cannot find this script's directory"; return 1; }
    src="$here/bcryptprimitives.c"
    [ -f "$src" ] || { _wine_env_fail "missing $src"; return 1; }
    if [ -n "${WINE_ENV_DIR:-}" ] && [ -d "$WINE_ENV_DIR" ]; then
        _wine_env_fail "a Wine environment is already set up in $WINE_ENV_DIR; run wine_env_stop first"
        return 1
    fi
    command -v timeout >/dev/null 2>&1 || { _wine_env_fail "timeout (coreutils) is not on PATH"; return 1; }

    _wine_env_install || return 1

    _WINE_ENV_SAVED=()
    _WINE_ENV_OWNED=1   # from here on, a failure is cleaned up by wine_env_stop
    local v
    for v in WINEPREFIX WINEARCH WINEDEBUG WINEDLLOVERRIDES DISPLAY WINE_ENV_DIR \
            WINE_ENV_CARGO_RUNNER CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER; do
        _wine_env_save_var "$v"
    done

    dir=$(mktemp -d "${TMPDIR:-/tmp}/rd-agent-wine.XXXXXX") || { _wine_env_fail "mktemp -d under ${TMPDIR:-/tmp} failed"; return 1; }
    export WINE_ENV_DIR="$dir"
    export WINEPREFIX="$dir/prefix"
    export WINEARCH=win64
    export WINEDEBUG=-all
    export WINEDLLOVERRIDES="mscoree,mshtml="
    export DISPLAY=
    export WINE_ENV_CARGO_RUNNER='target.x86_64-pc-windows-gnu.runner="wine"'
    if [ -n "${CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER+set}" ]; then
        _wine_env_say "unsetting CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER (assert_cmd would run wine inside Wine); use --config \"\$WINE_ENV_CARGO_RUNNER\""
        unset CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER
    fi

    _wine_env_say "building bcryptprimitives.dll"
    x86_64-w64-mingw32-gcc -shared -O2 -s -Wall -o "$dir/bcryptprimitives.dll" "$src" -lbcrypt \
        || { _wine_env_fail "building $src with x86_64-w64-mingw32-gcc failed"; return 1; }
    _wine_env_probe_source | x86_64-w64-mingw32-gcc -O2 -s -x c -o "$dir/probe.exe" - \
        || { _wine_env_fail "building the ProcessPrng probe failed"; return 1; }

    # Wine's output goes to files, never to a pipe: the processes Wine starts in the background
    # (services.exe, winedevice.exe, plugplay.exe, ...) inherit stdout and stderr and live as long
    # as the wineserver, so `$(wine ...)` or `wine ... | cmd` would wait for them.
    _wine_env_say "creating the prefix $WINEPREFIX"
    start=$SECONDS
    if ! timeout 300 wine wineboot -i </dev/null >"$dir/wineboot.log" 2>&1; then
        cat "$dir/wineboot.log" >&2
        _wine_env_fail "wine wineboot -i failed or took over 300 s"
        return 1
    fi
    timeout 300 wineserver -w \
        || { _wine_env_fail "wineserver -w failed or took over 300 s after wineboot"; return 1; }
    if [ ! -f "$WINEPREFIX/system.reg" ] || [ ! -f "$WINEPREFIX/drive_c/windows/system32/kernel32.dll" ]; then
        cat "$dir/wineboot.log" >&2
        _wine_env_fail "wineboot did not create a usable prefix in $WINEPREFIX"
        return 1
    fi
    grep -q '^#arch=win64' "$WINEPREFIX/system.reg" \
        || { _wine_env_fail "the prefix is not 64-bit (system.reg has no #arch=win64)"; return 1; }
    _wine_env_say "prefix created in $((SECONDS - start)) s"

    # wineboot links the user's Desktop, Documents, Downloads, ... to the real $HOME; make them
    # plain directories so nothing a test writes there leaves the prefix.
    local link
    for link in "$WINEPREFIX"/drive_c/users/*/*; do
        if [ -L "$link" ]; then
            if ! { rm -f "$link" && mkdir "$link"; }; then
                _wine_env_fail "cannot replace the symlink $link with a directory"
                return 1
            fi
        fi
    done

    cp "$dir/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
        || { _wine_env_fail "copying bcryptprimitives.dll into system32 failed"; return 1; }

    wineserver -p </dev/null >>"$dir/wineboot.log" 2>&1 \
        || { _wine_env_fail "starting the persistent wineserver (wineserver -p) failed"; return 1; }
    # Start the prefix's background processes now, on the log file, so that they do not hold on
    # to the stdout of the first program the caller runs.
    timeout 120 wine wineboot </dev/null >>"$dir/wineboot.log" 2>&1 \
        || { cat "$dir/wineboot.log" >&2; _wine_env_fail "wine wineboot (starting the prefix's services) failed"; return 1; }

    timeout 120 wine "$dir/probe.exe" </dev/null >"$dir/probe.log" 2>&1 || true
    if [ "$(tr -d '\r' <"$dir/probe.log")" != ok ]; then
        cat "$dir/probe.log" >&2
        _wine_env_fail "the ProcessPrng probe ($dir/probe.exe) did not print ok under wine"
        return 1
    fi
    _wine_env_say "ready: $(wine --version 2>/dev/null), WINEPREFIX=$WINEPREFIX (ProcessPrng probe ok); cargo --config \"\$WINE_ENV_CARGO_RUNNER\"; stop with wine_env_stop"
}

wine_env_stop() {
    local dir=${WINE_ENV_DIR:-}
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        if [ -d "$dir/prefix" ]; then
            WINEPREFIX="$dir/prefix" timeout 60 wineserver -k >/dev/null 2>&1 || true
            WINEPREFIX="$dir/prefix" timeout 60 wineserver -w >/dev/null 2>&1 || true
        fi
        case "$dir" in
            */rd-agent-wine.*) rm -rf "$dir" ;;
        esac
    fi
    _wine_env_restore_vars
    _WINE_ENV_OWNED=
    return 0
}

# After a failed start: undo only what that start did.
_wine_env_abort() {
    [ -n "${_WINE_ENV_OWNED:-}" ] && wine_env_stop
    _wine_env_fail "no Wine environment"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: set up, or clean up and return non-zero (which stops a `set -e` caller).
    _WINE_ENV_OWNED=
    _wine_env_start || { _wine_env_abort; return 1; }
else
    # Run as a command: wine-env.sh CMD [ARGS...]
    if [ $# -eq 0 ]; then
        echo "usage: source ${0##*/}    or    ${0##*/} COMMAND [ARGS...]" >&2
        exit 2
    fi
    # Clean up on every way out, including a signal during the set-up.
    _WINE_ENV_OWNED=
    trap '[ -z "${_WINE_ENV_OWNED:-}" ] || wine_env_stop' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    _wine_env_start || { _wine_env_fail "no Wine environment"; exit 1; }
    # The command runs in the background (stdin passed on) so that a signal reaches this shell at
    # once; it is passed on to the command before the clean-up.
    "$@" <&0 &
    _wine_env_child=$!
    trap 'kill -INT "$_wine_env_child" 2>/dev/null; wait "$_wine_env_child"; exit 130' INT
    trap 'kill -TERM "$_wine_env_child" 2>/dev/null; wait "$_wine_env_child"; exit 143' TERM
    status=0
    wait "$_wine_env_child" || status=$?
    exit "$status"
fi
