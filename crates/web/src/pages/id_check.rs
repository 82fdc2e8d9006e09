//! 号码核验 — the one small JSON route behind the registration form: what an ID
//! number says (birth date, sex, hukou origin) or why it is wrong, as the user
//! types. The rules of GB 11643 live once, in `domain::resident_id`; the page's
//! script only shows this answer.

use axum::Json;
use axum::extract::Query;
use domain::division::province_name;
use domain::resident_id::{ResidentId, Sex};
use serde::{Deserialize, Serialize};

use super::catalogue::{Lang, Msg};
use super::session::Viewer;

/// The number typed so far.
#[derive(Debug, Deserialize)]
pub struct IdQuery {
    #[serde(default)]
    pub number: String,
}

/// What the number says, in the viewer's language.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct IdAnswer {
    /// Whether all 18 characters are typed.
    pub complete: bool,
    /// The birth date, `YYYY-MM-DD`, when the number is valid.
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    /// The hukou division code and its province, e.g. `340102 安徽省`.
    pub origin: Option<String>,
    /// Why the number is wrong (e.g. a wrong check digit), once complete.
    pub error: Option<String>,
}

/// What `text` says, in `lang`.
pub fn check(text: &str, lang: Lang) -> IdAnswer {
    let text = text.trim();
    let complete = text.chars().count() >= 18;
    if !complete {
        return IdAnswer {
            complete,
            birth_date: None,
            sex: None,
            origin: None,
            error: None,
        };
    }
    match ResidentId::parse(text) {
        Ok(id) => {
            let sex = match id.sex() {
                Sex::Male => Msg::Male,
                Sex::Female => Msg::Female,
            };
            let province = id.as_str()[..2]
                .parse()
                .ok()
                .and_then(province_name)
                .map_or("", |(zh, en)| lang.pick(zh, en));
            IdAnswer {
                complete,
                birth_date: Some(id.birth_date().to_string()),
                sex: Some(sex.in_(lang).to_owned()),
                origin: Some(format!("{} {province}", &id.as_str()[..6])),
                error: None,
            }
        }
        Err(error) => IdAnswer {
            complete,
            birth_date: None,
            sex: None,
            origin: None,
            error: Some(lang.message(&error.message()).to_owned()),
        },
    }
}

/// `GET /id-check?number=…` (logged-in users only: it is part of the form).
pub async fn answer(viewer: Viewer, Query(query): Query<IdQuery>) -> Json<IdAnswer> {
    Json(check(&query.number, viewer.lang))
}
