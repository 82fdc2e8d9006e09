//! 导出表 — the flat tables the oracle's SQL reads: persons, their facts, records,
//! staff trainings, reported values, and the unit tree as of each date asked about
//! (which unit stands for a code, and every unit's ancestors). Dates are ISO text
//! in the files; an empty field is NULL.

use serde::Serialize;

use super::dialect::Dialect;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Int,
    Date,
    Text,
}

/// One exported table: its name (also the file's, with `.csv`) and columns.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, ColumnType)],
}

use ColumnType::{Date, Int, Text};

/// 人员 — sex and birth date for age; the departure day (absent from it on).
pub const PERSONS: Table = Table {
    name: "persons",
    columns: &[
        ("id", Int),
        ("sex", Text),
        ("birth_date", Date),
        ("left_on", Date),
    ],
};

/// 事实 — every fact with its first and last day and what it says.
pub const FACTS: Table = Table {
    name: "facts",
    columns: &[
        ("id", Int),
        ("person", Int),
        ("kind", Text),
        ("from_day", Date),
        ("to_day", Date),
        ("unit", Int),
        ("housing", Text),
        ("scheme", Text),
        ("school", Text),
        ("employer", Int),
        ("wage", Int),
    ],
};

/// 非人员对象 — every record, its kind's attributes in their own columns.
pub const RECORDS: Table = Table {
    name: "records",
    columns: &[
        ("id", Int),
        ("kind", Text),
        ("unit", Int),
        ("from_day", Date),
        ("to_day", Date),
        ("letter_signed_on", Date),
        ("union_since", Date),
        ("registered_on", Date),
        ("entrusted_from", Date),
        ("entrusted_to", Date),
        ("area_m2", Int),
        ("capacity", Int),
        ("migrants", Int),
        ("mediation_since", Date),
        ("role", Text),
        ("is_migrant", Int),
    ],
};

/// 培训 — one row per staff member and training day.
pub const TRAININGS: Table = Table {
    name: "trainings",
    columns: &[("record", Int), ("day", Date)],
};

/// 汇总值 — every reported value.
pub const REPORTED_VALUES: Table = Table {
    name: "reported_values",
    columns: &[
        ("unit", Int),
        ("name", Text),
        ("from_day", Date),
        ("to_day", Date),
        ("value", Int),
    ],
};

/// 单位树 — per as-of date, every valid unit with each of its ancestors (itself
/// included) and its level (`town` for towns and streets).
pub const UNIT_TREE: Table = Table {
    name: "unit_tree",
    columns: &[
        ("as_of", Date),
        ("unit", Int),
        ("ancestor", Int),
        ("level", Text),
    ],
};

/// 归属 — per as-of date, the valid unit that stands for each code (itself, or
/// the successor of a merged unit).
pub const UNIT_STANDING: Table = Table {
    name: "unit_standing",
    columns: &[("as_of", Date), ("code", Int), ("standing", Int)],
};

/// Every exported table.
pub const TABLES: [Table; 7] = [
    PERSONS,
    FACTS,
    RECORDS,
    TRAININGS,
    REPORTED_VALUES,
    UNIT_TREE,
    UNIT_STANDING,
];

impl Table {
    /// `CREATE TABLE` for `dialect`.
    pub fn create(&self, dialect: Dialect) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|(name, kind)| {
                let kind = match kind {
                    Int => "BIGINT",
                    Date => dialect.date_type(),
                    Text => "TEXT",
                };
                format!("{name} {kind}")
            })
            .collect();
        format!("CREATE TABLE {} ({})", self.name, columns.join(", "))
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(name, _)| *name).collect()
    }
}

/// Indexes that databases without a vectorised hash join (PostgreSQL, SQLite)
/// need for the compiled query's lookups; built after loading.
pub fn indexes(dialect: Dialect) -> Vec<&'static str> {
    match dialect {
        Dialect::DuckDb => Vec::new(),
        Dialect::Postgres | Dialect::Sqlite => vec![
            "CREATE INDEX persons_id ON persons (id)",
            "CREATE INDEX facts_person ON facts (person)",
            "CREATE INDEX records_id ON records (id)",
            "CREATE INDEX trainings_record ON trainings (record)",
            "CREATE INDEX unit_tree_unit ON unit_tree (as_of, unit)",
            "CREATE INDEX unit_standing_code ON unit_standing (as_of, code)",
        ],
    }
}

/// The policy language's word for an enum value (`concentrated_zone`, `female`).
pub(super) fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(word)) => word,
        other => unreachable!("expected an enum written as a word, but found {other:?}"),
    }
}
