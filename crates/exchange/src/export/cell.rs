//! 公式注入 — a text cell that a spreadsheet would read as a formula (it starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`,
//! so that opening an exported file never runs what a name or address contained.

use std::borrow::Cow;

/// `text` as a cell that no spreadsheet reads as a formula.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted_and_other_text_is_kept() {
        for bad in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(safe_cell(bad), format!("'{bad}"));
        }
        for good in ["张三", "320211", "a=b", ""] {
            assert_eq!(safe_cell(good), good);
        }
    }
}
