//! Requests written by hand to a page server on a loopback port, so that every header is the
//! test's choice, and the session a fresh token opens: shared by the page's test files.

use std::time::Duration;

use rd_agent_page::Page;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

pub(crate) async fn send(
    port: u16,
    request: &str,
    headers: &[(&str, String)],
    body: &str,
) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut text = format!("{request} HTTP/1.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        text.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    text.push_str("\r\n");
    text.push_str(body);
    s.write_all(text.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut raw))
        .await
        .expect("an answer in time")
        .unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Answer {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

pub(crate) fn host(port: u16) -> (&'static str, String) {
    ("Host", format!("127.0.0.1:{port}"))
}

pub(crate) fn path_and_query(url: &str) -> String {
    url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap()
}

/// Exchange a fresh token for a session; the `Cookie` header that carries it.
pub(crate) async fn session(page: &Page) -> (&'static str, String) {
    let port = page.port();
    let a = send(
        port,
        &format!("GET {}", path_and_query(&page.fresh_url())),
        &[host(port)],
        "",
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.head);
    let cookie = a.header("set-cookie").unwrap();
    ("Cookie", cookie.split(';').next().unwrap().to_string())
}
