//! The indicator engine on a synthetic Wuxi: `cargo bench -p analytics --bench engine`.
//!
//! Generates persons with random facts across Wuxi's 1,254 villages (3,000,000 by
//! default; `ANJU_BENCH_PERSONS=N` to change) and about a quarter as many records,
//! loads them in batches, then measures: bytes per person in the index, the whole
//! cube as of one date, one unit with its children, a monthly series, the
//! new-citizen counts and one person's explained eligibility, and the
//! latency of writes (a person's change, an employer's union). Plain `std::time`, no
//! harness. Figures go to docs/benchmarks.md, "Indicator engine".

#[allow(dead_code)]
#[path = "../tests/engine/seed.rs"]
mod seed;

use std::sync::Arc;
use std::time::{Duration, Instant};

use analytics::{Engine, PersonState, Step};
use domain::division::{CodeLevel, DivisionCode, Hierarchy};
use domain::registry::{
    Fact, FactKind, Housing, InsuranceScheme, Person, Record, RecordDetail, SchoolKind, StaffRole,
};
use domain::resident_id::{ResidentId, Sex};
use jiff::civil::{Date, date};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const EMPLOYERS: i64 = 120_000;
const AS_OF: Date = date(2025, 12, 31);

fn day(rng: &mut ChaCha8Rng, from: Date, to: Date) -> Date {
    let days = (to - from).get_days();
    from.checked_add(jiff::Span::new().days(rng.gen_range(0..=days)))
        .unwrap()
}

struct Gen {
    rng: ChaCha8Rng,
    villages: Vec<DivisionCode>,
    next_fact: i64,
}

impl Gen {
    fn fact(&mut self, person: i64, kind: FactKind, from: Date, to: Option<Date>) -> Fact {
        self.next_fact += 1;
        Fact {
            id: self.next_fact,
            person,
            kind,
            from,
            to,
        }
    }

    /// One person with their facts.
    fn person(&mut self, id: i64) -> (Person, Vec<Fact>) {
        let rng = &mut self.rng;
        let birth = day(rng, date(1960, 1, 1), date(2024, 12, 31));
        let sex = if rng.gen_bool(0.5) {
            Sex::Male
        } else {
            Sex::Female
        };
        let village = self.villages[rng.gen_range(0..self.villages.len())];
        let arrived = day(rng, date(2018, 1, 1), date(2025, 12, 31)).max(birth);
        let left = rng
            .gen_bool(0.1)
            .then(|| day(rng, arrived, date(2026, 12, 31)));
        let housing = if rng.gen_bool(0.2) {
            Housing::ConcentratedZone
        } else {
            Housing::RentedHouse
        };
        let person = Person {
            id,
            resident_id: ResidentId::synthesize(110_101, birth, (id % 999) as u16, sex),
            name: String::new(),
            sex,
            birth_date: birth,
            hukou: "110101".parse().unwrap(),
            registered_on: arrived,
            left_on: left,
            unit: village,
        };
        let end = left.map(|l| l.yesterday().unwrap());
        let mut facts = Vec::with_capacity(12);
        let residence = |unit| FactKind::Residence {
            housing,
            unit,
            place: None,
        };
        if self.rng.gen_bool(0.1) {
            let moved = day(&mut self.rng, arrived, date(2026, 6, 30));
            let other = self.villages[self.rng.gen_range(0..self.villages.len())];
            if moved > arrived && end.is_none_or(|e| moved <= e) {
                let f = self.fact(
                    id,
                    residence(village),
                    arrived,
                    Some(moved.yesterday().unwrap()),
                );
                facts.push(f);
                let f = self.fact(id, residence(other), moved, end);
                facts.push(f);
            } else {
                let f = self.fact(id, residence(village), arrived, end);
                facts.push(f);
            }
        } else {
            let f = self.fact(id, residence(village), arrived, end);
            facts.push(f);
        }
        let age = (AS_OF - birth).get_days() / 365;
        let mut add = |g: &mut Gen, p: f64, kind: FactKind, from: Date, to: Option<Date>| {
            if g.rng.gen_bool(p) {
                let f = g.fact(id, kind, from, to);
                facts.push(f);
            }
        };
        let since = arrived;
        add(
            self,
            0.8,
            FactKind::TemporaryResidencePermit {
                number: String::new(),
            },
            since,
            end,
        );
        if (18..60).contains(&age) && self.rng.gen_bool(0.7) {
            let employer = self.rng.gen_range(1..=EMPLOYERS);
            let wage = self.rng.gen_range(200_000..400_000);
            add(
                self,
                1.0,
                FactKind::Employment {
                    employer,
                    monthly_wage_fen: wage,
                },
                since,
                end,
            );
            add(self, 0.6, FactKind::LabourContract { employer }, since, end);
            add(
                self,
                0.5,
                FactKind::Insurance {
                    scheme: InsuranceScheme::Pension,
                },
                since,
                end,
            );
            add(
                self,
                0.5,
                FactKind::Insurance {
                    scheme: InsuranceScheme::Medical,
                },
                since,
                end,
            );
            add(self, 0.3, FactKind::UnionMembership, since, end);
            if self.rng.gen_bool(0.1) {
                add(self, 1.0, FactKind::HighRiskJob, since, end);
                add(
                    self,
                    0.7,
                    FactKind::Insurance {
                        scheme: InsuranceScheme::WorkInjury,
                    },
                    since,
                    end,
                );
            }
            let course = day(&mut self.rng, date(2023, 1, 1), date(2026, 6, 30));
            add(
                self,
                0.4,
                FactKind::SkillsTraining,
                course,
                Some(course.saturating_add(jiff::Span::new().days(5))),
            );
        }
        if age >= 16 {
            let class = day(&mut self.rng, date(2023, 1, 1), date(2026, 6, 30));
            add(self, 0.4, FactKind::LegalEducation, class, Some(class));
        }
        if age < 7 {
            add(self, 0.8, FactKind::ImmunisationUpToDate, since, None);
            add(self, 0.6, FactKind::ChildCare, since, None);
        }
        if (6..16).contains(&age) {
            let school = if self.rng.gen_bool(0.7) {
                SchoolKind::Public
            } else {
                SchoolKind::MigrantChildren
            };
            let start = day(&mut self.rng, since, date(2026, 9, 1));
            add(self, 0.9, FactKind::Schooling { school }, start, end);
            add(
                self,
                0.8,
                FactKind::VaccinationCertificateChecked,
                start,
                Some(start),
            );
        }
        if sex == Sex::Female && (15..50).contains(&age) && self.rng.gen_bool(0.7) {
            add(self, 1.0, FactKind::Married, since, None);
            add(self, 0.6, FactKind::FamilyPlanningContract, since, None);
            add(
                self,
                0.7,
                FactKind::FamilyPlanningCertificateCheck,
                since,
                None,
            );
            let served = day(&mut self.rng, date(2024, 1, 1), date(2026, 12, 31));
            add(
                self,
                0.5,
                FactKind::FamilyPlanningService,
                served,
                Some(served),
            );
            if self.rng.gen_bool(0.05) {
                let from = day(&mut self.rng, date(2024, 1, 1), date(2026, 6, 30));
                let to = Some(from.saturating_add(jiff::Span::new().days(300)));
                add(self, 1.0, FactKind::Pregnancy, from, to);
                add(self, 0.7, FactKind::MaternalCare, from, to);
            }
        }
        if self.rng.gen_bool(0.001) {
            add(self, 1.0, FactKind::TbCase, since, None);
            add(self, 0.8, FactKind::TbFreeTreatment, since, None);
        }
        (person, facts)
    }

    fn records(&mut self, towns: &[DivisionCode]) -> Vec<Record> {
        let mut records = Vec::new();
        let mut id = 0;
        let mut push = |g: &mut Gen, unit: DivisionCode, detail: RecordDetail| {
            id += 1;
            let from = day(&mut g.rng, date(2015, 1, 1), date(2026, 6, 30));
            records.push(Record {
                id,
                name: String::new(),
                unit,
                from,
                to: None,
                detail,
            });
        };
        let maybe = |g: &mut Gen, p: f64| {
            g.rng
                .gen_bool(p)
                .then(|| day(&mut g.rng, date(2020, 1, 1), date(2026, 6, 30)))
        };
        for _ in 0..EMPLOYERS {
            let unit = self.villages[self.rng.gen_range(0..self.villages.len())];
            let detail = RecordDetail::Employer {
                union_since: maybe(self, 0.3),
                letter_signed_on: maybe(self, 0.9),
            };
            push(self, unit, detail);
        }
        for i in 0..400_000 {
            let unit = self.villages[self.rng.gen_range(0..self.villages.len())];
            if i % 2 == 0 {
                let letter_signed_on = maybe(self, 0.9);
                push(self, unit, RecordDetail::Landlord { letter_signed_on });
            }
            let entrusted_from = maybe(self, 0.8);
            let detail = RecordDetail::RentalHouse {
                landlord: 0,
                address: String::new(),
                registered_on: maybe(self, 0.95),
                entrusted_from,
                entrusted_to: None,
            };
            push(self, unit, detail);
        }
        for i in 0..30_000 {
            let unit = self.villages[self.rng.gen_range(0..self.villages.len())];
            let detail = match i % 6 {
                0 => RecordDetail::Agency {
                    letter_signed_on: maybe(self, 0.9),
                },
                1 => RecordDetail::ConcentratedZone {
                    area_m2: self.rng.gen_range(500..20_000),
                    capacity: 500,
                },
                2 => RecordDetail::Settlement {
                    migrants: self.rng.gen_range(50..600),
                    mediation_since: maybe(self, 0.7),
                },
                3 => RecordDetail::Hotel,
                _ => RecordDetail::Staff {
                    role: if self.rng.gen_bool(0.5) {
                        StaffRole::RegistrationAssistant
                    } else {
                        StaffRole::InformationOfficer
                    },
                    is_migrant: self.rng.gen_bool(0.3),
                    trained_on: maybe(self, 0.8).into_iter().collect(),
                },
            };
            push(self, unit, detail);
        }
        for town in towns {
            if self.rng.gen_bool(0.8) {
                push(self, *town, RecordDetail::NewCitizenOrganisation);
            }
        }
        records
    }
}

/// Median and fastest of some runs.
struct Timing {
    median: Duration,
    min: Duration,
}

fn timing(mut times: Vec<Duration>) -> Timing {
    times.sort();
    Timing {
        median: times[times.len() / 2],
        min: times[0],
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "median {}, fastest {}", ms(self.median), ms(self.min))
    }
}

fn main() {
    let persons: i64 = std::env::var("ANJU_BENCH_PERSONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000_000);
    let threads = rayon::current_num_threads();
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "indicator engine: {persons} persons, {threads} rayon threads; loadavg {}",
        load().trim()
    );
    let hierarchy: Hierarchy = Hierarchy::wuxi().clone();
    let villages: Vec<DivisionCode> = hierarchy.leaf_units(AS_OF).map(|u| u.code).collect();
    let towns: Vec<DivisionCode> = hierarchy
        .units()
        .iter()
        .filter(|u| u.code.level() == CodeLevel::Town && hierarchy.valid_on(u.code, AS_OF))
        .map(|u| u.code)
        .collect();
    let policy = Arc::new(seed::policy());
    let mut engine = Engine::new(Arc::clone(&policy), hierarchy);
    let mut generator = Gen {
        rng: ChaCha8Rng::seed_from_u64(1),
        villages,
        next_fact: 0,
    };

    let started = Instant::now();
    let records = generator.records(&towns);
    for record in &records {
        engine.put_record(record, &[]).unwrap();
    }
    let records_time = started.elapsed();
    let mut facts_total = 0usize;
    let mut generating = Duration::ZERO;
    let mut loading = Duration::ZERO;
    {
        let mut loader = engine.loader();
        let batch = 100_000;
        for first in (0..persons).step_by(batch) {
            let t = Instant::now();
            let people: Vec<(Person, Vec<Fact>)> = (first..(first + batch as i64).min(persons))
                .map(|id| generator.person(id + 1))
                .collect();
            generating += t.elapsed();
            facts_total += people.iter().map(|(_, f)| f.len()).sum::<usize>();
            let t = Instant::now();
            let states: Vec<PersonState<'_>> = people
                .iter()
                .map(|(person, facts)| PersonState::of(person, facts))
                .collect();
            loader.add(&states);
            loading += t.elapsed();
        }
        let t = Instant::now();
        loader.finish();
        loading += t.elapsed();
    }
    let memory = engine.memory();
    println!(
        "loaded {} records in {}, {persons} persons ({facts_total} facts) in {:.2} s (+ {:.2} s generating)",
        records.len(),
        ms(records_time),
        loading.as_secs_f64(),
        generating.as_secs_f64()
    );
    println!(
        "person index: {} bytes = {:.1} bytes/person ({} intervals, {:.2}/person)",
        memory.person_index,
        memory.person_index as f64 / persons as f64,
        memory.person_intervals,
        memory.person_intervals as f64 / persons as f64
    );
    println!(
        "record index: {} bytes; records kept: {} ({} bytes, {:.1} bytes/person)",
        memory.record_index,
        memory.record_count,
        memory.records,
        memory.records as f64 / persons as f64
    );
    let total = memory.person_index + memory.record_index + memory.records;
    println!(
        "all engine structures: {:.1} bytes/person",
        total as f64 / persons as f64
    );

    let city: DivisionCode = "3202".parse().unwrap();
    let district: DivisionCode = "320211".parse().unwrap();
    let runs = 30;
    let time = |f: &mut dyn FnMut()| {
        f();
        timing(
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    if std::env::var("ANJU_BENCH_CUBE_LOOP").is_ok() {
        for _ in 0..300 {
            std::hint::black_box(engine.cube(AS_OF).unwrap());
        }
        return;
    }
    let mut cells = 0;
    let cube = time(&mut || cells = engine.cube(AS_OF).unwrap().len());
    println!("cube({AS_OF}): {cells} results; {cube} (of {runs} runs)");
    let mut n = 0;
    let cube_results = time(&mut || n = engine.cube(AS_OF).unwrap().results().count());
    println!("cube + every IndicatorResult built: {n} results; {cube_results}");
    let city_eval = time(&mut || n = engine.evaluate(city, AS_OF).unwrap().len());
    println!("evaluate(city + 7 districts): {n} results; {city_eval}");
    let district_eval = time(&mut || n = engine.evaluate(district, AS_OF).unwrap().len());
    println!("evaluate(320211 + its towns): {n} results; {district_eval}");
    let series = time(&mut || {
        n = engine
            .series(
                city,
                "E1",
                date(2024, 1, 1),
                date(2026, 12, 31),
                Step::Month,
            )
            .unwrap()
            .len()
    });
    println!("series(city, E1, 36 months): {series}");
    let mut counted = (0, 0);
    let new_citizens = time(&mut || {
        let city = &engine.new_citizens(city, AS_OF).unwrap()[0];
        counted = (city.eligible, city.present);
    });
    println!(
        "new_citizens(city + 7 districts): {} of {} present persons eligible; {new_citizens}",
        counted.0, counted.1
    );
    let mut explained = Vec::new();
    for _ in 0..10_000 {
        let id = generator.rng.gen_range(1..=persons);
        let (person, facts) = generator.person(id);
        let t = Instant::now();
        let eligibility = engine
            .eligibility(
                PersonState {
                    person: &person,
                    facts: &facts,
                },
                AS_OF,
            )
            .unwrap();
        explained.push(t.elapsed());
        std::hint::black_box(eligibility);
    }
    explained.sort_unstable();
    println!(
        "eligibility of one person, explained (10,000 persons): p50 {}, p99 {}",
        ms(explained[explained.len() / 2]),
        ms(explained[explained.len() * 99 / 100])
    );

    // Writes: a person moves to another village and gets a labour contract.
    let mut latencies = Vec::new();
    for _ in 0..2_000 {
        let id = generator.rng.gen_range(1..=persons);
        let (person, facts) = generator.person(id);
        let mut after = facts.clone();
        let moved = generator.villages[generator.rng.gen_range(0..generator.villages.len())];
        after.push(Fact {
            id: 0,
            person: id,
            kind: FactKind::LabourContract { employer: 1 },
            from: date(2025, 6, 1),
            to: None,
        });
        if let Some(Fact {
            kind: FactKind::Residence { unit, .. },
            ..
        }) = after.first_mut()
        {
            *unit = moved;
        }
        // The generated "before" is not what was loaded for this id, so apply it as a
        // new person first (not timed), then time the change.
        engine
            .replace_person(None, Some(PersonState::of(&person, &facts)))
            .unwrap();
        let t = Instant::now();
        engine
            .replace_person(
                Some(PersonState::of(&person, &facts)),
                Some(PersonState::of(&person, &after)),
            )
            .unwrap();
        latencies.push(t.elapsed());
        engine
            .replace_person(Some(PersonState::of(&person, &after)), None)
            .unwrap();
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "replace_person (move + new contract), {} writes: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        latencies.len(),
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        at(1.0).as_secs_f64() * 1e6
    );
    // An employer gets a union, with 25 employees to recount.
    let staff: Vec<(Person, Vec<Fact>)> = (0..25)
        .map(|i| {
            let (person, mut facts) = generator.person(persons + 10 + i);
            facts.push(Fact {
                id: 1,
                person: person.id,
                kind: FactKind::Employment {
                    employer: 1,
                    monthly_wage_fen: 300_000,
                },
                from: date(2024, 1, 1),
                to: None,
            });
            (person, facts)
        })
        .collect();
    let states: Vec<PersonState<'_>> = staff
        .iter()
        .map(|(person, facts)| PersonState::of(person, facts))
        .collect();
    for state in &states {
        engine.replace_person(None, Some(*state)).unwrap();
    }
    let mut employer = records[0].clone();
    let t = Instant::now();
    if let RecordDetail::Employer { union_since, .. } = &mut employer.detail {
        *union_since = Some(date(2025, 3, 1));
    }
    engine.put_record(&employer, &states).unwrap();
    println!(
        "put_record (employer gets a union, 25 employees): {:.1} µs",
        t.elapsed().as_secs_f64() * 1e6
    );
    println!("loadavg at the end: {}", load().trim());
}
