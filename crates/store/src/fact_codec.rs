//! How a [`FactKind`] is kept in a `facts` row: the kind's name in `kind` and
//! what it says in typed columns, written and read back here and nowhere else.
//!
//! | kind | `unit` | `record` | `value` | `amount` |
//! |---|---|---|---|---|
//! | residence | the village | the place, if any | the housing | |
//! | employment | | the employer | | the monthly wage in fen |
//! | labour_contract | | the employer | | |
//! | insurance | | | the scheme | |
//! | schooling | | | the school kind | |
//! | temporary_residence_permit | | | the permit number | |
//! | every other kind | | | | |
//!
//! Enum values are written with the names serde gives them (`own_home`,
//! `work_injury`, …), so the columns read the same as the JSON of the API.

use domain::division::DivisionCode;
use domain::registry::{FactKind, Housing, InsuranceScheme, RecordId, SchoolKind};

use crate::StoreError;

/// The columns of one fact's kind, borrowed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FactColumns<'a> {
    pub kind: &'static str,
    pub unit: Option<DivisionCode>,
    pub record: Option<RecordId>,
    pub value: Option<&'a str>,
    pub amount: Option<i64>,
}

fn housing_text(housing: Housing) -> &'static str {
    match housing {
        Housing::ConcentratedZone => "concentrated_zone",
        Housing::RentedHouse => "rented_house",
        Housing::EmployerDormitory => "employer_dormitory",
        Housing::OwnHome => "own_home",
    }
}

fn scheme_text(scheme: InsuranceScheme) -> &'static str {
    match scheme {
        InsuranceScheme::Pension => "pension",
        InsuranceScheme::Medical => "medical",
        InsuranceScheme::Unemployment => "unemployment",
        InsuranceScheme::WorkInjury => "work_injury",
    }
}

fn school_text(school: SchoolKind) -> &'static str {
    match school {
        SchoolKind::Public => "public",
        SchoolKind::Private => "private",
        SchoolKind::MigrantChildren => "migrant_children",
    }
}

/// The columns that hold `kind`.
pub(crate) fn columns(kind: &FactKind) -> FactColumns<'_> {
    let mut columns = FactColumns {
        kind: kind.name(),
        unit: None,
        record: None,
        value: None,
        amount: None,
    };
    match kind {
        FactKind::Residence {
            housing,
            unit,
            place,
        } => {
            columns.unit = Some(*unit);
            columns.record = *place;
            columns.value = Some(housing_text(*housing));
        }
        FactKind::Employment {
            employer,
            monthly_wage_fen,
        } => {
            columns.record = Some(*employer);
            columns.amount = Some(*monthly_wage_fen);
        }
        FactKind::LabourContract { employer } => columns.record = Some(*employer),
        FactKind::Insurance { scheme } => columns.value = Some(scheme_text(*scheme)),
        FactKind::Schooling { school } => columns.value = Some(school_text(*school)),
        FactKind::TemporaryResidencePermit { number } | FactKind::ResidencePermit { number } => {
            columns.value = Some(number)
        }
        FactKind::HighRiskJob
        | FactKind::UnionMembership
        | FactKind::SkillsTraining
        | FactKind::VaccinationCertificateChecked
        | FactKind::ImmunisationUpToDate
        | FactKind::ChildCare
        | FactKind::Pregnancy
        | FactKind::MaternalCare
        | FactKind::TbCase
        | FactKind::TbFreeTreatment
        | FactKind::Married
        | FactKind::FamilyPlanningService
        | FactKind::FamilyPlanningCertificateCheck
        | FactKind::FamilyPlanningContract
        | FactKind::LegalEducation => {}
    }
    columns
}

fn damaged(kind: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("reading a fact of kind {kind:?}: {why}"))
}

/// The column a kind needs, or the error that names it.
fn needed<T>(kind: &str, column: &str, value: Option<T>) -> Result<T, StoreError> {
    value.ok_or_else(|| {
        damaged(
            kind,
            format!("expected a value in column {column}, but found NULL"),
        )
    })
}

fn unknown(kind: &str, column: &str, text: &str) -> StoreError {
    damaged(
        kind,
        format!("expected a known value in column {column}, but found {text:?}"),
    )
}

fn housing_from(kind: &str, text: &str) -> Result<Housing, StoreError> {
    Ok(match text {
        "concentrated_zone" => Housing::ConcentratedZone,
        "rented_house" => Housing::RentedHouse,
        "employer_dormitory" => Housing::EmployerDormitory,
        "own_home" => Housing::OwnHome,
        _ => return Err(unknown(kind, "value", text)),
    })
}

fn scheme_from(kind: &str, text: &str) -> Result<InsuranceScheme, StoreError> {
    Ok(match text {
        "pension" => InsuranceScheme::Pension,
        "medical" => InsuranceScheme::Medical,
        "unemployment" => InsuranceScheme::Unemployment,
        "work_injury" => InsuranceScheme::WorkInjury,
        _ => return Err(unknown(kind, "value", text)),
    })
}

fn school_from(kind: &str, text: &str) -> Result<SchoolKind, StoreError> {
    Ok(match text {
        "public" => SchoolKind::Public,
        "private" => SchoolKind::Private,
        "migrant_children" => SchoolKind::MigrantChildren,
        _ => return Err(unknown(kind, "value", text)),
    })
}

/// The fact kind the columns of a row hold (the inverse of [`columns`]).
pub(crate) fn kind_from(
    kind: &str,
    unit: Option<DivisionCode>,
    record: Option<RecordId>,
    value: Option<&str>,
    amount: Option<i64>,
) -> Result<FactKind, StoreError> {
    Ok(match kind {
        "residence" => FactKind::Residence {
            housing: housing_from(kind, needed(kind, "value", value)?)?,
            unit: needed(kind, "unit", unit)?,
            place: record,
        },
        "employment" => FactKind::Employment {
            employer: needed(kind, "record", record)?,
            monthly_wage_fen: needed(kind, "amount", amount)?,
        },
        "labour_contract" => FactKind::LabourContract {
            employer: needed(kind, "record", record)?,
        },
        "insurance" => FactKind::Insurance {
            scheme: scheme_from(kind, needed(kind, "value", value)?)?,
        },
        "schooling" => FactKind::Schooling {
            school: school_from(kind, needed(kind, "value", value)?)?,
        },
        "temporary_residence_permit" => FactKind::TemporaryResidencePermit {
            number: needed(kind, "value", value)?.to_owned(),
        },
        "residence_permit" => FactKind::ResidencePermit {
            number: needed(kind, "value", value)?.to_owned(),
        },
        "high_risk_job" => FactKind::HighRiskJob,
        "union_membership" => FactKind::UnionMembership,
        "skills_training" => FactKind::SkillsTraining,
        "vaccination_certificate_checked" => FactKind::VaccinationCertificateChecked,
        "immunisation_up_to_date" => FactKind::ImmunisationUpToDate,
        "child_care" => FactKind::ChildCare,
        "pregnancy" => FactKind::Pregnancy,
        "maternal_care" => FactKind::MaternalCare,
        "tb_case" => FactKind::TbCase,
        "tb_free_treatment" => FactKind::TbFreeTreatment,
        "married" => FactKind::Married,
        "family_planning_service" => FactKind::FamilyPlanningService,
        "family_planning_certificate_check" => FactKind::FamilyPlanningCertificateCheck,
        "family_planning_contract" => FactKind::FamilyPlanningContract,
        "legal_education" => FactKind::LegalEducation,
        _ => return Err(damaged(kind, "expected a known kind of fact")),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::queries::enum_text;

    pub(crate) fn every_kind() -> Vec<FactKind> {
        let unit: DivisionCode = "320211001001".parse().unwrap();
        let mut kinds = vec![
            FactKind::Residence {
                housing: Housing::RentedHouse,
                unit,
                place: Some(12),
            },
            FactKind::Residence {
                housing: Housing::OwnHome,
                unit,
                place: None,
            },
            FactKind::Employment {
                employer: 7,
                monthly_wage_fen: 452_000,
            },
            FactKind::LabourContract { employer: 7 },
            FactKind::TemporaryResidencePermit {
                number: "ZZ320211001001-00017".into(),
            },
            FactKind::ResidencePermit {
                number: "3202112025000017".into(),
            },
        ];
        kinds.extend(
            [
                InsuranceScheme::Pension,
                InsuranceScheme::Medical,
                InsuranceScheme::Unemployment,
                InsuranceScheme::WorkInjury,
            ]
            .map(|scheme| FactKind::Insurance { scheme }),
        );
        kinds.extend(
            [
                SchoolKind::Public,
                SchoolKind::Private,
                SchoolKind::MigrantChildren,
            ]
            .map(|school| FactKind::Schooling { school }),
        );
        kinds.extend([
            FactKind::HighRiskJob,
            FactKind::UnionMembership,
            FactKind::SkillsTraining,
            FactKind::VaccinationCertificateChecked,
            FactKind::ImmunisationUpToDate,
            FactKind::ChildCare,
            FactKind::Pregnancy,
            FactKind::MaternalCare,
            FactKind::TbCase,
            FactKind::TbFreeTreatment,
            FactKind::Married,
            FactKind::FamilyPlanningService,
            FactKind::FamilyPlanningCertificateCheck,
            FactKind::FamilyPlanningContract,
            FactKind::LegalEducation,
        ]);
        kinds
    }

    #[test]
    fn every_kind_reads_back() {
        for kind in every_kind() {
            let c = columns(&kind);
            let back = kind_from(c.kind, c.unit, c.record, c.value, c.amount);
            assert_eq!(back.unwrap(), kind);
        }
    }

    #[test]
    fn values_are_serde_names() {
        for housing in [
            Housing::ConcentratedZone,
            Housing::RentedHouse,
            Housing::EmployerDormitory,
            Housing::OwnHome,
        ] {
            assert_eq!(housing_text(housing), enum_text(&housing));
        }
        for kind in every_kind() {
            let c = columns(&kind);
            let json = serde_json::to_value(&kind).unwrap();
            assert_eq!(json["kind"], c.kind);
            for field in ["scheme", "school"] {
                if let Some(name) = json.get(field) {
                    assert_eq!(name, c.value.unwrap());
                }
            }
        }
    }

    #[test]
    fn damaged_rows_are_named() {
        let error = kind_from("employment", None, Some(3), None, None).unwrap_err();
        assert!(error.to_string().contains("amount"), "{error}");
        let error = kind_from("insurance", None, None, Some("life"), None).unwrap_err();
        assert!(error.to_string().contains("life"), "{error}");
        assert!(kind_from("astrology", None, None, None, None).is_err());
    }
}
