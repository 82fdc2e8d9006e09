//! The engine's suite, one binary: small hand-computed cities for every kind of term
//! and predicate of the seed policy, at every level, on boundary dates; record and
//! aggregate changes; exact bands; writes checked against engines built afresh; and
//! the whole of Wuxi.

mod engine;
