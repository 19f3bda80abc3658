//! The one HTTP transport of every client that may send a chargeable call: InstantPay's
//! (crate::client) and the login relay's (crates/relay-api/src/client.rs).
//!
//! Its policy: TLS is rustls with the webpki roots, always verified, and `https_only` for an
//! `https://` base; redirects are never followed (a chargeable POST must not be sent twice by
//! the HTTP layer); connect and read deadlines, and a whole-exchange bound so that a reply
//! trickled byte by byte cannot hang a login.
//!
//! Its classification decides whether a login could have been charged: only a failure before
//! the connection opened is [`Exchange::NotSent`]; anything after it is
//! [`Exchange::MaybeSent`] or [`Exchange::Oversize`], and a login that ends so is never resent.

use std::time::Duration;

use crate::error::ApiError;

/// How an exchange ended.
#[derive(Debug)]
pub enum Exchange {
    /// An HTTP status and the whole body (at most the transport's `max_body` bytes).
    Reply(u16, Vec<u8>),
    /// The connection never opened (refused, DNS, TLS handshake, connect deadline): nothing
    /// left this machine.
    NotSent(String),
    /// The request went out; no whole reply came back.
    MaybeSent(String),
    /// The reply (this HTTP status) was larger than `max_body`: it went out, it was answered,
    /// and the answer is not read.
    Oversize(u16),
}

/// An HTTP client with the policy above. Cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    read_timeout: Duration,
    max_body: usize,
}

impl Transport {
    /// A client of `base_url` (already checked by `client::check_url`). Sends nothing.
    pub fn new(
        base_url: &str,
        connect_timeout: Duration,
        read_timeout: Duration,
        max_body: usize,
    ) -> Result<Transport, ApiError> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(base_url.starts_with("https:"))
            // Sent as InstantPay's documentation spells them (X-Ipay-Client-Id), for picky
            // servers.
            .http1_title_case_headers()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .read_timeout(read_timeout)
            .timeout(connect_timeout + read_timeout * 2)
            .build()
            .map_err(|e| ApiError::Config(format!("the HTTP client could not start: {e}")))?;
        Ok(Transport {
            http,
            read_timeout,
            max_body,
        })
    }

    /// The client, to build a request for [`Transport::exchange`].
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Send `req` and read the whole reply, with the body size cap.
    pub async fn exchange(&self, req: reqwest::RequestBuilder) -> Exchange {
        let mut resp = match req.send().await {
            Ok(r) => r,
            Err(e) if e.is_connect() || e.is_builder() => return Exchange::NotSent(cause(&e)),
            Err(e) => return Exchange::MaybeSent(self.describe(&e)),
        };
        let status = resp.status().as_u16();
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_body as u64)
        {
            return Exchange::Oversize(status);
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_body {
                        return Exchange::Oversize(status);
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Exchange::MaybeSent(self.describe(&e)),
            }
        }
        Exchange::Reply(status, body)
    }

    fn describe(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            format!("no reply within {} s", self.read_timeout.as_secs_f64())
        } else {
            cause(e)
        }
    }
}

/// The innermost cause of a transport error: says "connection refused", "invalid peer
/// certificate", "connection reset". URLs are ours; no header value appears in these.
fn cause(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return "timed out".to_string();
    }
    let mut last: &dyn std::error::Error = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}
