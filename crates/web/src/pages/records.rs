//! 非人员对象页面 — the records beside persons: employers, landlords and their
//! rental houses, concentrated zones, settlements and staff. List by kind, view,
//! add and edit; every save is one `SaveRecord` event through the event path.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::event::Change;
use domain::registry::{Record, RecordDetail, RecordId, StaffRole};
use maud::{Markup, html};
use serde::Deserialize;
use store::Page;

use super::catalogue::Msg;
use super::describe;
use super::forms::{self, Filled};
use super::layout::{self, csrf_field, page};
use super::pager;
use super::persons::number;
use super::pickers;
use super::session::{Fields, Posted, Viewer};
use crate::App;
use crate::error::{ApiError, Code};
use crate::extract::{CodeText, DateText, Text};
use crate::routes::submit;

/// The kinds the pages manage, with their names.
const KINDS: [(&str, Msg); 6] = [
    ("employer", Msg::KindEmployer),
    ("landlord", Msg::KindLandlord),
    ("rental_house", Msg::KindRentalHouse),
    ("concentrated_zone", Msg::KindZone),
    ("settlement", Msg::KindSettlement),
    ("staff", Msg::KindStaff),
];

/// The name of kind `kind`.
fn kind_name(kind: &str) -> Msg {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(Msg::Records, |(_, m)| *m)
}

/// The kind asked for (employers when absent or unknown), and for a list, the
/// number after which its page starts.
#[derive(Debug, Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub after: Option<RecordId>,
}

/// Records per page of a list.
const PER_PAGE: usize = 50;

fn known_kind(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("employer", |(k, _)| k)
}

/// `GET /records?kind=…`: the records of one kind in the user's area.
pub async fn list(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<KindQuery>,
) -> Response {
    let lang = viewer.lang;
    let kind = known_kind(&query.kind);
    let user = viewer.user.clone();
    let after = query.after.unwrap_or(0);
    let mut records = match app
        .run(move |store| {
            store.records(
                &user,
                Some(kind),
                Page {
                    after,
                    offset: 0,
                    limit: PER_PAGE + 1,
                },
            )
        })
        .await
    {
        Ok(records) => records,
        Err(error) => return layout::error_page(lang, error),
    };
    let more = records.len() > PER_PAGE;
    records.truncate(PER_PAGE);
    let link = |after: Option<RecordId>| {
        let mut pairs = vec![("kind", kind.to_owned())];
        pairs.extend(after.map(|id| ("after", id.to_string())));
        format!("/records?{}", pager::query_string(&pairs))
    };
    let next = records
        .last()
        .filter(|_| more)
        .map(|last| link(Some(last.id)));
    let body = html! {
        nav.tiles {
            @for (k, name) in KINDS {
                a href={ "/records?kind=" (k) } aria-current=[(k == kind).then_some("page")] { (name.in_(lang)) }
            }
        }
        @if viewer.user.may_write_records() {
            p { a href={ "/records/new?kind=" (kind) } { (Msg::AddRecord.in_(lang)) " · " (kind_name(kind).in_(lang)) } }
        }
        table.records {
            thead { tr { th { "#" } th { (Msg::Name.in_(lang)) } th { (Msg::Village.in_(lang)) } th { (Msg::From.in_(lang)) } th { (Msg::To.in_(lang)) } } }
            tbody {
                @for record in &records {
                    tr {
                        td.num { (record.id) }
                        td { a href={ "/records/" (record.id) } { (record.name) } }
                        td { (describe::unit_name(&app, record.unit)) }
                        td { (record.from) }
                        td { (record.to.map_or_else(|| "—".to_owned(), |d| d.to_string())) }
                    }
                }
            }
        }
        (pager::pager(lang, (after > 0).then(|| link(None)), next))
    };
    page(lang, Some(&viewer), kind_name(kind).in_(lang), body).into_response()
}

/// The form of a record of `kind` numbered `id` (0 for a new one), filled with
/// `filled`.
async fn form(
    app: &App,
    viewer: &Viewer,
    kind: &str,
    id: RecordId,
    filled: Filled<'_>,
) -> Result<Markup, ApiError> {
    let lang = viewer.lang;
    let landlords = if kind == "rental_house" {
        let user = viewer.user.clone();
        app.run(move |store| {
            store.records(
                &user,
                Some("landlord"),
                Page {
                    after: 0,
                    offset: 0,
                    limit: pickers::SUGGESTED,
                },
            )
        })
        .await?
    } else {
        Vec::new()
    };
    let action = if id == 0 {
        "/records/new".to_owned()
    } else {
        format!("/records/{id}")
    };
    let date = |label: Msg, name: &str| forms::input(&filled, lang, label, name, "date", "");
    Ok(html! {
        form.card method="post" action=(action) novalidate {
            (csrf_field(viewer))
            input type="hidden" name="kind" value=(kind);
            (filled.top_error(&["name", "unit", "from", "to", "detail.landlord", "detail.address", "detail.area_m2", "detail.capacity", "detail.migrants", "detail.role", "detail.trained_on", "detail.union_since", "detail.letter_signed_on", "detail.registered_on", "detail.entrusted_from", "detail.entrusted_to", "detail.mediation_since"], lang))
            (forms::input(&filled, lang, Msg::Name, "name", "text", ""))
            @if viewer.user.level() == domain::division::CodeLevel::Village {
                input type="hidden" name="unit" value=(viewer.user.unit);
            } @else {
                (forms::select(&filled, lang, Msg::Village, "unit", &forms::village_options(app, &viewer.user)))
            }
            (date(Msg::From, "from"))
            (date(Msg::To, "to"))
            @match kind {
                "employer" => { (date(Msg::UnionSince, "detail.union_since")) (date(Msg::LetterSigned, "detail.letter_signed_on")) }
                "landlord" => { (date(Msg::LetterSigned, "detail.letter_signed_on")) }
                "rental_house" => {
                    (pickers::picker(&filled, lang, Msg::KindLandlord, "detail.landlord", &landlords))
                    (forms::input(&filled, lang, Msg::Address, "detail.address", "text", ""))
                    (date(Msg::RegisteredOn, "detail.registered_on"))
                    (date(Msg::EntrustedFrom, "detail.entrusted_from"))
                    (date(Msg::EntrustedTo, "detail.entrusted_to"))
                }
                "concentrated_zone" => {
                    (forms::input(&filled, lang, Msg::Area, "detail.area_m2", "number", ""))
                    (forms::input(&filled, lang, Msg::Capacity, "detail.capacity", "number", ""))
                }
                "settlement" => {
                    (forms::input(&filled, lang, Msg::Migrants, "detail.migrants", "number", ""))
                    (date(Msg::MediationSince, "detail.mediation_since"))
                }
                _ => {
                    (forms::select(&filled, lang, Msg::StaffRole, "detail.role", &[
                        ("registration_assistant".to_owned(), Msg::RegistrationAssistant.in_(lang).to_owned()),
                        ("information_officer".to_owned(), Msg::InformationOfficer.in_(lang).to_owned()),
                    ]))
                    (forms::select(&filled, lang, Msg::IsMigrant, "detail.is_migrant", &[
                        ("no".to_owned(), Msg::No.in_(lang).to_owned()),
                        ("yes".to_owned(), Msg::Yes.in_(lang).to_owned()),
                    ]))
                    (forms::input(&filled, lang, Msg::TrainedOn, "detail.trained_on", "text", ""))
                }
            }
            p { button type="submit" { (Msg::Save.in_(lang)) } }
        }
    })
}

/// A record's values as form fields, to edit it.
fn current_fields(record: &Record) -> Fields {
    let date = |d: Option<domain::Date>| d.map_or_else(String::new, |d| d.to_string());
    let mut fields = vec![
        ("name".to_owned(), record.name.clone()),
        ("unit".to_owned(), record.unit.to_string()),
        ("from".to_owned(), record.from.to_string()),
        ("to".to_owned(), date(record.to)),
    ];
    let mut add = |name: &str, value: String| fields.push((format!("detail.{name}"), value));
    match &record.detail {
        RecordDetail::Employer {
            union_since,
            letter_signed_on,
        } => {
            add("union_since", date(*union_since));
            add("letter_signed_on", date(*letter_signed_on));
        }
        RecordDetail::Landlord { letter_signed_on } | RecordDetail::Agency { letter_signed_on } => {
            add("letter_signed_on", date(*letter_signed_on))
        }
        RecordDetail::RentalHouse {
            landlord,
            address,
            registered_on,
            entrusted_from,
            entrusted_to,
        } => {
            add("landlord", landlord.to_string());
            add("address", address.clone());
            add("registered_on", date(*registered_on));
            add("entrusted_from", date(*entrusted_from));
            add("entrusted_to", date(*entrusted_to));
        }
        RecordDetail::ConcentratedZone { area_m2, capacity } => {
            add("area_m2", area_m2.to_string());
            add("capacity", capacity.to_string());
        }
        RecordDetail::Settlement {
            migrants,
            mediation_since,
        } => {
            add("migrants", migrants.to_string());
            add("mediation_since", date(*mediation_since));
        }
        RecordDetail::Staff {
            role,
            is_migrant,
            trained_on,
        } => {
            add("role", forms::snake(role));
            add(
                "is_migrant",
                if *is_migrant { "yes" } else { "no" }.to_owned(),
            );
            add(
                "trained_on",
                trained_on
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        RecordDetail::Hotel
        | RecordDetail::MigrantChildrenSchool
        | RecordDetail::NewCitizenOrganisation => {}
    }
    Fields(fields)
}

/// The record a form describes, numbered `id` (0 for a new one).
fn record_of(fields: &Fields, id: RecordId) -> Result<Record, ApiError> {
    let optional_date = |name: &str| {
        let text = fields.text(name);
        Text::parse_optional(
            (!text.is_empty()).then(|| DateText::from(text)).as_ref(),
            name,
        )
    };
    let count = |name: &str| -> Result<i64, ApiError> {
        let text = fields.text(name);
        text.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            ApiError::new(
                Code::InvalidField,
                Some(name),
                format!("应为不小于 0 的整数，实为“{text}”"),
                format!("expected a whole number of at least 0, but found {text:?}"),
            )
        })
    };
    let detail = match known_kind(fields.text("kind")) {
        "employer" => RecordDetail::Employer {
            union_since: optional_date("detail.union_since")?,
            letter_signed_on: optional_date("detail.letter_signed_on")?,
        },
        "landlord" => RecordDetail::Landlord {
            letter_signed_on: optional_date("detail.letter_signed_on")?,
        },
        "rental_house" => RecordDetail::RentalHouse {
            landlord: number(fields, "detail.landlord")?.unwrap_or(0),
            address: fields.text("detail.address").to_owned(),
            registered_on: optional_date("detail.registered_on")?,
            entrusted_from: optional_date("detail.entrusted_from")?,
            entrusted_to: optional_date("detail.entrusted_to")?,
        },
        "concentrated_zone" => RecordDetail::ConcentratedZone {
            area_m2: count("detail.area_m2")?,
            capacity: count("detail.capacity")?,
        },
        "settlement" => RecordDetail::Settlement {
            migrants: count("detail.migrants")?,
            mediation_since: optional_date("detail.mediation_since")?,
        },
        _ => RecordDetail::Staff {
            role: forms::from_snake::<StaffRole>(
                fields.text("detail.role"),
                "detail.role",
                Msg::StaffRole,
            )?,
            is_migrant: fields.text("detail.is_migrant") == "yes",
            trained_on: fields
                .text("detail.trained_on")
                .split([',', '，', ' '])
                .filter(|d| !d.trim().is_empty())
                .map(|d| DateText::from(d.trim()).parse("detail.trained_on"))
                .collect::<Result<_, _>>()?,
        },
    };
    Ok(Record {
        id,
        name: fields.text("name").to_owned(),
        unit: CodeText::from(fields.text("unit")).parse("unit")?,
        from: DateText::from(fields.text("from")).parse("from")?,
        to: optional_date("to")?,
        detail,
    })
}

/// `GET /records/new?kind=…`.
pub async fn new(
    State(app): State<App>,
    viewer: Viewer,
    Query(query): Query<KindQuery>,
) -> Response {
    let lang = viewer.lang;
    let kind = known_kind(&query.kind);
    match form(&app, &viewer, kind, 0, Filled::default()).await {
        Ok(body) => page(lang, Some(&viewer), kind_name(kind).in_(lang), body).into_response(),
        Err(error) => layout::error_page(lang, error),
    }
}

/// `GET /records/{id}`: the record and its edit form.
pub async fn show(State(app): State<App>, viewer: Viewer, Path(id): Path<RecordId>) -> Response {
    let lang = viewer.lang;
    let user = viewer.user.clone();
    let record = match app.run(move |store| store.record(&user, id)).await {
        Ok(record) => record,
        Err(error) => return layout::error_page(lang, error),
    };
    let values = current_fields(&record);
    let filled = Filled {
        fields: Some(&values),
        error: None,
    };
    match form(&app, &viewer, record.detail.kind(), record.id, filled).await {
        Ok(body) => page(lang, Some(&viewer), &record.name, body).into_response(),
        Err(error) => layout::error_page(lang, error),
    }
}

/// `POST /records/new` and `POST /records/{id}`: saves through the event path.
async fn save(app: App, posted: Posted, id: RecordId) -> Response {
    let Posted { viewer, fields } = posted;
    let lang = viewer.lang;
    let outcome = if viewer.user.may_write_records() {
        let landlord = [("detail.landlord", pickers::LANDLORDS)];
        let picked = pickers::resolve(&app, &viewer.user, &fields, &landlord).await;
        match picked.and_then(|picked| record_of(&picked, id)) {
            Ok(record) => submit(&app, viewer.user.clone(), Change::SaveRecord { record }).await,
            Err(error) => Err(error),
        }
    } else {
        Err(ApiError::role_forbidden())
    };
    match outcome {
        Ok((_, receipt)) => {
            Redirect::to(&format!("/records/{}", receipt.0.record.unwrap_or(id))).into_response()
        }
        Err(error) => {
            let kind = known_kind(fields.text("kind"));
            let filled = Filled {
                fields: Some(&fields),
                error: Some(&error),
            };
            match form(&app, &viewer, kind, id, filled).await {
                Ok(body) => (
                    error.code.status(),
                    page(lang, Some(&viewer), kind_name(kind).in_(lang), body),
                )
                    .into_response(),
                Err(error) => layout::error_page(lang, error),
            }
        }
    }
}

/// `POST /records/new`.
pub async fn create(State(app): State<App>, posted: Posted) -> Response {
    save(app, posted, 0).await
}

/// `POST /records/{id}`.
pub async fn edit(State(app): State<App>, Path(id): Path<RecordId>, posted: Posted) -> Response {
    save(app, posted, id).await
}
