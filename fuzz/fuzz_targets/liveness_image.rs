//! The image decoders behind `--save-images`: any bytes as a PNG or JPEG from a reply, drawn
//! with a box. Nothing may panic; a decoded image must have the pixels it claims.
#![no_main]

use libfuzzer_sys::fuzz_target;
use instantpay::liveness::BoundingBox;
use instantpay::liveness::{annotate, decode_image};

fuzz_target!(|data: &[u8]| {
    if let Ok(img) = decode_image(data) {
        assert_eq!(
            img.pixels.len(),
            img.width as usize * img.height as usize * 3
        );
        let b = BoundingBox {
            width: 0.5,
            height: 0.5,
            left: 0.25,
            top: 0.25,
        };
        let a = annotate(data, Some(&b)).expect("an image that decodes can be drawn on");
        assert_eq!((a.width, a.height), (img.width, img.height));
    }
});
