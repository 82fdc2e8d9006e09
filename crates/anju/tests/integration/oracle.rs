//! The indicator engine against its independent SQL oracle: the demo city (200,000
//! persons, the default seed) exported, every indicator of the seed policy — and of
//! a few more that use what the seed does not (`for`, windows on filtered facts,
//! fractional scales, towns with a kind) — computed by DuckDB from the compiled SQL
//! for every unit of Wuxi, as of three dates, and required equal, numerator and
//! denominator, to the engine's exact values.

use std::sync::Arc;

use analytics::sql::{Dialect, compare, compile};
use anju::demo::Options;
use anju::oracle::{city, duckdb};
use jiff::civil::date;

#[test]
fn duckdb_computes_what_the_engine_computes_for_every_unit_and_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}{EXTRA}", domain::policy::SEED_TEXT);
    let policy = Arc::new(domain::policy::parse("seed+extra.toml", &text).unwrap());
    let dates = [date(2025, 12, 31), date(2025, 6, 30), date(2024, 2, 29)];
    let options = Options {
        persons: std::env::var("ANJU_ORACLE_PERSONS").map_or(200_000, |n| n.parse().unwrap()),
        ..Options::default()
    };
    let city = city::build(&options, policy.clone(), Some((dir.path(), &dates))).unwrap();
    let queries: Vec<_> = dates
        .iter()
        .map(|&d| compile(&policy, d, Dialect::DuckDb))
        .collect();
    let (answers, _) = duckdb::run(dir.path(), &queries, 1).unwrap_or_else(|e| panic!("{e:#}"));

    let mut differences = Vec::new();
    for ((query, rows), as_of) in queries.iter().zip(&answers).zip(dates) {
        let cube = city.engine.cube(as_of).unwrap();
        assert_eq!(cube.units().len(), 1_350, "Wuxi's units on {as_of}");
        assert_eq!(rows.len(), 1_350, "the SQL's units on {as_of}");
        differences.extend(
            compare(&cube, query, rows)
                .into_iter()
                .map(|d| format!("{as_of}: {d}")),
        );
    }
    assert!(
        differences.is_empty(),
        "{} differences between the engine and DuckDB; the first:\n{}",
        differences.len(),
        differences[..differences.len().min(20)].join("\n")
    );
    // Not a vacuous agreement: the city counts something for every indicator (P1's
    // numerator too: the demo city issues residence permits).
    let cube = city.engine.cube(dates[0]).unwrap();
    for result in cube
        .results()
        .filter(|r| r.unit == city.engine.hierarchy().city())
    {
        assert!(
            result.numerator.is_some_and(|n| !n.is_zero()),
            "{} is zero or missing for the city on {}",
            result.indicator,
            dates[0]
        );
    }
}

/// Indicators beyond the seed's, each tracked, exercising the rest of the language.
const EXTRA: &str = r#"
[[indicator]]
id = "X1"
zh = "连续居住"
en = "Continuous residence and permits"
clause = "-"
unit = "percent"
direction = "tracked"
numerator = "count(persons: residence for 1 year) + count(persons: temporary_residence_permit for 6 months 10 days)"
denominator = "count(persons: residence(housing = rented_house) for 2 years or residence(housing = own_home) for 1 month)"

[[indicator]]
id = "X2"
zh = "工资"
en = "Wages in windows"
clause = "-"
unit = "percent"
direction = "tracked"
numerator = "count(persons: employment(wage >= minimum_wage_fen) in year) + count(persons: employment(wage >= 255000) began in quarter)"
denominator = "count(persons: employment(wage >= minimum_wage_fen) for 1 year 2 months 3 days) + count(persons: employment(wage >= minimum_wage_fen) began in plan)"

[[indicator]]
id = "X3"
zh = "工会"
en = "Unions in windows"
clause = "-"
unit = "percent"
direction = "tracked"
numerator = "count(persons: employment(employer_has_union) began in quarter) + count(persons: employment(employer_has_union) in month)"
denominator = "count(persons: employment(employer_has_union) for 6 months) + count(persons: labour_contract in month)"

[[indicator]]
id = "X4"
zh = "新市民条件"
en = "New-citizen criteria"
clause = "-"
unit = "permille"
direction = "tracked"
numerator = """count(persons: temporary_residence_permit and residence for 1 year
  and employment(wage >= minimum_wage_fen)
  and (not (sex = female and age in 15..49 and married) or family_planning_certificate_check or family_planning_contract))"""
denominator = "count(persons: age >= 16 and not age > 60) * 2.5 - count(persons: age = 0) / 3 + count(persons: age < 3) / 7"

[[indicator]]
id = "X5"
zh = "对象"
en = "Records in windows"
clause = "-"
unit = "percent"
direction = "tracked"
numerator = "count(staff: trained in quarter or opened in month) + count(towns: has hotels) + sum(settlements.migrants: not has_mediation and migrants < 500)"
denominator = "count(staff: not is_migrant and trained in plan) + count(towns) + count(rental_houses: registered and not entrusted) + sum(concentrated_zones.capacity: opened in year)"
"#;
