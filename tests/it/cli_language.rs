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

/// The English left in `out`: runs of three or more English words outside the names every
/// language keeps (src/i18n/check.rs).
fn english_in(out: &str) -> Vec<String> {
    rd_agent::i18n::check::english_runs(out, 3)
}

/// A command run with `--lang hi` in an English locale (so the flag alone asks for Hindi),
/// with no service to talk to.
fn hindi(dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut c = rd_agent();
    c.arg("--lang")
        .arg("hi")
        .arg("--state-dir")
        .arg(dir.join("state"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(args);
    for k in ["LC_ALL", "LC_MESSAGES", "RD_AGENT_UI__LANGUAGE"] {
        c.env_remove(k);
    }
    c.env("LANG", "C.UTF-8")
        .env("RD_AGENT_SOCKET", dir.join("no.sock"))
        .write_stdin(stdin.to_vec());
    c.timeout(Duration::from_secs(120)).output().unwrap()
}

fn devanagari(s: &str) -> bool {
    s.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c))
}

#[test]
fn the_english_checker_finds_english() {
    assert_eq!(
        english_in("error: Could not connect to InstantPay at http://127.0.0.1:1"),
        ["error: Could not connect to"]
    );
    assert!(english_in("गड़बड़ी: InstantPay (http://127.0.0.1:1) से कनेक्ट नहीं हो सका").is_empty());
}

/// Each operator command's `--help` is Hindi under `--lang hi` (and English under `--lang
/// en`, which the checker does see as English).
#[test]
fn the_operator_commands_help_is_in_hindi() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["login", "--help"][..],
        &["status", "--help"],
        &["doctor", "--help"],
        &["devices", "--help"],
        &["config", "--help"],
        &["config", "init", "--help"],
        &["config", "show", "--help"],
        &["config", "set-secret", "--help"],
        &["enroll", "--help"],
        &["login", "-h"],
    ] {
        let out = hindi(dir.path(), args, b"");
        assert_eq!(code(&out), 0, "{args:?}: {}", text(&out));
        let shown = text(&out);
        assert!(devanagari(&shown), "{args:?}: {shown}");
        assert!(
            shown.contains("इस्तेमाल:") && shown.contains("विकल्प:"),
            "{shown}"
        );
        assert_eq!(
            english_in(&shown),
            Vec::<String>::new(),
            "{args:?}: {shown}"
        );
    }
    let out = rd_agent()
        .args(["--lang", "en", "login", "--help"])
        .output()
        .unwrap();
    let shown = text(&out);
    assert!(
        shown.contains("The daily login") && shown.contains("Print help"),
        "{shown}"
    );
    assert!(!english_in(&shown).is_empty());
}

/// The errors an operator meets most: a bad value, a bad secret, InstantPay out of reach,
/// a yes that needs a terminal; and the ledger line `status` prints.
#[test]
fn the_operators_errors_and_the_ledger_line_are_in_hindi() {
    let dir = tempfile::tempdir().unwrap();
    // The OS's own words for a refused connection are shown as they are, inside the Hindi.
    let refused = std::net::TcpStream::connect("127.0.0.1:1")
        .unwrap_err()
        .to_string();
    let check = |args: &[&str], stdin: &[u8], exit: i32| {
        let out = hindi(dir.path(), args, stdin);
        let shown = text(&out);
        assert_eq!(code(&out), exit, "{args:?}: {shown}");
        assert!(devanagari(&shown), "{args:?}: {shown}");
        assert_eq!(
            english_in(&shown.replace(&refused, "")),
            Vec::<String>::new(),
            "{args:?}: {shown}"
        );
        shown
    };
    let config = |extra: &[&str]| {
        let mut args = vec!["config", "init", "--no-input", "--overwrite"];
        args.extend_from_slice(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>, exit: i32| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        check(&args, b"", exit)
    };
    // Bad values: a port range, a coordinate outside India, a word for a number.
    // The refusal names the flag the person typed.
    assert!(run(config(&["--rd-ports", "abc"]), 2).contains("--rd-ports"));
    run(config(&["--latitude", "99.0000"]), 2);
    // Bad secrets.
    check(&["config", "set-secret", "operator.aadhaar"], b"12ab", 2);
    check(&["config", "set-secret", "no.such"], b"x", 2);
    // A bad value in the environment.
    let out = {
        let mut c = rd_agent();
        c.args(["--lang", "hi", "config", "show"])
            .arg("--config")
            .arg(dir.path().join("config.toml"))
            .arg("--state-dir")
            .arg(dir.path().join("state"))
            .env("RD_AGENT_UI__LANGUAGE", "hindi")
            .env("LANG", "C.UTF-8");
        c.timeout(Duration::from_secs(60)).output().unwrap()
    };
    let shown = text(&out);
    assert_eq!(code(&out), 2, "{shown}");
    assert!(
        devanagari(&shown) && english_in(&shown).is_empty(),
        "{shown}"
    );

    // InstantPay out of reach: the OS's words inside a Hindi sentence.
    run(
        config(&[
            "--base-url",
            "http://127.0.0.1:1",
            "--client-id",
            "client",
            "--outlet-id",
            "1234",
            "--endpoint-ip",
            "10.0.0.1",
            "--latitude",
            "28.6139",
            "--longitude",
            "77.2090",
        ]),
        0,
    );
    check(
        &["config", "set-secret", "instantpay.client_secret"],
        b"secret",
        0,
    );
    check(
        &["config", "set-secret", "instantpay.encryption_key"],
        b"0123456789abcdef0123456789abcdef",
        0,
    );
    check(
        &["config", "set-secret", "operator.aadhaar"],
        b"999941057058",
        0,
    );
    let shown = check(&["login"], b"", 5);
    assert!(
        shown.contains("127.0.0.1:1") && shown.contains(&refused),
        "{shown}"
    );
    check(&["doctor"], b"", 3);
    // `--despite-declines` asks for a yes only on a terminal; here it says so, in Hindi.
    check(&["login", "--despite-declines"], b"", 2);

    // The ledger line of `status`: the state and the charge in words.
    let sandbox = hindi(dir.path(), &["login", "--sandbox"], b"");
    assert_eq!(code(&sandbox), 0, "{}", text(&sandbox));
    let shown = check(&["status"], b"", 0);
    assert!(
        shown.contains("लॉगिन हुआ") && shown.contains("चार्ज लगा"),
        "{shown}"
    );
}

/// The developer commands stay English, and keep their `-h` / `--help` in every language,
/// down to their own subcommands.
#[test]
fn the_developer_commands_keep_their_help() {
    for lang in ["en", "hi"] {
        for args in [
            &["sandbox", "--help"][..],
            &["capture", "-h"][..],
            &["service", "install", "--help"][..],
        ] {
            let out = rd_agent()
                .args(["--lang", lang])
                .args(args)
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{lang} {args:?}: {}", text(&out));
            assert!(said.contains("Usage:"), "{lang} {args:?}: {said}");
        }
    }
}
