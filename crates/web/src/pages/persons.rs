//! 来人登记与查找 — the station's desk: registering an arrival (the ID number's
//! birth date, sex and origin shown as it is typed) and finding a person in one's
//! area by ID number or by name.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::User;
use domain::event::{Change, FactForm, ResidenceForm};
use domain::registry::{FactKind, NewPerson, Record};
use domain::resident_id::ResidentId;
use maud::{Markup, html};
use serde::Deserialize;
use store::{NameCursor, NamePage, Page};

use super::catalogue::Msg;
use super::describe;
use super::forms::{self, Filled, RESIDENCE_FIELDS};
use super::layout::{self, csrf_field, page};
use super::pager;
use super::pickers;
use super::session::{Fields, Posted, Viewer};
use crate::App;
use crate::error::{ApiError, Code};
use crate::extract::{CodeText, DateText, IdText};
use crate::routes::submit;

/// The records a residence or a job field suggests: the first zones, rented
/// houses and employers in the user's area (any other is picked by number or
/// name, see [`pickers`]).
pub async fn places(app: &App, user: &User) -> Result<(Vec<Record>, Vec<Record>), ApiError> {
    let user = user.clone();
    app.run(move |store| {
        let page = Page {
            after: 0,
            offset: 0,
            limit: pickers::SUGGESTED,
        };
        let mut places = store.records(&user, Some("concentrated_zone"), page)?;
        places.extend(store.records(&user, Some("rental_house"), page)?);
        let employers = store.records(&user, Some("employer"), page)?;
        places.extend(employers.iter().cloned());
        Ok((places, employers))
    })
    .await
}

/// The residence of a form.
pub fn residence_of(fields: &Fields) -> Result<ResidenceForm, ApiError> {
    Ok(ResidenceForm {
        housing: forms::from_snake(
            fields.text("residence.housing"),
            "residence.housing",
            Msg::Housing,
        )?,
        unit: CodeText::from(fields.text("residence.unit")).parse("residence.unit")?,
        place: number(fields, "residence.place")?,
    })
}

/// An optional record or fact number of a form.
pub fn number(fields: &Fields, name: &str) -> Result<Option<i64>, ApiError> {
    let text = fields.text(name);
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        ApiError::new(
            Code::InvalidField,
            Some(name),
            format!("应为编号（正整数），实为“{text}”"),
            format!("expected a number, but found {text:?}"),
        )
    })
}

/// A monthly wage in whole yuan, as fen.
pub fn wage_fen(fields: &Fields, name: &str) -> Result<i64, ApiError> {
    let text = fields.text(name);
    text.parse::<i64>()
        .ok()
        .filter(|yuan| (0..=10_000_000).contains(yuan))
        .map(|yuan| yuan * 100)
        .ok_or_else(|| {
            ApiError::new(
                Code::InvalidField,
                Some(name),
                format!("月工资应为 0 至 10000000 的整数（元），实为“{text}”"),
                format!(
                    "expected a monthly wage in whole yuan from 0 to 10000000, but found {text:?}"
                ),
            )
        })
}

/// The registration as a change.
fn registration(fields: &Fields) -> Result<Change, ApiError> {
    let on = DateText::from(fields.text("on")).parse("on")?;
    let person = NewPerson {
        resident_id: IdText::from(fields.text("resident_id")).parse("resident_id")?,
        name: fields.text("name").to_owned(),
    };
    let residence = residence_of(fields)?;
    let mut facts = Vec::new();
    if let Some(employer) = number(fields, "employer")? {
        let monthly_wage_fen = wage_fen(fields, "monthly_wage")?;
        facts.push(FactForm {
            fact: FactKind::Employment {
                employer,
                monthly_wage_fen,
            },
            from: on,
            to: None,
        });
        if fields.text("labour_contract") == "yes" {
            facts.push(FactForm {
                fact: FactKind::LabourContract { employer },
                from: on,
                to: None,
            });
        }
    }
    Ok(Change::Register {
        person,
        on,
        residence,
        facts,
    })
}

/// The registration form.
async fn register_page(app: &App, viewer: &Viewer, filled: Filled<'_>) -> Result<Markup, ApiError> {
    let lang = viewer.lang;
    let (places, employers) = places(app, &viewer.user).await?;
    let today = crate::today().to_string();
    let mut names = vec!["resident_id", "name", "on", "employer", "monthly_wage"];
    names.extend(RESIDENCE_FIELDS);
    Ok(html! {
        form.card method="post" action="/persons/new" novalidate {
            (csrf_field(viewer))
            (filled.top_error(&names, lang))
            div.row {
                div {
                    (forms::input(&filled, lang, Msg::ResidentId, "resident_id", "text", ""))
                    p.field-error id="id-error" aria-live="polite" {}
                }
                div { (forms::input(&filled, lang, Msg::Name, "name", "text", "")) }
            }
            div.row.hint {
                div { (Msg::BirthDate.in_(lang)) "：" output #id-birth {} }
                div { (Msg::Sex.in_(lang)) "：" output #id-sex {} }
                div { (Msg::Origin.in_(lang)) "：" output #id-origin {} }
            }
            div.row {
                div { (forms::input(&filled, lang, Msg::ArrivalDate, "on", "date", &today)) }
                div { (forms::residence(app, &viewer.user, &filled, lang, &places)) }
            }
            div.row {
                div { (pickers::picker(&filled, lang, Msg::Employer, "employer", &employers)) }
                div { (forms::input(&filled, lang, Msg::MonthlyWage, "monthly_wage", "number", "")) }
                div {
                    label.choice { input type="checkbox" name="labour_contract" value="yes"; " " (Msg::FactLabourContract.in_(lang)) }
                }
            }
            p { button type="submit" { (Msg::Register.in_(lang)) } }
        }
        script src="/static/anju.js" defer {}
    })
}

/// `GET /persons/new`.
pub async fn new(State(app): State<App>, viewer: Viewer) -> Response {
    let lang = viewer.lang;
    match register_page(&app, &viewer, Filled::default()).await {
        Ok(body) => page(lang, Some(&viewer), Msg::Register.in_(lang), body).into_response(),
        Err(error) => layout::error_page(lang, error),
    }
}

/// `POST /persons/new`: registers through the event path and shows the person, or
/// the form again with the error next to its field.
pub async fn create(State(app): State<App>, posted: Posted) -> Response {
    let Posted { viewer, fields } = posted;
    let lang = viewer.lang;
    let picked = pickers::resolve(&app, &viewer.user, &fields, &pickers::PERSON_FIELDS).await;
    let outcome = match picked.and_then(|picked| registration(&picked)) {
        Ok(change) => submit(&app, viewer.user.clone(), change).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok((_, receipt)) => {
            Redirect::to(&format!("/persons/{}", receipt.0.person.unwrap_or(0))).into_response()
        }
        Err(error) => {
            let filled = Filled {
                fields: Some(&fields),
                error: Some(&error),
            };
            match register_page(&app, &viewer, filled).await {
                Ok(body) => (
                    error.code.status(),
                    page(lang, Some(&viewer), Msg::Register.in_(lang), body),
                )
                    .into_response(),
                Err(error) => layout::error_page(lang, error),
            }
        }
    }
}

/// A search: an ID number or part of a name, and where its page starts.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    /// The `next` of the page before ([`NameCursor::to_text`]).
    #[serde(default)]
    pub after: String,
}

/// Hits per page of a name search.
const PER_PAGE: usize = 50;

/// `GET /persons?q=…[&after=…]`: by full ID number when `q` is one, else by name,
/// a page at a time with a link to the next.
pub async fn search(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<SearchQuery>,
) -> Response {
    let lang = viewer.lang;
    let q = query.q.trim().to_owned();
    let after = NameCursor::parse(&query.after);
    let later = after.is_some();
    let hits: Result<Option<NamePage>, ApiError> = if q.is_empty() {
        Ok(None)
    } else if !viewer.user.may_read_persons() {
        Err(ApiError::role_forbidden())
    } else {
        let user = viewer.user.clone();
        let by_id = ResidentId::parse(&q).ok();
        app.run(move |store| match by_id {
            Some(id) => Ok(NamePage {
                hits: store.find_by_resident_id(&user, &id)?.into_iter().collect(),
                next: None,
            }),
            None => store.search_by_name_page(&user, &q, after.as_ref(), PER_PAGE),
        })
        .await
        .map(Some)
    };
    let hits = match hits {
        Ok(hits) => hits,
        Err(error) => return layout::error_page(lang, error),
    };
    let link = |after: Option<&NameCursor>| {
        let mut pairs = vec![("q", query.q.trim().to_owned())];
        pairs.extend(after.map(|cursor| ("after", cursor.to_text())));
        format!("/persons?{}", pager::query_string(&pairs))
    };
    let body = html! {
        form.row method="get" action="/persons" role="search" {
            div {
                label for="q" { (Msg::SearchHint.in_(lang)) }
                input id="q" name="q" value=(query.q.trim());
            }
            div { button type="submit" { (Msg::Search.in_(lang)) } }
        }
        @if let Some(found) = hits {
            @if found.hits.is_empty() {
                p { (Msg::NoHits.in_(lang)) }
            } @else {
                table.hits {
                    thead { tr { th { (Msg::Name.in_(lang)) } th { (Msg::ResidentId.in_(lang)) } th { (Msg::Village.in_(lang)) } th { (Msg::Present.in_(lang)) } } }
                    tbody {
                        @for hit in &found.hits {
                            tr {
                                td { a href={ "/persons/" (hit.id) } { (hit.name) } }
                                td { (hit.masked_id) }
                                td { (describe::unit_name(&app, hit.unit)) }
                                td { (if hit.present { Msg::Yes } else { Msg::No }.in_(lang)) }
                            }
                        }
                    }
                }
            }
            (pager::pager(lang, later.then(|| link(None)), found.next.as_ref().map(|next| link(Some(next)))))
        }
    };
    page(lang, Some(&viewer), Msg::Search.in_(lang), body).into_response()
}
