//! 对象条件 — a predicate on records as SQL over one record row `r`, read from
//! docs/policy.md: a date attribute holds when set on or before D, `entrusted`
//! within the entrustment, `trained in` and `opened in` when the day lies from
//! the start of D's period through D. Every condition is true or false, never
//! NULL, so that `not` reads as written.

use domain::policy::{Comparison, RecordAttribute, RecordField, RecordPredicate};

use super::dates::AsOf;
use super::dialect::Dialect;
use super::schema::word;

/// The column of a numeric field.
pub(super) fn field_column(field: RecordField) -> &'static str {
    match field {
        RecordField::AreaM2 => "area_m2",
        RecordField::Capacity => "capacity",
        RecordField::Migrants => "migrants",
    }
}

/// The condition that `predicate` holds of the record `r` on D.
pub(super) fn condition(dialect: Dialect, as_of: &AsOf, predicate: &RecordPredicate) -> String {
    let on = dialect.date(as_of.date);
    let set_by = |column: &str| format!("(r.{column} IS NOT NULL AND r.{column} <= {on})");
    match predicate {
        RecordPredicate::And { all } => {
            let parts: Vec<String> = all.iter().map(|p| condition(dialect, as_of, p)).collect();
            format!("({})", parts.join(" AND "))
        }
        RecordPredicate::Or { any } => {
            let parts: Vec<String> = any.iter().map(|p| condition(dialect, as_of, p)).collect();
            format!("({})", parts.join(" OR "))
        }
        RecordPredicate::Not { inner } => format!("(NOT {})", condition(dialect, as_of, inner)),
        RecordPredicate::Attribute { attribute } => match attribute {
            RecordAttribute::Registered => set_by("registered_on"),
            RecordAttribute::LetterSigned => set_by("letter_signed_on"),
            RecordAttribute::HasUnion => set_by("union_since"),
            RecordAttribute::HasMediation => set_by("mediation_since"),
            RecordAttribute::Entrusted => format!(
                "({} AND {} >= {on})",
                set_by("entrusted_from"),
                dialect.end("r.entrusted_to")
            ),
        },
        RecordPredicate::TrainedIn { period } => format!(
            "EXISTS (SELECT 1 FROM trainings t WHERE t.record = r.id AND t.day >= {} AND t.day <= {on})",
            dialect.date(as_of.period_start(*period))
        ),
        RecordPredicate::OpenedIn { period } => format!(
            "(r.from_day >= {} AND r.from_day <= {on})",
            dialect.date(as_of.period_start(*period))
        ),
        RecordPredicate::Compare {
            field,
            comparison,
            value,
        } => {
            let op = match comparison {
                Comparison::Eq => "=",
                Comparison::Ne => "<>",
                Comparison::Lt => "<",
                Comparison::Le => "<=",
                Comparison::Gt => ">",
                Comparison::Ge => ">=",
            };
            let column = field_column(*field);
            format!("(r.{column} IS NOT NULL AND r.{column} {op} {value})")
        }
        RecordPredicate::Role { role } => {
            format!("(r.role IS NOT NULL AND r.role = '{}')", word(role))
        }
        RecordPredicate::IsMigrant => "(r.is_migrant IS NOT NULL AND r.is_migrant = 1)".into(),
    }
}
