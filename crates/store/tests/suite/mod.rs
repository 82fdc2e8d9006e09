//! The cases of the store suite, each run on both backends.

mod fixtures;
mod harness;

mod divisions;
mod integrity;
mod lifecycle;
mod load;
mod permits;
mod reads;
mod registration;
mod scope;
mod values;
