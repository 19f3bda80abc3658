//! Where an image's pixels are, from the forms a reply gives them in: base64 or a `data:` URI,
//! a byte array from a JavaScript gateway, a storage reference, a URL.

use base64::Engine as _;
use serde_json::Value;

use super::json::{keys, object, string, take, type_name};
use super::types::{ImageSource, MAX_IMAGE_BYTES, ResultError};

pub(super) fn s3_object(path: &str, v: Value) -> Result<ImageSource, ResultError> {
    let mut o = object(path, v, "{Bucket, Name}")?;
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
pub(super) fn source_from_string(path: &str, s: &str) -> Result<ImageSource, ResultError> {
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
pub(super) fn byte_array(path: &str, v: &Value) -> Result<Vec<u8>, ResultError> {
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
