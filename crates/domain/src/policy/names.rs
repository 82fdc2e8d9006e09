//! 名称表 — every name the policy file and its language accept, with what it means:
//! record kinds and their fields and attributes, housing kinds, insurance schemes,
//! school kinds, staff roles, periods, units, directions, rollout stages. Fact kinds
//! are `FactKind::NAMES` in the registry.
//!
//! A test checks each table against the serde names of the registry's enums, so a
//! renamed variant cannot silently leave the language behind.

use super::ast::{Direction, Period, RecordAttribute, RecordField, RecordKind, ValueUnit};
use crate::registry::{Housing, InsuranceScheme, SchoolKind, StaffRole};
use crate::resident_id::Sex;

/// A table of names and their meanings.
pub(super) type Names<T> = &'static [(&'static str, T)];

/// The value of `name` in `table`.
pub(super) fn lookup<T: Copy>(table: Names<T>, name: &str) -> Option<T> {
    table.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The names of `table`, for messages.
pub(super) fn names<T>(table: Names<T>) -> Vec<&'static str> {
    table.iter().map(|(n, _)| *n).collect()
}

/// Record kinds as written in `count(KIND)` and `sum(KIND.FIELD)`.
pub(super) const RECORD_KINDS: Names<RecordKind> = &[
    ("employers", RecordKind::Employers),
    ("landlords", RecordKind::Landlords),
    ("rental_houses", RecordKind::RentalHouses),
    ("hotels", RecordKind::Hotels),
    ("agencies", RecordKind::Agencies),
    ("concentrated_zones", RecordKind::ConcentratedZones),
    ("settlements", RecordKind::Settlements),
    (
        "migrant_children_schools",
        RecordKind::MigrantChildrenSchools,
    ),
    (
        "new_citizen_organisations",
        RecordKind::NewCitizenOrganisations,
    ),
    ("staff", RecordKind::Staff),
];

/// The plural name of a record kind.
pub(super) fn record_kind_name(kind: RecordKind) -> &'static str {
    RECORD_KINDS
        .iter()
        .find(|(_, k)| *k == kind)
        .map(|(n, _)| *n)
        .expect("every record kind has a name")
}

/// The numeric fields of a record kind.
pub(super) fn fields_of(kind: RecordKind) -> Names<RecordField> {
    match kind {
        RecordKind::ConcentratedZones => &[
            ("area_m2", RecordField::AreaM2),
            ("capacity", RecordField::Capacity),
        ],
        RecordKind::Settlements => &[("migrants", RecordField::Migrants)],
        _ => &[],
    }
}

/// The date attributes of a record kind.
pub(super) fn attributes_of(kind: RecordKind) -> Names<RecordAttribute> {
    match kind {
        RecordKind::Employers => &[
            ("letter_signed", RecordAttribute::LetterSigned),
            ("has_union", RecordAttribute::HasUnion),
        ],
        RecordKind::Landlords | RecordKind::Agencies => {
            &[("letter_signed", RecordAttribute::LetterSigned)]
        }
        RecordKind::RentalHouses => &[
            ("registered", RecordAttribute::Registered),
            ("entrusted", RecordAttribute::Entrusted),
        ],
        RecordKind::Settlements => &[("has_mediation", RecordAttribute::HasMediation)],
        _ => &[],
    }
}

/// Every word that may start a condition on records of `kind`, for messages.
pub(super) fn record_condition_words(kind: RecordKind) -> Vec<&'static str> {
    let mut words = names(fields_of(kind));
    words.extend(names(attributes_of(kind)));
    if kind == RecordKind::Staff {
        words.extend(["role", "is_migrant", "trained"]);
    }
    words.push("opened");
    words
}

/// The filters a fact kind takes in parentheses, e.g. `residence(housing = …)`.
pub(super) fn filters_of(fact: &str) -> &'static [&'static str] {
    match fact {
        "residence" => &["housing"],
        "insurance" => &["scheme"],
        "schooling" => &["school"],
        "employment" => &["employer_has_union", "wage"],
        _ => &[],
    }
}

/// `housing = …`
pub(super) const HOUSING: Names<Housing> = &[
    ("concentrated_zone", Housing::ConcentratedZone),
    ("rented_house", Housing::RentedHouse),
    ("employer_dormitory", Housing::EmployerDormitory),
    ("own_home", Housing::OwnHome),
];

/// `scheme = …`
pub(super) const SCHEMES: Names<InsuranceScheme> = &[
    ("pension", InsuranceScheme::Pension),
    ("medical", InsuranceScheme::Medical),
    ("unemployment", InsuranceScheme::Unemployment),
    ("work_injury", InsuranceScheme::WorkInjury),
];

/// `school = …`
pub(super) const SCHOOLS: Names<SchoolKind> = &[
    ("public", SchoolKind::Public),
    ("private", SchoolKind::Private),
    ("migrant_children", SchoolKind::MigrantChildren),
];

/// `role = …`
pub(super) const ROLES: Names<StaffRole> = &[
    ("registration_assistant", StaffRole::RegistrationAssistant),
    ("information_officer", StaffRole::InformationOfficer),
];

/// `sex = …`
pub(super) const SEXES: Names<Sex> = &[("male", Sex::Male), ("female", Sex::Female)];

/// `in …`, `began in …`, `opened in …`, `trained in …`
pub(super) const PERIODS: Names<Period> = &[
    ("month", Period::Month),
    ("quarter", Period::Quarter),
    ("year", Period::Year),
    ("plan", Period::Plan),
];

/// `unit = …`
pub(super) const UNITS: Names<ValueUnit> = &[
    ("percent", ValueUnit::Percent),
    ("permille", ValueUnit::Permille),
    ("m2", ValueUnit::SquareMetres),
    ("count", ValueUnit::Count),
];

/// `direction = …`
pub(super) const DIRECTIONS: Names<Direction> = &[
    ("at_least", Direction::AtLeast),
    ("at_most", Direction::AtMost),
    ("tracked", Direction::Tracked),
];

/// `stage = …` in `[[permit.rollout]]`, and whether applications are accepted.
pub(super) const STAGES: Names<bool> =
    &[("preparation", false), ("pilot", true), ("citywide", true)];

/// Words of the language that are never names of parameters, facts or values.
pub(super) const KEYWORDS: &[&str] = &["and", "or", "not", "in", "began", "for"];

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn serde_name(value: impl Serialize) -> String {
        serde_json::to_value(value)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn check<T: Serialize + Copy>(table: Names<T>) {
        for (name, value) in table {
            assert_eq!(serde_name(*value), *name);
        }
    }

    /// Every name is the serde name of the registry's or the syntax tree's variant.
    #[test]
    fn names_match_serde() {
        check(RECORD_KINDS);
        check(HOUSING);
        check(SCHEMES);
        check(SCHOOLS);
        check(ROLES);
        check(PERIODS);
        check(DIRECTIONS);
        for (_, kind) in RECORD_KINDS {
            check(fields_of(*kind));
            check(attributes_of(*kind));
        }
        assert_eq!(serde_name(Sex::Female), "female");
    }

    /// `record_kind_name` inverts `RECORD_KINDS`, and `detail_kind` is its singular.
    #[test]
    fn record_kinds() {
        for (name, kind) in RECORD_KINDS {
            assert_eq!(record_kind_name(*kind), *name);
            assert!(name.starts_with(kind.detail_kind().trim_end_matches('y')));
        }
    }
}
