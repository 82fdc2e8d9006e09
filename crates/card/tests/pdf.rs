//! The card as PDF, read back by parsing its structure: the cross-reference table
//! points at every object, the text decodes through the ToUnicode map to the permit
//! number and the holder's name, and the embedded font is a subset holding only the
//! glyphs used. Needs the CJK font (`scripts/test.sh` installs fonts-wqy-zenhei;
//! `ANJU_CARD_FONT` names another).

use std::collections::HashMap;
use std::path::Path;

use card::{CardError, CardFont, card_pdf, font_path};

const NUMBER: &str = "3202112025000017";

fn font() -> CardFont {
    let path = font_path();
    CardFont::open(&path).unwrap_or_else(|error| panic!("{error}"))
}

fn rows() -> Vec<(&'static str, String)> {
    vec![
        ("证号 Number", NUMBER.to_string()),
        ("姓名 Name", "李<四>".to_string()),
        ("有效期 Valid", "2025-06-10 – 2026-06-09".to_string()),
    ]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The bytes of object `n` (from `N 0 obj` to `endobj`).
fn object(pdf: &[u8], n: u32) -> &[u8] {
    let start =
        find(pdf, format!("\n{n} 0 obj").as_bytes()).unwrap_or_else(|| panic!("object {n}"));
    let end = start + find(&pdf[start..], b"endobj").unwrap();
    &pdf[start..end]
}

/// The data of the stream in `object`, by its `/Length`.
fn stream(object: &[u8]) -> &[u8] {
    let at = find(object, b"/Length ").unwrap() + 8;
    let digits: String = object[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    let length: usize = digits.parse().unwrap();
    let start = find(object, b"stream\n").unwrap() + 7;
    &object[start..start + length]
}

/// The strings shown by `Tj` in a content stream, as bytes.
fn shown(content: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < content.len() {
        match content[i] {
            b'(' => {
                let mut bytes = Vec::new();
                i += 1;
                while content[i] != b')' {
                    if content[i] == b'\\' {
                        i += 1;
                        match content[i] {
                            b'0'..=b'7' => {
                                let octal = std::str::from_utf8(&content[i..i + 3]).unwrap();
                                bytes.push(u8::from_str_radix(octal, 8).unwrap());
                                i += 2;
                            }
                            b'n' => bytes.push(b'\n'),
                            b'r' => bytes.push(b'\r'),
                            b't' => bytes.push(b'\t'),
                            b'b' => bytes.push(8),
                            b'f' => bytes.push(12),
                            other => bytes.push(other),
                        }
                    } else {
                        bytes.push(content[i]);
                    }
                    i += 1;
                }
                out.push(bytes);
            }
            b'<' => {
                let end = i + find(&content[i..], b">").unwrap();
                let hex = std::str::from_utf8(&content[i + 1..end]).unwrap();
                out.push(
                    (0..hex.len())
                        .step_by(2)
                        .map(|k| u8::from_str_radix(&hex[k..k + 2], 16).unwrap())
                        .collect(),
                );
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The ToUnicode map: glyph to character.
fn to_unicode(cmap: &[u8]) -> HashMap<u16, char> {
    let text = std::str::from_utf8(cmap).unwrap();
    let body = &text[text.find("beginbfchar").unwrap()..];
    body.lines()
        .filter_map(|line| {
            let (gid, unicode) = line.strip_prefix('<')?.split_once("> <")?;
            let unicode = u32::from_str_radix(unicode.strip_suffix('>')?, 16).ok()?;
            Some((u16::from_str_radix(gid, 16).ok()?, char::from_u32(unicode)?))
        })
        .collect()
}

#[test]
fn the_pdf_parses_and_its_text_is_the_cards() {
    let pdf = card_pdf("居住证 Residence permit", &rows(), "AJ1.code.sig", &font()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // Every entry of the cross-reference table points at its object.
    let xref = find(&pdf, b"\nxref\n").unwrap() + 6;
    let table = std::str::from_utf8(&pdf[xref..]).unwrap();
    let mut lines = table.lines();
    let count: usize = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(count >= 10, "{count} objects");
    for (n, line) in lines.skip(1).take(count - 1).enumerate() {
        let offset: usize = line[..10].parse().unwrap();
        let expected = format!("{} 0 obj", n + 1);
        assert!(
            pdf[offset..].starts_with(expected.as_bytes()),
            "object {} is not at {offset}",
            n + 1
        );
    }
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));

    // The text shown decodes to the card's rows.
    let map = to_unicode(stream(object(&pdf, 9)));
    let text: Vec<String> = shown(stream(object(&pdf, 4)))
        .iter()
        .map(|bytes| {
            bytes
                .chunks(2)
                .map(|pair| map[&u16::from_be_bytes([pair[0], pair[1]])])
                .collect()
        })
        .collect();
    assert_eq!(text[0], "居住证 Residence permit");
    assert!(text.contains(&NUMBER.to_string()), "{text:?}");
    assert!(text.contains(&"李<四>".to_string()), "{text:?}");
}

#[test]
fn only_a_subset_of_the_font_is_embedded() {
    let font = font();
    let pdf = card_pdf("居住证", &rows(), "AJ1.code.sig", &font).unwrap();
    let embedded = stream(object(&pdf, 8));
    let subset = ttf_parser::Face::parse(embedded, 0).expect("the embedded font parses");
    let full = ttf_parser::Face::parse(&std::fs::read(font_path()).unwrap(), 0)
        .unwrap()
        .number_of_glyphs();
    let used = "居住证NumberamVlid姓名李<四>有效期号0123456789-– "
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(
        usize::from(subset.number_of_glyphs()) <= used + 1,
        "{} glyphs embedded for {used} characters",
        subset.number_of_glyphs()
    );
    assert!(full > 10_000, "the full font has {full} glyphs");
    assert!(embedded.len() * 50 < std::fs::metadata(font_path()).unwrap().len() as usize);
    // The font's name carries a subset tag: six capitals and a plus.
    let descriptor = std::str::from_utf8(object(&pdf, 5)).unwrap();
    let name = &descriptor[descriptor.find("/BaseFont /").unwrap() + 11..];
    assert!(
        name[..6].bytes().all(|b| b.is_ascii_uppercase()) && &name[6..7] == "+",
        "{name}"
    );
}

#[test]
fn a_missing_font_or_glyph_is_refused_in_both_languages() {
    let error = CardFont::open(Path::new("/nonexistent/wqy-zenhei.ttc")).unwrap_err();
    insta::assert_snapshot!(
        "font_missing",
        format!("{}\n{}", error.message().zh, error.message().en)
    );
    let rows = vec![("符号 Sign", "\u{E0100}".to_string())];
    let error = card_pdf("居住证", &rows, "AJ1.x.y", &font()).unwrap_err();
    assert!(matches!(error, CardError::Pdf { .. }), "{error:?}");
}
