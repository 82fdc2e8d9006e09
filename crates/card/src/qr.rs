//! 二维码 — a card code drawn as a QR code in SVG, for the printable card.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `code` as an SVG element, `size` pixels at least; `None` if the
/// code is too long for a QR code.
pub fn qr_svg(code: &str, size: u32) -> Option<String> {
    let qr = QrCode::with_error_correction_level(code.as_bytes(), EcLevel::M).ok()?;
    Some(
        qr.render::<svg::Color<'_>>()
            .min_dimensions(size, size)
            .quiet_zone(true)
            .build(),
    )
}
