//! Anju's domain: what a migrant, a division, a dated fact and an event are, and the
//! pure rules over them. Nothing here does I/O, knows SQL or speaks HTTP.

pub mod access;
pub mod division;
pub mod event;
pub mod message;
pub mod migrant;
pub mod permit;
pub mod plan;
pub mod policy;
pub mod policy_rules;
pub mod registry;
pub mod reported_value;
pub mod resident_id;

pub use jiff::civil::Date;
