//! 政策文件错误 — why a policy file was refused, and where: `file:line:column` and a
//! reason in Chinese and English ("expected X, but found Y"), with the closest known
//! name suggested when a name is misspelt.
//!
//! Inside the parser a problem is a [`Fault`] at a byte offset; only [`parse`] turns it
//! into a [`PolicyError`] with a line and a column, because only it holds the file.
//!
//! [`parse`]: super::parse

use crate::message::{FieldError, Message};

/// A refused policy file: where (1-based line and column, the column counted in
/// characters) and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct PolicyError {
    /// The file's name as given to [`parse`](super::parse).
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: Message,
}

impl PolicyError {
    /// The error for `fault`, located in `text` (the file named `file`).
    pub(super) fn locate(file: &str, text: &str, fault: Fault) -> Self {
        let mut at = fault.at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &text[..at];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Self {
            file: file.to_owned(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message: fault.message,
        }
    }
}

impl From<PolicyError> for FieldError {
    /// The field is `file:line:column`.
    fn from(error: PolicyError) -> Self {
        FieldError {
            field: format!("{}:{}:{}", error.file, error.line, error.column),
            message: error.message,
        }
    }
}

/// A problem at byte offset `at` (of the file, or of an expression until it is
/// mapped into the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fault {
    pub at: usize,
    pub message: Message,
}

impl Fault {
    /// A fault with a ready message.
    pub fn new(at: usize, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            at,
            message: Message::new(zh, en),
        }
    }

    /// "expected {what}, but found {found}", where `found` is already quoted or
    /// described (see [`quoted`]).
    pub fn expected(at: usize, what: (&str, &str), found: (&str, &str)) -> Self {
        Self::new(
            at,
            format!("应为{}，实为{}", spaced(what.0), spaced(found.0)),
            format!("expected {}, but found {}", what.1, found.1),
        )
    }

    /// "expected {what}, but found `name`" for a name that is not one of `known`:
    /// lists every known name when there are few, else suggests the closest one.
    pub fn unknown(at: usize, what: (&str, &str), known: &[&str], found: &str) -> Self {
        let (zh, en) = listing(what, known, found);
        let (found_zh, found_en) = quoted(found);
        Self::expected(at, (&zh, &en), (&found_zh, &found_en))
    }
}

/// `text` with a space in front when it starts with a Latin letter, a digit or a
/// bracket, as Chinese typesetting puts one between Chinese and Latin text.
fn spaced(text: &str) -> String {
    match text.chars().next() {
        Some(c) if c.is_ascii_graphic() => format!(" {text}"),
        _ => text.to_owned(),
    }
}

/// A text quoted for a message, in both languages.
pub(super) fn quoted(text: &str) -> (String, String) {
    (format!("“{text}”"), format!("`{text}`"))
}

/// `what` followed by the names it may be: all of them when there are at most six
/// (`a unit (percent, permille, m2 or count)`), else an example, the closest to
/// `found` when it is near (`a fact kind such as labour_contract`).
pub(super) fn listing(what: (&str, &str), known: &[&str], found: &str) -> (String, String) {
    if known.is_empty() {
        return (what.0.to_owned(), what.1.to_owned());
    }
    if known.len() <= 6 {
        let (zh, en) = join_or(known);
        return (format!("{}（{zh}）", what.0), format!("{} ({en})", what.1));
    }
    let examples: Vec<&str> = match closest(known, found) {
        Some(best) => vec![best],
        None => known.iter().take(2).copied().collect(),
    };
    let (zh, en) = join_or(&examples);
    (
        format!("{}（如 {zh}）", what.0),
        format!("{} such as {en}", what.1),
    )
}

/// `a、b 或 c` / `a, b or c`.
pub(super) fn join_or(names: &[&str]) -> (String, String) {
    match names {
        [] => (String::new(), String::new()),
        [one] => ((*one).to_owned(), (*one).to_owned()),
        [init @ .., last] => (
            format!("{} 或 {last}", init.join("、")),
            format!("{} or {last}", init.join(", ")),
        ),
    }
}

/// The known name nearest to `found`, if it is near enough to be a misspelling.
pub(super) fn closest<'a>(known: &[&'a str], found: &str) -> Option<&'a str> {
    let limit = match found.chars().count() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    known
        .iter()
        .map(|name| (edit_distance(name, found), *name))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("labour_contract", "labour_contrat"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            closest(&["employment", "married"], "emploment"),
            Some("employment")
        );
        assert_eq!(closest(&["employment", "married"], "xyz"), None);
    }

    #[test]
    fn located_in_characters() {
        let text = "a = 1\n中文 = \"x\"\n";
        let error =
            PolicyError::locate("f.toml", text, Fault::new(text.find('=').unwrap(), "", ""));
        assert_eq!((error.line, error.column), (1, 3));
        let at = text.rfind('"').unwrap();
        let error = PolicyError::locate("f.toml", text, Fault::new(at, "z", "e"));
        assert_eq!((error.line, error.column), (2, 8));
        assert_eq!(error.to_string(), "f.toml:2:8: z / e");
        assert_eq!(FieldError::from(error).field, "f.toml:2:8");
    }
}
