//! PDF 卡 — the printable card as a one-page PDF (A6, landscape): a title, the rows
//! the card shows (label and value), and the QR code of the signed statement drawn
//! as filled squares. Text is set in a subset of the CJK font holding only the
//! glyphs used, embedded as a CID font (Identity-H) with a ToUnicode map, so the
//! text can be searched and copied. No page layout engine: rows at fixed places.

use std::collections::BTreeSet;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use qrcode::{Color, EcLevel, QrCode};

use crate::{CardError, CardFont};

/// A6 landscape, in points.
const PAGE: (f32, f32) = (420.0, 298.0);
const MARGIN: f32 = 24.0;
const QR_SIDE: f32 = 150.0;
const TITLE_SIZE: f32 = 16.0;
const ROW_SIZE: f32 = 9.0;
const FONT: Name<'static> = Name(b"F1");

/// The card of `rows` (label, value) under `title`, with the QR code of `code`.
///
/// # Errors
///
/// [`CardError::Pdf`] when the font lacks a character the card shows, cannot be
/// subset, or `code` is too long for a QR code.
pub fn card_pdf(
    title: &str,
    rows: &[(&str, String)],
    code: &str,
    font: &CardFont,
) -> Result<Vec<u8>, CardError> {
    let face = font.face();
    let text: BTreeSet<char> = title
        .chars()
        .chain(
            rows.iter()
                .flat_map(|(label, value)| label.chars().chain(value.chars())),
        )
        .filter(|c| !c.is_control())
        .collect();
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut glyphs = std::collections::HashMap::new();
    for c in text {
        let gid = face.glyph_index(c).ok_or_else(|| CardError::Pdf {
            reason: format!("the font has no glyph for {c:?}"),
        })?;
        glyphs.insert(c, remapper.remap(gid.0));
    }
    let subset =
        subsetter::subset(&font.data, font.index, &remapper).map_err(|error| CardError::Pdf {
            reason: format!("subsetting the font failed: {error}"),
        })?;
    let qr = QrCode::with_error_correction_level(code.as_bytes(), EcLevel::M).map_err(|e| {
        CardError::Pdf {
            reason: format!("the code does not fit a QR code: {e}"),
        }
    })?;

    let catalog = Ref::new(1);
    let pages = Ref::new(2);
    let page = Ref::new(3);
    let content_id = Ref::new(4);
    let type0 = Ref::new(5);
    let cid = Ref::new(6);
    let descriptor = Ref::new(7);
    let font_file = Ref::new(8);
    let to_unicode = Ref::new(9);
    let info = Ref::new(10);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
    p.parent(pages);
    p.contents(content_id);
    p.resources().fonts().pair(FONT, type0);
    p.finish();
    pdf.document_info(info).title(TextStr(title));

    // The font: a subset tag makes the name unique to these glyphs (PDF 9.6.4).
    let base = format!("{}+AnjuCard", subset_tag(&remapper));
    let base = Name(base.as_bytes());
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);
    let per_em = f32::from(face.units_per_em());
    let scale = |units: f32| units * 1000.0 / per_em;
    let widths: Vec<f32> = remapper
        .remapped_gids()
        .map(|old| {
            scale(f32::from(
                face.glyph_hor_advance(ttf_parser::GlyphId(old))
                    .unwrap_or(0),
            ))
        })
        .collect();
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system)
        .font_descriptor(descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid_font.widths().consecutive(0, widths);
    cid_font.finish();
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            scale(f32::from(bbox.x_min)),
            scale(f32::from(bbox.y_min)),
            scale(f32::from(bbox.x_max)),
            scale(f32::from(bbox.y_max)),
        ))
        .italic_angle(0.0)
        .ascent(scale(f32::from(face.ascender())))
        .descent(scale(f32::from(face.descender())))
        .cap_height(scale(f32::from(face.ascender())))
        .stem_v(80.0)
        .font_file2(font_file);
    pdf.stream(font_file, &subset);
    let mut cmap = UnicodeCmap::new(Name(b"Anju-UCS"), system);
    for (&c, &gid) in &glyphs {
        cmap.pair(gid, c);
    }
    pdf.cmap(to_unicode, &cmap.finish());

    let shown = |text: &str| -> Vec<u8> {
        text.chars()
            .filter_map(|c| glyphs.get(&c))
            .flat_map(|gid| gid.to_be_bytes())
            .collect()
    };
    let mut content = Content::new();
    content.begin_text();
    content.set_font(FONT, TITLE_SIZE);
    content.next_line(MARGIN, PAGE.1 - MARGIN - TITLE_SIZE);
    content.show(Str(&shown(title)));
    content.set_font(FONT, ROW_SIZE);
    let mut first = true;
    for (label, value) in rows {
        let step = if first {
            -2.4 * ROW_SIZE
        } else {
            -2.0 * ROW_SIZE
        };
        first = false;
        content.next_line(0.0, step);
        content.show(Str(&shown(label)));
        content.next_line(0.0, -1.2 * ROW_SIZE);
        content.show(Str(&shown(value)));
    }
    content.end_text();
    draw_qr(&mut content, &qr);
    pdf.stream(content_id, &content.finish());
    Ok(pdf.finish())
}

/// The QR code's dark modules as squares, at the right of the page with a quiet
/// zone of four modules.
fn draw_qr(content: &mut Content, qr: &QrCode) {
    let width = qr.width();
    let module = QR_SIDE / (width as f32 + 8.0);
    let left = PAGE.0 - MARGIN - QR_SIDE + 4.0 * module;
    let top = PAGE.1 - MARGIN - 4.0 * module;
    content.set_fill_gray(0.0);
    for (i, color) in qr.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = ((i % width) as f32, (i / width) as f32);
            content.rect(left + x * module, top - (y + 1.0) * module, module, module);
        }
    }
    content.fill_nonzero();
}

/// Six capital letters that depend on the glyphs kept.
fn subset_tag(remapper: &subsetter::GlyphRemapper) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for gid in remapper.remapped_gids() {
        for byte in gid.to_be_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|k| char::from(b'A' + ((hash >> (k * 8)) % 26) as u8))
        .collect()
}
