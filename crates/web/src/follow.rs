//! 跟进 — the serving engine keeps level with the log when other processes write
//! to the database (an `anju import` from the command line while the server
//! runs): a cheap look at the log's high-water mark, then what the new events did.
//!
//! The server knows the last event its engine reflects (`seen`, every event
//! before it included) and the highest person number it holds. Events of other
//! processes that only register new persons, report values or record an
//! import's run are caught up in place: the new persons are read as the store
//! counts them and added in bulk, the values set in order. Anything else (a fact
//! or move of a person the engine holds, a record) cannot be applied without the
//! person's state before it, which the engine does not keep: the engine is then
//! built again from the store. So is it when another process's event came
//! between this server's own (the sequence numbers show a gap).
//!
//! Lock order: the engine's write lock, then [`Reach`]'s mutex.

use domain::event::Change;
use domain::registry::PersonId;
use store::{Store, StoreError};

use crate::indicators;

/// How far the serving engine reaches into the log.
#[derive(Debug)]
pub struct Reach {
    /// The engine reflects every event up to this one.
    seen: i64,
    /// The highest person number the engine holds.
    last_person: PersonId,
    /// The engine must be built again (a gap in the sequence numbers).
    stale: bool,
}

impl Reach {
    /// Where an engine built from the store reaches.
    pub fn new(seen: i64, last_person: PersonId) -> Reach {
        Reach {
            seen,
            last_person,
            stale: false,
        }
    }

    /// This server committed the events after `seen` up to `last`, about persons
    /// up to `person`, and gave the engine what they changed: when no other
    /// process's event came between, the engine now reaches `last`.
    pub fn own(&mut self, events: i64, last: i64, person: Option<PersonId>) {
        if last - events == self.seen {
            self.seen = last;
            self.last_person = self.last_person.max(person.unwrap_or(0));
        } else {
            self.stale = true;
        }
    }

    /// The engine missed a change (it refused one as stale): build it again.
    pub fn lost(&mut self) {
        self.stale = true;
    }

    /// The last event the engine reflects.
    pub fn seen(&self) -> i64 {
        self.seen
    }

    /// The highest person number the engine holds.
    pub fn last_person(&self) -> PersonId {
        self.last_person
    }

    /// Whether the engine must be built again.
    pub fn is_stale(&self) -> bool {
        self.stale
    }
}

/// Brings `engine` level with the log; whether there was anything to catch up.
/// Call with the engine's write lock held.
pub fn catch_up(
    store: &dyn Store,
    engine: &mut analytics::Engine,
    follow: &mut Reach,
) -> Result<bool, StoreError> {
    if !follow.stale {
        let since = store.log_since(follow.seen, follow.last_person)?;
        if since.last == follow.seen {
            return Ok(false);
        }
        let in_place = !since.known_touched
            && since.other.iter().all(|event| {
                matches!(
                    event.change,
                    Change::ReportValue { .. } | Change::Import { .. }
                )
            });
        if in_place {
            let mut loader = engine.loader();
            indicators::add_counted(&mut loader, &since.new_persons);
            loader.finish();
            for event in &since.other {
                if let Change::ReportValue { value } = &event.change {
                    indicators::set_value(engine, value)?;
                }
            }
            follow.seen = since.last;
            follow.last_person = since
                .new_persons
                .iter()
                .map(|person| person.id)
                .fold(follow.last_person, PersonId::max);
            return Ok(true);
        }
    }
    let built = indicators::build_at(
        store,
        std::sync::Arc::clone(engine.policy()),
        store.hierarchy()?,
    )?;
    *engine = built.engine;
    *follow = Reach::new(built.seq, built.last_person);
    Ok(true)
}
