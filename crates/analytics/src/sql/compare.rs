//! 对照 — the oracle's answer beside the engine's: every indicator of every unit,
//! numerator and denominator compared as exact numbers.

use std::fmt;
use std::path::Path;

use domain::division::DivisionCode;

use super::Query;
use crate::exact::Exact;
use crate::result::Cube;

/// One row of a compiled query's answer: the unit, then `n0, d0, n1, d1, …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub unit: DivisionCode,
    pub sums: Vec<Option<i64>>,
}

/// Reads an answer written as CSV with a header (empty fields are NULL).
pub fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let fail = |e: &dyn fmt::Display| format!("{}: {e}", path.display());
    let mut reader = csv::Reader::from_path(path).map_err(|e| fail(&e))?;
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| fail(&e))?;
        let at = |e: &dyn fmt::Display| fail(&format!("row {}: {e}", line + 2));
        let code: u64 = record[0].parse().map_err(|e| at(&e))?;
        let unit = DivisionCode::from_u64(code).ok_or_else(|| at(&"not a division code"))?;
        let sums = record
            .iter()
            .skip(1)
            .map(|field| match field {
                "" => Ok(None),
                text => text.parse().map(Some).map_err(|e| at(&e)),
            })
            .collect::<Result<_, _>>()?;
        rows.push(Row { unit, sums });
    }
    Ok(rows)
}

/// Where the oracle and the engine disagree.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// A unit one of them has and the other has not.
    Unit { unit: DivisionCode, in_engine: bool },
    /// An indicator's numerator or denominator.
    Value(Box<Mismatch>),
}

/// One indicator of one unit, numerator and denominator as each computed them.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub indicator: String,
    pub unit: DivisionCode,
    pub engine: (Option<Exact>, Option<Exact>),
    pub sql: (Option<Exact>, Option<Exact>),
}

fn shown(value: Option<Exact>) -> String {
    value.map_or_else(|| "none".to_string(), |v| v.to_string())
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Unit { unit, in_engine } => {
                let (has, lacks) = if *in_engine {
                    ("engine", "SQL")
                } else {
                    ("SQL", "engine")
                };
                write!(
                    f,
                    "unit {unit}: in the {has}'s answer, not in the {lacks}'s"
                )
            }
            Difference::Value(mismatch) => {
                let Mismatch {
                    indicator,
                    unit,
                    engine,
                    sql,
                } = mismatch.as_ref();
                write!(
                    f,
                    "{indicator} {unit}: engine {} / {}, SQL {} / {}",
                    shown(engine.0),
                    shown(engine.1),
                    shown(sql.0),
                    shown(sql.1)
                )
            }
        }
    }
}

/// Every difference between the engine's `cube` and the oracle's `rows` for `query`.
pub fn compare(cube: &Cube, query: &Query, rows: &[Row]) -> Vec<Difference> {
    let mut differences = Vec::new();
    for row in rows {
        if cube.units().binary_search(&row.unit).is_err() {
            differences.push(Difference::Unit {
                unit: row.unit,
                in_engine: false,
            });
        }
    }
    for &unit in cube.units() {
        let Some(row) = rows.iter().find(|r| r.unit == unit) else {
            differences.push(Difference::Unit {
                unit,
                in_engine: true,
            });
            continue;
        };
        for (i, columns) in query.columns.iter().enumerate() {
            let exact = |sum: Option<i64>, denom: i64| {
                sum.map(|s| Exact::new(i128::from(s), i128::from(denom)))
            };
            let sql = (
                exact(row.sums[2 * i], columns.numerator_denom),
                columns
                    .denominator_denom
                    .and_then(|denom| exact(row.sums[2 * i + 1], denom)),
            );
            let Some(result) = cube.get(unit, &columns.indicator) else {
                continue;
            };
            let engine = (result.numerator, result.denominator);
            if engine != sql {
                differences.push(Difference::Value(Box::new(Mismatch {
                    indicator: columns.indicator.clone(),
                    unit,
                    engine,
                    sql,
                })));
            }
        }
    }
    differences
}
