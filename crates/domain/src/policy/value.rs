//! TOML 取值 — reading the policy file's TOML tree with every value's byte span:
//! sections that refuse unknown keys, typed values that say what they expected, and
//! where an expression string's text starts in the file.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::ast::Rational;
use super::error::{Fault, quoted};
use super::rational::decimal;

/// A TOML value and its span in the file.
pub(super) type Value<'i> = Spanned<DeValue<'i>>;

/// A TOML table whose keys were checked against the known ones.
pub(super) struct Section<'a, 'i> {
    /// How messages name it, in Chinese and English, e.g. `[[indicator]] E1`.
    pub name: (String, String),
    /// Where missing keys are reported: the table's header or inline value.
    pub at: usize,
    table: &'a DeTable<'i>,
}

impl<'a, 'i> Section<'a, 'i> {
    /// The table `table` starting at `at`, with only `known` keys.
    pub fn new(
        table: &'a DeTable<'i>,
        at: usize,
        name: (&str, &str),
        known: &[&str],
    ) -> Result<Self, Fault> {
        let mut keys: Vec<_> = table.keys().collect();
        keys.sort_by_key(|key| key.span().start);
        if let Some(key) = keys
            .into_iter()
            .find(|key| !known.contains(&key.get_ref().as_ref()))
        {
            return Err(Fault::unknown(
                key.span().start,
                (&format!("{}的键", name.0), &format!("a key of {}", name.1)),
                known,
                key.get_ref(),
            ));
        }
        Ok(Self {
            name: (name.0.to_owned(), name.1.to_owned()),
            at,
            table,
        })
    }

    /// The table that `value` is, with only `known` keys.
    pub fn of(value: &'a Value<'i>, name: (&str, &str), known: &[&str]) -> Result<Self, Fault> {
        match value.get_ref() {
            DeValue::Table(table) => Self::new(table, value.span().start, name, known),
            _ => Err(mismatch(value, ("表", "a table"))),
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.table.get(key)
    }

    /// The value of `key`, which must be present.
    pub fn required(&self, key: &str) -> Result<&'a Value<'i>, Fault> {
        self.get(key).ok_or_else(|| {
            Fault::new(
                self.at,
                format!("{}缺少“{key}”", self.name.0),
                format!("expected `{key}` in {}, but it is missing", self.name.1),
            )
        })
    }

    /// The string at `key`, which must be present.
    pub fn string(&self, key: &str) -> Result<&'a str, Fault> {
        string(self.required(key)?)
    }
}

/// "expected {what}, but found {the value's type}".
pub(super) fn mismatch(value: &Value<'_>, what: (&str, &str)) -> Fault {
    let found = match value.get_ref() {
        DeValue::String(s) => (format!("字符串“{s}”"), format!("the string {s:?}")),
        DeValue::Integer(i) => (format!("整数 {i}"), format!("the integer {i}")),
        DeValue::Float(f) => (format!("小数 {f}"), format!("the float {f}")),
        DeValue::Boolean(b) => (format!("布尔值 {b}"), format!("the boolean {b}")),
        DeValue::Datetime(d) => (format!("日期时间 {d}"), format!("the datetime {d}")),
        DeValue::Array(_) => ("数组".to_owned(), "an array".to_owned()),
        DeValue::Table(_) => ("表".to_owned(), "a table".to_owned()),
    };
    Fault::expected(value.span().start, what, (&found.0, &found.1))
}

/// A string.
pub(super) fn string<'a>(value: &'a Value<'_>) -> Result<&'a str, Fault> {
    value
        .get_ref()
        .as_str()
        .ok_or_else(|| mismatch(value, ("字符串", "a string")))
}

/// A boolean.
pub(super) fn boolean(value: &Value<'_>) -> Result<bool, Fault> {
    value
        .get_ref()
        .as_bool()
        .ok_or_else(|| mismatch(value, ("布尔值", "a boolean")))
}

/// An array.
pub(super) fn array<'a, 'i>(value: &'a Value<'i>) -> Result<&'a [Value<'i>], Fault> {
    match value.get_ref() {
        DeValue::Array(items) => Ok(items),
        _ => Err(mismatch(value, ("数组", "an array"))),
    }
}

/// A whole number.
pub(super) fn integer(value: &Value<'_>) -> Result<i64, Fault> {
    match value.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map_err(|_| mismatch(value, ("能表示的整数", "an integer that fits"))),
        _ => Err(mismatch(value, ("整数", "a whole number"))),
    }
}

/// A number: a whole number or a decimal such as `2.5` (no exponent), exactly.
pub(super) fn number(value: &Value<'_>) -> Result<Rational, Fault> {
    let what = ("数字", "a number");
    match value.get_ref() {
        DeValue::Integer(_) => Ok(Rational::whole(integer(value)?)),
        DeValue::Float(f) => decimal(f.as_str()).ok_or_else(|| {
            let (zh, en) = quoted(f.as_str());
            Fault::expected(
                value.span().start,
                ("小数（如 2.5）", "a decimal such as 2.5"),
                (&zh, &en),
            )
        }),
        _ => Err(mismatch(value, what)),
    }
}

/// A number that is not negative.
pub(super) fn non_negative(value: &Value<'_>) -> Result<Rational, Fault> {
    let n = number(value)?;
    if n.numer < 0 {
        return Err(mismatch(
            value,
            ("不小于零的数字", "a number of at least 0"),
        ));
    }
    Ok(n)
}

/// Maps a fault inside the string `value` (an offset into its text) into the file
/// `text`: at the exact character when the string is written without escapes, else
/// at the string's start.
pub(super) fn in_string(text: &str, value: &Value<'_>, fault: Fault) -> Fault {
    let span = value.span();
    let start = (|| {
        let raw = text.get(span.clone())?;
        let content = value.get_ref().as_str()?;
        let quote = ["\"\"\"", "'''", "\"", "'"]
            .into_iter()
            .find(|q| raw.starts_with(q))?;
        let mut open = quote.len();
        if quote.len() == 3 {
            open += [("\r\n", 2), ("\n", 1)]
                .into_iter()
                .find(|(newline, _)| raw[open..].starts_with(newline))
                .map_or(0, |(_, len)| len);
        }
        let inner = raw.get(open..raw.len().checked_sub(quote.len())?)?;
        (inner == content).then_some(span.start + open)
    })();
    Fault {
        at: start.map_or(span.start, |start| start + fault.at),
        ..fault
    }
}
