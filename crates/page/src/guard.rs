//! The rules a local web page must keep (docs/architecture.md, "The operator's page"): the
//! `Host` must be this server's loopback address (DNS rebinding); a one-time token in the URL
//! becomes an HttpOnly, SameSite=Strict session cookie and is gone from the address bar;
//! without a session every path is the same short refusal; a state-changing request must come
//! from this page's own origin; and every answer forbids caching, framing, inline script and
//! referrers. There are no CORS headers, so no other origin may read an answer.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rd_agent::i18n::Lang;
use sha2::{Digest, Sha256};

use crate::Shared;

/// How long a session lasts without a request.
pub(crate) const SESSION_IDLE: Duration = Duration::from_secs(12 * 60 * 60);

/// At most this many sessions; the least recently used goes first.
const MAX_SESSIONS: usize = 32;

/// What every answer carries.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One browser's session, known by the SHA-256 of its cookie (a lookup that takes the same
/// path whatever the cookie's first bytes are, and no cookie kept in memory as it is).
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) lang: Lang,
    last_seen: Instant,
}

#[derive(Default)]
pub(crate) struct Sessions {
    by_hash: HashMap<[u8; 32], Session>,
    /// Nonces of tokens already exchanged, with the second they expire.
    used: HashMap<[u8; 16], u64>,
}

impl Sessions {
    /// A new session; its cookie's value.
    fn open(&mut self, lang: Lang, now: Instant) -> String {
        self.by_hash
            .retain(|_, s| now.duration_since(s.last_seen) < SESSION_IDLE);
        while self.by_hash.len() >= MAX_SESSIONS {
            let Some(oldest) = self
                .by_hash
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| *k)
            else {
                break;
            };
            self.by_hash.remove(&oldest);
        }
        let secret: [u8; 32] = rand::random();
        let value = hex::encode(secret);
        self.by_hash.insert(
            hash(&value),
            Session {
                lang,
                last_seen: now,
            },
        );
        value
    }

    fn touch(&mut self, cookie: &str, now: Instant) -> Option<Session> {
        let key = hash(cookie);
        let s = self.by_hash.get_mut(&key)?;
        if now.duration_since(s.last_seen) >= SESSION_IDLE {
            self.by_hash.remove(&key);
            return None;
        }
        s.last_seen = now;
        Some(s.clone())
    }

    pub(crate) fn set_lang(&mut self, cookie: &str, lang: Lang) {
        if let Some(s) = self.by_hash.get_mut(&hash(cookie)) {
            s.lang = lang;
        }
    }

    /// The token's first and only use: false when it was used before.
    fn spend(&mut self, nonce: [u8; 16], expires: u64, now: SystemTime) -> bool {
        let now = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.used.retain(|_, e| *e > now);
        self.used.insert(nonce, expires).is_none()
    }
}

fn hash(cookie: &str) -> [u8; 32] {
    Sha256::digest(cookie.as_bytes()).into()
}

/// The session cookie's name: one per port, so two page servers do not overwrite each other's
/// (a browser keeps cookies per host, not per port).
pub(crate) fn cookie_name(port: u16) -> String {
    format!("rd_agent_page_{port}")
}

/// The session's cookie value, from the request's `Cookie` headers.
pub(crate) fn cookie(headers: &HeaderMap, port: u16) -> Option<String> {
    let name = cookie_name(port);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The session a request belongs to (put in its extensions by [`guard`]).
#[derive(Debug, Clone)]
pub(crate) struct InSession {
    pub(crate) cookie: String,
    pub(crate) lang: Lang,
}

/// Every request passes here first.
pub(crate) async fn guard(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let mut res = check(&shared, req, next).await;
    harden(res.headers_mut());
    res
}

async fn check(shared: &Shared, mut req: Request, next: Next) -> Response {
    let port = shared.port;
    // DNS rebinding: a name that resolves to 127.0.0.1 still sends its own name here.
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if host != format!("127.0.0.1:{port}") && host != format!("localhost:{port}") {
        return forbidden(shared);
    }
    let origin = format!("http://{host}");

    if let Some(token) = token_of(req.uri().query()) {
        return exchange(shared, req.method(), req.uri().path(), &token);
    }
    let now = Instant::now();
    let session = cookie(req.headers(), port).and_then(|c| {
        let s = shared.sessions().touch(&c, now)?;
        Some(InSession {
            cookie: c,
            lang: s.lang,
        })
    });
    let Some(session) = session else {
        return forbidden(shared);
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        // Only this page's own scripts may change anything.
        let same = req
            .headers()
            .get(header::ORIGIN)
            .is_some_and(|o| o.as_bytes() == origin.as_bytes());
        if !same {
            return forbidden(shared);
        }
    }
    // Only a session's requests keep a page server that ends when unused alive.
    shared.active();
    req.extensions_mut().insert(session);
    next.run(req).await
}

/// The `token` parameter of a query, when there is one.
fn token_of(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "token")
        .map(|(_, v)| v.to_string())
}

/// A token in the address: once, on a plain GET of `/`, for a session and an address without
/// it; anything else is the refusal.
fn exchange(shared: &Shared, method: &Method, path: &str, token: &str) -> Response {
    let now = SystemTime::now();
    if *method != Method::GET || path != "/" {
        return forbidden(shared);
    }
    let Some((nonce, expires)) = shared.key.check(token, now) else {
        return forbidden(shared);
    };
    let mut sessions = shared.sessions();
    if !sessions.spend(nonce, expires, now) {
        return forbidden(shared);
    }
    let value = sessions.open(shared.default_lang(), Instant::now());
    drop(sessions);
    shared.active();
    let cookie = format!(
        "{}={value}; HttpOnly; SameSite=Strict; Path=/",
        cookie_name(shared.port)
    );
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::SEE_OTHER;
    let h = res.headers_mut();
    h.insert(header::LOCATION, HeaderValue::from_static("/"));
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        h.insert(header::SET_COOKIE, v);
    }
    res
}

/// The one refusal: the same few words whatever was wrong, and nothing about the day.
pub(crate) fn forbidden(shared: &Shared) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        shared.forbidden.clone(),
    )
        .into_response()
}

fn harden(h: &mut HeaderMap) {
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_spent_once_and_sessions_are_capped_and_expire() {
        let mut s = Sessions::default();
        let now = SystemTime::now();
        let exp = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 60;
        assert!(s.spend([1; 16], exp, now));
        assert!(!s.spend([1; 16], exp, now));
        // Expired nonces are forgotten (their tokens fail the expiry check anyway).
        assert!(s.spend([1; 16], exp, now + Duration::from_secs(61)));

        let t0 = Instant::now();
        let first = s.open(Lang::En, t0);
        for i in 0..MAX_SESSIONS {
            s.open(Lang::Hi, t0 + Duration::from_secs(1 + i as u64));
        }
        assert_eq!(s.by_hash.len(), MAX_SESSIONS);
        assert!(s.touch(&first, t0).is_none(), "the oldest went first");
        let c = s.open(Lang::En, t0);
        assert!(s.touch(&c, t0 + SESSION_IDLE).is_none());
        assert!(s.touch("", t0).is_none());
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; rd_agent_page_80=x"),
        );
        assert_eq!(cookie(&h, 80).as_deref(), Some("x"));
        assert_eq!(cookie(&h, 81), None);
        assert_eq!(token_of(Some("a=b&token=t")).as_deref(), Some("t"));
        assert_eq!(token_of(Some("tokenx=t")), None);
    }
}
