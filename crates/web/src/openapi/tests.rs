//! The document lists every route, and the schema mirrors keep the shape of the
//! types they describe.

use domain::Date;
use domain::access::{Department, Role, User};
use domain::division::{DivisionCode, Hierarchy};
use domain::event::{Change, Correction, Event, FactForm, ResidenceForm, Source};
use domain::registry::*;
use domain::resident_id::{ResidentId, Sex};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;

fn fits<T: DeserializeOwned>(value: &impl Serialize) {
    let json = serde_json::to_value(value).unwrap();
    if let Err(error) = serde_json::from_value::<T>(json.clone()) {
        panic!(
            "the schema of {} does not fit {json}: {error}",
            std::any::type_name::<T>()
        );
    }
}

fn day(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn village() -> DivisionCode {
    "320211001003".parse().unwrap()
}

fn all_fact_kinds() -> Vec<FactKind> {
    vec![
        FactKind::Residence {
            housing: Housing::RentedHouse,
            unit: village(),
            place: Some(3),
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

fn all_record_details() -> Vec<RecordDetail> {
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

fn person() -> Person {
    let id = ResidentId::synthesize(340102, day(1990, 5, 17), 123, Sex::Male);
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

#[test]
fn mirrors_fit_persons_facts_and_records() {
    let user = User {
        id: 1,
        login: "u".into(),
        name: "U".into(),
        role: Role::DepartmentManager,
        unit: village(),
        department: Some(Department::Health),
    };
    fits::<schemas::User>(&user);
    fits::<schemas::Person>(&person());
    for kind in all_fact_kinds() {
        fits::<schemas::Fact>(&Fact {
            id: 1,
            person: 1,
            kind: kind.clone(),
            from: day(2010, 1, 1),
            to: None,
        });
        fits::<schemas::FactKind>(&kind);
    }
    for detail in all_record_details() {
        let record = Record {
            id: 1,
            name: "甲".into(),
            unit: village(),
            from: day(2000, 1, 1),
            to: None,
            detail,
        };
        fits::<schemas::Record>(&record);
    }
    let link = FamilyLink {
        person: 1,
        relative: 2,
        relation: Relation::Parent,
    };
    fits::<schemas::PersonFile>(&store::PersonFile {
        person: person(),
        facts: vec![],
        family: vec![link],
    });
    fits::<schemas::Receipt>(&store::Receipt {
        seq: 1,
        person: Some(1),
        facts: vec![2],
        record: None,
    });
    fits::<schemas::PersonSummary>(&store::PersonSummary {
        id: 1,
        name: "张三".into(),
        masked_id: "340102**********1X".into(),
        unit: village(),
        present: true,
    });
    fits::<schemas::ViewEntry>(&store::ViewEntry {
        viewer: 1,
        viewer_login: "u".into(),
        at: jiff::Timestamp::UNIX_EPOCH,
        what: "file".into(),
    });
    fits::<schemas::Unit>(Hierarchy::wuxi().unit("320202".parse().unwrap()).unwrap());
}

#[test]
fn mirrors_fit_every_change() {
    let residence = ResidenceForm {
        housing: Housing::OwnHome,
        unit: village(),
        place: None,
    };
    let kind = FactKind::Insurance {
        scheme: InsuranceScheme::Pension,
    };
    let changes = vec![
        Change::Register {
            person: NewPerson {
                resident_id: person().resident_id,
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
                resident_id: person().resident_id,
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
    ];
    let sources = [
        Source::Station,
        Source::Import {
            file: "a.csv".into(),
            sha256: "00".into(),
            row: 3,
        },
        Source::Cli,
        Source::Demo,
    ];
    for (index, change) in changes.into_iter().enumerate() {
        let event = Event {
            seq: 1,
            at: jiff::Timestamp::UNIX_EPOCH,
            actor: 1,
            unit: village(),
            person: Some(1),
            source: sources[index % sources.len()].clone(),
            change,
        };
        fits::<schemas::Event>(&event);
    }
}

#[test]
fn the_document_is_openapi_3_1_and_lists_every_route() {
    let document = serde_json::to_value(ApiDoc::openapi()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let routes = [
        ("/healthz", "get"),
        ("/api/openapi.json", "get"),
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/persons", "post"),
        ("/api/v1/persons", "get"),
        ("/api/v1/persons/{id}", "get"),
        ("/api/v1/persons/{id}/facts", "get"),
        ("/api/v1/persons/{id}/facts", "post"),
        ("/api/v1/persons/{id}/facts/{fact}/end", "post"),
        ("/api/v1/persons/{id}/moves", "post"),
        ("/api/v1/persons/{id}/employers", "post"),
        ("/api/v1/persons/{id}/departure", "post"),
        ("/api/v1/persons/{id}/corrections", "post"),
        ("/api/v1/persons/{id}/family", "post"),
        ("/api/v1/persons/{id}/timeline", "get"),
        ("/api/v1/persons/{id}/views", "get"),
        ("/api/v1/records", "get"),
        ("/api/v1/records", "post"),
        ("/api/v1/records/{id}", "get"),
        ("/api/v1/records/{id}", "put"),
        ("/api/v1/units/{code}", "get"),
    ];
    for (path, method) in routes {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    let documented: usize = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        routes.len(),
        "a documented route is missing from this list"
    );
    for schema in [
        "ErrorBody",
        "RegisterRequest",
        "Receipt",
        "PersonFile",
        "FactKind",
        "RecordDetail",
        "Event",
    ] {
        assert!(
            document["components"]["schemas"][schema].is_object(),
            "schema {schema} is missing"
        );
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}
