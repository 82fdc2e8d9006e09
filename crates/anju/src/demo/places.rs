//! 场所 — where the demo's migrants live and work: the city's villages with their
//! weights, employers of every size, concentrated housing zones, hotels, agencies,
//! migrant children's schools, new-citizen organisations, rental houses and their
//! landlords, settlements and the staff of each station.
//!
//! It makes records (their final state and the day each was entered) and the series
//! of states their events carry; it knows nothing of persons' lives (see
//! [`super::life`]) nor of the store.

use domain::division::{DivisionCode, Hierarchy};
use domain::registry::{Record, RecordDetail, RecordId, StaffRole};
use domain::resident_id::Sex;
use rand::Rng;

use super::calibration::{
    Curve, Day, Measure, PLAN_START, REGISTRY_START, TODAY, date, day, district_offsets,
    village_jitter, year_end, ymd,
};
use super::people::Names;
use super::{Sampler, lognormal, pareto, seeded};

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

fn random_day(rng: &mut impl Rng, from: Day, until: Day) -> Day {
    if until <= from {
        from
    } else {
        rng.gen_range(from..until)
    }
}

/// The day a thing opened, founded or was hired: `old` of them before the registry,
/// `plan` of them during the plan years, the rest in between.
fn opening_day(rng: &mut impl Rng, oldest_year: i32, old: f64, plan: f64) -> Day {
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
                let record = Record {
                    id: places.records.len() as RecordId + 1,
                    name,
                    unit: city.villages[v].code,
                    from: date(from),
                    to: None,
                    detail: RecordDetail::Employer {
                        union_since: union_since.map(date),
                        letter_signed_on: letter.map(date),
                    },
                };
                places.employers.push(Employer {
                    id: record.id,
                    village: v,
                    from,
                    union_since,
                    dorm,
                });
                places.records.push((entered(from), record));
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
                    let id = places.records.len() as RecordId + 1;
                    let record = Record {
                        id,
                        name: format!(
                            "{}新市民公寓{}区",
                            short_name(&village.name),
                            places.zones_by_village[v].len() + 1
                        ),
                        unit: village.code,
                        from: date(from),
                        to: None,
                        detail: RecordDetail::ConcentratedZone {
                            area_m2: area,
                            capacity: capacity.round() as i64,
                        },
                    };
                    places.zones_by_village[v].push(places.zones.len());
                    places.zones_by_town[t].push(places.zones.len());
                    places.zones.push(Zone {
                        id,
                        village: v,
                        from,
                    });
                    places.records.push((entered(from), record));
                }
            }

            // Hotels and guesthouses where many people pass.
            for &v in &town.villages {
                let village = &city.villages[v];
                let hotels =
                    (f64::from(village.quota) / 400.0 + rng.r#gen::<f64>() * 0.8).floor() as usize;
                for h in 0..hotels.min(8) {
                    let from = opening_day(&mut rng, 2000, 0.7, 0.1);
                    let id = places.records.len() as RecordId + 1;
                    let record = Record {
                        id,
                        name: format!(
                            "{}{}宾馆",
                            short_name(&village.name),
                            [
                                "如家", "锦江", "悦来", "平安", "汉庭", "友谊", "吉祥", "东方"
                            ][h]
                        ),
                        unit: village.code,
                        from: date(from),
                        to: None,
                        detail: RecordDetail::Hotel,
                    };
                    places.records.push((entered(from), record));
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
                let id = places.records.len() as RecordId + 1;
                let record = Record {
                    id,
                    name: format!(
                        "{}{}职业介绍所",
                        short_name(&town.name),
                        ["人和", "众诚", "安心", "金桥", "诚信", "阳光"][a % 6]
                    ),
                    unit: city.villages[v].code,
                    from: date(from),
                    to: None,
                    detail: RecordDetail::Agency {
                        letter_signed_on: letter.map(date),
                    },
                };
                places.records.push((entered(from), record));
            }

            // Migrant children's schools where many children live.
            let children = persons * 0.12;
            let schools = (children / 700.0 + rng.r#gen::<f64>() * 0.4).floor() as usize;
            for s in 0..schools.min(4) {
                let v = town.villages[village_pool.draw(&mut rng)];
                let from = opening_day(&mut rng, 2000, 0.8, 0.05);
                let id = places.records.len() as RecordId + 1;
                let record = Record {
                    id,
                    name: format!(
                        "{}{}民工子弟学校",
                        short_name(&town.name),
                        ["育才", "希望", "明德", "新苗"][s]
                    ),
                    unit: city.villages[v].code,
                    from: date(from),
                    to: None,
                    detail: RecordDetail::MigrantChildrenSchool,
                };
                places.records.push((entered(from), record));
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
                let id = places.records.len() as RecordId + 1;
                let record = Record {
                    id,
                    name: format!("{}新市民亲情理事会", short_name(&town.name)),
                    unit: town.code,
                    from: date(from),
                    to: None,
                    detail: RecordDetail::NewCitizenOrganisation,
                };
                places.records.push((entered(from), record));
            }
        }
        places
    }
}

/// The states a record passes through, each with its day: the state when entered,
/// then one more each time a dated attribute (a union, a letter, a registration, an
/// entrustment, a mediation organisation, a training) comes into force, up to today.
pub fn states(record: &Record, entered_on: Day) -> Vec<(Day, Record)> {
    let today = day(TODAY);
    let mut days: Vec<Day> = vec![entered_on];
    let mut add = |d: Option<domain::Date>| {
        if let Some(d) = d {
            let d = day(d);
            if d > entered_on && d <= today {
                days.push(d);
            }
        }
    };
    match &record.detail {
        RecordDetail::Employer {
            union_since,
            letter_signed_on,
        } => {
            add(*union_since);
            add(*letter_signed_on);
        }
        RecordDetail::Landlord { letter_signed_on } | RecordDetail::Agency { letter_signed_on } => {
            add(*letter_signed_on)
        }
        RecordDetail::RentalHouse {
            registered_on,
            entrusted_from,
            ..
        } => {
            add(*registered_on);
            add(*entrusted_from);
        }
        RecordDetail::Settlement {
            mediation_since, ..
        } => add(*mediation_since),
        RecordDetail::Staff { trained_on, .. } => trained_on.iter().for_each(|d| add(Some(*d))),
        _ => {}
    }
    days.sort_unstable();
    days.dedup();
    days.into_iter().map(|d| (d, as_of(record, d))).collect()
}

/// The record as it was known on day `d`: dated attributes after `d` not yet there.
pub fn as_of(record: &Record, d: Day) -> Record {
    let keep = |x: Option<domain::Date>| x.filter(|x| day(*x) <= d);
    let detail = match &record.detail {
        RecordDetail::Employer {
            union_since,
            letter_signed_on,
        } => RecordDetail::Employer {
            union_since: keep(*union_since),
            letter_signed_on: keep(*letter_signed_on),
        },
        RecordDetail::Landlord { letter_signed_on } => RecordDetail::Landlord {
            letter_signed_on: keep(*letter_signed_on),
        },
        RecordDetail::Agency { letter_signed_on } => RecordDetail::Agency {
            letter_signed_on: keep(*letter_signed_on),
        },
        RecordDetail::RentalHouse {
            landlord,
            address,
            registered_on,
            entrusted_from,
            entrusted_to,
        } => {
            let from = keep(*entrusted_from);
            RecordDetail::RentalHouse {
                landlord: *landlord,
                address: address.clone(),
                registered_on: keep(*registered_on),
                entrusted_from: from,
                entrusted_to: from.and(keep(*entrusted_to)),
            }
        }
        RecordDetail::Settlement {
            migrants,
            mediation_since,
        } => RecordDetail::Settlement {
            migrants: *migrants,
            mediation_since: keep(*mediation_since),
        },
        RecordDetail::Staff {
            role,
            is_migrant,
            trained_on,
        } => RecordDetail::Staff {
            role: *role,
            is_migrant: *is_migrant,
            trained_on: trained_on
                .iter()
                .copied()
                .filter(|t| day(*t) <= d)
                .collect(),
        },
        other => other.clone(),
    };
    Record {
        detail,
        ..record.clone()
    }
}

/// The rental houses of one village and their landlords, made as households need them.
#[derive(Debug, Default)]
pub struct RentalMarket {
    /// The village (index into [`City::villages`]).
    pub village: usize,
    /// (record index in the ledger's local list, first day let, free places).
    pub houses: Vec<(RecordId, Day, u32)>,
    /// (landlord id, entered on).
    pub landlords: Vec<(RecordId, Day)>,
    pub next_number: u32,
}

/// A rental house (and maybe a new landlord) to be saved before a household moves in.
pub struct NewHouse {
    pub landlord: Option<(Day, Record)>,
    pub house: (Day, Record),
}

impl RentalMarket {
    /// A house with room for `size` persons on day `on`: an existing one now and
    /// then, else a new one (`next_id` gives record ids). Returns its id and the
    /// records to save, if new.
    pub fn find(
        &mut self,
        city: &City,
        size: u32,
        on: Day,
        names: &Names,
        rng: &mut impl Rng,
        next_id: &mut impl FnMut() -> RecordId,
    ) -> (RecordId, Option<NewHouse>) {
        let v = self.village;
        if rng.r#gen::<f64>() < 0.75 {
            let n = self.houses.len();
            for k in 0..n.min(6) {
                let i = n - 1 - ((k * 7 + rng.gen_range(0..3)) % n);
                let (id, from, free) = &mut self.houses[i];
                if *from <= on && *free >= size {
                    *free -= size;
                    return (*id, None);
                }
            }
        }
        let village = &city.villages[v];
        let from = (on - rng.gen_range(0..900)).max(ymd(2012, 1, 1));
        let house_entered = entered(from).min(on);
        let landlord = match self.landlords.last() {
            Some(&(id, landlord_entered))
                if landlord_entered <= house_entered && rng.r#gen::<f64>() < 0.4 =>
            {
                (id, None)
            }
            _ => {
                let id = next_id();
                let surname = ["钱", "顾", "华", "秦", "吴", "陆", "王", "周", "邹", "过"]
                    [rng.gen_range(0..10)];
                let sex = if rng.r#gen::<f64>() < 0.6 {
                    Sex::Male
                } else {
                    Sex::Female
                };
                let letter = city.curve(v, Measure::Letter).reached(
                    rng.r#gen(),
                    house_entered,
                    day(TODAY) + 1,
                );
                let record = Record {
                    id,
                    name: names.name(surname, sex, false, rng),
                    unit: village.code,
                    from: date(from),
                    to: None,
                    detail: RecordDetail::Landlord {
                        letter_signed_on: letter.map(date),
                    },
                };
                self.landlords.push((id, house_entered));
                (id, Some((house_entered, record)))
            }
        };
        self.next_number += 1;
        let id = next_id();
        let address = format!("{}{}号", short_name(&village.name), self.next_number);
        let registered = city.curve(v, Measure::RentalRegistered).reached(
            rng.r#gen(),
            house_entered,
            day(TODAY) + 1,
        );
        let entrusted =
            city.curve(v, Measure::Entrusted)
                .reached(rng.r#gen(), house_entered, day(TODAY) + 1);
        let record = Record {
            id,
            name: format!("出租房 {address}"),
            unit: village.code,
            from: date(from),
            to: None,
            detail: RecordDetail::RentalHouse {
                landlord: landlord.0,
                address,
                registered_on: registered.map(date),
                entrusted_from: entrusted.map(date),
                entrusted_to: None,
            },
        };
        let capacity = rng.gen_range(2..=12u32).max(size);
        self.houses.push((id, from, capacity - size));
        (
            id,
            Some(NewHouse {
                landlord: landlord.1,
                house: (house_entered, record),
            }),
        )
    }
}

/// What a village's persons look like on today's date, for its settlements and staff.
#[derive(Debug, Default, Clone, Copy)]
pub struct Headcount {
    /// Present today in zones and dormitories (两集中).
    pub concentrated: u32,
    /// Present today in rented houses.
    pub rented: u32,
    /// Present today in own homes.
    pub own: u32,
}

/// The settlements (聚居点) of a village with many migrants in rented houses, and
/// their mediation organisations. Ids from `next_id`.
pub fn settlements(
    city: &City,
    v: usize,
    count: Headcount,
    rng: &mut impl Rng,
    next_id: &mut impl FnMut() -> RecordId,
) -> Vec<(Day, Record)> {
    let village = &city.villages[v];
    let rented = f64::from(count.rented);
    let n = if rented >= 150.0 {
        ((rented / 700.0).round() as usize).max(1)
    } else if rented >= 80.0 && rng.r#gen::<f64>() < 0.5 {
        1
    } else {
        0
    };
    let curve = city.curve(v, Measure::Mediation);
    (0..n.min(8))
        .map(|k| {
            let migrants = (rented * 0.8 / n as f64 * rng.gen_range(0.85..1.15)).round() as i64;
            let from = opening_day(rng, 2005, 0.6, 0.2);
            let mediation = (migrants >= 200)
                .then(|| {
                    let u: f64 = rng.r#gen();
                    if u < curve.at(day(REGISTRY_START)) {
                        Some(random_day(rng, from, entered(from) + 1))
                    } else {
                        curve.reached(u, entered(from), day(TODAY) + 1)
                    }
                })
                .flatten()
                .or_else(|| (migrants < 200 && rng.r#gen::<f64>() < 0.3).then(|| entered(from)));
            let record = Record {
                id: next_id(),
                name: format!("{}外来人口聚居点{}", short_name(&village.name), k + 1),
                unit: village.code,
                from: date(from),
                to: None,
                detail: RecordDetail::Settlement {
                    migrants,
                    mediation_since: mediation.map(date),
                },
            };
            (entered(from), record)
        })
        .collect()
}

/// Training days of a staff member hired on `hired`, one in most years.
fn trainings(rng: &mut impl Rng, hired: Day, chance: impl Fn(i32) -> f64) -> Vec<domain::Date> {
    let today = day(TODAY);
    let first = super::calibration::year_of(hired.max(day(REGISTRY_START)));
    (first..=super::calibration::year_of(today))
        .filter_map(|year| {
            let (from, until) = (
                ymd(year, 1, 1).max(hired + 1),
                year_end(year).min(today) + 1,
            );
            (from < until && rng.r#gen::<f64>() < chance(year))
                .then(|| date(rng.gen_range(from..until)))
        })
        .collect()
}

/// The staff of a village's station: household-registration assistants at about
/// 1 per 1,000 migrants in concentrated housing and 1 per 400 dispersed (some
/// stations below), and information officers, about 30% of them migrants.
pub fn staff(
    city: &City,
    v: usize,
    count: Headcount,
    names: &Names,
    rng: &mut impl Rng,
    next_id: &mut impl FnMut() -> RecordId,
) -> Vec<(Day, Record)> {
    let village = &city.villages[v];
    let required =
        f64::from(count.concentrated) / 1000.0 + f64::from(count.rented + count.own) / 400.0;
    let staffing = city.curve(v, Measure::Staffing).at(day(TODAY)) * lognormal(rng, 0.0, 0.15);
    let assistants = stochastic_round(required * staffing, rng);
    let total = count.concentrated + count.rented + count.own;
    let officers = if total == 0 {
        0
    } else {
        1 + stochastic_round(f64::from(total) / 500.0, rng)
    };
    let training = city.curve(v, Measure::StaffTraining);
    let migrant_chance = {
        let base = city.curve(v, Measure::OfficerIsMigrant).at(day(TODAY));
        if village.park { base.max(0.45) } else { base }
    };
    let mut out = Vec::with_capacity(assistants + officers);
    for k in 0..assistants + officers {
        let role = if k < assistants {
            StaffRole::RegistrationAssistant
        } else {
            StaffRole::InformationOfficer
        };
        let hired = opening_day(rng, 2012, 0.4, 0.3);
        let is_migrant =
            role == StaffRole::InformationOfficer && rng.r#gen::<f64>() < migrant_chance;
        let trained_on = match role {
            StaffRole::RegistrationAssistant => trainings(rng, hired, |y| training.in_year(y)),
            StaffRole::InformationOfficer => trainings(rng, hired, |_| 0.8),
        };
        let sex = if rng.r#gen::<f64>() < 0.5 {
            Sex::Male
        } else {
            Sex::Female
        };
        let surname = names.surname(rng);
        let record = Record {
            id: next_id(),
            name: names.name(surname, sex, false, rng),
            unit: village.code,
            from: date(hired),
            to: None,
            detail: RecordDetail::Staff {
                role,
                is_migrant,
                trained_on,
            },
        };
        out.push((entered(hired), record));
    }
    out
}

fn stochastic_round(x: f64, rng: &mut impl Rng) -> usize {
    let floor = x.floor();
    floor as usize + usize::from(rng.r#gen::<f64>() < x - floor)
}
