//! 查询 — assembles the query that computes every indicator for every unit valid on
//! D: each term counted or summed in the unit that stands for a person's residence
//! or a record's unit on D, added up to every ancestor (numerators and denominators
//! add; ratios are never averaged), reported values taken as docs/policy.md says,
//! and each numerator and denominator as an exact integer over a common
//! denominator known here.

use domain::policy::{
    Expr, Indicator, PersonPredicate, Policy, RecordField, RecordKind, RecordPredicate, Term,
};

use super::dates::AsOf;
use super::dialect::Dialect;
use super::person::Persons;
use super::record::{condition as record_condition, field_column};
use super::{IndicatorColumns, Query};

/// What one query counts: the distinct terms of every indicator.
struct Terms<'a> {
    persons: Vec<Option<&'a PersonPredicate>>,
    records: Vec<(RecordKind, Option<&'a RecordPredicate>, Option<RecordField>)>,
    /// `count(towns)` and `count(towns: has KIND)` (the index of `count(KIND)`).
    towns: Vec<Option<usize>>,
    values: Vec<&'a str>,
}

fn position_or_push<T: PartialEq>(items: &mut Vec<T>, item: T) -> usize {
    match items.iter().position(|x| *x == item) {
        Some(index) => index,
        None => {
            items.push(item);
            items.len() - 1
        }
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs().max(1)
    } else {
        gcd(b, a % b)
    }
}

impl<'a> Terms<'a> {
    /// The SQL of `term` in the final select (over `c`, the rolled-up counts, and
    /// `v`, the values).
    fn column(&mut self, term: &'a Term) -> String {
        match term {
            Term::CountPersons { filter } => {
                format!(
                    "COALESCE(c.p{}, 0)",
                    position_or_push(&mut self.persons, filter.as_ref())
                )
            }
            Term::CountRecords { kind, filter } => format!(
                "COALESCE(c.r{}, 0)",
                position_or_push(&mut self.records, (*kind, filter.as_ref(), None))
            ),
            Term::SumRecords {
                kind,
                field,
                filter,
            } => format!(
                "COALESCE(c.r{}, 0)",
                position_or_push(&mut self.records, (*kind, filter.as_ref(), Some(*field)))
            ),
            Term::CountTowns { has } => {
                let has = has.map(|kind| position_or_push(&mut self.records, (kind, None, None)));
                format!("COALESCE(c.t{}, 0)", position_or_push(&mut self.towns, has))
            }
            Term::Value { name } => format!("v.v{}", position_or_push(&mut self.values, name)),
        }
    }

    /// `Σ coefficient × term` over the least common denominator of the scales.
    fn expression(&mut self, expr: &'a Expr) -> (String, i64) {
        let denom = expr
            .terms
            .iter()
            .fold(1, |l, t| l / gcd(l, t.scale.denom) * t.scale.denom);
        let parts: Vec<String> = expr
            .terms
            .iter()
            .map(|t| {
                let coefficient = t.scale.numer * (denom / t.scale.denom);
                format!("{coefficient} * {}", self.column(&t.term))
            })
            .collect();
        (format!("CAST({} AS BIGINT)", parts.join(" + ")), denom)
    }
}

/// The query of every indicator of `policy` as of `as_of.date`.
pub(super) fn compile(policy: &Policy, as_of: &AsOf, dialect: Dialect) -> Query {
    let mut terms = Terms {
        // Always count the persons present, so that every unit has a row of counts.
        persons: vec![None],
        records: Vec::new(),
        towns: Vec::new(),
        values: Vec::new(),
    };
    let mut outputs = Vec::new();
    let mut columns = Vec::new();
    for (i, indicator) in policy.indicators.iter().enumerate() {
        let Indicator {
            numerator,
            denominator,
            ..
        } = indicator;
        let (n, numerator_denom) = terms.expression(numerator);
        let (d, denominator_denom) = match denominator {
            Some(expr) => {
                let (d, denom) = terms.expression(expr);
                (d, Some(denom))
            }
            None => ("CAST(NULL AS BIGINT)".to_string(), None),
        };
        outputs.push(format!("{n} AS n{i}, {d} AS d{i}"));
        columns.push(IndicatorColumns {
            indicator: indicator.id.clone(),
            numerator_denom,
            denominator_denom,
        });
    }
    let sql = assemble(&terms, &outputs, as_of, dialect, policy);
    Query {
        sql,
        as_of: as_of.date,
        columns,
    }
}

fn assemble<'a>(
    terms: &Terms<'a>,
    outputs: &[String],
    as_of: &'a AsOf,
    dialect: Dialect,
    policy: &'a Policy,
) -> String {
    let on = dialect.date(as_of.date);
    let mut persons = Persons::new(dialect, as_of, policy);
    let person_sums: Vec<String> = terms
        .persons
        .iter()
        .enumerate()
        .map(|(i, filter)| {
            let condition = filter.map_or("1 = 1".to_string(), |p| persons.condition(p));
            format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS p{i}")
        })
        .collect();
    let record_sums: Vec<String> = terms
        .records
        .iter()
        .enumerate()
        .map(|(i, (kind, filter, field))| {
            let mut condition = format!("r.kind = '{}'", kind.detail_kind());
            if let Some(filter) = filter {
                condition = format!(
                    "{condition} AND {}",
                    record_condition(dialect, as_of, filter)
                );
            }
            let amount = field.map_or("1".to_string(), |f| format!("r.{}", field_column(f)));
            format!("SUM(CASE WHEN {condition} THEN {amount} ELSE 0 END) AS r{i}")
        })
        .collect();
    let town_flags: Vec<String> = terms
        .towns
        .iter()
        .enumerate()
        .map(|(i, has)| match has {
            None => format!("1 AS t{i}"),
            Some(side) => format!("MAX(CASE WHEN o.r{side} > 0 THEN 1 ELSE 0 END) AS t{i}"),
        })
        .collect();

    let mut ctes = Vec::new();
    ctes.push(format!(
        "present AS (SELECT r.person AS person, s.standing AS unit, r.unit AS home FROM facts r \
         JOIN unit_standing s ON s.as_of = {on} AND s.code = r.unit \
         JOIN persons p ON p.id = r.person \
         WHERE r.kind = 'residence' AND r.from_day <= {on} AND {} >= {on} \
         AND (p.left_on IS NULL OR p.left_on > {on}))",
        dialect.end("r.to_day")
    ));
    let leaf_columns = persons.leaf_columns();
    let mut joins = String::new();
    if !leaf_columns.is_empty() {
        let employer = if persons.employer {
            " LEFT JOIN records e ON e.id = f.employer"
        } else {
            ""
        };
        ctes.push(format!(
            "leaves AS (SELECT f.person AS person, {} FROM facts f{employer} \
             WHERE f.from_day <= {on} GROUP BY f.person)",
            leaf_columns.join(", ")
        ));
        joins.push_str(" LEFT JOIN leaves l ON l.person = pr.person");
    }
    for (i, run) in persons.runs().enumerate() {
        ctes.push(format!("run{i} AS ({run})"));
        joins.push_str(&format!(" LEFT JOIN run{i} ON run{i}.person = pr.person"));
    }
    ctes.push(format!(
        "person_own AS (SELECT pr.unit AS unit, {} FROM present pr \
         JOIN persons p ON p.id = pr.person{joins} GROUP BY pr.unit)",
        person_sums.join(", ")
    ));
    if !record_sums.is_empty() {
        ctes.push(format!(
            "record_own AS (SELECT s.standing AS unit, {} FROM records r \
             JOIN unit_standing s ON s.as_of = {on} AND s.code = r.unit \
             WHERE r.from_day <= {on} AND {} >= {on} GROUP BY s.standing)",
            record_sums.join(", "),
            dialect.end("r.to_day")
        ));
    }
    if !town_flags.is_empty() {
        ctes.push(format!(
            "town_own AS (SELECT t.unit AS unit, {} FROM unit_tree t{} \
             WHERE t.as_of = {on} AND t.unit = t.ancestor AND t.level = 'town' GROUP BY t.unit)",
            town_flags.join(", "),
            if terms.towns.iter().any(Option::is_some) {
                format!(
                    " LEFT JOIN unit_tree x ON x.as_of = {on} AND x.ancestor = t.unit \
                     LEFT JOIN record_own o ON o.unit = x.unit"
                )
            } else {
                String::new()
            }
        ));
    }

    // Every term's own count per unit, then added up to each ancestor.
    let all: Vec<String> = (0..terms.persons.len())
        .map(|i| format!("p{i}"))
        .chain((0..terms.records.len()).map(|i| format!("r{i}")))
        .chain((0..terms.towns.len()).map(|i| format!("t{i}")))
        .collect();
    let branch = |table: &str, prefix: char| {
        let columns: Vec<String> = all
            .iter()
            .map(|c| {
                if c.starts_with(prefix) {
                    c.clone()
                } else {
                    format!("0 AS {c}")
                }
            })
            .collect();
        format!("SELECT unit, {} FROM {table}", columns.join(", "))
    };
    let mut branches = vec![branch("person_own", 'p')];
    if !terms.records.is_empty() {
        branches.push(branch("record_own", 'r'));
    }
    if !terms.towns.is_empty() {
        branches.push(branch("town_own", 't'));
    }
    ctes.push(format!("own AS ({})", branches.join(" UNION ALL ")));
    let sums: Vec<String> = all.iter().map(|c| format!("SUM(o.{c}) AS {c}")).collect();
    ctes.push(format!(
        "rolled AS (SELECT t.ancestor AS unit, {} FROM own o \
         JOIN unit_tree t ON t.as_of = {on} AND t.unit = o.unit GROUP BY t.ancestor)",
        sums.join(", ")
    ));

    let mut values_join = String::new();
    if !terms.values.is_empty() {
        ctes.extend(value_ctes(&terms.values, dialect, &on));
        values_join = " LEFT JOIN value_rolled v ON v.unit = u.unit".to_string();
    }
    format!(
        "WITH {} SELECT u.unit AS unit, {} FROM unit_tree u LEFT JOIN rolled c ON c.unit = u.unit{values_join} \
         WHERE u.as_of = {on} AND u.unit = u.ancestor ORDER BY u.unit",
        ctes.join(",\n"),
        outputs.join(", ")
    )
}

/// `value(NAME)`: a unit's own report for the shortest period containing D (the
/// later one between equal lengths), else the sum of its valid children's values,
/// else none. Unrolled: the sum over the reporting descendants with no reporting
/// unit between them and the unit, found with equality joins only (a correlated
/// "no unit between" is quadratic on PostgreSQL and SQLite).
fn value_ctes(names: &[&str], dialect: Dialect, on: &str) -> Vec<String> {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let pivot: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("MAX(CASE WHEN name = '{n}' THEN value END) AS v{i}"))
        .collect();
    vec![
        format!(
            "value_own AS (SELECT name, unit, value FROM (\
             SELECT v.name AS name, v.unit AS unit, v.value AS value, ROW_NUMBER() OVER (\
             PARTITION BY v.name, v.unit ORDER BY {}, v.from_day DESC) AS rn \
             FROM reported_values v JOIN unit_tree u ON u.as_of = {on} AND u.unit = v.unit AND u.ancestor = v.unit \
             WHERE v.name IN ({}) AND v.from_day <= {on} AND v.to_day >= {on}) ranked WHERE rn = 1)",
            dialect.days_between("v.from_day", "v.to_day"),
            quoted.join(", ")
        ),
        format!(
            "unit_depth AS (SELECT unit, COUNT(*) AS depth FROM unit_tree WHERE as_of = {on} GROUP BY unit)"
        ),
        // The depth of each report's deepest reporting proper ancestor (0 for none):
        // it counts towards an ancestor no deeper than that one is.
        format!(
            "value_cover AS (SELECT o.name AS name, o.unit AS unit, o.value AS value, \
             COALESCE(MAX(dx.depth), 0) AS cover FROM value_own o \
             LEFT JOIN unit_tree t ON t.as_of = {on} AND t.unit = o.unit AND t.ancestor <> o.unit \
             LEFT JOIN value_own x ON x.name = o.name AND x.unit = t.ancestor \
             LEFT JOIN unit_depth dx ON dx.unit = x.unit \
             GROUP BY o.name, o.unit, o.value)"
        ),
        format!(
            "value_from_children AS (SELECT c.name AS name, t.ancestor AS unit, SUM(c.value) AS value \
             FROM value_cover c JOIN unit_tree t ON t.as_of = {on} AND t.unit = c.unit AND t.ancestor <> c.unit \
             JOIN unit_depth da ON da.unit = t.ancestor WHERE c.cover <= da.depth \
             GROUP BY c.name, t.ancestor)"
        ),
        format!(
            "value_rolled AS (SELECT unit, {} FROM (SELECT name, unit, value FROM value_own \
             UNION ALL SELECT c.name, c.unit, c.value FROM value_from_children c \
             WHERE NOT EXISTS (SELECT 1 FROM value_own o WHERE o.name = c.name AND o.unit = c.unit)) chosen \
             GROUP BY unit)",
            pivot.join(", ")
        ),
    ]
}
