//! Reading a request's body under the size limit, and answering one that is too large so that
//! the client can read the answer. An ordinary HTTP client sends its whole body before it reads
//! the reply; if the server closed the connection with the body still arriving, the kernel would
//! reset it and the client would see a broken pipe instead of the 413. So the rest of the body is
//! read and thrown away first, up to `DRAIN_BYTES` or `DRAIN_TIME`, and the 413 says
//! `Connection: close`.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_LENGTH, EXPECT};
use http_body_util::BodyExt;

/// Most bytes of an oversized body read and thrown away before the 413.
pub const DRAIN_BYTES: usize = 8 * 1024 * 1024;
/// Longest time spent doing so.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

pub(crate) enum Read {
    Full(Bytes),
    /// Larger than the limit; the rest of the body, not yet read.
    TooLarge(Body),
    /// The client broke off or sent a malformed chunked body.
    Broken,
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

pub(crate) async fn read(headers: &HeaderMap, mut body: Body, max: usize) -> Read {
    let declared = declared_length(headers);
    if declared.is_some_and(|n| n > max as u64) {
        return Read::TooLarge(body);
    }
    let mut buf = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Read::Broken;
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
pub(crate) async fn drain(headers: &HeaderMap, mut body: Body) {
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
