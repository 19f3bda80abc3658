/*
 * Stand-in bcryptprimitives.dll for running Rust test binaries under Debian's Wine 8.
 *
 * Rust's std for x86_64-pc-windows-gnu imports ProcessPrng from bcryptprimitives.dll (HashMap's
 * RandomState, among others). Wine 8 ships no bcryptprimitives.dll, so every such .exe fails to
 * load. This DLL exports only ProcessPrng and forwards it to bcrypt's system RNG.
 * It is a test aid for Wine and is never shipped.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll bcryptprimitives.c -lbcrypt
 * (installer/windows/wine-env.sh does this and copies it into the prefix's system32).
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* BCryptGenRandom takes a ULONG length; feed larger requests in chunks. */
    while (len > 0) {
        ULONG chunk = len > 0x80000000u ? 0x80000000u : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    /* Windows documents ProcessPrng as always returning TRUE; std ignores the result anyway. */
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
