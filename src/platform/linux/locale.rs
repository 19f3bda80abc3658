//! The user's language on Linux: the locale environment is all there is (`LC_ALL`,
//! `LC_MESSAGES`, `LANG`, read by `crate::i18n::Lang::from_setting`), so nothing more here.

/// The desktop's UI language beyond the environment: none on Linux.
pub(crate) fn ui_language() -> Option<String> {
    None
}
