//! 表单 — the pieces every form of the pages shares: labelled inputs that keep what
//! was typed and show the error of their field beside them in the user's language,
//! the residence inputs, and the records a form can pick from.
//!
//! Input names are the field names the API and the domain use (`on`,
//! `residence.unit`, `resident_id`, …), so an error naming a field lands next to it;
//! one naming no input of the form is shown at the top.

use domain::access::{Role, User};
use domain::division::CodeLevel;
use domain::registry::{Housing, Record};
use maud::{Markup, html};

use super::catalogue::{Lang, Msg};
use super::describe;
use super::session::Fields;
use crate::App;
use crate::error::ApiError;

/// What a form shows again after a refused post: what was typed and why.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filled<'a> {
    pub fields: Option<&'a Fields>,
    pub error: Option<&'a ApiError>,
}

impl Filled<'_> {
    /// What was typed into `name`, or `default`.
    pub fn value<'v>(&'v self, name: &str, default: &'v str) -> &'v str {
        self.fields.map_or(default, |fields| fields.text(name))
    }

    /// The error of field `name`, if that is the field at fault.
    pub fn error_of(&self, name: &str, lang: Lang) -> Markup {
        match self.error {
            Some(error) if error.field.as_deref() == Some(name) => html! {
                p.field-error role="alert" id={ "error-" (name) } { (lang.message(&error.message)) }
            },
            _ => html! {},
        }
    }

    /// The error at the top of a form whose inputs are `names`, when it names none.
    pub fn top_error(&self, names: &[&str], lang: Lang) -> Markup {
        match self.error {
            Some(error) if !names.contains(&error.field.as_deref().unwrap_or("")) => html! {
                p.error role="alert" { (lang.message(&error.message)) }
            },
            _ => html! {},
        }
    }
}

/// A labelled input of `kind` (text, number or `date`). Dates are typed as
/// `2007-03-31` in a text field: a browser's date picker would show them in its own
/// locale's format.
pub fn input(
    filled: &Filled,
    lang: Lang,
    label: Msg,
    name: &str,
    kind: &str,
    default: &str,
) -> Markup {
    let value = filled.value(name, default);
    html! {
        label for=(name) { (label.in_(lang)) }
        @if kind == "date" {
            (date_input(name, value))
        } @else {
            input id=(name) name=(name) type=(kind) value=(value);
        }
        (filled.error_of(name, lang))
    }
}

/// A date field holding `value`, typed as `2007-03-31`.
pub fn date_input(name: &str, value: &str) -> Markup {
    html! {
        input id=(name) name=(name) type="text" inputmode="numeric" placeholder="2007-03-31"
            pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" value=(value);
    }
}

/// A labelled choice among `(value, label)` options.
pub fn select(
    filled: &Filled,
    lang: Lang,
    label: Msg,
    name: &str,
    options: &[(String, String)],
) -> Markup {
    let chosen = filled.value(name, "");
    html! {
        label for=(name) { (label.in_(lang)) }
        select id=(name) name=(name) {
            @for (value, text) in options {
                option value=(value) selected[value == chosen] { (text) }
            }
        }
        (filled.error_of(name, lang))
    }
}

/// Every way of housing, as options (snake_case values, as the API names them).
pub fn housing_options(lang: Lang) -> Vec<(String, String)> {
    [
        Housing::OwnHome,
        Housing::RentedHouse,
        Housing::ConcentratedZone,
        Housing::EmployerDormitory,
    ]
    .into_iter()
    .map(|h| (snake(&h), describe::housing(h).in_(lang).to_owned()))
    .collect()
}

/// The serde name of a unit-like enum value, e.g. `own_home`.
pub fn snake<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A unit-like enum value from its serde name, or a 422 naming `field`.
pub fn from_snake<T: serde::de::DeserializeOwned>(
    text: &str,
    field: &str,
    lang_label: Msg,
) -> Result<T, ApiError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
        ApiError::new(
            crate::error::Code::InvalidField,
            Some(field),
            format!("请选择{}", lang_label.in_(Lang::Zh)),
            format!(
                "expected a choice of {}, but found {text:?}",
                lang_label.in_(Lang::English)
            ),
        )
    })
}

/// The villages and communities the user may register people in, as options.
pub fn village_options(app: &App, user: &User) -> Vec<(String, String)> {
    let today = crate::today();
    app.hierarchy()
        .leaf_units(today)
        .filter(|unit| unit.code.level() == CodeLevel::Village && user.covers(unit.code))
        .map(|unit| {
            (
                unit.code.to_string(),
                format!("{} {}", unit.code, unit.name),
            )
        })
        .collect()
}

/// The residence inputs: housing, village and the place (zone, rented house or
/// employer), suggesting `places`.
pub fn residence(app: &App, user: &User, filled: &Filled, lang: Lang, places: &[Record]) -> Markup {
    html! {
        (select(filled, lang, Msg::Housing, "residence.housing", &housing_options(lang)))
        @if user.role == Role::StationStaff && user.level() == CodeLevel::Village {
            input type="hidden" name="residence.unit" value=(user.unit);
            (filled.error_of("residence.unit", lang))
        } @else {
            (select(filled, lang, Msg::Village, "residence.unit", &village_options(app, user)))
        }
        (super::pickers::picker(filled, lang, Msg::Place, "residence.place", places))
    }
}

/// The input names of [`residence`].
pub const RESIDENCE_FIELDS: [&str; 3] = ["residence.housing", "residence.unit", "residence.place"];
