//! How a program reaches the operator's page (crates/page) that another process of the same
//! user serves: the page server writes a private file (0600, in the user's runtime directory)
//! with its port, its process and a minting key; `rd-agent open` reads it and mints a
//! one-time token that the server checks (HMAC-SHA256 over a random nonce and an expiry) and
//! remembers as used. No request is made to mint one, so nothing on the loopback port answers
//! a token to anyone, and a token is worthless to any other server or after its minutes.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::platform::ProcessId;

/// How long a minted token may be exchanged: long enough for a browser to start.
pub const TOKEN_TTL: Duration = Duration::from_secs(120);

/// The file's name in the user's runtime directory.
const FILE: &str = "page.json";

const NONCE: usize = 16;
const MAC: usize = 32;

/// The key a page server mints and checks its one-time tokens with.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; 32]>);

impl Key {
    /// A fresh random key, for one run of a page server.
    pub fn random() -> Key {
        Key(Zeroizing::new(rand::random()))
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length: this never fails.
        <Hmac<Sha256> as KeyInit>::new_from_slice(self.0.as_ref()).expect("HMAC takes any key")
    }

    /// A one-time token, good until `now` + [`TOKEN_TTL`].
    pub fn mint(&self, now: SystemTime) -> String {
        let nonce: [u8; NONCE] = rand::random();
        let expires = secs(now) + TOKEN_TTL.as_secs();
        let mut body = Vec::with_capacity(NONCE + 8 + MAC);
        body.extend_from_slice(&nonce);
        body.extend_from_slice(&expires.to_be_bytes());
        let mut mac = self.mac();
        mac.update(&body);
        body.extend_from_slice(&mac.finalize().into_bytes());
        B64.encode(body)
    }

    /// The token's nonce and expiry when this key made it and it has not expired; the
    /// caller remembers the nonce as used until then. A token that claims to live longer
    /// than [`TOKEN_TTL`] from now is refused, so the set of used nonces stays bounded.
    pub fn check(&self, token: &str, now: SystemTime) -> Option<([u8; NONCE], u64)> {
        if token.len() > 100 {
            return None;
        }
        let bytes = B64.decode(token).ok()?;
        if bytes.len() != NONCE + 8 + MAC {
            return None;
        }
        let (body, tag) = bytes.split_at(NONCE + 8);
        let mut mac = self.mac();
        mac.update(body);
        // Constant time: the tag's bytes are not learnt one by one.
        mac.verify_slice(tag).ok()?;
        let nonce: [u8; NONCE] = body[..NONCE].try_into().ok()?;
        let expires = u64::from_be_bytes(body[NONCE..].try_into().ok()?);
        let now = secs(now);
        (now < expires && expires <= now + TOKEN_TTL.as_secs()).then_some((nonce, expires))
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The page's address with a token: what a browser is given.
pub fn url(port: u16, token: &str) -> String {
    format!("http://127.0.0.1:{port}/?token={token}")
}

/// What the file says: where a page server listens, which process it is, and its key.
#[derive(Serialize, Deserialize)]
struct Record {
    port: u16,
    pid: u32,
    started: String,
    key: String,
}

/// A page server found through the file.
#[derive(Debug)]
pub struct Running {
    pub port: u16,
    pub pid: u32,
    key: Key,
}

impl Running {
    /// A page address with a fresh one-time token.
    pub fn fresh_url(&self) -> String {
        url(self.port, &self.key.mint(SystemTime::now()))
    }
}

/// The user's own directory for the file: `$XDG_RUNTIME_DIR/rd-agent` (a tmpfs only the user
/// can enter), else the user's local data directory (on Windows, in the profile).
pub fn dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("in", "rd-agent", "rd-agent")?;
    Some(
        dirs.runtime_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// The user's own lasting directory (the local data directory; on Windows in the profile),
/// for what must outlive a reboot, unlike [`dir`]'s runtime directory: the tray's note that it
/// opened the page once.
pub fn lasting_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("in", "rd-agent", "rd-agent")?;
    Some(dirs.data_local_dir().to_path_buf())
}

/// Tell later `rd-agent open`s about this page server. The file is private to the user and
/// replaced whole.
pub fn publish(dir: &Path, port: u16, key: &Key) -> std::io::Result<PathBuf> {
    crate::fs::create_private_dir(dir)?;
    let me = crate::platform::process::identity(std::process::id()).unwrap_or(ProcessId {
        pid: std::process::id(),
        started: String::new(),
    });
    let record = Record {
        port,
        pid: me.pid,
        started: me.started,
        key: hex::encode(key.0.as_ref()),
    };
    let text = Zeroizing::new(serde_json::to_vec(&record).map_err(std::io::Error::other)?);
    let path = dir.join(FILE);
    crate::fs::write_atomic(&path, &text, true)?;
    Ok(path)
}

/// Remove the file when it is still this process's (a newer page server may have replaced it).
pub fn withdraw(dir: &Path) {
    let path = dir.join(FILE);
    if read_record(&path).is_some_and(|r| r.pid == std::process::id()) {
        let _ = std::fs::remove_file(path);
    }
}

fn read_record(path: &Path) -> Option<Record> {
    let text = Zeroizing::new(std::fs::read(path).ok()?);
    serde_json::from_slice(&text).ok()
}

/// The page server the file names, when that process still runs and its port answers.
pub fn running(dir: &Path) -> Option<Running> {
    let r = read_record(&dir.join(FILE))?;
    let id = ProcessId {
        pid: r.pid,
        started: r.started,
    };
    if !crate::platform::process::alive(&id) {
        return None;
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, r.port));
    TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    let key = hex::decode(&r.key).ok()?;
    let key: [u8; 32] = key.try_into().ok()?;
    Some(Running {
        port: r.port,
        pid: r.pid,
        key: Key(Zeroizing::new(key)),
    })
}

/// Open `url` in the user's default browser.
pub fn open_in_browser(url: &str) -> std::io::Result<()> {
    crate::platform::process::open_url(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_checks_with_its_key_only_and_only_in_its_minutes() {
        let key = Key::random();
        let now = SystemTime::now();
        let t = key.mint(now);
        let (nonce, _) = key.check(&t, now).expect("fresh");
        assert_eq!(key.check(&t, now).map(|c| c.0), Some(nonce));
        assert!(
            Key::random().check(&t, now).is_none(),
            "another server's key"
        );
        assert!(key.check(&t, now + TOKEN_TTL).is_none(), "expired");
        assert!(
            key.check(&t, now - Duration::from_secs(5)).is_none(),
            "lives longer than the TTL from then"
        );
        // One bit changed anywhere: refused.
        let mut bytes = B64.decode(&t).unwrap();
        for i in [0, NONCE, NONCE + 8, bytes.len() - 1] {
            bytes[i] ^= 1;
            assert!(key.check(&B64.encode(&bytes), now).is_none(), "byte {i}");
            bytes[i] ^= 1;
        }
        assert!(key.check("", now).is_none());
        assert!(key.check("not base64 !", now).is_none());
        assert!(key.check(&"A".repeat(5000), now).is_none());
    }

    #[test]
    fn the_file_is_private_and_names_a_live_server_only() {
        let dir = tempfile::tempdir().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let key = Key::random();
        let path = publish(dir.path(), port, &key).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let found = running(dir.path()).expect("this process serves it");
        assert_eq!(found.port, port);
        let u = found.fresh_url();
        let token = u.split("token=").nth(1).unwrap();
        assert!(key.check(token, SystemTime::now()).is_some());
        // The port closed: not running.
        drop(listener);
        assert!(running(dir.path()).is_none());
        withdraw(dir.path());
        assert!(!path.exists());
    }
}
