//! UIDAI's own error code in an InstantPay reply, explained to the operator (the `uidai-*`
//! sentences of locales/), with the reply's words kept beside it for support. The code only
//! chooses the sentence: the outcome was decided on `statuscode`/`actcode` (src/login).

use instantpay::UidaiCode;

use crate::i18n::{Catalog, Msg};
use crate::ledger::Attempt;

/// The catalogue id of a code's sentence.
pub(crate) fn sentence_id(code: UidaiCode) -> &'static str {
    match code {
        UidaiCode::BiometricMismatch => "uidai-300",
        UidaiCode::BiometricsLocked => "uidai-330",
        UidaiCode::RdNotSupported => "uidai-553",
        UidaiCode::PublicDevice => "uidai-554",
        UidaiCode::InvalidRdsId => "uidai-555",
        UidaiCode::InvalidRdsVer => "uidai-556",
        UidaiCode::InvalidDpId => "uidai-557",
        UidaiCode::RequestExpired => "uidai-561",
        UidaiCode::TimestampInFuture => "uidai-562",
        UidaiCode::DuplicateRequest => "uidai-563",
    }
}

/// The UIDAI code of an attempt's reply, if it names one.
pub(crate) fn code_of(a: &Attempt) -> Option<UidaiCode> {
    UidaiCode::find(a.actcode.as_deref(), a.message.as_deref().unwrap_or(""))
}

/// What the code means and what to do, then the reply word for word; `None` without a code.
pub(crate) fn explain_msg(a: &Attempt) -> Option<Msg> {
    let sentence = Msg::new(sentence_id(code_of(a)?));
    Some(match a.message.as_deref().filter(|m| !m.is_empty()) {
        Some(message) => Msg::new("uidai-explained")
            .arg("sentence", sentence)
            .arg("reply", Msg::new("uidai-reply").arg("message", message)),
        None => sentence,
    })
}

/// [`explain_msg`] in `cat`'s language.
pub(crate) fn explain(a: &Attempt, cat: &Catalog) -> Option<String> {
    explain_msg(a).map(|m| cat.render(&m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::ledger::AttemptState;

    fn attempt(actcode: Option<&str>, message: &str) -> Attempt {
        let t = chrono::Utc::now();
        Attempt {
            external_ref: "A1".into(),
            created_at: t,
            updated_at: t,
            state: AttemptState::Rejected,
            statuscode: Some("ERR".into()),
            actcode: actcode.map(Into::into),
            ipay_uuid: None,
            message: Some(message.into()),
            dp_id: String::new(),
            mi: String::new(),
            srno: String::new(),
            q_score: String::new(),
            nm_points: String::new(),
            charged: Some(true),
            resolved_at: None,
            resolution: None,
            owner_pid: None,
            owner_started: None,
            pool: None,
            ci: String::new(),
            biometric_decline: false,
        }
    }

    #[test]
    fn every_code_has_a_sentence_in_both_languages() {
        for code in UidaiCode::ALL {
            let id = sentence_id(code);
            let n = code.number().to_string();
            for lang in [Lang::En, Lang::Hi] {
                let text = Catalog::get(lang).tr(id);
                assert!(
                    text.contains(&format!("UIDAI {n}")),
                    "{lang:?} {id}: {text}"
                );
            }
            assert_ne!(Catalog::get(Lang::En).tr(id), Catalog::get(Lang::Hi).tr(id));
        }
    }

    #[test]
    fn a_device_table_entry_has_its_sentence_in_both_languages() {
        let di = rd::DeviceInfo {
            dp_id: "MANTRA.MSIPL".into(),
            mi: "MFS100".into(),
            rds_id: "MANTRA.WIN.001".into(),
            rds_ver: "1.0.3".into(),
            ..Default::default()
        };
        let (g, msg) = crate::cli::doctor::generation_msg(&di);
        assert_eq!(g, rd::Generation::L0);
        let en = Catalog::get(Lang::En).render(&msg);
        assert!(
            en.contains("MFS100") && en.contains("L0 device") && en.contains("30 June 2025"),
            "{en}"
        );
        let hi = Catalog::get(Lang::Hi).render(&msg);
        assert!(
            hi.contains("MFS100") && hi.contains("L0 डिवाइस") && hi.contains("30 जून 2025"),
            "{hi}"
        );
        let l1 = rd::DeviceInfo {
            mi: "MFS110".into(),
            ..di
        };
        let (g, msg) = crate::cli::doctor::generation_msg(&l1);
        assert_eq!(g, rd::Generation::L1);
        assert!(
            Catalog::get(Lang::Hi)
                .render(&msg)
                .contains("L1 रजिस्टर्ड डिवाइस")
        );
    }

    #[test]
    fn a_reply_is_explained_with_its_own_words_kept() {
        let a = attempt(None, "UIDAI Error 553 : RD not supported");
        let en = explain(&a, Catalog::get(Lang::En)).unwrap();
        assert!(
            en.starts_with("UIDAI does not accept this RD Service"),
            "{en}"
        );
        assert!(
            en.contains("\"UIDAI Error 553 : RD not supported\""),
            "{en}"
        );
        let hi = explain(&a, Catalog::get(Lang::Hi)).unwrap();
        assert!(
            hi.contains("L1 डिवाइस") && hi.contains("UIDAI Error 553"),
            "{hi}"
        );
        // The code may come as the actcode alone.
        let a = attempt(Some("330"), "");
        let en = explain(&a, Catalog::get(Lang::En)).unwrap();
        assert!(en.contains("locked"), "{en}");
        assert!(!en.contains('\n'), "no empty reply line: {en}");
        assert_eq!(
            explain(&attempt(None, "Transaction failed"), Catalog::get(Lang::En)),
            None
        );
    }
}
