//! The service's IPC protocol: the typed requests and replies that the service, the CLI and
//! the tray share, one JSON object per line (src/agent/ipc.rs carries the lines).
//!
//! Every line carries the protocol's version, `"v"`. A line of another version (or of none:
//! the programs released before versions existed) is answered with a sentence saying which
//! side is older, never misread: an old tray after an upgrade is told to restart.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::AgentState;
use super::backend::LoginSummary;
use crate::config::{Change, Key, SecretName, View};
use crate::devices::DeviceReport;
use crate::i18n::{Catalog, Lang, Msg};
use crate::ledger::{History, Summary};

/// The version this build speaks. Lines without `"v"` are version 1.
pub(crate) const PROTOCOL_VERSION: u32 = 2;

/// A request line is small; anything longer is garbage and the connection is dropped.
pub(crate) const MAX_LINE: usize = 16 * 1024;

/// A reply line may carry the device list; anything longer is garbage.
pub(crate) const MAX_REPLY_LINE: usize = MAX_LINE * 4;

/// What a client asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Request {
    Status,
    Login {
        #[serde(default)]
        force: bool,
        /// Use a scanner other than the pinned one (and pin it after the login).
        #[serde(default)]
        accept_new_device: bool,
        /// The operator confirmed going on despite the decline guard (the client asked).
        #[serde(default)]
        despite_declines: bool,
    },
    Devices,
    Subscribe,
    /// Re-ask the remote status now.
    Recheck,
    /// The service's configuration as setup shows it (no secret).
    ConfigShow,
    /// Change the service's configuration and secrets: setup through the service.
    ConfigChange(ConfigChange),
    /// The ledger's attempts of the last `days` IST days and this month's money. A service
    /// older than this request answers that it did not understand it.
    History {
        #[serde(default = "history_days")]
        days: u32,
    },
}

/// What a history request without `days` asks: the last 30 days.
pub const HISTORY_DAYS: u32 = 30;

fn history_days() -> u32 {
    HISTORY_DAYS
}

/// Setup's change as it crosses the IPC: key names and texts. The service checks every name
/// and value as `config::apply_change` does for a person's own files.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    #[serde(default)]
    pub(crate) values: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) secrets: BTreeMap<String, SecretText>,
    #[serde(default)]
    pub(crate) clear: Vec<String>,
    #[serde(default)]
    pub(crate) overwrite: bool,
    #[serde(default)]
    pub(crate) check_only: bool,
}

/// Names only: a change's Debug (a log line, a panic) never shows a secret.
impl std::fmt::Debug for ConfigChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigChange")
            .field("values", &self.values.keys().collect::<Vec<_>>())
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .field("clear", &self.clear)
            .field("overwrite", &self.overwrite)
            .field("check_only", &self.check_only)
            .finish()
    }
}

/// A secret's text on its way to the service: wiped from memory when dropped, never shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretText(Zeroizing<String>);

impl ConfigChange {
    pub(crate) fn of(change: &Change) -> ConfigChange {
        ConfigChange {
            values: change
                .values
                .iter()
                .map(|(k, v)| (k.name().to_string(), v.clone()))
                .collect(),
            secrets: change
                .secrets
                .iter()
                .map(|(n, v)| (n.key().to_string(), SecretText(v.clone())))
                .collect(),
            clear: change.clear.iter().map(|n| n.key().to_string()).collect(),
            overwrite: change.overwrite,
            check_only: change.check_only,
        }
    }

    /// The change it names, or the first name that is not a setting or a secret.
    pub(crate) fn to_change(&self) -> Result<Change, Msg> {
        let key = |name: &str| {
            Key::in_file(name).ok_or_else(|| {
                Msg::new("config-error-unknown-key")
                    .arg("source", "IPC")
                    .arg("key", name.chars().take(60).collect::<String>())
            })
        };
        let secret = |name: &str| SecretName::parse(name).map_err(|e| e.msg());
        Ok(Change {
            values: self
                .values
                .iter()
                .map(|(k, v)| Ok((key(k)?, v.clone())))
                .collect::<Result<_, Msg>>()?,
            secrets: self
                .secrets
                .iter()
                .map(|(k, v)| Ok((secret(k)?, v.0.clone())))
                .collect::<Result<_, Msg>>()?,
            clear: self
                .clear
                .iter()
                .map(|k| secret(k))
                .collect::<Result<_, Msg>>()?,
            overwrite: self.overwrite,
            check_only: self.check_only,
        })
    }
}

/// What the service sends back: replies and subscription events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// Reply to `status`, and the first line of a subscription.
    Status {
        state: AgentState,
        since: DateTime<Utc>,
        sentence: String,
        /// The ledger's facts for `status` (last attempt, attempts charged); no secrets.
        #[serde(default)]
        summary: Option<Box<Summary>>,
        /// Where the service writes its log (for the tray's "Open log folder").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        log_dir: Option<String>,
    },
    /// Reply to `login`, and an event to subscribers when any login ends.
    Login(LoginSummary),
    /// Reply to `devices`.
    Devices(DeviceReport),
    /// Reply to `config_show` and `config_change`: the configuration now.
    Config(Box<View>),
    /// Reply to `history`.
    History(Box<History>),
    /// A subscription event: the state changed.
    State {
        state: AgentState,
        since: DateTime<Utc>,
        sentence: String,
    },
    /// A subscription event: time to log in. `message` is English; `said` the same sentence
    /// for clients that render their own language.
    Reminder {
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        said: Option<Msg>,
    },
    /// A subscription event, once a second while the scanner waits for the finger: the
    /// seconds left, then `None` when the capture ended.
    Capture { seconds_left: Option<u32> },
    /// Something went wrong with the request; the connection stays usable unless refused.
    Error {
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        said: Option<Msg>,
    },
}

impl Message {
    /// An error for the client, in English and as a catalogue message.
    pub(crate) fn error(said: Msg) -> Message {
        Message::Error {
            message: said.english(),
            said: Some(said),
        }
    }

    /// The reminder to log in.
    pub(crate) fn reminder() -> Message {
        let said = Msg::new("agent-reminder");
        Message::Reminder {
            message: said.english(),
            said: Some(said),
        }
    }
}

/// Why a request line was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadRequest {
    /// Too long, not JSON, or not a request: the sentence says which.
    Garbage(Msg),
    /// A client of another protocol version; the reply is `BadRequest::reply`'s.
    OtherVersion(u32),
}

impl BadRequest {
    /// The line to answer with. To a client of another version the sentence goes in both
    /// languages as plain text: its catalogue may not know this build's message ids.
    pub(crate) fn reply(&self) -> Message {
        match self {
            BadRequest::Garbage(said) => Message::error(said.clone()),
            BadRequest::OtherVersion(theirs) => {
                let said = client_of_other_version(*theirs);
                let both = format!(
                    "{}\n{}",
                    Catalog::get(Lang::En).render(&said),
                    Catalog::get(Lang::Hi).render(&said)
                );
                Message::Error {
                    message: said.english(),
                    said: Some(Msg::verbatim(both)),
                }
            }
        }
    }
}

/// The service's sentence to a client that speaks protocol `theirs`.
pub(crate) fn client_of_other_version(theirs: u32) -> Msg {
    let id = if theirs < PROTOCOL_VERSION {
        "ipc-client-older"
    } else {
        "ipc-client-newer"
    };
    Msg::new(id)
        .arg("theirs", theirs)
        .arg("ours", PROTOCOL_VERSION)
}

/// A client's sentence about a service that speaks protocol `theirs`.
pub(crate) fn service_of_other_version(theirs: u32) -> Msg {
    let id = if theirs < PROTOCOL_VERSION {
        "ipc-service-older"
    } else {
        "ipc-service-newer"
    };
    Msg::new(id)
        .arg("theirs", theirs)
        .arg("ours", PROTOCOL_VERSION)
}

#[derive(Deserialize)]
struct Version {
    #[serde(default)]
    v: Option<u32>,
}

/// The version a JSON line declares (1 when it declares none), or `None` for a line that is
/// not a JSON object.
fn version_of(line: &[u8]) -> Option<u32> {
    serde_json::from_slice::<Version>(line)
        .ok()
        .map(|v| v.v.unwrap_or(1))
}

/// One line: the versioned JSON of `body` and a newline.
pub(crate) fn encode<T: Serialize>(body: &T) -> Vec<u8> {
    #[derive(Serialize)]
    struct Versioned<'a, T> {
        v: u32,
        #[serde(flatten)]
        body: &'a T,
    }
    let mut line = serde_json::to_vec(&Versioned {
        v: PROTOCOL_VERSION,
        body,
    })
    // A derived Serialize of these types into a Vec cannot fail; an empty object would be
    // refused by the peer rather than misread.
    .unwrap_or_else(|_| b"{}".to_vec());
    line.push(b'\n');
    line
}

/// Parse one request line (the service's side).
pub fn parse_request(line: &[u8]) -> Result<Request, BadRequest> {
    if line.len() > MAX_LINE {
        return Err(BadRequest::Garbage(Msg::new("agent-request-too-long")));
    }
    let not_understood = || BadRequest::Garbage(Msg::new("agent-request-not-understood"));
    match version_of(line) {
        None => return Err(not_understood()),
        Some(PROTOCOL_VERSION) => {}
        Some(other) => return Err(BadRequest::OtherVersion(other)),
    }
    serde_json::from_slice(line).map_err(|_| not_understood())
}

/// Why a reply line was not taken (the client's side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadReply {
    Garbage,
    OtherVersion(u32),
}

/// Parse one line from the service (the client side).
pub fn parse_message(line: &[u8]) -> Result<Message, BadReply> {
    if line.len() > MAX_REPLY_LINE {
        return Err(BadReply::Garbage);
    }
    match version_of(line) {
        None => return Err(BadReply::Garbage),
        Some(PROTOCOL_VERSION) => {}
        Some(other) => return Err(BadReply::OtherVersion(other)),
    }
    serde_json::from_slice(line).map_err(|_| BadReply::Garbage)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(json: &str) -> Vec<u8> {
        json.as_bytes().to_vec()
    }

    #[test]
    fn requests_parse_and_garbage_is_refused() {
        assert_eq!(
            parse_request(&line(r#"{"v":2,"cmd":"status"}"#)),
            Ok(Request::Status)
        );
        assert_eq!(
            parse_request(&line(r#"{"cmd":"login","v":2}"#)),
            Ok(Request::Login {
                force: false,
                accept_new_device: false,
                despite_declines: false,
            })
        );
        assert_eq!(
            parse_request(&line(r#"{"v":2,"cmd":"login","force":true}"#)),
            Ok(Request::Login {
                force: true,
                accept_new_device: false,
                despite_declines: false,
            })
        );
        for bad in [
            &b""[..],
            b"status",
            b"{\"v\":2,\"cmd\":",
            b"{\"v\":2,\"cmd\":\"format_disk\"}",
            b"{\"v\":2,\"cmd\":42}",
            b"{\"v\":2,\"cmd\":\"login\",\"force\":\"yes\"}",
            b"{\"v\":\"2\",\"cmd\":\"status\"}",
            b"{\"v\":-1,\"cmd\":\"status\"}",
            b"[1,2,3]",
            b"\xff\xfe",
        ] {
            assert!(
                matches!(parse_request(bad), Err(BadRequest::Garbage(_))),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_request(&line(r#"{"v":2,"cmd":"history"}"#)),
            Ok(Request::History { days: HISTORY_DAYS })
        );
        assert_eq!(
            parse_request(&line(r#"{"v":2,"cmd":"history","days":7}"#)),
            Ok(Request::History { days: 7 })
        );
        let long = vec![b' '; MAX_LINE + 1];
        assert_eq!(
            parse_request(&long),
            Err(BadRequest::Garbage(Msg::new("agent-request-too-long")))
        );
    }

    /// What a tray released before versions sends, and one from a later release.
    #[test]
    fn a_client_of_another_version_is_told_which_side_is_older() {
        assert_eq!(
            parse_request(br#"{"cmd":"subscribe"}"#),
            Err(BadRequest::OtherVersion(1))
        );
        assert_eq!(
            parse_request(br#"{"v":3,"cmd":"status"}"#),
            Err(BadRequest::OtherVersion(3))
        );
        let Message::Error { message, said } = BadRequest::OtherVersion(1).reply() else {
            panic!("not an error");
        };
        assert!(
            message.contains("older than the rd-agent service"),
            "{message}"
        );
        // The old client renders this verbatim: both languages, no id it may lack.
        let shown = Catalog::get(Lang::Hi).render(&said.unwrap());
        assert!(
            shown.contains("older than") && shown.contains("पुराना"),
            "{shown}"
        );
        let newer = client_of_other_version(3).english();
        assert!(newer.contains("newer than the rd-agent service"), "{newer}");
        let old_service = service_of_other_version(1).english();
        assert!(old_service.contains("service is older"), "{old_service}");
    }

    #[test]
    fn every_line_carries_the_version_and_reads_back() {
        let m = Message::reminder();
        let bytes = encode(&m);
        assert!(bytes.ends_with(b"\n"));
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with(r#"{"v":2,"type":"reminder","#), "{text}");
        assert_eq!(parse_message(&bytes).unwrap(), m);
        let req = encode(&Request::Login {
            force: true,
            accept_new_device: false,
            despite_declines: true,
        });
        assert!(matches!(
            parse_request(&req),
            Ok(Request::Login { force: true, .. })
        ));
    }

    /// A reply from a service released before versions: the client says so, it does not guess.
    #[test]
    fn a_reply_of_another_version_is_not_misread() {
        let old = br#"{"type":"reminder","message":"Daily login needed."}"#;
        assert_eq!(parse_message(old), Err(BadReply::OtherVersion(1)));
        let newer = br#"{"v":9,"type":"reminder","message":"x"}"#;
        assert_eq!(parse_message(newer), Err(BadReply::OtherVersion(9)));
    }

    #[test]
    fn replies_from_a_broken_service_are_errors_not_panics() {
        let good = br#"{"v":2,"type":"state","state":{"state":"logged_in","until":"2026-11-22T18:30:00Z"},"since":"2026-11-22T03:00:00Z","sentence":"x"}"#;
        assert!(matches!(parse_message(good), Ok(Message::State { .. })));
        for bad in [
            &b""[..],
            &good[..good.len() / 2],
            b"{\"v\":2,\"type\":\"state\",\"state\":{\"state\":\"logged_in\"}}",
            b"{\"v\":2,\"type\":\"state\",\"state\":{\"state\":\"logged_in\",\"until\":7}}",
            b"{\"v\":2,\"type\":\"teapot\"}",
            b"{\"v\":2,\"type\":\"login\",\"ok\":\"yes\"}",
            b"{\"v\":2,\"type\":\"devices\",\"services\":[{\"port\":\"x\"}]}",
            b"null",
            b"\x00\x01",
        ] {
            assert_eq!(parse_message(bad), Err(BadReply::Garbage), "{bad:?}");
        }
        let huge = vec![b'x'; MAX_REPLY_LINE + 1];
        assert_eq!(parse_message(&huge), Err(BadReply::Garbage));
    }

    #[test]
    fn a_device_report_reads_back_typed() {
        let report = br#"{"v":2,"type":"devices","services":[{"host":"127.0.0.1","port":11100,"scheme":"http","status":"READY","info":"Mantra","device_info_path":"/rd/info","capture_path":"/rd/capture","owner":"root (uid 0)","trusted":true}],"failures":[{"port":11101,"error":"not an RD Service"}]}"#;
        let Ok(Message::Devices(d)) = parse_message(report) else {
            panic!("not a device report");
        };
        assert_eq!(d.services[0].service.port, 11100);
        assert!(d.services[0].service.status.is_ready());
        assert_eq!(d.failures[0].port, 11101);
    }
}
