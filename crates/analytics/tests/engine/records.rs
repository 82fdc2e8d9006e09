//! Records: existence from the first through the last day, date attributes read as
//! "set on or before D", entrustment within its days, sums of a field opened in the
//! plan, staff roles and training this year, towns with an organisation, and
//! changes: an employer's union moving E5 for its employees, a record moved or
//! removed.

use domain::registry::{FactKind, RecordDetail, StaffRole};
use jiff::civil::date;

use super::support::*;

fn house(id: i64, unit: &str, registered: Option<jiff::civil::Date>) -> domain::registry::Record {
    record(
        id,
        unit,
        date(2020, 1, 1),
        None,
        RecordDetail::RentalHouse {
            landlord: 0,
            address: "地址".into(),
            registered_on: registered,
            entrusted_from: None,
            entrusted_to: None,
        },
    )
}

#[test]
fn rental_houses_registered_and_entrusted() {
    let entrusted = record(
        3,
        V2,
        date(2020, 1, 1),
        Some(date(2025, 6, 30)),
        RecordDetail::RentalHouse {
            landlord: 0,
            address: String::new(),
            registered_on: Some(date(2020, 1, 1)),
            entrusted_from: Some(date(2025, 1, 1)),
            entrusted_to: Some(date(2025, 3, 31)),
        },
    );
    let records = [
        house(1, V1, Some(date(2025, 5, 10))),
        house(2, V1, None),
        entrusted,
        house(4, V4, Some(date(2021, 1, 1))),
    ];
    let engine = seed_engine(&records, &[]);
    let r3 = |unit, on| nd(&engine, unit, "R3", on);
    assert_eq!(r3(V1, date(2025, 5, 9)), ("0".into(), "2".into()));
    assert_eq!(r3(V1, date(2025, 5, 10)), ("1".into(), "2".into()));
    assert_eq!(
        nd_at(&engine, &LEVELS_V1, "R3", date(2025, 6, 30)),
        pairs(&[(1, 2), (2, 3), (2, 3), (3, 4)])
    );
    // House 3 is gone after its last day.
    assert_eq!(r3(TOWN_A1, date(2025, 7, 1)), ("1".into(), "2".into()));
    let r6 = |unit, on| nd(&engine, unit, "R6", on);
    assert_eq!(r6(V2, date(2024, 12, 31)), ("0".into(), "1".into()));
    assert_eq!(r6(V2, date(2025, 1, 1)), ("1".into(), "1".into()));
    assert_eq!(r6(CITY, date(2025, 3, 31)), ("1".into(), "4".into()));
    assert_eq!(r6(CITY, date(2025, 4, 1)), ("0".into(), "4".into()));
    // Before any house existed: no data.
    assert_eq!(
        result(&engine, CITY, "R6", date(2019, 12, 31)).band,
        analytics::Band::NoData
    );
}

#[test]
fn responsibility_letters_add_three_kinds() {
    let signed = Some(date(2025, 2, 1));
    let records = [
        record(
            1,
            V1,
            date(2020, 1, 1),
            None,
            RecordDetail::Landlord {
                letter_signed_on: signed,
            },
        ),
        record(
            2,
            V1,
            date(2020, 1, 1),
            None,
            RecordDetail::Landlord {
                letter_signed_on: None,
            },
        ),
        record(
            3,
            V2,
            date(2020, 1, 1),
            None,
            RecordDetail::Employer {
                union_since: None,
                letter_signed_on: Some(date(2021, 1, 1)),
            },
        ),
        record(
            4,
            V4,
            date(2020, 1, 1),
            None,
            RecordDetail::Agency {
                letter_signed_on: signed,
            },
        ),
        // A hotel is none of the three.
        record(5, V4, date(2020, 1, 1), None, RecordDetail::Hotel),
    ];
    let engine = seed_engine(&records, &[]);
    assert_eq!(
        nd_at(
            &engine,
            &[V1, V2, TOWN_A1, V4, CITY],
            "R5",
            date(2025, 1, 31)
        ),
        pairs(&[(0, 2), (1, 1), (1, 3), (0, 1), (1, 4)])
    );
    assert_eq!(
        nd(&engine, CITY, "R5", date(2025, 2, 1)),
        ("3".into(), "4".into())
    );
}

#[test]
fn concentrated_area_opened_in_the_plan_adds_up() {
    let zone = |id, unit, from, area| {
        record(
            id,
            unit,
            from,
            None,
            RecordDetail::ConcentratedZone {
                area_m2: area,
                capacity: 100,
            },
        )
    };
    let records = [
        zone(1, V1, date(2023, 6, 1), 1_000),
        zone(2, V1, date(2024, 3, 1), 2_500),
        zone(3, V3, date(2026, 1, 1), 400_000),
        zone(4, V4, date(2026, 6, 1), 150_000),
    ];
    let engine = seed_engine(&records, &[]);
    let r7 = |unit, on| result(&engine, unit, "R7", on);
    assert_eq!(r7(V1, date(2024, 2, 29)).value, Some(0.0));
    assert_eq!(r7(V1, date(2024, 3, 1)).value, Some(2_500.0));
    assert_eq!(
        r7(DISTRICT_A, date(2026, 1, 1))
            .numerator
            .unwrap()
            .to_string(),
        "402500"
    );
    // Y1 sets no target.
    assert_eq!(r7(CITY, date(2024, 12, 31)).band, analytics::Band::NoTarget);
    // Y3: 402,500 is short of 500,000 by more than 10: red; 552,500 is green.
    assert_eq!(r7(CITY, date(2026, 5, 31)).band, analytics::Band::Red);
    let end = r7(CITY, date(2026, 12, 31));
    assert_eq!(end.value, Some(552_500.0));
    assert_eq!(end.band, analytics::Band::Green);
    assert_eq!(end.target.unwrap().to_string(), "500000");
}

fn staff(
    id: i64,
    unit: &str,
    role: StaffRole,
    is_migrant: bool,
    trained: &[jiff::civil::Date],
) -> domain::registry::Record {
    record(
        id,
        unit,
        date(2020, 1, 1),
        None,
        RecordDetail::Staff {
            role,
            is_migrant,
            trained_on: trained.to_vec(),
        },
    )
}

#[test]
fn staff_roles_migrants_and_training_this_year() {
    use StaffRole::*;
    let records = [
        staff(1, V1, InformationOfficer, true, &[]),
        staff(2, V1, InformationOfficer, false, &[]),
        staff(3, V2, InformationOfficer, false, &[]),
        staff(4, V1, RegistrationAssistant, true, &[date(2024, 5, 1)]),
        staff(
            5,
            V4,
            RegistrationAssistant,
            false,
            &[date(2023, 5, 1), date(2025, 2, 1)],
        ),
    ];
    let engine = seed_engine(&records, &[]);
    let on = date(2024, 12, 31);
    assert_eq!(nd(&engine, V1, "R8", on), ("1".into(), "2".into()));
    assert_eq!(nd(&engine, TOWN_A1, "R8", on), ("1".into(), "3".into()));
    assert_eq!(nd(&engine, CITY, "R11", on), ("1".into(), "2".into()));
    assert_eq!(
        nd(&engine, CITY, "R11", date(2025, 1, 1)),
        ("0".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, CITY, "R11", date(2025, 2, 1)),
        ("1".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, V4, "R11", date(2023, 12, 31)),
        ("1".into(), "1".into())
    );
    // R10: assistants over required staff.
    assert_eq!(nd(&engine, V1, "R10", on).0, "1");
}

#[test]
fn settlements_of_200_or_more_with_mediation() {
    let settlement = |id, unit, migrants, since| {
        record(
            id,
            unit,
            date(2020, 1, 1),
            None,
            RecordDetail::Settlement {
                migrants,
                mediation_since: since,
            },
        )
    };
    let records = [
        settlement(1, V1, 200, Some(date(2025, 1, 1))),
        settlement(2, V1, 350, None),
        settlement(3, V3, 199, Some(date(2020, 1, 1))),
        settlement(4, V4, 500, Some(date(2024, 1, 1))),
    ];
    let engine = seed_engine(&records, &[]);
    assert_eq!(
        nd(&engine, V1, "L2", date(2024, 12, 31)),
        ("0".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, V1, "L2", date(2025, 1, 1)),
        ("1".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, DISTRICT_A, "L2", date(2025, 1, 1)),
        ("1".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, CITY, "L2", date(2025, 1, 1)),
        ("2".into(), "3".into())
    );
}

#[test]
fn towns_with_a_new_citizen_organisation() {
    let records = [record(
        1,
        TOWN_A1,
        date(2025, 1, 1),
        None,
        RecordDetail::NewCitizenOrganisation,
    )];
    let engine = seed_engine(&records, &[]);
    let r9 = |unit, on| nd(&engine, unit, "R9", on);
    // After the merger: towns A1, A2, B1 and N1.
    assert_eq!(r9(CITY, date(2024, 12, 31)), ("0".into(), "4".into()));
    assert_eq!(r9(CITY, date(2025, 1, 1)), ("1".into(), "4".into()));
    assert_eq!(r9(DISTRICT_A, date(2025, 1, 1)), ("1".into(), "2".into()));
    assert_eq!(r9(TOWN_A1, date(2025, 1, 1)), ("1".into(), "1".into()));
    assert_eq!(r9(DISTRICT_B, date(2025, 1, 1)), ("0".into(), "1".into()));
    // A village has no towns: no data.
    assert_eq!(
        result(&engine, V1, "R9", date(2025, 1, 1)).band,
        analytics::Band::NoData
    );
    // Before the merger 320213 and its town did not exist.
    assert_eq!(r9(CITY, LAST_OLD_DAY), ("0".into(), "3".into()));
}

#[test]
fn an_employer_getting_a_union_moves_its_employees_into_e5() {
    let employer = |union_since| {
        record(
            1,
            V1,
            date(2020, 1, 1),
            None,
            RecordDetail::Employer {
                union_since,
                letter_signed_on: None,
            },
        )
    };
    let job = FactKind::Employment {
        employer: 1,
        monthly_wage_fen: 300_000,
    };
    let since = date(2024, 1, 1);
    let people = [
        P::man(1)
            .lives(V1, since, None)
            .with(job.clone(), since, None)
            .with(FactKind::UnionMembership, since, None),
        P::man(2).lives(V2, since, None).with(job, since, None),
        // Works elsewhere: not a dependent.
        P::man(3).lives(V2, since, None),
    ];
    let mut engine = seed_engine(&[employer(None)], &people);
    let on = date(2025, 6, 1);
    assert_eq!(nd(&engine, TOWN_A1, "E5", on), ("0".into(), "0".into()));
    let dependents: Vec<_> = people[..2].iter().map(P::state).collect();
    engine
        .put_record(&employer(Some(date(2025, 3, 1))), &dependents)
        .unwrap();
    assert_eq!(nd(&engine, TOWN_A1, "E5", on), ("1".into(), "2".into()));
    assert_eq!(nd(&engine, V2, "E5", on), ("0".into(), "1".into()));
    assert_eq!(
        nd(&engine, TOWN_A1, "E5", date(2025, 2, 28)),
        ("0".into(), "0".into())
    );
    // The same as an engine built with the union from the start.
    let fresh = seed_engine(&[employer(Some(date(2025, 3, 1)))], &people);
    for on in [date(2025, 2, 28), date(2025, 3, 1), date(2026, 1, 1)] {
        assert_eq!(
            engine.evaluate(code(CITY), on),
            fresh.evaluate(code(CITY), on)
        );
    }
    // The employer closes: its union goes with it.
    let mut closed = employer(Some(date(2025, 3, 1)));
    closed.to = Some(date(2025, 9, 30));
    engine.put_record(&closed, &dependents).unwrap();
    assert_eq!(
        nd(&engine, TOWN_A1, "E5", date(2025, 9, 30)),
        ("1".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, TOWN_A1, "E5", date(2025, 10, 1)),
        ("0".into(), "0".into())
    );
}

#[test]
fn a_record_moved_or_removed_leaves_no_trace() {
    let mut engine = seed_engine(&[house(1, V1, Some(date(2021, 1, 1)))], &[]);
    let on = date(2025, 1, 1);
    assert_eq!(nd(&engine, V1, "R3", on), ("1".into(), "1".into()));
    engine
        .put_record(&house(1, V4, Some(date(2021, 1, 1))), &[])
        .unwrap();
    assert_eq!(nd(&engine, V1, "R3", on), ("0".into(), "0".into()));
    assert_eq!(nd(&engine, V4, "R3", on), ("1".into(), "1".into()));
    engine.remove_record(1, &[]).unwrap();
    assert_eq!(nd(&engine, CITY, "R3", on), ("0".into(), "0".into()));
    let empty = seed_engine(&[], &[]);
    assert_eq!(
        engine.cube(on).unwrap().results().collect::<Vec<_>>(),
        empty.cube(on).unwrap().results().collect::<Vec<_>>()
    );
}
