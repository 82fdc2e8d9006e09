//! The HTTP API end to end: every test gets its own SQLite database in a temporary
//! directory, creates its users, logs in through the API and calls the router
//! (one test also binds a real socket). All integration tests live in this one
//! binary.

mod support;

#[path = "api/bad_input.rs"]
mod bad_input;
#[path = "api/exports.rs"]
mod exports;
#[path = "api/follow.rs"]
mod follow;
#[path = "api/imports.rs"]
mod imports;
#[path = "api/indicators.rs"]
mod indicators;
#[path = "api/permit_card.rs"]
mod permit_card;
#[path = "api/permit_steps.rs"]
mod permit_steps;
#[path = "api/permits.rs"]
mod permits;
#[path = "api/persons.rs"]
mod persons;
#[path = "api/records.rs"]
mod records;
#[path = "api/scope.rs"]
mod scope;
#[path = "api/session.rs"]
mod session;
