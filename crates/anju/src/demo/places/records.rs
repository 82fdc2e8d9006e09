//! 记录 — the records made before any person: employers of every size, concentrated
//! zones, hotels, agencies, schools and organisations, with the pools the generator
//! draws employers and zones from.

use domain::division::DivisionCode;
use domain::registry::{Record, RecordDetail, RecordId};
use rand::Rng;

use super::{City, short_name};
use crate::demo::calibration::{
    Curve, Day, Measure, PLAN_START, REGISTRY_START, TODAY, date, day, ymd,
};
use crate::demo::{Sampler, pareto, seeded};

/// An employer, as the generator needs it.
#[derive(Debug, Clone)]
pub struct Employer {
    pub id: RecordId,
    pub village: usize,
    pub from: Day,
    pub union_since: Option<Day>,
    pub dorm: bool,
}

/// A concentrated housing zone.
#[derive(Debug, Clone)]
pub struct Zone {
    pub id: RecordId,
    pub village: usize,
    pub from: Day,
}

/// Draws among a subset of items by weight.
#[derive(Debug, Default)]
pub struct Pool {
    pub items: Vec<usize>,
    pub sampler: Option<Sampler>,
}

impl Pool {
    fn new(items: Vec<usize>, weights: impl Iterator<Item = f64>) -> Pool {
        let sampler = (!items.is_empty()).then(|| Sampler::new(weights));
        Pool { items, sampler }
    }

    /// An item by weight, among those `ok` accepts (up to 24 tries).
    pub fn draw(&self, rng: &mut impl Rng, ok: impl Fn(usize) -> bool) -> Option<usize> {
        let sampler = self.sampler.as_ref()?;
        for _ in 0..24 {
            let item = self.items[sampler.draw(rng)];
            if ok(item) {
                return Some(item);
            }
        }
        None
    }
}

/// The records made before any person: their final state, the day each was entered,
/// and the indexes the generator draws from.
#[derive(Debug, Default)]
pub struct Places {
    /// (entered on, final state) of each record; record `i` has id `i + 1`.
    pub records: Vec<(Day, Record)>,
    pub employers: Vec<Employer>,
    /// Employers of each town, by size.
    pub employers_by_town: Vec<Pool>,
    /// Employers with a dormitory, of each town, by size.
    pub dorms_by_town: Vec<Pool>,
    pub zones: Vec<Zone>,
    /// Zones of each village (indices into `zones`).
    pub zones_by_village: Vec<Vec<usize>>,
    /// Zones of each town (indices into `zones`).
    pub zones_by_town: Vec<Vec<usize>>,
}

const BRANDS: &[&str] = &[
    "华光", "锡达", "新宇", "恒通", "天元", "中联", "金鼎", "宏达", "瑞丰", "远东", "明珠", "太湖",
    "惠泉", "永盛", "晨光", "海纳", "博越", "盛泰", "协鑫", "鸿运", "立信", "长江", "梁溪", "吴越",
    "东方", "隆昌", "嘉禾", "亚太", "卓越", "凯胜",
];
const TRADES: &[&str] = &[
    "电子",
    "机械",
    "纺织",
    "精密制造",
    "物流",
    "食品",
    "服装",
    "汽车零部件",
    "光电",
    "新材料",
    "化工",
    "建筑工程",
    "印染",
    "家电",
    "模具",
    "包装",
    "电缆",
    "环保设备",
    "餐饮管理",
    "物业服务",
];

fn town_prefix(city: &City, t: usize) -> &'static str {
    match city.districts[city.towns[t].district]
        .code
        .to_string()
        .as_str()
    {
        "320281" => "江阴",
        "320282" => "宜兴",
        _ => "无锡",
    }
}

pub(super) fn random_day(rng: &mut impl Rng, from: Day, until: Day) -> Day {
    if until <= from {
        from
    } else {
        rng.gen_range(from..until)
    }
}

/// The day a thing opened, founded or was hired: `old` of them before the registry,
/// `plan` of them during the plan years, the rest in between.
pub(super) fn opening_day(rng: &mut impl Rng, oldest_year: i32, old: f64, plan: f64) -> Day {
    let r = rng.r#gen::<f64>();
    if r < old {
        random_day(rng, ymd(oldest_year, 1, 1), day(REGISTRY_START))
    } else if r < old + plan {
        random_day(rng, day(PLAN_START), day(TODAY) - 30)
    } else {
        random_day(rng, day(REGISTRY_START), day(PLAN_START))
    }
}

/// The day a record is entered in the registry: its own day, or the registry's first.
pub fn entered(from: Day) -> Day {
    from.max(day(REGISTRY_START))
}

impl Places {
    /// Adds a record opened on `from` (and entered then), numbered next; its id.
    fn open(
        &mut self,
        name: String,
        unit: DivisionCode,
        from: Day,
        detail: RecordDetail,
    ) -> RecordId {
        let id = self.records.len() as RecordId + 1;
        let record = Record {
            id,
            name,
            unit,
            from: date(from),
            to: None,
            detail,
        };
        self.records.push((entered(from), record));
        id
    }

    /// Makes the records that come before persons: employers, zones, hotels,
    /// agencies, migrant children's schools and new-citizen organisations.
    pub fn generate(city: &City, seed: u64, zone_m2_per_place: f64) -> Places {
        let mut rng = seeded(seed, 2, 0);
        let mut places = Places {
            zones_by_village: vec![Vec::new(); city.villages.len()],
            zones_by_town: vec![Vec::new(); city.towns.len()],
            ..Places::default()
        };
        let today = day(TODAY);
        for (t, town) in city.towns.iter().enumerate() {
            let persons: f64 = town
                .villages
                .iter()
                .map(|&v| f64::from(city.villages[v].quota))
                .sum();
            let workers = persons * 0.62;
            let village_pool = Sampler::new(town.villages.iter().map(|&v| city.villages[v].weight));
            // Employers of many sizes (Pareto): a few large factories, many small shops.
            let count = ((workers / 25.0).round() as usize).max(if persons > 0.0 { 2 } else { 0 });
            let first = places.employers.len();
            let mut sizes = Vec::with_capacity(count);
            for _ in 0..count {
                let v = town.villages[village_pool.draw(&mut rng)];
                let size = pareto(&mut rng, 3.0, 1.15).min(20_000.0);
                let from = opening_day(&mut rng, 1995, 0.78, 0.08);
                let union_chance = (0.12 + 0.11 * size.ln()).clamp(0.0, 0.9);
                let union_since = (rng.r#gen::<f64>() < union_chance).then(|| {
                    if rng.r#gen::<f64>() < 0.25 {
                        random_day(&mut rng, day(PLAN_START).max(from), today - 30)
                    } else {
                        random_day(&mut rng, from, day(PLAN_START).max(from + 1))
                    }
                });
                let letter_curve = city.curve(v, Measure::Letter);
                let letter = letter_curve.reached(rng.r#gen(), entered(from), today + 1);
                let dorm = size >= 40.0 && rng.r#gen::<f64>() < 0.55;
                let name = format!(
                    "{}{}{}{}",
                    town_prefix(city, t),
                    BRANDS[rng.gen_range(0..BRANDS.len())],
                    TRADES[rng.gen_range(0..TRADES.len())],
                    if size > 300.0 {
                        "股份有限公司"
                    } else {
                        "有限公司"
                    }
                );
                let id = places.open(
                    name,
                    city.villages[v].code,
                    from,
                    RecordDetail::Employer {
                        union_since: union_since.map(date),
                        letter_signed_on: letter.map(date),
                    },
                );
                places.employers.push(Employer {
                    id,
                    village: v,
                    from,
                    union_since,
                    dorm,
                });
                sizes.push(size);
            }
            let items: Vec<usize> = (first..places.employers.len()).collect();
            let dorms: Vec<usize> = items
                .iter()
                .copied()
                .filter(|&e| places.employers[e].dorm)
                .collect();
            places.dorms_by_town.push(Pool::new(
                dorms.clone(),
                dorms.iter().map(|&e| sizes[e - first]),
            ));
            places
                .employers_by_town
                .push(Pool::new(items, sizes.iter().copied()));

            // Concentrated zones where many migrants live.
            for &v in &town.villages {
                let village = &city.villages[v];
                let expected = f64::from(village.quota) * village.concentrated_share;
                if expected < 20.0 && rng.r#gen::<f64>() > expected / 20.0 {
                    continue;
                }
                let zones = ((expected / 1500.0).ceil() as usize).clamp(1, 6);
                for _ in 0..zones {
                    let capacity =
                        ((expected * 1.3 / zones as f64) * rng.gen_range(0.7..1.3)).max(20.0);
                    let from = opening_day(&mut rng, 2005, 0.45, 0.35);
                    let area =
                        (capacity * zone_m2_per_place * rng.gen_range(0.8..1.2)).round() as i64;
                    let name = format!(
                        "{}新市民公寓{}区",
                        short_name(&village.name),
                        places.zones_by_village[v].len() + 1
                    );
                    let id = places.open(
                        name,
                        village.code,
                        from,
                        RecordDetail::ConcentratedZone {
                            area_m2: area,
                            capacity: capacity.round() as i64,
                        },
                    );
                    places.zones_by_village[v].push(places.zones.len());
                    places.zones_by_town[t].push(places.zones.len());
                    places.zones.push(Zone {
                        id,
                        village: v,
                        from,
                    });
                }
            }

            // Hotels and guesthouses where many people pass.
            for &v in &town.villages {
                let village = &city.villages[v];
                let hotels =
                    (f64::from(village.quota) / 400.0 + rng.r#gen::<f64>() * 0.8).floor() as usize;
                for h in 0..hotels.min(8) {
                    let from = opening_day(&mut rng, 2000, 0.7, 0.1);
                    places.open(
                        format!(
                            "{}{}宾馆",
                            short_name(&village.name),
                            [
                                "如家", "锦江", "悦来", "平安", "汉庭", "友谊", "吉祥", "东方"
                            ][h]
                        ),
                        village.code,
                        from,
                        RecordDetail::Hotel,
                    );
                }
            }

            // Intermediary agencies (labour and housing), with their letters.
            let agencies = 1 + (persons / 3000.0 + rng.r#gen::<f64>() * 0.5).floor() as usize;
            for a in 0..agencies.min(12) {
                let v = town.villages[village_pool.draw(&mut rng)];
                let from = opening_day(&mut rng, 2005, 0.6, 0.15);
                let letter =
                    city.curve(v, Measure::Letter)
                        .reached(rng.r#gen(), entered(from), today + 1);
                places.open(
                    format!(
                        "{}{}职业介绍所",
                        short_name(&town.name),
                        ["人和", "众诚", "安心", "金桥", "诚信", "阳光"][a % 6]
                    ),
                    city.villages[v].code,
                    from,
                    RecordDetail::Agency {
                        letter_signed_on: letter.map(date),
                    },
                );
            }

            // Migrant children's schools where many children live.
            let children = persons * 0.12;
            let schools = (children / 700.0 + rng.r#gen::<f64>() * 0.4).floor() as usize;
            for s in 0..schools.min(4) {
                let v = town.villages[village_pool.draw(&mut rng)];
                let from = opening_day(&mut rng, 2000, 0.8, 0.05);
                places.open(
                    format!(
                        "{}{}民工子弟学校",
                        short_name(&town.name),
                        ["育才", "希望", "明德", "新苗"][s]
                    ),
                    city.villages[v].code,
                    from,
                    RecordDetail::MigrantChildrenSchool,
                );
            }

            // A new-citizen organisation in most towns, some founded during the plan.
            let curve = Curve::new(
                Measure::CitizenOrganisation,
                city.districts[town.district].offset,
            );
            let u: f64 = rng.r#gen();
            let founded = if u < curve.at(day(REGISTRY_START)) {
                Some(random_day(&mut rng, ymd(2010, 1, 1), day(REGISTRY_START)))
            } else {
                curve.reached(u, day(REGISTRY_START), today + 1)
            };
            if let Some(from) = founded {
                places.open(
                    format!("{}新市民亲情理事会", short_name(&town.name)),
                    town.code,
                    from,
                    RecordDetail::NewCitizenOrganisation,
                );
            }
        }
        places
    }
}
