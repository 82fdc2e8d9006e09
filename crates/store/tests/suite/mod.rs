//! The cases of the store suite, each run on both backends.

mod fixtures;
mod harness;

mod busy;
mod checkpoints;
mod divisions;
mod import_runs;
mod imports;
mod integrity;
mod lifecycle;
mod lists;
mod load;
mod names;
mod permits;
mod policy_rules;
mod reads;
mod registration;
mod scan;
mod scope;
mod segments;
mod values;
