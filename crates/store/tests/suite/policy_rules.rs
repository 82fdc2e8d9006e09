//! 居住证受理规则 — the store holds every permit step against the policy it was
//! given: `submit` holds every step (an import cannot carry one at all): an
//! application where the rollout has not reached the district, or by a person who
//! is not a new citizen on the day, is refused with the reason; the validity of an
//! issue comes from the policy and is recorded in the event; a store given no
//! policy refuses applications.

use domain::access::User;
use domain::event::{Change, Source};
use domain::permit::PermitStep;
use jiff::civil::date;
use store::{Commit, ImportFile, ImportRow, ImportRun, Receipt, RowChange, Store, StoreError};

use super::fixtures::{BINHU, LIANGXI, id, refusal, register, setup, user};
use super::harness::each_backend;
use super::permits::{new_citizen, seed_rules};

fn apply(person: i64, on: jiff::civil::Date) -> Change {
    Change::Permit {
        step: PermitStep::Apply { person, on },
        reason: "申请居住证".into(),
    }
}

/// `actor` applies for `person` on `on` through `store`.
fn applying(
    store: &dyn Store,
    actor: &User,
    person: i64,
    on: jiff::civil::Date,
) -> Result<Receipt, StoreError> {
    store.submit(actor, Source::Station, apply(person, on))
}

#[test]
fn an_application_before_the_rollout_reaches_the_district_is_refused() {
    each_backend(|db| {
        let cast = setup(db);
        seed_rules(db);
        let binhu = new_citizen(db, &cast, 1, BINHU);
        // 2024 is the year of preparation: no applications anywhere.
        let error = applying(&**db, &cast.station, binhu, date(2024, 6, 1)).unwrap_err();
        assert!(matches!(error, StoreError::Refused(_)), "{}", db.backend());
        insta::assert_json_snapshot!("permit_rollout_preparation", refusal(error));
        // 2025's pilot names 滨湖区 but not 梁溪区.
        let liangxi = new_citizen(db, &cast, 3, LIANGXI);
        let error = applying(&**db, &cast.station_liangxi, liangxi, date(2025, 6, 1)).unwrap_err();
        insta::assert_json_snapshot!("permit_rollout_not_reached", refusal(error));
        // In 2026 the rollout is citywide; in 2025 滨湖区 takes applications.
        applying(&**db, &cast.station_liangxi, liangxi, date(2026, 1, 5)).unwrap();
        applying(&**db, &cast.station, binhu, date(2025, 6, 1)).unwrap();
    });
}

#[test]
fn an_application_by_a_person_who_is_not_a_new_citizen_is_refused() {
    each_backend(|db| {
        let cast = setup(db);
        seed_rules(db);
        // Registered, but with no temporary permit and no job.
        let person = register(db, &cast.station, id(5), "李四", BINHU, date(2024, 1, 1))
            .unwrap()
            .person
            .unwrap();
        let error = applying(&**db, &cast.station, person, date(2025, 6, 1)).unwrap_err();
        insta::assert_json_snapshot!("permit_not_a_new_citizen", refusal(error));
        assert!(db.permits(&cast.officer_binhu, person).unwrap().is_empty());
    });
}

#[test]
fn an_import_cannot_carry_a_permit_step_past_the_rules() {
    each_backend(|db| {
        let cast = setup(db);
        seed_rules(db);
        let person = new_citizen(db, &cast, 1, BINHU);
        let file = ImportFile {
            name: "申请.csv".into(),
            sha256: "cd".repeat(32),
        };
        let rows = [ImportRow {
            row: 2,
            change: RowChange::Change(apply(person, date(2025, 6, 1))),
        }];
        let run = ImportRun {
            actor: &cast.station,
            file: &file,
            commit: Commit::ValidRows,
            changes: false,
        };
        let error = db
            .import(&run, &rows, &mut |_, _: &store::RowOutcome| {})
            .unwrap_err();
        assert!(error.to_string().contains("permit"), "{error}");
        assert!(db.permits(&cast.officer_binhu, person).unwrap().is_empty());
    });
}

#[test]
fn the_validity_comes_from_the_policy_and_the_event_records_it() {
    each_backend(|db| {
        let cast = setup(db);
        seed_rules(db);
        let town = user(db, "town-helie", domain::access::Role::Officer, "320211001");
        let person = new_citizen(db, &cast, 1, BINHU);
        let permit = applying(&**db, &cast.station, person, date(2025, 2, 28))
            .unwrap()
            .permit
            .unwrap();
        let take = |actor, step| {
            db.submit(
                actor,
                Source::Station,
                Change::Permit {
                    step,
                    reason: "办理".into(),
                },
            )
            .unwrap()
        };
        take(
            &town,
            PermitStep::Review {
                permit,
                on: date(2025, 3, 1),
                approve: true,
            },
        );
        take(
            &cast.officer_binhu,
            PermitStep::Issue {
                permit,
                on: date(2025, 3, 1),
                valid_to: None,
            },
        );
        // Renewed before it ends: one more year from the day after its last day.
        take(
            &cast.officer_binhu,
            PermitStep::Renew {
                permit,
                on: date(2026, 2, 1),
                valid_to: None,
            },
        );
        let held = &db.permits(&cast.officer_binhu, person).unwrap()[0];
        assert_eq!(held.valid_to, Some(date(2027, 2, 28)), "{}", db.backend());
        // Once it has ended it is not renewed (the days between would count as held).
        let late = db
            .submit(
                &cast.officer_binhu,
                Source::Station,
                Change::Permit {
                    step: PermitStep::Renew {
                        permit,
                        on: date(2027, 3, 1),
                        valid_to: None,
                    },
                    reason: "逾期续签".into(),
                },
            )
            .unwrap_err();
        insta::assert_json_snapshot!("permit_renewed_after_its_end", refusal(late));
        let recorded: Vec<Option<jiff::civil::Date>> = db
            .timeline(&cast.officer_binhu, person)
            .unwrap()
            .into_iter()
            .filter_map(|event| match event.change {
                Change::Permit {
                    step: PermitStep::Issue { valid_to, .. } | PermitStep::Renew { valid_to, .. },
                    ..
                } => Some(valid_to),
                _ => None,
            })
            .collect();
        assert_eq!(recorded, [Some(date(2026, 2, 28)), Some(date(2027, 2, 28))]);
    });
}

#[test]
fn a_store_given_no_policy_refuses_applications() {
    each_backend(|db| {
        let cast = setup(db);
        seed_rules(db);
        let person = new_citizen(db, &cast, 1, BINHU);
        // A second store on the same database, as another process that was given
        // no policy would open it.
        let other = db.reopen();
        let error = applying(&*other, &cast.station, person, date(2025, 6, 1)).unwrap_err();
        insta::assert_json_snapshot!("permit_no_policy", refusal(error));
    });
}
