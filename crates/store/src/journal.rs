//! The rows around the registry, read and written once for both backends: the
//! append-only event log, recorded views, users and sessions, and the city's
//! settings and divisions.

use std::collections::HashSet;

use domain::access::{User, UserId};
use domain::division::Unit;
use domain::event::{Event, Source};
use domain::message::FieldError;
use domain::migrant::MigrantRule;
use domain::registry::PersonId;
use domain::resident_id::ResidentId;
use jiff::Timestamp;

use crate::event_codec;
use crate::queries::{code, enum_from, enum_text, json_from, opt_code, to_json};
use crate::sql::{Row, Sql, Val, first, returning_id, rows};
use crate::vault::{CIPHER_LEN, Vault};
use crate::{NewUser, StoreError, ViewEntry, segment};

/// The values of an event's row, in [`EVENT_COLUMNS`] order (`seq` first);
/// `import_file` is the number of the file an imported row came from (see
/// [`ImportFiles`]), `encrypt` gives the ciphertext of the ID number the change
/// holds, if any.
pub(crate) fn event_values(
    event: &Event,
    import_file: Option<i64>,
    encrypt: impl FnOnce(&ResidentId) -> [u8; CIPHER_LEN],
) -> Vec<Val<'static>> {
    let (channel, detail) = event_codec::source_columns(&event.source);
    vec![
        event.seq.into(),
        event.at.into(),
        event.actor.into(),
        event.unit.into(),
        event.person.into(),
        channel.into(),
        Val::OptJson(detail.map(Into::into)),
        Val::Json(event_codec::encode(&event.change, encrypt).into()),
        import_file.into(),
    ]
}

/// The columns of `events`.
pub(crate) const EVENT_COLUMNS: [&str; 9] = [
    "seq",
    "at",
    "actor",
    "unit",
    "person",
    "channel",
    "source_detail",
    "change",
    "import_file",
];

/// 导入文件 — the number in `import_files` of each department file that some
/// events are rows of.
pub(crate) struct ImportFiles<'e>(Vec<(&'e str, &'e str, i64)>);

impl<'e> ImportFiles<'e> {
    /// The files `events` were imported from, each added to `import_files`
    /// unless it is there already.
    pub(crate) fn of(
        tx: &mut dyn Sql,
        events: impl IntoIterator<Item = &'e Event>,
    ) -> Result<Self, StoreError> {
        let mut files = ImportFiles(Vec::new());
        for event in events {
            let Source::Import { file, sha256, .. } = &event.source else {
                continue;
            };
            if files.id(&event.source).is_none() {
                let id = import_file(tx, file, sha256)?;
                files.0.push((file, sha256, id));
            }
        }
        Ok(files)
    }

    /// The number of the file an event from `source` is a row of, if it is
    /// an import.
    pub(crate) fn id(&self, source: &Source) -> Option<i64> {
        let Source::Import { file, sha256, .. } = source else {
            return None;
        };
        self.0
            .iter()
            .find(|(name, hash, _)| name == file && hash == sha256)
            .map(|&(_, _, id)| id)
    }
}

/// The number of the file named `file` with SHA-256 `sha256` in
/// `import_files`, added if new.
pub(crate) fn import_file(tx: &mut dyn Sql, file: &str, sha256: &str) -> Result<i64, StoreError> {
    let add = "INSERT INTO import_files (sha256, file) VALUES (?1, ?2) \
               ON CONFLICT (sha256, file) DO NOTHING";
    tx.exec(add, &[sha256.into(), file.into()])?;
    let id = "SELECT id FROM import_files WHERE sha256 = ?1 AND file = ?2";
    first(tx, id, &[sha256.into(), file.into()], |row| row.int(0))?
        .ok_or_else(|| StoreError::Database(format!("the import file {file} was not kept")))
}

/// Appends an event after the last one; its sequence number (`event.seq` is ignored).
pub(crate) fn append_event(
    tx: &mut dyn Sql,
    vault: &Vault,
    event: &Event,
) -> Result<i64, StoreError> {
    let file = ImportFiles::of(tx, [event])?.id(&event.source);
    let values = event_values(event, file, |id| vault.encrypt(id));
    let sql = "INSERT INTO events \
               (seq, at, actor, unit, person, channel, source_detail, change, import_file) \
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING seq";
    let mut values = values;
    values[0] = (last_seq(tx)? + 1).into();
    returning_id(tx, sql, &values)
}

/// An event's columns, with the name and SHA-256 of the file an imported row
/// came from; `e` is the log. [`EVENT_ROW_WIDTH`] of them.
pub(crate) const EVENT: &str = "SELECT e.seq, e.at, e.actor, e.unit, e.person, e.channel, e.source_detail, \
                     e.change, f.file, f.sha256 \
                     FROM events e LEFT JOIN import_files f ON f.id = e.import_file";

/// How many columns [`EVENT`] selects.
pub(crate) const EVENT_ROW_WIDTH: usize = 10;

/// The event a row of [`EVENT`] holds, its ID number decrypted.
pub(crate) fn event_row(row: &dyn Row, vault: &Vault) -> Result<Event, StoreError> {
    Ok(Event {
        seq: row.int(0)?,
        at: row.time(1)?,
        actor: row.int(2)?,
        unit: code(row, 3)?,
        person: row.opt_int(4)?,
        source: event_codec::source_from(
            row.text(5)?,
            row.opt_text(6)?.as_deref(),
            row.opt_text(8)?.zip(row.opt_text(9)?),
        )?,
        change: event_codec::decode(&row.text(7)?, vault)?,
    })
}

/// Every event about a person, oldest first.
pub(crate) fn events_of(
    tx: &mut dyn Sql,
    vault: &Vault,
    person: PersonId,
) -> Result<Vec<Event>, StoreError> {
    rows(
        tx,
        &format!("{EVENT} WHERE e.person = ?1 ORDER BY e.seq"),
        &[person.into()],
        |row| event_row(row, vault),
    )
}

/// Events after `seq`, oldest first, the registrations segments hold among
/// them.
pub(crate) fn events_after(
    tx: &mut dyn Sql,
    vault: &Vault,
    seq: i64,
    limit: usize,
) -> Result<Vec<Event>, StoreError> {
    let sql = format!("{EVENT} WHERE e.seq > ?1 ORDER BY e.seq LIMIT ?2");
    let most = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut events = rows(tx, &sql, &[seq.into(), most.into()], |row| {
        event_row(row, vault)
    })?;
    let logged: HashSet<i64> = events.iter().map(|event| event.seq).collect();
    let held = segment::events_after(tx, vault, seq, limit)?;
    events.extend(
        held.into_iter()
            .filter(|event| !logged.contains(&event.seq)),
    );
    events.sort_unstable_by_key(|event| event.seq);
    events.truncate(limit);
    Ok(events)
}

/// The event numbered `seq`, if there is one.
pub(crate) fn event(
    tx: &mut dyn Sql,
    vault: &Vault,
    seq: i64,
) -> Result<Option<Event>, StoreError> {
    first(
        tx,
        &format!("{EVENT} WHERE e.seq = ?1"),
        &[seq.into()],
        |row| event_row(row, vault),
    )
}

/// What the events after `seq` did (see [`crate::Store::log_since`]).
pub(crate) fn log_since(
    tx: &mut dyn Sql,
    vault: &Vault,
    seq: i64,
    known_persons: PersonId,
) -> Result<crate::LogSince, StoreError> {
    let span = "SELECT MAX(seq), MIN(person), MAX(person) FROM events WHERE seq > ?1";
    let (mut last, mut lowest, mut highest) = first(tx, span, &[seq.into()], |row| {
        Ok((row.opt_int(0)?, row.opt_int(1)?, row.opt_int(2)?))
    })?
    .unwrap_or_default();
    if let Some((held_last, held_lowest, held_highest)) = segment::span_after(tx, seq)? {
        last = last.max(Some(held_last));
        lowest = Some(lowest.map_or(held_lowest, |low| low.min(held_lowest)));
        highest = highest.max(Some(held_highest));
    }
    let Some(last) = last else {
        return Ok(crate::LogSince {
            last: seq,
            ..crate::LogSince::default()
        });
    };
    let new_persons = match highest {
        Some(highest) if highest > known_persons => {
            crate::queries::counted_in(tx, vault, (known_persons + 1, highest))?
        }
        _ => Vec::new(),
    };
    let sql =
        format!("{EVENT} WHERE e.seq > ?1 AND e.seq <= ?2 AND e.person IS NULL ORDER BY e.seq");
    let other = rows(tx, &sql, &[seq.into(), last.into()], |row| {
        event_row(row, vault)
    })?;
    Ok(crate::LogSince {
        last,
        known_touched: lowest.is_some_and(|lowest| lowest <= known_persons),
        new_persons,
        other,
    })
}

/// Records that `viewer` looked at `person` (`what`: file, facts, timeline, …).
pub(crate) fn record_view(
    tx: &mut dyn Sql,
    viewer: UserId,
    person: PersonId,
    at: Timestamp,
    what: &str,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO person_views (viewer, person, at, what) VALUES (?1, ?2, ?3, ?4)";
    tx.exec(sql, &[viewer.into(), person.into(), at.into(), what.into()])?;
    Ok(())
}

/// Records that `viewer` looked at each of `persons` (a list), in bulk.
pub(crate) fn record_views(
    tx: &mut dyn Sql,
    viewer: UserId,
    persons: impl Iterator<Item = PersonId>,
    at: Timestamp,
    what: &str,
) -> Result<(), StoreError> {
    let values: Vec<Val<'_>> = persons
        .flat_map(|person| [viewer.into(), person.into(), at.into(), what.into()])
        .collect();
    tx.bulk(
        "person_views",
        &["viewer", "person", "at", "what"],
        &mut std::iter::once(values),
        &mut drop,
    )?;
    Ok(())
}

/// Who viewed a person, newest first.
pub(crate) fn views_of(tx: &mut dyn Sql, person: PersonId) -> Result<Vec<ViewEntry>, StoreError> {
    let sql = "SELECT v.viewer, u.login, v.at, v.what FROM person_views v JOIN users u ON u.id = v.viewer \
               WHERE v.person = ?1 ORDER BY v.at DESC, v.id DESC";
    rows(tx, sql, &[person.into()], |row| {
        Ok(ViewEntry {
            viewer: row.int(0)?,
            viewer_login: row.text(1)?,
            at: row.time(2)?,
            what: row.text(3)?,
        })
    })
}

const USER: &str = "SELECT id, login, name, role, unit, department, password_hash FROM users";

fn user_row(row: &dyn Row) -> Result<(User, String), StoreError> {
    let department = match row.opt_text(5)? {
        Some(text) => Some(enum_from(text, "users.department")?),
        None => None,
    };
    let user = User {
        id: row.int(0)?,
        login: row.text(1)?,
        name: row.text(2)?,
        role: enum_from(row.text(3)?, "users.role")?,
        unit: code(row, 4)?,
        department,
    };
    Ok((user, row.text(6)?))
}

/// Adds a user; a login already taken is refused.
pub(crate) fn insert_user(tx: &mut dyn Sql, user: &NewUser) -> Result<User, StoreError> {
    domain::access::check_department(user.role, user.department).map_err(StoreError::Refused)?;
    if credentials(tx, &user.login)?.is_some() {
        return Err(StoreError::Refused(FieldError::new(
            "login",
            format!("登录名“{}”已被使用", user.login),
            format!("expected a new login name, but {:?} is taken", user.login),
        )));
    }
    let sql = "INSERT INTO users (login, name, role, unit, department, password_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
    let params = [
        user.login.as_str().into(),
        user.name.as_str().into(),
        enum_text(&user.role).into(),
        user.unit.into(),
        Val::OptText(user.department.as_ref().map(|d| enum_text(d).into())),
        user.password_hash.as_str().into(),
    ];
    let id = returning_id(tx, sql, &params)?;
    Ok(User {
        id,
        login: user.login.clone(),
        name: user.name.clone(),
        role: user.role,
        unit: user.unit,
        department: user.department,
    })
}

/// A user and their password hash, by login.
pub(crate) fn credentials(
    tx: &mut dyn Sql,
    login: &str,
) -> Result<Option<(User, String)>, StoreError> {
    first(
        tx,
        &format!("{USER} WHERE login = ?1"),
        &[login.into()],
        user_row,
    )
}

pub(crate) fn user(tx: &mut dyn Sql, id: UserId) -> Result<Option<User>, StoreError> {
    let row = first(tx, &format!("{USER} WHERE id = ?1"), &[id.into()], user_row)?;
    Ok(row.map(|(user, _)| user))
}

pub(crate) fn insert_session(
    tx: &mut dyn Sql,
    user: UserId,
    token_hash: &[u8; 32],
    expires: Timestamp,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO sessions (token_hash, user_id, expires) VALUES (?1, ?2, ?3)";
    tx.exec(sql, &[token_hash[..].into(), user.into(), expires.into()])?;
    Ok(())
}

/// The sequence number of the newest event, in the log or a segment, 0 for
/// an empty log.
pub(crate) fn last_seq(tx: &mut dyn Sql) -> Result<i64, StoreError> {
    let log = first(tx, "SELECT COALESCE(MAX(seq), 0) FROM events", &[], |row| {
        row.int(0)
    })?;
    Ok(log.unwrap_or(0).max(segment::last_numbers(tx)?.2))
}

/// Ends a session (logout); ending an unknown one does nothing.
pub(crate) fn delete_session(tx: &mut dyn Sql, token_hash: &[u8; 32]) -> Result<(), StoreError> {
    tx.exec(
        "DELETE FROM sessions WHERE token_hash = ?1",
        &[token_hash[..].into()],
    )?;
    Ok(())
}

/// The user of a session that has not expired at `now`.
pub(crate) fn session_user(
    tx: &mut dyn Sql,
    token_hash: &[u8; 32],
    now: Timestamp,
) -> Result<Option<User>, StoreError> {
    let sql = "SELECT u.id, u.login, u.name, u.role, u.unit, u.department, u.password_hash \
               FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.expires > ?2";
    Ok(first(tx, sql, &[token_hash[..].into(), now.into()], user_row)?.map(|(user, _)| user))
}

/// The city's migrant rule and the version of its divisions; `None` before
/// [`crate::Store::initialise`].
pub(crate) fn settings(tx: &mut dyn Sql) -> Result<Option<(MigrantRule, i64)>, StoreError> {
    first(
        tx,
        "SELECT migrant_rule, units_version FROM settings WHERE id = 1",
        &[],
        |row| {
            Ok((
                json_from(&row.text(0)?, "settings.migrant_rule")?,
                row.int(1)?,
            ))
        },
    )
}

/// Just the version of the divisions, checked before each write.
pub(crate) fn units_version(tx: &mut dyn Sql) -> Result<Option<i64>, StoreError> {
    first(
        tx,
        "SELECT units_version FROM settings WHERE id = 1",
        &[],
        |row| row.int(0),
    )
}

pub(crate) fn insert_settings(tx: &mut dyn Sql, rule: &MigrantRule) -> Result<(), StoreError> {
    let sql = "INSERT INTO settings (id, city, migrant_rule, units_version) VALUES (1, ?1, ?2, 1)";
    tx.exec(sql, &[rule.city.into(), Val::Json(to_json(rule).into())])?;
    Ok(())
}

/// Every unit, historical ones included, by code.
pub(crate) fn units(tx: &mut dyn Sql) -> Result<Vec<Unit>, StoreError> {
    let sql = "SELECT code, name, parent, valid_from, valid_to, successor FROM units ORDER BY code";
    rows(tx, sql, &[], |row| {
        Ok(Unit {
            code: code(row, 0)?,
            name: row.text(1)?,
            parent: opt_code(row, 2)?,
            valid_from: row.opt_date(3)?,
            valid_to: row.opt_date(4)?,
            successor: opt_code(row, 5)?,
        })
    })
}

/// The columns of `units`.
pub(crate) const UNIT_COLUMNS: [&str; 6] = [
    "code",
    "name",
    "parent",
    "valid_from",
    "valid_to",
    "successor",
];

/// The values of a unit's row, in [`UNIT_COLUMNS`] order.
pub(crate) fn unit_values(unit: &Unit) -> Vec<Val<'_>> {
    vec![
        unit.code.into(),
        unit.name.as_str().into(),
        unit.parent.into(),
        unit.valid_from.into(),
        unit.valid_to.into(),
        unit.successor.into(),
    ]
}

/// Writes units (new or changed) and moves the divisions' version on.
pub(crate) fn save_units<'a>(
    tx: &mut dyn Sql,
    units: impl IntoIterator<Item = &'a Unit>,
) -> Result<(), StoreError> {
    let sql = "INSERT INTO units (code, name, parent, valid_from, valid_to, successor) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
               ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent, \
               valid_from = excluded.valid_from, valid_to = excluded.valid_to, successor = excluded.successor";
    for unit in units {
        tx.exec(sql, &unit_values(unit))?;
    }
    tx.exec(
        "UPDATE settings SET units_version = units_version + 1 WHERE id = 1",
        &[],
    )?;
    Ok(())
}
