//! The page's security rules against a real server on a loopback port, with requests written
//! by hand so that every header is the test's choice (a browser's `Host`, `Origin`, `Cookie`).

use std::time::Duration;

mod common;

use common::{Answer, host, path_and_query, send, session};
use rd_agent::i18n::Lang;
use rd_agent_page::{Page, PageOptions, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A page server whose service is not running (the rules do not depend on it).
async fn page(dir: &tempfile::TempDir) -> Page {
    start(PageOptions {
        socket: dir.path().join("no-service.sock"),
        lang: Lang::En,
        idle_exit: None,
        publish_in: Some(dir.path().to_path_buf()),
    })
    .await
    .expect("the page server starts")
}

fn assert_refused(a: &Answer, what: &str) {
    assert_eq!(a.status, 403, "{what}: {}", a.head);
    assert!(a.body.contains("rd-agent open"), "{what}: {}", a.body);
    assert!(a.header("set-cookie").is_none(), "{what}");
    for word in ["logged", "Logged", "login", "service", "scanner"] {
        assert!(!a.body.contains(word), "{what} says {word}: {}", a.body);
    }
}

fn assert_hardened(a: &Answer) {
    assert_eq!(a.header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(a.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(a.header("referrer-policy").as_deref(), Some("no-referrer"));
    let csp = a.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    for cors in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-allow-methods",
        "access-control-allow-headers",
    ] {
        assert!(a.header(cors).is_none(), "{cors} in {}", a.head);
    }
}

#[tokio::test]
async fn a_token_opens_one_session_once_and_leaves_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(&dir).await;
    let port = page.port();
    let url = page.fresh_url();
    assert!(url.starts_with(&format!("http://127.0.0.1:{port}/?token=")));
    let first = send(
        port,
        &format!("GET {}", path_and_query(&url)),
        &[host(port)],
        "",
    )
    .await;
    assert_eq!(first.status, 303);
    assert_eq!(first.header("location").as_deref(), Some("/"));
    assert_hardened(&first);
    let cookie = first.header("set-cookie").unwrap();
    let name = format!("rd_agent_page_{port}=");
    assert!(cookie.starts_with(&name), "{cookie}");
    let value = cookie[name.len()..].split(';').next().unwrap();
    assert_eq!(value.len(), 64, "256 random bits, hex");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.split("; ").any(|a| a == attr), "{attr}: {cookie}");
    }
    // The same token again: refused, even with the session's cookie beside it.
    let again = send(
        port,
        &format!("GET {}", path_and_query(&url)),
        &[host(port), ("Cookie", format!("{name}{value}"))],
        "",
    )
    .await;
    assert_refused(&again, "a reused token");
    // The session opens the page and its data.
    let c = ("Cookie", format!("{name}{value}"));
    let home = send(port, "GET /", &[host(port), c.clone()], "").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body
            .contains("<script src=\"/page.js\" defer></script>")
    );
    assert_hardened(&home);
    let today = send(port, "GET /api/today", &[host(port), c.clone()], "").await;
    assert_eq!(today.status, 200);
    let v: serde_json::Value = serde_json::from_str(&today.body).unwrap();
    assert_eq!(v["tone"], "down", "{v}");
    assert!(
        v["action"].is_null(),
        "nothing to ask of a service that is not there"
    );
    // A token is taken on a GET of / only.
    let other = send(
        port,
        &format!(
            "GET /api/today?token={}",
            url.split("token=").nth(1).unwrap()
        ),
        &[host(port)],
        "",
    )
    .await;
    assert_refused(&other, "a token on another path");
}

#[tokio::test]
async fn without_a_token_or_session_every_path_is_the_same_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(&dir).await;
    let port = page.port();
    for req in [
        "GET /",
        "GET /page.js",
        "GET /page.css",
        "GET /api/today",
        "GET /api/events",
        "GET /api/setup",
        "GET /api/history",
        "GET /api/checks",
        "POST /api/setup/check",
        "POST /api/setup/direct",
        "POST /api/setup/fleet",
        "GET /nothing-here",
        "GET /?token=",
        "GET /?token=AAAA",
        "HEAD /",
        "OPTIONS /api/login",
    ] {
        let a = send(port, req, &[host(port)], "").await;
        if req.starts_with("HEAD") {
            assert_eq!(a.status, 403, "{req}");
        } else {
            assert_refused(&a, req);
        }
        assert_hardened(&a);
    }
    // A made-up cookie, or one of another port's server: refused too.
    let fake = (
        "Cookie",
        format!("rd_agent_page_{port}={}", "ab".repeat(32)),
    );
    assert_refused(
        &send(port, "GET /", &[host(port), fake], "").await,
        "a made-up cookie",
    );
    // A token another page server minted.
    let dir2 = tempfile::tempdir().unwrap();
    let other = page_of(&dir2).await;
    let foreign = path_and_query(&other.fresh_url());
    assert_refused(
        &send(port, &format!("GET {foreign}"), &[host(port)], "").await,
        "another server's token",
    );
}

async fn page_of(dir: &tempfile::TempDir) -> Page {
    page(dir).await
}

#[tokio::test]
async fn a_host_other_than_this_loopback_port_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(&dir).await;
    let port = page.port();
    let url = page.fresh_url();
    let cookie = session(&page).await;
    for bad in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "127.0.0.1".to_string(),
        format!("127.0.0.2:{port}"),
        format!("[::1]:{port}"),
        format!("localhost.evil.example:{port}"),
        String::new(),
    ] {
        // With a session's cookie (a rebound name's page sends it): refused.
        let a = send(
            port,
            "GET /api/today",
            &[("Host", bad.clone()), cookie.clone()],
            "",
        )
        .await;
        assert_refused(&a, &format!("Host {bad:?}"));
        // And a token sent to a rebound name is not spent.
        let a = send(
            port,
            &format!("GET {}", path_and_query(&url)),
            &[("Host", bad.clone())],
            "",
        )
        .await;
        assert_refused(&a, &format!("token with Host {bad:?}"));
    }
    let a = send(
        port,
        &format!("GET {}", path_and_query(&url)),
        &[host(port)],
        "",
    )
    .await;
    assert_eq!(
        a.status, 303,
        "the token was not spent by the refused requests"
    );
    // `localhost` with this port is this page too.
    let a = send(
        port,
        "GET /api/today",
        &[("Host", format!("localhost:{port}")), cookie],
        "",
    )
    .await;
    assert_eq!(a.status, 200);
}

#[tokio::test]
async fn a_change_needs_the_session_and_this_pages_own_origin() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(&dir).await;
    let port = page.port();
    let cookie = session(&page).await;
    let login = r#"{"choice":"login"}"#;
    let lang = r#"{"lang":"hi"}"#;
    let check = r#"{"name":"instantpay.client_secret","value":"typed-secret-value"}"#;
    let direct = r#"{"values":{"instantpay.outlet_id":"1"},"secrets":{}}"#;
    let fleet = r#"{"relay_url":"https://relay.example","code":"X","aadhaar":"999941057058"}"#;
    for (origin, what) in [
        (Some("http://evil.example".to_string()), "another site"),
        (
            Some(format!("http://127.0.0.1:{}", port.wrapping_add(1))),
            "another port",
        ),
        (Some(format!("https://127.0.0.1:{port}")), "another scheme"),
        (Some("null".to_string()), "an opaque origin"),
        (None, "no Origin"),
    ] {
        for (path, body) in [
            ("/api/login", login),
            ("/api/lang", lang),
            ("/api/setup/check", check),
            ("/api/setup/direct", direct),
            ("/api/setup/fleet", fleet),
        ] {
            let mut h = vec![host(port), cookie.clone()];
            if let Some(o) = &origin {
                h.push(("Origin", o.clone()));
            }
            let a = send(port, &format!("POST {path}"), &h, body).await;
            assert_refused(&a, &format!("{what} {path}"));
            assert_hardened(&a);
        }
    }
    // The right origin without a session: refused.
    let own = ("Origin", format!("http://127.0.0.1:{port}"));
    let a = send(port, "POST /api/lang", &[host(port), own.clone()], lang).await;
    assert_refused(&a, "no session");
    // Both: taken.
    let a = send(
        port,
        "POST /api/lang",
        &[host(port), own.clone(), cookie.clone()],
        lang,
    )
    .await;
    assert_eq!(a.status, 204, "{}", a.head);
    assert_hardened(&a);
    let today = send(port, "GET /api/today", &[host(port), cookie.clone()], "").await;
    assert!(today.body.contains("\"lang\":\"hi\""), "{}", today.body);
    // A login the day does not offer (the service is not running): not sent.
    let a = send(
        port,
        "POST /api/login",
        &[host(port), own.clone(), cookie.clone()],
        login,
    )
    .await;
    assert_eq!(a.status, 409, "{}", a.head);
    // The setup endpoints with both: a field is checked and its secret never echoed; a change
    // reaches the service (not running here), which is said, and nothing else.
    let a = send(
        port,
        "POST /api/setup/check",
        &[host(port), own.clone(), cookie.clone()],
        check,
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.head);
    assert_hardened(&a);
    assert!(a.body.contains("\"ok\":true"), "{}", a.body);
    assert!(!a.body.contains("typed-secret-value"), "{}", a.body);
    let bad = r#"{"name":"operator.aadhaar","value":"999941057059"}"#;
    let a = send(
        port,
        "POST /api/setup/check",
        &[host(port), own.clone(), cookie.clone()],
        bad,
    )
    .await;
    assert!(a.body.contains("\"ok\":false"), "{}", a.body);
    assert!(!a.body.contains("999941057059"), "{}", a.body);
    for (path, body) in [("/api/setup/direct", direct), ("/api/setup/fleet", fleet)] {
        let a = send(
            port,
            &format!("POST {path}"),
            &[host(port), own.clone(), cookie.clone()],
            body,
        )
        .await;
        assert_eq!(a.status, 422, "{path}: {}", a.head);
        assert_hardened(&a);
        assert!(!a.body.contains("999941057058"), "{}", a.body);
    }
    for path in ["/api/setup", "/api/history", "/api/checks"] {
        let a = send(
            port,
            &format!("GET {path}"),
            &[host(port), cookie.clone()],
            "",
        )
        .await;
        assert_eq!(a.status, 200, "{path}: {}", a.head);
        assert_hardened(&a);
    }
    // Not JSON (what a cross-site form could send): refused before anything is read.
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let form = "choice=login";
    let req = format!(
        "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n{}: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        cookie.0,
        cookie.1,
        form.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).await.unwrap();
    assert!(raw.starts_with("HTTP/1.1 415"), "{raw}");
}

#[tokio::test]
async fn the_page_streams_its_screen_and_the_cli_finds_it_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let page = page(&dir).await;
    let port = page.port();
    // What `rd-agent open` does: read the private file, mint a token, give the address.
    let found = rd_agent::page_link::running(dir.path()).expect("the file names this server");
    assert_eq!(found.port, port);
    let url = found.fresh_url();
    let a = send(
        port,
        &format!("GET {}", path_and_query(&url)),
        &[host(port)],
        "",
    )
    .await;
    assert_eq!(a.status, 303);
    let cookie = a.header("set-cookie").unwrap();
    let cookie = ("Cookie", cookie.split(';').next().unwrap().to_string());
    // Server-sent events: the screen at once.
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let req = format!(
        "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{}: {}\r\n\r\n",
        cookie.0, cookie.1
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("\"headline\"") {
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("an event in time")
            .unwrap();
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got);
    assert!(text.contains("text/event-stream"), "{text}");
    assert!(text.contains("data: {"), "{text}");
    assert!(
        !text.to_ascii_lowercase().contains("access-control-"),
        "{text}"
    );
    drop(page);
    assert!(
        rd_agent::page_link::running(dir.path()).is_none(),
        "withdrawn when the server is dropped"
    );
}

/// The server `rd-agent open` starts ends when unused; requests without a session do not keep
/// it alive.
#[tokio::test]
async fn an_unused_page_server_ends() {
    let dir = tempfile::tempdir().unwrap();
    let page = start(PageOptions {
        socket: dir.path().join("no-service.sock"),
        lang: Lang::En,
        idle_exit: Some(Duration::from_secs(2)),
        publish_in: None,
    })
    .await
    .unwrap();
    let port = page.port();
    let poke = tokio::spawn(async move {
        loop {
            let _ = send(port, "GET /", &[host(port)], "").await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    });
    tokio::time::timeout(Duration::from_secs(10), page.ended())
        .await
        .expect("ended after 2 s unused");
    poke.abort();
}
