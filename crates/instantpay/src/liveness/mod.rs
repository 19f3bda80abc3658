//! Face liveness: `POST /identity/faceLiveness/createSession` and
//! `POST /identity/faceLiveness/getSessionResult` (docs/instantpay.md, "Face liveness"), and the result type.
//!
//! The result's field names are unconfirmed. The engine behind it is AWS Rekognition Face
//! Liveness, so the parser expects that shape (`Status`, `Confidence`, `ReferenceImage {Bytes,
//! BoundingBox}`, `AuditImages[]`) but tolerates what a JSON gateway in front of it may do:
//! PascalCase, camelCase or snake_case keys, numbers sent as strings, image bytes as base64, as a
//! byte array or as a serialised Node `Buffer`/`Uint8Array`, a storage reference (`S3Object
//! {Bucket, Name}`) or a URL instead of bytes, missing audit images. Every key it does not know is
//! kept in `extra`, so an unexpected reply is shown to the operator rather than lost.
//!
//! All the key matching goes through `norm` and the tables in `keys` (this file): change a name there.

mod verdict;

pub use verdict::{
    Annotated, BOX_COLOR, DEFAULT_MIN_CONFIDENCE, ImageError, PixelRect, RgbImage, Verdict,
    VerdictKind, annotate, decode_image, encode_png, judge, line_width, pixel_rect,
};

use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::{ApiError, Client};
use crate::codes::StatusCode;
use crate::envelope::{Envelope, EnvelopeMeta};
use crate::request::{RequestError, valid_external_ref, validate_coordinates};

/// Largest decoded image accepted from a reply. Rekognition's images are a few hundred KiB.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;
/// Largest number of audit images kept (Rekognition returns up to 4).
pub const MAX_AUDIT_IMAGES: usize = 16;
/// Deepest JSON nesting accepted in a reply before it is refused as garbage.
const MAX_DEPTH: usize = 64;

/// Key names, compared after [`norm`] (lower case, without `_` and `-`).
mod keys {
    pub(super) const SESSION_ID: &[&str] = &["sessionid"];
    pub(super) const STATUS: &[&str] = &["status", "sessionstatus"];
    pub(super) const CONFIDENCE: &[&str] = &["confidence", "confidencescore", "livenessscore"];
    pub(super) const REFERENCE_IMAGE: &[&str] = &["referenceimage"];
    pub(super) const AUDIT_IMAGES: &[&str] = &["auditimages"];
    pub(super) const BYTES: &[&str] = &["bytes", "imagebytes", "base64", "data"];
    pub(super) const S3_OBJECT: &[&str] = &["s3object"];
    pub(super) const URL: &[&str] = &[
        "url",
        "uri",
        "imageurl",
        "presignedurl",
        "signedurl",
        "s3url",
    ];
    pub(super) const BOUNDING_BOX: &[&str] = &["boundingbox"];
    pub(super) const BUCKET: &[&str] = &["bucket"];
    pub(super) const NAME: &[&str] = &["name", "key"];
    pub(super) const VERSION: &[&str] = &["version", "versionid"];
    pub(super) const WIDTH: &[&str] = &["width"];
    pub(super) const HEIGHT: &[&str] = &["height"];
    pub(super) const LEFT: &[&str] = &["left"];
    pub(super) const TOP: &[&str] = &["top"];
    pub(super) const SESSION_ACCESS_TOKEN: &[&str] = &["accesstoken"];
}

/// A key in comparable form: `ReferenceImage`, `referenceImage` and `reference_image` agree.
fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

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
    fn field(path: &str, problem: impl Into<String>) -> Self {
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

/// Remove and return the first key of `obj` whose normalised name is in `names`.
fn take(obj: &mut Map<String, Value>, names: &[&str]) -> Option<(String, Value)> {
    let key = obj
        .keys()
        .find(|k| names.contains(&norm(k).as_str()))?
        .clone();
    let value = obj.remove(&key)?;
    Some((key, value))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn depth(v: &Value) -> usize {
    // Iterative, so a hostile reply cannot overflow the stack here.
    let mut max = 0;
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        max = max.max(d);
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    max
}

/// A number given as a JSON number or a numeric string (`"97.5"`, `" 97.5 "`, `"97.5%"`).
fn number(path: &str, v: &Value) -> Result<f64, ResultError> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let t = s.trim();
            let t = t.strip_suffix('%').unwrap_or(t).trim();
            t.parse::<f64>().ok()
        }
        other => {
            return Err(ResultError::field(
                path,
                format!("is {}; expected a number", type_name(other)),
            ));
        }
    };
    match n {
        Some(n) if n.is_finite() => Ok(n),
        _ => Err(ResultError::field(
            path,
            format!("is {v}, which is not a number"),
        )),
    }
}

fn string(path: &str, v: &Value) -> Result<String, ResultError> {
    match v {
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(ResultError::field(
            path,
            format!("is {}; expected a string", type_name(other)),
        )),
    }
}

impl SessionResult {
    /// Read a reply body's `data` from raw JSON text (what the fuzz target drives).
    pub fn from_json(text: &[u8]) -> Result<Self, ResultError> {
        let v: Value = serde_json::from_slice(text).map_err(|e| ResultError::Malformed {
            detail: json_error_detail(&e),
        })?;
        Self::from_data(v)
    }

    /// Read `getSessionResult`'s `data` object.
    pub fn from_data(data: Value) -> Result<Self, ResultError> {
        if depth(&data) > MAX_DEPTH {
            return Err(ResultError::field(
                "data",
                format!("is nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        let mut obj = match data {
            Value::Object(o) => o,
            other => {
                return Err(ResultError::field(
                    "data",
                    format!("is {}; expected an object", type_name(&other)),
                ));
            }
        };
        let session_id = match take(&mut obj, keys::SESSION_ID) {
            Some((k, Value::Null)) => {
                let _ = k;
                None
            }
            Some((k, v)) => Some(string(&format!("data.{k}"), &v)?),
            None => None,
        };
        let status = match take(&mut obj, keys::STATUS) {
            Some((_, Value::Null)) | None => SessionStatus::Other(String::new()),
            Some((k, v)) => SessionStatus::parse(&string(&format!("data.{k}"), &v)?),
        };
        let confidence = match take(&mut obj, keys::CONFIDENCE) {
            Some((_, Value::Null)) | None => None,
            Some((k, v)) => {
                let path = format!("data.{k}");
                let c = number(&path, &v)?;
                if !(0.0..=100.0).contains(&c) {
                    return Err(ResultError::field(
                        &path,
                        format!("is {c}, outside 0 to 100"),
                    ));
                }
                Some(c)
            }
        };
        let reference_image = match take(&mut obj, keys::REFERENCE_IMAGE) {
            Some((_, Value::Null)) | None => None,
            Some((k, v)) => Some(LivenessImage::from_value(&format!("data.{k}"), v)?),
        };
        let audit_images = match take(&mut obj, keys::AUDIT_IMAGES) {
            Some((_, Value::Null)) | None => Vec::new(),
            Some((k, Value::Array(items))) => {
                if items.len() > MAX_AUDIT_IMAGES {
                    return Err(ResultError::field(
                        &format!("data.{k}"),
                        format!(
                            "holds {} images, more than the {MAX_AUDIT_IMAGES} accepted",
                            items.len()
                        ),
                    ));
                }
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| LivenessImage::from_value(&format!("data.{k}[{i}]"), v))
                    .collect::<Result<_, _>>()?
            }
            // One image where a list was expected: take it as a list of one.
            Some((k, v @ Value::Object(_))) => {
                vec![LivenessImage::from_value(&format!("data.{k}"), v)?]
            }
            Some((k, other)) => {
                return Err(ResultError::field(
                    &format!("data.{k}"),
                    format!("is {}; expected a list of images", type_name(&other)),
                ));
            }
        };
        Ok(SessionResult {
            session_id,
            status,
            confidence,
            reference_image,
            audit_images,
            extra: obj,
        })
    }
}

impl LivenessImage {
    fn from_value(path: &str, v: Value) -> Result<Self, ResultError> {
        let mut obj = match v {
            Value::Object(o) => o,
            // The image itself given as a string: a URL or the base64 bytes.
            Value::String(s) => {
                return Ok(LivenessImage {
                    source: source_from_string(path, &s)?,
                    bounding_box: None,
                    extra: Map::new(),
                });
            }
            other => {
                return Err(ResultError::field(
                    path,
                    format!("is {}; expected an image object", type_name(&other)),
                ));
            }
        };
        let bounding_box = match take(&mut obj, keys::BOUNDING_BOX) {
            Some((_, Value::Null)) | None => None,
            Some((k, v)) => Some(BoundingBox::from_value(&format!("{path}.{k}"), v)?),
        };
        let source = if let Some((k, v)) = take(&mut obj, keys::BYTES) {
            let p = format!("{path}.{k}");
            match v {
                Value::Null => ImageSource::Missing,
                Value::String(s) if s.trim().is_empty() => ImageSource::Missing,
                Value::String(s) => source_from_string(&p, &s)?,
                other => ImageSource::Bytes {
                    bytes: byte_array(&p, &other)?,
                },
            }
        } else if let Some((k, v)) = take(&mut obj, keys::S3_OBJECT) {
            s3_object(&format!("{path}.{k}"), v)?
        } else if let Some((k, v)) = take(&mut obj, keys::URL) {
            let p = format!("{path}.{k}");
            let url = string(&p, &v)?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ResultError::field(&p, "is not an http(s) URL"));
            }
            ImageSource::Url { url }
        } else if obj.contains_key("Bucket") || obj.contains_key("bucket") {
            // The S3 reference given flat on the image object.
            s3_object(path, Value::Object(std::mem::take(&mut obj)))?
        } else {
            ImageSource::Missing
        };
        Ok(LivenessImage {
            source,
            bounding_box,
            extra: obj,
        })
    }
}

fn s3_object(path: &str, v: Value) -> Result<ImageSource, ResultError> {
    let mut o = match v {
        Value::Object(o) => o,
        other => {
            return Err(ResultError::field(
                path,
                format!("is {}; expected {{Bucket, Name}}", type_name(&other)),
            ));
        }
    };
    let bucket = match take(&mut o, keys::BUCKET) {
        Some((k, v)) => string(&format!("{path}.{k}"), &v)?,
        None => return Err(ResultError::field(path, "has no Bucket")),
    };
    let name = match take(&mut o, keys::NAME) {
        Some((k, v)) => string(&format!("{path}.{k}"), &v)?,
        None => return Err(ResultError::field(path, "has no Name")),
    };
    let version = match take(&mut o, keys::VERSION) {
        Some((_, Value::Null)) | None => None,
        Some((k, v)) => Some(string(&format!("{path}.{k}"), &v)?),
    };
    Ok(ImageSource::S3Object {
        bucket,
        name,
        version,
    })
}

/// A string standing for an image: an http(s) URL, a `data:` URI, or base64 (standard or
/// URL-safe alphabet, padded or not, line breaks allowed).
fn source_from_string(path: &str, s: &str) -> Result<ImageSource, ResultError> {
    let t = s.trim();
    if t.starts_with("https://") || t.starts_with("http://") {
        return Ok(ImageSource::Url { url: t.to_string() });
    }
    let b64 = match t.strip_prefix("data:") {
        Some(rest) => match rest.split_once(";base64,") {
            Some((_, b)) => b,
            None => {
                return Err(ResultError::field(
                    path,
                    "is a data: URI that is not base64",
                ));
            }
        },
        None => t,
    };
    if b64.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
        return Err(ResultError::field(
            path,
            format!("holds an image larger than {MAX_IMAGE_BYTES} bytes"),
        ));
    }
    let clean: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let clean = clean.trim_end_matches('=');
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(clean)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(clean))
        .map_err(|e| ResultError::field(path, format!("is not valid base64 ({e})")))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ResultError::field(
            path,
            format!("holds an image larger than {MAX_IMAGE_BYTES} bytes"),
        ));
    }
    Ok(ImageSource::Bytes { bytes })
}

/// Bytes as a JSON array of 0-255, a Node `Buffer` (`{"type":"Buffer","data":[...]}`), or a
/// `Uint8Array` passed through `JSON.stringify` (`{"0":255,"1":216,...}`).
fn byte_array(path: &str, v: &Value) -> Result<Vec<u8>, ResultError> {
    let to_byte = |i: usize, x: &Value| -> Result<u8, ResultError> {
        x.as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .ok_or_else(|| ResultError::field(path, format!("has {x} at {i}, not a byte 0-255")))
    };
    let too_big = |n: usize| {
        if n > MAX_IMAGE_BYTES {
            Err(ResultError::field(
                path,
                format!("holds an image larger than {MAX_IMAGE_BYTES} bytes"),
            ))
        } else {
            Ok(())
        }
    };
    match v {
        Value::Array(a) => {
            too_big(a.len())?;
            a.iter().enumerate().map(|(i, x)| to_byte(i, x)).collect()
        }
        Value::Object(o) => {
            if let Some(Value::Array(a)) = o.get("data")
                && o.get("type").and_then(Value::as_str) == Some("Buffer")
            {
                too_big(a.len())?;
                return a.iter().enumerate().map(|(i, x)| to_byte(i, x)).collect();
            }
            too_big(o.len())?;
            let mut out = vec![0u8; o.len()];
            for (k, x) in o {
                let i: usize = k.parse().ok().filter(|i| *i < o.len()).ok_or_else(|| {
                    ResultError::field(path, "is an object that is not a byte array")
                })?;
                out[i] = to_byte(i, x)?;
            }
            Ok(out)
        }
        other => Err(ResultError::field(
            path,
            format!("is {}; expected base64 text or bytes", type_name(other)),
        )),
    }
}

impl BoundingBox {
    fn from_value(path: &str, v: Value) -> Result<Self, ResultError> {
        let mut o = match v {
            Value::Object(o) => o,
            other => {
                return Err(ResultError::field(
                    path,
                    format!(
                        "is {}; expected {{Width, Height, Left, Top}}",
                        type_name(&other)
                    ),
                ));
            }
        };
        let mut get = |names: &[&str], label: &str| -> Result<f64, ResultError> {
            match take(&mut o, names) {
                Some((k, v)) => number(&format!("{path}.{k}"), &v),
                None => Err(ResultError::field(path, format!("has no {label}"))),
            }
        };
        let b = BoundingBox {
            width: get(keys::WIDTH, "Width")?,
            height: get(keys::HEIGHT, "Height")?,
            left: get(keys::LEFT, "Left")?,
            top: get(keys::TOP, "Top")?,
        };
        // Fractions of the image: a box partly outside the frame is fine, pixel counts are not.
        let ok = |x: f64| (-1.0..=2.0).contains(&x);
        if !(ok(b.left)
            && ok(b.top)
            && (0.0..=2.0).contains(&b.width)
            && (0.0..=2.0).contains(&b.height))
        {
            return Err(ResultError::field(
                path,
                format!(
                    "is {{Width {}, Height {}, Left {}, Top {}}}, not fractions of the image",
                    b.width, b.height, b.left, b.top
                ),
            ));
        }
        Ok(b)
    }
}

impl CreatedSession {
    /// Read `createSession`'s `data` object.
    pub fn from_data(data: Value) -> Result<Self, ResultError> {
        let mut obj = match data {
            Value::Object(o) => o,
            other => {
                return Err(ResultError::field(
                    "data",
                    format!("is {}; expected an object", type_name(&other)),
                ));
            }
        };
        let session_id = match take(&mut obj, keys::SESSION_ID) {
            Some((k, v)) => string(&format!("data.{k}"), &v)?,
            None => return Err(ResultError::field("data", "has no sessionId")),
        };
        if session_id.is_empty() {
            return Err(ResultError::field("data.sessionId", "is empty"));
        }
        let access_token = match take(&mut obj, keys::SESSION_ACCESS_TOKEN) {
            Some((_, Value::Null)) | None => None,
            Some((k, v)) => Some(string(&format!("data.{k}"), &v)?),
        };
        Ok(CreatedSession {
            session_id,
            access_token,
            extra: obj,
        })
    }
}

/// "line 1, column 7: expected value", without the reply's content.
fn json_error_detail(e: &serde_json::Error) -> String {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "it ends too early",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected type",
        serde_json::error::Category::Io => "read error",
    };
    format!("{what} at line {}, column {}", e.line(), e.column())
}

/// Path of `createSession`.
pub const PATH_CREATE_SESSION: &str = "/identity/faceLiveness/createSession";
/// Path of `getSessionResult`.
pub const PATH_SESSION_RESULT: &str = "/identity/faceLiveness/getSessionResult";

/// Why a face-liveness call gave no usable answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LivenessError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("The session was not created: {0}")]
    Request(#[from] RequestError),
    #[error(
        "The session id {0:?} cannot be right: it must be 1 to 128 printable characters. \
         Copy it again from `rd-agent liveness create`."
    )]
    SessionId(String),
    #[error("{0}")]
    Result(#[from] ResultError),
}

/// What `createSession` sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateSessionRequest {
    /// Decimal degrees, 4 to 6 decimals, inside India (as for the login).
    pub latitude: String,
    pub longitude: String,
    /// Unique, alphanumeric.
    #[serde(rename = "externalRef")]
    pub external_ref: String,
}

/// `POST /identity/faceLiveness/createSession`.
pub async fn create_session(
    client: &Client,
    req: &CreateSessionRequest,
) -> Result<(CreatedSession, EnvelopeMeta), LivenessError> {
    validate_coordinates(&req.latitude, &req.longitude)?;
    if !valid_external_ref(&req.external_ref) {
        return Err(RequestError::ExternalRef.into());
    }
    let env = client.post(PATH_CREATE_SESSION, req).await?;
    check_codes(&env)?;
    let data = env.data.clone().unwrap_or(Value::Null);
    Ok((CreatedSession::from_data(data)?, env.meta()))
}

/// `POST /identity/faceLiveness/getSessionResult`. Free to ask as often as needed.
pub async fn session_result(
    client: &Client,
    session_id: &str,
) -> Result<(SessionResult, EnvelopeMeta), LivenessError> {
    let id = session_id.trim();
    if id.is_empty() || id.len() > 128 || id.chars().any(char::is_control) {
        return Err(LivenessError::SessionId(id.chars().take(40).collect()));
    }
    let env = client
        .post(PATH_SESSION_RESULT, &serde_json::json!({ "sessionId": id }))
        .await?;
    // "Under process" with no data: the check is still running.
    if env.statuscode == StatusCode::Tup && env.data.is_none() {
        let mut extra = Map::new();
        extra.insert("statuscode".into(), Value::String("TUP".into()));
        return Ok((
            SessionResult {
                session_id: Some(id.to_string()),
                status: SessionStatus::InProgress,
                confidence: None,
                reference_image: None,
                audit_images: Vec::new(),
                extra,
            },
            env.meta(),
        ));
    }
    check_codes(&env)?;
    let data = env.data.clone().unwrap_or(Value::Null);
    Ok((SessionResult::from_data(data)?, env.meta()))
}

/// Only `TXN` carries a result; every other code is the API's refusal, reported verbatim.
fn check_codes(env: &Envelope) -> Result<(), ApiError> {
    if env.statuscode == StatusCode::Txn {
        return Ok(());
    }
    Err(ApiError::Rejected {
        statuscode: env.statuscode.clone(),
        actcode: env.actcode.clone(),
        message: env.status.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rekognition_pascal_case() {
        let r = SessionResult::from_data(json!({
            "SessionId": "s-1", "Status": "SUCCEEDED", "Confidence": 98.25,
            "ReferenceImage": {"Bytes": "iVBORw==", "BoundingBox": {"Width": 0.5, "Height": 0.6, "Left": 0.25, "Top": 0.1}},
            "AuditImages": [{"Bytes": "AAEC", "BoundingBox": {"Width": 0.1, "Height": 0.2, "Left": 0.3, "Top": 0.4}}]
        }))
        .unwrap();
        assert_eq!(r.session_id.as_deref(), Some("s-1"));
        assert_eq!(r.status, SessionStatus::Succeeded);
        assert_eq!(r.confidence, Some(98.25));
        let reference = r.reference_image.unwrap();
        assert_eq!(
            reference.source,
            ImageSource::Bytes {
                bytes: vec![0x89, b'P', b'N', b'G']
            }
        );
        assert_eq!(
            reference.bounding_box,
            Some(BoundingBox {
                width: 0.5,
                height: 0.6,
                left: 0.25,
                top: 0.1
            })
        );
        assert_eq!(r.audit_images.len(), 1);
        assert_eq!(
            r.audit_images[0].source,
            ImageSource::Bytes {
                bytes: vec![0, 1, 2]
            }
        );
        assert!(r.extra.is_empty());
    }

    #[test]
    fn camel_case_and_confidence_as_string() {
        let r = SessionResult::from_data(json!({
            "sessionId": "s-2", "status": "in_progress", "confidence": " 42.5% ",
            "referenceImage": {"bytes": "AAEC", "boundingBox": {"width": "0.5", "height": 0.5, "left": 0, "top": 0}}
        }))
        .unwrap();
        assert_eq!(r.status, SessionStatus::InProgress);
        assert_eq!(r.confidence, Some(42.5));
        assert_eq!(r.reference_image.unwrap().bounding_box.unwrap().width, 0.5);
        assert!(
            r.audit_images.is_empty(),
            "missing audit images are an empty list"
        );
    }

    #[test]
    fn storage_references_and_urls() {
        let r = SessionResult::from_data(json!({
            "Status": "SUCCEEDED", "Confidence": 90,
            "ReferenceImage": {"S3Object": {"Bucket": "b", "Name": "ref.jpg", "Version": "v1"}},
            "AuditImages": [
                {"Url": "https://example.invalid/a.png"},
                "https://example.invalid/b.png",
                {"s3_object": {"bucket": "b", "key": "c.jpg"}},
                {"BoundingBox": {"Width": 0.1, "Height": 0.1, "Left": 0.1, "Top": 0.1}}
            ]
        }))
        .unwrap();
        assert_eq!(
            r.reference_image.unwrap().source,
            ImageSource::S3Object {
                bucket: "b".into(),
                name: "ref.jpg".into(),
                version: Some("v1".into())
            }
        );
        assert_eq!(
            r.audit_images[0].source,
            ImageSource::Url {
                url: "https://example.invalid/a.png".into()
            }
        );
        assert_eq!(
            r.audit_images[1].source,
            ImageSource::Url {
                url: "https://example.invalid/b.png".into()
            }
        );
        assert_eq!(
            r.audit_images[2].source,
            ImageSource::S3Object {
                bucket: "b".into(),
                name: "c.jpg".into(),
                version: None
            }
        );
        assert_eq!(r.audit_images[3].source, ImageSource::Missing);
    }

    #[test]
    fn byte_arrays_from_javascript_gateways() {
        for bytes in [
            json!([1, 2, 255]),
            json!({"type": "Buffer", "data": [1, 2, 255]}),
            json!({"0": 1, "1": 2, "2": 255}),
            json!("data:image/png;base64,AQL/"),
            json!("AQL_"),
        ] {
            let r = SessionResult::from_data(
                json!({"Status": "SUCCEEDED", "ReferenceImage": {"Bytes": bytes}}),
            )
            .unwrap();
            assert_eq!(
                r.reference_image.unwrap().source,
                ImageSource::Bytes {
                    bytes: vec![1, 2, 255]
                }
            );
        }
    }

    #[test]
    fn unknown_fields_are_kept() {
        let r = SessionResult::from_data(json!({
            "Status": "SUCCEEDED", "Confidence": 99, "Challenge": {"Type": "FaceMovementAndLightChallenge"},
            "ReferenceImage": {"Bytes": "AA==", "Quality": {"Brightness": 80}}
        }))
        .unwrap();
        assert_eq!(
            r.extra["Challenge"]["Type"],
            "FaceMovementAndLightChallenge"
        );
        assert_eq!(
            r.reference_image.unwrap().extra["Quality"]["Brightness"],
            80
        );
    }

    #[test]
    fn unknown_or_missing_status_is_kept_verbatim() {
        let r = SessionResult::from_data(json!({"Status": "QUEUED"})).unwrap();
        assert_eq!(r.status, SessionStatus::Other("QUEUED".into()));
        let r = SessionResult::from_data(json!({"result": {"Status": "SUCCEEDED"}})).unwrap();
        assert_eq!(r.status, SessionStatus::Other(String::new()));
        assert!(r.extra.contains_key("result"));
    }

    #[test]
    fn wrong_types_name_the_field() {
        let cases = [
            (
                json!({"Status": "SUCCEEDED", "Confidence": true}),
                "data.Confidence",
                "a boolean",
            ),
            (
                json!({"Status": "SUCCEEDED", "Confidence": "high"}),
                "data.Confidence",
                "not a number",
            ),
            (
                json!({"Status": "SUCCEEDED", "Confidence": 150}),
                "data.Confidence",
                "outside 0 to 100",
            ),
            (json!({"Status": ["x"]}), "data.Status", "an array"),
            (
                json!({"ReferenceImage": 7}),
                "data.ReferenceImage",
                "a number",
            ),
            (
                json!({"ReferenceImage": {"Bytes": "!!!"}}),
                "data.ReferenceImage.Bytes",
                "base64",
            ),
            (
                json!({"ReferenceImage": {"Bytes": [1, 300]}}),
                "data.ReferenceImage.Bytes",
                "not a byte",
            ),
            (
                json!({"AuditImages": [{"BoundingBox": {"Width": 0.1, "Height": 0.1, "Left": 0.1}}]}),
                "data.AuditImages[0].BoundingBox",
                "has no Top",
            ),
            (
                json!({"ReferenceImage": {"BoundingBox": {"Width": 640, "Height": 480, "Left": 10, "Top": 5}}}),
                "data.ReferenceImage.BoundingBox",
                "not fractions",
            ),
            (
                json!({"AuditImages": "x"}),
                "data.AuditImages",
                "a list of images",
            ),
            (
                json!({"ReferenceImage": {"S3Object": {"Name": "x"}}}),
                "data.ReferenceImage.S3Object",
                "no Bucket",
            ),
            (json!([1, 2]), "data", "an array"),
            (json!(null), "data", "null"),
        ];
        for (data, path, problem) in cases {
            let e = SessionResult::from_data(data.clone()).unwrap_err();
            let ResultError::Field {
                path: p,
                problem: pr,
            } = &e
            else {
                panic!("{e:?}")
            };
            assert_eq!(p, path, "{data}");
            assert!(pr.contains(problem), "{data}: {pr}");
            assert!(e.to_string().contains(path));
        }
    }

    #[test]
    fn malformed_and_truncated_json() {
        for text in [
            &b"{\"Status\": \"SUCC"[..],
            b"",
            b"not json",
            b"{\"Status\": }",
            &[0xff, 0xfe][..],
        ] {
            let e = SessionResult::from_json(text).unwrap_err();
            assert!(matches!(e, ResultError::Malformed { .. }), "{e:?}");
            assert!(e.to_string().contains("not valid JSON"));
            assert!(e.to_string().contains("line 1"));
        }
    }

    #[test]
    fn oversized_and_deep_input_is_refused() {
        let big = "A".repeat(MAX_IMAGE_BYTES / 3 * 4 + 64);
        let e = SessionResult::from_data(json!({"ReferenceImage": {"Bytes": big}})).unwrap_err();
        assert!(e.to_string().contains("larger than"), "{e}");
        let many: Vec<_> = (0..MAX_AUDIT_IMAGES + 1).map(|_| json!({})).collect();
        let e = SessionResult::from_data(json!({"AuditImages": many})).unwrap_err();
        assert!(e.to_string().contains("more than"), "{e}");
        let mut deep = json!(1);
        for _ in 0..100 {
            deep = json!([deep]);
        }
        let e = SessionResult::from_data(json!({"x": deep})).unwrap_err();
        assert!(e.to_string().contains("nested deeper"), "{e}");
    }

    #[test]
    fn created_session_hides_the_token_from_debug() {
        let s = CreatedSession::from_data(
            json!({"sessionId": "abc", "accessToken": "tok-secret-123", "expiresIn": 180}),
        )
        .unwrap();
        assert_eq!(s.session_id, "abc");
        assert_eq!(s.extra["expiresIn"], 180);
        assert!(!format!("{s:?}").contains("tok-secret"));
        let e = CreatedSession::from_data(json!({"accessToken": "x"})).unwrap_err();
        assert!(e.to_string().contains("has no sessionId"));
    }

    #[test]
    fn json_output_shows_sizes_not_bytes() {
        let r = SessionResult::from_data(
            json!({"Status": "SUCCEEDED", "ReferenceImage": {"Bytes": "AAECAw=="}}),
        )
        .unwrap();
        let out = serde_json::to_value(&r).unwrap();
        assert_eq!(out["status"], "SUCCEEDED");
        assert_eq!(
            out["reference_image"]["source"],
            json!({"kind": "bytes", "bytes": 4})
        );
    }
}
