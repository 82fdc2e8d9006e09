//! 政策 — the policy as data: indicators, targets, bands, parameters, the permit's
//! rollout and the new-citizen criteria, read from a policy file (docs/policy.md).

mod ast;

pub use ast::*;
