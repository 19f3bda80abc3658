//! The accept loop and each connection: TLS when configured, then HTTP/1.1 from hyper with a
//! deadline on reading each request's headers, an idle deadline on the connection, a cap on open
//! connections, and a smaller cap per client host so that one address cannot take every slot.
//! The deadline for everything after the headers is the handlers' guard (handlers.rs).
//!
//! Shutdown: stop accepting, tell every connection to finish the request it is on and close,
//! and wait for them (at most `drain` long).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower_service::Service;

use super::client::{AddressList, host};
use super::metrics::{Metrics, Refusal};
use super::tls::Tls;

/// The client's address as the connection shows it (handlers.rs turns it into the client's
/// address when a trusted proxy is in front).
#[derive(Debug, Clone, Copy)]
pub struct RemoteAddr(pub SocketAddr);

/// What bounds connections; from `Config`.
pub(crate) struct Limits {
    pub max_connections: usize,
    pub per_address: usize,
    /// Addresses that are not held to `per_address` (our own reverse proxies).
    pub unlimited: AddressList,
    pub idle: Duration,
    pub header_read: Duration,
    /// How long shutdown waits for requests in flight.
    pub drain: Duration,
}

pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    tls: Option<Tls>,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let max = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(max));
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
        // At the cap, wait for a connection to close before accepting the next.
        let permit = tokio::select! {
            () = &mut shutdown => break,
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
        };
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
        let _ = stream.set_nodelay(true);
        let conn = Connection {
            app: app.clone(),
            http: http.clone(),
            limits: limits.clone(),
            metrics: metrics.clone(),
            stop: stop_rx.clone(),
            peer,
        };
        let tls = tls.as_ref().map(Tls::acceptor);
        tokio::spawn(async move {
            let _permit = permit;
            let _claim = claim;
            let metrics = conn.metrics.clone();
            metrics.connection_opened();
            match tls {
                None => conn.serve(stream).await,
                Some(acceptor) => {
                    let handshake = conn.limits.header_read;
                    match tokio::time::timeout(handshake, acceptor.accept(stream)).await {
                        Ok(Ok(stream)) => conn.serve(stream).await,
                        Ok(Err(e)) => {
                            metrics.refused(Refusal::Handshake);
                            tracing::debug!(peer = %peer, "TLS handshake failed: {e}");
                        }
                        Err(_) => {
                            metrics.refused(Refusal::Handshake);
                            tracing::debug!(peer = %peer, "TLS handshake took too long");
                        }
                    }
                }
            }
            metrics.connection_closed();
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every open connection holds a slot: all slots back means all connections closed.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let drained = tokio::time::timeout(limits.drain, slots.acquire_many(all)).await;
    if drained.is_err() {
        tracing::warn!("some connections were still open when shutdown stopped waiting");
    }
    Ok(())
}

struct Connection {
    app: Router,
    http: hyper::server::conn::http1::Builder,
    limits: Arc<Limits>,
    metrics: Arc<Metrics>,
    stop: watch::Receiver<bool>,
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
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo(RemoteAddr(peer)));
            // A router is ready at all times; cloning it is a reference count.
            app.clone().call(request)
        });
        let conn = self.http.serve_connection(io, service);
        tokio::pin!(conn);
        let result = tokio::select! {
            r = conn.as_mut() => r,
            _ = async { self.stop.wait_for(|stop| *stop).await.map(|_| ()) } => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = result {
            tracing::debug!(peer = %peer, "connection ended: {e}");
        }
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
}
