//! Reading JSON as a reply may shape it: keys in any case and with `_` or `-`, values of the
//! type expected or an error naming where. The decoder and the image reader both use it.

use serde_json::{Map, Value};

use super::types::ResultError;

/// Key names, compared after [`norm`] (lower case, without `_` and `-`).
pub(super) mod keys {
    pub(in crate::liveness) const SESSION_ID: &[&str] = &["sessionid"];
    pub(in crate::liveness) const STATUS: &[&str] = &["status", "sessionstatus"];
    pub(in crate::liveness) const CONFIDENCE: &[&str] =
        &["confidence", "confidencescore", "livenessscore"];
    pub(in crate::liveness) const REFERENCE_IMAGE: &[&str] = &["referenceimage"];
    pub(in crate::liveness) const AUDIT_IMAGES: &[&str] = &["auditimages"];
    pub(in crate::liveness) const BYTES: &[&str] = &["bytes", "imagebytes", "base64", "data"];
    pub(in crate::liveness) const S3_OBJECT: &[&str] = &["s3object"];
    pub(in crate::liveness) const URL: &[&str] = &[
        "url",
        "uri",
        "imageurl",
        "presignedurl",
        "signedurl",
        "s3url",
    ];
    pub(in crate::liveness) const BOUNDING_BOX: &[&str] = &["boundingbox"];
    pub(in crate::liveness) const BUCKET: &[&str] = &["bucket"];
    pub(in crate::liveness) const NAME: &[&str] = &["name", "key"];
    pub(in crate::liveness) const VERSION: &[&str] = &["version", "versionid"];
    pub(in crate::liveness) const WIDTH: &[&str] = &["width"];
    pub(in crate::liveness) const HEIGHT: &[&str] = &["height"];
    pub(in crate::liveness) const LEFT: &[&str] = &["left"];
    pub(in crate::liveness) const TOP: &[&str] = &["top"];
    pub(in crate::liveness) const SESSION_ACCESS_TOKEN: &[&str] = &["accesstoken"];
}

/// A key in comparable form: `ReferenceImage`, `referenceImage` and `reference_image` agree.
pub(super) fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Remove and return the first key of `obj` whose normalised name is in `names`.
pub(super) fn take(obj: &mut Map<String, Value>, names: &[&str]) -> Option<(String, Value)> {
    let key = obj
        .keys()
        .find(|k| names.contains(&norm(k).as_str()))?
        .clone();
    let value = obj.remove(&key)?;
    Some((key, value))
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `v` as an object, or an error naming `path` and what was `expected` there.
pub(super) fn object(
    path: &str,
    v: Value,
    expected: &str,
) -> Result<Map<String, Value>, ResultError> {
    match v {
        Value::Object(o) => Ok(o),
        other => Err(ResultError::field(
            path,
            format!("is {}; expected {expected}", type_name(&other)),
        )),
    }
}

pub(super) fn string(path: &str, v: &Value) -> Result<String, ResultError> {
    match v {
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(ResultError::field(
            path,
            format!("is {}; expected a string", type_name(other)),
        )),
    }
}
