//! `rd-agent liveness create` and `rd-agent liveness result SESSION_ID`.
//!
//! Exit codes: 0 live (or a session created); 4 not live, expired or failed; 5 pending or a
//! status rd-agent does not know (the outcome is not known yet); 2 bad usage or config.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::{CliError, CmdResult, Exit, Global, print_json};
use crate::config::{Config, Key, Paths, Scope, Secrets};
use clock::SystemClock;
use instantpay::EnvelopeMeta;
use instantpay::liveness::{
    CreateSessionRequest, CreatedSession, ImageSource, LivenessError, LivenessImage,
    MAX_IMAGE_BYTES, SessionResult, create_session, session_result,
};
use instantpay::liveness::{
    DEFAULT_MIN_CONFIDENCE, PixelRect, Verdict, VerdictKind, annotate, judge,
};
use instantpay::new_external_ref;
use instantpay::{ApiError, Client, ClientConfig};
use sandbox::instantpay::{SandboxConfig, SandboxInstantPay};
use sandbox::liveness::{LivenessSandbox, Outcome, Plan, SandboxClock};

/// Where the sandbox's demo outlet is (New Delhi).
const DEMO_LATITUDE: &str = "28.6139";
const DEMO_LONGITUDE: &str = "77.2090";

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Create a face-liveness session; prints its id and the access token for the capture app.
    Create(CreateArgs),
    /// Fetch and judge a session's result; optionally save its images with the face boxes drawn.
    Result(ResultArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    /// Latitude in decimal degrees (default: outlet.latitude from the config).
    #[arg(long)]
    pub(crate) latitude: Option<String>,
    /// Longitude in decimal degrees (default: outlet.longitude from the config).
    #[arg(long)]
    pub(crate) longitude: Option<String>,
    /// Your unique reference for the session (default: a fresh one).
    #[arg(long)]
    pub(crate) external_ref: Option<String>,
    /// Use an in-process sandbox InstantPay instead of the configured API (no account needed).
    #[arg(long)]
    pub(crate) sandbox: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ResultArgs {
    /// The session id from `rd-agent liveness create`. With --sandbox, leave it out: a sandbox
    /// session is created first.
    #[arg(required_unless_present = "sandbox")]
    pub(crate) session_id: Option<String>,
    /// Confidence (0 to 100) at or above which the person is judged live.
    #[arg(long, default_value_t = DEFAULT_MIN_CONFIDENCE, value_parser = parse_confidence)]
    pub(crate) min_confidence: f64,
    /// Write the reference and audit images here as PNG, each with its face box drawn.
    #[arg(long, value_name = "DIR")]
    pub(crate) save_images: Option<PathBuf>,
    /// Use an in-process sandbox InstantPay instead of the configured API (no account needed).
    #[arg(long)]
    pub(crate) sandbox: bool,
    /// With --sandbox: how the sandbox session ends.
    #[arg(long, value_enum, default_value = "live", requires = "sandbox")]
    pub(crate) sandbox_outcome: SandboxOutcome,
}

/// What the in-process sandbox session turns into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SandboxOutcome {
    Live,
    NotLive,
    Failed,
    Expired,
    Pending,
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if !(0.0..=100.0).contains(&v) {
        return Err(format!("{v} is outside 0 to 100"));
    }
    Ok(v)
}

pub(crate) fn run(cmd: Command, global: &Global) -> CmdResult {
    let json = global.json;
    let outcome = super::block_on(async {
        match cmd {
            Command::Create(a) => create(a, global).await,
            Command::Result(a) => result(a, global).await,
        }
    });
    match outcome {
        Ok(Done { exit: None, .. }) => Ok(()),
        Ok(Done {
            exit: Some(exit),
            message,
        }) => {
            if json {
                // The JSON document (with the verdict) is already on stdout: exit with the
                // verdict's code without a second document.
                let _ = std::io::stdout().flush();
                std::process::exit(exit as i32);
            }
            Err(CliError::new(exit, message))
        }
        Err(e) => Err(e),
    }
}

/// A command that ran to the end; `exit` is set when its answer is not a success.
struct Done {
    exit: Option<Exit>,
    message: String,
}

/// A client for the configured API, or for an in-process sandbox (kept alive by the guard).
async fn connect(sandbox: bool, global: &Global) -> Result<(Client, Option<Sandbox>), CliError> {
    if sandbox {
        let sb = Sandbox::start().await?;
        let client = Client::new(sb.server.client_config()).map_err(api_error)?;
        return Ok((client, Some(sb)));
    }
    let (cfg, paths) = load_config(global)?;
    let client = Client::new(client_config(&paths, &cfg)?).map_err(api_error)?;
    Ok((client, None))
}

fn load_config(global: &Global) -> Result<(Config, Paths), CliError> {
    let paths = Paths::resolve(
        global.config.as_deref(),
        global.state_dir.as_deref(),
        Scope::User,
    )
    .map_err(|e| CliError::new(Exit::Usage, e.to_string()))?;
    let cfg = paths
        .load_config()
        .map_err(|e| CliError::new(Exit::Usage, e.to_string()))?;
    Ok((cfg, paths))
}

fn client_config(paths: &Paths, cfg: &Config) -> Result<ClientConfig, CliError> {
    let usage = |m: String| CliError::new(Exit::Usage, m);
    for (key, value) in [
        (Key::ClientId, &cfg.instantpay.client_id),
        (Key::OutletId, &cfg.instantpay.outlet_id),
        (Key::EndpointIp, &cfg.instantpay.endpoint_ip),
    ] {
        if value.trim().is_empty() {
            return Err(usage(crate::config::missing(key).to_string()));
        }
    }
    let secrets = Secrets::load(&paths.secrets_file()).map_err(|e| usage(e.to_string()))?;
    let secret = secrets
        .client_secret()
        .map_err(|e| usage(e.to_string()))?
        .clone();
    Ok(ClientConfig::new(
        cfg.instantpay.base_url.clone(),
        cfg.instantpay.client_id.clone(),
        secret,
        cfg.instantpay.outlet_id.clone(),
        cfg.instantpay.endpoint_ip.clone(),
    ))
}

fn api_error(e: ApiError) -> CliError {
    let exit = match &e {
        ApiError::Config(_) | ApiError::Request(_) => Exit::Usage,
        ApiError::Connect { .. } | ApiError::NoAnswer { .. } => Exit::Network,
        ApiError::Reply { .. } | ApiError::Unexpected { .. } => Exit::Network,
        ApiError::Rejected { .. } | ApiError::Relay { .. } => Exit::Rejected,
    };
    CliError::new(exit, e.to_string())
}

fn liveness_error(e: LivenessError) -> CliError {
    match e {
        LivenessError::Api(a) => api_error(a),
        LivenessError::Request(_) | LivenessError::SessionId(_) => {
            CliError::new(Exit::Usage, e.to_string())
        }
        LivenessError::Result(_) => CliError::new(Exit::Network, e.to_string()),
    }
}

/// An in-process sandbox InstantPay (the whole one: its header checks, the demo outlet), whose
/// clock this command can move forward. Dropping it stops the server.
struct Sandbox {
    server: SandboxInstantPay,
    clock: Arc<SandboxClock>,
}

impl Sandbox {
    async fn start() -> Result<Sandbox, CliError> {
        let clock = Arc::new(SandboxClock::new(Arc::new(SystemClock)));
        let config = SandboxConfig {
            clock: clock.clone(),
            ..SandboxConfig::default()
        };
        let server = sandbox::instantpay::start(config).await.map_err(|e| {
            CliError::new(
                Exit::Failure,
                format!("The sandbox could not open a loopback port: {e}"),
            )
        })?;
        Ok(Sandbox { server, clock })
    }

    fn state(&self) -> &Arc<LivenessSandbox> {
        self.server.state().liveness()
    }
}

#[derive(Serialize)]
struct CreateOutput<'a> {
    ok: bool,
    sandbox: bool,
    session: &'a CreatedSession,
    external_ref: &'a str,
    meta: &'a EnvelopeMeta,
}

async fn create(a: CreateArgs, global: &Global) -> Result<Done, CliError> {
    let (client, sandbox) = connect(a.sandbox, global).await?;
    let (lat, long) = if sandbox.is_some() {
        (
            a.latitude.unwrap_or_else(|| DEMO_LATITUDE.into()),
            a.longitude.unwrap_or_else(|| DEMO_LONGITUDE.into()),
        )
    } else {
        let (cfg, _) = load_config(global)?;
        let pick = |flag: Option<String>, key: Key, value: &str| match flag {
            Some(v) => Ok(v),
            None if !value.trim().is_empty() => Ok(value.trim().to_string()),
            None => Err(CliError::new(
                Exit::Usage,
                format!(
                    "{} (or pass --{})",
                    crate::config::missing(key),
                    key.name().trim_start_matches("outlet.")
                ),
            )),
        };
        (
            pick(
                a.latitude,
                Key::Latitude,
                &crate::config::text_or_empty(&cfg.outlet.latitude),
            )?,
            pick(
                a.longitude,
                Key::Longitude,
                &crate::config::text_or_empty(&cfg.outlet.longitude),
            )?,
        )
    };
    let req = CreateSessionRequest {
        latitude: lat,
        longitude: long,
        external_ref: a.external_ref.unwrap_or_else(new_external_ref),
    };
    let (session, meta) = create_session(&client, &req)
        .await
        .map_err(liveness_error)?;
    if global.json {
        print_json(&CreateOutput {
            ok: true,
            sandbox: sandbox.is_some(),
            session: &session,
            external_ref: &req.external_ref,
            meta: &meta,
        });
    } else {
        outln!("Session created: {}", session.session_id);
        if let Some(t) = &session.access_token {
            outln!("Access token for the face-capture app: {t}");
        }
        outln!("External reference: {}", req.external_ref);
        if !session.extra.is_empty() {
            outln!(
                "Other fields: {}",
                serde_json::Value::Object(session.extra.clone())
            );
        }
        outln!(
            "When the person has done the face check (within 3 minutes), run: \
             rd-agent liveness result {}",
            session.session_id
        );
        if sandbox.is_some() {
            outln!("(sandbox: this session lived only in this process)");
        }
    }
    Ok(Done {
        exit: None,
        message: String::new(),
    })
}

/// One image written by --save-images.
#[derive(Debug, Serialize)]
struct SavedImage {
    which: String,
    path: PathBuf,
    width: u32,
    height: u32,
    /// Where the box was drawn, in pixels; absent when the result had no box for this image.
    #[serde(skip_serializing_if = "Option::is_none")]
    drawn_box: Option<PixelRect>,
}

#[derive(Serialize)]
struct ResultOutput<'a> {
    ok: bool,
    sandbox: bool,
    session_id: &'a str,
    verdict: &'a Verdict,
    result: &'a SessionResult,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    saved_images: Vec<SavedImage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    image_problems: Vec<String>,
    meta: &'a EnvelopeMeta,
}

async fn result(a: ResultArgs, global: &Global) -> Result<Done, CliError> {
    let (client, sandbox) = connect(a.sandbox, global).await?;
    let session_id = match (&a.session_id, &sandbox) {
        (Some(id), _) => id.clone(),
        (None, Some(sb)) => sandbox_session(sb, a.sandbox_outcome),
        (None, None) => {
            return Err(CliError::new(
                Exit::Usage,
                "Give the session id (from `rd-agent liveness create`).",
            ));
        }
    };
    let (result, meta) = session_result(&client, &session_id)
        .await
        .map_err(liveness_error)?;
    let verdict = judge(&result, a.min_confidence);
    // The configured API is plain http only when it is on this machine (check_base_url).
    let api_on_loopback = client.base_url().starts_with("http://");
    let (saved, problems) = match &a.save_images {
        Some(dir) => save_images(&result, &session_id, dir, api_on_loopback).await?,
        None => (Vec::new(), Vec::new()),
    };
    if global.json {
        print_json(&ResultOutput {
            ok: verdict.kind == VerdictKind::Live,
            sandbox: sandbox.is_some(),
            session_id: &session_id,
            verdict: &verdict,
            result: &result,
            saved_images: saved,
            image_problems: problems,
            meta: &meta,
        });
    } else {
        print_human(&session_id, &verdict, &result, &saved, &problems);
    }
    let exit = match verdict.kind {
        VerdictKind::Live => None,
        VerdictKind::NotLive | VerdictKind::Expired | VerdictKind::Failed => Some(Exit::Rejected),
        VerdictKind::Pending | VerdictKind::Unknown => Some(Exit::Network),
    };
    Ok(Done {
        exit,
        message: verdict.sentence.clone(),
    })
}

/// Create a session in the in-process sandbox that ends as asked, and move its clock so the
/// ending is already there.
fn sandbox_session(sb: &Sandbox, outcome: SandboxOutcome) -> String {
    let plan = match outcome {
        SandboxOutcome::Live => Plan::immediate(Outcome::Live { confidence: 97.5 }),
        SandboxOutcome::NotLive => Plan::immediate(Outcome::NotLive { confidence: 41.3 }),
        SandboxOutcome::Failed => Plan::immediate(Outcome::Failed),
        SandboxOutcome::Expired => Plan::immediate(Outcome::Expire),
        SandboxOutcome::Pending => Plan {
            outcome: Outcome::Live { confidence: 97.5 },
            starts_after: chrono::Duration::zero(),
            finishes_after: chrono::Duration::minutes(1),
        },
    };
    sb.state().plan_next(plan);
    let id = sb.state().create_session();
    if outcome == SandboxOutcome::Expired {
        sb.clock.advance(sandbox::liveness::SESSION_LIFETIME);
    }
    id
}

fn print_human(
    session_id: &str,
    verdict: &Verdict,
    result: &SessionResult,
    saved: &[SavedImage],
    problems: &[String],
) {
    outln!("Session {session_id}: {}", verdict.status);
    outln!("{}", verdict.sentence);
    let describe = |img: &LivenessImage| {
        let src = match &img.source {
            ImageSource::Bytes { bytes } => format!("{} bytes inline", bytes.len()),
            ImageSource::S3Object { bucket, name, .. } => format!("stored at s3://{bucket}/{name}"),
            ImageSource::Url { url } => format!("at {url}"),
            ImageSource::Missing => "no picture".to_string(),
        };
        match &img.bounding_box {
            Some(b) => format!(
                "{src}; face box left {:.3} top {:.3} width {:.3} height {:.3}",
                b.left, b.top, b.width, b.height
            ),
            None => format!("{src}; no face box"),
        }
    };
    if let Some(r) = &result.reference_image {
        outln!("Reference image: {}", describe(r));
    }
    for (i, img) in result.audit_images.iter().enumerate() {
        outln!("Audit image {}: {}", i + 1, describe(img));
    }
    if !result.extra.is_empty() {
        outln!(
            "Other fields in the reply: {}",
            serde_json::Value::Object(result.extra.clone())
        );
    }
    for s in saved {
        outln!(
            "Saved {} ({}x{}): {}",
            s.which,
            s.width,
            s.height,
            s.path.display()
        );
    }
    for p in problems {
        eoutln!("warning: {p}");
    }
}

/// A file-name-safe form of the session id.
fn file_stem(session_id: &str) -> String {
    let s: String = session_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if s.is_empty() { "session".into() } else { s }
}

/// Write each image with its box drawn. Problems with one image (stored where rd-agent cannot
/// reach, undecodable) are reported and do not stop the others.
async fn save_images(
    result: &SessionResult,
    session_id: &str,
    dir: &Path,
    api_on_loopback: bool,
) -> Result<(Vec<SavedImage>, Vec<String>), CliError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::new(
            Exit::Usage,
            format!("Cannot create the image folder {}: {e}", dir.display()),
        )
    })?;
    let stem = file_stem(session_id);
    let mut images: Vec<(String, &LivenessImage)> = Vec::new();
    if let Some(r) = &result.reference_image {
        images.push(("reference".into(), r));
    }
    for (i, img) in result.audit_images.iter().enumerate() {
        images.push((format!("audit-{}", i + 1), img));
    }
    let mut saved = Vec::new();
    let mut problems = Vec::new();
    if images.is_empty() {
        problems.push(format!(
            "The result has no images to save (status {}).",
            result.status.as_str()
        ));
    }
    for (which, img) in images {
        let bytes = match &img.source {
            ImageSource::Bytes { bytes } => bytes.clone(),
            ImageSource::Url { url } => match fetch_image(url, api_on_loopback).await {
                Ok(b) => b,
                Err(e) => {
                    problems.push(format!("The {which} image could not be downloaded: {e}"));
                    continue;
                }
            },
            ImageSource::S3Object { bucket, name, .. } => {
                problems.push(format!(
                    "The {which} image is stored at s3://{bucket}/{name}, which rd-agent cannot \
                     download (it holds no storage credentials); ask InstantPay for the image."
                ));
                continue;
            }
            ImageSource::Missing => {
                problems.push(format!("The reply gives no picture for the {which} image."));
                continue;
            }
        };
        let annotated = match annotate(&bytes, img.bounding_box.as_ref()) {
            Ok(a) => a,
            Err(e) => {
                problems.push(format!("The {which} image was not saved: {e}"));
                continue;
            }
        };
        if img.bounding_box.is_some() && annotated.drawn.is_none() {
            problems.push(format!(
                "The {which} image's face box lies outside the picture; saved without it."
            ));
        }
        let path = dir.join(format!("{stem}-{which}.png"));
        std::fs::write(&path, &annotated.png).map_err(|e| {
            CliError::new(
                Exit::Failure,
                format!("Cannot write {}: {e}", path.display()),
            )
        })?;
        saved.push(SavedImage {
            which,
            path,
            width: annotated.width,
            height: annotated.height,
            drawn_box: annotated.drawn,
        });
    }
    Ok((saved, problems))
}

/// Whether an image URL from the reply may be fetched: `https://` only, so no one on the way
/// can swap the picture and the URL cannot point the download at a plain-HTTP service on the
/// shop's network. Plain `http://` is allowed only to this machine, and only when InstantPay
/// itself is configured on this machine (a sandbox or a test).
fn image_url_allowed(url: &str, api_on_loopback: bool) -> Result<(), String> {
    // The same rule as every server URL of ours: https, or plain http to loopback only.
    let refused = || "the image URL is not https:// (only https is downloaded)".to_string();
    instantpay::check_url(url, "the image URL").map_err(|_| refused())?;
    if url.starts_with("http://") && !api_on_loopback {
        return Err(refused());
    }
    Ok(())
}

/// Download an image the reply points to, with a deadline and a size cap, following no
/// redirect (a redirect could lead the download anywhere). Such URLs are pre-signed: no
/// InstantPay credentials are sent with them.
async fn fetch_image(url: &str, api_on_loopback: bool) -> Result<Vec<u8>, String> {
    image_url_allowed(url, api_on_loopback)?;
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let mut resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("no answer from the image server ({e})"))?;
    if !resp.status().is_success() {
        return Err(format!("the image server answered HTTP {}", resp.status()));
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| format!("the download broke off ({e})"))?
    {
        if out.len() + chunk.len() > MAX_IMAGE_BYTES {
            return Err(format!("the image is larger than {MAX_IMAGE_BYTES} bytes"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::image_url_allowed;

    #[test]
    fn only_https_images_are_downloaded_but_from_a_loopback_test_server() {
        assert!(image_url_allowed("https://s3.example.in/a.jpg?sig=1", false).is_ok());
        for refused in [
            "http://images.example.in/a.jpg",
            "http://127.0.0.1:9000/a.jpg",
            "http://169.254.169.254/latest/meta-data",
            "ftp://example.in/a.jpg",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(image_url_allowed(refused, false).is_err(), "{refused}");
        }
        // With InstantPay itself on this machine (the sandbox, a test): loopback http too.
        assert!(image_url_allowed("http://127.0.0.1:9000/a.jpg", true).is_ok());
        assert!(image_url_allowed("http://images.example.in/a.jpg", true).is_err());
    }
}
