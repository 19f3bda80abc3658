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
//! All the key matching goes through `norm` and the tables in `keys` (decode.rs): change a name
//! there. One concept a file: types.rs (what a result is), decode.rs (reading it tolerantly),
//! image.rs (where an image's pixels are), api.rs (the two calls), verdict.rs (the use case:
//! judge it, draw the boxes).

mod api;
mod decode;
mod image;
mod json;
mod types;
mod verdict;

pub use api::{
    CreateSessionRequest, LivenessError, PATH_CREATE_SESSION, PATH_SESSION_RESULT, create_session,
    session_result,
};
pub use types::{
    BoundingBox, CreatedSession, ImageSource, LivenessImage, MAX_AUDIT_IMAGES, MAX_IMAGE_BYTES,
    ResultError, SessionResult, SessionStatus,
};
pub use verdict::{
    Annotated, BOX_COLOR, DEFAULT_MIN_CONFIDENCE, ImageError, PixelRect, RgbImage, Verdict,
    VerdictKind, annotate, decode_image, encode_png, judge, line_width, pixel_rect,
};

#[cfg(test)]
mod tests;
