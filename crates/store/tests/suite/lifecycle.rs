//! 动态管理 — a migrant's life in the city: moves, jobs, facts added and ended,
//! departure and return, corrections; and what was true on a given day.

use domain::access::User;
use domain::event::{Change, Correction, Source};
use domain::registry::{Fact, FactKind, FamilyLink, InsuranceScheme, PersonId, Relation};
use jiff::civil::{Date, date};

use super::fixtures::{
    BINHU, BINHU_2, LIANGXI, code, employer, id, own_home, refusal, register, setup,
};
use super::harness::{TestDb, each_backend};

fn kinds(facts: &[Fact]) -> Vec<&'static str> {
    facts.iter().map(|fact| fact.kind.name()).collect()
}

#[test]
fn moves_jobs_facts_departure_and_return() {
    each_backend(|db| {
        let cast = setup(db);
        // A district officer: the move crosses from one community to the next.
        let actor = &cast.officer_binhu;
        let submit = |change| db.submit(actor, Source::Station, change).unwrap();
        let first_job = employer(db, actor, "无锡一号纺织厂", BINHU);
        let second_job = employer(db, actor, "无锡二号电子厂", BINHU);
        let person = register(db, actor, id(7), "刘洋", BINHU, date(2020, 1, 6))
            .unwrap()
            .person
            .unwrap();

        submit(Change::ChangeEmployer {
            person,
            on: date(2020, 2, 1),
            employer: first_job,
            monthly_wage_fen: 400_000,
        });
        submit(Change::ChangeEmployer {
            person,
            on: date(2020, 9, 1),
            employer: second_job,
            monthly_wage_fen: 520_000,
        });
        let added = submit(Change::AddFact {
            person,
            fact: FactKind::Insurance {
                scheme: InsuranceScheme::Medical,
            },
            from: date(2020, 9, 1),
            to: None,
        });
        let insurance = added.facts[0];
        submit(Change::EndFact {
            person,
            fact: insurance,
            last_day: date(2020, 12, 31),
        });
        submit(Change::Move {
            person,
            on: date(2021, 3, 1),
            residence: own_home(BINHU_2),
        });

        let file = db.person(actor, person).unwrap();
        assert_eq!(file.person.unit, code(BINHU_2));
        assert_eq!(
            kinds(&file.facts),
            [
                "residence",
                "employment",
                "employment",
                "insurance",
                "residence"
            ]
        );
        let first = &file.facts[1];
        assert_eq!(
            (first.from, first.to),
            (date(2020, 2, 1), Some(date(2020, 8, 31)))
        );
        assert_eq!(file.facts[3].to, Some(date(2020, 12, 31)));
        assert_eq!(file.facts[0].to, Some(date(2021, 2, 28)));

        submit(Change::Leave {
            person,
            on: date(2021, 6, 1),
        });
        let left = db.person(actor, person).unwrap();
        assert_eq!(left.person.left_on, Some(date(2021, 6, 1)));
        assert!(
            left.facts
                .iter()
                .all(|fact| fact.to.is_some_and(|to| to <= date(2021, 5, 31)))
        );
        assert!(
            db.find_by_resident_id(actor, &id(7))
                .unwrap()
                .is_some_and(|hit| !hit.present)
        );

        // 再次登记: the same person comes back and keeps their number.
        let back = register(db, actor, id(7), "刘洋", BINHU, date(2022, 2, 14)).unwrap();
        assert_eq!(back.person, Some(person));
        let returned = db.person(actor, person).unwrap().person;
        assert_eq!(
            (returned.registered_on, returned.left_on, returned.unit),
            (date(2022, 2, 14), None, code(BINHU))
        );

        let timeline = db.timeline(actor, person).unwrap();
        let names: Vec<_> = timeline.iter().map(|event| event.change.name()).collect();
        assert_eq!(
            names,
            [
                "register",
                "change_employer",
                "change_employer",
                "add_fact",
                "end_fact",
                "move",
                "leave",
                "register"
            ]
        );
        assert!(timeline.windows(2).all(|pair| pair[0].seq < pair[1].seq));
        assert!(
            timeline
                .iter()
                .all(|event| event.person == Some(person) && event.actor == actor.id)
        );
    });
}

#[test]
fn corrections_fix_dates_void_facts_and_retype_id_numbers() {
    each_backend(|db| {
        let cast = setup(db);
        let actor = &cast.officer_binhu;
        let person = register(db, &cast.station, id(3), "陈静", BINHU, date(2020, 5, 1))
            .unwrap()
            .person
            .unwrap();
        let submit = |change| db.submit(actor, Source::Station, change);
        let fact = |kind| Change::AddFact {
            person,
            fact: kind,
            from: date(2020, 5, 10),
            to: None,
        };
        let permit = submit(fact(FactKind::TemporaryResidencePermit {
            number: "320211-0001".into(),
        }))
        .unwrap()
        .facts[0];
        let wrong = submit(fact(FactKind::Married)).unwrap().facts[0];

        let correct = |correction| Change::Correct {
            reason: "录入错误".into(),
            correction,
        };
        let kind = FactKind::TemporaryResidencePermit {
            number: "320211-0001".into(),
        };
        submit(correct(Correction::Fact {
            person,
            fact: permit,
            kind,
            from: date(2020, 5, 12),
            to: Some(date(2021, 5, 11)),
        }))
        .unwrap();
        submit(correct(Correction::VoidFact {
            person,
            fact: wrong,
        }))
        .unwrap();
        let no_reason = Change::Correct {
            reason: " ".into(),
            correction: Correction::VoidFact {
                person,
                fact: permit,
            },
        };
        let error = refusal(submit(no_reason).unwrap_err());
        insta::assert_json_snapshot!("correction_without_reason", error);

        let file = db.person(actor, person).unwrap();
        assert_eq!(
            kinds(&file.facts),
            ["residence", "temporary_residence_permit"]
        );
        assert_eq!(
            (file.facts[1].from, file.facts[1].to),
            (date(2020, 5, 12), Some(date(2021, 5, 11)))
        );

        // The ID number was mistyped: the right one finds the person, the old one no longer does.
        let right = id(4);
        submit(correct(Correction::Person {
            person,
            name: "陈静".into(),
            resident_id: right,
        }))
        .unwrap();
        assert_eq!(
            db.find_by_resident_id(actor, &right)
                .unwrap()
                .map(|hit| hit.id),
            Some(person)
        );
        assert_eq!(db.find_by_resident_id(actor, &id(3)).unwrap(), None);
        let fixed = db.person(actor, person).unwrap().person;
        assert_eq!(
            (fixed.resident_id, fixed.birth_date, fixed.sex),
            (right, right.birth_date(), right.sex())
        );

        // Another person may not take an ID number that is already registered.
        let other = register(db, &cast.station, id(5), "赵磊", BINHU, date(2020, 5, 1))
            .unwrap()
            .person
            .unwrap();
        let taken = Correction::Person {
            person: other,
            name: "赵磊".into(),
            resident_id: right,
        };
        assert_eq!(
            refusal(submit(correct(taken)).unwrap_err()).field,
            "resident_id"
        );

        let corrections = db
            .timeline(actor, person)
            .unwrap()
            .into_iter()
            .filter(|e| e.change.name() == "correct")
            .count();
        assert_eq!(corrections, 3);
    });
}

#[test]
fn what_was_true_on_a_day_respects_both_ends() {
    each_backend(|db| {
        let cast = setup(db);
        let actor = &cast.station;
        let person = register(db, actor, id(11), "孙丽", BINHU, date(2020, 1, 1))
            .unwrap()
            .person
            .unwrap();
        let training = db
            .submit(
                actor,
                Source::Station,
                Change::AddFact {
                    person,
                    fact: FactKind::SkillsTraining,
                    from: date(2020, 3, 1),
                    to: Some(date(2020, 3, 15)),
                },
            )
            .unwrap()
            .facts[0];
        db.submit(
            actor,
            Source::Station,
            Change::Leave {
                person,
                on: date(2020, 6, 1),
            },
        )
        .unwrap();

        let on =
            |day: Date| -> Vec<&'static str> { kinds(&db.facts_on(actor, person, day).unwrap()) };
        assert_eq!(on(date(2019, 12, 31)), Vec::<&str>::new());
        assert_eq!(on(date(2020, 1, 1)), ["residence"]);
        assert_eq!(on(date(2020, 2, 29)), ["residence"]);
        assert_eq!(on(date(2020, 3, 1)), ["residence", "skills_training"]);
        assert_eq!(
            on(date(2020, 3, 15)),
            ["residence", "skills_training"],
            "a fact holds on its last day"
        );
        assert_eq!(
            on(date(2020, 3, 16)),
            ["residence"],
            "and not the day after"
        );
        assert_eq!(
            on(date(2020, 5, 31)),
            ["residence"],
            "present the day before departure"
        );
        assert_eq!(
            on(date(2020, 6, 1)),
            Vec::<&str>::new(),
            "absent on the day of departure"
        );
        assert_eq!(
            db.facts_on(actor, person, date(2020, 3, 15)).unwrap()[1].id,
            training
        );

        let file = db.person(actor, person).unwrap().person;
        assert!(file.present_on(date(2020, 5, 31)) && !file.present_on(date(2020, 6, 1)));
    });
}

/// 马丽 of Binhu and 马强 of `his_village` (ID numbers `ids`), registered by
/// `actor`: their numbers.
fn couple(db: &TestDb, actor: &User, ids: (u32, u32), his_village: &str) -> (PersonId, PersonId) {
    let on = date(2020, 1, 1);
    let wife = register(db, actor, id(ids.0), "马丽", BINHU, on);
    let husband = register(db, actor, id(ids.1), "马强", his_village, on);
    (
        wife.unwrap().person.unwrap(),
        husband.unwrap().person.unwrap(),
    )
}

#[test]
fn family_links_show_on_both_sides() {
    each_backend(|db| {
        let cast = setup(db);
        let actor = &cast.station;
        let (wife, husband) = couple(db, actor, (12, 13), BINHU);
        let link = FamilyLink {
            person: wife,
            relative: husband,
            relation: Relation::Spouse,
        };
        let receipt = db
            .submit(
                actor,
                Source::Station,
                Change::LinkFamily { link: link.clone() },
            )
            .unwrap();
        assert_eq!(receipt.person, Some(wife));
        assert_eq!(
            db.person(actor, wife).unwrap().family,
            std::slice::from_ref(&link)
        );
        assert_eq!(
            db.person(actor, husband).unwrap().family,
            std::slice::from_ref(&link)
        );
        let again = db
            .submit(actor, Source::Station, Change::LinkFamily { link })
            .unwrap_err();
        assert_eq!(refusal(again).field, "relative");
    });
}

#[test]
fn a_relative_is_named_to_viewers_who_may_read_them_and_that_is_recorded() {
    each_backend(|db| {
        let cast = setup(db);
        let city = &cast.officer_city;
        let (wife, husband) = couple(db, city, (14, 15), LIANGXI);
        let link = FamilyLink {
            person: wife,
            relative: husband,
            relation: Relation::Spouse,
        };
        db.submit(city, Source::Station, Change::LinkFamily { link })
            .unwrap();

        let seen_by_city = db.person(city, wife).unwrap();
        let names: Vec<_> = seen_by_city
            .relatives
            .iter()
            .map(|r| (r.id, r.name.as_str()))
            .collect();
        assert_eq!(names, [(husband, "马强")]);
        let husband_views = db.views_of(city, husband).unwrap();
        assert_eq!(
            husband_views
                .iter()
                .map(|view| view.what.as_str())
                .collect::<Vec<_>>(),
            ["family"]
        );

        // Binhu's station sees the link to Liangxi's resident, but not his name.
        let seen_by_station = db.person(&cast.station, wife).unwrap();
        assert_eq!(seen_by_station.family.len(), 1);
        assert!(seen_by_station.relatives.is_empty());
        assert_eq!(db.views_of(city, husband).unwrap().len(), 1);
    });
}
