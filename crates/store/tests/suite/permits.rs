//! 居住证 — a permit's life through the store: applied at the village station,
//! reviewed by the town, issued, renewed, changed and revoked by the district, each
//! step an event with its actor and reason; every step refused where the role, the
//! level, the scope or the permit's state does not allow it. The store holds the
//! steps against the seed policy's permit rules (rollout, criteria, validity):
//! those cases are in `policy_rules.rs`.

use std::sync::Arc;

use domain::access::{Role, User};
use domain::division::Hierarchy;
use domain::event::{Change, FactForm, Source};
use domain::permit::{PermitId, PermitStatus, PermitStep};
use domain::policy::Policy;
use domain::registry::{FactKind, PersonId};
use jiff::civil::{Date, date};
use store::{Receipt, StoreError};

use super::fixtures::{BINHU, Cast, employer, id, refusal, registration, setup, user};
use super::harness::{TestDb, each_backend};

/// The town of [`BINHU`]: 河埒街道.
const BINHU_TOWN: &str = "320211001";

struct Actors {
    cast: Cast,
    town: User,
    person: PersonId,
}

/// Gives `db` the seed policy's permit rules.
pub fn seed_rules(db: &TestDb) {
    db.set_policy_rules(Arc::new(analytics::CityRules::new(
        Arc::new(Policy::seed().clone()),
        Hierarchy::wuxi().clone(),
    )));
}

/// A new citizen of `village` ([`BINHU`] or `LIANGXI`) from 2025-01-01 by the seed policy: registered on
/// 2024-01-01 in an own home with the city's temporary permit and a job paying
/// above the minimum wage (`n` odd: a man, so family planning does not apply).
pub fn new_citizen(db: &TestDb, cast: &Cast, n: u32, village: &str) -> PersonId {
    let job = employer(db, &cast.officer_city, &format!("工厂 {n}"), village);
    let since = date(2024, 1, 1);
    let facts = vec![
        FactForm {
            fact: FactKind::TemporaryResidencePermit {
                number: format!("T{n}"),
            },
            from: since,
            to: None,
        },
        FactForm {
            fact: FactKind::Employment {
                employer: job,
                monthly_wage_fen: 400_000,
            },
            from: since,
            to: None,
        },
    ];
    let actor = if village == BINHU {
        &cast.station
    } else {
        &cast.station_liangxi
    };
    db.submit(
        actor,
        Source::Station,
        registration(id(n), "张三", village, since, facts),
    )
    .unwrap()
    .person
    .unwrap()
}

fn actors(db: &TestDb) -> Actors {
    let cast = setup(db);
    seed_rules(db);
    let town = user(db, "town-helie", Role::Officer, BINHU_TOWN);
    let person = new_citizen(db, &cast, 1, BINHU);
    Actors { cast, town, person }
}

fn step(db: &TestDb, actor: &User, step: PermitStep) -> Result<Receipt, StoreError> {
    let reason = format!("{} 理由", step.name());
    db.submit(actor, Source::Station, Change::Permit { step, reason })
}

fn apply(db: &TestDb, a: &Actors, on: Date) -> PermitId {
    let step_ = PermitStep::Apply {
        person: a.person,
        on,
    };
    step(db, &a.cast.station, step_).unwrap().permit.unwrap()
}

/// Applies, reviews and issues a permit on 2025-06-10, valid for the seed policy's
/// year: through 2026-06-09.
fn issued(db: &TestDb, a: &Actors) -> PermitId {
    let permit = apply(db, a, date(2025, 6, 1));
    let review = PermitStep::Review {
        permit,
        on: date(2025, 6, 5),
        approve: true,
    };
    step(db, &a.town, review).unwrap();
    let issue = PermitStep::Issue {
        permit,
        on: date(2025, 6, 10),
        valid_to: None,
    };
    step(db, &a.cast.officer_binhu, issue).unwrap();
    permit
}

#[test]
fn a_permit_is_applied_for_reviewed_issued_renewed_changed_and_revoked() {
    each_backend(|db| {
        let a = actors(db);
        let permit = issued(db, &a);
        let officer = &a.cast.officer_binhu;
        let shown = db.permits(officer, a.person).unwrap();
        assert_eq!(shown.len(), 1);
        let card = &shown[0];
        assert_eq!(card.status, PermitStatus::Issued);
        assert_eq!(
            card.number.as_deref(),
            Some(format!("3202112025{permit:06}").as_str())
        );
        assert_eq!(
            (card.valid_from, card.valid_to),
            (Some(date(2025, 6, 10)), Some(date(2026, 6, 9)))
        );
        assert_eq!(card.edition, 1);

        let renew = PermitStep::Renew {
            permit,
            on: date(2026, 6, 1),
            valid_to: None,
        };
        step(db, officer, renew).unwrap();
        let change = PermitStep::Change {
            permit,
            on: date(2026, 7, 1),
        };
        step(db, officer, change).unwrap();
        let revoke = PermitStep::Revoke {
            permit,
            on: date(2026, 8, 1),
        };
        step(db, officer, revoke).unwrap();
        let card = &db.permits(officer, a.person).unwrap()[0];
        assert_eq!(card.status, PermitStatus::Revoked);
        assert_eq!(
            (card.valid_to, card.edition, card.revoked_on),
            (Some(date(2027, 6, 9)), 3, Some(date(2026, 8, 1)))
        );

        // The permit is a fact of the person for its validity, ended by the revocation.
        let held: Vec<(Option<jiff::civil::Date>, String)> = db
            .person(officer, a.person)
            .unwrap()
            .facts
            .into_iter()
            .filter_map(|fact| match fact.kind {
                FactKind::ResidencePermit { number } => Some((fact.to, number)),
                _ => None,
            })
            .collect();
        assert_eq!(
            held,
            [(Some(date(2026, 7, 31)), format!("3202112025{permit:06}"))]
        );

        // Every step is an event about the person, with its actor and reason.
        let steps: Vec<(String, i64)> = db
            .timeline(officer, a.person)
            .unwrap()
            .into_iter()
            .filter_map(|event| match event.change {
                Change::Permit { step, reason } => {
                    assert_eq!(reason, format!("{} 理由", step.name()));
                    Some((step.name().to_string(), event.actor))
                }
                _ => None,
            })
            .collect();
        let expected = [
            ("apply", a.cast.station.id),
            ("review", a.town.id),
            ("issue", officer.id),
            ("renew", officer.id),
            ("change", officer.id),
            ("revoke", officer.id),
        ];
        let expected: Vec<(String, i64)> = expected
            .iter()
            .map(|(s, id)| (s.to_string(), *id))
            .collect();
        assert_eq!(steps, expected, "{}", db.backend());
    });
}

#[test]
fn a_review_can_turn_an_application_down_and_a_new_one_may_follow() {
    each_backend(|db| {
        let a = actors(db);
        let first = apply(db, &a, date(2025, 6, 1));
        let review = PermitStep::Review {
            permit: first,
            on: date(2025, 6, 5),
            approve: false,
        };
        step(db, &a.town, review).unwrap();
        let second = apply(db, &a, date(2025, 9, 1));
        let statuses: Vec<PermitStatus> = db
            .permits(&a.cast.officer_binhu, a.person)
            .unwrap()
            .iter()
            .map(|p| p.status)
            .collect();
        assert_eq!(statuses, [PermitStatus::Refused, PermitStatus::Applied]);
        assert!(second > first);
    });
}

#[test]
fn steps_the_role_or_level_does_not_take_are_refused() {
    each_backend(|db| {
        let a = actors(db);
        let permit = apply(db, &a, date(2025, 6, 1));
        let review = PermitStep::Review {
            permit,
            on: date(2025, 6, 5),
            approve: true,
        };
        // The district does not review, the station does not either.
        let by_district = step(db, &a.cast.officer_binhu, review.clone()).unwrap_err();
        assert!(matches!(by_district, StoreError::Forbidden(_)));
        insta::assert_json_snapshot!("permit_review_by_district", refusal(by_district));
        let by_station = step(db, &a.cast.station, review.clone()).unwrap_err();
        assert!(matches!(by_station, StoreError::Forbidden(_)));
        // The town does not issue; a city officer is not the district.
        step(db, &a.town, review).unwrap();
        let issue = PermitStep::Issue {
            permit,
            on: date(2025, 6, 10),
            valid_to: None,
        };
        let by_town = step(db, &a.town, issue.clone()).unwrap_err();
        insta::assert_json_snapshot!("permit_issue_by_town", refusal(by_town));
        assert!(matches!(
            step(db, &a.cast.officer_city, issue.clone()),
            Err(StoreError::Forbidden(_))
        ));
        // An officer applies in place of the station: refused.
        let apply_again = PermitStep::Apply {
            person: a.person,
            on: date(2025, 6, 1),
        };
        assert!(matches!(
            step(db, &a.town, apply_again),
            Err(StoreError::Forbidden(_))
        ));
        assert_eq!(
            db.permits(&a.cast.officer_binhu, a.person).unwrap()[0].status,
            PermitStatus::Reviewed
        );
    });
}

#[test]
fn steps_outside_the_actors_scope_are_refused() {
    each_backend(|db| {
        let a = actors(db);
        let elsewhere = PermitStep::Apply {
            person: a.person,
            on: date(2025, 6, 1),
        };
        let error = step(db, &a.cast.station_liangxi, elsewhere).unwrap_err();
        insta::assert_json_snapshot!("permit_apply_out_of_scope", refusal(error));
        let other_town = user(db, "town-other", Role::Officer, "320211002");
        let permit = apply(db, &a, date(2025, 6, 1));
        let review = PermitStep::Review {
            permit,
            on: date(2025, 6, 5),
            approve: true,
        };
        assert!(matches!(
            step(db, &other_town, review),
            Err(StoreError::Forbidden(_))
        ));
    });
}

#[test]
fn steps_the_permits_state_does_not_allow_are_refused() {
    each_backend(|db| {
        let a = actors(db);
        let officer = &a.cast.officer_binhu;
        let permit = apply(db, &a, date(2025, 6, 1));
        // A second application while one is open.
        let again = PermitStep::Apply {
            person: a.person,
            on: date(2025, 7, 1),
        };
        let error = step(db, &a.cast.station, again.clone()).unwrap_err();
        insta::assert_json_snapshot!("permit_applied_twice", refusal(error));
        // Issued before it was reviewed.
        let issue = PermitStep::Issue {
            permit,
            on: date(2025, 6, 10),
            valid_to: None,
        };
        let error = step(db, officer, issue).unwrap_err();
        insta::assert_json_snapshot!("permit_issued_unreviewed", refusal(error));
        // Renewed, changed or revoked before it was issued.
        for premature in [
            PermitStep::Renew {
                permit,
                on: date(2025, 6, 10),
                valid_to: None,
            },
            PermitStep::Change {
                permit,
                on: date(2025, 6, 10),
            },
            PermitStep::Revoke {
                permit,
                on: date(2025, 6, 10),
            },
        ] {
            let error = refusal(step(db, officer, premature).unwrap_err());
            assert_eq!(error.field, "status");
        }
        let review = PermitStep::Review {
            permit,
            on: date(2025, 6, 5),
            approve: true,
        };
        step(db, &a.town, review.clone()).unwrap();
        assert_eq!(
            refusal(step(db, &a.town, review).unwrap_err()).field,
            "status"
        );
        // Valid through a day other than the policy's.
        let issue = PermitStep::Issue {
            permit,
            on: date(2025, 6, 10),
            valid_to: Some(date(2025, 6, 10)),
        };
        let error = step(db, officer, issue).unwrap_err();
        insta::assert_json_snapshot!("permit_valid_to_not_the_policys", refusal(error));
        // Revoked twice; a step dated before the application.
        let issue = PermitStep::Issue {
            permit,
            on: date(2025, 6, 10),
            valid_to: None,
        };
        step(db, officer, issue).unwrap();
        let revoke = PermitStep::Revoke {
            permit,
            on: date(2025, 8, 1),
        };
        step(db, officer, revoke.clone()).unwrap();
        assert_eq!(
            refusal(step(db, officer, revoke).unwrap_err()).field,
            "status"
        );
        let early = PermitStep::Change {
            permit,
            on: date(2025, 5, 1),
        };
        assert_eq!(refusal(step(db, officer, early).unwrap_err()).field, "on");
        // Once revoked, a new application is accepted.
        step(db, &a.cast.station, again).unwrap();
    });
}

#[test]
fn a_step_without_a_reason_or_for_an_unknown_permit_is_refused() {
    each_backend(|db| {
        let a = actors(db);
        let apply = Change::Permit {
            step: PermitStep::Apply {
                person: a.person,
                on: date(2025, 6, 1),
            },
            reason: "  ".into(),
        };
        let error = db
            .submit(&a.cast.station, Source::Station, apply)
            .unwrap_err();
        insta::assert_json_snapshot!("permit_without_reason", refusal(error));
        let unknown = PermitStep::Review {
            permit: 999,
            on: date(2025, 6, 5),
            approve: true,
        };
        assert_eq!(
            refusal(step(db, &a.town, unknown).unwrap_err()).field,
            "person"
        );
        let events = db.timeline(&a.cast.officer_binhu, a.person).unwrap();
        assert_eq!(events.len(), 1, "nothing of a refused step is written");
    });
}
