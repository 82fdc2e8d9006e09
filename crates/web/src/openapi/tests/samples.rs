//! Sample values for the schema checks: one of every fact kind, record kind and
//! change, a person and a search hit, on fixed synthetic data.

use domain::Date;
use domain::division::DivisionCode;
use domain::event::{Change, Correction, FactForm, ResidenceForm};
use domain::registry::*;
use domain::resident_id::{ResidentId, Sex};

pub(super) fn day(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

pub(super) fn village() -> DivisionCode {
    "320211001003".parse().unwrap()
}

pub(super) fn all_fact_kinds() -> Vec<FactKind> {
    vec![
        FactKind::Residence {
            housing: Housing::RentedHouse,
            unit: village(),
            place: Some(3),
        },
        FactKind::Residence {
            housing: Housing::OwnHome,
            unit: village(),
            place: None,
        },
        FactKind::Employment {
            employer: 1,
            monthly_wage_fen: 500_000,
        },
        FactKind::LabourContract { employer: 1 },
        FactKind::Insurance {
            scheme: InsuranceScheme::WorkInjury,
        },
        FactKind::HighRiskJob,
        FactKind::UnionMembership,
        FactKind::SkillsTraining,
        FactKind::Schooling {
            school: SchoolKind::MigrantChildren,
        },
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
        FactKind::TemporaryResidencePermit {
            number: "锡暂 001".into(),
        },
    ]
}

pub(super) fn all_record_details() -> Vec<RecordDetail> {
    vec![
        RecordDetail::Employer {
            union_since: Some(day(2001, 1, 1)),
            letter_signed_on: None,
        },
        RecordDetail::Landlord {
            letter_signed_on: Some(day(2002, 2, 2)),
        },
        RecordDetail::RentalHouse {
            landlord: 2,
            address: "某路 1 号".into(),
            registered_on: Some(day(2003, 3, 3)),
            entrusted_from: Some(day(2004, 4, 4)),
            entrusted_to: None,
        },
        RecordDetail::Hotel,
        RecordDetail::Agency {
            letter_signed_on: None,
        },
        RecordDetail::ConcentratedZone {
            area_m2: 1200,
            capacity: 300,
        },
        RecordDetail::Settlement {
            migrants: 40,
            mediation_since: None,
        },
        RecordDetail::MigrantChildrenSchool,
        RecordDetail::NewCitizenOrganisation,
        RecordDetail::Staff {
            role: StaffRole::InformationOfficer,
            is_migrant: true,
            trained_on: vec![day(2005, 5, 5)],
        },
    ]
}

pub(super) fn resident_id() -> ResidentId {
    ResidentId::synthesize(340102, day(1990, 5, 17), 123, Sex::Male)
}

pub(super) fn person() -> Person {
    let id = resident_id();
    Person {
        id: 1,
        resident_id: id,
        name: "张三".into(),
        sex: id.sex(),
        birth_date: id.birth_date(),
        hukou: id.hukou(),
        registered_on: day(2010, 1, 1),
        left_on: Some(day(2011, 1, 1)),
        unit: village(),
    }
}

pub(super) fn summary() -> store::PersonSummary {
    store::PersonSummary {
        id: 1,
        name: "张三".into(),
        masked_id: "340102**********1X".into(),
        unit: village(),
        present: true,
    }
}

pub(super) fn all_changes() -> Vec<Change> {
    let residence = ResidenceForm {
        housing: Housing::OwnHome,
        unit: village(),
        place: None,
    };
    let kind = FactKind::Insurance {
        scheme: InsuranceScheme::Pension,
    };
    vec![
        Change::Register {
            person: NewPerson {
                resident_id: resident_id(),
                name: "张三".into(),
            },
            on: day(2010, 1, 1),
            residence: residence.clone(),
            facts: vec![FactForm {
                fact: kind.clone(),
                from: day(2010, 1, 1),
                to: None,
            }],
        },
        Change::Move {
            person: 1,
            on: day(2010, 2, 1),
            residence,
        },
        Change::ChangeEmployer {
            person: 1,
            on: day(2010, 3, 1),
            employer: 4,
            monthly_wage_fen: 1,
        },
        Change::AddFact {
            person: 1,
            fact: kind.clone(),
            from: day(2010, 1, 1),
            to: Some(day(2010, 2, 2)),
        },
        Change::EndFact {
            person: 1,
            fact: 2,
            last_day: day(2010, 4, 1),
        },
        Change::Leave {
            person: 1,
            on: day(2011, 1, 1),
        },
        Change::LinkFamily {
            link: FamilyLink {
                person: 1,
                relative: 2,
                relation: Relation::Spouse,
            },
        },
        Change::Correct {
            reason: "录入错误".into(),
            correction: Correction::Fact {
                person: 1,
                fact: 2,
                kind,
                from: day(2010, 1, 1),
                to: None,
            },
        },
        Change::Correct {
            reason: "重复".into(),
            correction: Correction::VoidFact { person: 1, fact: 2 },
        },
        Change::Correct {
            reason: "姓名".into(),
            correction: Correction::Person {
                person: 1,
                name: "李四".into(),
                resident_id: resident_id(),
            },
        },
        Change::SaveRecord {
            record: Record {
                id: 0,
                name: "甲".into(),
                unit: village(),
                from: day(2000, 1, 1),
                to: None,
                detail: RecordDetail::Hotel,
            },
        },
        Change::ReportValue {
            value: domain::reported_value::ReportedValue {
                unit: village(),
                name: "estimated_migrants".into(),
                from: day(2025, 1, 1),
                to: day(2025, 12, 31),
                value: 1200,
            },
        },
        Change::Permit {
            step: domain::permit::PermitStep::Issue {
                permit: 3,
                on: day(2025, 6, 10),
                valid_to: Some(day(2026, 6, 9)),
            },
            reason: "准予签发".into(),
        },
    ]
}
