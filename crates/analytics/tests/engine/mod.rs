//! Cases of the engine's suite, by subject.

mod aggregates;
mod bands;
mod eligibility;
mod hierarchy;
mod permit_rules;
mod persons;
mod records;
mod replace;
mod seed;
mod series;
mod support;
mod windows;
