//! The tray icons, drawn in code (no image files to ship or lose): a coloured disc with a white
//! glyph, anti-aliased by 4x4 supersampling.

use super::model::IconKind;

/// Icon edge in pixels. StatusNotifier hosts and Windows scale from this.
pub(crate) const SIZE: u32 = 32;

type Rgb = [u8; 3];

fn colour(kind: IconKind) -> Rgb {
    match kind {
        IconKind::LoggedIn => [0x2e, 0x9d, 0x4f],
        IconKind::LoginRequired => [0xf0, 0x9a, 0x0e],
        IconKind::Problem => [0xd3, 0x2f, 0x2f],
        IconKind::Working => [0x1e, 0x6f, 0xd9],
        IconKind::ServiceDown => [0x80, 0x80, 0x80],
    }
}

/// Line segments of the glyph, in a 0..1 square, and the stroke half-width.
fn glyph(kind: IconKind) -> (&'static [[f32; 4]], f32) {
    match kind {
        // A tick.
        IconKind::LoggedIn => (&[[0.28, 0.52, 0.44, 0.68], [0.44, 0.68, 0.73, 0.34]], 0.07),
        // An exclamation mark: act now.
        IconKind::LoginRequired => (&[[0.5, 0.24, 0.5, 0.56], [0.5, 0.72, 0.5, 0.73]], 0.075),
        // A cross.
        IconKind::Problem => (&[[0.33, 0.33, 0.67, 0.67], [0.67, 0.33, 0.33, 0.67]], 0.07),
        // Three dots: busy.
        IconKind::Working => (
            &[
                [0.3, 0.5, 0.3, 0.5],
                [0.5, 0.5, 0.5, 0.5],
                [0.7, 0.5, 0.7, 0.5],
            ],
            0.075,
        ),
        // A dash: off.
        IconKind::ServiceDown => (&[[0.3, 0.5, 0.7, 0.5]], 0.065),
    }
}

fn dist_to_segment(px: f32, py: f32, s: &[f32; 4]) -> f32 {
    let (ax, ay, bx, by) = (s[0], s[1], s[2], s[3]);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((px - ax) * dx + (py - ay) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    ((px - cx).powi(2) + (py - cy).powi(2)).sqrt()
}

/// RGBA pixels, row-major, `SIZE * SIZE * 4` bytes.
pub(crate) fn rgba(kind: IconKind) -> Vec<u8> {
    const SS: u32 = 4;
    let [r, g, b] = colour(kind);
    let (segments, half_width) = glyph(kind);
    let mut out = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let (mut disc, mut mark) = (0u32, 0u32);
            for sy in 0..SS {
                for sx in 0..SS {
                    let px = (x as f32 + (sx as f32 + 0.5) / SS as f32) / SIZE as f32;
                    let py = (y as f32 + (sy as f32 + 0.5) / SS as f32) / SIZE as f32;
                    if (px - 0.5).powi(2) + (py - 0.5).powi(2) <= 0.47f32.powi(2) {
                        disc += 1;
                        if segments
                            .iter()
                            .any(|s| dist_to_segment(px, py, s) <= half_width)
                        {
                            mark += 1;
                        }
                    }
                }
            }
            let n = (SS * SS) as f32;
            let white = mark as f32 / disc.max(1) as f32;
            let mix = |c: u8| (c as f32 * (1.0 - white) + 255.0 * white).round() as u8;
            out.extend_from_slice(&[mix(r), mix(g), mix(b), (disc as f32 / n * 255.0) as u8]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [IconKind; 5] = [
        IconKind::LoggedIn,
        IconKind::LoginRequired,
        IconKind::Problem,
        IconKind::Working,
        IconKind::ServiceDown,
    ];

    fn px(img: &[u8], x: u32, y: u32) -> [u8; 4] {
        let i = ((y * SIZE + x) * 4) as usize;
        [img[i], img[i + 1], img[i + 2], img[i + 3]]
    }

    #[test]
    fn icons_are_distinct_round_and_marked() {
        let imgs: Vec<_> = ALL.iter().map(|k| rgba(*k)).collect();
        for (i, img) in imgs.iter().enumerate() {
            assert_eq!(img.len(), (SIZE * SIZE * 4) as usize);
            // Corners are transparent, the disc is opaque in its colour.
            assert_eq!(px(img, 0, 0)[3], 0);
            assert_eq!(px(img, 4, 16)[3], 255);
            assert_eq!(&px(img, 4, 16)[..3], &colour(ALL[i])[..]);
            // There is a white glyph somewhere.
            assert!(
                img.chunks(4)
                    .any(|p| p[..3] == [255, 255, 255] && p[3] == 255)
            );
            for other in &imgs[i + 1..] {
                assert_ne!(img, other);
            }
        }
    }
}
