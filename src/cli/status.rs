//! `rd-agent status`: today's state, the expiry, the last attempt and the attempts charged,
//! from the ledger (no network: `rd-agent login` asks InstantPay).

use super::config::user_paths;
use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::i18n::{Catalog, Lang, Msg, rupees};
use crate::ledger::{DayState, Ledger, Summary};
use clock::{Clock, SystemClock, ist};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) fn run(_args: Args, global: &Global) -> CmdResult {
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
    .map_err(|e| CliError::said(Exit::Failure, e.msg()))?;
    let summary = ledger
        .summary(SystemClock.now())
        .map_err(|e| CliError::said(Exit::Failure, e.msg()))?;
    if global.json {
        print_json(&serde_json::json!({
            "ok": true,
            "ledger_file": file,
            "summary": summary,
        }));
    } else {
        out!("{}", human(&summary, Catalog::get(super::language(global))));
    }
    Ok(())
}

/// The decline count and the UIDAI key of the last capture, when there is something to say.
fn guard_lines(s: &Summary, cat: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    if s.consecutive_declines > 0 {
        out.push(
            cat.render(
                &Msg::new("status-declines")
                    .arg("declines", s.consecutive_declines)
                    .arg("limit", crate::ledger::DECLINE_LIMIT),
            ),
        );
    }
    if let Some(ci) = &s.last_ci {
        out.push(cat.render(&key_msg(ci, s.ist_date)));
    }
    out
}

/// What the last capture's UIDAI key (`Skey ci`) means on `today`, for status and doctor.
pub(crate) fn key_msg(ci: &str, today: chrono::NaiveDate) -> Msg {
    use instantpay::KeyCheck;
    let check = KeyCheck::of(ci, today);
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    match check {
        KeyCheck::Expired { expired } => Msg::new("status-key-expired").arg("date", day(expired)),
        KeyCheck::Current { expires } if check.warn(today) => Msg::new("status-key-expires-soon")
            .arg("date", day(expires))
            .arg("days", (expires - today).num_days()),
        KeyCheck::Current { expires } => Msg::new("status-key-ok").arg("date", day(expires)),
        KeyCheck::Unreadable => Msg::new("status-key-unreadable").arg("ci", ci),
    }
}

/// The human text of a summary.
pub(crate) fn human(s: &Summary, cat: &Catalog) -> String {
    let expiry = s.expires_at.with_timezone(&ist());
    let state = match s.state {
        DayState::LoggedIn => Msg::new("status-logged-in")
            .arg("until", expiry.format("%Y-%m-%d %H:%M IST").to_string()),
        DayState::LoginRequired => Msg::new("status-login-required"),
        DayState::Unknown => Msg::new("status-unknown"),
    };
    let mut lines = vec![
        cat.render(
            &Msg::new("status-today")
                .arg("date", s.ist_date.to_string())
                .arg("state", state),
        ),
    ];
    lines.push(match &s.last_attempt {
        Some(a) => cat.render(&Msg::new("status-last-attempt").arg("line", a.msg())),
        None => cat.tr("status-last-attempt-none"),
    });
    let mut charged = cat.render(
        &Msg::new("status-charged")
            .arg("today", s.charged_today)
            .arg("month", s.charged_this_month),
    );
    if s.charge_unknown_this_month > 0 {
        charged.push(' ');
        charged.push_str(
            &cat.render(
                &Msg::new("status-charge-unknown")
                    .arg("today", s.charge_unknown_today)
                    .arg("month", s.charge_unknown_this_month),
            ),
        );
    }
    lines.push(charged);
    lines.extend(paid(s, cat));
    lines.extend(guard_lines(s, cat));
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// What today's and this month's charges cost, as far as InstantPay's replies said.
fn paid(s: &Summary, cat: &Catalog) -> Vec<String> {
    if s.charged_this_month == 0 {
        return Vec::new();
    }
    let reported_month =
        s.charged_this_month - s.amount_unknown_this_month.min(s.charged_this_month);
    if reported_month == 0 {
        return vec![cat.tr("status-paid-not-reported")];
    }
    let mut paid = cat.render(
        &Msg::new("status-paid")
            .arg("today", rupees(&s.paid_today))
            .arg("month", rupees(&s.paid_this_month)),
    );
    if s.amount_unknown_this_month > 0 {
        paid.push(' ');
        paid.push_str(
            &cat.render(
                &Msg::new("status-paid-plus-unknown")
                    .arg("today", s.amount_unknown_today)
                    .arg("month", s.amount_unknown_this_month),
            ),
        );
    }
    let mut out = vec![paid];
    if let Some(balance) = &s.wallet_balance {
        out.push(cat.render(&Msg::new("status-wallet-balance").arg("amount", rupees(balance))));
    }
    out
}

/// Today's state from the running service; `None` when no service answers.
async fn from_service(global: &Global) -> Option<CmdResult> {
    use crate::agent::protocol::Message;
    // Nobody there: the caller works without the service. Someone else there: say so.
    let mut client = match crate::agent::ipc::connect(&global.endpoint()).await {
        Ok(c) => c,
        Err(crate::agent::ipc::IpcError::NotRunning(_)) => return None,
        Err(e) => return Some(Err(CliError::said(Exit::Failure, e.msg()))),
    };
    // --json stays English in every language.
    let cat = Catalog::get(if global.json {
        Lang::En
    } else {
        super::language(global)
    });
    let reply = match client.status().await {
        Ok(r) => r,
        Err(e) => {
            return Some(Err(CliError::said(
                Exit::Failure,
                Msg::new("status-service-no-answer").arg("error", e.msg()),
            )));
        }
    };
    let Message::Status {
        state,
        sentence,
        summary,
        ..
    } = reply
    else {
        return Some(Err(CliError::said(
            Exit::Failure,
            Msg::new("status-service-unexpected"),
        )));
    };
    if global.json {
        print_json(&serde_json::json!({
            "ok": true,
            "via": "service",
            "service_state": state,
            "sentence": sentence,
            "summary": summary,
        }));
    } else {
        outln!(
            "{}",
            cat.render(&Msg::new("status-service-sentence").arg("sentence", state.msg()))
        );
        if let Some(s) = summary {
            out!("{}", human(&s, cat));
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
        let en = Catalog::get(Lang::En);
        let t = human(&s, en);
        assert!(t.contains("2026-11-22 IST): login required"), "{t}");
        assert!(t.contains("Last attempt: none"), "{t}");
        assert!(t.contains("0 today, 0 this month"), "{t}");
        l.record_status("TXN", "LOGGEDIN", now).unwrap();
        let t = human(&l.summary(now).unwrap(), en);
        assert!(
            t.contains("logged in until midnight IST (2026-11-23 00:00 IST)"),
            "{t}"
        );
        let hi = human(&l.summary(now).unwrap(), Catalog::get(Lang::Hi));
        assert!(
            hi.contains("2026-11-23 00:00 IST") && hi.contains("लॉगिन"),
            "{hi}"
        );
    }
}
