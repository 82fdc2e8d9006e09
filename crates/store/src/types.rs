//! What the store hands back and takes in besides domain types.

use domain::access::{Department, Role, UserId};
use domain::division::DivisionCode;
use domain::event::{Change, Event};
use domain::plan::Refusal;
use domain::registry::{Fact, FactId, FactKind, FamilyLink, Person, PersonId, Record};
use domain::reported_value::ReportedValue;
use domain::resident_id::{ResidentId, Sex};
use jiff::civil::Date;
use serde::Serialize;

/// What a committed event produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The event's place in the log.
    pub seq: i64,
    /// The person it is about (for a registration, the new person's number).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person: Option<PersonId>,
    /// Facts it inserted, in the order of the plan.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<i64>))]
    pub facts: Vec<FactId>,
    /// The record it saved, if any.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub record: Option<domain::registry::RecordId>,
    /// The residence permit (or application) it saved, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub permit: Option<domain::permit::PermitId>,
    /// The state the event changed, for the indicator engine (not sent to clients).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub changed: Changed,
}

/// A person with all their facts, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonState {
    pub person: Person,
    pub facts: Vec<Fact>,
}

/// A person as the indicator engine counts them, from [`crate::Store::scan`]: what
/// they are (sex, birth date), until when they were here, and every fact, oldest
/// first; no name or ID number, which no indicator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedPerson {
    pub id: PersonId,
    pub sex: Sex,
    pub birth_date: Date,
    /// 离开日期 — no longer present from this day.
    pub left_on: Option<Date>,
    pub facts: Vec<Fact>,
}

/// What a committed event changed, read in the same transaction, so that the
/// indicator engine can replace exactly what it counted before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// The person the event is about, before and after (`None` before a first
    /// registration).
    pub before: Option<PersonState>,
    pub after: Option<PersonState>,
    /// The record the event saved, and the persons whose facts refer to it.
    pub record: Option<(Record, Vec<PersonState>)>,
    /// The value the event reported (replacing any of the same unit, name and period).
    pub value: Option<ReportedValue>,
}

/// A person's file as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonFile {
    /// The person as the registry knows them now.
    pub person: Person,
    /// Every fact, oldest first.
    pub facts: Vec<Fact>,
    /// Family links on either side (the person or their relative).
    pub family: Vec<FamilyLink>,
    /// The persons those links name beside this one whom the viewer may read
    /// (registered in the viewer's subtree), by number; each is recorded as
    /// viewed (`family`). A relative outside the subtree is named by number only.
    pub relatives: Vec<PersonSummary>,
}

/// A search hit: enough to pick the right person, with the ID number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonSummary {
    /// The person's number.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: PersonId,
    /// The name as registered.
    pub name: String,
    /// e.g. `340102**********1X` — first six and last two characters.
    pub masked_id: String,
    /// The village or community of the current (or last) residence.
    pub unit: DivisionCode,
    /// Whether a residence holds today (not departed).
    pub present: bool,
}

/// 翻页位置 — where the next page of a name search starts: after this hit (see
/// [`crate::Store::search_by_name_page`]). Its text form travels in a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCursor {
    /// Whether the hit was named exactly as asked (those come first).
    pub exact: bool,
    /// The hit's name.
    pub name: String,
    /// The hit's number.
    pub person: PersonId,
}

impl NameCursor {
    /// `e.` or `c.` (exact or containing), the number, `.`, the name.
    pub fn to_text(&self) -> String {
        let tier = if self.exact { 'e' } else { 'c' };
        format!("{tier}.{}.{}", self.person, self.name)
    }

    /// The cursor [`NameCursor::to_text`] wrote, if `text` is one.
    pub fn parse(text: &str) -> Option<NameCursor> {
        let (tier, rest) = text.split_once('.')?;
        let (person, name) = rest.split_once('.')?;
        Some(NameCursor {
            exact: match tier {
                "e" => true,
                "c" => false,
                _ => return None,
            },
            name: name.to_owned(),
            person: person.parse().ok().filter(|id: &PersonId| *id > 0)?,
        })
    }
}

/// One page of a name search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePage {
    /// Exact names first, then the others by name.
    pub hits: Vec<PersonSummary>,
    /// Where the next page starts, when there is one.
    pub next: Option<NameCursor>,
}

/// One recorded view of a person's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViewEntry {
    /// Who looked.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub viewer: UserId,
    /// Their login name.
    pub viewer_login: String,
    /// When (UTC).
    pub at: jiff::Timestamp,
    /// What was looked at: `file`, `facts`, `timeline`, `permits`, `permit`,
    /// `lookup`, `search`, `list` or `family` (named on a relative's file).
    pub what: String,
}

/// A page of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Only items numbered above this (0: from the first); pages a long list by
    /// key, so that a later page costs no more than the first.
    pub after: i64,
    /// How many items to skip.
    pub offset: usize,
    /// The most items to return.
    pub limit: usize,
}

/// A user to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The login name, unique.
    pub login: String,
    /// The user's full name.
    pub name: String,
    /// What the user does.
    pub role: Role,
    /// The unit whose subtree the user works in.
    pub unit: DivisionCode,
    /// The department, for a department's data manager.
    pub department: Option<Department>,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// State and history written in bulk (the demo city). Ids are assigned by the caller.
#[derive(Debug, Clone, Default)]
pub struct LoadBatch {
    /// Records that are not persons (written first: facts may name them).
    pub records: Vec<Record>,
    /// Persons, with their ID numbers in clear (the store encrypts them).
    pub persons: Vec<Person>,
    /// Facts of those persons.
    pub facts: Vec<Fact>,
    /// Family links between those persons.
    pub links: Vec<FamilyLink>,
    /// Reported values; each (unit, name, period) at most once, and new.
    pub values: Vec<ReportedValue>,
    /// Residence permits and applications of those persons, in their final state.
    pub permits: Vec<domain::permit::Permit>,
    /// The events that made this state; `seq` is kept.
    pub events: Vec<Event>,
}

/// Masks an ID number for lists: the first six and last two characters stay.
pub fn mask_resident_id(id: &str) -> String {
    let keep_tail = id.len().saturating_sub(2);
    id.char_indices()
        .map(|(i, c)| if i < 6 || i >= keep_tail { c } else { '*' })
        .collect()
}

/// 导入文件 — the department file an import reads: its name and the SHA-256 of
/// its bytes, which with a row number makes each row's key (see [`crate::Store::import`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFile {
    pub name: String,
    /// Lower-case hex.
    pub sha256: String,
}

/// One row of a department's file, as the planner will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The row's number in the file, as a spreadsheet shows it (the header is 1).
    pub row: u64,
    pub change: RowChange,
}

/// What a row asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowChange {
    /// A change that names no registered person (a registration, a value).
    Change(Change),
    /// A dated fact about the registered person with this ID number (departments
    /// know people by ID number, not by the registry's number), whom `name`
    /// must name as the registry does: a row whose name is another's (a row
    /// shifted against its ID numbers in a spreadsheet) is refused.
    PersonFact {
        resident_id: ResidentId,
        name: String,
        fact: FactKind,
        from: Date,
        to: Option<Date>,
    },
}

/// When the rows of one [`crate::Store::import`] call are committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// Never: a dry run, every row planned and applied, then rolled back.
    Never,
    /// Only if no row is refused: all or nothing.
    IfAllValid,
    /// The rows the planner accepts; refused rows are left out.
    ValidRows,
}

/// One call of [`crate::Store::import`]: who imports which file, and when its
/// rows commit.
#[derive(Debug, Clone, Copy)]
pub struct ImportRun<'a> {
    pub actor: &'a domain::access::User,
    pub file: &'a ImportFile,
    pub commit: Commit,
    /// Whether to hand back what the rows changed (an indicator engine wants it;
    /// the command line does not, and saves the memory).
    pub changes: bool,
}

/// What one call of [`crate::Store::import`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// Whether the rows were written.
    pub committed: bool,
    /// When asked for and committed: each person the rows changed, once (before
    /// the rows and after them; a large file planned in sections, once a
    /// section, in order), then each reported value in file order.
    pub changed: Vec<Changed>,
    /// When the call ended the run: the sequence number of the event that
    /// records it (see [`ImportListener::ends_run`]).
    pub event: Option<i64>,
}

/// Hears, inside the transaction of one [`crate::Store::import`] call, what
/// becomes of its rows; at the run's last call it gives the run's record, which
/// the store appends in the transaction that commits the rows, so that rows are
/// never committed without the record of the run that brought them (a call
/// that commits none appends it once the rows are planned).
pub trait ImportListener {
    /// What became of one row, in file order.
    fn row(&mut self, row: u64, outcome: &RowOutcome);
    /// Called once every row of the call is heard, with whether the call
    /// commits them: the record of the run when this call is its last (a dry
    /// run's and a refused run's too), else `None`.
    fn ends_run(&mut self, committed: bool) -> Option<RunRecord<'_>>;
    /// Called after a call that commits its rows and ends no run (a batch of a
    /// run that commits valid rows only, before its last): the run's summary
    /// as it stands, which the store keeps in the batch's transaction and
    /// lists as unfinished until the run's record replaces it, so that a run
    /// killed between batches, and never run again, is still in the history.
    /// `None` (the default) keeps nothing.
    fn unfinished(&self) -> Option<domain::event::ImportSummary> {
        None
    }
}

/// A listener that hears each row and ends no run (a call whose run is
/// recorded by a later call, or not at all).
impl<F: FnMut(u64, &RowOutcome)> ImportListener for F {
    fn row(&mut self, row: u64, outcome: &RowOutcome) {
        self(row, outcome)
    }

    fn ends_run(&mut self, _committed: bool) -> Option<RunRecord<'_>> {
        None
    }
}

/// 导入记录 — what an import run did, kept as an event with the rows it
/// refused beside it (encrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord<'a> {
    pub summary: domain::event::ImportSummary,
    /// Every row refused, by row number.
    pub errors: &'a [domain::event::RowError],
    /// The rows refused, as the file gave them, by row number.
    pub rows: &'a [domain::event::RefusedRow],
}

/// What an accepted row does to the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Adds to it: a person, a fact, a value.
    New,
    /// Ends a fact the record holds open ([`Change::EndFact`]).
    Ended,
    /// Corrects the last day of a fact the record holds as ended
    /// ([`Change::Correct`]).
    Corrected,
    /// Moves a registered person ([`Change::Move`]).
    Moved,
}

impl Effect {
    /// What `change`, planned for an imported row, does.
    pub fn of(change: &Change) -> Effect {
        match change {
            Change::EndFact { .. } => Effect::Ended,
            Change::Correct { .. } => Effect::Corrected,
            Change::Move { .. } => Effect::Moved,
            _ => Effect::New,
        }
    }
}

/// What became of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    /// Planned and applied (committed when the call commits), with what it
    /// does. The receipt's `changed` is empty: what the rows changed comes
    /// with [`Imported`].
    Added(Box<Receipt>, Effect),
    /// An earlier import of the same file (same SHA-256) added this row already.
    AlreadyImported,
    /// The registry already says what the row says (another file brought it:
    /// a corrected file, a later extract of the same data), so there is
    /// nothing to add: the person's record (see
    /// [`domain::event::Change::is_held_by`]), or the value reported for that
    /// unit, name and period.
    AlreadyHeld,
    /// The planner refused it; nothing of it was written.
    Refused(Refusal),
}

/// What the events after a sequence number did (see [`crate::Store::log_since`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSince {
    /// The last event's sequence number (the one asked about when none came after).
    pub last: i64,
    /// Whether an event names a person numbered at or below the known ones.
    pub known_touched: bool,
    /// The persons numbered above the known ones that the events name, by number,
    /// as they stand after the last event.
    pub new_persons: Vec<CountedPerson>,
    /// The events that name no person (reported values, records, imports' own
    /// records), oldest first.
    pub other: Vec<Event>,
}

/// 导入记录 — one import run as a history lists it (see
/// [`crate::Store::import_runs`]): its record, and who ran it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRecord {
    /// The sequence number of the event that records the run; none while the
    /// run is unfinished (未完成: a run that commits valid rows only, with
    /// batches committed and its last not yet, or killed before it: importing
    /// the same file again finishes it, each row once).
    pub seq: Option<i64>,
    /// Who ran it: their number and name.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub actor: domain::access::UserId,
    pub sender: String,
    /// When the run ended; while it is unfinished, when its last batch so far
    /// was committed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: jiff::Timestamp,
    /// What the run did; while it is unfinished, what its batches so far did.
    pub summary: domain::event::ImportSummary,
}

/// 导入报告 — an import run as the log keeps it: its record, and a page of the
/// rows it refused (see [`crate::Store::import_report`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The sequence number of the event that records the run.
    pub seq: i64,
    /// When the run ended.
    pub at: jiff::Timestamp,
    pub summary: domain::event::ImportSummary,
    /// Why the page's rows were refused, by row number.
    pub errors: Vec<domain::event::RowError>,
    /// The page's rows, as the file gave them, by row number (none for a run
    /// recorded before session 15).
    pub rows: Vec<domain::event::RefusedRow>,
    /// The page's last row, when the run refused rows after it that the page
    /// leaves out: the next page starts after it.
    pub more_after: Option<u64>,
}

/// Which of a run's refused rows a report gives: those numbered above
/// `after`, at most `limit` of them (a row with several bad cells counts once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusedPage {
    pub after: u64,
    pub limit: usize,
}
