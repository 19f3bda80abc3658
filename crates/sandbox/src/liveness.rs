//! The sandbox InstantPay's face-liveness endpoints: `createSession` and `getSessionResult`.
//!
//! Sessions follow a [`Plan`] the tests choose (the next sessions take planned outcomes in
//! order, the rest the default): CREATED until the person "starts", IN_PROGRESS until the check
//! "finishes", then SUCCEEDED with a chosen confidence, or FAILED; a session that has not
//! finished 3 minutes after it was created is EXPIRED, as the real ones are. Time comes from a
//! [`Clock`] so tests can move it. Images are drawn here: a simple synthetic face, its box known
//! exactly, encoded as PNG.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use clock::Clock;
use instantpay::liveness::BoundingBox;
use instantpay::liveness::{RgbImage, encode_png};

pub(crate) const CREATE_PATH: &str = "/identity/faceLiveness/createSession";
pub(crate) const RESULT_PATH: &str = "/identity/faceLiveness/getSessionResult";

/// How long a session lives before it expires unfinished (Rekognition: 3 minutes).
pub const SESSION_LIFETIME: Duration = Duration::minutes(3);
/// Audit images per finished session.
pub const AUDIT_IMAGES: usize = 3;
/// Size of the generated images: a webcam frame's 4:3.
pub(crate) const IMAGE_WIDTH: u32 = 320;
pub(crate) const IMAGE_HEIGHT: u32 = 240;

/// A clock that runs with another but can be moved forward: the sandbox's sessions age by it.
pub struct SandboxClock {
    base: Arc<dyn Clock>,
    offset: Mutex<Duration>,
}

impl SandboxClock {
    pub fn new(base: Arc<dyn Clock>) -> Self {
        SandboxClock {
            base,
            offset: Mutex::new(Duration::zero()),
        }
    }

    /// Move this clock forward by `by` (for expiring sessions without waiting).
    pub fn advance(&self, by: Duration) {
        let mut o = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *o += by;
    }
}

impl Clock for SandboxClock {
    fn now(&self) -> DateTime<Utc> {
        self.base.now() + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What a session ends as.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// SUCCEEDED with this confidence (a high one: live).
    Live { confidence: f64 },
    /// SUCCEEDED with this confidence (a low one: not live).
    NotLive { confidence: f64 },
    /// FAILED.
    Failed,
    /// Never started: EXPIRED once [`SESSION_LIFETIME`] has passed.
    Expire,
}

/// A session's schedule, counted from its creation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub outcome: Outcome,
    /// CREATED before this.
    pub starts_after: Duration,
    /// IN_PROGRESS before this; then the outcome. At or past [`SESSION_LIFETIME`]: EXPIRED.
    pub finishes_after: Duration,
}

impl Plan {
    /// Finished as soon as it is created.
    pub fn immediate(outcome: Outcome) -> Self {
        Plan {
            outcome,
            starts_after: Duration::zero(),
            finishes_after: Duration::zero(),
        }
    }
}

impl Default for Plan {
    fn default() -> Self {
        Plan::immediate(Outcome::Live { confidence: 97.5 })
    }
}

/// How replies spell the result, so tests can check the client on each shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplyStyle {
    /// Rekognition's own: PascalCase keys, numbers, base64 `Bytes`.
    #[default]
    Rekognition,
    /// camelCase keys, confidence and box values as strings, bytes as a JSON byte array.
    CamelStrings,
}

struct Session {
    created: DateTime<Utc>,
    plan: Plan,
    /// Picks the face positions, so each session's images differ.
    seed: u32,
}

struct Inner {
    sessions: HashMap<String, Session>,
    planned: VecDeque<Plan>,
    external_refs: HashSet<String>,
    style: ReplyStyle,
    counter: u32,
}

/// Checks a request's headers as the real API would; `Err` is the whole reply to send.
pub(crate) type AuthCheck = Arc<dyn Fn(&HeaderMap) -> Result<(), Response> + Send + Sync>;

/// The sandbox's face-liveness state, shared by the handlers and by the test that drives it.
pub struct LivenessSandbox {
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
    auth: AuthCheck,
}

impl LivenessSandbox {
    /// A sandbox with the default plan (live, immediately) and a header check that wants
    /// `X-Ipay-Auth-Code: 1` and non-empty client id and secret.
    pub fn new(clock: Arc<dyn Clock>) -> Arc<Self> {
        Self::with_auth(clock, Arc::new(basic_auth))
    }

    /// A sandbox whose requests are checked by `auth` (the sandbox InstantPay's own check).
    pub(crate) fn with_auth(clock: Arc<dyn Clock>, auth: AuthCheck) -> Arc<Self> {
        Arc::new(LivenessSandbox {
            clock,
            inner: Mutex::new(Inner {
                sessions: HashMap::new(),
                planned: VecDeque::new(),
                external_refs: HashSet::new(),
                style: ReplyStyle::default(),
                counter: 0,
            }),
            auth,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave this map half-updated in a way that matters here.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next session created follows `plan` (queued: call again for the one after).
    pub fn plan_next(&self, plan: Plan) {
        self.lock().planned.push_back(plan);
    }

    pub fn set_style(&self, style: ReplyStyle) {
        self.lock().style = style;
    }

    /// Create a session directly (what the handler does), returning its id.
    pub fn create_session(&self) -> String {
        let now = self.clock.now();
        let mut inner = self.lock();
        inner.counter += 1;
        let seed = inner.counter;
        let plan = inner.planned.pop_front().unwrap_or_default();
        let id = format!("sbx-{:08x}-{:04}", rand::random::<u32>(), seed);
        inner.sessions.insert(
            id.clone(),
            Session {
                created: now,
                plan,
                seed,
            },
        );
        id
    }

    /// The status a session has now, or `None` for an unknown id.
    pub fn status(&self, session_id: &str) -> Option<&'static str> {
        let now = self.clock.now();
        let inner = self.lock();
        inner.sessions.get(session_id).map(|s| status_at(s, now))
    }

    /// `data` of `getSessionResult` for a session, or `None` for an unknown id.
    pub(crate) fn result_data(&self, session_id: &str) -> Option<Value> {
        let now = self.clock.now();
        let inner = self.lock();
        let s = inner.sessions.get(session_id)?;
        Some(result_json(session_id, s, now, inner.style))
    }
}

fn status_at(s: &Session, now: DateTime<Utc>) -> &'static str {
    let age = now - s.created;
    let finished = !matches!(s.plan.outcome, Outcome::Expire) && age >= s.plan.finishes_after;
    if !finished || s.plan.finishes_after >= SESSION_LIFETIME {
        if age >= SESSION_LIFETIME {
            return "EXPIRED";
        }
        return if age < s.plan.starts_after || matches!(s.plan.outcome, Outcome::Expire) {
            "CREATED"
        } else {
            "IN_PROGRESS"
        };
    }
    match s.plan.outcome {
        Outcome::Live { .. } | Outcome::NotLive { .. } => "SUCCEEDED",
        Outcome::Failed => "FAILED",
        Outcome::Expire => "EXPIRED",
    }
}

/// Where the synthetic face of image `index` (0 = reference) of session `seed` sits.
pub(crate) fn face_box(seed: u32, index: usize) -> BoundingBox {
    // Small, deterministic offsets so each picture differs and the box must follow the face.
    let k = (seed as usize * 7 + index * 3) % 5;
    let dx = [0.0, -0.08, 0.06, -0.04, 0.1][k];
    let dy = [0.0, 0.04, -0.03, 0.06, -0.02][(k + index) % 5];
    BoundingBox {
        width: 0.3125,  // 100 of 320 px
        height: 0.5417, // 130 of 240 px
        left: 0.34375 + dx,
        top: 0.17 + dy,
    }
}

/// Draw a simple synthetic face whose oval fills `b`: skin, hair, eyes, brows, nose, mouth,
/// shoulders, on a soft background.
pub fn draw_face(width: u32, height: u32, b: &BoundingBox) -> RgbImage {
    let mut img = RgbImage::new(width, height, [0, 0, 0]);
    let (w, h) = (f64::from(width), f64::from(height));
    let cx = (b.left + b.width / 2.0) * w;
    let cy = (b.top + b.height / 2.0) * h;
    let rx = b.width * w / 2.0;
    let ry = b.height * h / 2.0;
    let inside = |x: f64, y: f64, ex: f64, ey: f64, ax: f64, ay: f64| {
        let u = (x - ex) / ax;
        let v = (y - ey) / ay;
        u * u + v * v <= 1.0
    };
    for py in 0..height {
        for px in 0..width {
            let (x, y) = (f64::from(px) + 0.5, f64::from(py) + 0.5);
            // Background: a vertical blue-grey gradient, like a wall behind the person.
            let g = (y / h * 40.0) as u8;
            let mut c = [150 - g, 170 - g, 190 - g / 2];
            // Shoulders and neck.
            if inside(x, y, cx, cy + ry * 1.9, rx * 2.0, ry * 0.9) {
                c = [40, 70, 120];
            }
            if (x - cx).abs() < rx * 0.38 && y > cy && y < cy + ry * 1.25 {
                c = [205, 150, 110];
            }
            // Hair behind and above the face.
            if inside(x, y, cx, cy - ry * 0.12, rx * 1.1, ry * 1.02) {
                c = [60, 40, 30];
            }
            if inside(x, y, cx, cy + ry * 0.08, rx * 0.94, ry * 0.92) && y > cy - ry * 0.6 {
                c = [224, 172, 130];
            }
            // Eyes: white, then iris; brows above.
            for side in [-1.0, 1.0] {
                let ex = cx + side * rx * 0.38;
                let ey = cy - ry * 0.12;
                if inside(x, y, ex, ey, rx * 0.2, ry * 0.08) {
                    c = [245, 245, 245];
                }
                if inside(x, y, ex, ey, rx * 0.08, ry * 0.07) {
                    c = [50, 35, 25];
                }
                if inside(x, y, ex, ey - ry * 0.17, rx * 0.22, ry * 0.035) {
                    c = [70, 45, 35];
                }
            }
            // Nose: a short darker stroke; mouth: a red lower-half ellipse.
            if (x - cx).abs() < rx * 0.05 && y > cy - ry * 0.05 && y < cy + ry * 0.22 {
                c = [190, 135, 105];
            }
            if inside(x, y, cx, cy + ry * 0.42, rx * 0.34, ry * 0.12) && y > cy + ry * 0.40 {
                c = [180, 60, 70];
            }
            img.put(px, py, c);
        }
    }
    img
}

fn png_of(seed: u32, index: usize) -> (Vec<u8>, BoundingBox) {
    let b = face_box(seed, index);
    let img = draw_face(IMAGE_WIDTH, IMAGE_HEIGHT, &b);
    // Encoding our own in-memory picture cannot fail short of running out of memory.
    (encode_png(&img).unwrap_or_default(), b)
}

fn result_json(id: &str, s: &Session, now: DateTime<Utc>, style: ReplyStyle) -> Value {
    let status = status_at(s, now);
    let confidence = match (status, s.plan.outcome) {
        ("SUCCEEDED", Outcome::Live { confidence } | Outcome::NotLive { confidence }) => {
            Some(confidence)
        }
        ("FAILED", _) => Some(0.0),
        _ => None,
    };
    let with_images = status == "SUCCEEDED";
    let image = |index: usize| {
        let (png, b) = png_of(s.seed, index);
        match style {
            ReplyStyle::Rekognition => json!({
                "Bytes": base64::engine::general_purpose::STANDARD.encode(&png),
                "BoundingBox": {"Width": b.width, "Height": b.height, "Left": b.left, "Top": b.top},
            }),
            ReplyStyle::CamelStrings => json!({
                "bytes": png,
                "boundingBox": {
                    "width": b.width.to_string(), "height": b.height.to_string(),
                    "left": b.left.to_string(), "top": b.top.to_string(),
                },
            }),
        }
    };
    let mut data = match style {
        ReplyStyle::Rekognition => json!({ "SessionId": id, "Status": status }),
        ReplyStyle::CamelStrings => json!({ "sessionId": id, "status": status }),
    };
    if let Some(c) = confidence {
        match style {
            ReplyStyle::Rekognition => data["Confidence"] = json!(c),
            ReplyStyle::CamelStrings => data["confidence"] = json!(format!("{c}")),
        }
    }
    if with_images {
        let (r, a) = match style {
            ReplyStyle::Rekognition => ("ReferenceImage", "AuditImages"),
            ReplyStyle::CamelStrings => ("referenceImage", "auditImages"),
        };
        data[r] = image(0);
        data[a] = Value::Array((1..=AUDIT_IMAGES).map(image).collect());
    }
    data
}

/// The header check used when the sandbox InstantPay gives none.
// The error is the whole reply of a test server; boxing it would buy nothing.
#[allow(clippy::result_large_err)]
fn basic_auth(h: &HeaderMap) -> Result<(), Response> {
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    if get("x-ipay-auth-code") != "1"
        || get("x-ipay-client-id").is_empty()
        || get("x-ipay-client-secret").is_empty()
        || get("x-ipay-endpoint-ip").is_empty()
    {
        return Err(reply(
            StatusCode::UNAUTHORIZED,
            "IAC",
            None,
            "Invalid credentials: send X-Ipay-Auth-Code, X-Ipay-Client-Id, X-Ipay-Client-Secret \
             and X-Ipay-Endpoint-Ip",
            Value::Null,
        ));
    }
    Ok(())
}

/// InstantPay's envelope, `environment: SANDBOX`.
fn reply(
    http: StatusCode,
    statuscode: &str,
    actcode: Option<&str>,
    status: &str,
    data: Value,
) -> Response {
    let now = Utc::now().with_timezone(&clock::ist());
    let body = json!({
        "statuscode": statuscode,
        "actcode": actcode,
        "status": status,
        "data": data,
        "timestamp": now.format("%Y-%m-%d %H:%M:%S").to_string(),
        "ipay_uuid": format!("SBX{:016X}", rand::random::<u64>()),
        "orderid": Value::Null,
        "environment": "SANDBOX",
    });
    (http, axum::Json(body)).into_response()
}

fn bad_request(message: &str) -> Response {
    reply(StatusCode::OK, "RPI", None, message, Value::Null)
}

/// The JSON body as an object, or the RPI reply to send.
#[allow(clippy::result_large_err)]
fn body_object(body: &[u8]) -> Result<serde_json::Map<String, Value>, Response> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(bad_request(
            "Invalid request: the body must be a JSON object",
        )),
    }
}

async fn create_handler(
    State(sb): State<Arc<LivenessSandbox>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = (sb.auth)(&headers) {
        return r;
    }
    let o = match body_object(&body) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let field = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("");
    let (lat, long, ext) = (field("latitude"), field("longitude"), field("externalRef"));
    if let Err(e) = instantpay::validate_coordinates(lat, long) {
        return bad_request(&format!("Invalid latitude or longitude: {e}"));
    }
    if !instantpay::valid_external_ref(ext) {
        return bad_request("Invalid externalRef: 1 to 40 letters and digits");
    }
    if !sb.lock().external_refs.insert(ext.to_string()) {
        return reply(
            StatusCode::OK,
            "DTX",
            None,
            "Duplicate transaction: externalRef already used",
            Value::Null,
        );
    }
    let id = sb.create_session();
    let token: String = (0..48)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rand::random_range(0..36)]))
        .collect();
    reply(
        StatusCode::OK,
        "TXN",
        None,
        "Session created",
        json!({
            "sessionId": id,
            "accessToken": token,
            "expiresIn": SESSION_LIFETIME.num_seconds(),
        }),
    )
}

async fn result_handler(
    State(sb): State<Arc<LivenessSandbox>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = (sb.auth)(&headers) {
        return r;
    }
    let o = match body_object(&body) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(id) = o.get("sessionId").and_then(Value::as_str) else {
        return bad_request("Invalid request: sessionId is required");
    };
    match sb.result_data(id) {
        Some(data) => reply(StatusCode::OK, "TXN", None, "Session result", data),
        None => bad_request("Invalid sessionId: no such session"),
    }
}

/// The two face-liveness routes, with their state applied: merge into the sandbox InstantPay.
pub fn router(state: Arc<LivenessSandbox>) -> Router {
    Router::new()
        .route(CREATE_PATH, post(create_handler))
        .route(RESULT_PATH, post(result_handler))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FixedClock(Mutex<DateTime<Utc>>);
    impl Clock for FixedClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    #[test]
    fn sessions_follow_their_plan_and_expire_after_three_minutes() {
        let t0 = Utc::now();
        let clock = Arc::new(FixedClock(Mutex::new(t0)));
        let sb = LivenessSandbox::new(clock.clone());
        sb.plan_next(Plan {
            outcome: Outcome::NotLive { confidence: 40.0 },
            starts_after: Duration::seconds(10),
            finishes_after: Duration::seconds(30),
        });
        sb.plan_next(Plan::immediate(Outcome::Expire));
        let slow = sb.create_session();
        let never = sb.create_session();
        let default = sb.create_session();
        let at = |s: i64| *clock.0.lock().unwrap() = t0 + Duration::seconds(s);
        assert_eq!(sb.status(&slow), Some("CREATED"));
        assert_eq!(sb.status(&default), Some("SUCCEEDED"));
        at(10);
        assert_eq!(sb.status(&slow), Some("IN_PROGRESS"));
        at(30);
        assert_eq!(sb.status(&slow), Some("SUCCEEDED"));
        assert_eq!(sb.status(&never), Some("CREATED"));
        at(179);
        assert_eq!(sb.status(&never), Some("CREATED"));
        at(180);
        assert_eq!(sb.status(&never), Some("EXPIRED"));
        assert_eq!(
            sb.status(&slow),
            Some("SUCCEEDED"),
            "a finished result stays"
        );
        assert_eq!(sb.status("nope"), None);
    }

    #[test]
    fn generated_face_fills_its_box() {
        let b = face_box(1, 0);
        let img = draw_face(IMAGE_WIDTH, IMAGE_HEIGHT, &b);
        let cx = ((b.left + b.width / 2.0) * 320.0) as u32;
        let cy = ((b.top + b.height / 2.0) * 240.0) as u32;
        // The nose stroke is at the centre; just beside it is skin.
        assert_eq!(img.get(cx + 10, cy + 10), Some([224, 172, 130]));
        assert_eq!(img.get(2, 2).map(|c| c[2] > c[0]), Some(true), "background");
        assert_ne!(face_box(1, 0), face_box(1, 1), "audit images differ");
    }
}
