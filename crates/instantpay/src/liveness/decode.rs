//! The tolerant reading of a reply's `data` (the module comment of mod.rs says what is
//! tolerated). All the key matching goes through `norm` and the tables in `keys`
//! (src/liveness/json.rs): change a name there.

use serde_json::{Map, Value};

use super::image::{byte_array, s3_object, source_from_string};
use super::json::{keys, object, string, take, type_name};
use super::types::{
    BoundingBox, CreatedSession, ImageSource, LivenessImage, MAX_AUDIT_IMAGES, ResultError,
    SessionResult, SessionStatus,
};

/// Deepest JSON nesting accepted in a reply before it is refused as garbage.
const MAX_DEPTH: usize = 64;

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
        let mut obj = object("data", data, "an object")?;
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

impl BoundingBox {
    fn from_value(path: &str, v: Value) -> Result<Self, ResultError> {
        let mut o = object(path, v, "{Width, Height, Left, Top}")?;
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
        let mut obj = object("data", data, "an object")?;
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
