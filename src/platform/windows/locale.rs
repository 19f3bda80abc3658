//! The user's language on Windows: the display language chosen in Settings, which a
//! Windows program does not see in `LANG` (read first by `crate::i18n::Lang::from_setting`,
//! so a console that sets it still wins).

use windows_sys::Win32::Globalization::GetUserDefaultUILanguage;

/// The user's UI language as a language code (`hi`, `en`, ...), from its LANGID's primary
/// language: only the ones the catalogues have are named, the rest are `None`.
pub(crate) fn ui_language() -> Option<String> {
    // SAFETY: takes nothing, returns a LANGID.
    let langid = unsafe { GetUserDefaultUILanguage() };
    // PRIMARYLANGID: the low 10 bits. LANG_HINDI 0x39, LANG_ENGLISH 0x09 (winnt.h).
    match langid & 0x3ff {
        0x39 => Some("hi".into()),
        0x09 => Some("en".into()),
        _ => None,
    }
}
