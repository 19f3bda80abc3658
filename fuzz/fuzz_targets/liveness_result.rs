//! The face-liveness result parser: any bytes as a whole `getSessionResult` reply and as its
//! `data`. Nothing may panic; whatever parses must hold what the parser promises (confidence in
//! 0..=100, boxes as fractions, no more audit images than the cap), and the verdict must be
//! computable from it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use instantpay::liveness::{
    ImageSource, MAX_AUDIT_IMAGES, MAX_IMAGE_BYTES, SessionResult,
};
use instantpay::liveness::{judge, pixel_rect};

fn check(r: &SessionResult) {
    if let Some(c) = r.confidence {
        assert!((0.0..=100.0).contains(&c));
    }
    assert!(r.audit_images.len() <= MAX_AUDIT_IMAGES);
    for img in r.reference_image.iter().chain(&r.audit_images) {
        if let ImageSource::Bytes { bytes } = &img.source {
            assert!(bytes.len() <= MAX_IMAGE_BYTES);
        }
        if let Some(b) = &img.bounding_box {
            assert!(b.width.is_finite() && b.height.is_finite());
            if let Some(p) = pixel_rect(b, 640, 480) {
                assert!(p.x0 <= p.x1 && p.x1 < 640 && p.y0 <= p.y1 && p.y1 < 480);
            }
        }
    }
    let v = judge(r, 90.0);
    assert!(!v.sentence.is_empty());
    let _ = format!("{r:?}");
}

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = SessionResult::from_json(data) {
        check(&r);
    }
    if let Ok(env) = instantpay::parse_envelope(data)
        && let Some(d) = env.data
        && let Ok(r) = SessionResult::from_data(d)
    {
        check(&r);
    }
});
