//! 演示城市 — a reproducible synthetic Wuxi: migrants over the city's 1,254
//! villages and communities, their households, homes, employers and lives across
//! the plan years, derived through the same planner as every real change and
//! written to the store in batches through a [`store::Loader`].
//!
//! Same persons and seed, same database content: every draw comes from RNGs seeded
//! from the seed (one stream per village), no output depends on a hash map's order
//! or on today's date. Generation runs on this thread while a second thread stores
//! the previous batch.

pub mod calibration;
pub mod ledger;
pub mod life;
pub mod people;
pub mod places;
pub mod users;
pub mod values;

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow};
use domain::division::{DivisionCode, Hierarchy};
use domain::migrant::MigrantRule;
use domain::registry::RecordDetail;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::{LoadBatch, Store};

use calibration::{PLAN_START, day};
use ledger::{Actors, Ledger, Totals};
use people::{IdAllocator, Names, Origins, mix};
use places::{City, Places};
use users::DemoUser;

/// Floor area of a concentrated zone per place, in m² (rooms, corridors, canteens).
pub const ZONE_M2_PER_PLACE: f64 = 22.0;

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many persons in all (present today or gone).
    pub persons: u32,
    pub seed: u64,
    /// Persons per batch written to the store.
    pub batch_persons: usize,
    /// Whether to print progress on standard error.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            persons: 200_000,
            seed: 1,
            batch_persons: 20_000,
            progress: false,
        }
    }
}

/// What was built, and how long it took.
#[derive(Debug, Clone)]
pub struct Report {
    pub totals: Totals,
    /// Villages and communities where someone lives (or last lived).
    pub villages_used: usize,
    pub villages: usize,
    /// Floor area of the concentrated zones opened since the plan began, in m².
    pub new_zone_area_m2: i64,
    pub users: Vec<DemoUser>,
    /// Time spent generating (not waiting for the store).
    pub generating: Duration,
    /// Time the store spent writing batches and finishing the load.
    pub storing: Duration,
    /// The part of `storing` spent finishing the load (building its indexes).
    pub indexing: Duration,
    /// Wall-clock time of generating and storing, which overlap.
    pub elapsed: Duration,
}

/// A random stream for `seed`, one of the demo's `stream`s, for item `item` (a
/// village's index, say): independent of every other stream and item.
pub fn seeded(seed: u64, stream: u64, item: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(mix(mix(seed ^ mix(stream)) ^ item))
}

/// Draws an index with probability proportional to its weight.
#[derive(Debug, Clone)]
pub struct Sampler {
    cumulative: Vec<f64>,
}

impl Sampler {
    /// A sampler over `weights` (at least one, all non-negative, not all zero).
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Sampler {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Sampler { cumulative }
    }

    /// An index.
    pub fn draw(&self, rng: &mut impl Rng) -> usize {
        let total = *self.cumulative.last().expect("a sampler has weights");
        let x = rng.r#gen::<f64>() * total;
        self.cumulative
            .partition_point(|c| *c <= x)
            .min(self.cumulative.len() - 1)
    }
}

/// A standard normal draw (Box–Muller).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.r#gen::<f64>();
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A log-normal draw with the given parameters of the underlying normal.
pub fn lognormal(rng: &mut impl Rng, mu: f64, sigma: f64) -> f64 {
    (mu + sigma * normal(rng)).exp()
}

/// A Pareto draw with minimum `scale` and tail index `shape` (heavy-tailed sizes).
pub fn pareto(rng: &mut impl Rng, scale: f64, shape: f64) -> f64 {
    let u: f64 = 1.0 - rng.r#gen::<f64>();
    scale / u.powf(1.0 / shape)
}

/// What the generator made: rows of each kind, where persons live, and the new
/// concentrated housing area.
#[derive(Debug, Clone)]
pub struct Generated {
    pub totals: Totals,
    /// Villages and communities where someone lives (or last lived).
    pub villages_used: usize,
    pub villages: usize,
    /// Floor area of the concentrated zones opened since the plan began, in m².
    pub new_zone_area_m2: i64,
}

/// Generates the synthetic city of `options` and hands it to `sink` batch by batch:
/// every record first (one batch), then persons with their facts and links, each
/// person whole in one batch, then the reported values with the last batch.
/// `actors` are the users who record each unit's events.
pub fn generate(
    hierarchy: &Hierarchy,
    city: &City,
    actors: &Actors,
    options: &Options,
    mut sink: impl FnMut(LoadBatch) -> Result<()>,
) -> Result<Generated> {
    let names = Names::default();
    let origins = Origins::embedded();
    let places = Places::generate(city, options.seed, ZONE_M2_PER_PLACE);
    let new_zone_area_m2 = places
        .records
        .iter()
        .filter_map(|(_, r)| match r.detail {
            RecordDetail::ConcentratedZone { area_m2, .. } if day(r.from) >= day(PLAN_START) => {
                Some(area_m2)
            }
            _ => None,
        })
        .sum();
    let rule = MigrantRule::new(hierarchy.city());
    let policy_rules = analytics::CityRules::new(
        std::sync::Arc::new(domain::policy::Policy::seed().clone()),
        hierarchy.clone(),
    );
    let mut ledger = Ledger::new(
        hierarchy,
        rule,
        actors,
        &policy_rules,
        places.records.len() as i64 + 1,
    );
    let world = life::World {
        city,
        places: &places,
        names: &names,
        origins: &origins,
    };
    let mut units: BTreeSet<DivisionCode> = BTreeSet::new();
    for (entered, record) in places.records.iter().cloned() {
        ledger.save_record(entered, record)?;
    }
    sink(ledger.take_batch())?;
    let mut ids = IdAllocator::default();
    for v in 0..city.villages.len() {
        life::live_village(&mut ledger, &world, v, options.seed, &mut ids)?;
        if ledger.batch_persons() >= options.batch_persons {
            let batch = ledger.take_batch();
            units.extend(batch.persons.iter().map(|p| p.unit));
            sink(batch)?;
        }
    }
    values::report(&mut ledger, options.seed)?;
    let batch = ledger.take_batch();
    units.extend(batch.persons.iter().map(|p| p.unit));
    sink(batch)?;
    Ok(Generated {
        totals: ledger.totals,
        villages_used: units.len(),
        villages: city.villages.len(),
        new_zone_area_m2,
    })
}

/// Generates the synthetic city of `options` in memory only, for benchmarks and the
/// SQL oracle: the same rows `build` would store, users numbered from 1 as in a
/// new database, handed to `sink` as [`generate`] does.
pub fn in_memory(
    options: &Options,
    sink: impl FnMut(LoadBatch) -> Result<()>,
) -> Result<Generated> {
    let hierarchy = Hierarchy::wuxi();
    let city = City::new(hierarchy, options.persons, options.seed);
    let mut next_id = 0;
    let demo_users = users::create(hierarchy, &city, |user| {
        next_id += 1;
        Ok(domain::access::User {
            id: next_id,
            login: user.login,
            name: user.name,
            role: user.role,
            unit: user.unit,
            department: user.department,
        })
    })?;
    generate(hierarchy, &city, &demo_users.actors, options, sink)
}

/// Sets up Wuxi in an empty `store` (divisions, migrant rule, demo users) and writes
/// the synthetic city into it.
pub fn build(store: &dyn Store, options: &Options) -> Result<Report> {
    let hierarchy = Hierarchy::wuxi();
    let rule = MigrantRule::new(hierarchy.city());
    store
        .initialise(hierarchy, &rule)
        .context("initialising the database for Wuxi")?;
    let city = City::new(hierarchy, options.persons, options.seed);
    let demo_users = users::create(hierarchy, &city, |user| Ok(store.create_user(user)?))?;
    let started = Instant::now();
    let (sender, receiver) = mpsc::sync_channel::<LoadBatch>(1);
    let total = u64::from(options.persons);
    let progress = options.progress;
    let mut generating = Duration::ZERO;
    let outcome = std::thread::scope(|scope| -> Result<(Generated, Duration, Duration)> {
        let loader = scope.spawn(move || -> Result<(Duration, Duration)> {
            let t = Instant::now();
            let mut loader = store.loader().context("starting to write the demo city")?;
            let mut storing = t.elapsed();
            let mut persons = 0u64;
            for batch in receiver {
                let t = Instant::now();
                loader
                    .load(&batch)
                    .context("writing a batch of the demo city")?;
                storing += t.elapsed();
                persons += batch.persons.len() as u64;
                if progress && !batch.persons.is_empty() {
                    eprintln!(
                        "  已写入 stored {persons:>9} / {total} persons ({:.1} s)",
                        started.elapsed().as_secs_f64()
                    );
                }
            }
            let t = Instant::now();
            loader
                .finish()
                .context("finishing the demo city (building its indexes)")?;
            let indexing = t.elapsed();
            if progress {
                eprintln!(
                    "  已建索引 indexed ({:.1} s)",
                    started.elapsed().as_secs_f64()
                );
            }
            Ok((storing + indexing, indexing))
        });
        let mut t = Instant::now();
        let generated = generate(hierarchy, &city, &demo_users.actors, options, |batch| {
            generating += t.elapsed();
            sender
                .send(batch)
                .map_err(|_| anyhow!("the store stopped taking batches"))?;
            t = Instant::now();
            Ok(())
        });
        drop(sender);
        let stored = loader
            .join()
            .map_err(|_| anyhow!("the store's thread panicked"))?;
        // A store error explains a generator that stopped because the store did.
        let (storing, indexing) = stored?;
        Ok((generated?, storing, indexing))
    });
    let (generated, storing, indexing) = outcome?;
    Ok(Report {
        totals: generated.totals,
        villages_used: generated.villages_used,
        villages: generated.villages,
        new_zone_area_m2: generated.new_zone_area_m2,
        users: demo_users.listed,
        generating,
        storing,
        indexing,
        elapsed: started.elapsed(),
    })
}
