//! The demo city written into a temporary SQLite database: counts, IDs, families,
//! facts consistent with presence, and the same content for the same seed.

use std::collections::{BTreeMap, BTreeSet};

use anju::demo::{Options, Report, build};
use domain::access::User;
use domain::event::Change;
use domain::registry::{FactKind, Person, Relation};
use domain::resident_id::ResidentId;
use store::Store;
use store::vault::Vault;

fn demo(persons: u32, seed: u64) -> (tempfile::TempDir, Box<dyn Store>, Report) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let store = store::open(&url, Vault::from_key([7; 32])).unwrap();
    let options = Options {
        persons,
        seed,
        batch_persons: 700,
        progress: false,
    };
    let report = build(store.as_ref(), &options).unwrap();
    (dir, store, report)
}

fn city_officer(store: &dyn Store) -> User {
    store
        .credentials("city")
        .unwrap()
        .expect("the demo has a city officer")
        .0
}

#[test]
fn a_small_demo_city_is_consistent() {
    let persons = 2_000;
    let (_dir, store, report) = demo(persons, 1);
    assert_eq!(report.totals.persons, u64::from(persons));
    assert!(report.totals.present > 0 && report.totals.present < report.totals.persons);
    let viewer = city_officer(store.as_ref());
    let wuxi = store.hierarchy().unwrap();

    let mut people: BTreeMap<i64, Person> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    let mut links = Vec::new();
    let mut units = BTreeSet::new();
    let mut permits = Vec::new();
    for id in 1..=i64::from(persons) {
        let file = store
            .person(&viewer, id)
            .unwrap_or_else(|e| panic!("person {id}: {e}"));
        let p = &file.person;
        let parsed = ResidentId::parse(p.resident_id.as_str())
            .unwrap_or_else(|e| panic!("{}: {e}", p.resident_id));
        assert_eq!(parsed.birth_date(), p.birth_date);
        assert_eq!(parsed.sex(), p.sex);
        assert!(
            !wuxi.city().contains(p.hukou),
            "{} is a local of Wuxi",
            p.resident_id
        );
        assert!(
            ids.insert(p.resident_id),
            "two persons with the ID {}",
            p.resident_id
        );
        assert!(
            wuxi.is_leaf(p.unit, anju::demo::calibration::TODAY),
            "{} is not a village",
            p.unit
        );
        units.insert(p.unit);

        let residences: Vec<_> = file
            .facts
            .iter()
            .filter(|f| matches!(f.kind, FactKind::Residence { .. }))
            .collect();
        let open: Vec<_> = residences.iter().filter(|f| f.to.is_none()).collect();
        match p.left_on {
            None => {
                assert_eq!(
                    open.len(),
                    1,
                    "person {id} is present with {} open residences",
                    open.len()
                );
                let FactKind::Residence { unit, .. } = open[0].kind else {
                    unreachable!()
                };
                assert_eq!(unit, p.unit, "person {id} lives where the row says");
            }
            Some(left) => {
                assert!(
                    file.facts.iter().all(|f| f.to.is_some_and(|to| to < left)),
                    "person {id} left on {left} with facts open"
                );
            }
        }
        for fact in &file.facts {
            assert!(
                fact.to.is_none_or(|to| to >= fact.from),
                "fact {} of person {id} ends before it starts",
                fact.id
            );
        }
        links.extend(file.family.iter().cloned());
        permits.extend(store.permits(&viewer, id).unwrap());
        people.insert(id, file.person);
    }
    assert_eq!(units.len(), report.villages_used);
    assert!(
        report.villages_used > 300,
        "persons spread over {} villages only",
        report.villages_used
    );

    let mut parents = 0;
    for link in links.iter().filter(|l| l.relation == Relation::Parent) {
        let (child, parent) = (&people[&link.person], &people[&link.relative]);
        assert!(
            parent.birth_date < child.birth_date,
            "parent {} born after child {}",
            parent.id,
            child.id
        );
        parents += 1;
    }
    assert!(parents > 100, "only {parents} parent links");
    assert!(links.iter().any(|l| l.relation == Relation::Spouse));

    let events = store.events_after(0, usize::MAX).unwrap();
    assert_eq!(events.len() as u64, report.totals.events);
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    let registrations = events
        .iter()
        .filter(|e| matches!(e.change, Change::Register { .. }))
        .count();
    assert!(registrations >= persons as usize);

    // The city issues residence permits, only where and when the rollout takes
    // applications (the planner held each against the seed policy's rules).
    assert_eq!(permits.len() as u64, report.totals.permits);
    let seed = domain::policy::Policy::seed();
    for permit in &permits {
        assert!(
            seed.rollout_reaches(permit.unit, permit.applied_on).is_ok(),
            "permit {} applied for in {} on {}",
            permit.id,
            permit.unit,
            permit.applied_on
        );
    }
    let steps: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| match &e.change {
            Change::Permit { step, .. } => Some(step.name()),
            _ => None,
        })
        .collect();
    assert!(
        ["apply", "review", "issue"]
            .iter()
            .all(|step| steps.contains(step)),
        "{steps:?}"
    );
    assert!(
        permits
            .iter()
            .any(|p| p.status == domain::permit::PermitStatus::Issued),
        "no permit is held"
    );

    // Every value(NAME) of the seed policy is reported, for each plan year.
    let reported: BTreeSet<(String, i16)> = events
        .iter()
        .filter_map(|e| match &e.change {
            Change::ReportValue { value } => Some((value.name.clone(), value.from.year())),
            _ => None,
        })
        .collect();
    let policy = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policy/new-citizens.toml"),
    )
    .unwrap();
    let names: BTreeSet<&str> = policy
        .split("value(")
        .skip(1)
        .map(|rest| &rest[..rest.find(')').unwrap()])
        .collect();
    assert!(names.len() >= 11, "{names:?}");
    for name in names {
        for year in 2024..=2026 {
            assert!(
                reported.contains(&(name.to_string(), year)),
                "no {name} reported for {year}"
            );
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_city() {
    let (_a, first, _) = demo(1_200, 42);
    let (_b, second, _) = demo(1_200, 42);
    let a = first.events_after(0, usize::MAX).unwrap();
    let b = second.events_after(0, usize::MAX).unwrap();
    assert!(!a.is_empty());
    assert_eq!(a.len(), b.len());
    assert!(a == b, "the event logs differ");
    let (_c, other, _) = demo(1_200, 43);
    assert!(
        other.events_after(0, usize::MAX).unwrap() != a,
        "another seed gives the same city"
    );
}

#[test]
fn the_command_refuses_a_database_that_is_not_new_unless_fresh() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let run = |fresh: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_anju"));
        command.args([
            "demo",
            "--persons",
            "300",
            "--seed",
            "3",
            "--no-serve",
            "--db",
            &db,
        ]);
        if fresh {
            command.arg("--fresh");
        }
        command
            .env_remove("ANJU_KEY")
            .env_remove("ANJU_KEY_FILE")
            .output()
            .unwrap()
    };
    let first = run(false);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}{stdout}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        dir.path().join("demo.db.key").is_file(),
        "the key file lies beside the database"
    );
    for login in [
        "admin",
        "city",
        "district-320214",
        "labour",
        "leader",
        users_password(),
    ] {
        assert!(stdout.contains(login), "{login} is not printed:\n{stdout}");
    }
    let again = run(false);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("--fresh") && stderr.contains("demo.db"),
        "{stderr}"
    );
    let fresh = run(true);
    assert!(
        fresh.status.success(),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );
}

fn users_password() -> &'static str {
    anju::demo::users::DEMO_PASSWORD
}
