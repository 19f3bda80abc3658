//! The shop's scanner: the first login pins it, another one is refused unless accepted (by the
//! flag or a person's yes), a renewed certificate is the same scanner, and its port is tried
//! first next time.

use super::*;

/// The same capture from another scanner (serial `srno`, certificate `mc`).
fn pid_from(srno: &str, mc: &str) -> PidData {
    let mut p = pid("70", "40");
    p.device_info.params = vec![("srno".into(), srno.into())];
    p.device_info.mc = mc.into();
    p
}

/// The shop's first login, on scanner 2512345: it pins that scanner.
fn pinned_first_login(ledger: &mut Ledger) {
    run(
        ledger,
        &FakeApi::default(),
        Ok(pid_from("2512345", "MC1")),
        &params(false),
        morning(),
    )
    .result
    .unwrap();
}

/// Progress that answers every question with `answer`, and counts the questions.
#[derive(Default)]
struct Answering {
    answer: bool,
    asked: AtomicUsize,
}

impl Progress for Answering {
    fn say(&self, _line: &str) {}
    fn confirm(&self, _question: &Msg) -> bool {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.answer
    }
}

fn run_answering(
    ledger: &mut Ledger,
    api: &FakeApi,
    pid: PidData,
    p: &LoginParams,
    now: DateTime<Utc>,
    answer: bool,
) -> (Result<LoginReport, LoginError>, usize) {
    let mut scanner = FakeScanner::new(Ok(pid));
    let progress = Answering {
        answer,
        ..Answering::default()
    };
    let result = login_once(ledger, api, &mut scanner, &progress, p, now);
    (result, progress.asked.load(Ordering::SeqCst))
}

#[test]
fn the_first_login_pins_its_scanner_and_another_one_is_refused_unsent() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    assert!(ledger.pinned_device().unwrap().is_none());
    let r = run(
        &mut ledger,
        &FakeApi::default(),
        Ok(pid_from("2512345", "MC1")),
        &params(false),
        morning(),
    );
    r.result.unwrap();
    let pinned = ledger.pinned_device().unwrap().unwrap();
    assert_eq!(pinned.device.srno, "2512345");
    assert_eq!(pinned.device.dp_id, "MANTRA.MSIPL");
    assert_eq!(pinned.device.mc_sha256.len(), 64);
    assert_eq!(pinned.pinned_at, morning());

    // The next day, another scanner, nobody to ask: refused, nothing sent, the pin kept.
    let next_day = morning() + chrono::Duration::days(1);
    let api = FakeApi::default();
    let (result, asked) = run_answering(
        &mut ledger,
        &api,
        pid_from("9990001", "MC2"),
        &params(false),
        next_day,
        false,
    );
    match result {
        Err(e @ LoginError::NewDevice { .. }) => {
            assert!(e.nothing_charged());
            let text = e.to_string();
            assert!(
                text.contains("serial 9990001") && text.contains("serial 2512345"),
                "{text}"
            );
            assert!(text.contains("--accept-new-device"), "{text}");
        }
        other => panic!("expected NewDevice, got {other:?}"),
    }
    assert_eq!(asked, 1, "the person, if any, was asked once");
    assert_eq!(api.login_calls.load(Ordering::SeqCst), 0);
    assert_eq!(ledger.all().unwrap().len(), 1, "no attempt begun");
    assert_eq!(
        ledger.pinned_device().unwrap().unwrap().device.srno,
        "2512345"
    );
}

#[test]
fn a_new_scanner_is_used_and_pinned_when_accepted_or_answered_yes() {
    for (accept_flag, answer) in [(true, false), (false, true)] {
        let mut ledger = Ledger::open_in_memory().unwrap();
        pinned_first_login(&mut ledger);
        let next_day = morning() + chrono::Duration::days(1);
        let mut p = params(false);
        p.accept_new_device = accept_flag;
        let api = FakeApi::default();
        let (result, asked) = run_answering(
            &mut ledger,
            &api,
            pid_from("9990001", "MC2"),
            &p,
            next_day,
            answer,
        );
        assert_eq!(result.unwrap().result, LoginResult::LoggedIn);
        assert_eq!(
            asked,
            usize::from(!accept_flag),
            "the flag needs no question"
        );
        assert_eq!(api.login_calls.load(Ordering::SeqCst), 1);
        let pinned = ledger.pinned_device().unwrap().unwrap();
        assert_eq!(
            (pinned.device.srno.as_str(), pinned.pinned_at),
            ("9990001", next_day)
        );
    }
}

#[test]
fn a_renewed_certificate_on_the_same_scanner_is_not_a_new_device() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    pinned_first_login(&mut ledger);
    let before = ledger.pinned_device().unwrap().unwrap();
    let next_day = morning() + chrono::Duration::days(1);
    let (result, asked) = run_answering(
        &mut ledger,
        &FakeApi::default(),
        pid_from("2512345", "MC-RENEWED"),
        &params(false),
        next_day,
        false,
    );
    result.unwrap();
    assert_eq!(asked, 0);
    let after = ledger.pinned_device().unwrap().unwrap();
    assert_ne!(
        after.device.mc_sha256, before.device.mc_sha256,
        "the new certificate is remembered"
    );
}

#[test]
fn a_failed_login_pins_nothing() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::replying(Ok(LoginOutcome::LoginRequired {
        meta: meta(),
        message: "mismatch".into(),
    }));
    let r = run(
        &mut ledger,
        &api,
        Ok(pid_from("2512345", "MC1")),
        &params(false),
        morning(),
    );
    assert!(r.result.is_err());
    assert!(ledger.pinned_device().unwrap().is_none());
}

/// Where the shop's scanner answered is kept with the pinned scanner and tried first at the
/// next login; a login on another port moves it.
#[test]
fn the_port_of_a_login_is_tried_first_next_time() {
    let mut ledger = Ledger::open_in_memory().unwrap();
    let api = FakeApi::default();
    let lines = Lines::default();
    let login_on = |ledger: &mut Ledger, port: u16, force: bool| {
        let mut scanner = FakeScanner::new(Ok(pid("74", "41")));
        scanner.port = Some(port);
        login_once(
            ledger,
            &api,
            &mut scanner,
            &lines,
            &params(force),
            morning(),
        )
        .unwrap();
        scanner.prepared.expect("prepare was called")
    };
    assert_eq!(login_on(&mut ledger, 11_101, false), None);
    assert_eq!(
        ledger.pinned_device().unwrap().unwrap().rd_port,
        Some(11_101)
    );
    assert_eq!(login_on(&mut ledger, 11_105, true), Some(11_101));
    assert_eq!(
        ledger.pinned_device().unwrap().unwrap().rd_port,
        Some(11_105)
    );
    assert_eq!(login_on(&mut ledger, 11_105, true), Some(11_105));
}
