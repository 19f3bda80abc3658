//! The accept loop and each connection: TLS when configured, then HTTP/1.1 from hyper.
//! Moved here from connpay-server (its serve.rs) and extended for both servers.
//!
//! What bounds a connection:
//! - the request's headers must have arrived `header_read` after the server starts waiting for
//!   them (hyper's `header_read_timeout`); a TLS handshake has the same bound before that;
//! - no byte for `idle` closes it (`IdleStream`);
//! - a request's body must have arrived whole `body_read` after its headers (`DeadlineBody`;
//!   tower-http's `RequestBodyTimeout` restarts its timer at every frame, so a client that
//!   dribbles a byte a second would never meet it);
//! - `per_address` connections per client host, more are accepted and closed at once so the
//!   kernel's backlog does not fill (trusted proxies are exempt);
//! - `max_connections` in all, kept below the open-file limit (`effective_cap`). At the cap a
//!   new connection evicts the oldest one that has not finished sending a request's headers
//!   (then the oldest whose body is still arriving): idle sockets cannot starve complete
//!   requests. With nothing to evict (every connection has a request in flight) the new one is
//!   closed at once.
//!
//! Shutdown: stop accepting; connections without a whole request in flight (waiting for
//! headers, or for a body that has not fully arrived) are closed at once; the others finish the
//! request they are on and close, waited for at most `drain`.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::time::{Instant, Sleep};
use tower_service::Service;

use crate::address::{AddressList, host};
use crate::metrics::{ConnectionMetrics, Refusal};
use crate::tls::Tls;

/// The client's address as the connection shows it (a server turns it into the client's
/// address when a trusted proxy is in front: `address::client_address`). Requests also carry
/// `ConnectInfo<SocketAddr>` with the same address.
#[derive(Debug, Clone, Copy)]
pub struct RemoteAddr(pub SocketAddr);

/// What bounds connections.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_connections: usize,
    pub per_address: usize,
    /// Addresses that are not held to `per_address` (our own reverse proxies).
    pub unlimited: AddressList,
    pub idle: Duration,
    pub header_read: Duration,
    pub body_read: Duration,
    /// How long shutdown waits for requests in flight.
    pub drain: Duration,
}

impl Default for Limits {
    /// 1000 connections, 64 per host, 30 s idle, 10 s for the headers and 10 s for the body,
    /// 15 s of drain.
    fn default() -> Self {
        Limits {
            max_connections: 1000,
            per_address: 64,
            unlimited: AddressList::default(),
            idle: Duration::from_secs(30),
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(10),
            drain: Duration::from_secs(15),
        }
    }
}

/// Files kept free besides connections: the database, TLS files, logs, the listener.
const RESERVED_FILES: u64 = 64;

/// `wanted`, lowered to stay below the open-file limit (raised to the hard limit first).
pub(crate) fn effective_cap(wanted: usize) -> usize {
    let wanted = wanted.max(1);
    let Some(files) = crate::os::raise_open_files_limit() else {
        return wanted;
    };
    // An eighth of the files, at least RESERVED_FILES, stays for everything else.
    let reserve = RESERVED_FILES.max(files / 8);
    let room = usize::try_from(files.saturating_sub(reserve)).unwrap_or(usize::MAX);
    if room < wanted {
        tracing::warn!(
            "the open-file limit is {files}; serving at most {} connections instead of {wanted} \
             (raise LimitNOFILE= or `ulimit -Hn` to serve more)",
            room.max(1)
        );
        return room.max(1);
    }
    wanted
}

/// Serves `app` on `listener` until `shutdown` completes, then drains as the module says.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<Tls>,
    metrics: ConnectionMetrics,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let cap = effective_cap(limits.max_connections);
    let registry = Arc::new(Registry::default());
    let hosts = Arc::new(HostCounts::new(limits.per_address));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    // Bounded header buffers: hyper's default (about 400 KiB per connection) times the
    // connection cap would be hundreds of MB; our calls' headers are well under 1 KiB.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .max_buf_size(32 * 1024)
        .max_headers(48)
        .keep_alive(true);
    let limits = Arc::new(limits);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(v) => v,
                Err(e) => {
                    // Usually out of file descriptors: back off instead of spinning.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let claim = if limits.unlimited.contains(peer.ip()) {
            None
        } else {
            match hosts.claim(peer.ip()) {
                Some(claim) => Some(claim),
                None => {
                    metrics.refused(Refusal::PerAddress);
                    tracing::debug!(peer = %peer.ip(), "too many connections from one address");
                    continue; // dropping the stream closes it
                }
            }
        };
        if registry.open() >= cap {
            if registry.evict_one() {
                metrics.refused(Refusal::Evicted);
            } else {
                metrics.refused(Refusal::Full);
                tracing::debug!(peer = %peer.ip(), "every connection has a request in flight");
                continue;
            }
        }
        let _ = stream.set_nodelay(true);
        let state = registry.add();
        let conn = Connection {
            app: app.clone(),
            http: http.clone(),
            limits: limits.clone(),
            stop: stop_rx.clone(),
            state,
            peer,
        };
        let tls = tls.as_ref().map(Tls::acceptor);
        let metrics = metrics.clone();
        let registry = registry.clone();
        tokio::spawn(async move {
            let _claim = claim;
            let id = conn.state.id;
            metrics.connection_opened();
            match tls {
                None => conn.serve(stream).await,
                Some(acceptor) => {
                    let handshake = conn.limits.header_read;
                    let mut stop = conn.stop.clone();
                    let accepted = tokio::select! {
                        r = tokio::time::timeout(handshake, acceptor.accept(stream)) => Some(r),
                        () = conn.state.kill.notified() => None,
                        _ = stop.wait_for(|s| *s) => None,
                    };
                    match accepted {
                        Some(Ok(Ok(stream))) => conn.serve(stream).await,
                        Some(Ok(Err(e))) => {
                            metrics.refused(Refusal::Handshake);
                            tracing::debug!(peer = %peer, "TLS handshake failed: {e}");
                        }
                        Some(Err(_)) => {
                            metrics.refused(Refusal::Handshake);
                            tracing::debug!(peer = %peer, "TLS handshake took too long");
                        }
                        None => {}
                    }
                }
            }
            metrics.connection_closed();
            registry.remove(id);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(limits.drain, registry.emptied()).await;
    if drained.is_err() {
        tracing::warn!(
            open = registry.open(),
            "some requests were still in flight when shutdown stopped waiting"
        );
    }
    Ok(())
}

/// Where a connection is with its current request.
const AWAITING_HEADERS: u8 = 0;
const READING_BODY: u8 = 1;
const IN_FLIGHT: u8 = 2;

/// One open connection, as the accept loop and shutdown see it.
struct ConnState {
    id: u64,
    phase: AtomicU8,
    /// When the phase began, in milliseconds since the registry's start.
    since: AtomicU64,
    base: Instant,
    evicted: AtomicBool,
    kill: Notify,
}

impl ConnState {
    fn set(&self, phase: u8) {
        self.phase.store(phase, Ordering::Release);
        let ms = u64::try_from(self.base.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.since.store(ms, Ordering::Release);
    }

    fn phase(&self) -> u8 {
        self.phase.load(Ordering::Acquire)
    }
}

/// The open connections.
struct Registry {
    base: Instant,
    next: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<ConnState>>>,
    empty: Notify,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            base: Instant::now(),
            next: AtomicU64::new(0),
            conns: Mutex::new(HashMap::new()),
            empty: Notify::new(),
        }
    }
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<ConnState>>> {
        self.conns.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open(&self) -> usize {
        self.lock().len()
    }

    fn add(&self) -> Arc<ConnState> {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(ConnState {
            id,
            phase: AtomicU8::new(AWAITING_HEADERS),
            since: AtomicU64::new(0),
            base: self.base,
            evicted: AtomicBool::new(false),
            kill: Notify::new(),
        });
        state.set(AWAITING_HEADERS);
        self.lock().insert(id, state.clone());
        state
    }

    fn remove(&self, id: u64) {
        let mut conns = self.lock();
        conns.remove(&id);
        if conns.is_empty() {
            self.empty.notify_waiters();
        }
    }

    async fn emptied(&self) {
        loop {
            let notified = self.empty.notified();
            if self.open() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// Closes the oldest connection still waiting for headers, else the oldest whose body is
    /// still arriving; false when every connection has a whole request in flight. A scan of
    /// at most the cap's entries, only at the cap.
    fn evict_one(&self) -> bool {
        let conns = self.lock();
        let victim = [AWAITING_HEADERS, READING_BODY]
            .into_iter()
            .find_map(|phase| {
                conns
                    .values()
                    .filter(|c| c.phase() == phase && !c.evicted.load(Ordering::Acquire))
                    .min_by_key(|c| c.since.load(Ordering::Acquire))
            });
        match victim {
            Some(c) => {
                c.evicted.store(true, Ordering::Release);
                // A stored permit: the connection sees it whenever it next waits.
                c.kill.notify_one();
                true
            }
            None => false,
        }
    }
}

struct Connection {
    app: Router,
    http: hyper::server::conn::http1::Builder,
    limits: Arc<Limits>,
    stop: watch::Receiver<bool>,
    state: Arc<ConnState>,
    peer: SocketAddr,
}

impl Connection {
    async fn serve<S>(mut self, stream: S)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let io = TokioIo::new(IdleStream::new(stream, self.limits.idle));
        let peer = self.peer;
        let app = self.app.clone();
        let state = self.state.clone();
        let body_read = self.limits.body_read;
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let (mut parts, body) = request.into_parts();
            parts.extensions.insert(ConnectInfo(RemoteAddr(peer)));
            parts.extensions.insert(ConnectInfo(peer));
            let body = DeadlineBody::new(body, body_read, state.clone());
            let request = hyper::Request::from_parts(parts, Body::new(body));
            // A router is ready at all times; cloning it is a reference count.
            let answer = app.clone().call(request);
            let state = state.clone();
            async move {
                let response = answer.await?;
                Ok::<_, std::convert::Infallible>(response.map(|b| {
                    Body::new(AnswerBody {
                        inner: b,
                        state: Some(state),
                    })
                }))
            }
        });
        let conn = self.http.serve_connection(io, service);
        tokio::pin!(conn);
        let state = self.state.clone();
        let result = tokio::select! {
            r = conn.as_mut() => r,
            () = state.kill.notified() => {
                tracing::debug!(peer = %peer, "connection evicted: the server is at its connection cap");
                return;
            }
            _ = async { self.stop.wait_for(|stop| *stop).await.map(|_| ()) } => {
                if state.phase() != IN_FLIGHT {
                    // No whole request to finish: close now (shutdown's bound is for requests).
                    return;
                }
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = result {
            tracing::debug!(peer = %peer, "connection ended: {e}");
        }
    }
}

/// A request's body that fails once it has not arrived whole `body_read` after its headers,
/// and tells the connection when it has.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<Sleep>>,
    state: Arc<ConnState>,
    done: bool,
}

impl DeadlineBody {
    fn new(inner: Incoming, body_read: Duration, state: Arc<ConnState>) -> Self {
        let done = hyper::body::Body::is_end_stream(&inner);
        state.set(if done { IN_FLIGHT } else { READING_BODY });
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep(body_read)),
            state,
            done,
        }
    }

    fn finish(&mut self) {
        if !self.done {
            self.done = true;
            self.state.set(IN_FLIGHT);
        }
    }
}

/// The error of a body that missed its deadline: an `io::Error` of kind `TimedOut`, which
/// crates/bodylimit recognises.
fn body_timed_out() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the request's body did not arrive within the body deadline",
    )
}

impl hyper::body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(None) => {
                self.finish();
                Poll::Ready(None)
            }
            Poll::Ready(Some(Ok(frame))) => {
                if hyper::body::Body::is_end_stream(&self.inner) {
                    self.finish();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(body_timed_out().into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done || hyper::body::Body::is_end_stream(&self.inner)
    }

    fn size_hint(&self) -> SizeHint {
        hyper::body::Body::size_hint(&self.inner)
    }
}

/// An answer's body; once hyper has written it (and dropped it), the connection waits for the
/// next request's headers again, and may be evicted or closed at shutdown.
struct AnswerBody {
    inner: Body,
    state: Option<Arc<ConnState>>,
}

impl Drop for AnswerBody {
    fn drop(&mut self) {
        if let Some(state) = self.state.take() {
            state.set(AWAITING_HEADERS);
        }
    }
}

impl hyper::body::Body for AnswerBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        hyper::body::Body::is_end_stream(&self.inner)
    }

    fn size_hint(&self) -> SizeHint {
        hyper::body::Body::size_hint(&self.inner)
    }
}

/// Open connections per client host, bounded.
struct HostCounts {
    cap: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl HostCounts {
    fn new(cap: usize) -> Self {
        HostCounts {
            cap: cap.max(1),
            open: Mutex::new(HashMap::new()),
        }
    }

    fn claim(self: &Arc<Self>, ip: IpAddr) -> Option<HostClaim> {
        let host = host(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(host).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(HostClaim {
            counts: self.clone(),
            host,
        })
    }
}

/// One open connection of a host; counted down when the connection ends.
struct HostClaim {
    counts: Arc<HostCounts>,
    host: IpAddr,
}

impl Drop for HostClaim {
    fn drop(&mut self) {
        let mut open = self.counts.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.host) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.host);
            }
        }
    }
}

/// A stream whose reads fail once no byte has arrived for `idle`: a client that opens a
/// connection and sends nothing, or keeps an idle keep-alive connection, loses its slot.
struct IdleStream<S> {
    inner: S,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<S> IdleStream<S> {
    fn new(inner: S, idle: Duration) -> Self {
        IdleStream {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for IdleStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if result.is_ok() && buf.filled().len() > before {
                    let next = Instant::now() + self.idle;
                    self.deadline.as_mut().reset(next);
                }
                Poll::Ready(result)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "connection idle for too long",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for IdleStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_capped_and_released() {
        let counts = Arc::new(HostCounts::new(2));
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.1".parse().unwrap();
        let one = counts.claim(a).unwrap();
        let _two = counts.claim(a).unwrap();
        assert!(counts.claim(a).is_none());
        // Another address is not touched.
        assert!(counts.claim(b).is_some());
        drop(one);
        assert!(counts.claim(a).is_some());
        // The same /64 counts as one host.
        let v6 = Arc::new(HostCounts::new(1));
        let _c = v6.claim("2001:db8::1".parse().unwrap()).unwrap();
        assert!(v6.claim("2001:db8::2".parse().unwrap()).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn eviction_takes_the_oldest_waiting_for_headers_then_bodies_never_requests() {
        let r = Registry::default();
        let busy = r.add();
        busy.set(IN_FLIGHT);
        tokio::time::advance(Duration::from_millis(5)).await;
        let body = r.add();
        body.set(READING_BODY);
        tokio::time::advance(Duration::from_millis(5)).await;
        let old = r.add();
        tokio::time::advance(Duration::from_millis(5)).await;
        let young = r.add();
        assert!(r.evict_one());
        assert!(old.evicted.load(Ordering::Acquire));
        assert!(!young.evicted.load(Ordering::Acquire));
        assert!(r.evict_one());
        assert!(young.evicted.load(Ordering::Acquire));
        assert!(r.evict_one());
        assert!(body.evicted.load(Ordering::Acquire));
        // A whole request in flight is never evicted.
        assert!(!r.evict_one());
        assert!(!busy.evicted.load(Ordering::Acquire));
        for c in [&busy, &body, &old, &young] {
            r.remove(c.id);
        }
        assert_eq!(r.open(), 0);
    }
}
