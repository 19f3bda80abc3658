//! The operator's page: a small web page on 127.0.0.1 at a random port, served by the user's
//! tray (or, without a display, by `rd-agent-tray --page-only`), that shows today's login and
//! asks for one. It is a client of the service's IPC like the tray, so the service's rules on
//! who may log in or change the settings hold; it holds no secret. `guard` is its security;
//! `today`, `setup`, `history` and `checks` its screens; `live` its IPC. The HTML, CSS and script are in the binary; the script is a file of its
//! own, so the page's policy forbids every inline script.

mod checks;
mod guard;
mod history;
mod live;
mod setup;
mod today;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{DefaultBodyLimit, Extension, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rd_agent::i18n::{Catalog, Lang};
use rd_agent::page_link::{self, Key};
use tokio::sync::watch;
use zeroize::Zeroizing;

use guard::{InSession, Sessions};
use today::{Choice, Live};

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/page.js");
const STYLE: &str = include_str!("assets/page.css");

/// The catalogue texts `index.html` names as `{{id}}`.
const PAGE_TEXTS: &[&str] = &[
    "page-title",
    "page-heading",
    "page-switch-language",
    "page-footer",
    "page-no-script",
    "page-nav-today",
    "page-nav-history",
    "page-nav-checks",
    "page-nav-setup",
    "page-setup-heading",
    "page-setup-intro",
    "page-setup-direct",
    "page-setup-fleet",
    "page-setup-secrets-note",
    "page-setup-save",
    "page-setup-enrol",
    "page-history-col-when",
    "page-history-col-result",
    "page-history-col-cost",
    "page-checks-heading",
    "page-checks-devices",
    "page-checks-copy",
    "page-checks-copy-note",
];

/// The texts the script shows by itself (a copy that worked or failed, a save under way),
/// sent in the page as data attributes so the script has no text of its own.
const SCRIPT_TEXTS: &[&str] = &[
    "page-checks-copied",
    "page-checks-copy-failed",
    "page-setup-working",
];

/// How a page server is started.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// The service's IPC endpoint.
    pub socket: PathBuf,
    /// The language a new session starts in (the user's, as the tray's).
    pub lang: Lang,
    /// End after this long without a request or an open page (the server `rd-agent open`
    /// starts); `None` for the tray's, which lives as long as the tray.
    pub idle_exit: Option<Duration>,
    /// Where to tell `rd-agent open` about this server (src/page_link.rs); `None`: nowhere.
    pub publish_in: Option<PathBuf>,
}

/// State every request shares.
pub(crate) struct Shared {
    pub(crate) port: u16,
    pub(crate) key: Key,
    /// The language of the page's user (as the tray's), for a new session when the service's
    /// `ui.language` is "auto".
    user_lang: Lang,
    /// The service's `ui.language` when it names one: a new session starts in it.
    configured_lang: Mutex<Option<Lang>>,
    socket: PathBuf,
    sessions: Mutex<Sessions>,
    live: watch::Sender<Live>,
    last_request: Mutex<Instant>,
    streams: AtomicUsize,
    pub(crate) forbidden: String,
}

impl Shared {
    pub(crate) fn sessions(&self) -> MutexGuard<'_, Sessions> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The language a new session starts in: the configuration's, else the user's.
    pub(crate) fn default_lang(&self) -> Lang {
        let configured = *self
            .configured_lang
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        configured.unwrap_or(self.user_lang)
    }

    pub(crate) fn set_configured_lang(&self, lang: Option<Lang>) {
        *self
            .configured_lang
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = lang;
    }

    pub(crate) fn active(&self) {
        *self.last_request.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        if self.streams.load(Ordering::Relaxed) > 0 {
            return Duration::ZERO;
        }
        self.last_request
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed()
    }

    /// Change what the page knows; every open page hears of it.
    pub(crate) fn update<T>(&self, f: impl FnOnce(&mut Live) -> T) -> T {
        let mut out = None;
        self.live.send_if_modified(|l| {
            let before = l.clone();
            out = Some(f(l));
            *l != before
        });
        out.expect("the closure ran")
    }
}

/// What mints the page's addresses: clonable, for the tray's menu.
#[derive(Debug, Clone)]
pub struct Link {
    port: u16,
    key: Key,
}

impl Link {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The page's address with a fresh one-time token.
    pub fn fresh_url(&self) -> String {
        page_link::url(self.port, &self.key.mint(SystemTime::now()))
    }
}

/// Run a page server on a thread of its own (its own runtime), so a caller without one (the
/// tray's UI thread) can serve it; returns once it listens. The thread ends when the server
/// does (only one with `idle_exit` ends).
pub fn spawn_thread(opts: PageOptions) -> std::io::Result<(Link, std::thread::JoinHandle<()>)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("rd-agent-page".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                match start(opts).await {
                    Ok(page) => {
                        let _ = tx.send(Ok(page.link()));
                        page.ended().await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })?;
    let link = rx
        .recv()
        .map_err(|_| std::io::Error::other("the page thread ended before it listened"))??;
    Ok((link, thread))
}

/// A running page server.
pub struct Page {
    shared: Arc<Shared>,
    ended: tokio::task::JoinHandle<()>,
    publish_in: Option<PathBuf>,
}

impl Page {
    pub fn port(&self) -> u16 {
        self.shared.port
    }

    /// The page's address with a fresh one-time token.
    pub fn fresh_url(&self) -> String {
        self.link().fresh_url()
    }

    pub fn link(&self) -> Link {
        Link {
            port: self.shared.port,
            key: self.shared.key.clone(),
        }
    }

    /// Wait until the server ends (only one with `idle_exit` does).
    pub async fn ended(mut self) {
        let _ = (&mut self.ended).await;
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        if let Some(dir) = &self.publish_in {
            page_link::withdraw(dir);
        }
    }
}

/// Start a page server on the current tokio runtime: it listens on 127.0.0.1 at a port the OS
/// picks, follows the service and, with `publish_in`, tells `rd-agent open` where it is.
pub async fn start(opts: PageOptions) -> std::io::Result<Page> {
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let port = listener.local_addr()?.port();
    let key = Key::random();
    let forbidden = forbidden_page();
    let (live, _) = watch::channel(Live::default());
    let shared = Arc::new(Shared {
        port,
        key,
        user_lang: opts.lang,
        configured_lang: Mutex::new(None),
        socket: opts.socket.clone(),
        sessions: Mutex::new(Sessions::default()),
        live,
        last_request: Mutex::new(Instant::now()),
        streams: AtomicUsize::new(0),
        forbidden,
    });
    if let Some(dir) = &opts.publish_in {
        page_link::publish(dir, port, &shared.key)?;
    }
    let follow = tokio::spawn(live::follow(shared.clone(), opts.socket.clone()));
    let app = router(shared.clone());
    let idle = opts.idle_exit;
    let watcher = shared.clone();
    let ended = tokio::spawn(async move {
        let until_idle = async move {
            match idle {
                Some(limit) => loop {
                    tokio::time::sleep(Duration::from_secs(30).min(limit)).await;
                    if watcher.idle_for() >= limit {
                        break;
                    }
                },
                None => std::future::pending().await,
            }
        };
        let served = axum::serve(listener, app).with_graceful_shutdown(until_idle);
        if let Err(e) = served.await {
            tracing::warn!(error = %e, "the page server stopped");
        }
        follow.abort();
    });
    tracing::info!(port, "the operator's page is served on 127.0.0.1");
    Ok(Page {
        shared,
        ended,
        publish_in: opts.publish_in,
    })
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/page.js", get(script))
        .route("/page.css", get(style))
        .route("/api/today", get(today_now))
        .route("/api/events", get(events))
        .route("/api/login", post(login))
        .route("/api/lang", post(set_lang))
        .route("/api/setup", get(setup_now))
        .route("/api/setup/check", post(setup_check))
        .route(
            "/api/setup/direct",
            post(setup_direct).layer(DefaultBodyLimit::max(SETUP_BODY)),
        )
        .route(
            "/api/setup/fleet",
            post(setup_fleet).layer(DefaultBodyLimit::max(SETUP_BODY)),
        )
        .route("/api/history", get(history_now))
        .route("/api/checks", get(checks_now))
        .fallback(|State(s): State<Arc<Shared>>| async move { guard::forbidden(&s) })
        .layer(DefaultBodyLimit::max(1024))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            guard::guard,
        ))
        .with_state(shared)
}

/// A setup form: eight fields of at most a few hundred bytes each.
const SETUP_BODY: usize = 8 * 1024;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page in the session's language; the script fills in the day.
fn page_html(lang: Lang) -> String {
    let cat = Catalog::get(lang);
    let other = if lang == Lang::Hi { Lang::En } else { Lang::Hi };
    let mut html = INDEX
        .replace("{{lang}}", code(lang))
        .replace("{{other-lang}}", code(other))
        .replace("{{other-lang-name}}", endonym(other));
    for id in PAGE_TEXTS.iter().chain(SCRIPT_TEXTS) {
        html = html.replace(&format!("{{{{{id}}}}}"), &escape(&cat.tr(id)));
    }
    html
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Hi => "hi",
    }
}

/// A language's name in itself, as a language switch shows it whatever the page's language.
fn endonym(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Hi => "हिन्दी",
    }
}

/// The refusal, in both languages: no session, so no language of its own.
fn forbidden_page() -> String {
    let said = |lang| escape(&Catalog::get(lang).tr("page-forbidden"));
    format!(
        "<!doctype html><meta charset=\"utf-8\"><title>403</title><p>{}</p><p lang=\"hi\">{}</p>\n",
        said(Lang::En),
        said(Lang::Hi)
    )
}

async fn index(Extension(s): Extension<InSession>) -> Html<String> {
    Html(page_html(s.lang))
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

async fn today_now(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
) -> Json<today::TodayView> {
    Json(shared.live.borrow().view(s.lang))
}

/// Server-sent events: the screen now, then again at every change. Each event is the whole
/// screen, so a page that missed one is never out of step.
async fn events(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
) -> impl IntoResponse {
    struct Open(Arc<Shared>);
    impl Drop for Open {
        fn drop(&mut self) {
            self.0.streams.fetch_sub(1, Ordering::Relaxed);
            self.0.active();
        }
    }
    shared.streams.fetch_add(1, Ordering::Relaxed);
    let mut rx = shared.live.subscribe();
    rx.mark_changed();
    let open = Open(shared);
    let lang = s.lang;
    let stream = futures_util::stream::unfold((rx, open), move |(mut rx, open)| async move {
        rx.changed().await.ok()?;
        let view = rx.borrow_and_update().view(lang);
        let event = Event::default().json_data(view).ok()?;
        Some((Ok::<_, std::convert::Infallible>(event), (rx, open)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[derive(serde::Deserialize)]
struct LoginAsk {
    choice: Choice,
    #[serde(default)]
    confirmed: bool,
}

/// Ask for the login the page offers now, and nothing else: a page that shows an old state
/// cannot ask for a forced or risky login the day no longer calls for, and one that needs a
/// confirmation is not sent without it.
async fn login(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
    Json(ask): Json<LoginAsk>,
) -> Response {
    let started = shared.update(|l| {
        if l.offer() != Some(ask.choice) || (ask.choice.needs_confirmation() && !ask.confirmed) {
            return false;
        }
        l.asked = true;
        l.finger = None;
        l.scanned = false;
        l.outcome = None;
        l.refused = None;
        true
    });
    let view = shared.live.borrow().view(s.lang);
    if !started {
        return (StatusCode::CONFLICT, Json(view)).into_response();
    }
    tokio::spawn(live::login(
        shared.clone(),
        shared.socket.clone(),
        ask.choice,
    ));
    (StatusCode::ACCEPTED, Json(view)).into_response()
}

#[derive(serde::Deserialize)]
struct LangAsk {
    lang: String,
}

async fn set_lang(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
    Json(ask): Json<LangAsk>,
) -> StatusCode {
    let lang = match ask.lang.as_str() {
        "en" => Lang::En,
        "hi" => Lang::Hi,
        _ => return StatusCode::BAD_REQUEST,
    };
    shared.sessions().set_lang(&s.cookie, lang);
    StatusCode::NO_CONTENT
}

async fn setup_now(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
) -> Json<setup::SetupView> {
    let got = rd_agent::setup::show(&shared.socket).await;
    Json(setup::view(got.as_ref(), s.lang))
}

#[derive(serde::Deserialize)]
struct CheckAsk {
    name: String,
    #[serde(default)]
    value: Zeroizing<String>,
}

/// One field as it is typed: the library's check (the wizard's), its sentence in the page's
/// language. A secret's text is checked and dropped, never echoed.
async fn setup_check(
    Extension(s): Extension<InSession>,
    Json(ask): Json<CheckAsk>,
) -> Json<setup::CheckView> {
    Json(setup::check(&ask.name, &ask.value, s.lang))
}

#[derive(serde::Deserialize)]
struct DirectAsk {
    #[serde(default)]
    values: BTreeMap<String, String>,
    #[serde(default)]
    secrets: BTreeMap<String, Zeroizing<String>>,
}

/// Direct mode's form, through the service's `ConfigChange`.
async fn setup_direct(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
    Json(ask): Json<DirectAsk>,
) -> Response {
    let values: Vec<(String, String)> = ask.values.into_iter().collect();
    let secrets: Vec<(String, Zeroizing<String>)> = ask.secrets.into_iter().collect();
    let done = rd_agent::setup::direct(&shared.socket, &values, &secrets).await;
    setup_done(&shared, done, s.lang, "page-setup-saved").await
}

#[derive(serde::Deserialize)]
struct FleetAsk {
    #[serde(default)]
    relay_url: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    aadhaar: Zeroizing<String>,
}

/// Fleet mode: what `rd-agent enroll` does, through the service.
async fn setup_fleet(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
    Json(ask): Json<FleetAsk>,
) -> Response {
    let done =
        rd_agent::setup::enrol(&shared.socket, &ask.relay_url, &ask.code, &ask.aadhaar).await;
    setup_done(&shared, done, s.lang, "page-setup-saved").await
}

async fn setup_done(
    shared: &Shared,
    done: Result<rd_agent::config::View, rd_agent::setup::SetupError>,
    lang: Lang,
    saved: &'static str,
) -> Response {
    let cat = Catalog::get(lang);
    match done {
        Ok(view) => Json(setup::DoneView {
            ok: true,
            field: None,
            said: cat.tr(saved),
            setup: setup::view(Ok(&view), lang),
        })
        .into_response(),
        Err(e) => {
            let got = rd_agent::setup::show(&shared.socket).await;
            let said = cat
                .render(&rd_agent::i18n::Msg::new("page-setup-not-saved").arg("reason", e.msg()));
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(setup::DoneView {
                    ok: false,
                    field: e.field(),
                    said,
                    setup: setup::view(got.as_ref(), lang),
                }),
            )
                .into_response()
        }
    }
}

async fn history_now(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
) -> Json<history::HistoryView> {
    let got = live::history(&shared.socket).await;
    Json(history::view(
        got.0.as_ref().map_err(Clone::clone),
        got.1,
        s.lang,
    ))
}

async fn checks_now(
    State(shared): State<Arc<Shared>>,
    Extension(s): Extension<InSession>,
) -> Json<checks::ChecksView> {
    let answers = live::checks(&shared.socket).await;
    Json(checks::view(&answers, s.lang, chrono::Utc::now()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_every_text_in_both_languages_and_no_inline_script() {
        for lang in Lang::ALL {
            let html = page_html(lang);
            assert!(!html.contains("{{"), "{html}");
            for id in PAGE_TEXTS.iter().chain(SCRIPT_TEXTS) {
                let text = Catalog::get(lang).tr(id);
                assert_ne!(&text, id, "{id} is missing");
            }
            // Every script is a file of its own (the policy forbids inline ones).
            assert_eq!(html.matches("<script").count(), 1);
            assert!(html.contains("<script src=\"/page.js\" defer></script>"));
            assert!(
                !html
                    .split_whitespace()
                    .any(|w| w.starts_with("on") && w.contains('=')),
                "no inline handlers"
            );
        }
        assert!(forbidden_page().len() < 400);
    }
}
