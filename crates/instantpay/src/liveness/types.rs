//! Face liveness's types: the session result, its images and face boxes, the created
//! session, and why a reply could not be read.

use serde::Serialize;
use serde_json::{Map, Value};

/// Largest decoded image accepted from a reply. Rekognition's images are a few hundred KiB.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
/// Largest number of audit images kept (Rekognition returns up to 4).
pub const MAX_AUDIT_IMAGES: usize = 16;
/// Why a reply could not be read. Each message names the field and what was wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResultError {
    #[error(
        "The face-liveness reply is not valid JSON ({detail}). It was not used; ask InstantPay \
         support if this repeats."
    )]
    Malformed { detail: String },
    #[error(
        "The face-liveness reply's `{path}` {problem}. The reply was not used; ask InstantPay \
         support if this repeats."
    )]
    Field { path: String, problem: String },
}

impl ResultError {
    pub(super) fn field(path: &str, problem: impl Into<String>) -> Self {
        ResultError::Field {
            path: path.to_string(),
            problem: problem.into(),
        }
    }
}

/// The session states Rekognition Face Liveness reports; anything else is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum SessionStatus {
    Created,
    InProgress,
    Succeeded,
    Failed,
    Expired,
    /// A status this version does not know, as the reply spelled it (empty: none given).
    Other(String),
}

impl SessionStatus {
    pub fn parse(s: &str) -> Self {
        let n: String = s
            .trim()
            .chars()
            .filter(|c| *c != '_' && *c != '-' && *c != ' ')
            .flat_map(char::to_uppercase)
            .collect();
        match n.as_str() {
            "CREATED" => SessionStatus::Created,
            "INPROGRESS" => SessionStatus::InProgress,
            "SUCCEEDED" => SessionStatus::Succeeded,
            "FAILED" => SessionStatus::Failed,
            "EXPIRED" => SessionStatus::Expired,
            _ => SessionStatus::Other(s.trim().to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            SessionStatus::Created => "CREATED",
            SessionStatus::InProgress => "IN_PROGRESS",
            SessionStatus::Succeeded => "SUCCEEDED",
            SessionStatus::Failed => "FAILED",
            SessionStatus::Expired => "EXPIRED",
            SessionStatus::Other(s) => s,
        }
    }
}

impl From<SessionStatus> for String {
    fn from(s: SessionStatus) -> String {
        s.as_str().to_string()
    }
}

/// A face's box, as fractions of the image's width and height (Rekognition's convention).
/// `left` and `top` may be slightly negative and the box may run past the edge when the face
/// is partly out of the frame; drawing clips it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BoundingBox {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub top: f64,
}

/// Where an image's pixels are.
#[derive(Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageSource {
    /// The encoded image (JPEG or PNG) inline in the reply.
    Bytes {
        #[serde(serialize_with = "ser_len")]
        bytes: Vec<u8>,
    },
    /// A storage reference: an S3 bucket and key, which rd-agent cannot fetch by itself.
    S3Object {
        bucket: String,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<String>,
    },
    /// A URL the image can be downloaded from.
    Url { url: String },
    /// The reply named the image but gave neither bytes nor a reference.
    Missing,
}

fn ser_len<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    // Output shows the size; the picture itself is written to a file with --save-images.
    s.serialize_u64(bytes.len() as u64)
}

impl std::fmt::Debug for ImageSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageSource::Bytes { bytes } => write!(f, "Bytes(<{} bytes>)", bytes.len()),
            ImageSource::S3Object {
                bucket,
                name,
                version,
            } => write!(f, "S3Object({bucket}/{name} {version:?})"),
            ImageSource::Url { url } => write!(f, "Url({url})"),
            ImageSource::Missing => write!(f, "Missing"),
        }
    }
}

/// One image of the result with its face box.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LivenessImage {
    pub source: ImageSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounding_box: Option<BoundingBox>,
    /// Keys of the image object this version does not know.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// `getSessionResult`'s `data`, read tolerantly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    pub status: SessionStatus,
    /// 0 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_image: Option<LivenessImage>,
    pub audit_images: Vec<LivenessImage>,
    /// Keys of `data` this version does not know, kept as they came.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// `createSession`'s `data`.
#[derive(Clone, PartialEq, Serialize)]
pub struct CreatedSession {
    pub session_id: String,
    /// What the face-capture app needs to stream to the session. Shown to the person who
    /// created the session (they hand it to the app); kept out of `Debug`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for CreatedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedSession")
            .field("session_id", &self.session_id)
            .field(
                "access_token",
                &self
                    .access_token
                    .as_ref()
                    .map(|t| format!("<{} chars>", t.len())),
            )
            .field("extra", &self.extra)
            .finish()
    }
}
