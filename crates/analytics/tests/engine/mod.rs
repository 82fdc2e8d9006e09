//! Cases of the engine's suite, by subject.

mod aggregates;
mod bands;
mod eligibility;
mod hierarchy;
mod persons;
mod policy_rules;
mod records;
mod replace;
mod seed;
mod series;
mod support;
mod windows;
