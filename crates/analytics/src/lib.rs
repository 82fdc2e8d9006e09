//! 指标引擎 — Anju's in-memory indicator engine: every indicator of the policy, for
//! every unit of the city, as of any date, in milliseconds.
//!
//! It knows no SQL, no HTTP and no store: its caller feeds it persons (with their
//! facts), records and reported values at start-up and after each committed write,
//! and asks it questions.
//!
//! ```text
//! Engine::new(policy, hierarchy)
//!   put_record(record, &[]) … ; loader().add(&persons) … ; set_aggregate(…)   start-up
//!   replace_person(before, after) / put_record(record, dependents)           each write
//!   evaluate(unit, D) / cube(D) / series(unit, id, from, to, step)           questions
//! ```
//!
//! # How it counts
//!
//! Every person predicate of the policy (a *side*: `employment and
//! labour_contract`, `age in 6..15`, …), as a function of the as-of date D, is a
//! union of intervals of days; intersected with the person's residences, each
//! interval lies in one unit (its *bucket*: the village of the residence, or under
//! a merged unit the one that stands for it on those days). The engine keeps no
//! person's facts: per side and bucket it keeps the starts of those intervals and
//! the ends of the closed ones, each a sorted `u16` array of days since 1950-01-01,
//! with fifteen samples of each array beside the bucket. Persons counted on D =
//! `#(starts ≤ D) − #(ends < D)`, read from the samples and one sixteenth of each
//! array. A write derives the person's intervals from the state before and after
//! and changes only the difference. Records (stripped of names) are kept and
//! indexed the same way, weighted for sums. A cube counts every side in every
//! bucket, adds up the hierarchy valid on D (never averaging), and combines the
//! sums exactly: each numerator and denominator is an integer over a common
//! denominator, and bands are decided by exact comparison.
//!
//! Dates from 1950-01-01 through 2129-06-05 can be asked about ([`EPOCH`],
//! [`last_supported`]); facts outside them are clipped, which changes no answer
//! within them.

mod aggregate;
mod calendar;
mod compile;
mod eligibility;
mod engine;
mod entitlement;
mod error;
mod exact;
mod index;
mod intervals;
mod load;
mod person;
mod policy_rules;
mod record;
mod result;
mod rollup;
mod series;
pub mod sql;
mod tree;

pub use calendar::{EPOCH, last_supported};
pub use eligibility::{CriterionOutcome, Eligibility, NewCitizenCount, Stretch, TestOutcome, Used};
pub use engine::{Engine, MemoryUse};
pub use entitlement::EntitlementOutcome;
pub use error::EngineError;
pub use exact::Exact;
pub use load::Loader;
pub use person::PersonState;
pub use policy_rules::CityRules;
pub use result::{Band, Cube, IndicatorResult, Step};
