//! The flags both servers take for what they share, with the same names in both; each server
//! flattens `ServerArgs` into its own command line and calls `with_env` so that every flag can
//! also be set as `<PREFIX>_<FLAG>` (`CONNPAY_TRUST_PROXY`, `RD_RELAY_OPS_ALLOW`).

use std::path::PathBuf;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::address::AddressList;
use crate::logging::LogFormat;
use crate::ops::OpsGuard;
use crate::secret::{SecretError, Source};
use crate::serve::Limits;
use crate::tls::{Tls, TlsError};

fn address_list(text: &str) -> Result<AddressList, String> {
    AddressList::parse(text)
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Serve HTTPS with this certificate chain (PEM, the server's own first); needs --tls-key.
    /// SIGHUP reads both files again.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM, unencrypted; keep it chmod 600).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Who may read the operations endpoints (CIDR[,CIDR...]).
    #[arg(long, default_value = "127.0.0.0/8,::1", value_parser = address_list)]
    pub ops_allow: AddressList,
    /// Reverse proxies in front of this server (CIDR[,CIDR...]): their X-Forwarded-For names the
    /// client, and they are not held to --max-connections-per-address. A request with
    /// forwarded headers from any other peer never reaches the operations endpoints. Never list
    /// addresses that clients can connect from directly.
    #[arg(long, value_parser = address_list)]
    pub trust_proxy: Option<AddressList>,
    /// A file holding the bearer token the operations endpoints then ask of every request but
    /// a direct one from loopback (or the variable CONNPAY_OPS_TOKEN / RD_RELAY_OPS_TOKEN, or
    /// its _FILE form).
    #[arg(long)]
    pub ops_token_file: Option<PathBuf>,
    /// Log lines for people (text) or one JSON object per line (json).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Seconds a request's headers (and a TLS handshake) may take to arrive.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_timeout_secs: u64,
    /// Seconds a request's body may take to arrive whole after its headers.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub body_timeout_secs: u64,
    /// Seconds without a byte from the client after which a connection is closed.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3_600))]
    pub idle_timeout_secs: u64,
    /// Open connections at most (lowered to stay below the open-file limit). At the cap, the
    /// oldest connection that has not sent a whole request is closed for a new one.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Open connections per client address at most (IPv6: per /64); more are closed at once.
    /// Trusted proxies are not held to it.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections_per_address: u32,
    /// Seconds shutdown waits for requests in flight (connections without a whole request are
    /// closed at once).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub drain_timeout_secs: Option<u64>,
}

/// The flags of `ServerArgs` that take their value from `<PREFIX>_<FLAG>` too.
const FROM_ENV: &[&str] = &[
    "tls_cert",
    "tls_key",
    "ops_allow",
    "trust_proxy",
    "log_format",
    "header_timeout_secs",
    "body_timeout_secs",
    "idle_timeout_secs",
    "max_connections",
    "max_connections_per_address",
    "drain_timeout_secs",
];

/// `command` with the shared flags readable from `<prefix>_<FLAG>`; a flag already given an
/// environment variable keeps it.
pub fn with_env(mut command: clap::Command, prefix: &str) -> clap::Command {
    for id in FROM_ENV {
        let has_env = command
            .get_arguments()
            .any(|a| a.get_id() == id && a.get_env().is_some());
        if !has_env && command.get_arguments().any(|a| a.get_id() == id) {
            let var = format!("{prefix}_{}", id.to_ascii_uppercase());
            command = command.mut_arg(*id, |a| a.env(var));
        }
    }
    command
}

impl ServerArgs {
    /// The connection limits; `drain` when --drain-timeout-secs is not given.
    pub fn limits(&self, drain: Duration) -> Limits {
        Limits {
            max_connections: self.max_connections as usize,
            per_address: self.max_connections_per_address as usize,
            unlimited: self.trust_proxy.clone().unwrap_or_default(),
            idle: Duration::from_secs(self.idle_timeout_secs),
            header_read: Duration::from_secs(self.header_timeout_secs),
            body_read: Duration::from_secs(self.body_timeout_secs),
            drain: self.drain_timeout_secs.map_or(drain, Duration::from_secs),
        }
    }

    /// The operations guard, with its token from `--ops-token-file`, `<prefix>_OPS_TOKEN` or
    /// `<prefix>_OPS_TOKEN_FILE` (one of them at most).
    pub fn ops_guard(&self, prefix: &str) -> Result<OpsGuard, SecretError> {
        let token: Option<Zeroizing<String>> =
            Source::env("the ops token", &format!("{prefix}_OPS_TOKEN"))
                .or_file_flag("--ops-token-file", self.ops_token_file.clone())
                .read()?;
        Ok(OpsGuard::new(
            self.ops_allow.clone(),
            self.trust_proxy.clone().unwrap_or_default(),
            token,
        ))
    }

    /// The certificate, when --tls-cert is given.
    pub fn tls(&self) -> Result<Option<Tls>, TlsError> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                crate::secret::warn_if_shared(key, "the TLS key");
                Tls::load(cert, key).map(Some)
            }
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches, Parser};

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        server: ServerArgs,
    }

    #[test]
    fn defaults_and_env_names() {
        let cli = Cli::try_parse_from(["x"]).unwrap();
        assert_eq!(cli.server.ops_allow, AddressList::loopback());
        let l = cli.server.limits(Duration::from_secs(15));
        assert_eq!(l.header_read, Duration::from_secs(10));
        assert_eq!(l.body_read, Duration::from_secs(10));
        assert_eq!(l.drain, Duration::from_secs(15));
        let cmd = with_env(Cli::command(), "SB_TEST");
        let env: Vec<String> = cmd
            .get_arguments()
            .filter_map(|a| a.get_env().map(|e| e.to_string_lossy().into_owned()))
            .collect();
        assert!(env.contains(&"SB_TEST_TRUST_PROXY".to_owned()), "{env:?}");
        assert!(
            env.contains(&"SB_TEST_MAX_CONNECTIONS".to_owned()),
            "{env:?}"
        );
        let m = cmd
            .try_get_matches_from(["x", "--body-timeout-secs", "3"])
            .unwrap();
        let cli = Cli::from_arg_matches(&m).unwrap();
        assert_eq!(cli.server.body_timeout_secs, 3);
        assert!(Cli::try_parse_from(["x", "--tls-cert", "c.pem"]).is_err());
    }
}
