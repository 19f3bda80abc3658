//! Finds English left in a text that should be in another language: runs of English words
//! outside the names every language keeps (locales/README.md, rule 4). The catalogue tests and
//! the command-line tests (tests/it/cli_language.rs) both hold Hindi output to it.

/// Words written in Latin letters in every language: product, protocol and command names.
/// All-capital words (codes: `READY`, `TXN`, `OPTIONS`) and anything with a digit, a dot, an
/// underscore, a slash or `=` (keys, paths, URLs, versions) are never counted as English.
const NAMES: &[&str] = &[
    "rd-agent",
    "rd-agent-tray",
    "rd-relay",
    "InstantPay",
    "Aadhaar",
    "mAadhaar",
    "AePS",
    "PidData",
    "PidOptions",
    "StatusNotifier",
    "Windows",
    "Linux",
    "Mantra",
    "qScore",
    "nmPoints",
    "fType",
    "fCount",
    "iType",
    "iCount",
    "pidVer",
    "errCode",
    "errInfo",
    "externalRef",
    "encryptedAadhaar",
    "outletLoginStatus",
    "rdsId",
    "rdsVer",
    "dpId",
    "sessionKey",
    "hmac",
    "pidData",
    "posh",
    "mc",
    "ci",
    "sudo",
    "systemctl",
    "usermod",
    "chmod",
    "chown",
    "services.msc",
    "env",
    "stdout",
    "stdin",
    "https",
    "http",
    "Verhoeff",
    "protobuf",
];

/// Names of more than one word.
const PHRASES: &[&str] = &["RD Services", "RD Service", "Encryption Key", "Ctrl-C"];

/// The runs of at least `min_words` English words in `text`, each as it appears. Text inside
/// backticks or straight double quotes (a command, a flag, a key, as the catalogues quote
/// them: locales/README.md) is never English.
pub fn english_runs(text: &str, min_words: usize) -> Vec<String> {
    let mut clean = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' || c == '"' {
            in_code = !in_code;
            clean.push(' ');
            clean.push('\u{1}');
            clean.push(' ');
        } else if !in_code {
            clean.push(c);
        }
    }
    for p in PHRASES {
        clean = clean.replace(p, " \u{1} ");
    }
    let mut runs = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut end = |run: &mut Vec<&str>| {
        if run.len() >= min_words.max(1) {
            runs.push(run.join(" "));
        }
        run.clear();
    };
    for token in clean.split_whitespace() {
        if is_english_word(token) {
            run.push(token);
        } else {
            end(&mut run);
        }
    }
    end(&mut run);
    runs
}

fn is_english_word(token: &str) -> bool {
    let word = token.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_') || c == '।');
    if word.is_empty() || NAMES.contains(&word) {
        return false;
    }
    let letters = word
        .chars()
        .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '’' || c == '-');
    let code = word.chars().all(|c| !c.is_ascii_lowercase());
    letters && !code
}

#[cfg(test)]
mod tests {
    use super::english_runs;

    #[test]
    fn english_is_found_and_names_are_not() {
        assert_eq!(
            english_runs(
                "InstantPay से जुड़ नहीं सका: Could not connect to the server",
                3
            ),
            ["Could not connect to the server"]
        );
        assert_eq!(
            english_runs("error: could not read, try again.", 3),
            ["error: could not read, try again."]
        );
        assert_eq!(english_runs("Print help", 3), Vec::<String>::new());
        assert_eq!(english_runs("Print help", 2), ["Print help"]);
        for hindi in [
            "InstantPay से जुड़ नहीं सका (connection refused)। इंटरनेट जाँचें।",
            "RD Service READY on port: 11100",
            "`rd-agent config set-secret instantpay.client_secret` चलाएँ",
            "rd.ports, instantpay.outlet_id, http://127.0.0.1:1/x और /tmp/a b",
            "इस्तेमाल: rd-agent login [OPTIONS] <COMMAND> [env: RD_AGENT_CONFIG=]",
            "qScore 70  TXN/LOGGEDIN  आधार Aadhaar AePS UIDAI",
        ] {
            assert_eq!(english_runs(hindi, 3), Vec::<String>::new(), "{hindi}");
        }
        // A name ends a run, but the English on either side is still found.
        assert_eq!(
            english_runs("could not ask InstantPay for the login status", 3),
            ["could not ask", "for the login status"]
        );
    }
}
