//! The operator's language in the commands: `login`, `status`, `doctor` and `config show` speak
//! Hindi when asked (by the config or the locale), and their `--json` documents are the same in
//! every language.

use std::time::Duration;

use crate::support::{code, rd_agent, text};

/// The operator's language: the config's ui.language (here through its environment variable)
/// or the locale. --json is the same document in every language.
#[test]
fn login_speaks_hindi_when_asked_and_json_keeps_its_keys() {
    let run = |envs: &[(&str, &str)], json: bool| {
        let dir = tempfile::tempdir().unwrap();
        let mut c = rd_agent();
        c.arg("--state-dir")
            .arg(dir.path())
            .args(["login", "--sandbox"]);
        if json {
            c.arg("--json");
        }
        for k in ["LC_ALL", "LC_MESSAGES", "LANG", "RD_AGENT_UI__LANGUAGE"] {
            c.env_remove(k);
        }
        for (k, v) in envs {
            c.env(k, v);
        }
        let out = c.timeout(Duration::from_secs(120)).output().unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out));
        out
    };
    for envs in [
        &[("RD_AGENT_UI__LANGUAGE", "hi")][..],
        &[("LANG", "hi_IN.UTF-8")][..],
    ] {
        let out = run(envs, false);
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(stdout.contains("लॉगिन हो गया"), "{envs:?}: {stdout}");
        assert!(stderr.contains("स्कैनर पर उंगली रखें"), "{envs:?}: {stderr}");
        assert!(!stdout.contains("Logged in"), "{stdout}");
    }
    let out = run(&[("LANG", "C.UTF-8")], false);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Logged in: valid until"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Place your finger on the scanner"));

    let keys = |v: &serde_json::Value| -> Vec<String> {
        v["login"].as_object().unwrap().keys().cloned().collect()
    };
    let hi: serde_json::Value =
        serde_json::from_slice(&run(&[("RD_AGENT_UI__LANGUAGE", "hi")], true).stdout).unwrap();
    let en: serde_json::Value =
        serde_json::from_slice(&run(&[("LANG", "C.UTF-8")], true).stdout).unwrap();
    assert_eq!(keys(&hi), keys(&en));
    assert_eq!(hi["login"]["result"], en["login"]["result"]);
}

/// `status` and `doctor` speak the operator's language too, from the same ledger; their
/// `--json` documents are the same in every language.
#[test]
fn status_and_doctor_speak_hindi_and_their_json_does_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let with_lang = |lang: &str, args: &[&str]| {
        let mut c = rd_agent();
        c.arg("--state-dir")
            .arg(&state)
            .arg("--config")
            .arg(dir.path().join("absent.toml"))
            .args(args);
        for k in ["LC_ALL", "LC_MESSAGES", "RD_AGENT_UI__LANGUAGE"] {
            c.env_remove(k);
        }
        c.env("LANG", lang)
            .env("RD_AGENT_SOCKET", dir.path().join("no.sock"));
        c.timeout(Duration::from_secs(120)).output().unwrap()
    };
    let out = with_lang("C.UTF-8", &["login", "--sandbox"]);
    assert_eq!(code(&out), 0, "{}", text(&out));

    let hi = with_lang("hi_IN.UTF-8", &["status"]);
    let hi_text = String::from_utf8_lossy(&hi.stdout).to_string();
    assert!(hi_text.contains("चार्ज लगे प्रयास: आज 1"), "{hi_text}");
    assert!(hi_text.contains("भुगतान: आज ₹0.94"), "{hi_text}");
    let en = with_lang("C.UTF-8", &["status"]);
    let en_text = String::from_utf8_lossy(&en.stdout).to_string();
    assert!(en_text.contains("Attempts charged: 1 today"), "{en_text}");
    assert!(
        !en_text
            .chars()
            .any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
    );

    // doctor fails here (no config): its lines and its last error are in Hindi.
    let hi = with_lang("hi_IN.UTF-8", &["doctor"]);
    assert_eq!(code(&hi), 2, "{}", text(&hi));
    let out = String::from_utf8_lossy(&hi.stdout);
    assert!(out.contains("सेट नहीं है"), "{out}");
    let err = String::from_utf8_lossy(&hi.stderr);
    assert!(err.starts_with("गड़बड़ी: doctor: config"), "{err}");

    // config show too: its lines in Hindi, the TOML itself as it is.
    let hi = with_lang("hi_IN.UTF-8", &["config", "show"]);
    let out = String::from_utf8_lossy(&hi.stdout);
    assert!(out.starts_with("# कॉन्फ़िग फ़ाइल:"), "{out}");
    assert!(
        out.contains("[instantpay]") && out.contains("सेट नहीं है"),
        "{out}"
    );

    for args in [
        &["status", "--json"][..],
        &["doctor", "--json"][..],
        &["config", "show", "--json"][..],
    ] {
        let hi = with_lang("hi_IN.UTF-8", args);
        let en = with_lang("C.UTF-8", args);
        assert_eq!(code(&hi), code(&en));
        let hi: serde_json::Value = serde_json::from_slice(&hi.stdout).unwrap();
        let en: serde_json::Value = serde_json::from_slice(&en.stdout).unwrap();
        assert_eq!(hi, en, "{args:?}");
    }
}
