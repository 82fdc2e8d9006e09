//! 行政区划 — division codes and the dated four-level hierarchy of a city
//! (city → district → town/street → village/community).

mod code;
mod hierarchy;
mod province;

pub use code::{CodeLevel, DivisionCode};
pub use hierarchy::*;
pub use province::province_name;
