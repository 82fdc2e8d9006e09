//! 选择对象 — picking a record on a form (an employer, a zone or rented house, a
//! landlord) among all of them in the user's area, not a dropdown cut off after
//! its first few hundred: a text field that takes the record's number or part of
//! its name, with the first records of the area offered by the browser's own
//! suggestion list (`datalist`, no script). A name that fits one record is that
//! record; one that fits several is sent back with the candidates to choose from.

use domain::access::User;
use domain::registry::Record;
use maud::{Markup, html};

use super::catalogue::{Lang, Msg};
use super::forms::Filled;
use super::session::Fields;
use crate::App;
use crate::error::{ApiError, Code};

/// Records a field suggests, per kind.
pub const SUGGESTED: usize = 100;

/// What an employer field picks among.
pub const EMPLOYERS: &[&str] = &["employer"];

/// What a residence's place picks among: a zone, a rented house, or the
/// employer whose dormitory it is.
pub const PLACES: &[&str] = &["concentrated_zone", "rental_house", "employer"];

/// What a rented house's landlord picks among.
pub const LANDLORDS: &[&str] = &["landlord"];

/// The picker fields of the person forms.
pub const PERSON_FIELDS: [(&str, &[&str]); 2] =
    [("employer", EMPLOYERS), ("residence.place", PLACES)];

/// Candidates named in the error when a name fits several records.
const CANDIDATES: usize = 5;

/// A labelled field `name` for a record's number or name, suggesting `records`.
pub fn picker(filled: &Filled, lang: Lang, label: Msg, name: &str, records: &[Record]) -> Markup {
    let list = format!("{}-choices", name.replace('.', "-"));
    html! {
        label for=(name) { (label.in_(lang)) }
        input id=(name) name=(name) type="text" list=(list) autocomplete="off"
            placeholder=(Msg::PickerHint.in_(lang)) value=(filled.value(name, ""));
        datalist id=(list) {
            @for record in records { option value=(record.id) { (record.name) } }
        }
        (filled.error_of(name, lang))
    }
}

/// The record number a picker's `text` names by itself: `123` or `#123 …`.
fn number_in(text: &str) -> Option<&str> {
    let digits = text.strip_prefix('#').unwrap_or(text);
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let rest = digits[end..].trim();
    (end > 0 && (rest.is_empty() || text.starts_with('#'))).then(|| &digits[..end])
}

/// `fields` with each picker field (name, the kinds it picks among) holding a
/// record number: kept when it is one, else the one record in the user's area
/// whose name holds the text; refused naming the field when none or several do.
pub async fn resolve(
    app: &App,
    user: &User,
    fields: &Fields,
    pickers: &[(&str, &'static [&'static str])],
) -> Result<Fields, ApiError> {
    let mut resolved = fields.clone();
    for &(name, kinds) in pickers {
        let text = fields.text(name).to_owned();
        let number = if text.is_empty() {
            continue;
        } else if let Some(number) = number_in(&text) {
            number.to_owned()
        } else {
            let (user, part) = (user.clone(), text.clone());
            let found = app
                .run(move |store| store.records_named(&user, kinds, &part, CANDIDATES + 1))
                .await?;
            match found.as_slice() {
                [one] => one.id.to_string(),
                [] => return Err(none_named(name, &text)),
                several => return Err(several_named(name, &text, several)),
            }
        };
        for (key, value) in &mut resolved.0 {
            if key == name {
                value.clone_from(&number);
            }
        }
    }
    Ok(resolved)
}

fn none_named(field: &str, text: &str) -> ApiError {
    ApiError::new(
        Code::InvalidField,
        Some(field),
        format!("管辖范围内没有名称含“{text}”的对象，请输入编号或名称的一部分"),
        format!(
            "expected the number or part of the name of a record in your area, but none is named like {text:?}"
        ),
    )
}

fn several_named(field: &str, text: &str, several: &[Record]) -> ApiError {
    let shown: Vec<String> = several
        .iter()
        .take(CANDIDATES)
        .map(|r| format!("#{} {}", r.id, r.name))
        .collect();
    let more = if several.len() > CANDIDATES {
        " …"
    } else {
        ""
    };
    ApiError::new(
        Code::InvalidField,
        Some(field),
        format!(
            "名称含“{text}”的对象不止一个：{}{more}，请输入编号",
            shown.join("、")
        ),
        format!(
            "expected one record, but several are named like {text:?}: {}{more}; type the number",
            shown.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::number_in;

    #[test]
    fn a_number_is_taken_as_it_is_and_a_name_is_not() {
        assert_eq!(number_in("123"), Some("123"));
        assert_eq!(number_in("#123 无锡示例厂"), Some("123"));
        assert_eq!(number_in("3号厂"), None);
        assert_eq!(number_in("示例厂"), None);
        assert_eq!(number_in("#"), None);
    }
}
