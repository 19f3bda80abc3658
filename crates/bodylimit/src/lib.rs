//! Reading a request's body under the size limit, and answering one that is too large so that
//! the client can read the answer. An ordinary HTTP client sends its whole body before it reads
//! the reply; if the server closed the connection with the body still arriving, the kernel would
//! reset it and the client would see a broken pipe instead of the 413. So the rest of the body is
//! read and thrown away first, up to `DRAIN_BYTES` or `DRAIN_TIME`, and the 413 says
//! `Connection: close`.
//!
//! connpay-server and rd-relay both read their bodies through [`read`] and answer an oversized
//! one through [`too_large`]. The deadline on a body is the server's (crates/server-base,
//! serve.rs): a body that misses it fails with an `io::Error` of kind `TimedOut`, which [`read`]
//! reports as [`Read::TimedOut`].

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, EXPECT};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use http_body_util::BodyExt;

/// Most bytes of an oversized body read and thrown away before the 413.
pub const DRAIN_BYTES: usize = 8 * 1024 * 1024;
/// Longest time spent doing so.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

pub enum Read {
    Full(Bytes),
    /// Larger than the limit; the rest of the body, not yet read.
    TooLarge(Body),
    /// The client broke off or sent a malformed chunked body.
    Broken,
    /// The body did not arrive whole within the server's body deadline.
    TimedOut,
}

/// Whether `error`, or one of its sources, is an I/O time-out.
fn timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(e) = next {
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// The declared length, when the request declares one.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The whole body, if it is at most `max` bytes.
pub async fn read(headers: &HeaderMap, mut body: Body, max: usize) -> Read {
    let declared = declared_length(headers);
    if declared.is_some_and(|n| n > max as u64) {
        return Read::TooLarge(body);
    }
    let mut buf = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) if timed_out(&e) => return Read::TimedOut,
            Err(_) => return Read::Broken,
        };
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > max {
                return Read::TooLarge(body);
            }
            buf.extend_from_slice(&data);
        }
    }
    Read::Full(Bytes::from(buf))
}

/// Reads what the client is still sending of an oversized body, and throws it away.
async fn drain(headers: &HeaderMap, mut body: Body) {
    // A client waiting for `100 Continue` has not sent the body and will not: nothing to read.
    if headers
        .get(EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
    {
        return;
    }
    let mut left = DRAIN_BYTES;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                if data.len() >= left {
                    return;
                }
                left -= data.len();
            }
        }
    })
    .await;
}

/// `refusal`, sent once the rest of an oversized body has been read and thrown away, and
/// saying `Connection: close`: the connection is closed after it, so a client that pools its
/// connections opens a new one for its next request instead of finding this one gone.
pub async fn too_large(headers: &HeaderMap, rest: Body, mut refusal: Response) -> Response {
    drain(headers, rest).await;
    refusal
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    refusal
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn declaring(n: usize) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_LENGTH, HeaderValue::from(n));
        h
    }

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let got = read(&declaring(5), Body::from("hello"), 5).await;
        assert!(matches!(got, Read::Full(b) if b == "hello"));
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_before_reading() {
        let got = read(&declaring(6), Body::from("hello!"), 5).await;
        assert!(matches!(got, Read::TooLarge(_)));
    }

    #[tokio::test]
    async fn an_undeclared_body_over_the_limit_is_refused_as_it_arrives() {
        let got = read(&HeaderMap::new(), Body::from("hello!"), 5).await;
        assert!(matches!(got, Read::TooLarge(_)));
    }

    #[tokio::test]
    async fn a_body_past_its_deadline_is_told_from_a_broken_one() {
        let stream = futures_stream(std::io::ErrorKind::TimedOut);
        assert!(matches!(
            read(&HeaderMap::new(), stream, 5).await,
            Read::TimedOut
        ));
        let stream = futures_stream(std::io::ErrorKind::ConnectionReset);
        assert!(matches!(
            read(&HeaderMap::new(), stream, 5).await,
            Read::Broken
        ));
    }

    /// A body whose first frame is an error of `kind`, as a connection's would be.
    struct Failing(std::io::ErrorKind);

    impl axum::body::HttpBody for Failing {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, std::io::Error>>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::new(self.0, "x"))))
        }
    }

    fn futures_stream(kind: std::io::ErrorKind) -> Body {
        Body::new(Failing(kind))
    }

    #[tokio::test]
    async fn the_refusal_closes_the_connection_and_keeps_its_status() {
        let refusal = Response::builder()
            .status(StatusCode::PAYLOAD_TOO_LARGE)
            .body(Body::empty())
            .unwrap();
        let r = too_large(&HeaderMap::new(), Body::from("rest"), refusal).await;
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(r.headers()[CONNECTION], "close");
    }
}
