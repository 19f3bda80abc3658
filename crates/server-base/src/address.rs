//! Who is calling: the connection's address, or, when the connection comes from one of our own
//! reverse proxies, the address that proxy saw (`X-Forwarded-For`). And the address lists that
//! decide who may call what (connpay's `--check-allow`), who may read the operations endpoints
//! (`--ops-allow`), and whose `X-Forwarded-For` is believed (`--trust-proxy`). Moved here from
//! connpay-server so that rd-relay reads its clients the same way.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::http::HeaderMap;
use ipnet::IpNet;

/// A list of networks, given as `CIDR[,CIDR...]`; a bare address is a network of one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressList(Vec<IpNet>);

impl AddressList {
    /// Parses `10.0.0.0/8, 127.0.0.1, ::1`. The error names the entry that is wrong.
    pub fn parse(text: &str) -> Result<AddressList, String> {
        let mut nets = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = match entry.parse::<IpNet>() {
                Ok(n) => n.trunc(),
                Err(_) => match entry.parse::<IpAddr>() {
                    Ok(ip) => IpNet::from(ip),
                    Err(_) => {
                        return Err(format!(
                            "`{entry}` is not an address or a network such as 10.0.0.0/8"
                        ));
                    }
                },
            };
            nets.push(net);
        }
        Ok(AddressList(nets))
    }

    /// 127.0.0.0/8 and ::1: the machine itself.
    pub fn loopback() -> AddressList {
        AddressList::parse("127.0.0.0/8,::1/128").unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is in one of the networks (an IPv4-mapped IPv6 address counts as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = unmapped(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }
}

impl std::fmt::Display for AddressList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|n| n.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
pub(crate) fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The host an address belongs to, for limits per client: the address itself for IPv4, its /64
/// for IPv6 (one host is usually given a whole /64, so limits per address would not hold).
pub fn host(ip: IpAddr) -> IpAddr {
    match unmapped(ip) {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

/// Whether the request names a client other than the connection's peer (`X-Forwarded-For` or
/// RFC 7239 `Forwarded`).
pub(crate) fn has_forwarded_headers(headers: &HeaderMap) -> bool {
    headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded")
}

/// Most hops read from the right of `X-Forwarded-For`: our own proxies are a few.
const MAX_HOPS: usize = 8;

/// The client's address; `None` when it cannot be known (a trusted proxy's header that cannot
/// be read), which no address list accepts.
///
/// The peer's own address unless the peer is a trusted proxy; then the `X-Forwarded-For`
/// entries are read from the right (the one our proxy appended) past our other proxies, and the
/// first address that is not one of them is the client. What a client wrote further left is
/// never read, so nothing it writes can make it look like one of our proxies.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, proxies: &AddressList) -> Option<IpAddr> {
    let peer = unmapped(peer);
    if proxies.is_empty() || !proxies.contains(peer) {
        return Some(peer);
    }
    let lines: Vec<&[u8]> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    if lines.is_empty() {
        // The proxy's own request (a health check, say).
        return Some(peer);
    }
    let hops = lines
        .iter()
        .rev()
        .flat_map(|line| line.rsplit(|b| *b == b','));
    let mut last = peer;
    for (i, hop) in hops.enumerate() {
        if i == MAX_HOPS {
            return None;
        }
        let ip = std::str::from_utf8(hop)
            .ok()
            .and_then(|h| parse_hop(h.trim()))?;
        if !proxies.contains(ip) {
            return Some(ip);
        }
        last = ip;
    }
    // Every hop is one of ours: the request started at our own proxy.
    Some(last)
}

/// One hop: `203.0.113.7`, `203.0.113.7:5123`, `2001:db8::1` or `[2001:db8::1]:5123`.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(unmapped(ip));
    }
    entry.parse::<SocketAddr>().ok().map(|sa| unmapped(sa.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn lists_parse_and_match() {
        let l = AddressList::parse("10.0.0.0/8, 192.168.1.7 ,::1").unwrap();
        assert!(l.contains(ip("10.200.3.4")));
        assert!(l.contains(ip("192.168.1.7")));
        assert!(!l.contains(ip("192.168.1.8")));
        assert!(l.contains(ip("::1")));
        assert!(l.contains(ip("::ffff:10.1.1.1")));
        assert_eq!(l.to_string(), "10.0.0.0/8,192.168.1.7/32,::1/128");
        // Host bits are dropped, as people often write the address they know.
        assert_eq!(
            AddressList::parse("10.1.2.3/8").unwrap().to_string(),
            "10.0.0.0/8"
        );
        assert!(AddressList::parse("").unwrap().is_empty());
    }

    #[test]
    fn bad_lists_name_the_entry() {
        for bad in ["10.0.0.0/33", "banana", "10.0.0.0/8,300.1.1.1", "1.2.3.4/"] {
            let e = AddressList::parse(bad).unwrap_err();
            assert!(e.contains('`'), "{bad}: {e}");
        }
    }

    #[test]
    fn untrusted_peers_are_taken_as_they_are() {
        let h = forwarded(&["1.2.3.4"]);
        assert_eq!(
            client_address(ip("203.0.113.9"), &h, &AddressList::default()),
            Some(ip("203.0.113.9"))
        );
        let proxies = AddressList::parse("10.0.0.1").unwrap();
        assert_eq!(
            client_address(ip("203.0.113.9"), &h, &proxies),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn trusted_proxy_chain_is_walked_from_the_right() {
        let proxies = AddressList::parse("10.0.0.0/24").unwrap();
        let client = |h: &HeaderMap| client_address(ip("10.0.0.1"), h, &proxies);
        // The client forged the leftmost entry; our proxy appended the real one.
        let h = forwarded(&["6.6.6.6, 198.51.100.4"]);
        assert_eq!(client(&h), Some(ip("198.51.100.4")));
        // Two of our proxies in a row, headers split over two lines, a port on one hop.
        let h = forwarded(&["6.6.6.6", "198.51.100.4:5555, 10.0.0.2"]);
        assert_eq!(client(&h), Some(ip("198.51.100.4")));
        let h = forwarded(&["[2001:db8::5]:443"]);
        assert_eq!(client(&h), Some(ip("2001:db8::5")));
        // Whatever the client writes on the left, however long, is never read.
        let long = format!("{}198.51.100.4", "junk,".repeat(5000));
        assert_eq!(client(&forwarded(&[&long])), Some(ip("198.51.100.4")));
        let h = forwarded(&["garbage, 10.0.0.9, 198.51.100.4"]);
        assert_eq!(client(&h), Some(ip("198.51.100.4")));
    }

    #[test]
    fn unreadable_chains_are_unknown_never_the_proxy() {
        let proxies = AddressList::parse("10.0.0.0/24").unwrap();
        let client = |h: &HeaderMap| client_address(ip("10.0.0.1"), h, &proxies);
        for h in [
            forwarded(&["garbage"]),
            forwarded(&[""]),
            forwarded(&["1.2.3.4, , "]),
            // A bad entry left of our proxies' hops.
            forwarded(&["198.51.100.4, junk, 10.0.0.2"]),
            // More of our hops than any real chain has.
            forwarded(&[&"10.0.0.3,".repeat(20)]),
        ] {
            assert_eq!(client(&h), None, "{h:?}");
        }
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_bytes("198.51.100.4\u{e9}".as_bytes()).unwrap(),
        );
        assert_eq!(client(&h), None);
        // A non-ASCII line left of the proxy's own line is never reached.
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_bytes("\u{e9}".as_bytes()).unwrap(),
        );
        h.append("x-forwarded-for", HeaderValue::from_static("198.51.100.4"));
        assert_eq!(client(&h), Some(ip("198.51.100.4")));
        // No header at all: the proxy's own request.
        assert_eq!(client(&HeaderMap::new()), Some(ip("10.0.0.1")));
        // Only our proxies: the first of them.
        assert_eq!(
            client(&forwarded(&["10.0.0.7, 10.0.0.2"])),
            Some(ip("10.0.0.7"))
        );
    }

    #[test]
    fn hosts_group_ipv6_by_prefix() {
        assert_eq!(
            host(ip("2001:db8:1:2:aaaa::1")),
            host(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(host(ip("2001:db8:1:3::1")), host(ip("2001:db8:1:2::1")));
        assert_eq!(host(ip("::ffff:10.0.0.1")), ip("10.0.0.1"));
        assert_eq!(host(ip("127.0.0.1")), ip("127.0.0.1"));
    }
}
