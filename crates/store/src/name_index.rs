//! 姓名索引 — finding persons by part of their name without reading every name of
//! the viewer's area. A name is cut into grams (each character and each pair of
//! neighbouring characters, by `char`, so 𠮷 and 䶮 outside the basic plane are one
//! character each and the middle dot of 阿依古丽·买买提 is a character like any
//! other); `name_grams` keeps one row per person and gram, keyed and ordered by
//! gram, name and person, with the person's unit beside the key: on SQLite the
//! table is that key's one B-tree (WITHOUT ROWID), on PostgreSQL a heap and its
//! primary key. A query reads the rows of its rarest gram in that order, within the
//! viewer's subtree, and checks each name against the whole query; exact names come
//! first. Rows are written in the same transaction as the name or unit they
//! repeat: by [`replace`] on every submitted change, by the bulk loader, and by
//! [`backfill`] for a database written before the index existed.

use domain::registry::{Person, PersonId};
use rayon::slice::ParallelSliceMut;

use crate::sql::{Sql, Val, first, rows};
use crate::vault::Vault;
use crate::{NameCursor, StoreError, segment};

/// The columns of `name_grams`.
pub(crate) const COLUMNS: [&str; 4] = ["gram", "name", "person", "unit"];

/// Names read per query while paging through a gram's rows.
const CHUNK: usize = 256;

/// Rows of a gram counted at most, to pick a query's rarest gram.
const COUNT_CAP: i64 = 100_000;

/// A name or query as the index compares them: whitespace and control characters
/// dropped, every way of writing the middle dot (·, ‧, ・, ･, •, ., ．) as `·`,
/// full-width Latin letters and digits as ASCII, letters in lower case.
pub(crate) fn normalise(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 3 + 1);
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            continue;
        }
        let c = match c {
            '\u{00B7}' | '\u{2027}' | '\u{30FB}' | '\u{FF65}' | '\u{2022}' | '\u{0387}'
            | '\u{22C5}' | '\u{2219}' | '.' | '\u{FF0E}' => '·',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

/// The gram of one character: its code point.
fn unigram(c: char) -> i64 {
    i64::from(u32::from(c))
}

/// The gram of two neighbouring characters: above every code point.
fn bigram(a: char, b: char) -> i64 {
    (1 << 42) | (unigram(a) << 21) | unigram(b)
}

/// The grams of a name: each character and each neighbouring pair, once each.
pub(crate) fn grams(name: &str) -> Vec<i64> {
    let chars = normalise(name);
    let mut grams: Vec<i64> = chars.iter().copied().map(unigram).collect();
    grams.extend(chars.windows(2).map(|pair| bigram(pair[0], pair[1])));
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// The grams every name containing `query` has: its one character, or its pairs.
fn query_grams(query: &[char]) -> Vec<i64> {
    let mut grams: Vec<i64> = match query {
        [one] => vec![unigram(*one)],
        _ => query
            .windows(2)
            .map(|pair| bigram(pair[0], pair[1]))
            .collect(),
    };
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// One index row: gram, name, person, unit (the order of [`COLUMNS`], the key
/// first, so that sorted rows go into the table in its key's order).
pub(crate) type Entry<'a> = (i64, &'a str, PersonId, i64);

/// The index rows of a person named `name` living in `unit`.
pub(crate) fn entries(person: PersonId, name: &str, unit: i64) -> impl Iterator<Item = Entry<'_>> {
    grams(name)
        .into_iter()
        .map(move |gram| (gram, name, person, unit))
}

/// One index row's values, in [`COLUMNS`] order.
pub(crate) fn values<'a>(&(gram, name, person, unit): &Entry<'a>) -> [Val<'a>; 4] {
    [gram.into(), name.into(), person.into(), unit.into()]
}

/// An index row of [`Sorted`]: its gram, the rank of its person's name among
/// the names in byte order, and its person's place in [`Sorted`]'s list.
pub(crate) type SortedRow = (i64, u32, u32);

/// The index rows of many persons, sorted by the key (on every core), so that
/// they go into the table in its order. The names are first copied side by
/// side into one buffer: in gram order the rows read them in no order at all,
/// and names each in an allocation of their own, spread over the heap, cost a
/// cache miss at nearly every row. Each name is then ranked once among the
/// others, so that the rows sort by integers alone: with the persons listed by
/// number, (gram, rank, place) sorts as the key (gram, name, person) does, and
/// a person has one unit and one row of a gram.
pub(crate) struct Sorted {
    names: String,
    /// Each person's number, the place of their name in `names`, and unit.
    persons: Vec<(PersonId, std::ops::Range<usize>, i64)>,
    rows: Vec<SortedRow>,
}

impl Sorted {
    /// The rows of `persons`: number, name and unit each.
    pub(crate) fn of<'a>(persons: impl ExactSizeIterator<Item = (PersonId, &'a str, i64)>) -> Self {
        let mut names = String::new();
        let mut list = Vec::with_capacity(persons.len());
        for (person, name, unit) in persons {
            let start = names.len();
            names.push_str(name);
            list.push((person, start..names.len(), unit));
        }
        list.par_sort_unstable_by_key(|(person, ..)| *person);
        let count = u32::try_from(list.len()).expect("fewer than 2^32 persons in one load");
        let name = |at: u32| &names[list[at as usize].1.clone()];
        let mut by_name: Vec<(&str, u32)> = (0..count).map(|at| (name(at), at)).collect();
        by_name.par_sort_unstable();
        let mut ranks = vec![0u32; list.len()];
        let mut rank = 0;
        for pair in by_name.windows(2) {
            if pair[0].0 != pair[1].0 {
                rank += 1;
            }
            ranks[pair[1].1 as usize] = rank;
        }
        drop(by_name);
        // Five rows for a name of three characters: each, and two pairs.
        let mut rows = Vec::with_capacity(list.len() * 5);
        for (at, rank) in (0..count).zip(ranks) {
            rows.extend(grams(name(at)).into_iter().map(|gram| (gram, rank, at)));
        }
        rows.par_sort_unstable();
        Sorted {
            names,
            persons: list,
            rows,
        }
    }

    /// The rows, in key order.
    pub(crate) fn rows(&self) -> &[SortedRow] {
        &self.rows
    }

    /// One row's values, in [`COLUMNS`] order.
    pub(crate) fn values(&self, &(gram, _, at): &SortedRow) -> [Val<'_>; 4] {
        let (person, name, unit) = &self.persons[at as usize];
        values(&(gram, &self.names[name.clone()], *person, *unit))
    }
}

/// The index rows of a person named `name` living in `unit`, flat, in
/// [`COLUMNS`] order.
fn rows_of(person: PersonId, name: &str, unit: i64) -> Vec<Val<'_>> {
    entries(person, name, unit)
        .flat_map(|entry| values(&entry))
        .collect()
}

/// Writes index rows (flat, in [`COLUMNS`] order).
fn write(tx: &mut dyn Sql, values: Vec<Val<'_>>) -> Result<(), StoreError> {
    tx.bulk(
        "name_grams",
        &COLUMNS,
        &mut std::iter::once(values),
        &mut drop,
    )?;
    Ok(())
}

/// Keeps a person's rows in step with their name and unit: `before` is the person
/// as the rows know them (nothing for a new person), `after` the person's row now.
pub(crate) fn replace(
    tx: &mut dyn Sql,
    before: Option<&Person>,
    after: &Person,
) -> Result<(), StoreError> {
    let key = |p: &Person| (p.name.clone(), p.unit);
    if before.map(key) == Some(key(after)) {
        return Ok(());
    }
    if let Some(before) = before {
        for gram in grams(&before.name) {
            tx.exec(
                "DELETE FROM name_grams WHERE gram = ?1 AND name = ?2 AND person = ?3",
                &[gram.into(), before.name.as_str().into(), before.id.into()],
            )?;
        }
    }
    write(
        tx,
        rows_of(after.id, &after.name, after.unit.as_u64() as i64),
    )
}

/// Fills `name_grams` for every person when it is empty and persons are not (a
/// database written before the index), in the caller's transaction: a batch of
/// persons at a time, each batch's rows sorted by the key, so that they go into
/// its tree in order.
pub(crate) fn backfill(tx: &mut dyn Sql) -> Result<(), StoreError> {
    const BATCH: i64 = 50_000;
    let any = |tx: &mut dyn Sql, table: &str| {
        first(tx, &format!("SELECT 1 FROM {table} LIMIT 1"), &[], |row| {
            row.int(0)
        })
        .map(|row| row.is_some())
    };
    if any(tx, "name_grams")? || !any(tx, "persons")? {
        return Ok(());
    }
    let last = first(tx, "SELECT COALESCE(MAX(id), 0) FROM persons", &[], |row| {
        row.int(0)
    })?
    .unwrap_or(0);
    let mut from = 1;
    while from <= last {
        let persons = rows(
            tx,
            "SELECT id, name, unit FROM persons WHERE id BETWEEN ?1 AND ?2",
            &[from.into(), (from + BATCH - 1).into()],
            |row| Ok((row.int(0)?, row.text(1)?, row.int(2)?)),
        )?;
        let sorted = Sorted::of(
            persons
                .iter()
                .map(|(id, name, unit)| (*id, name.as_str(), *unit)),
        );
        write(
            tx,
            sorted
                .rows()
                .iter()
                .flat_map(|row| sorted.values(row))
                .collect(),
        )?;
        from += BATCH;
    }
    Ok(())
}

/// The gram of `grams` with the fewest rows (counted up to a cap).
fn rarest(tx: &mut dyn Sql, grams: &[i64]) -> Result<Option<i64>, StoreError> {
    if grams.len() < 2 {
        return Ok(grams.first().copied());
    }
    let mut best: Option<(i64, i64)> = None;
    for &gram in grams {
        let count = first(
            tx,
            "SELECT COUNT(*) FROM (SELECT 1 FROM name_grams WHERE gram = ?1 LIMIT ?2) AS capped",
            &[gram.into(), COUNT_CAP.into()],
            |row| row.int(0),
        )?
        .unwrap_or(0);
        if best.is_none_or(|(fewest, _)| count < fewest) {
            best = Some((count, gram));
        }
    }
    Ok(best.map(|(_, gram)| gram))
}

/// One page of the persons in the subtree `range` whose name contains `query`:
/// those named exactly `query` first (by number), then the others by name and
/// number; at most `limit`, after `after`. Also where the next page starts, if
/// there is one. The persons segments hold are read beside the index, name by
/// name.
pub(crate) fn search(
    tx: &mut dyn Sql,
    vault: &Vault,
    range: (u64, u64),
    query: &str,
    after: Option<&NameCursor>,
    limit: usize,
) -> Result<(Vec<PersonId>, Option<NameCursor>), StoreError> {
    let wanted = normalise(query);
    let Some(gram) = rarest(tx, &query_grams(&wanted))? else {
        return Ok((Vec::new(), None));
    };
    let (low, high) = (range.0 as i64, range.1 as i64);
    let mut hits: Vec<NameCursor> = Vec::new();
    if after.is_none_or(|cursor| cursor.exact) {
        let from = after.map_or(0, |cursor| cursor.person);
        let exact = rows(
            tx,
            "SELECT person FROM name_grams WHERE gram = ?1 AND name = ?2 AND unit BETWEEN ?3 AND ?4 \
             AND person > ?5 ORDER BY person LIMIT ?6",
            &[
                gram.into(),
                query.into(),
                low.into(),
                high.into(),
                from.into(),
                (limit as i64 + 1).into(),
            ],
            |row| row.int(0),
        )?;
        hits.extend(exact.into_iter().map(|person| NameCursor {
            exact: true,
            name: query.to_owned(),
            person,
        }));
    }
    let (mut name, mut person) = match after {
        Some(cursor) if !cursor.exact => (cursor.name.clone(), cursor.person),
        _ => (String::new(), 0),
    };
    while hits.len() <= limit {
        let chunk = rows(
            tx,
            "SELECT person, name FROM name_grams WHERE gram = ?1 AND unit BETWEEN ?2 AND ?3 \
             AND name >= ?4 AND (name > ?4 OR person > ?5) ORDER BY name, person LIMIT ?6",
            &[
                gram.into(),
                low.into(),
                high.into(),
                name.as_str().into(),
                person.into(),
                (CHUNK as i64).into(),
            ],
            |row| Ok((row.int(0)?, row.text(1)?)),
        )?;
        let ended = chunk.len() < CHUNK;
        for (id, found) in chunk {
            if found != query && contains(&normalise(&found), &wanted) {
                hits.push(NameCursor {
                    exact: false,
                    name: found.clone(),
                    person: id,
                });
            }
            (name, person) = (found, id);
        }
        if ended {
            break;
        }
    }
    let held = segment::named(tx, vault, range, query, &wanted)?;
    hits.extend(
        held.into_iter()
            .filter(|hit| after.is_none_or(|cursor| order(hit) > order(cursor))),
    );
    hits.sort_by(|a, b| order(a).cmp(&order(b)));
    let next = if hits.len() > limit {
        hits.truncate(limit);
        hits.last().cloned()
    } else {
        None
    };
    Ok((hits.into_iter().map(|hit| hit.person).collect(), next))
}

/// Where a hit comes in the pages: exact names first by number, then the
/// others by name and number.
fn order(hit: &NameCursor) -> (bool, &str, PersonId) {
    let name = if hit.exact { "" } else { hit.name.as_str() };
    (!hit.exact, name, hit.person)
}

/// Whether `name` holds `part` as a run of characters.
pub(crate) fn contains(name: &[char], part: &[char]) -> bool {
    part.is_empty() || name.windows(part.len()).any(|run| run == part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loads_rows_come_in_the_keys_order_and_are_every_persons_grams() {
        // Out of number order, names repeated, one a prefix of another.
        let persons = [
            (7, "王小明", 320211),
            (3, "王小", 320205),
            (5, "王小明", 320206),
            (1, "李𠮷", 320211),
            (9, "阿依古丽·买买提", 320214),
        ];
        let sorted = Sorted::of(persons.iter().copied());
        let rows: Vec<(i64, String, PersonId, i64)> = sorted
            .rows()
            .iter()
            .map(|row| match sorted.values(row) {
                [
                    Val::Int(gram),
                    Val::Text(name),
                    Val::Int(person),
                    Val::Int(unit),
                ] => (gram, name.into_owned(), person, unit),
                other => panic!("expected gram, name, person and unit, found {other:?}"),
            })
            .collect();
        let mut expected: Vec<(i64, String, PersonId, i64)> = persons
            .iter()
            .flat_map(|&(person, name, unit)| entries(person, name, unit))
            .map(|(gram, name, person, unit)| (gram, name.to_owned(), person, unit))
            .collect();
        expected.sort_unstable();
        assert_eq!(rows, expected);
    }

    #[test]
    fn characters_outside_the_basic_plane_are_one_gram_each() {
        let grams = grams("王𠮷");
        assert_eq!(
            grams,
            [unigram('王'), unigram('𠮷'), bigram('王', '𠮷')]
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
        );
        assert!(grams.contains(&0x20BB7));
    }

    #[test]
    fn every_middle_dot_is_the_same() {
        for name in [
            "吉克·阿依",
            "吉克‧阿依",
            "吉克・阿依",
            "吉克.阿依",
            "吉克 · 阿依",
        ] {
            assert_eq!(normalise(name), normalise("吉克·阿依"), "{name}");
        }
        assert_eq!(normalise("ＪＯＨＮ"), normalise("john"));
    }

    #[test]
    fn a_query_of_one_character_uses_its_unigram_and_longer_ones_their_pairs() {
        assert_eq!(query_grams(&['䶮']), [unigram('䶮')]);
        assert_eq!(
            query_grams(&normalise("欧阳娜")),
            [bigram('欧', '阳'), bigram('阳', '娜')]
        );
        assert!(contains(&normalise("欧阳娜娜"), &normalise("阳娜")));
        assert!(!contains(&normalise("王建"), &normalise("王国")));
    }
}
