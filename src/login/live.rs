//! The real parts of the login: the local RD Service as a [`Scanner`], InstantPay (directly or
//! through the platform's relay) and [`LoginParams`] built from the config and the secret store. The service and the
//! `login` command both assemble the use case through here.

use std::time::Duration;

use super::{InstantPayApi, LoginParams, Progress, ScanError, Scanner, Sent};
use crate::config::{Config, ConfigError, Mode, Secrets, SecretsError};
use crate::i18n::Msg;
use instantpay::Secret;
use instantpay::{Aadhaar, AadhaarError};
use instantpay::{ApiError, Client, ClientConfig, LoginOutcome, LoginStatus, OutletLoginRequest};
use rd::{DiscoverOptions, PidData, PidOptions, RdService};

/// Capture deadline asked of the RD Service (the finger placement), in milliseconds.
pub const CAPTURE_TIMEOUT_MS: u32 = 10_000;

/// The RD Service found on this machine: discovered on first use, then reused.
#[derive(Debug, Clone)]
pub struct RdScanner {
    host: String,
    ports: rd::PortRange,
    env: String,
    /// Users besides root and this service's own account whose RD Service may be used.
    trusted_users: Vec<String>,
    service: Option<RdService>,
}

impl RdScanner {
    pub fn new(host: &str, ports: rd::PortRange, env: &str) -> RdScanner {
        RdScanner {
            host: host.to_string(),
            ports,
            env: env.to_string(),
            trusted_users: Vec::new(),
            service: None,
        }
    }

    pub(crate) fn from_config(cfg: &Config) -> RdScanner {
        let mut s = RdScanner::new(&cfg.rd.host, cfg.rd.ports, cfg.rd.env.as_str());
        s.trusted_users = cfg.rd.trusted_user_list();
        s
    }

    /// Find a READY service a login may use (trusted, see [`trusted`]), `prefer` first, or
    /// say what to do. The first such service ends the search: a port that never answers
    /// costs nothing (crates/rd/src/discover.rs).
    async fn find(&mut self, prefer: Option<u16>) -> Result<RdService, ScanError> {
        if let Some(s) = &self.service {
            return Ok(s.clone());
        }
        let opts = DiscoverOptions {
            host: self.host.clone(),
            ports: self.ports,
            ..DiscoverOptions::default()
        };
        let users = &self.trusted_users;
        let svc = match rd::first_ready(&opts, prefer, &|s| trusted(s.port, users).is_ok()).await {
            Ok(svc) => svc,
            Err(found) => {
                // Why none would do: the first READY one's owner, else what the scan saw.
                if let Some(ready) = found.iter().find(|s| s.status.is_ready()) {
                    trusted(ready.port, users)?;
                }
                let e = rd::ready_of(&found, &opts)
                    .err()
                    .unwrap_or(rd::RdError::NotFound {
                        host: opts.host.clone(),
                        ports: opts.ports.to_string(),
                    });
                return Err(ScanError(crate::i18n::errors::rd_error(&e)));
            }
        };
        self.service = Some(svc.clone());
        Ok(svc)
    }
}

/// May the RD Service on `port` be used for a chargeable capture? Only one run by root (as
/// vendors install them), by this process's own account, or by a user named in
/// `rd.trusted_users`: a program another user started on the range could answer first and hand
/// over a forged capture. An owner that cannot be read is refused, saying so.
pub(crate) fn trusted(port: u16, trusted_users: &[String]) -> Result<(), ScanError> {
    judge(port, crate::platform::net::port_owner(port), trusted_users)
}

/// [`trusted`] for an owner already read.
fn judge(
    port: u16,
    owner: crate::platform::PortOwner,
    trusted_users: &[String],
) -> Result<(), ScanError> {
    use crate::platform::PortOwner;
    match owner {
        PortOwner::User {
            is_system: true, ..
        }
        | PortOwner::User { is_self: true, .. } => Ok(()),
        // A Windows name is DOMAIN\user: either form may be listed.
        PortOwner::User {
            name: Some(name), ..
        } if trusted_users
            .iter()
            .any(|u| *u == name || name.rsplit('\\').next() == Some(u.as_str())) =>
        {
            Ok(())
        }
        PortOwner::User { account, name, .. } => {
            let who = name.unwrap_or(account);
            // Which program it is, where the OS shows it (not under the hardened unit).
            let shown = match crate::platform::net::port_process(port) {
                Some(p) => format!("{who} ({p})"),
                None => who.clone(),
            };
            Err(ScanError(
                Msg::new("login-rd-untrusted")
                    .arg("port", port)
                    .arg("shown", shown)
                    .arg("who", who),
            ))
        }
        PortOwner::Unknown(why) => Err(ScanError(
            Msg::new("login-rd-owner-unknown")
                .arg("port", port)
                .arg("why", why),
        )),
        PortOwner::NotChecked(why) => {
            tracing::warn!(port, why, "the RD Service's owner was not checked");
            Ok(())
        }
    }
}

/// Who runs the RD Service on a port, and whether a chargeable login would use it, for
/// `devices` (the login itself asks [`trusted`]).
#[derive(Debug, Clone)]
pub(crate) struct Standing {
    /// "root (uid 0)", "alice (uid 1001)", "uid 1001", "NT AUTHORITY\SYSTEM (S-1-5-18)", or
    /// "unknown" / "not checked" (Wine); then ", pid N, /path/to/exe" where the OS shows it.
    pub(crate) owner: String,
    pub(crate) trusted: bool,
    /// Why not.
    pub(crate) reason: Option<Msg>,
}

pub(crate) fn standing(port: u16, trusted_users: &[String]) -> Standing {
    use crate::platform::PortOwner;
    let read = crate::platform::net::port_owner(port);
    let owner = match &read {
        PortOwner::User {
            account,
            name: Some(name),
            ..
        } => format!("{name} ({account})"),
        PortOwner::User { account, .. } => account.clone(),
        PortOwner::Unknown(_) => "unknown".into(),
        PortOwner::NotChecked(_) => "not checked".into(),
    };
    // The owner is read once: the verdict judges the same reading the label shows.
    let verdict = judge(port, read, trusted_users);
    let owner = match crate::platform::net::port_process(port) {
        Some(p) => format!("{owner}, {p}"),
        None => owner,
    };
    Standing {
        owner,
        trusted: verdict.is_ok(),
        reason: verdict.err().map(|e| e.0),
    }
}

/// The warning for more than one READY RD Service: a login takes the first that answers, so
/// which scanner it uses is up to chance. `None` for one or none.
pub(crate) fn several_ready(ready_ports: &[u16]) -> Option<crate::i18n::Msg> {
    (ready_ports.len() > 1).then(|| {
        let ports: Vec<String> = ready_ports.iter().map(u16::to_string).collect();
        crate::i18n::Msg::new("rd-several-ready")
            .arg("count", ready_ports.len())
            .arg("ports", ports.join(", "))
    })
}

impl Scanner for RdScanner {
    async fn prepare(&mut self, prefer: Option<u16>) {
        if let Err(e) = self.find(prefer).await {
            tracing::debug!(error = %e, "no RD Service yet; the capture looks again");
        }
    }

    fn port(&self) -> Option<u16> {
        self.service.as_ref().map(|s| s.port)
    }

    async fn capture(&mut self, progress: &dyn Progress) -> Result<PidData, ScanError> {
        let svc = self.find(None).await?;
        progress.step(
            &crate::i18n::Msg::new("login-using-rd-service")
                .arg("port", svc.port)
                .arg(
                    "info",
                    if svc.info.is_empty() {
                        "no description".to_string()
                    } else {
                        svc.info.clone()
                    },
                ),
        );
        progress.step(&crate::i18n::Msg::new("login-place-finger"));
        let opts = PidOptions::new()
            .f_count(1)
            .f_type(2)
            .timeout_ms(CAPTURE_TIMEOUT_MS)
            .env(self.env.clone());
        let wait = Duration::from_millis(CAPTURE_TIMEOUT_MS.into());
        match super::countdown::counting_down(wait, progress, rd::capture(&svc, &opts)).await {
            Ok(pid) => Ok(pid),
            Err(e) => {
                // The service may have moved or restarted: look again next time.
                self.service = None;
                Err(ScanError(crate::i18n::errors::rd_error(&e)))
            }
        }
    }
}

/// Why the login could not be assembled: all fixable in the config or the secret store.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    #[error("{0}")]
    Client(ApiError),
}

impl SetupError {
    /// The sentence in the catalogue (`Display` is its English).
    pub(crate) fn msg(&self) -> Msg {
        match self {
            SetupError::Config(e) => e.msg(),
            SetupError::Secrets(e) => e.msg(),
            SetupError::Client(e) => crate::i18n::errors::api_error(e),
        }
    }
}

/// InstantPay with this PC's own credentials: the client and the key that encrypts the Aadhaar.
#[derive(Debug, Clone)]
pub struct Direct {
    pub client: Client,
    pub key: Secret,
}

impl InstantPayApi for Direct {
    async fn login_status(&self) -> Result<LoginStatus, ApiError> {
        self.client.outlet_login_status().await
    }

    fn check_aadhaar(&self, aadhaar: &Aadhaar) -> Result<(), AadhaarError> {
        aadhaar.encrypt(self.key.expose().as_bytes()).map(drop)
    }

    async fn login(&self, req: &OutletLoginRequest, aadhaar: &Aadhaar) -> Result<Sent, ApiError> {
        let encrypted = aadhaar
            .encrypt(self.key.expose().as_bytes())
            .map_err(|_| ApiError::Request(instantpay::RequestError::EncryptedAadhaar))?;
        let mut req = req.clone();
        req.biometric_data.encrypted_aadhaar = encrypted;
        self.client.outlet_login(&req).await.map(Sent::from)
    }
}

/// InstantPay through the platform's login relay (docs/relay.md): this PC holds a device
/// token, the relay the credentials and the key. The relay uses the outlet's coordinates from
/// its registry; `req`'s are ours, from enrolment.
#[derive(Debug, Clone)]
pub(crate) struct Relayed {
    pub(crate) client: relay_api::RelayClient,
    /// The operator chose to go on despite the decline guard: the relay is told, and honours
    /// it only where the platform allows (docs/relay.md).
    pub(crate) override_declines: bool,
}

impl InstantPayApi for Relayed {
    async fn login_status(&self) -> Result<LoginStatus, ApiError> {
        self.client.status().await
    }

    fn check_aadhaar(&self, _aadhaar: &Aadhaar) -> Result<(), AadhaarError> {
        Ok(())
    }

    async fn login(&self, req: &OutletLoginRequest, aadhaar: &Aadhaar) -> Result<Sent, ApiError> {
        let body = relay_api::LoginRequest {
            external_ref: req.external_ref.clone(),
            biometric_data: req.biometric_data.clone(),
            aadhaar: aadhaar.expose_digits().to_string(),
            override_declines: self.override_declines,
        };
        let reply = self.client.login(&body).await?;
        if let Some(first) = &reply.shared_from {
            tracing::info!(
                attempt = %req.external_ref,
                first = %first,
                "another PC of this outlet logged it in today: nothing charged for this one"
            );
        }
        Ok(Sent {
            outcome: reply.outcome,
            shared_from: reply.shared_from,
        })
    }

    async fn outcome_of(&self, external_ref: &str) -> Option<LoginOutcome> {
        match self.client.attempt(external_ref).await {
            Ok(reply) => reply.outcome,
            Err(e) => {
                tracing::debug!(error = %e, "the relay could not say what became of the attempt");
                None
            }
        }
    }
}

/// The InstantPay side of the login as the config says: direct or through the relay.
#[derive(Debug, Clone)]
pub(crate) enum Api {
    Direct(Direct),
    Relayed(Relayed),
}

impl Api {
    /// Pass the operator's override of the decline guard on to a relay (direct mode has
    /// nobody to tell: the ledger records it).
    pub(crate) fn override_declines(mut self, yes: bool) -> Api {
        if let Api::Relayed(r) = &mut self {
            r.override_declines = yes;
        }
        self
    }
}

impl InstantPayApi for Api {
    async fn login_status(&self) -> Result<LoginStatus, ApiError> {
        match self {
            Api::Direct(a) => a.login_status().await,
            Api::Relayed(a) => a.login_status().await,
        }
    }

    fn check_aadhaar(&self, aadhaar: &Aadhaar) -> Result<(), AadhaarError> {
        match self {
            Api::Direct(a) => a.check_aadhaar(aadhaar),
            Api::Relayed(a) => a.check_aadhaar(aadhaar),
        }
    }

    async fn login(&self, req: &OutletLoginRequest, aadhaar: &Aadhaar) -> Result<Sent, ApiError> {
        match self {
            Api::Direct(a) => a.login(req, aadhaar).await,
            Api::Relayed(a) => a.login(req, aadhaar).await,
        }
    }

    async fn outcome_of(&self, external_ref: &str) -> Option<LoginOutcome> {
        match self {
            Api::Direct(a) => a.outcome_of(external_ref).await,
            Api::Relayed(a) => a.outcome_of(external_ref).await,
        }
    }
}

/// How much longer than InstantPay itself the relay is given to answer.
pub(crate) const RELAY_EXTRA_WAIT: Duration = Duration::from_secs(30);

/// The InstantPay side for the configured outlet: this PC's credentials, or the relay's.
pub(crate) fn client(cfg: &Config, secrets: &Secrets) -> Result<Api, SetupError> {
    cfg.require_login()?;
    let read_timeout = Duration::from_secs(u64::from(cfg.instantpay.read_timeout_secs));
    if cfg.instantpay.mode == Mode::Relay {
        // The relay may first wait for another PC of the outlet (crates/rd-relay/src/relay.rs,
        // BUSY_WAIT) before its own call to InstantPay.
        let relay_wait = read_timeout + RELAY_EXTRA_WAIT;
        let client =
            relay_api::RelayClient::new(&cfg.relay.url, secrets.relay_token()?.clone(), relay_wait)
                .map_err(SetupError::Client)?;
        return Ok(Api::Relayed(Relayed {
            client,
            override_declines: false,
        }));
    }
    let mut cc = ClientConfig::new(
        cfg.instantpay.base_url.clone(),
        cfg.instantpay.client_id.clone(),
        secrets.client_secret()?.clone(),
        cfg.instantpay.outlet_id.clone(),
        cfg.instantpay.endpoint_ip.clone(),
    );
    cc.read_timeout = read_timeout;
    Ok(Api::Direct(Direct {
        client: Client::new(cc).map_err(SetupError::Client)?,
        key: secrets.encryption_key()?.clone(),
    }))
}

/// What the use case needs besides its parts.
pub(crate) fn params(
    cfg: &Config,
    secrets: &Secrets,
    force: bool,
) -> Result<LoginParams, SetupError> {
    cfg.require_login()?;
    Ok(LoginParams {
        latitude: crate::config::text_or_empty(&cfg.outlet.latitude),
        longitude: crate::config::text_or_empty(&cfg.outlet.longitude),
        aadhaar: secrets.aadhaar()?.clone(),
        min_qscore: cfg.capture.min_qscore,
        min_nmpoints: cfg.capture.min_nmpoints,
        force,
        settle_window: cfg.instantpay.settle_window(),
        accept_new_device: false,
        override_declines: None,
        outlet_id: cfg.instantpay.outlet_id.clone(),
    })
}
