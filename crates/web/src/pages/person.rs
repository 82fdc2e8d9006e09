//! 人员页面 — one person: who they are, what holds of them, their family, the full
//! dated timeline of events with who recorded each, and the station's forms for
//! what happens next (a move, a new employer, a contract, schooling, a vaccination,
//! the end of one fact, a family link, a departure, a correction of a fact's dates
//! or of the name and ID number, with its reason). Every form submits one change
//! through the event path; a refused one comes back with the reason next to its
//! field.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::UserId;
use domain::event::{Change, Correction, Event};
use domain::registry::{Fact, FactKind, PersonId, Record};
use maud::{Markup, html};
use store::PersonFile;

use super::catalogue::{Lang, Msg};
use super::describe;
use super::family;
use super::forms::{self, Filled, RESIDENCE_FIELDS};
use super::layout::{self, csrf_field, page};
use super::persons::{number, places, residence_of, wage_fen};
use super::pickers;
use super::session::{Fields, Posted, Viewer};
use crate::App;
use crate::error::{ApiError, Code};
use crate::extract::{DateText, IdText, Text};
use crate::routes::submit;

/// What the page shows: the file, the timeline, who recorded each event, and the
/// records the forms pick from.
struct Shown {
    file: PersonFile,
    timeline: Vec<Event>,
    actors: BTreeMap<UserId, String>,
    places: Vec<Record>,
    employers: Vec<Record>,
}

async fn load(app: &App, viewer: &Viewer, id: PersonId) -> Result<Shown, ApiError> {
    crate::routes::may_read_persons(&viewer.user)?;
    let user = viewer.user.clone();
    let (file, timeline, actors) = app
        .run(move |store| {
            let file = store.person(&user, id)?;
            let timeline = store.timeline(&user, id)?;
            let mut actors = BTreeMap::new();
            for event in &timeline {
                if let std::collections::btree_map::Entry::Vacant(slot) = actors.entry(event.actor)
                {
                    let name = store.user(event.actor)?.map_or_else(
                        || format!("#{}", event.actor),
                        |u| format!("{}（{}）", u.name, u.login),
                    );
                    slot.insert(name);
                }
            }
            Ok((file, timeline, actors))
        })
        .await?;
    let (places, employers) = places(app, &viewer.user).await?;
    Ok(Shown {
        file,
        timeline,
        actors,
        places,
        employers,
    })
}

/// `GET /persons/{id}`.
pub async fn show(State(app): State<App>, viewer: Viewer, Path(id): Path<PersonId>) -> Response {
    render(&app, &viewer, id, None).await
}

/// The page, with the form `action` filled again after a refusal.
async fn render(
    app: &App,
    viewer: &Viewer,
    id: PersonId,
    refused: Option<(&str, &Fields, &ApiError)>,
) -> Response {
    let lang = viewer.lang;
    let shown = match load(app, viewer, id).await {
        Ok(shown) => shown,
        Err(error) => return layout::error_page(lang, error),
    };
    let person = &shown.file.person;
    let today = crate::today();
    let filled_for = |action: &str| match refused {
        Some((name, fields, error)) if name == action => Filled {
            fields: Some(fields),
            error: Some(error),
        },
        _ => Filled::default(),
    };
    let body = html! {
        section.card #person {
            div.row {
                div { (Msg::Name.in_(lang)) "：" strong.person-name { (person.name) } }
                div { (Msg::ResidentId.in_(lang)) "：" (person.resident_id) }
                div { (Msg::Sex.in_(lang)) "：" (match person.sex { domain::resident_id::Sex::Male => Msg::Male, domain::resident_id::Sex::Female => Msg::Female }.in_(lang)) }
                div { (Msg::BirthDate.in_(lang)) "：" (person.birth_date) }
            }
            div.row {
                div { (Msg::Origin.in_(lang)) "：" (super::id_check::origin(&person.resident_id, lang)) }
                div { (Msg::ArrivalDate.in_(lang)) "：" (person.registered_on) }
                div { (Msg::Village.in_(lang)) "：" (describe::unit_name(app, person.unit)) }
                div { (Msg::DepartureTitle.in_(lang)) "：" (person.left_on.map_or_else(|| "—".to_owned(), |d| d.to_string())) }
            }
        }
        h2 { (Msg::Facts.in_(lang)) }
        table.facts {
            thead { tr { th { "#" } th { (Msg::Fact.in_(lang)) } th { (Msg::From.in_(lang)) } th { (Msg::To.in_(lang)) } th { (Msg::HoldsToday.in_(lang)) } } }
            tbody {
                @for fact in &shown.file.facts {
                    tr {
                        td.num { (fact.id) }
                        td { (describe::fact(app, &fact.kind, lang)) }
                        td { (fact.from) }
                        td { (fact.to.map_or_else(|| "—".to_owned(), |d| d.to_string())) }
                        td { (if fact.holds_on(today) { Msg::Yes } else { Msg::No }.in_(lang)) }
                    }
                }
            }
        }
        h2 #family { (Msg::Family.in_(lang)) }
        (family::list(id, &shown.file.family, &shown.file.relatives, lang))
        h2 #timeline { (Msg::Timeline.in_(lang)) }
        table.timeline {
            thead { tr { th { (Msg::RecordedAt.in_(lang)) } th { (Msg::What.in_(lang)) } th { (Msg::RecordedBy.in_(lang)) } th { (Msg::Source.in_(lang)) } } }
            tbody {
                @for event in &shown.timeline {
                    tr {
                        td { (describe::moment(event.at)) }
                        td {
                            @if let Change::LinkFamily { link } = &event.change {
                                (Msg::Family.in_(lang)) " " (family::relative(id, link, &shown.file.relatives, lang))
                            } @else {
                                (describe::change(app, &event.change, lang))
                            }
                        }
                        td { (shown.actors.get(&event.actor).map_or("", String::as_str)) }
                        td { (describe::source(&event.source, lang)) }
                    }
                }
            }
        }
        @if viewer.user.may_write_persons() && person.left_on.is_none() {
            h2 { (Msg::WhatHappened.in_(lang)) }
            div.grid {
                (action_form(viewer, id, "move", Msg::MoveTitle, &filled_for("move"), &RESIDENCE_FIELDS, html! {
                    (forms::input(&filled_for("move"), lang, Msg::FromDay, "on", "date", ""))
                    (forms::residence(app, &viewer.user, &filled_for("move"), lang, &shown.places))
                }))
                (action_form(viewer, id, "employer", Msg::EmployerTitle, &filled_for("employer"), &["employer", "monthly_wage"], html! {
                    (forms::input(&filled_for("employer"), lang, Msg::FromDay, "on", "date", ""))
                    (pickers::picker(&filled_for("employer"), lang, Msg::Employer, "employer", &shown.employers))
                    (forms::input(&filled_for("employer"), lang, Msg::MonthlyWage, "monthly_wage", "number", ""))
                }))
                (action_form(viewer, id, "contract", Msg::FactLabourContract, &filled_for("contract"), &["employer", "from", "to"], html! {
                    (pickers::picker(&filled_for("contract"), lang, Msg::Employer, "employer", &shown.employers))
                    (forms::input(&filled_for("contract"), lang, Msg::From, "from", "date", ""))
                    (forms::input(&filled_for("contract"), lang, Msg::To, "to", "date", ""))
                }))
                (action_form(viewer, id, "schooling", Msg::FactSchooling, &filled_for("schooling"), &["school", "from", "to"], html! {
                    (forms::select(&filled_for("schooling"), lang, Msg::School, "school", &school_options(lang)))
                    (forms::input(&filled_for("schooling"), lang, Msg::From, "from", "date", ""))
                    (forms::input(&filled_for("schooling"), lang, Msg::To, "to", "date", ""))
                }))
                (action_form(viewer, id, "vaccination", Msg::Vaccination, &filled_for("vaccination"), &["vaccination", "from"], html! {
                    (forms::select(&filled_for("vaccination"), lang, Msg::Vaccination, "vaccination", &vaccination_options(lang)))
                    (forms::input(&filled_for("vaccination"), lang, Msg::From, "from", "date", ""))
                }))
                (action_form(viewer, id, "end", Msg::EndOneFact, &filled_for("end"), &["fact", "last_day"], html! {
                    (forms::select(&filled_for("end"), lang, Msg::Fact, "fact", &fact_options(&shown.file, app, lang, |f| f.to.is_none() && f.kind.name() != "residence")))
                    (forms::input(&filled_for("end"), lang, Msg::LastDay, "last_day", "date", ""))
                }))
                (action_form(viewer, id, "dates", Msg::CorrectDates, &filled_for("dates"), &["reason", "fact", "from", "to"], html! {
                    (forms::input(&filled_for("dates"), lang, Msg::Reason, "reason", "text", ""))
                    (forms::select(&filled_for("dates"), lang, Msg::Fact, "fact", &fact_options(&shown.file, app, lang, |_| true)))
                    (forms::input(&filled_for("dates"), lang, Msg::From, "from", "date", ""))
                    (forms::input(&filled_for("dates"), lang, Msg::To, "to", "date", ""))
                }))
                (action_form(viewer, id, "family", Msg::AddFamily, &filled_for("family"), &family::FIELDS, family::inputs(&filled_for("family"), lang)))
                (action_form(viewer, id, "departure", Msg::DepartureTitle, &filled_for("departure"), &["on"], html! {
                    (forms::input(&filled_for("departure"), lang, Msg::LeftOn, "on", "date", ""))
                }))
                (action_form(viewer, id, "correction", Msg::CorrectionTitle, &filled_for("correction"), &["reason", "name", "resident_id", "fact"], html! {
                    (forms::input(&filled_for("correction"), lang, Msg::Reason, "reason", "text", ""))
                    (forms::input(&filled_for("correction"), lang, Msg::Name, "name", "text", &person.name))
                    (forms::input(&filled_for("correction"), lang, Msg::ResidentId, "resident_id", "text", person.resident_id.as_str()))
                    (forms::select(&filled_for("correction"), lang, Msg::VoidFact, "fact", &fact_options(&shown.file, app, lang, |_| true)))
                }))
            }
        }
    };
    let status = refused.map_or(axum::http::StatusCode::OK, |(_, _, error)| {
        error.code.status()
    });
    (status, page(lang, Some(viewer), &person.name, body)).into_response()
}

/// One action's form, posting to `/persons/{id}/{action}`.
fn action_form(
    viewer: &Viewer,
    id: PersonId,
    action: &str,
    title: Msg,
    filled: &Filled,
    names: &[&str],
    inputs: Markup,
) -> Markup {
    let lang = viewer.lang;
    let mut all = vec!["on"];
    all.extend_from_slice(names);
    html! {
        form.card method="post" action={ "/persons/" (id) "/" (action) } id={ "form-" (action) } novalidate {
            h3 { (title.in_(lang)) }
            (csrf_field(viewer))
            (filled.top_error(&all, lang))
            (inputs)
            p { button type="submit" { (Msg::Save.in_(lang)) } }
        }
    }
}

fn school_options(lang: Lang) -> Vec<(String, String)> {
    use domain::registry::SchoolKind;
    [
        SchoolKind::Public,
        SchoolKind::Private,
        SchoolKind::MigrantChildren,
    ]
    .into_iter()
    .map(|s| (forms::snake(&s), describe::school(s).in_(lang).to_owned()))
    .collect()
}

fn vaccination_options(lang: Lang) -> Vec<(String, String)> {
    vec![
        (
            "vaccination_certificate_checked".to_owned(),
            Msg::FactVaccinationCertificate.in_(lang).to_owned(),
        ),
        (
            "immunisation_up_to_date".to_owned(),
            Msg::FactImmunisation.in_(lang).to_owned(),
        ),
    ]
}

/// "None" and each fact that `offered` accepts, to pick one.
fn fact_options(
    file: &PersonFile,
    app: &App,
    lang: Lang,
    offered: impl Fn(&Fact) -> bool,
) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), Msg::NoPlace.in_(lang).to_owned())];
    options.extend(file.facts.iter().filter(|f| offered(f)).map(|f| {
        (
            f.id.to_string(),
            format!(
                "#{} {} {}",
                f.id,
                describe::fact(app, &f.kind, lang),
                f.from
            ),
        )
    }));
    options
}

/// The change an action's form asks for.
fn change(person: PersonId, action: &str, fields: &Fields) -> Result<Option<Change>, ApiError> {
    let date = |name: &str| DateText::from(fields.text(name)).parse(name);
    let optional_date = |name: &str| {
        let text = fields.text(name);
        Text::parse_optional(
            (!text.is_empty()).then(|| DateText::from(text)).as_ref(),
            name,
        )
    };
    let required = |name: &str| {
        number(fields, name)?.ok_or_else(|| {
            ApiError::new(
                Code::InvalidField,
                Some(name),
                "请选择一项",
                "expected a choice, but found none",
            )
        })
    };
    let add = |fact: FactKind| -> Result<Change, ApiError> {
        Ok(Change::AddFact {
            person,
            fact,
            from: date("from")?,
            to: optional_date("to")?,
        })
    };
    Ok(Some(match action {
        "move" => Change::Move {
            person,
            on: date("on")?,
            residence: residence_of(fields)?,
        },
        "employer" => Change::ChangeEmployer {
            person,
            on: date("on")?,
            employer: required("employer")?,
            monthly_wage_fen: wage_fen(fields, "monthly_wage")?,
        },
        "contract" => add(FactKind::LabourContract {
            employer: required("employer")?,
        })?,
        "schooling" => add(FactKind::Schooling {
            school: forms::from_snake(fields.text("school"), "school", Msg::School)?,
        })?,
        "vaccination" => add(match fields.text("vaccination") {
            "immunisation_up_to_date" => FactKind::ImmunisationUpToDate,
            _ => FactKind::VaccinationCertificateChecked,
        })?,
        "end" => Change::EndFact {
            person,
            fact: required("fact")?,
            last_day: date("last_day")?,
        },
        "departure" => Change::Leave {
            person,
            on: date("on")?,
        },
        "correction" => Change::Correct {
            reason: fields.text("reason").to_owned(),
            correction: match number(fields, "fact")? {
                Some(fact) => Correction::VoidFact { person, fact },
                None => Correction::Person {
                    person,
                    name: fields.text("name").to_owned(),
                    resident_id: IdText::from(fields.text("resident_id")).parse("resident_id")?,
                },
            },
        },
        _ => return Ok(None),
    }))
}

/// `POST /persons/{id}/{action}`.
pub async fn act(
    State(app): State<App>,
    Path((id, action)): Path<(PersonId, String)>,
    posted: Posted,
) -> Response {
    let Posted { viewer, fields } = posted;
    let planned = match action.as_str() {
        "family" => family::change(&app, &viewer, id, &fields).await.map(Some),
        "dates" => corrected_dates(&app, &viewer, id, &fields).await.map(Some),
        _ => pickers::resolve(&app, &viewer.user, &fields, &pickers::PERSON_FIELDS)
            .await
            .and_then(|picked| change(id, &action, &picked)),
    };
    let outcome = match planned {
        Ok(Some(change)) => submit(&app, viewer.user.clone(), change).await.map(|_| ()),
        Ok(None) => {
            return layout::error_page(
                viewer.lang,
                ApiError::new(
                    Code::NotFound,
                    Some("path"),
                    "没有这个操作",
                    "expected a known action, but found none",
                ),
            );
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/persons/{id}#timeline")).into_response(),
        Err(error) => render(&app, &viewer, id, Some((&action, &fields, &error))).await,
    }
}

/// The correction of one fact's first and last day, with the reason: the fact
/// keeps what it says (a correction cannot change a fact's kind).
async fn corrected_dates(
    app: &App,
    viewer: &Viewer,
    person: PersonId,
    fields: &Fields,
) -> Result<Change, ApiError> {
    let fact = number(fields, "fact")?.ok_or_else(|| {
        ApiError::new(
            Code::InvalidField,
            Some("fact"),
            "请选择要更正的信息",
            "expected a fact to correct, but found none",
        )
    })?;
    let from = DateText::from(fields.text("from")).parse("from")?;
    let to = match fields.text("to") {
        "" => None,
        text => Some(DateText::from(text).parse("to")?),
    };
    let user = viewer.user.clone();
    let file = app.run(move |store| store.person(&user, person)).await?;
    let old = file
        .facts
        .into_iter()
        .find(|f| f.id == fact)
        .ok_or_else(|| {
            ApiError::new(
                Code::InvalidField,
                Some("fact"),
                format!("此人没有编号为 {fact} 的信息"),
                format!("expected one of the person's facts, but found fact {fact}"),
            )
        })?;
    Ok(Change::Correct {
        reason: fields.text("reason").to_owned(),
        correction: Correction::Fact {
            person,
            fact,
            kind: old.kind,
            from,
            to,
        },
    })
}
