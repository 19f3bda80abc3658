//! `rd-agent login [--sandbox] [--force]`: the daily login.
//!
//! Progress goes to stderr; the result and the ledger line to stdout (or one JSON document with
//! `--json`). `--sandbox` starts the simulated RD Service and the sandbox InstantPay in-process
//! on free ports, with the demo outlet, and runs the same flow in a temporary state directory
//! (or `--state-dir`).

use std::path::PathBuf;

use serde_json::json;

use super::config::{config_error, user_paths};
use super::progress::StderrProgress;
use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::config::{Config, Secrets, StoredAadhaar, ensure_state_dir};
use crate::i18n::{Catalog, Lang, Msg};
use crate::ledger::Ledger;
use crate::login::assembly;
use crate::login::{
    Assembled, AssemblyError, LoginError, LoginFlags, LoginReport, LoginResult, Progress,
};
use clock::{SystemClock, ist};
use instantpay::ApiError;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Run against the embedded sandbox (simulated RD Service and sandbox InstantPay).
    #[arg(long)]
    pub(crate) sandbox: bool,
    /// Skip the local "already logged in" check (never the remote status check).
    #[arg(long)]
    pub(crate) force: bool,
    /// Log in with a scanner other than the one this shop used before, and remember it.
    #[arg(long)]
    pub(crate) accept_new_device: bool,
    /// Log in although the last two logins were declined (a third decline can block the
    /// operator's AePS): asks for a yes on a terminal, and is refused without one.
    #[arg(long)]
    pub(crate) despite_declines: bool,
}

pub(crate) fn run(args: Args, global: &Global) -> CmdResult {
    let despite_declines = args.despite_declines && confirm_despite_declines(global)?;
    if args.sandbox {
        return run_sandbox(args.force, despite_declines, global);
    }
    // When the service runs it owns the config, the secrets and the ledger: ask it.
    let flags = LoginFlags {
        force: args.force,
        accept_new_device: args.accept_new_device,
        despite_declines,
    };
    if let Some(result) = super::block_on(via_service(flags, global)) {
        return result;
    }
    let paths = user_paths(global)?;
    let mut login = Assembled::from_files(&paths, flags, "terminal").map_err(assembly_error)?;
    // --lang wins over the config's ui.language, which the assembly read.
    login.lang = super::lang_flag(global).unwrap_or(login.lang);
    super::block_on(run_flow(&mut login, global))
}

/// Log in through the running service; `None` when no service is installed (then this
/// machine's person logs in with files of their own: `super::target`).
async fn via_service(flags: LoginFlags, global: &Global) -> Option<CmdResult> {
    let mut client = match super::target::service(global).await {
        Ok(Some(c)) => c,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    let lang = super::language(global);
    // --json stays English in every language.
    let cat = Catalog::get(if global.json { Lang::En } else { lang });
    eoutln!("{}", cat.tr("login-via-service"));
    let failed = |e: crate::agent::ipc::IpcError| {
        CliError::new(
            Exit::Failure,
            cat.render(&Msg::new("login-service-did-not-finish").arg("error", e.msg())),
        )
    };
    let mut outcome = match client.login_with(flags).await {
        Ok(o) => o,
        Err(e) => return Some(Err(failed(e))),
    };
    // Another scanner than the shop's: the service cannot ask, the person at this terminal can
    // (then the finger is placed once more, on the scanner they chose).
    if let crate::agent::AgentState::NewScanner { pinned, found } = &outcome.state {
        let progress = StderrProgress::new(lang);
        let question = Msg::new("login-new-device-question")
            .arg("found", found.clone())
            .arg("pinned", pinned.clone());
        if !global.json && progress.confirm(&question) {
            let accept = LoginFlags {
                accept_new_device: true,
                ..flags
            };
            outcome = match client.login_with(accept).await {
                Ok(o) => o,
                Err(e) => return Some(Err(failed(e))),
            };
        }
    }
    if outcome.ok {
        if global.json {
            print_json(&json!({ "ok": true, "via": "service", "outcome": outcome }));
        } else {
            outln!("{}", cat.render(&outcome.said()));
        }
        return Some(Ok(()));
    }
    Some(Err(CliError::new(
        service_exit(&outcome),
        cat.render(&outcome.said()),
    )))
}

/// The exit code for a failed login the service reports.
fn service_exit(o: &crate::agent::backend::LoginSummary) -> Exit {
    use crate::agent::AgentState;
    match (&o.state, o.charged) {
        (AgentState::DeviceProblem { .. } | AgentState::NewScanner { .. }, _) => Exit::Device,
        (AgentState::Unknown | AgentState::Settling { .. }, _) | (_, None) => Exit::Network,
        (_, Some(true)) => Exit::Rejected,
        (AgentState::ApiProblem { .. }, _) => Exit::Network,
        (AgentState::SetupProblem { .. }, _) => Exit::Usage,
        (AgentState::DeclinesHeld { .. }, _) => Exit::Rejected,
        _ => Exit::Failure,
    }
}

/// `--despite-declines` is the operator's own act: a yes typed on a terminal after reading the
/// risk. Without a terminal (a script, the service) the flag alone is refused.
fn confirm_despite_declines(global: &Global) -> Result<bool, CliError> {
    use std::io::IsTerminal;
    let lang = super::language(global);
    if global.json || !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(CliError::said(
            Exit::Usage,
            Msg::new("login-despite-declines-needs-terminal"),
        ));
    }
    if StderrProgress::new(lang).confirm(&Msg::new("login-despite-declines-question")) {
        Ok(true)
    } else {
        Err(CliError::said(
            Exit::Rejected,
            Msg::new("login-despite-declines-declined"),
        ))
    }
}

/// The config, the secrets or the state directory are for the operator to fix (exit 2); a
/// ledger that cannot be opened is a failure of this PC (exit 1).
fn assembly_error(e: AssemblyError) -> CliError {
    match e {
        AssemblyError::Ledger(e) => CliError::said(Exit::Failure, e.msg()),
        other => CliError::said(Exit::Usage, other.msg()),
    }
}

/// Run the use case and print its result.
async fn run_flow(login: &mut Assembled, global: &Global) -> CmdResult {
    let lang = login.lang;
    let result = login.run(&SystemClock, &StderrProgress::new(lang)).await;
    let cat = Catalog::get(lang);
    match result {
        Ok(report) => {
            print_report(&report, cat, global);
            Ok(())
        }
        Err(e) => {
            if global.json {
                // --json stays English and machine-keyed in every language.
                return Err(CliError::new(exit_code(&e), e.to_string()));
            }
            if let Some(a) = e.attempt() {
                outln!(
                    "{}",
                    cat.render(&Msg::new("login-ledger-line").arg("line", a.msg()))
                );
            }
            let mut text = cat.render(&e.msg());
            // UIDAI's code in a refused or mismatched login's reply says what to do.
            if let LoginError::Rejected { attempt, .. } | LoginError::Mismatch(attempt) = &e
                && let Some(explained) = super::uidai::explain(attempt, cat)
            {
                text.push('\n');
                text.push_str(&explained);
            }
            Err(CliError::new(exit_code(&e), text))
        }
    }
}

fn print_report(report: &LoginReport, cat: &Catalog, global: &Global) {
    if global.json {
        print_json(&json!({ "ok": true, "login": report }));
        return;
    }
    let until = report
        .expires_at
        .with_timezone(&ist())
        .format("%Y-%m-%d %H:%M IST")
        .to_string();
    for a in &report.resolved {
        outln!(
            "{}",
            cat.render(&Msg::new("login-settled-earlier").arg("line", a.msg()))
        );
    }
    let id = match report.result {
        LoginResult::AlreadyLoggedIn => "login-already-logged-in",
        LoginResult::LoggedIn => "login-logged-in",
    };
    outln!("{}", cat.render(&Msg::new(id).arg("until", until)));
    if let Some(a) = &report.attempt {
        outln!(
            "{}",
            cat.render(&Msg::new("login-ledger-line").arg("line", a.msg()))
        );
    }
}

/// Exit codes (docs/architecture.md): 2 usage/config, 3 device, 4 rejected by the API, 5 network or unknown.
pub(crate) fn exit_code(e: &LoginError) -> Exit {
    match e {
        LoginError::Scan(_) | LoginError::LowQuality { .. } | LoginError::NewDevice { .. } => {
            Exit::Device
        }
        LoginError::Status(api) => match api {
            ApiError::Config(_) | ApiError::Request(_) => Exit::Usage,
            ApiError::Rejected { .. } | ApiError::Unexpected { .. } | ApiError::Relay { .. } => {
                Exit::Rejected
            }
            ApiError::Connect { .. } | ApiError::NoAnswer { .. } | ApiError::Reply { .. } => {
                Exit::Network
            }
        },
        LoginError::Mismatch(_) | LoginError::Rejected { .. } => Exit::Rejected,
        LoginError::Unknown { .. } | LoginError::NotSent(_) | LoginError::Settling { .. } => {
            Exit::Network
        }
        LoginError::Request(_) | LoginError::Aadhaar(_) | LoginError::WrongOperator { .. } => {
            Exit::Usage
        }
        LoginError::KeyExpired { .. } => Exit::Device,
        LoginError::DeclineGuard { .. } => Exit::Rejected,
        LoginError::LocallyLoggedIn | LoginError::Ledger(_) | LoginError::Lock(_) => Exit::Failure,
    }
}

/// A directory that is removed when dropped (the sandbox's state when no --state-dir is given).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, CliError> {
        let name = format!(
            "rd-agent-sandbox-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        let dir = std::env::temp_dir().join(name);
        ensure_state_dir(&dir).map_err(config_error)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_sandbox(force: bool, despite_declines: bool, global: &Global) -> CmdResult {
    use sandbox::instantpay::{self as ipay, SandboxConfig};
    use sandbox::rd::{SimOptions, SimulatedRd, vendor};

    let tmp;
    let state_dir = match &global.state_dir {
        Some(d) => {
            ensure_state_dir(d).map_err(config_error)?;
            d.clone()
        }
        None => {
            tmp = TempDir::new()?;
            tmp.0.clone()
        }
    };
    // The config: defaults and RD_AGENT_* overrides (e.g. the capture floors), then the sandbox.
    let mut cfg = Config::from_sources("", "sandbox", std::env::vars()).map_err(config_error)?;
    let ledger = Ledger::open(&state_dir.join("ledger.sqlite3"))
        .map_err(|e| assembly_error(AssemblyError::Ledger(e)))?;
    super::block_on(async move {
        let fail = |id: &'static str, e: std::io::Error| {
            CliError::said(Exit::Failure, Msg::new(id).arg("error", e.to_string()))
        };
        let ipay = ipay::start(SandboxConfig::default())
            .await
            .map_err(|e| fail("sandbox-instantpay-failed", e))?;
        let fixtures = vendor("mantra-mfs100")
            .ok_or_else(|| CliError::said(Exit::Failure, Msg::new("sandbox-fixtures-missing")))?;
        let rd = SimulatedRd::start(SimOptions::new(fixtures))
            .await
            .map_err(|e| fail("sandbox-rd-failed", e))?;
        let outlet = ipay
            .state()
            .outlets()
            .first()
            .cloned()
            .unwrap_or_else(ipay::DemoOutlet::demo);
        cfg.instantpay.base_url = ipay.base_url().to_string();
        cfg.instantpay.client_id = outlet.client_id.clone();
        cfg.instantpay.outlet_id = outlet.outlet_id.clone();
        cfg.instantpay.endpoint_ip = ipay::DEMO_ENDPOINT_IP.to_string();
        cfg.outlet.latitude = ipay::DEMO_LATITUDE.parse().ok();
        cfg.outlet.longitude = ipay::DEMO_LONGITUDE.parse().ok();
        cfg.rd.host = "127.0.0.1".to_string();
        cfg.rd.ports = ::rd::PortRange::single(rd.port());
        let secrets = Secrets {
            client_secret: Some(outlet.client_secret.clone()),
            encryption_key: Some(outlet.encryption_key.clone()),
            aadhaar: Some(StoredAadhaar::Valid(outlet.aadhaar.clone())),
            relay_token: None,
        };
        let lang = super::lang_flag(global).unwrap_or_else(|| cfg.language());
        eoutln!(
            "{}",
            Catalog::get(lang).render(
                &Msg::new("sandbox-banner")
                    .arg("vendor", fixtures.name)
                    .arg("port", rd.port())
                    .arg("base_url", ipay.base_url().to_string())
                    .arg("outlet", outlet.outlet_id.clone())
                    .arg("aadhaar", outlet.aadhaar.masked())
                    .arg("state_dir", state_dir.display().to_string())
            )
        );
        let flags = LoginFlags {
            force,
            accept_new_device: false,
            despite_declines,
        };
        let result = async {
            let (params, api, scanner) = assembly::parts(&cfg, &secrets, flags, "terminal")
                .map_err(|e| assembly_error(e.into()))?;
            drop(secrets);
            let mut login = Assembled {
                params,
                api,
                scanner,
                ledger,
                lang,
            };
            run_flow(&mut login, global).await
        }
        .await;
        rd.shutdown().await;
        ipay.shutdown().await;
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        let scan = LoginError::Scan(crate::login::ScanError(crate::i18n::Msg::verbatim("x")));
        assert_eq!(exit_code(&scan), Exit::Device);
        let st = LoginError::Status(ApiError::Connect {
            base_url: "u".into(),
            reason: "r".into(),
        });
        assert_eq!(exit_code(&st), Exit::Network);
        assert_eq!(exit_code(&LoginError::LocallyLoggedIn), Exit::Failure);
    }

    #[test]
    fn temp_dir_is_removed() {
        let t = TempDir::new().unwrap();
        let p = t.0.clone();
        assert!(p.is_dir());
        drop(t);
        assert!(!p.exists());
    }
}
