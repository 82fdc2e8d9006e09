//! The [`Store`] written once over any [`Backend`]: scope checks, recorded views,
//! the submit flow ([`submit`]) and bulk loading ([`load`]). A backend only knows
//! how to open transactions (and, for a bulk load, how to trade durability for
//! speed and back); the SQL it runs is shared (see [`crate::sql`]).

mod import;
pub(crate) mod load;
mod submit;

pub(crate) use load::refuse_unfinished;

use std::sync::{Arc, Mutex, RwLock};

use domain::access::{User, UserId};
use domain::division::{DivisionCode, Hierarchy};
use domain::event::{Change, Event, Source};
use domain::message::FieldError;
use domain::migrant::MigrantRule;
use domain::permit::{Permit, PermitId};
use domain::policy_rules::{NoPolicyRules, PolicyRules};
use domain::registry::{Fact, FamilyLink, Person, PersonId, Record, RecordId};
use domain::reported_value::ReportedValue;
use domain::resident_id::ResidentId;
use jiff::civil::Date;
use jiff::{Timestamp, Unit};

use crate::sql::Sql;
use crate::vault::Vault;
use crate::{
    Commit, CountedPerson, ImportListener, ImportRecord, ImportReport, ImportRow, ImportRun,
    Imported, Loader, LogSince, NameCursor, NamePage, NewUser, Page, PersonFile, PersonSummary,
    Receipt, RefusedPage, RunRecord, Store, StoreError, ViewEntry, mask_resident_id,
};
use crate::{import_runs, journal, name_index, permits, queries, segment};

/// How a backend runs transactions. Each call commits when `f` succeeds and rolls
/// back when it fails.
pub(crate) trait Backend: Send + Sync + 'static {
    /// The connection a bulk load keeps until it ends.
    type Bulk<'a>: Bulk
    where
        Self: 'a;
    /// A write transaction: serialised against other writers where the backend
    /// needs it (SQLite's single writer), durable on return; rolled back when
    /// `f` fails (with an error of its own, if it has one to give back).
    fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
    ) -> Result<T, E>;
    /// A read-only transaction on a pooled connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// A connection for a bulk load (SQLite: the writer, which other writers wait
    /// for until the bulk connection is dropped).
    fn bulk(&self) -> Result<Self::Bulk<'_>, StoreError>;
}

/// The connection of a bulk load. Dropping it returns the connection to the
/// settings of normal writes (as [`Bulk::durable`], ignoring errors).
pub(crate) trait Bulk {
    /// A write transaction, like [`Backend::write`].
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError>;
    /// Trades durability for speed until [`Bulk::durable`]: only for a load into
    /// an empty registry, which can be built again when the load does not finish.
    fn fast(&mut self) -> Result<(), StoreError>;
    /// Back to the settings of normal writes, with everything committed so far
    /// on disk.
    fn durable(&mut self) -> Result<(), StoreError>;
}

/// The city as the write path needs it, cached until its divisions change.
pub(crate) struct City {
    version: i64,
    hierarchy: Hierarchy,
    rule: MigrantRule,
}

/// A [`Store`] over one backend.
pub(crate) struct Engine<B> {
    backend: B,
    vault: Vault,
    city: Mutex<Option<Arc<City>>>,
    /// What permit steps are held against ([`NoPolicyRules`] until given).
    policy_rules: RwLock<Arc<dyn PolicyRules + Send + Sync>>,
}

/// Now, to the microsecond both backends keep.
pub(crate) fn now() -> Timestamp {
    Timestamp::now()
        .round(Unit::Microsecond)
        .expect("now is far from the end of time")
}

/// Today in China (UTC+8 all year).
fn today() -> Date {
    Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

fn not_initialised() -> StoreError {
    StoreError::Refused(FieldError::new(
        "city",
        "数据库尚未初始化城市",
        "expected an initialised database, but it holds no city",
    ))
}

fn may_not_read() -> StoreError {
    StoreError::Forbidden(FieldError::new(
        "role",
        "当前角色无权查看人员信息",
        "expected a role that may read person records",
    ))
}

fn person_not_found(id: PersonId) -> StoreError {
    StoreError::NotFound {
        what: "person",
        key: id.to_string(),
    }
}

fn summary(person: &Person) -> PersonSummary {
    PersonSummary {
        id: person.id,
        name: person.name.clone(),
        masked_id: mask_resident_id(person.resident_id.as_str()),
        unit: person.unit,
        present: person.present_on(today()),
    }
}

impl<B: Backend> Engine<B> {
    pub(crate) fn new(backend: B, vault: Vault) -> Self {
        Engine {
            backend,
            vault,
            city: Mutex::new(None),
            policy_rules: RwLock::new(Arc::new(NoPolicyRules)),
        }
    }

    /// The city, from the cache when its divisions have not changed since.
    fn city(&self, tx: &mut dyn Sql) -> Result<Arc<City>, StoreError> {
        let version = journal::units_version(tx)?.ok_or_else(not_initialised)?;
        let mut cache = self
            .city
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(city) = cache.as_ref().filter(|city| city.version == version) {
            return Ok(city.clone());
        }
        let (rule, version) = journal::settings(tx)?.ok_or_else(not_initialised)?;
        let hierarchy = Hierarchy::from_units(journal::units(tx)?).map_err(|error| {
            StoreError::Database(format!("reading the city's divisions: {error}"))
        })?;
        let city = Arc::new(City {
            version,
            hierarchy,
            rule,
        });
        *cache = Some(city.clone());
        Ok(city)
    }

    /// The policy rules given last.
    fn policy_rules(&self) -> Arc<dyn PolicyRules + Send + Sync> {
        self.policy_rules
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Runs `f` on a person the viewer may read, in a write transaction that also
    /// records the view; persons outside the viewer's subtree are not found.
    fn viewed<T>(
        &self,
        viewer: &User,
        id: PersonId,
        what: &str,
        f: impl FnOnce(&mut dyn Sql, Person) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if !viewer.may_read_persons() {
            return Err(may_not_read());
        }
        self.backend.write(|tx| {
            segment::move_out(tx, &self.vault, &[id])?;
            let person = queries::person(tx, &self.vault, id, false)?
                .filter(|person| viewer.covers(person.unit))
                .ok_or_else(|| person_not_found(id))?;
            journal::record_view(tx, viewer.id, id, now(), what)?;
            f(tx, person)
        })
    }

    /// The persons `links` join `id` to whom `viewer` may read, by number, each
    /// recorded as viewed (`family`).
    fn relatives(
        &self,
        tx: &mut dyn Sql,
        viewer: &User,
        id: PersonId,
        links: &[FamilyLink],
    ) -> Result<Vec<PersonSummary>, StoreError> {
        let mut others: Vec<PersonId> = links.iter().map(|link| link.other(id)).collect();
        others.sort_unstable();
        others.dedup();
        let at = now();
        let mut shown = Vec::with_capacity(others.len());
        for other in others {
            let Some(relative) = queries::person(tx, &self.vault, other, false)?
                .filter(|relative| viewer.covers(relative.unit))
            else {
                continue;
            };
            journal::record_view(tx, viewer.id, other, at, "family")?;
            shown.push(summary(&relative));
        }
        Ok(shown)
    }
}

/// Why an import's write transaction was rolled back.
enum Unwritten {
    Store(StoreError),
    /// All or nothing, and a row refused: the run, to record apart.
    Refused(Imported),
}

impl From<StoreError> for Unwritten {
    fn from(error: StoreError) -> Self {
        Unwritten::Store(error)
    }
}

impl<B: Backend> Store for Engine<B> {
    fn initialise(&self, city: &Hierarchy, rule: &MigrantRule) -> Result<(), StoreError> {
        self.backend.write(|tx| load::initialise(tx, city, rule))
    }

    fn hierarchy(&self) -> Result<Hierarchy, StoreError> {
        self.backend.read(|tx| Ok(self.city(tx)?.hierarchy.clone()))
    }

    fn record_merge(
        &self,
        old: &[DivisionCode],
        into: DivisionCode,
        on: Date,
    ) -> Result<(), StoreError> {
        self.backend.write(|tx| {
            let before = &self.city(tx)?.hierarchy;
            let mut after = before.clone();
            after
                .record_merge(old, into, on)
                .map_err(StoreError::Refused)?;
            let changed = after
                .units()
                .iter()
                .filter(|unit| before.unit(unit.code) != Some(*unit));
            journal::save_units(tx, changed)
        })
    }

    fn set_policy_rules(&self, rules: Arc<dyn PolicyRules + Send + Sync>) {
        *self
            .policy_rules
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = rules;
    }

    fn submit(&self, actor: &User, source: Source, change: Change) -> Result<Receipt, StoreError> {
        let rules = self.policy_rules();
        self.backend.write(|tx| {
            let city = self.city(tx)?;
            submit::submit(tx, &self.vault, &city, &*rules, actor, source, change)
        })
    }

    fn person(&self, viewer: &User, id: PersonId) -> Result<PersonFile, StoreError> {
        self.viewed(viewer, id, "file", |tx, person| {
            let family = queries::links_of(tx, id)?;
            let relatives = self.relatives(tx, viewer, id, &family)?;
            Ok(PersonFile {
                facts: queries::facts_of(tx, id)?,
                family,
                relatives,
                person,
            })
        })
    }

    fn facts_on(&self, viewer: &User, id: PersonId, date: Date) -> Result<Vec<Fact>, StoreError> {
        self.viewed(viewer, id, "facts", |tx, _| queries::facts_on(tx, id, date))
    }

    fn timeline(&self, viewer: &User, id: PersonId) -> Result<Vec<Event>, StoreError> {
        self.viewed(viewer, id, "timeline", |tx, _| {
            journal::events_of(tx, &self.vault, id)
        })
    }

    fn find_by_resident_id(
        &self,
        viewer: &User,
        id: &ResidentId,
    ) -> Result<Option<PersonSummary>, StoreError> {
        if !viewer.may_read_persons() {
            return Err(may_not_read());
        }
        let index = self.vault.blind_index(id);
        self.backend.write(|tx| {
            let Some(person) = queries::person_by_index(tx, &self.vault, &index, false)?
                .filter(|p| viewer.covers(p.unit))
            else {
                return Ok(None);
            };
            segment::move_out(tx, &self.vault, &[person.id])?;
            journal::record_view(tx, viewer.id, person.id, now(), "lookup")?;
            Ok(Some(summary(&person)))
        })
    }

    fn search_by_name_page(
        &self,
        viewer: &User,
        name: &str,
        after: Option<&NameCursor>,
        limit: usize,
    ) -> Result<NamePage, StoreError> {
        if !viewer.may_read_persons() {
            return Err(may_not_read());
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(FieldError::new(
                "name",
                "请输入要查找的姓名",
                "expected part of a name to search for, but found nothing",
            )));
        }
        self.backend.write(|tx| {
            let range = viewer.unit.subtree_range();
            let (found, next) = name_index::search(tx, &self.vault, range, name, after, limit)?;
            segment::move_out(tx, &self.vault, &found)?;
            let at = now();
            let mut hits = Vec::with_capacity(found.len());
            for id in found {
                let person = queries::person(tx, &self.vault, id, false)?
                    .ok_or_else(|| person_not_found(id))?;
                journal::record_view(tx, viewer.id, person.id, at, "search")?;
                hits.push(summary(&person));
            }
            Ok(NamePage { hits, next })
        })
    }

    fn person_list(&self, viewer: &User, unit: DivisionCode) -> Result<Vec<Person>, StoreError> {
        if !viewer.may_read_persons() {
            return Err(may_not_read());
        }
        if !viewer.covers(unit) {
            return Err(StoreError::Forbidden(FieldError::new(
                "unit",
                format!("单位 {unit} 不在您的管辖范围内"),
                format!("expected a unit inside your own, but found {unit}"),
            )));
        }
        self.backend.write(|tx| {
            segment::move_out_units(tx, &self.vault, unit.subtree_range())?;
            let listed = queries::persons_in(tx, &self.vault, unit.subtree_range())?;
            journal::record_views(tx, viewer.id, listed.iter().map(|p| p.id), now(), "list")?;
            Ok(listed)
        })
    }

    fn views_of(&self, viewer: &User, id: PersonId) -> Result<Vec<ViewEntry>, StoreError> {
        if !viewer.may_read_persons() {
            return Err(may_not_read());
        }
        self.backend.read(|tx| {
            let person = match queries::person(tx, &self.vault, id, false)? {
                Some(person) => Some(person),
                None => segment::person(tx, &self.vault, id)?.map(|state| state.person),
            };
            person
                .filter(|person| viewer.covers(person.unit))
                .ok_or_else(|| person_not_found(id))?;
            journal::views_of(tx, id)
        })
    }

    fn permits(&self, viewer: &User, person: PersonId) -> Result<Vec<Permit>, StoreError> {
        self.viewed(viewer, person, "permits", |tx, _| {
            permits::permits_of(tx, person)
        })
    }

    fn permit(&self, viewer: &User, id: PermitId) -> Result<Permit, StoreError> {
        let not_found = || StoreError::NotFound {
            what: "permit",
            key: id.to_string(),
        };
        let permit = self
            .backend
            .read(|tx| permits::permit(tx, id))?
            .ok_or_else(not_found)?;
        self.viewed(viewer, permit.person, "permit", |_, _| Ok(()))
            .map_err(|error| match error {
                StoreError::NotFound { .. } => not_found(),
                other => other,
            })?;
        Ok(permit)
    }

    fn replaced_or_revoked_permits(&self) -> Result<Vec<Permit>, StoreError> {
        self.backend.read(|tx| permits::replaced_or_revoked(tx))
    }

    fn record(&self, viewer: &User, id: RecordId) -> Result<Record, StoreError> {
        self.backend.read(|tx| {
            queries::record(tx, id)?
                .filter(|record| viewer.covers(record.unit))
                .ok_or_else(|| StoreError::NotFound {
                    what: "record",
                    key: id.to_string(),
                })
        })
    }

    fn records(
        &self,
        viewer: &User,
        kind: Option<&str>,
        page: Page,
    ) -> Result<Vec<Record>, StoreError> {
        self.backend
            .read(|tx| queries::records_in(tx, viewer.unit.subtree_range(), kind, page))
    }

    fn records_named(
        &self,
        viewer: &User,
        kinds: &[&str],
        part: &str,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError> {
        self.backend
            .read(|tx| queries::records_named(tx, viewer.unit.subtree_range(), kinds, part, limit))
    }

    fn create_user(&self, user: NewUser) -> Result<User, StoreError> {
        self.backend.write(|tx| journal::insert_user(tx, &user))
    }

    fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.backend.read(|tx| journal::user(tx, id))
    }

    fn credentials(&self, login: &str) -> Result<Option<(User, String)>, StoreError> {
        self.backend.read(|tx| journal::credentials(tx, login))
    }

    fn create_session(
        &self,
        user: UserId,
        token_hash: [u8; 32],
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend
            .write(|tx| journal::insert_session(tx, user, &token_hash, expires))
    }

    fn end_session(&self, token_hash: [u8; 32]) -> Result<(), StoreError> {
        self.backend
            .write(|tx| journal::delete_session(tx, &token_hash))
    }

    fn session_user(
        &self,
        token_hash: [u8; 32],
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        self.backend
            .read(|tx| journal::session_user(tx, &token_hash, now))
    }

    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<Event>, StoreError> {
        self.backend
            .read(|tx| journal::events_after(tx, &self.vault, seq, limit))
    }

    fn log_since(&self, seq: i64, known_persons: PersonId) -> Result<LogSince, StoreError> {
        self.backend
            .read(|tx| journal::log_since(tx, &self.vault, seq, known_persons))
    }

    fn scan(
        &self,
        records: &mut dyn FnMut(Vec<Record>),
        persons: &mut dyn FnMut(Vec<CountedPerson>),
        values: &mut dyn FnMut(ReportedValue),
    ) -> Result<i64, StoreError> {
        /// Persons read per batch: bounded memory, few round trips.
        const BATCH: i64 = 50_000;
        /// Records handed over per batch.
        const RECORDS: usize = 4096;
        self.backend.read(|tx| {
            let seq = journal::last_seq(tx)?;
            let mut batch = Vec::with_capacity(RECORDS);
            queries::all_records(tx, &mut |record| {
                batch.push(record);
                if batch.len() == RECORDS {
                    records(std::mem::replace(&mut batch, Vec::with_capacity(RECORDS)));
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                records(batch);
            }
            let last = queries::max_person(tx)?;
            let mut from = 1;
            while from <= last {
                let to = from + BATCH - 1;
                persons(queries::counted_in(tx, &self.vault, (from, to))?);
                from = to + 1;
            }
            queries::all_values(tx, &mut |value| {
                values(value);
                Ok(())
            })?;
            Ok(seq)
        })
    }

    fn loader(&self) -> Result<Box<dyn Loader + '_>, StoreError> {
        Ok(Box::new(load::BulkLoader::start(
            self.backend.bulk()?,
            &self.vault,
        )?))
    }

    fn import(
        &self,
        run: &ImportRun<'_>,
        rows: &[ImportRow],
        listener: &mut dyn ImportListener,
    ) -> Result<Imported, StoreError> {
        let rules = self.policy_rules();
        let plan = |tx: &mut dyn Sql, listener: &mut dyn ImportListener| {
            let city = self.city(tx)?;
            let call = import::Run {
                vault: &self.vault,
                city: &city,
                policy_rules: &*rules,
                actor: run.actor,
                file: run.file,
                rows,
            };
            import::import(tx, &call, run.commit, run.changes, listener)
        };
        let record = |tx: &mut dyn Sql, record: RunRecord<'_>| {
            import::record(tx, &self.vault, run.actor, record)
        };
        // The record of a run that commits nothing, appended once its rows
        // are planned and, if any were written, rolled back.
        let record_apart = |listener: &mut dyn ImportListener| {
            listener
                .ends_run(false)
                .map(|ended| self.backend.write(|tx| record(tx, ended)))
                .transpose()
        };
        if run.commit == Commit::Never {
            // Nothing is written but the run's record: the rows are planned on
            // a snapshot, so that no writer waits while they are.
            let imported = self.backend.read(|tx| plan(tx, listener))?;
            let event = record_apart(listener)?;
            return Ok(Imported { event, ..imported });
        }
        let written = self.backend.write(|tx| {
            let imported = plan(tx, listener)?;
            if !imported.committed {
                // All or nothing, and a row refused: whatever the rows wrote
                // (a large file's sections) goes back with the transaction.
                return Err(Unwritten::Refused(imported));
            }
            let event = match listener.ends_run(true) {
                Some(ended) => Some(record(tx, ended)?),
                None => {
                    if let Some(summary) = listener.unfinished() {
                        import_runs::keep_unfinished(tx, run.actor, &summary, now())?;
                    }
                    None
                }
            };
            Ok(Imported { event, ..imported })
        });
        match written {
            Ok(imported) => Ok(imported),
            Err(Unwritten::Store(error)) => Err(error),
            Err(Unwritten::Refused(imported)) => {
                let event = record_apart(listener)?;
                Ok(Imported { event, ..imported })
            }
        }
    }

    fn fold_segment(&self) -> Result<Option<usize>, StoreError> {
        // A server asks every second: the writer is taken only for a piece.
        if !self.backend.read(|tx| segment::any(tx))? {
            return Ok(None);
        }
        self.backend.write(|tx| {
            tx.lock_log()?;
            segment::fold(tx, &self.vault)
        })
    }

    fn import_report(
        &self,
        viewer: &User,
        seq: i64,
        page: RefusedPage,
    ) -> Result<ImportReport, StoreError> {
        self.backend
            .read(|tx| import_runs::read(tx, &self.vault, viewer, seq, page))
    }

    fn import_runs(&self, viewer: &User, limit: usize) -> Result<Vec<ImportRecord>, StoreError> {
        self.backend
            .read(|tx| import_runs::list(tx, &self.vault, viewer, limit))
    }
}
