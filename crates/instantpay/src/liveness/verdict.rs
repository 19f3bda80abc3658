//! Face liveness, the use case: judge a session's result (live, not live, pending, expired,
//! failed) and draw each face's bounding box on its image so the operator can see it.
//!
//! Images come as JPEG from Rekognition (its reference and audit images are JPEG) or as PNG from
//! a gateway that re-encodes; both are decoded here (`jpeg-decoder`, `png`) and the result is
//! always written as PNG.

use std::io::Cursor;

use serde::Serialize;

use super::{BoundingBox, SessionResult, SessionStatus};

/// The threshold `--min-confidence` defaults to.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 90.0;
/// Largest image decoded, in pixels (about 75 MB of RGB). Rekognition's are 640x480 or so.
pub(super) const MAX_PIXELS: u64 = 25_000_000;
/// The colour boxes are drawn in: pure green stands out on faces and on most backgrounds.
pub const BOX_COLOR: [u8; 3] = [0, 255, 0];

/// What the result means for the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictKind {
    /// A live person, with confidence at or above the threshold.
    Live,
    /// The check finished, but the confidence is under the threshold (or missing).
    NotLive,
    /// The session has not finished (CREATED, IN_PROGRESS).
    Pending,
    /// The session ran out of time before the check was done.
    Expired,
    /// The check failed on the engine's side.
    Failed,
    /// A status this version does not know: shown verbatim, never guessed.
    Unknown,
}

/// A judged result: the kind, the numbers behind it and a sentence for the operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub kind: VerdictKind,
    pub status: String,
    pub confidence: Option<f64>,
    pub min_confidence: f64,
    pub sentence: String,
}

/// Judge a result against the confidence threshold (0 to 100).
pub fn judge(result: &SessionResult, min_confidence: f64) -> Verdict {
    let c = result.confidence;
    let shown = |c: Option<f64>| c.map_or("none".to_string(), |c| format!("{c:.1}"));
    let (kind, sentence) = match &result.status {
        SessionStatus::Succeeded => match c {
            Some(c) if c >= min_confidence => (
                VerdictKind::Live,
                format!(
                    "Live: a real person was in front of the camera (confidence {c:.1}, \
                     threshold {min_confidence})."
                ),
            ),
            Some(c) => (
                VerdictKind::NotLive,
                format!(
                    "Not live: confidence {c:.1} is below the threshold of {min_confidence}. \
                     Ask the person to try again facing the camera in good light."
                ),
            ),
            None => (
                VerdictKind::NotLive,
                "Not live: the check finished but the reply carries no confidence score, so it \
                 cannot be accepted. Ask InstantPay support if this repeats."
                    .to_string(),
            ),
        },
        SessionStatus::Created => (
            VerdictKind::Pending,
            "Pending: the person has not started the face check yet. Ask again once they have \
             finished (a session expires 3 minutes after it is created)."
                .to_string(),
        ),
        SessionStatus::InProgress => (
            VerdictKind::Pending,
            "Pending: the face check is still in progress. Ask again in a few seconds.".to_string(),
        ),
        SessionStatus::Expired => (
            VerdictKind::Expired,
            "Expired: the session ran out of time (3 minutes) before the face check was done. \
             Create a new session."
                .to_string(),
        ),
        SessionStatus::Failed => (
            VerdictKind::Failed,
            format!(
                "Failed: the face check could not be completed (confidence {}). Create a new \
                 session and try again.",
                shown(c)
            ),
        ),
        SessionStatus::Other(s) if s.is_empty() => (
            VerdictKind::Unknown,
            "Unknown: the reply carries no session status; its fields are shown as they came. \
             Ask InstantPay support what it means."
                .to_string(),
        ),
        SessionStatus::Other(s) => (
            VerdictKind::Unknown,
            format!(
                "Unknown: InstantPay reported status \"{s}\", which this version of rd-agent does \
                 not know; the reply is shown as it came."
            ),
        ),
    };
    Verdict {
        kind,
        status: result.status.as_str().to_string(),
        confidence: c,
        min_confidence,
        sentence,
    }
}

/// Why an image could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("The image is neither PNG nor JPEG, so it cannot be drawn (it starts with {start}).")]
    UnknownFormat { start: String },
    #[error("The PNG image could not be decoded ({0}); it may be truncated or corrupt.")]
    Png(String),
    #[error("The JPEG image could not be decoded ({0}); it may be truncated or corrupt.")]
    Jpeg(String),
    #[error(
        "The image is {width}x{height} pixels, larger than the {MAX_PIXELS} pixels rd-agent \
         will draw."
    )]
    TooLarge { width: u64, height: u64 },
    #[error("The annotated image could not be encoded as PNG ({0}).")]
    Encode(String),
}

/// An 8-bit RGB picture, row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct RgbImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for RgbImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RgbImage({}x{})", self.width, self.height)
    }
}

impl RgbImage {
    /// A picture filled with one colour.
    pub fn new(width: u32, height: u32, fill: [u8; 3]) -> Self {
        let n = width as usize * height as usize;
        RgbImage {
            width,
            height,
            pixels: fill.iter().copied().cycle().take(n * 3).collect(),
        }
    }

    pub fn get(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        Some([self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]])
    }

    pub fn put(&mut self, x: u32, y: u32, c: [u8; 3]) {
        if x < self.width && y < self.height {
            let i = (y as usize * self.width as usize + x as usize) * 3;
            self.pixels[i..i + 3].copy_from_slice(&c);
        }
    }
}

fn check_size(width: u64, height: u64) -> Result<(), ImageError> {
    if width * height > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    Ok(())
}

/// Decode a PNG or JPEG image (told apart by its first bytes) into RGB.
pub fn decode_image(bytes: &[u8]) -> Result<RgbImage, ImageError> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)
    } else if bytes.starts_with(&[0xff, 0xd8]) {
        decode_jpeg(bytes)
    } else {
        let start: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Err(ImageError::UnknownFormat {
            start: if start.is_empty() {
                "nothing: it is empty".to_string()
            } else {
                format!("bytes {}", start.join(" "))
            },
        })
    }
}

fn decode_png(bytes: &[u8]) -> Result<RgbImage, ImageError> {
    let err = |e: png::DecodingError| ImageError::Png(e.to_string());
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: (MAX_PIXELS * 8) as usize,
        },
    );
    // Palette and low bit depths to 8-bit, 16-bit down to 8: four colour types remain.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(err)?;
    let (w, h) = {
        let info = reader.info();
        (info.width, info.height)
    };
    check_size(w.into(), h.into())?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| ImageError::Png("the image is too large for memory".to_string()))?;
    let mut buf = vec![0u8; size];
    let frame = reader.next_frame(&mut buf).map_err(err)?;
    let (w, h) = (frame.width, frame.height);
    check_size(w.into(), h.into())?;
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(ImageError::Png("palette was not expanded".to_string()));
        }
    };
    let mut out = RgbImage::new(w, h, [0, 0, 0]);
    for y in 0..h as usize {
        let row = &buf[y * frame.line_size..][..w as usize * channels];
        for (x, px) in row.chunks_exact(channels).enumerate() {
            let rgb = match channels {
                1 | 2 => [px[0]; 3],
                _ => [px[0], px[1], px[2]],
            };
            // Transparent pixels over white, as a viewer would show them.
            let rgb = if channels == 2 || channels == 4 {
                let a = u16::from(px[channels - 1]);
                rgb.map(|c| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8)
            } else {
                rgb
            };
            out.put(x as u32, y as u32, rgb);
        }
    }
    Ok(out)
}

fn decode_jpeg(bytes: &[u8]) -> Result<RgbImage, ImageError> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size((MAX_PIXELS * 4) as usize);
    decoder
        .read_info()
        .map_err(|e| ImageError::Jpeg(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| ImageError::Jpeg("no image header".to_string()))?;
    check_size(info.width.into(), info.height.into())?;
    let data = decoder
        .decode()
        .map_err(|e| ImageError::Jpeg(e.to_string()))?;
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let n = w as usize * h as usize;
    let pixels: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => data,
        jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&l| [l, l, l]).collect(),
        // Big-endian 16-bit grey: keep the high byte.
        jpeg_decoder::PixelFormat::L16 => data
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0]])
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks_exact(4)
            .flat_map(|p| {
                let k = 255 - u16::from(p[3]);
                [p[0], p[1], p[2]].map(|c| ((255 - u16::from(c)) * k / 255) as u8)
            })
            .collect(),
    };
    if pixels.len() != n * 3 {
        return Err(ImageError::Jpeg(
            "the decoded pixels do not fill the image".to_string(),
        ));
    }
    Ok(RgbImage {
        width: w,
        height: h,
        pixels,
    })
}

/// Encode as an 8-bit RGB PNG.
pub fn encode_png(img: &RgbImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, img.width, img.height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc
            .write_header()
            .map_err(|e| ImageError::Encode(e.to_string()))?;
        w.write_image_data(&img.pixels)
            .map_err(|e| ImageError::Encode(e.to_string()))?;
        w.finish().map_err(|e| ImageError::Encode(e.to_string()))?;
    }
    Ok(out)
}

/// A box in pixels, inclusive on all four sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PixelRect {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
}

/// Where a fractional box falls on a `width` x `height` image, clipped to it; `None` when it
/// lies wholly outside or is empty.
pub fn pixel_rect(b: &BoundingBox, width: u32, height: u32) -> Option<PixelRect> {
    if width == 0 || height == 0 {
        return None;
    }
    let (w, h) = (f64::from(width), f64::from(height));
    let x0 = (b.left * w).round();
    let y0 = (b.top * h).round();
    let x1 = ((b.left + b.width) * w).round() - 1.0;
    let y1 = ((b.top + b.height) * h).round() - 1.0;
    if x1 < 0.0 || y1 < 0.0 || x0 > w - 1.0 || y0 > h - 1.0 || x1 < x0 || y1 < y0 {
        return None;
    }
    let clamp = |v: f64, max: f64| v.clamp(0.0, max) as u32;
    Some(PixelRect {
        x0: clamp(x0, w - 1.0),
        y0: clamp(y0, h - 1.0),
        x1: clamp(x1, w - 1.0),
        y1: clamp(y1, h - 1.0),
    })
}

/// The outline's thickness for an image: visible on a thumbnail and on a large photo alike.
pub fn line_width(width: u32, height: u32) -> u32 {
    (width.min(height) / 120).max(2)
}

/// Draw the box's outline inside its edges, so the drawn pixels lie within the fractions.
/// Returns where it was drawn, or `None` when the box is outside the image.
pub(super) fn draw_box(img: &mut RgbImage, b: &BoundingBox, color: [u8; 3]) -> Option<PixelRect> {
    let r = pixel_rect(b, img.width, img.height)?;
    let t = line_width(img.width, img.height);
    for y in r.y0..=r.y1 {
        for x in r.x0..=r.x1 {
            let edge = x < r.x0 + t || x + t > r.x1 || y < r.y0 + t || y + t > r.y1;
            if edge {
                img.put(x, y, color);
            }
        }
    }
    Some(r)
}

/// An image ready to save: the PNG, its size and where the box went.
#[derive(Debug, Clone)]
pub struct Annotated {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// `None` when the result gave no box, or a box outside the picture.
    pub drawn: Option<PixelRect>,
}

/// Decode an image, draw its box (if any) and encode it as PNG.
pub fn annotate(bytes: &[u8], b: Option<&BoundingBox>) -> Result<Annotated, ImageError> {
    let mut img = decode_image(bytes)?;
    let drawn = b.and_then(|b| draw_box(&mut img, b, BOX_COLOR));
    Ok(Annotated {
        png: encode_png(&img)?,
        width: img.width,
        height: img.height,
        drawn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn result(status: &str, confidence: Option<f64>) -> SessionResult {
        let mut v = json!({ "Status": status });
        if let Some(c) = confidence {
            v["Confidence"] = json!(c);
        }
        SessionResult::from_data(v).unwrap()
    }

    #[test]
    fn verdicts() {
        let cases = [
            ("SUCCEEDED", Some(95.0), VerdictKind::Live, "Live"),
            ("SUCCEEDED", Some(90.0), VerdictKind::Live, "threshold 90"),
            (
                "SUCCEEDED",
                Some(89.9),
                VerdictKind::NotLive,
                "below the threshold of 90",
            ),
            ("SUCCEEDED", None, VerdictKind::NotLive, "no confidence"),
            ("CREATED", None, VerdictKind::Pending, "not started"),
            ("IN_PROGRESS", None, VerdictKind::Pending, "in progress"),
            (
                "EXPIRED",
                None,
                VerdictKind::Expired,
                "Create a new session",
            ),
            ("FAILED", Some(12.0), VerdictKind::Failed, "12.0"),
            ("WEIRD", None, VerdictKind::Unknown, "\"WEIRD\""),
        ];
        for (status, conf, kind, words) in cases {
            let v = judge(&result(status, conf), 90.0);
            assert_eq!(v.kind, kind, "{status} {conf:?}");
            assert!(v.sentence.contains(words), "{}", v.sentence);
            assert_eq!(v.confidence, conf);
        }
        assert_eq!(
            judge(&result("SUCCEEDED", Some(60.0)), 50.0).kind,
            VerdictKind::Live
        );
    }

    #[test]
    fn box_lands_where_the_fractions_put_it() {
        let mut img = RgbImage::new(200, 100, [10, 20, 30]);
        let b = BoundingBox {
            width: 0.5,
            height: 0.4,
            left: 0.25,
            top: 0.3,
        };
        let r = draw_box(&mut img, &b, BOX_COLOR).unwrap();
        assert_eq!(
            r,
            PixelRect {
                x0: 50,
                y0: 30,
                x1: 149,
                y1: 69
            }
        );
        assert_eq!(img.get(50, 30), Some(BOX_COLOR));
        assert_eq!(img.get(149, 69), Some(BOX_COLOR));
        assert_eq!(img.get(100, 30), Some(BOX_COLOR));
        assert_eq!(img.get(49, 30), Some([10, 20, 30]), "left of the box");
        assert_eq!(img.get(150, 50), Some([10, 20, 30]), "right of the box");
        assert_eq!(img.get(100, 50), Some([10, 20, 30]), "inside the box");
    }

    #[test]
    fn boxes_partly_or_wholly_outside_are_clipped_or_skipped() {
        let mut img = RgbImage::new(10, 10, [0, 0, 0]);
        let partly = BoundingBox {
            width: 0.5,
            height: 0.5,
            left: -0.2,
            top: 0.8,
        };
        assert_eq!(
            draw_box(&mut img, &partly, BOX_COLOR),
            Some(PixelRect {
                x0: 0,
                y0: 8,
                x1: 2,
                y1: 9
            })
        );
        let outside = BoundingBox {
            width: 0.1,
            height: 0.1,
            left: 1.5,
            top: 0.0,
        };
        assert_eq!(draw_box(&mut img, &outside, BOX_COLOR), None);
        let empty = BoundingBox {
            width: 0.0,
            height: 0.0,
            left: 0.5,
            top: 0.5,
        };
        assert_eq!(draw_box(&mut img, &empty, BOX_COLOR), None);
    }

    #[test]
    fn png_round_trip_and_garbage() {
        let mut img = RgbImage::new(7, 5, [1, 2, 3]);
        img.put(6, 4, [200, 100, 50]);
        let png = encode_png(&img).unwrap();
        assert_eq!(decode_image(&png).unwrap(), img);
        assert!(matches!(
            decode_image(&png[..png.len() / 2]),
            Err(ImageError::Png(_))
        ));
        assert!(matches!(
            decode_image(b"GIF89a...."),
            Err(ImageError::UnknownFormat { .. })
        ));
        assert!(matches!(
            decode_image(&[0xff, 0xd8, 0xff, 0x00]),
            Err(ImageError::Jpeg(_))
        ));
        assert!(decode_image(b"").unwrap_err().to_string().contains("empty"));
    }

    fn png_with(
        color: png::ColorType,
        depth: png::BitDepth,
        w: u32,
        h: u32,
        data: &[u8],
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(color);
        enc.set_depth(depth);
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(data).unwrap();
        wr.finish().unwrap();
        out
    }

    #[test]
    fn png_colour_types_decode_to_rgb() {
        use png::{BitDepth, ColorType};
        let grey = png_with(ColorType::Grayscale, BitDepth::Eight, 2, 1, &[0, 200]);
        assert_eq!(
            decode_image(&grey).unwrap().pixels,
            vec![0, 0, 0, 200, 200, 200]
        );
        // Transparent red over white, opaque blue.
        let rgba = png_with(
            ColorType::Rgba,
            BitDepth::Eight,
            2,
            1,
            &[255, 0, 0, 0, 0, 0, 255, 255],
        );
        assert_eq!(
            decode_image(&rgba).unwrap().pixels,
            vec![255, 255, 255, 0, 0, 255]
        );
        let deep = png_with(
            ColorType::Rgb,
            BitDepth::Sixteen,
            1,
            1,
            &[0x12, 0x34, 0xab, 0xcd, 0xff, 0xff],
        );
        assert_eq!(decode_image(&deep).unwrap().pixels, vec![0x12, 0xab, 0xff]);
        let ga = png_with(
            ColorType::GrayscaleAlpha,
            BitDepth::Eight,
            1,
            1,
            &[100, 255],
        );
        assert_eq!(decode_image(&ga).unwrap().pixels, vec![100, 100, 100]);
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn huge_dimensions_are_refused_before_decoding() {
        // A 1x1 PNG whose header is rewritten to claim 20000x20000 (CRC fixed up).
        let mut out = encode_png(&RgbImage::new(1, 1, [0, 0, 0])).unwrap();
        out[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        out[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&out[12..29]);
        out[29..33].copy_from_slice(&crc.to_be_bytes());
        match decode_image(&out).unwrap_err() {
            ImageError::TooLarge { width, height } => assert_eq!((width, height), (20_000, 20_000)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn jpeg_decodes_and_huge_jpeg_is_refused() {
        let mut px = vec![0u8; 16 * 8 * 3];
        for p in px.chunks_exact_mut(3) {
            p.copy_from_slice(&[200, 40, 40]);
        }
        let mut jpg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpg, 100)
            .encode(&px, 16, 8, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let img = decode_image(&jpg).unwrap();
        assert_eq!((img.width, img.height), (16, 8));
        assert!(matches!(
            decode_image(&jpg[..jpg.len() / 3]),
            Err(ImageError::Jpeg(_))
        ));
        let c = img.get(8, 4).unwrap();
        assert!(c[0] > 180 && c[1] < 70 && c[2] < 70, "{c:?}");
        // Claim 60000x60000 in the frame header (SOF0: FF C0, len, precision, height, width).
        let sof = jpg.windows(2).position(|w| w == [0xff, 0xc0]).unwrap();
        jpg[sof + 5..sof + 7].copy_from_slice(&60_000u16.to_be_bytes());
        jpg[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
        match decode_image(&jpg).unwrap_err() {
            ImageError::TooLarge { width, height } => assert_eq!((width, height), (60_000, 60_000)),
            other => panic!("{other:?}"),
        }
    }
}
