//! The registry's rows, read and written once for both backends: persons (ID
//! numbers encrypted, found by blind index), facts, family links, records and
//! reported values.
//! The log, views, users and the city's settings are in [`crate::journal`].

use domain::division::DivisionCode;
use domain::message::FieldError;
use domain::plan::PersonRow;
use domain::registry::{Fact, FactId, FactKind, FamilyLink, Person, PersonId, Record, RecordId};
use domain::reported_value::ReportedValue;
use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::sql::{Row, Sql, Val, first, returning_id, rows};
use crate::vault::{SealedId, Vault};
use crate::{Page, StoreError};
use crate::{fact_codec, pack, segment};

/// The name serde gives a unit-like enum value, e.g. `female`.
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => panic!("expected an enum serialised as a string, but found {other:?}"),
    }
}

/// The enum value serde names `text`, read from `column`.
pub(crate) fn enum_from<T: DeserializeOwned>(text: String, column: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text))
        .map_err(|error| StoreError::Database(format!("reading column {column}: {error}")))
}

/// A JSON column's value.
pub(crate) fn json_from<T: DeserializeOwned>(text: &str, column: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::Database(format!("reading column {column}: {error}")))
}

/// JSON text of a value that always serialises.
pub(crate) fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("registry types serialise to JSON")
}

/// A division code stored as its 12-digit number.
pub(crate) fn code(row: &dyn Row, column: usize) -> Result<DivisionCode, StoreError> {
    let value = row.int(column)?;
    DivisionCode::from_u64(value as u64).ok_or_else(|| {
        StoreError::Database(format!(
            "expected a 12-digit division code, but found {value}"
        ))
    })
}

pub(crate) fn opt_code(row: &dyn Row, column: usize) -> Result<Option<DivisionCode>, StoreError> {
    match row.opt_int(column)? {
        None => Ok(None),
        Some(_) => code(row, column).map(Some),
    }
}

/// The refusal for an ID number that another person already has.
pub(crate) fn duplicate_id() -> StoreError {
    StoreError::Refused(FieldError::new(
        "resident_id",
        "此身份证号码已登记给另一人",
        "expected an ID number not registered to anyone else, but it is already registered",
    ))
}

const PERSON: &str =
    "SELECT id, id_cipher, name, sex, birth_date, hukou, registered_on, left_on, unit FROM persons";

fn person_row(row: &dyn Row, vault: &Vault) -> Result<Person, StoreError> {
    Ok(Person {
        id: row.int(0)?,
        resident_id: vault.decrypt(row.blob(1)?)?,
        name: row.text(2)?,
        sex: enum_from(row.text(3)?, "persons.sex")?,
        birth_date: row.date(4)?,
        hukou: code(row, 5)?,
        registered_on: row.date(6)?,
        left_on: row.opt_date(7)?,
        unit: code(row, 8)?,
    })
}

/// The person with this number; `lock` takes a row lock in a write transaction.
pub(crate) fn person(
    tx: &mut dyn Sql,
    vault: &Vault,
    id: PersonId,
    lock: bool,
) -> Result<Option<Person>, StoreError> {
    let sql = format!(
        "{PERSON} WHERE id = ?1{}",
        if lock { tx.for_update() } else { "" }
    );
    first(tx, &sql, &[id.into()], |row| person_row(row, vault))
}

/// The person whose ID number has this blind index, in the tables or a
/// segment.
pub(crate) fn person_by_index(
    tx: &mut dyn Sql,
    vault: &Vault,
    index: &[u8; 16],
    lock: bool,
) -> Result<Option<Person>, StoreError> {
    let sql = format!(
        "{PERSON} WHERE id_index = ?1{}",
        if lock { tx.for_update() } else { "" }
    );
    if let Some(person) = first(tx, &sql, &[index[..].into()], |row| person_row(row, vault))? {
        return Ok(Some(person));
    }
    let mut held = segment::persons_indexed(tx, vault, std::slice::from_ref(index))?;
    Ok(held.pop().map(|(_, state)| state.person))
}

/// Every person whose unit lies in the subtree `range`, by number.
pub(crate) fn persons_in(
    tx: &mut dyn Sql,
    vault: &Vault,
    range: (u64, u64),
) -> Result<Vec<Person>, StoreError> {
    let sql = format!("{PERSON} WHERE unit BETWEEN ?1 AND ?2 ORDER BY id");
    let params = [(range.0 as i64).into(), (range.1 as i64).into()];
    rows(tx, &sql, &params, |row| person_row(row, vault))
}

/// The values of a person's row after its id, in [`PERSON_COLUMNS`] order.
pub(crate) fn person_values(sealed: SealedId, person: &Person) -> Vec<Val<'_>> {
    vec![
        sealed.cipher.to_vec().into(),
        sealed.index.to_vec().into(),
        person.name.as_str().into(),
        enum_text(&person.sex).into(),
        person.birth_date.into(),
        person.hukou.into(),
        person.registered_on.into(),
        person.left_on.into(),
        person.unit.into(),
    ]
}

/// The columns of `persons` after `id`.
pub(crate) const PERSON_COLUMNS: [&str; 9] = [
    "id_cipher",
    "id_index",
    "name",
    "sex",
    "birth_date",
    "hukou",
    "registered_on",
    "left_on",
    "unit",
];

/// The person a planned row makes, registered on `on` (number 0 until stored).
pub(crate) fn new_person(row: &PersonRow, on: Date) -> Person {
    let id = &row.resident_id;
    Person {
        id: 0,
        resident_id: *id,
        name: row.name.clone(),
        sex: id.sex(),
        birth_date: id.birth_date(),
        hukou: id.hukou(),
        registered_on: on,
        left_on: None,
        unit: row.unit,
    }
}

/// Stores a new person registered on `on`; a known ID number is refused.
pub(crate) fn insert_person(
    tx: &mut dyn Sql,
    vault: &Vault,
    row: &PersonRow,
    on: Date,
) -> Result<PersonId, StoreError> {
    let sealed = vault.seal(&row.resident_id);
    let person = new_person(row, on);
    let sql = "INSERT INTO persons (id_cipher, id_index, name, sex, birth_date, hukou, registered_on, left_on, unit, id) \
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id";
    if person_by_index(tx, vault, &sealed.index, false)?.is_some() {
        return Err(duplicate_id());
    }
    let id = max_person(tx)? + 1;
    let mut values = person_values(sealed, &person);
    values.push(id.into());
    returning_id(tx, sql, &values)
}

/// Rewrites a person's row; an ID number another person has is refused.
pub(crate) fn update_person(
    tx: &mut dyn Sql,
    vault: &Vault,
    person: &Person,
) -> Result<(), StoreError> {
    let sealed = vault.seal(&person.resident_id);
    if person_by_index(tx, vault, &sealed.index, false)?.is_some_and(|other| other.id != person.id)
    {
        return Err(duplicate_id());
    }
    let mut values = person_values(sealed, person);
    values.push(person.id.into());
    let sql = "UPDATE persons SET id_cipher = ?1, id_index = ?2, name = ?3, sex = ?4, birth_date = ?5, hukou = ?6, \
               registered_on = ?7, left_on = ?8, unit = ?9 WHERE id = ?10";
    tx.exec(sql, &values)
        .map_err(|e| if e.unique { duplicate_id() } else { e.into() })?;
    Ok(())
}

/// When the current stay began and the day it ended after (none while it lasts),
/// from a person's residences `(from, to)` ordered by first day: a stay is a run
/// of residences with no day between them. `None` without a residence.
pub(crate) fn presence(
    spans: impl IntoIterator<Item = (Date, Option<Date>)>,
) -> Option<(Date, Option<Date>)> {
    let mut spans = spans.into_iter().peekable();
    let mut start = spans.peek()?.0;
    let mut end: Option<Date> = None;
    let mut open = false;
    for (from, to) in spans {
        if !open && end.is_some_and(|end| end.tomorrow().is_ok_and(|next| from > next)) {
            start = from;
        }
        open |= to.is_none();
        end = end.max(to);
    }
    let left_on = if open {
        None
    } else {
        end.and_then(|end| end.tomorrow().ok())
    };
    Some((start, left_on))
}

/// Re-derives when the person's current stay began and whether it ended, from
/// their residence facts (see [`presence`]).
pub(crate) fn refresh_presence(tx: &mut dyn Sql, id: PersonId) -> Result<(), StoreError> {
    let sql = "SELECT from_day, to_day FROM facts WHERE person = ?1 AND kind = 'residence' ORDER BY from_day, id";
    let spans = rows(tx, sql, &[id.into()], |row| {
        Ok((row.date(0)?, row.opt_date(1)?))
    })?;
    let Some((start, left_on)) = presence(spans) else {
        return Ok(());
    };
    let sql = "UPDATE persons SET registered_on = ?1, left_on = ?2 WHERE id = ?3";
    tx.exec(sql, &[start.into(), left_on.into(), id.into()])?;
    Ok(())
}

const FACT: &str =
    "SELECT id, person, from_day, to_day, kind, unit, record, value, amount FROM facts";

fn fact_row(row: &dyn Row) -> Result<Fact, StoreError> {
    Ok(Fact {
        id: row.int(0)?,
        person: row.int(1)?,
        from: row.date(2)?,
        to: row.opt_date(3)?,
        kind: fact_codec::kind_from(
            row.str(4)?,
            opt_code(row, 5)?,
            row.opt_int(6)?,
            row.opt_str(7)?,
            row.opt_int(8)?,
        )?,
    })
}

/// Every fact of a person, oldest first.
pub(crate) fn facts_of(tx: &mut dyn Sql, person: PersonId) -> Result<Vec<Fact>, StoreError> {
    rows(
        tx,
        &format!("{FACT} WHERE person = ?1 ORDER BY from_day, id"),
        &[person.into()],
        fact_row,
    )
}

/// The persons who ever worked for `employer`.
pub(crate) fn employees_ever(
    tx: &mut dyn Sql,
    employer: RecordId,
) -> Result<Vec<PersonId>, StoreError> {
    rows(
        tx,
        "SELECT DISTINCT person FROM facts WHERE record = ?1 AND kind = 'employment' ORDER BY person",
        &[employer.into()],
        |row| row.int(0),
    )
}

/// Every record, by number.
pub(crate) fn all_records(
    tx: &mut dyn Sql,
    each: &mut dyn FnMut(Record) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    tx.query(&format!("{RECORD} ORDER BY id"), &[], &mut |row| {
        each(record_row(row)?)
    })
}

/// Writes the pack of `state` (see [`crate::pack`]), replacing the one before.
pub(crate) fn save_pack(tx: &mut dyn Sql, state: &crate::PersonState) -> Result<(), StoreError> {
    let person = &state.person;
    let pack = pack::encode(
        person.sex,
        person.birth_date,
        person.left_on,
        state.facts.iter(),
    );
    tx.exec(
        "INSERT INTO person_packs (person, pack) VALUES (?1, ?2) \
         ON CONFLICT (person) DO UPDATE SET pack = excluded.pack",
        &[person.id.into(), pack.into()],
    )?;
    Ok(())
}

/// The persons with numbers in `ids` (inclusive) as the engine counts them, by
/// number: from their packs, or, for a person without one (written before packs
/// existed), from their rows, or from the segment that holds them.
pub(crate) fn counted_in(
    tx: &mut dyn Sql,
    vault: &Vault,
    ids: (PersonId, PersonId),
) -> Result<Vec<crate::CountedPerson>, StoreError> {
    let mut counted = Vec::new();
    let mut unpacked = Vec::new();
    tx.query(
        "SELECT p.id, k.pack FROM persons p LEFT JOIN person_packs k ON k.person = p.id \
         WHERE p.id BETWEEN ?1 AND ?2 ORDER BY p.id",
        &[ids.0.into(), ids.1.into()],
        &mut |row| {
            let id = row.int(0)?;
            match row.opt_blob(1)? {
                Some(bytes) => counted.push(pack::decode(id, bytes)?),
                None => unpacked.push(id),
            }
            Ok(())
        },
    )?;
    counted.extend(segment::counted_in(tx, vault, ids)?);
    for id in unpacked {
        let person = person(tx, vault, id, false)?
            .ok_or_else(|| StoreError::Database(format!("person {id} vanished while read")))?;
        counted.push(crate::CountedPerson {
            id,
            sex: person.sex,
            birth_date: person.birth_date,
            left_on: person.left_on,
            facts: facts_of(tx, id)?,
        });
    }
    counted.sort_unstable_by_key(|person| person.id);
    Ok(counted)
}

/// Parameters per `IN (…)` list when many rows are read by key.
const IN_LIST: usize = 500;

/// `?1, ?2, …, ?n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The number of every person whose blind index is in `indexes` (sorted), with
/// that index: by a scan of the whole index when the registry holds at most as
/// many persons as are asked about (a file of new arrivals), else by lookups,
/// many to a query.
pub(crate) fn persons_indexed(
    tx: &mut dyn Sql,
    indexes: &[[u8; 16]],
) -> Result<Vec<([u8; 16], PersonId)>, StoreError> {
    let index_of = |row: &dyn Row| -> Result<([u8; 16], PersonId), StoreError> {
        let bytes: [u8; 16] = row.blob(0)?.try_into().map_err(|_| {
            StoreError::Database("reading persons.id_index: expected 16 bytes".into())
        })?;
        Ok((bytes, row.int(1)?))
    };
    if max_person(tx)? as usize <= indexes.len() {
        let mut found = Vec::new();
        tx.query("SELECT id_index, id FROM persons", &[], &mut |row| {
            let (index, id) = index_of(row)?;
            if indexes.binary_search(&index).is_ok() {
                found.push((index, id));
            }
            Ok(())
        })?;
        return Ok(found);
    }
    let mut found = Vec::new();
    for chunk in indexes.chunks(IN_LIST) {
        let sql = format!(
            "SELECT id_index, id FROM persons WHERE id_index IN ({})",
            placeholders(chunk.len())
        );
        let params: Vec<Val<'_>> = chunk.iter().map(|index| index[..].into()).collect();
        found.extend(rows(tx, &sql, &params, index_of)?);
    }
    Ok(found)
}

/// The persons with these numbers and all their facts (oldest first), locked
/// for the write transaction, many to a query.
pub(crate) fn persons_with_facts(
    tx: &mut dyn Sql,
    vault: &Vault,
    ids: &[PersonId],
) -> Result<Vec<(Person, Vec<Fact>)>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_LIST) {
        let params: Vec<Val<'_>> = chunk.iter().map(|id| (*id).into()).collect();
        let list = placeholders(chunk.len());
        let lock = tx.for_update();
        let sql = format!("{PERSON} WHERE id IN ({list}) ORDER BY id{lock}");
        let persons = rows(tx, &sql, &params, |row| person_row(row, vault))?;
        let sql = format!("{FACT} WHERE person IN ({list}) ORDER BY person, from_day, id");
        let facts = rows(tx, &sql, &params, fact_row)?;
        let mut facts = facts.into_iter().peekable();
        for person in persons {
            while facts.next_if(|fact| fact.person < person.id).is_some() {}
            let mut own = Vec::new();
            while let Some(fact) = facts.next_if(|fact| fact.person == person.id) {
                own.push(fact);
            }
            out.push((person, own));
        }
    }
    Ok(out)
}

/// The largest fact number, in the tables or a segment, 0 when there are none.
pub(crate) fn max_fact(tx: &mut dyn Sql) -> Result<FactId, StoreError> {
    let tables = first(tx, "SELECT COALESCE(MAX(id), 0) FROM facts", &[], |row| {
        row.int(0)
    })?;
    Ok(tables.unwrap_or(0).max(segment::last_numbers(tx)?.1))
}

/// The largest person number, in the tables or a segment, 0 when there are none.
pub(crate) fn max_person(tx: &mut dyn Sql) -> Result<PersonId, StoreError> {
    let tables = first(tx, "SELECT COALESCE(MAX(id), 0) FROM persons", &[], |row| {
        row.int(0)
    })?;
    Ok(tables.unwrap_or(0).max(segment::last_numbers(tx)?.0))
}

/// The facts of a person that hold on `date` (both ends inclusive).
pub(crate) fn facts_on(
    tx: &mut dyn Sql,
    person: PersonId,
    date: Date,
) -> Result<Vec<Fact>, StoreError> {
    let sql = format!(
        "{FACT} WHERE person = ?1 AND from_day <= ?2 AND (to_day IS NULL OR to_day >= ?2) ORDER BY from_day, id"
    );
    rows(tx, &sql, &[person.into(), date.into()], fact_row)
}

/// The values of a fact's row after its id, in [`FACT_COLUMNS`] order.
pub(crate) fn fact_values(
    person: PersonId,
    kind: &FactKind,
    from: Date,
    to: Option<Date>,
) -> Vec<Val<'_>> {
    let columns = fact_codec::columns(kind);
    vec![
        person.into(),
        columns.kind.into(),
        from.into(),
        to.into(),
        columns.unit.into(),
        columns.record.into(),
        Val::OptText(columns.value.map(Into::into)),
        columns.amount.into(),
    ]
}

/// The columns of `facts` after `id`.
pub(crate) const FACT_COLUMNS: [&str; 8] = [
    "person", "kind", "from_day", "to_day", "unit", "record", "value", "amount",
];

pub(crate) fn insert_fact(
    tx: &mut dyn Sql,
    person: PersonId,
    kind: &FactKind,
    from: Date,
    to: Option<Date>,
) -> Result<FactId, StoreError> {
    let sql = "INSERT INTO facts (person, kind, from_day, to_day, unit, record, value, amount, id) \
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
    let id = max_fact(tx)? + 1;
    let mut values = fact_values(person, kind, from, to);
    values.push(id.into());
    returning_id(tx, sql, &values)
}

pub(crate) fn update_fact(tx: &mut dyn Sql, fact: &Fact) -> Result<(), StoreError> {
    let mut values = fact_values(fact.person, &fact.kind, fact.from, fact.to);
    values.push(fact.id.into());
    let sql = "UPDATE facts SET person = ?1, kind = ?2, from_day = ?3, to_day = ?4, unit = ?5, record = ?6, \
               value = ?7, amount = ?8 WHERE id = ?9 AND person = ?1";
    tx.exec(sql, &values)?;
    Ok(())
}

pub(crate) fn delete_fact(
    tx: &mut dyn Sql,
    person: PersonId,
    fact: FactId,
) -> Result<(), StoreError> {
    tx.exec(
        "DELETE FROM facts WHERE id = ?1 AND person = ?2",
        &[fact.into(), person.into()],
    )?;
    Ok(())
}

/// A person's family links, whichever side they are on.
pub(crate) fn links_of(tx: &mut dyn Sql, person: PersonId) -> Result<Vec<FamilyLink>, StoreError> {
    let sql = "SELECT person, relative, relation FROM family_links WHERE person = ?1 OR relative = ?1 ORDER BY person, relative";
    rows(tx, sql, &[person.into()], |row| {
        Ok(FamilyLink {
            person: row.int(0)?,
            relative: row.int(1)?,
            relation: enum_from(row.text(2)?, "family_links.relation")?,
        })
    })
}

pub(crate) fn insert_link(tx: &mut dyn Sql, link: &FamilyLink) -> Result<(), StoreError> {
    let sql = "INSERT INTO family_links (person, relative, relation) VALUES (?1, ?2, ?3)";
    tx.exec(
        sql,
        &[
            link.person.into(),
            link.relative.into(),
            enum_text(&link.relation).into(),
        ],
    )
    .map_err(|e| {
        if e.unique {
            StoreError::Refused(FieldError::new(
                "relative",
                "此家庭关系已登记",
                "expected a new family link, but it is already recorded",
            ))
        } else {
            e.into()
        }
    })?;
    Ok(())
}

const RECORD: &str = "SELECT id, name, unit, from_day, to_day, detail FROM records";

fn record_row(row: &dyn Row) -> Result<Record, StoreError> {
    Ok(Record {
        id: row.int(0)?,
        name: row.text(1)?,
        unit: code(row, 2)?,
        from: row.date(3)?,
        to: row.opt_date(4)?,
        detail: json_from(&row.text(5)?, "records.detail")?,
    })
}

pub(crate) fn record(tx: &mut dyn Sql, id: RecordId) -> Result<Option<Record>, StoreError> {
    first(
        tx,
        &format!("{RECORD} WHERE id = ?1"),
        &[id.into()],
        record_row,
    )
}

/// The records with these numbers that exist.
pub(crate) fn records_by_ids(
    tx: &mut dyn Sql,
    ids: &[RecordId],
) -> Result<Vec<Record>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(record(tx, *id)?);
    }
    Ok(out)
}

/// Records in the subtree `range`, of one kind or all, by number, numbered above
/// `page.after`.
pub(crate) fn records_in(
    tx: &mut dyn Sql,
    range: (u64, u64),
    kind: Option<&str>,
    page: Page,
) -> Result<Vec<Record>, StoreError> {
    let mut params = vec![
        (range.0 as i64).into(),
        (range.1 as i64).into(),
        (page.limit as i64).into(),
        (page.offset as i64).into(),
        page.after.into(),
    ];
    let filter = match kind {
        Some(kind) => {
            params.push(kind.into());
            " AND kind = ?6"
        }
        None => "",
    };
    let sql = format!(
        "{RECORD} WHERE unit BETWEEN ?1 AND ?2 AND id > ?5{filter} ORDER BY id LIMIT ?3 OFFSET ?4"
    );
    rows(tx, &sql, &params, record_row)
}

/// Records in the subtree `range` of any of `kinds` whose name contains `part`
/// (taken literally: `%`, `_` and `\\` are escaped), by number.
pub(crate) fn records_named(
    tx: &mut dyn Sql,
    range: (u64, u64),
    kinds: &[&str],
    part: &str,
    limit: usize,
) -> Result<Vec<Record>, StoreError> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let mut pattern = String::from("%");
    for c in part.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    let mut params = vec![
        (range.0 as i64).into(),
        (range.1 as i64).into(),
        pattern.into(),
        (limit as i64).into(),
    ];
    let mut marks = Vec::with_capacity(kinds.len());
    for kind in kinds {
        params.push((*kind).into());
        marks.push(format!("?{}", params.len()));
    }
    let sql = format!(
        "{RECORD} WHERE kind IN ({}) AND unit BETWEEN ?1 AND ?2 AND name LIKE ?3 ESCAPE '\\' \
         ORDER BY id LIMIT ?4",
        marks.join(", ")
    );
    rows(tx, &sql, &params, record_row)
}

/// The values of a record's row after its id, in [`RECORD_COLUMNS`] order.
pub(crate) fn record_values(record: &Record) -> Vec<Val<'_>> {
    vec![
        record.detail.kind().into(),
        record.name.as_str().into(),
        record.unit.into(),
        record.from.into(),
        record.to.into(),
        Val::Json(to_json(&record.detail).into()),
    ]
}

/// The columns of `records` after `id`.
pub(crate) const RECORD_COLUMNS: [&str; 6] =
    ["kind", "name", "unit", "from_day", "to_day", "detail"];

/// Adds a record (id 0) or replaces one; its number.
pub(crate) fn save_record(tx: &mut dyn Sql, record: &Record) -> Result<RecordId, StoreError> {
    let mut values = record_values(record);
    if record.id == 0 {
        let sql = "INSERT INTO records (kind, name, unit, from_day, to_day, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
        return returning_id(tx, sql, &values);
    }
    values.push(record.id.into());
    let sql = "UPDATE records SET kind = ?1, name = ?2, unit = ?3, from_day = ?4, to_day = ?5, detail = ?6 WHERE id = ?7";
    tx.exec(sql, &values)?;
    Ok(record.id)
}

/// The columns of `reported_values`.
pub(crate) const VALUE_COLUMNS: [&str; 5] = ["unit", "name", "from_day", "to_day", "value"];

/// A reported value's row, in [`VALUE_COLUMNS`] order.
pub(crate) fn value_values(value: &ReportedValue) -> Vec<Val<'_>> {
    vec![
        value.unit.into(),
        value.name.as_str().into(),
        value.from.into(),
        value.to.into(),
        value.value.into(),
    ]
}

/// Stores a reported value, replacing the one of the same unit, name and period.
pub(crate) fn save_value(tx: &mut dyn Sql, value: &ReportedValue) -> Result<(), StoreError> {
    let sql = "INSERT INTO reported_values (unit, name, from_day, to_day, value) VALUES (?1, ?2, ?3, ?4, ?5) \
               ON CONFLICT (unit, name, from_day, to_day) DO UPDATE SET value = excluded.value";
    tx.exec(sql, &value_values(value))?;
    Ok(())
}

/// Whether the registry holds `value` as it is: the same number reported for
/// that unit, name and period.
pub(crate) fn holds_value(tx: &mut dyn Sql, value: &ReportedValue) -> Result<bool, StoreError> {
    let sql = "SELECT 1 FROM reported_values \
               WHERE unit = ?1 AND name = ?2 AND from_day = ?3 AND to_day = ?4 AND value = ?5";
    Ok(first(tx, sql, &value_values(value), |_| Ok(()))?.is_some())
}

/// Every reported value, by unit, name and period.
pub(crate) fn all_values(
    tx: &mut dyn Sql,
    each: &mut dyn FnMut(ReportedValue) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let sql = "SELECT unit, name, from_day, to_day, value FROM reported_values ORDER BY unit, name, from_day, to_day";
    tx.query(sql, &[], &mut |row| {
        each(ReportedValue {
            unit: code(row, 0)?,
            name: row.text(1)?,
            from: row.date(2)?,
            to: row.date(3)?,
            value: row.int(4)?,
        })
    })
}
