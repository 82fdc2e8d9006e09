//! 指标 — the indicator engine inside the server: built from the store at start,
//! changed after every committed write, and asked by `GET /api/v1/indicators`.
//!
//! Writes and the engine share one lock, taken before the store commits and released
//! after the engine has the change: the next query sees every committed write, and
//! the engine receives changes in commit order. No batch job.

use std::cell::RefCell;
use std::sync::{Arc, RwLock};

use analytics::{Engine, IndicatorResult, Loader};
use axum::extract::State;
use domain::division::{DivisionCode, Hierarchy};
use domain::policy::Policy;
use domain::registry::Record;
use domain::reported_value::ReportedValue;
use serde::Deserialize;
use store::{Changed, PersonState, Store, StoreError};
use utoipa::IntoParams;

use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code};
use crate::extract::{Json, Query, date_param};
use crate::openapi::ReadErrors;

/// The engine and the lock that orders writes into it.
pub type SharedEngine = Arc<RwLock<Engine>>;

/// Builds the engine of `policy` from everything the store holds, streaming: the
/// scan hands over every record before the first persons, so records go in first
/// (a person's count can read their employer) and each batch of persons goes
/// straight into one loader, never all held at once.
pub fn build(
    store: &dyn Store,
    policy: Arc<Policy>,
    hierarchy: Hierarchy,
) -> Result<Engine, StoreError> {
    let mut engine = Engine::new(policy, hierarchy);
    let mut values = Vec::new();
    let sink = RefCell::new(Sink::Records(&mut engine, Ok(())));
    store.scan(
        &mut |record| sink.borrow_mut().record(&record),
        &mut |states| sink.borrow_mut().persons(&states),
        &mut |value| values.push(value),
    )?;
    sink.into_inner().finish()?;
    for value in &values {
        set_value(&mut engine, value)?;
    }
    Ok(engine)
}

/// Where the scan's rows go: records into the engine, then persons into a loader.
enum Sink<'e> {
    /// Records so far, and the first failure to put one.
    Records(&'e mut Engine, Result<(), analytics::EngineError>),
    Persons(Loader<'e>),
    /// Only while changing from one to the other.
    Switching,
}

impl Sink<'_> {
    fn record(&mut self, record: &Record) {
        match self {
            Sink::Records(engine, outcome) if outcome.is_ok() => {
                *outcome = engine.put_record(record, &[])
            }
            Sink::Records(..) => {}
            Sink::Persons(_) | Sink::Switching => {
                unreachable!("the scan hands over every record before the persons")
            }
        }
    }

    fn persons(&mut self, states: &[PersonState]) {
        if let Sink::Records(..) = self {
            let Sink::Records(engine, outcome) = std::mem::replace(self, Sink::Switching) else {
                unreachable!()
            };
            if outcome.is_err() {
                *self = Sink::Records(engine, outcome);
                return;
            }
            *self = Sink::Persons(engine.loader());
        }
        if let Sink::Persons(loader) = self {
            loader.add(&states.iter().map(view).collect::<Vec<_>>());
        }
    }

    fn finish(self) -> Result<(), StoreError> {
        match self {
            Sink::Records(_, outcome) => outcome.map_err(engine_failed),
            Sink::Persons(loader) => {
                loader.finish();
                Ok(())
            }
            Sink::Switching => unreachable!("a switch always completes"),
        }
    }
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
fn set_value(engine: &mut Engine, value: &ReportedValue) -> Result<(), StoreError> {
    engine
        .set_aggregate(value.unit, &value.name, value.from, value.to, value.value)
        .map_err(engine_failed)
}

fn view(state: &PersonState) -> analytics::PersonState<'_> {
    analytics::PersonState {
        person: &state.person,
        facts: &state.facts,
    }
}

fn engine_failed(error: analytics::EngineError) -> StoreError {
    StoreError::Database(format!("indicator engine: {error}"))
}

/// The unit and date asked about.
#[derive(Debug, Deserialize, IntoParams)]
pub struct IndicatorQuery {
    /// A division code, e.g. 320211.
    pub unit: String,
    /// YYYY-MM-DD; today when absent.
    pub as_of: Option<String>,
}

/// Every indicator of the policy for a unit and its direct children, as of a date.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators",
    params(IndicatorQuery),
    responses((status = 200, description = "One object per (indicator, unit)", body = Vec<Object>), ReadErrors),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<App>,
    CurrentUser(_user): CurrentUser,
    Query(query): Query<IndicatorQuery>,
) -> Result<Json<Vec<IndicatorResult>>, ApiError> {
    let unit: DivisionCode = query
        .unit
        .parse()
        .map_err(|error: domain::message::FieldError| ApiError {
            code: Code::InvalidParameter,
            field: Some("unit".into()),
            message: error.message,
        })?;
    let as_of = date_param("as_of", query.as_of.as_deref())?.unwrap_or_else(crate::today);
    let engine = app
        .engine()
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    engine
        .evaluate(unit, as_of)
        .map(Json)
        .map_err(|error| ApiError {
            code: Code::InvalidParameter,
            field: Some("unit".into()),
            message: error.message(),
        })
}
