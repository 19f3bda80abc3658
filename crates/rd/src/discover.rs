//! Discovery: probe a range of loopback ports with the `RDSERVICE` verb, over HTTP and HTTPS,
//! concurrently, each probe with a deadline and a size cap. A port holding something else, or
//! one that accepts and never answers, is skipped and never holds the scan up.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::ports::{DEFAULT_PORTS, PortRange};
use crate::service::{RdService, parse_rdservice};
use crate::transport::{self, MAX_INFO_BYTES, RdError, Scheme};

/// Where and how to look.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    /// Loopback host; `127.0.0.1` rather than `localhost`, which may resolve to `::1`.
    pub host: String,
    pub ports: PortRange,
    /// Deadline of one probe (connect, TLS, request and reply).
    pub probe_timeout: Duration,
    /// Schemes to try on every port.
    pub schemes: Vec<Scheme>,
}

/// The default probe deadline: a local RD Service answers RDSERVICE in a few milliseconds.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_millis(400);

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            host: "127.0.0.1".into(),
            ports: DEFAULT_PORTS,
            probe_timeout: DEFAULT_PROBE_TIMEOUT,
            schemes: vec![Scheme::Http, Scheme::Https],
        }
    }
}

/// A port that answered but not as an RD Service (refused ports are not listed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortFailure {
    pub port: u16,
    pub error: String,
}

/// Everything a scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Discovery {
    pub services: Vec<RdService>,
    pub failures: Vec<PortFailure>,
}

/// Every RD Service found (see [`discover_report`] for the ports that failed).
pub async fn discover(opts: &DiscoverOptions) -> Vec<RdService> {
    discover_report(opts).await.services
}

/// The ports of the services that answered READY. More than one means a login would use
/// whichever answers first: worth a warning, never a wait (`find_ready` stops at the first).
pub fn ready_ports(services: &[RdService]) -> Vec<u16> {
    services
        .iter()
        .filter(|s| s.status.is_ready())
        .map(|s| s.port)
        .collect()
}

/// Probe every port concurrently; the scan takes about one probe deadline at most.
pub async fn discover_report(opts: &DiscoverOptions) -> Discovery {
    scan(opts, None).await.0
}

/// Probe the range concurrently. With `stop_at`, return as soon as a READY service it accepts
/// answers: the other probes are dropped, so a port that never answers costs a login nothing.
/// The second value is the service it stopped at.
async fn scan(
    opts: &DiscoverOptions,
    stop_at: Option<&(dyn Fn(&RdService) -> bool + Sync)>,
) -> (Discovery, Option<RdService>) {
    let client = match transport::http_client(&opts.host) {
        Ok(c) => c,
        Err(e) => {
            let failures = vec![PortFailure {
                port: opts.ports.low(),
                error: e.to_string(),
            }];
            let found = Discovery {
                services: Vec::new(),
                failures,
            };
            return (found, None);
        }
    };
    let mut set = tokio::task::JoinSet::new();
    for port in opts.ports.range() {
        let client = client.clone();
        let opts = opts.clone();
        set.spawn(async move { (port, probe_with(&client, &opts, port).await) });
    }
    let mut found = Discovery::default();
    let mut accepted = None;
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((_, Ok(svc))) => {
                let stop = svc.status.is_ready() && stop_at.is_some_and(|accept| accept(&svc));
                found.services.push(svc.clone());
                if stop {
                    accepted = Some(svc);
                    break; // dropping `set` aborts the probes still waiting
                }
            }
            Ok((port, Err(e))) if !e.is_refused() => found.failures.push(PortFailure {
                port,
                error: e.to_string(),
            }),
            _ => {}
        }
    }
    found.services.sort_by_key(|s| s.port);
    found.failures.sort_by_key(|f| f.port);
    (found, accepted)
}

/// The first READY service to answer in the range, or the error that says what to do: the one
/// way every caller (capture, login, the service) finds the service to capture with. It does
/// not wait for the rest of the range once one is READY; `devices` and `doctor` scan it all.
pub async fn find_ready(opts: &DiscoverOptions) -> Result<RdService, RdError> {
    first_ready(opts, None, &|_| true)
        .await
        .map_err(|found| ready_of(&found, opts).err().unwrap_or(no_service(opts)))
}

/// The first READY service that `accept` takes (the login's trust check), trying `prefer`
/// (the port the shop's scanner answered on last time) on its own first: it answers in a few
/// milliseconds and the range is not scanned at all. Else the whole range, stopping at the
/// first accepted READY service. `Err` holds every service found, for the caller to say why
/// none would do.
pub async fn first_ready(
    opts: &DiscoverOptions,
    prefer: Option<u16>,
    accept: &(dyn Fn(&RdService) -> bool + Sync),
) -> Result<RdService, Vec<RdService>> {
    if let Some(port) = prefer.filter(|p| opts.ports.contains(*p))
        && let Ok(svc) = probe(opts, port).await
        && svc.status.is_ready()
        && accept(&svc)
    {
        return Ok(svc);
    }
    match scan(opts, Some(accept)).await {
        (_, Some(svc)) => Ok(svc),
        (found, None) => Err(found.services),
    }
}

fn no_service(opts: &DiscoverOptions) -> RdError {
    RdError::NotFound {
        host: opts.host.clone(),
        ports: opts.ports.to_string(),
    }
}

/// The first READY service among `found` (a scan of `opts`), or why there is none.
pub fn ready_of(found: &[RdService], opts: &DiscoverOptions) -> Result<RdService, RdError> {
    if let Some(ready) = found.iter().find(|s| s.status.is_ready()) {
        return Ok(ready.clone());
    }
    match found.first() {
        Some(svc) => Err(RdError::NotReady {
            port: svc.port,
            status: svc.status.to_string(),
        }),
        None => Err(no_service(opts)),
    }
}

/// Probe one port with every scheme of `opts`; the first RD Service reply wins.
pub async fn probe(opts: &DiscoverOptions, port: u16) -> Result<RdService, RdError> {
    let client = transport::http_client(&opts.host)?;
    probe_with(&client, opts, port).await
}

async fn probe_with(
    client: &reqwest::Client,
    opts: &DiscoverOptions,
    port: u16,
) -> Result<RdService, RdError> {
    let mut set = tokio::task::JoinSet::new();
    for &scheme in &opts.schemes {
        let client = client.clone();
        let host = opts.host.clone();
        let deadline = opts.probe_timeout;
        set.spawn(async move { probe_scheme(&client, &host, port, scheme, deadline).await });
    }
    let mut errors = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(svc)) => return Ok(svc), // dropping `set` aborts the other probe
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(RdError::Client(e.to_string())),
        }
    }
    // Report the most telling failure: a reply that is not an RD Service beats a reply that is
    // not HTTP, which beats silence, which beats a failed connection (e.g. TLS on a plain port).
    errors.sort_by_key(|e| match e {
        RdError::NotHttp { .. } => 1,
        RdError::Timeout { .. } => 2,
        RdError::Refused { .. } => 4,
        RdError::Connect { .. } => 3,
        _ => 0,
    });
    Err(errors.into_iter().next().unwrap_or(RdError::Connect {
        port,
        detail: "no scheme to probe".into(),
    }))
}

async fn probe_scheme(
    client: &reqwest::Client,
    host: &str,
    port: u16,
    scheme: Scheme,
    deadline: Duration,
) -> Result<RdService, RdError> {
    let body = transport::call(
        client,
        host,
        port,
        scheme,
        "RDSERVICE",
        "/",
        None,
        deadline,
        MAX_INFO_BYTES,
    )
    .await?;
    let info = parse_rdservice(&body).map_err(|e| RdError::Malformed {
        port,
        verb: "RDSERVICE",
        detail: e.to_string(),
    })?;
    Ok(RdService {
        host: host.to_string(),
        port,
        scheme,
        status: info.status,
        info: info.info,
        device_info_path: info.device_info_path,
        capture_path: info.capture_path,
    })
}
