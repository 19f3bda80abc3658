//! `rd-agent status`: today's state, the expiry, the last attempt and the attempts charged,
//! from the ledger (no network: `rd-agent login` asks InstantPay).

use super::config::user_paths;
use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::ledger::{DayState, Ledger, Summary};
use clock::{Clock, SystemClock, ist};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, global: &Global) -> CmdResult {
    // When the service runs, its state (and its ledger) is the one that counts.
    if let Some(reply) = super::block_on(from_service(global)) {
        return reply;
    }
    let paths = user_paths(global)?;
    let file = paths.ledger_file();
    // No ledger yet: report an empty day rather than create files.
    let ledger = if file.is_file() {
        Ledger::open(&file)
    } else {
        Ledger::open_in_memory()
    }
    .map_err(|e| CliError::new(Exit::Failure, e.to_string()))?;
    let summary = ledger
        .summary(SystemClock.now())
        .map_err(|e| CliError::new(Exit::Failure, e.to_string()))?;
    if global.json {
        print_json(&serde_json::json!({
            "ok": true,
            "ledger_file": file,
            "summary": summary,
        }));
    } else {
        print!("{}", human(&summary));
    }
    Ok(())
}

/// The human text of a summary.
pub fn human(s: &Summary) -> String {
    let expiry = s.expires_at.with_timezone(&ist());
    let state = match s.state {
        DayState::LoggedIn => format!(
            "logged in until midnight IST ({})",
            expiry.format("%Y-%m-%d %H:%M IST")
        ),
        DayState::LoginRequired => "login required: run `rd-agent login`".to_string(),
        DayState::Unknown => {
            "unknown: an attempt has no known outcome; run `rd-agent login` (it asks InstantPay first and never resubmits on its own)".to_string()
        }
    };
    let mut out = format!("Today ({} IST): {state}\n", s.ist_date);
    match &s.last_attempt {
        Some(a) => out.push_str(&format!("Last attempt: {}\n", a.line())),
        None => out.push_str("Last attempt: none\n"),
    }
    out.push_str(&format!(
        "Attempts charged: {} today, {} this month",
        s.charged_today, s.charged_this_month
    ));
    if s.charge_unknown_this_month > 0 {
        out.push_str(&format!(
            " (plus {} today, {} this month whose charge is unknown)",
            s.charge_unknown_today, s.charge_unknown_this_month
        ));
    }
    out.push('\n');
    out.push_str(&paid(s));
    out
}

/// What today's and this month's charges cost, as far as InstantPay's replies said.
fn paid(s: &Summary) -> String {
    use crate::i18n::rupees;
    if s.charged_this_month == 0 {
        return String::new();
    }
    let reported_month =
        s.charged_this_month - s.amount_unknown_this_month.min(s.charged_this_month);
    if reported_month == 0 {
        return "Paid: charged, amount not reported\n".to_string();
    }
    let mut out = format!(
        "Paid: {} today, {} this month",
        rupees(&s.paid_today),
        rupees(&s.paid_this_month)
    );
    if s.amount_unknown_this_month > 0 {
        out.push_str(&format!(
            " (plus {} charged today, {} this month, amount not reported)",
            s.amount_unknown_today, s.amount_unknown_this_month
        ));
    }
    out.push('\n');
    if let Some(balance) = &s.wallet_balance {
        out.push_str(&format!(
            "Wallet balance after the last charge: {}\n",
            rupees(balance)
        ));
    }
    out
}

/// Today's state from the running service; `None` when no service answers.
async fn from_service(global: &Global) -> Option<CmdResult> {
    use crate::agent::ipc::Message;
    let mut client = crate::agent::ipc::connect(&global.endpoint()).await.ok()?;
    let reply = match client.status().await {
        Ok(r) => r,
        Err(e) => {
            return Some(Err(CliError::new(
                Exit::Failure,
                format!("The rd-agent service did not answer: {e}"),
            )));
        }
    };
    let Message::Status {
        state,
        sentence,
        detail,
        ..
    } = reply
    else {
        return Some(Err(CliError::new(
            Exit::Failure,
            "The rd-agent service gave an unexpected answer to status: update both to the same version",
        )));
    };
    let summary: Option<Summary> = serde_json::from_value(detail.clone()).ok();
    if global.json {
        print_json(&serde_json::json!({
            "ok": true,
            "via": "service",
            "service_state": state,
            "sentence": sentence,
            "summary": detail,
        }));
    } else {
        println!("Service: {sentence}");
        if let Some(s) = summary {
            print!("{}", human(&s));
        }
    }
    Some(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn human_text_names_state_expiry_and_counts() {
        let l = Ledger::open_in_memory().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 4, 0, 0).unwrap();
        let s = l.summary(now).unwrap();
        let t = human(&s);
        assert!(t.contains("2026-11-22 IST): login required"), "{t}");
        assert!(t.contains("Last attempt: none"), "{t}");
        assert!(t.contains("0 today, 0 this month"), "{t}");
        l.record_status("TXN", "LOGGEDIN", now).unwrap();
        let t = human(&l.summary(now).unwrap());
        assert!(
            t.contains("logged in until midnight IST (2026-11-23 00:00 IST)"),
            "{t}"
        );
    }
}
