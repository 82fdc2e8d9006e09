//! The web pages end to end through the router: a visitor with a cookie jar logs in
//! through the login form, follows pages and posts forms with their CSRF tokens.
//! Every test gets its own SQLite database.

mod support;

#[path = "pages/visitor.rs"]
mod visitor;

#[path = "pages/session.rs"]
mod session;

#[path = "pages/dashboard.rs"]
mod dashboard;

#[path = "pages/station.rs"]
mod station;

#[path = "pages/records.rs"]
mod records;

#[path = "pages/language.rs"]
mod language;

#[path = "pages/follow_up.rs"]
mod follow_up;

#[path = "pages/imports.rs"]
mod imports;
