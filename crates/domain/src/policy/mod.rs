//! 政策 — the policy as data: indicators, targets, bands, parameters, the permit's
//! rollout and the new-citizen criteria, read from a policy file (docs/policy.md).
//!
//! [`parse`] reads a file into the syntax tree (`ast.rs`); [`Policy::seed`] is the
//! default policy shipped in `policy/new-citizens.toml`. Nothing here evaluates.

mod ast;
mod display;
mod error;
mod expr;
mod fact;
mod file;
mod lexer;
mod names;
mod permit;
mod predicate;
mod rational;
mod reported;
mod rollout;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_expr;
mod validity;
mod value;

pub use ast::*;
pub use error::PolicyError;
pub use file::{SEED_FILE, SEED_TEXT, parse};
