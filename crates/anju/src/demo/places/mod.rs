//! 场所 — where the demo's migrants live and work: the city's villages with their
//! weights, employers of every size, concentrated housing zones, hotels, agencies,
//! migrant children's schools, new-citizen organisations, rental houses and their
//! landlords, settlements and the staff of each station.
//!
//! It makes records (their final state and the day each was entered) and the series
//! of states their events carry; it knows nothing of persons' lives (see
//! [`super::life`]) nor of the store.
mod history;
mod records;
mod rental;
mod staff;

pub use history::{as_of, states};
pub use records::{Employer, Places, Pool, Zone, entered};
pub use rental::{NewHouse, RentalMarket};
pub use staff::{Headcount, settlements, staff};

use domain::division::{DivisionCode, Hierarchy};

use super::calibration::{Curve, Measure, REGISTRY_START, TODAY, district_offsets, village_jitter};
use super::{lognormal, seeded};

/// Words in a village's or town's name that suggest an industrial park or
/// development zone, where migrants concentrate.
const PARK_WORDS: [&str; 14] = [
    "工业",
    "开发区",
    "产业",
    "高新",
    "科技",
    "科教园",
    "创业园",
    "物流",
    "集聚区",
    "集中区",
    "配套区",
    "园区",
    "保税区",
    "虚拟社区",
];

/// A village or community of the demo city.
#[derive(Debug, Clone)]
pub struct Village {
    pub code: DivisionCode,
    pub name: String,
    pub town: usize,
    pub district: usize,
    /// Its share of the city's migrants, before normalising.
    pub weight: f64,
    /// How many persons the demo puts here.
    pub quota: u32,
    /// Whether its name (or its town's) suggests a park or development zone.
    pub park: bool,
    /// District performance plus its own jitter, in points.
    pub offset: f64,
    /// The share of its migrants in concentrated zones.
    pub concentrated_share: f64,
}

/// A town or street.
#[derive(Debug, Clone)]
pub struct Town {
    pub code: DivisionCode,
    pub name: String,
    pub district: usize,
    pub villages: Vec<usize>,
}

/// A district or county-level city.
#[derive(Debug, Clone)]
pub struct District {
    pub code: DivisionCode,
    pub name: String,
    pub offset: f64,
    pub towns: Vec<usize>,
}

/// The demo city: its units, weights and quotas.
#[derive(Debug, Clone)]
pub struct City {
    pub code: DivisionCode,
    pub villages: Vec<Village>,
    pub towns: Vec<Town>,
    pub districts: Vec<District>,
}

fn is_park(name: &str) -> bool {
    PARK_WORDS.iter().any(|w| name.contains(w))
}

/// The part of a village's name before 居委会/村委会, for addresses.
pub fn short_name(name: &str) -> &str {
    for suffix in [
        "社区居民委员会",
        "社区居委会",
        "村民委员会",
        "村村委会",
        "村委会",
        "居委会",
        "社区",
    ] {
        if let Some(stem) = name.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return stem;
        }
    }
    name
}

impl City {
    /// The city of `hierarchy` as the demo sees it on [`TODAY`], with `persons`
    /// spread over its villages (largest remainder, so they add up exactly).
    pub fn new(hierarchy: &Hierarchy, persons: u32, seed: u64) -> City {
        let mut rng = seeded(seed, 1, 0);
        let today = TODAY;
        let start = REGISTRY_START;
        let root = hierarchy.root();
        let mut city = City {
            code: root.code,
            villages: Vec::new(),
            towns: Vec::new(),
            districts: Vec::new(),
        };
        let district_units: Vec<_> = hierarchy.children(root.code, today).collect();
        let offsets = district_offsets(district_units.len(), &mut rng);
        for (d, district) in district_units.iter().enumerate() {
            city.districts.push(District {
                code: district.code,
                name: district.name.clone(),
                offset: offsets[d],
                towns: Vec::new(),
            });
            // 新吴区 (the national high-tech zone) and county-level cities' industrial
            // belts draw more migrants; the old city centre fewer.
            let district_factor = match district.code.to_string().as_str() {
                "320214" => 1.8,
                "320213" => 0.9,
                "320282" => 0.7,
                _ => 1.0,
            };
            for town in hierarchy.children(district.code, today) {
                let t = city.towns.len();
                city.towns.push(Town {
                    code: town.code,
                    name: town.name.clone(),
                    district: d,
                    villages: Vec::new(),
                });
                city.districts[d].towns.push(t);
                let town_park = is_park(&town.name);
                for village in hierarchy.children(town.code, today) {
                    if !hierarchy.is_leaf(village.code, today)
                        || !hierarchy.valid_on(village.code, start)
                    {
                        continue;
                    }
                    let park = town_park || is_park(&village.name);
                    let kind = if village.name.contains("社区") {
                        1.2
                    } else {
                        0.7
                    };
                    let weight = lognormal(&mut rng, 0.0, 0.9)
                        * district_factor
                        * kind
                        * if park { 4.0 } else { 1.0 };
                    let concentrated_share = if park {
                        0.45
                    } else if district_factor > 1.5 {
                        0.30
                    } else if kind > 1.0 {
                        0.15
                    } else {
                        0.08
                    };
                    let v = city.villages.len();
                    city.towns[t].villages.push(v);
                    city.villages.push(Village {
                        code: village.code,
                        name: village.name.clone(),
                        town: t,
                        district: d,
                        weight,
                        quota: 0,
                        park,
                        offset: offsets[d] + village_jitter(&mut rng),
                        concentrated_share,
                    });
                }
            }
        }
        assert!(
            !city.villages.is_empty(),
            "expected villages in the city, but found none"
        );
        // Largest remainder: quotas add up to `persons` exactly.
        let total: f64 = city.villages.iter().map(|v| v.weight).sum();
        let mut assigned = 0u32;
        let mut remainders: Vec<(f64, usize)> = Vec::with_capacity(city.villages.len());
        for (i, v) in city.villages.iter_mut().enumerate() {
            let exact = f64::from(persons) * v.weight / total;
            v.quota = exact.floor() as u32;
            assigned += v.quota;
            remainders.push((exact - exact.floor(), i));
        }
        remainders.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in remainders.iter().take((persons - assigned) as usize) {
            city.villages[i].quota += 1;
        }
        city
    }

    /// The curve of `measure` in village `v`.
    pub fn curve(&self, v: usize, measure: Measure) -> Curve {
        Curve::new(measure, self.villages[v].offset)
    }

    /// Villages with the most persons first (for picking demo stations).
    pub fn busiest_villages(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.villages.len()).collect();
        order.sort_by(|&a, &b| {
            self.villages[b]
                .quota
                .cmp(&self.villages[a].quota)
                .then(a.cmp(&b))
        });
        order
    }
}
