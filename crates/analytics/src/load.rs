//! 装载 — start-up in bulk: derive many persons' contributions in parallel, append
//! them unsorted, and sort each bucket once at the end, instead of one sorted insert
//! per interval.

use rayon::prelude::*;

use crate::engine::Engine;
use crate::index::SideIndex;
use crate::person::{PersonPiece, PersonState, Scratch, contributions};

/// Adds persons in bulk; the index is sorted when the loader is finished or dropped.
/// Put the records first: a person's contribution reads them (an employer's union).
#[derive(Debug)]
pub struct Loader<'e> {
    engine: &'e mut Engine,
}

/// Persons derived per parallel task.
const CHUNK: usize = 2048;

impl Engine {
    /// A bulk loader for start-up; the engine answers again once it is finished.
    pub fn loader(&mut self) -> Loader<'_> {
        Loader { engine: self }
    }
}

impl Loader<'_> {
    /// Adds persons not yet in the engine.
    pub fn add(&mut self, states: &[PersonState<'_>]) {
        let context = self.engine.context();
        let chunks: Vec<Vec<PersonPiece>> = states
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut scratch = Scratch::default();
                let mut out = Vec::new();
                for state in chunk {
                    contributions(context, *state, &mut scratch, &mut out);
                }
                out
            })
            .collect();
        for piece in chunks.iter().flatten() {
            self.engine
                .person_bucket(piece.side, piece.bucket)
                .push(piece.start, piece.end);
        }
    }

    /// Sorts the index; the same happens when the loader is dropped.
    pub fn finish(self) {}
}

impl Drop for Loader<'_> {
    fn drop(&mut self) {
        self.engine.persons.par_iter_mut().for_each(|side| {
            if let SideIndex::Count(buckets) = side {
                buckets.iter_mut().for_each(|bucket| bucket.sort());
            }
        });
    }
}
