//! 指标 — the indicator engine inside the server: built from the store at start,
//! changed after every committed write, and asked by `GET /api/v1/indicators`.
//!
//! Writes and the engine share one lock, taken before the store commits and released
//! after the engine has the change: the next query sees every committed write, and
//! the engine receives changes in commit order. No batch job.

use std::sync::{Arc, RwLock};

use analytics::{Engine, EngineError, IndicatorResult, Step};
use axum::extract::State;
use domain::access::User;
use domain::division::{DivisionCode, Hierarchy};
use domain::message::Message;
use domain::policy::Policy;
use domain::registry::{PersonId, Record};
use domain::reported_value::ReportedValue;
use serde::Deserialize;
use store::{Changed, CountedPerson, PersonState, Store, StoreError};
use utoipa::IntoParams;

use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code};
use crate::extract::{Json, Query, date_param};
use crate::openapi::ReadErrors;

/// The engine and the lock that orders writes into it.
pub type SharedEngine = Arc<RwLock<Engine>>;

/// Builds the engine of `policy` from everything the store holds (see [`build_at`]).
pub fn build(
    store: &dyn Store,
    policy: Arc<Policy>,
    hierarchy: Hierarchy,
) -> Result<Engine, StoreError> {
    Ok(build_at(store, policy, hierarchy)?.engine)
}

/// An engine and how far into the log it reaches.
pub struct Built {
    /// The engine.
    pub engine: Engine,
    /// The last event it reflects (with every one before it).
    pub seq: i64,
    /// The highest person number it holds (0 for none).
    pub last_person: PersonId,
}

/// Builds the engine of `policy` from everything the store holds. The store reads
/// on one thread while the engine derives on the others: the scan hands over every
/// record, then the persons in batches, then the reported values, and each batch
/// of persons goes straight into one loader, never all held at once. Records go in
/// first because a person's count can read their employer.
pub fn build_at(
    store: &dyn Store,
    policy: Arc<Policy>,
    hierarchy: Hierarchy,
) -> Result<Built, StoreError> {
    let mut engine = Engine::new(policy, hierarchy);
    let (send, receive) = std::sync::mpsc::sync_channel::<Scanned>(2);
    let (seq, last_person) = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            // A send fails only once the engine has stopped taking rows; the
            // engine's error is the one reported.
            store.scan(
                &mut |records| drop(send.send(Scanned::Records(records))),
                &mut |states| drop(send.send(Scanned::Persons(states))),
                &mut |value| drop(send.send(Scanned::Value(value))),
            )
        });
        let built = fill(&mut engine, receive.into_iter().peekable());
        let scanned = reader.join().expect("the store's scan does not panic");
        scanned.and_then(|seq| Ok((seq, built?)))
    })?;
    Ok(Built {
        engine,
        seq,
        last_person,
    })
}

/// What the scan hands over, in this order.
enum Scanned {
    Records(Vec<Record>),
    Persons(Vec<CountedPerson>),
    Value(ReportedValue),
}

/// Puts everything scanned into the engine: records, then persons in bulk, then
/// values; the highest person number.
fn fill(
    engine: &mut Engine,
    mut scanned: std::iter::Peekable<impl Iterator<Item = Scanned>>,
) -> Result<PersonId, StoreError> {
    while let Some(Scanned::Records(records)) =
        scanned.next_if(|item| matches!(item, Scanned::Records(_)))
    {
        for record in &records {
            engine.put_record(record, &[]).map_err(engine_failed)?;
        }
    }
    let mut loader = engine.loader();
    let mut last_person = 0;
    while let Some(Scanned::Persons(states)) =
        scanned.next_if(|item| matches!(item, Scanned::Persons(_)))
    {
        last_person = states.iter().map(|p| p.id).fold(last_person, PersonId::max);
        add_counted(&mut loader, &states);
    }
    loader.finish();
    for item in scanned {
        if let Scanned::Value(value) = item {
            set_value(engine, &value)?;
        }
    }
    Ok(last_person)
}

/// Adds persons as the store counts them (see [`Store::scan`]).
pub(crate) fn add_counted(loader: &mut analytics::Loader<'_>, persons: &[CountedPerson]) {
    loader.add(&persons.iter().map(counted).collect::<Vec<_>>());
}

/// Hands the engine what a committed event changed.
pub fn apply(engine: &mut Engine, changed: &Changed) -> Result<(), StoreError> {
    if changed.before.is_some() || changed.after.is_some() {
        engine
            .replace_person(
                changed.before.as_ref().map(view),
                changed.after.as_ref().map(view),
            )
            .map_err(engine_failed)?;
    }
    if let Some((record, dependents)) = &changed.record {
        let dependents: Vec<_> = dependents.iter().map(view).collect();
        engine
            .put_record(record, &dependents)
            .map_err(engine_failed)?;
    }
    if let Some(value) = &changed.value {
        set_value(engine, value)?;
    }
    Ok(())
}

/// Gives the engine a reported value, replacing one of the same unit, name and period.
pub(crate) fn set_value(engine: &mut Engine, value: &ReportedValue) -> Result<(), StoreError> {
    engine
        .set_aggregate(value.unit, &value.name, value.from, value.to, value.value)
        .map_err(engine_failed)
}

fn view(state: &PersonState) -> analytics::PersonState<'_> {
    analytics::PersonState::of(&state.person, &state.facts)
}

fn counted(person: &CountedPerson) -> analytics::PersonState<'_> {
    analytics::PersonState {
        sex: person.sex,
        birth_date: person.birth_date,
        left_on: person.left_on,
        facts: &person.facts,
    }
}

fn engine_failed(error: analytics::EngineError) -> StoreError {
    StoreError::Database(format!("indicator engine: {error}"))
}

/// The unit and date asked about.
#[derive(Debug, Deserialize, IntoParams)]
pub struct IndicatorQuery {
    /// A division code, e.g. 320211.
    #[param(value_type = domain::division::DivisionCode)]
    pub unit: String,
    /// YYYY-MM-DD; today when absent.
    #[param(value_type = Option<crate::extract::DateText>)]
    pub as_of: Option<String>,
}

/// Every indicator of the policy for a unit and its direct children, as of a date.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", operation_id = "indicators_as_of",
    params(IndicatorQuery),
    responses((status = 200, description = "One object per (indicator, unit)", body = Vec<Object>), ReadErrors),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<IndicatorQuery>,
) -> Result<Json<Vec<IndicatorResult>>, ApiError> {
    let unit = unit_param(&user, &query.unit)?;
    let as_of = date_param("as_of", query.as_of.as_deref())?.unwrap_or_else(crate::today);
    let engine = app.read_engine();
    engine
        .evaluate(unit, as_of)
        .map(Json)
        .map_err(|error| refused(error, "as_of"))
}

/// One indicator for one unit over consecutive periods.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SeriesQuery {
    /// A division code, e.g. 320211.
    #[param(value_type = domain::division::DivisionCode)]
    pub unit: String,
    /// An indicator of the policy, e.g. E1.
    pub indicator: String,
    /// month, quarter or year.
    #[param(pattern = "^(month|quarter|year)$")]
    pub step: String,
    /// YYYY-MM-DD: the series starts with the period that holds this day.
    #[param(value_type = crate::extract::DateText)]
    pub from: String,
    /// YYYY-MM-DD: the series ends with the period that holds this day, evaluated
    /// as of it; today when absent.
    #[param(value_type = Option<crate::extract::DateText>)]
    pub to: Option<String>,
}

/// One indicator for one unit by month, quarter or year: each period as of its last
/// day (or as of `to` for the period still running then), with its year's target.
#[utoipa::path(get, path = "/api/v1/indicators/series", tag = "indicators",
    params(SeriesQuery),
    responses((status = 200, description = "One object per period, oldest first", body = Vec<Object>), ReadErrors),
    security(("bearer" = [])))]
pub async fn series(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<SeriesQuery>,
) -> Result<Json<Vec<IndicatorResult>>, ApiError> {
    let unit = unit_param(&user, &query.unit)?;
    let step = step_param(&query.step)?;
    let from = date_param("from", Some(&query.from))?.expect("a given parameter");
    let to = date_param("to", query.to.as_deref())?.unwrap_or_else(crate::today);
    let engine = app.read_engine();
    engine
        .series(unit, &query.indicator, from, to, step)
        .map(Json)
        .map_err(|error| refused(error, "from"))
}

/// A unit query parameter: a division code within `user`'s area (their
/// subtree). Indicator tables are aggregates, but a village's counts of a few
/// persons tell of those persons, and the dashboard holds to the same area.
pub(crate) fn unit_param(user: &User, text: &str) -> Result<DivisionCode, ApiError> {
    let unit = unit_code(text)?;
    if user.covers(unit) {
        Ok(unit)
    } else {
        Err(ApiError::new(
            Code::Forbidden,
            Some("unit"),
            format!("{unit} 不在您的管辖范围内"),
            format!("expected a unit within your area, but {unit} is outside it"),
        ))
    }
}

/// A unit query parameter: a division code, wherever it lies.
pub(crate) fn unit_code(text: &str) -> Result<DivisionCode, ApiError> {
    text.parse()
        .map_err(|error: domain::message::FieldError| ApiError {
            code: Code::InvalidParameter,
            field: Some("unit".into()),
            message: error.message,
        })
}

/// `month`, `quarter` or `year`.
pub fn step_param(text: &str) -> Result<Step, ApiError> {
    match text {
        "month" => Ok(Step::Month),
        "quarter" => Ok(Step::Quarter),
        "year" => Ok(Step::Year),
        _ => Err(ApiError {
            code: Code::InvalidParameter,
            field: Some("step".into()),
            message: Message::new(
                format!("step 应为 month、quarter 或 year，实为“{text}”"),
                format!("expected month, quarter or year as step, but found {text:?}"),
            ),
        }),
    }
}

/// The engine's refusal of a question, naming the parameter it is about
/// (`date_field` for a date it cannot hold).
pub(crate) fn refused(error: EngineError, date_field: &str) -> ApiError {
    let field = match &error {
        EngineError::UnknownIndicator { .. } => "indicator",
        EngineError::BadPeriod { .. } => "from",
        EngineError::DateOutOfRange { .. } => date_field,
        _ => "unit",
    };
    ApiError {
        code: Code::InvalidParameter,
        field: Some(field.into()),
        message: error.message(),
    }
}
