//! 行政区划 — division codes and the dated four-level hierarchy of a city
//! (city → district → town/street → village/community).

mod code;
mod hierarchy;

pub use code::{CodeLevel, DivisionCode};
pub use hierarchy::*;
