//! The guard of the operations endpoints (`/metrics`, `/healthz` where the server keeps it to
//! operators, the relay's `/fleet/today`): who may read them.
//!
//! 1. A request carrying `X-Forwarded-For` or `Forwarded` from a peer that is not a configured
//!    trusted proxy is refused: behind a proxy on the same host every stranger's request comes
//!    from 127.0.0.1, and the header is the only sign of it.
//! 2. The client (the peer, or the address a trusted proxy forwarded:
//!    `address::client_address`) must be in `--ops-allow`. A trusted proxy that sends only
//!    RFC 7239 `Forwarded` is not read, so its requests are refused.
//! 3. With an ops token set, every request but a direct one from loopback (no forwarded
//!    headers) must carry `Authorization: Bearer <token>`, compared in constant time.

use std::net::IpAddr;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::address::{AddressList, client_address, has_forwarded_headers, unmapped};

/// Why an operations request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpsRefusal {
    #[error(
        "forwarded headers from a peer that is not a trusted proxy: list the proxy in --trust-proxy"
    )]
    UntrustedForward,
    #[error("this address is not in --ops-allow")]
    NotAllowed,
    #[error("the ops token is missing or wrong: send Authorization: Bearer <token>")]
    Token,
}

/// Who may read the operations endpoints.
#[derive(Clone, Default)]
pub struct OpsGuard {
    allow: AddressList,
    trust_proxy: AddressList,
    token: Option<std::sync::Arc<Zeroizing<String>>>,
}

impl std::fmt::Debug for OpsGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpsGuard")
            .field("allow", &self.allow)
            .field("trust_proxy", &self.trust_proxy)
            .field("token", &self.token.as_ref().map(|_| "(set)"))
            .finish()
    }
}

impl OpsGuard {
    pub fn new(
        allow: AddressList,
        trust_proxy: AddressList,
        token: Option<Zeroizing<String>>,
    ) -> Self {
        OpsGuard {
            allow,
            trust_proxy,
            token: token.map(std::sync::Arc::new),
        }
    }

    /// Loopback only, no proxy, no token: the default of both servers.
    pub fn loopback() -> Self {
        OpsGuard::new(AddressList::loopback(), AddressList::default(), None)
    }

    /// Whether a request from `peer` with `headers` may read an operations endpoint.
    pub fn check(&self, peer: IpAddr, headers: &HeaderMap) -> Result<(), OpsRefusal> {
        let peer = unmapped(peer);
        let forwarded = has_forwarded_headers(headers);
        let trusted = self.trust_proxy.contains(peer);
        if forwarded && !trusted {
            return Err(OpsRefusal::UntrustedForward);
        }
        if trusted && forwarded && !headers.contains_key("x-forwarded-for") {
            return Err(OpsRefusal::NotAllowed);
        }
        let client = client_address(peer, headers, &self.trust_proxy);
        if !client.is_some_and(|c| self.allow.contains(c)) {
            return Err(OpsRefusal::NotAllowed);
        }
        let Some(token) = &self.token else {
            return Ok(());
        };
        if !forwarded && peer.is_loopback() {
            return Ok(());
        }
        let given = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or("");
        if bool::from(given.as_bytes().ct_eq(token.as_bytes())) && !given.is_empty() {
            Ok(())
        } else {
            Err(OpsRefusal::Token)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn a_same_host_proxy_does_not_make_strangers_loopback() {
        let g = OpsGuard::loopback();
        assert_eq!(g.check(ip("127.0.0.1"), &HeaderMap::new()), Ok(()));
        for h in [
            headers(&[("x-forwarded-for", "203.0.113.5")]),
            headers(&[("forwarded", "for=203.0.113.5")]),
            headers(&[("x-forwarded-for", "127.0.0.1")]),
        ] {
            assert_eq!(
                g.check(ip("127.0.0.1"), &h),
                Err(OpsRefusal::UntrustedForward)
            );
        }
        assert_eq!(
            g.check(ip("203.0.113.5"), &HeaderMap::new()),
            Err(OpsRefusal::NotAllowed)
        );
    }

    #[test]
    fn a_trusted_proxy_forwards_the_client_which_must_be_allowed() {
        let g = OpsGuard::new(
            AddressList::parse("127.0.0.0/8,10.1.0.0/16").unwrap(),
            AddressList::parse("127.0.0.1").unwrap(),
            None,
        );
        let via = |client: &str| headers(&[("x-forwarded-for", client)]);
        assert_eq!(g.check(ip("127.0.0.1"), &via("10.1.2.3")), Ok(()));
        assert_eq!(
            g.check(ip("127.0.0.1"), &via("203.0.113.5")),
            Err(OpsRefusal::NotAllowed)
        );
        // RFC 7239 alone is not read, so it is not believed.
        assert_eq!(
            g.check(ip("127.0.0.1"), &headers(&[("forwarded", "for=10.1.2.3")])),
            Err(OpsRefusal::NotAllowed)
        );
    }

    #[test]
    fn the_token_is_needed_by_all_but_direct_loopback() {
        let g = OpsGuard::new(
            AddressList::parse("127.0.0.0/8,10.0.0.0/8").unwrap(),
            AddressList::parse("127.0.0.1").unwrap(),
            Some(Zeroizing::new("t0ken".into())),
        );
        assert_eq!(g.check(ip("127.0.0.1"), &HeaderMap::new()), Ok(()));
        let h = headers(&[("x-forwarded-for", "10.0.0.9")]);
        assert_eq!(g.check(ip("127.0.0.1"), &h), Err(OpsRefusal::Token));
        let h = headers(&[
            ("x-forwarded-for", "10.0.0.9"),
            ("authorization", "Bearer t0ken"),
        ]);
        assert_eq!(g.check(ip("127.0.0.1"), &h), Ok(()));
        let h = headers(&[("authorization", "Bearer nope")]);
        assert_eq!(g.check(ip("10.0.0.9"), &h), Err(OpsRefusal::Token));
        assert!(!format!("{g:?}").contains("t0ken"));
    }
}
